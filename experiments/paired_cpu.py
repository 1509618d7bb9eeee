"""Paired CPU time of a default run: two source trees in alternation, ratios per pair.

On a shared machine a run's time swings with the load, so two versions of the code
are compared by pairs: one run of the tree before the change, one run of the tree
after it, again and again, each in a fresh process pinned to the same core; the
ratio of a pair (after / before) is read, and the median over the pairs::

    PYTHONPATH=. python -m experiments.paired_cpu --before /work/main --after . \\
        --enterprises 200 --pairs 10
    PYTHONPATH=. python -m experiments.paired_cpu --before /work/main --after . \\
        --enterprises 200 --pairs 3 --mechanisms

A run is the default scenario (``--enterprises``: its ``n_enterprises``, 0 for the
scenario's own), seed 1, built and stepped five weeks to warm imports and caches,
then built again and timed: ``time.process_time`` around ``--weeks`` steps, best of
two; the tree that runs first alternates from pair to pair. With ``--mechanisms`` each process instead reports the step clock's CPU ms per
mechanism (:mod:`sim.step_clock`, best of three runs) and the table gives each
mechanism's least over the processes of each tree. ``--record none`` times lean runs
(``MarketModel(record="none")``: what a study, the optimiser and the fit run).
``--calls`` adds Python function calls a week under cProfile (one run per tree).
``docs/performance.md`` quotes what this printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

_CHILD = r"""
import json, sys, time
from sim.model import MarketModel
from sim.step_clock import StepClock
enterprises, weeks, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
mechanisms, calls = mode == "1", mode == "2"
kw = {"n_enterprises": enterprises} if enterprises else {}
if sys.argv[4] != "full":  # (a tree older than record= is timed in full only)
    kw["record"] = sys.argv[4]
def build():
    return MarketModel.from_scenario("default", rng=1, **kw)
m = build()
for _ in range(5):
    m.step()
if mechanisms:
    best = {}
    for _ in range(3):
        m = build()
        m.step_clock = StepClock(timer=time.process_time)
        for _ in range(weeks):
            m.step()
        for k, v in m.step_clock.totals.items():
            best[k] = min(best.get(k, float("inf")), v)
    print(json.dumps({"employees": m.n_employees, "mechanisms": best,
                      "record": getattr(m, "record", "full")}))
elif calls:
    import cProfile, pstats
    m = build()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(weeks):
        m.step()
    profiler.disable()
    print(json.dumps({"employees": m.n_employees, "record": getattr(m, "record", "full"),
                      "calls_per_week": pstats.Stats(profiler).total_calls / weeks}))
else:
    cpu = []
    for _ in range(2):
        m = build()
        t = time.process_time()
        for _ in range(weeks):
            m.step()
        cpu.append(time.process_time() - t)
    print(json.dumps({"employees": m.n_employees, "cpu": min(cpu),
                      "record": getattr(m, "record", "full")}))
"""


def run_child(
    tree: Path,
    enterprises: int,
    weeks: int,
    mechanisms: bool,
    core: int,
    record: str = "full",
    calls: bool = False,
) -> dict:
    """One fresh process importing ``tree``'s code, pinned to ``core`` where possible."""
    flag = "2" if calls else "1" if mechanisms else "0"
    cmd = [sys.executable, "-c", _CHILD, str(enterprises), str(weeks), flag, record]
    if core >= 0 and shutil.which("taskset"):
        cmd = ["taskset", "-c", str(core), *cmd]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"a run of {tree} failed:\n{out.stderr.strip()[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _tree(value: str) -> Path:
    path = Path(value).resolve()
    if not (path / "sim" / "model.py").is_file():
        raise argparse.ArgumentTypeError(f"{value} holds no sim/model.py")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=_tree, required=True, help="source tree before")
    parser.add_argument("--after", type=_tree, required=True, help="source tree after")
    parser.add_argument("--enterprises", type=int, default=200, help="0: the scenario's")
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--core", type=int, default=1, help="core to pin to; -1: none")
    parser.add_argument("--mechanisms", action="store_true", help="step clock per mechanism")
    parser.add_argument("--calls", action="store_true", help="Python calls a week too (cProfile)")
    parser.add_argument(
        "--record",
        choices=("full", "none"),
        default="full",
        help="what a run keeps: full (Explore's runs) or none (a study's, the optimiser's)",
    )
    args = parser.parse_args(argv)
    if args.pairs < 1 or args.weeks < 1 or args.enterprises < 0:
        parser.error("--pairs and --weeks must be at least 1, --enterprises at least 0")

    runs: dict[str, list[dict]] = {"before": [], "after": []}
    try:
        for i in range(args.pairs):
            # alternate which tree goes first: a load that rises or falls over a pair
            # then favours neither
            for side in ("before", "after") if i % 2 == 0 else ("after", "before"):
                tree = getattr(args, side)
                runs[side].append(
                    run_child(
                        tree, args.enterprises, args.weeks, args.mechanisms, args.core, args.record
                    )
                )
            if not args.mechanisms:
                b, a = runs["before"][-1]["cpu"], runs["after"][-1]["cpu"]
                print(f"pair {i + 1}: before {b:.3f} s, after {a:.3f} s, ratio {a / b:.3f}")
        calls = {
            side: run_child(getattr(args, side), args.enterprises, args.weeks, False,
                            args.core, args.record, calls=True)["calls_per_week"]
            for side in ("before", "after")
        } if args.calls else None  # fmt: skip
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if calls:
        print(f"Python calls a week (cProfile): before {calls['before']:,.0f}, "
              f"after {calls['after']:,.0f}")  # fmt: skip
    employees, kept = runs["after"][0]["employees"], runs["after"][0]["record"]
    print(f"\n{employees:,} employees, {args.weeks} weeks, {args.pairs} pairs, record={kept}")
    if args.mechanisms:
        best = {
            side: {k: min(r["mechanisms"][k] for r in rs) for k in rs[0]["mechanisms"]}
            for side, rs in runs.items()
        }
        order = sorted(best["before"], key=lambda k: -best["before"][k])
        print("| mechanism | before (CPU ms) | after | change |\n| --- | --- | --- | --- |")
        for k in order:
            b, a = 1000 * best["before"][k], 1000 * best["after"].get(k, float("nan"))
            print(f"| {k} | {b:.0f} | {a:.0f} | {100 * (a - b) / b:+.0f}% |")
        b, a = (1000 * sum(best[s].values()) for s in ("before", "after"))
        print(f"| all (sum of the rows) | {b:,.0f} | {a:,.0f} | {100 * (a - b) / b:+.0f}% |")
        return 0
    ratios = [a["cpu"] / b["cpu"] for b, a in zip(runs["before"], runs["after"], strict=True)]
    cpu = {side: [r["cpu"] for r in rs] for side, rs in runs.items()}
    print(
        f"ratios {', '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.3f}"
        f"; CPU s before {min(cpu['before']):.3f}-{max(cpu['before']):.3f} (median "
        f"{statistics.median(cpu['before']):.3f}), after {min(cpu['after']):.3f}-"
        f"{max(cpu['after']):.3f} (median {statistics.median(cpu['after']):.3f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
