"""Benchmark: step-plus-redraw latency of the browser app, measured in Chromium.

Starts the app on a free loopback port, opens it in headless Chromium, and clicks
Step ``--steps`` times at the default scenario, timing each in the page (see
:mod:`gui.latency_probe`). Then plays at full speed for ``--play-seconds`` and reports
weeks per second. Prints figures; asserts nothing (CONVENTIONS.md: timings are not tests).

    .venv/bin/python gui/tools/gui_latency.py --steps 30
    .venv/bin/python gui/tools/gui_latency.py --steps 40 --busy   # a study on another core
    .venv/bin/python gui/tools/gui_latency.py --kpi-ab --steps 30 --rounds 2

``--kpi-ab`` measures what my company's KPI cards add to a step: servers with and
without the cards (``SALESWEB_KPI_CARDS=0``) in alternating rounds, same viewport,
plus the Python cost of recording and formatting the cards per step.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from gui.tools.chromium import ARGS, find_chromium

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--play-seconds", type=float, default=10.0)
    parser.add_argument("--chromium", default=find_chromium() or "/usr/bin/chromium")
    parser.add_argument(
        "--heights",
        default="900",
        help="viewport heights to measure; 1000 shows the charts above the fold (off-screen "
        "views wait until scrolled to), 2600 shows every view at once",
    )
    parser.add_argument("--width", type=int, default=1440, help="viewport width (issue 17: 1440)")
    parser.add_argument(
        "--busy",
        action="store_true",
        help="run a one-worker `salesweb study` beside the measurement (a study on the other core)",
    )
    parser.add_argument("--kpi-ab", action="store_true", help="time the KPI cards' cost")
    parser.add_argument("--rounds", type=int, default=2, help="A/B rounds for --kpi-ab")
    parser.add_argument(
        "--ab-root",
        type=Path,
        help="another checkout (e.g. /work/main) served in alternating rounds with this one: "
        "the ratio of their medians holds on a loaded machine where absolute figures do not",
    )
    args = parser.parse_args()
    if args.ab_root is not None:
        checkout_ab(args)
        return
    if args.kpi_ab:
        kpi_ab(args)
        return

    from playwright.sync_api import sync_playwright

    from gui.latency_probe import measure_steps

    server, url = start_server({})
    busy = start_busy_study() if args.busy else None
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, headless=True, args=ARGS)
            for height in (int(h) for h in args.heights.split(",")):
                page = browser.new_page(viewport={"width": args.width, "height": height})
                page.goto(url)
                page.locator(".sw-step", has_text="Week 0").wait_for(timeout=60_000)
                page.locator("[data-chart=market_map][data-rendered]").wait_for(timeout=60_000)
                load = os.getloadavg()[0]
                print(
                    f"viewport {args.width}x{height}: {args.steps} Step clicks, default scenario "
                    f"(ms; load average {load:.1f}{'; a study running beside' if busy else ''}):"
                )
                stats = measure_steps(page, args.steps)
                for key, value in stats.items():
                    print(f"  {key:>18}: {value:.0f}")
                # throughput while playing as fast as possible
                page.locator(".sw-speed [role=slider]").focus()
                page.keyboard.press("End")
                start = int(page.locator(".sw-step").inner_text().split()[1])
                page.get_by_role("button", name="Play").click()
                time.sleep(args.play_seconds)
                page.get_by_role("button", name="Pause").click()
                page.get_by_role("button", name="Play").wait_for()
                end = int(page.locator(".sw-step").inner_text().split()[1])
                rate = (end - start) / args.play_seconds
                print(
                    f"  play at full speed: {rate:.1f} weeks/s ({1000 / max(rate, 1e-9):.0f} ms/week)"
                )
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        if busy is not None:
            busy.terminate()
            busy.wait(timeout=10)


def start_busy_study() -> subprocess.Popen:
    """A one-worker study of the default market, long enough to outlast the measurement."""
    return subprocess.Popen(
        [sys.executable, "-c", "from experiments.cli import app; app()", "study", "--quiet",
         "--workers", "1", "--seeds", "50", "--steps", "260", "--option", "d: strategy=direct"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def start_server(env_extra: dict[str, str], root: Path = ROOT) -> tuple[subprocess.Popen, str]:
    """The app of checkout ``root`` on a free loopback port with extra environment."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen(
        [sys.executable, "-m", "gui.server", "--port", str(port)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), **env_extra},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    return server, url


