"""Paired CPU time of a default run: this tree against another, alternately, on one core.

::

    PYTHONPATH=. python -m experiments.speed_pairs --base /path/to/main --pairs 10
    PYTHONPATH=. python -m experiments.speed_pairs --base /path/to/main --enterprises 0 --clock

On a shared machine a single run's time says more about the load than about the code.
Each pair runs the same seeded market once with each tree's code (``PYTHONPATH`` set
to the tree, a fresh process pinned to the same core with ``taskset``), in alternating
order, and reports the ratio of their CPU times: a load that rises or falls over a
pair shifts both runs alike. The median ratio over the pairs is the figure quoted
(docs/performance.md); seed ``i`` in pair ``i``, so every pair compares one market.

A run is the default scenario (``n_enterprises`` 200 by default; 0 keeps the
scenario's own size), built after a five-week warm-up market (the compiled kernels'
load is paid there, not in the run), timed with ``time.process_time`` around the
``step()`` calls only. ``--clock`` adds the step clock's CPU ms per mechanism
(:mod:`sim.step_clock`), the median over the pairs; ``--calls`` adds Python function
calls a week under cProfile (one run per tree, the same seed).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_LOAD_AND_RUN = (
    "import importlib.util, sys; "
    "spec = importlib.util.spec_from_file_location('speed_pairs', sys.argv[1]); "
    "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module); "
    "sys.exit(module.main(sys.argv[2:]))"
)


def child(enterprises: int, weeks: int, seed: int, clock: bool, calls: bool) -> dict:
    """One timed run in this process (the code on ``sys.path``): CPU s, mechanisms, calls."""
    from sim.model import MarketModel
    from sim.step_clock import StepClock

    size = {"n_enterprises": enterprises} if enterprises else {}
    warm = MarketModel.from_scenario("default", rng=seed + 1000, n_enterprises=20)
    for _ in range(5):
        warm.step()
    model = MarketModel.from_scenario("default", rng=seed, **size)
    if clock:
        model.step_clock = StepClock(timer=time.process_time)
    profiler = None
    if calls:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.process_time()
    for _ in range(weeks):
        model.step()
    cpu = time.process_time() - start
    out = {"cpu": cpu, "employees": int(model.n_employees)}
    if profiler is not None:
        import pstats

        profiler.disable()
        out["calls_per_week"] = pstats.Stats(profiler).total_calls / weeks
    if clock:
        out["mechanisms"] = dict(model.step_clock.totals)
    return out


def run_tree(tree: Path, args: argparse.Namespace, seed: int, calls: bool = False) -> dict:
    """:func:`child` in a fresh process with ``tree``'s code, pinned to ``--core``."""
    # this file is loaded by its path, so the other tree needs no copy of it; every
    # other import (the model) comes from ``tree``
    cmd = [
        *(["taskset", "-c", str(args.core)] if args.core >= 0 else []),
        sys.executable,
        "-c",
        _LOAD_AND_RUN,
        __file__,
        "--child",
        f"--enterprises={args.enterprises}",
        f"--weeks={args.weeks}",
        f"--seed={seed}",
        *(["--clock"] if args.clock and not calls else []),
        *(["--calls"] if calls else []),
    ]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base", type=Path, help="the other tree (for example main's checkout)")
    p.add_argument("--enterprises", type=int, default=200, help="0: the scenario's own size")
    p.add_argument("--weeks", type=int, default=260)
    p.add_argument("--pairs", type=int, default=6)
    p.add_argument("--core", type=int, default=0, help="pin to this core (-1: do not pin)")
    p.add_argument("--clock", action="store_true", help="CPU ms per mechanism too")
    p.add_argument("--calls", action="store_true", help="Python calls a week too (cProfile)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.enterprises, args.weeks, args.seed, args.clock, args.calls)))
        return 0
    if args.base is None or not (args.base / "sim" / "model.py").is_file():
        print("error: --base must name a Sales Web checkout (with sim/model.py)", file=sys.stderr)
        return 2
    for name in ("pairs", "weeks"):
        if getattr(args, name) < 1:
            print(f"error: --{name} must be at least 1", file=sys.stderr)
            return 2
    if args.enterprises < 0:
        print("error: --enterprises must be 0 (the scenario's size) or more", file=sys.stderr)
        return 2
    trees = {"base": args.base.resolve(), "this": ROOT}
    runs: dict[str, list[dict]] = {"base": [], "this": []}
    ratios = []
    for i in range(args.pairs):
        order = ["base", "this"] if i % 2 == 0 else ["this", "base"]
        pair = {name: run_tree(trees[name], args, seed=1 + i) for name in order}
        for name, result in pair.items():
            runs[name].append(result)
        ratios.append(pair["this"]["cpu"] / pair["base"]["cpu"])
        print(
            f"pair {i + 1}: base {pair['base']['cpu']:.3f} s, this {pair['this']['cpu']:.3f} s,"
            f" ratio {ratios[-1]:.3f}",
            flush=True,
        )
    employees = runs["this"][0]["employees"]
    print(
        f"{args.pairs} pairs, {args.weeks} weeks, {employees:,} employees (pair 1):"
        f" median ratio {statistics.median(ratios):.3f} (range {min(ratios):.3f}-{max(ratios):.3f});"
        f" median CPU base {statistics.median(r['cpu'] for r in runs['base']):.3f} s,"
        f" this {statistics.median(r['cpu'] for r in runs['this']):.3f} s"
    )
    if args.clock:
        print("\n| mechanism | base CPU ms | this CPU ms |\n| --- | --- | --- |")
        for name in runs["base"][0]["mechanisms"]:
            base = statistics.median(r["mechanisms"][name] for r in runs["base"])
            this = statistics.median(r["mechanisms"].get(name, 0.0) for r in runs["this"])
            print(f"| {name} | {1000 * base:.0f} | {1000 * this:.0f} |")
    if args.calls:
        calls = {name: run_tree(trees[name], args, seed=1, calls=True) for name in trees}
        print(
            f"Python calls a week (cProfile, seed 1): base {calls['base']['calls_per_week']:,.0f},"
            f" this {calls['this']['calls_per_week']:,.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
