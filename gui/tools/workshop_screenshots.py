"""Screenshots of a workshop for docs/workshop.md: lobby, a team's phone, the debrief.

``python gui/tools/workshop_screenshots.py --out docs/img`` serves the app in this
process on a loopback port (as ``gui/tools/workshop_load.py`` does), plays a room of
four teams through the room API with four different plans, and photographs the pages
in headless Chromium: the facilitator's lobby (join code, QR code, settings), a team's
page on a 390-pixel phone mid-game, the projector view (1920x1080) mid-round with two
of four teams submitted, the facilitator's debrief and the printable summary.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PLANS = {
    "Bottoms-up Bees": [("bottoms_up", 15_000.0, 0, 200_000.0)],
    "Direct Ducks": [("direct", 0.0, 6, 0.0), ("direct", 0.0, 4, 0.0)],
    "Hybrid Hawks": [("hybrid", 6_000.0, 2, 0.0), ("hybrid", 6_000.0, 2, 100_000.0)],
    "Careful Cats": [("hybrid", 3_000.0, 0, 300_000.0)],
}
"""Each team's plan by round (strategy, marketing a week, hires, investment); the last repeats."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--scenario", default="default")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    from gui.tools.chromium import ARGS, find_chromium
    from gui.tools.workshop_load import start_server
    from gui.workshop import links
    from gui.workshop.decisions import Decision
    from gui.workshop.rooms import server_rooms

    url, server = start_server(Path(tempfile.mkdtemp(prefix="salesweb-shots-")))
    room = server_rooms().create()
    key = room.facilitator_key
    room.update_settings(key, scenario=args.scenario, rounds=6, weeks_per_round=13,
                         auto_advance=False, deadline_minutes=0)  # fmt: skip
    teams = [room.join(name) for name in PLANS]

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=find_chromium(), headless=True, args=ARGS)
    host = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    host.goto(url + links.host_page(room.code, key))
    host.locator(".sw-ws-teams tbody tr").nth(3).wait_for()
    host.screenshot(path=str(args.out / "workshop_lobby.png"))

    room.start(key)
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2
    ).new_page()
    hawks = teams[2]
    phone.goto(url + links.team_page(room.code, hawks.id, hawks.key))
    screen = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    screen.goto(url + links.screen_page(room.code))

    def decide(team, number):
        plan = PLANS[team.name]
        strategy, marketing, hires, invest = plan[min(number - 1, len(plan) - 1)]
        vendor = room.market.teams[team.id]
        if vendor.alive:
            invest = min(invest, max(vendor.cash - 1.0, 0.0))
            room.submit(
                team.id, team.key, Decision(strategy, marketing, hires=hires, investment=invest)
            )

    for number in range(1, 7):
        if number == 3:  # the projector mid-round: two teams in, two to come
            decide(teams[0], number)
            decide(teams[1], number)
            screen.locator(".sw-ws-submitted-list").filter(has_text="Submitted: 2 of").wait_for()
            screen.locator("[data-chart=ws_screen_market][data-rendered]").wait_for()
            screen.screenshot(path=str(args.out / "workshop_screen.png"))
        for team in teams:
            decide(team, number)
        if number == 3:
            room.buy(hawks.id, hawks.key, "win_rates")
            phone.locator(".sw-ws-report").first.wait_for()
            phone.locator(".sw-ws-round").filter(has_text="round 3 of 6").wait_for()
            phone.screenshot(path=str(args.out / "workshop_phone.png"), full_page=True)
        room.advance(key)
    host.set_viewport_size({"width": 1280, "height": 1000})
    host.locator(".sw-ws-verdict").wait_for()
    host.locator("[data-chart=ws_debrief_arr][data-rendered]").wait_for()
    host.locator(".sw-ws-debrief").screenshot(path=str(args.out / "workshop_debrief.png"))
    host.goto(url + links.summary_page(room.code, key))
    host.locator(".sw-print-summary").wait_for()
    host.emulate_media(media="print")
    host.screenshot(path=str(args.out / "workshop_summary.png"), full_page=True)
    pw.stop()
    server.should_exit = True
    for name in ("lobby", "phone", "screen", "debrief", "summary"):
        print(args.out / f"workshop_{name}.png")


if __name__ == "__main__":
    main()