def kpi_python_cost(steps: int = 260) -> float:
    """Mean microseconds per step to record my company's figures and build its cards."""
    from gui.kpis import FocalTrack, kpi_cards
    from sim.model import MarketModel

    model = MarketModel(rng=1, focal={})
    track = FocalTrack(model)
    spent = 0.0
    for _ in range(steps):
        model.step()
        t0 = time.perf_counter()
        track.record()
        kpi_cards(track)
        spent += time.perf_counter() - t0
    return 1e6 * spent / steps


def kpi_ab(args) -> None:
    """Step-plus-redraw latency with and without the KPI cards, alternating servers."""
    import statistics

    from playwright.sync_api import sync_playwright

    from gui.latency_probe import measure_steps

    print(f"record + format the cards in Python: {kpi_python_cost():.0f} us per step")
    height = int(args.heights.split(",")[0])
    results: dict[str, list[float]] = {"with cards": [], "without cards": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, headless=True, args=ARGS)
        for _ in range(args.rounds):
            for label, flag in (("with cards", "1"), ("without cards", "0")):
                server, url = start_server({"SALESWEB_KPI_CARDS": flag})
                try:
                    page = browser.new_page(viewport={"width": args.width, "height": height})
                    page.goto(url)
                    page.locator(".sw-step", has_text="Week 0").wait_for(timeout=60_000)
                    page.locator("[data-chart=market_map][data-rendered]").wait_for(timeout=60_000)
                    stats = measure_steps(page, args.steps)
                    results[label].append(stats["median_ms"])
                    print(f"  {label:>13}: median {stats['median_ms']:.0f} ms, "
                          f"p90 {stats['p90_ms']:.0f} ms")  # fmt: skip
                    page.close()
                finally:
                    server.terminate()
                    server.wait(timeout=10)
        browser.close()
    a = statistics.median(results["with cards"])
    b = statistics.median(results["without cards"])
    print(f"viewport 1500x{height}, {args.steps} steps x {args.rounds} rounds: median step "
          f"{a:.0f} ms with the cards, {b:.0f} ms without: the cards add {a - b:+.0f} ms")  # fmt: skip


def checkout_ab(args) -> None:
    """Median step latency of this checkout and ``--ab-root``, in alternating rounds."""
    import statistics

    from playwright.sync_api import sync_playwright

    from gui.latency_probe import measure_steps

    height = int(args.heights.split(",")[0])
    roots = {"this checkout": ROOT, str(args.ab_root): args.ab_root.resolve()}
    results: dict[str, list[float]] = {k: [] for k in roots}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, headless=True, args=ARGS)
        for _ in range(args.rounds):
            for label, root in roots.items():
                server, url = start_server({}, root)
                try:
                    page = browser.new_page(viewport={"width": args.width, "height": height})
                    page.goto(url)
                    page.locator(".sw-step", has_text="Week 0").wait_for(timeout=60_000)
                    page.locator("[data-chart=market_map][data-rendered]").wait_for(timeout=60_000)
                    stats = measure_steps(page, args.steps)
                    results[label].append(stats["median_ms"])
                    print(f"  {label:>20}: median {stats['median_ms']:.0f} ms, p90 "
                          f"{stats['p90_ms']:.0f} ms (load {os.getloadavg()[0]:.1f})")  # fmt: skip
                    page.close()
                finally:
                    server.terminate()
                    server.wait(timeout=10)
        browser.close()
    a, b = (statistics.median(v) for v in results.values())
    print(f"viewport {args.width}x{height}, {args.steps} steps x {args.rounds} rounds: median "
          f"{a:.0f} ms here, {b:.0f} ms in {args.ab_root}: ratio {a / b:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
