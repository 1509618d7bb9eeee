"""Where a default run's time goes: by mechanism (step clock) and by module (cProfile).

::

    PYTHONPATH=. python -m experiments.profile_run                 # ~20,000 employees
    PYTHONPATH=. python -m experiments.profile_run --enterprises 600 --weeks 104

prints three Markdown tables for docs/performance.md:

- **by mechanism**: the default scenario's 260 weeks with :class:`sim.step_clock.StepClock`
  marking each mechanism (no profiler overhead), CPU ms per run (each mechanism's
  best of three runs); the run's total is timed separately, without the clock;
- **by module**: the same run under cProfile, each function's own time given to the
  ``sim/`` or ``agents/`` module it belongs to; time in numpy, Mesa or the interpreter's
  built-ins goes to the project modules that called it, in proportion to the time
  each caller spent in it (cProfile's caller table). cProfile's overhead inflates
  modules that make many small calls, so read its shares beside the clock's;
- **by size**: CPU ms per week at about 2,000 to 24,000 employees, and the line
  through them: what a week costs whatever the market's size (Python and numpy
  call overhead: a few thousand calls a week) and what each employee adds.

The market is the default scenario with ``n_enterprises`` scaled so that it holds
about 20,000 employees (200 enterprises: 20,870 employees at seed 1), the size issue
22's target names.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from collections import defaultdict
from pathlib import Path

from sim.model import MarketModel
from sim.step_clock import StepClock

ROOT = Path(__file__).resolve().parents[1]
ENTERPRISES = 200  # about 20,000 employees at the default size law (mean 110.2 each)


def build(enterprises: int, seed: int) -> MarketModel:
    return MarketModel.from_scenario("default", rng=seed, n_enterprises=enterprises)


def run(model: MarketModel, weeks: int) -> None:
    for _ in range(weeks):
        model.step()


def timed_run(enterprises: int, weeks: int, seed: int) -> tuple[float, float, int]:
    """(build s, run s, employees) of one plain run."""
    t0 = time.perf_counter()
    model = build(enterprises, seed)
    t1 = time.perf_counter()
    run(model, weeks)
    return t1 - t0, time.perf_counter() - t1, model.n_employees


def by_mechanism(enterprises: int, weeks: int, seed: int, repeats: int = 3) -> dict[str, float]:
    """CPU seconds per mechanism over the run (:mod:`sim.step_clock`), best of ``repeats``.

    CPU time of this process, each mechanism's least over the runs: a shared
    machine's load inflates wall time, and the least is the nearest to a quiet core.
    """
    best: dict[str, float] = {}
    for _ in range(repeats):
        model = build(enterprises, seed)
        model.step_clock = StepClock(timer=time.process_time)
        run(model, weeks)
        for name, sec in model.step_clock.totals.items():
            best[name] = min(best.get(name, float("inf")), sec)
    return dict(sorted(best.items(), key=lambda kv: -kv[1]))


def warm_up_cpu_s() -> float:
    """CPU seconds this process takes to make the compiled kernels ready (Numba).

    On a warm cache it is the cache's load; on a cold one (the first run after a
    change of ``sim/compiled.py``, or a fresh clone) the compile.
    """
    from sim.compiled import warm_up

    t = time.process_time()
    warm_up()
    return time.process_time() - t


def cpu_run(enterprises: int, weeks: int, seed: int) -> float:
    """CPU seconds of one run (after its build)."""
    model = build(enterprises, seed)
    t = time.process_time()
    run(model, weeks)
    return time.process_time() - t


def _module(filename: str) -> str | None:
    """``sim/selling.py`` for a project file, None for anything else."""
    try:
        rel = Path(filename).resolve().relative_to(ROOT)
    except ValueError:
        return None
    if rel.parts and rel.parts[0] in ("sim", "agents"):
        return str(rel)
    return None


def by_module(enterprises: int, weeks: int, seed: int) -> tuple[dict[str, float], float]:
    """Seconds per project module under cProfile (callees' time given to callers)."""
    model = build(enterprises, seed)
    profiler = cProfile.Profile()
    profiler.enable()
    run(model, weeks)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # func -> (cc, nc, tt, ct, callers)
    memo: dict[tuple, dict[str, float]] = {}

    def owners(func: tuple, depth: int = 0) -> dict[str, float]:
        """Fractions of ``func``'s time that belong to each project module."""
        if func in memo:
            return memo[func]
        module = _module(func[0])
        if module is not None:
            share = {module: 1.0}
        elif depth > 30 or func not in stats:
            share = {"(outside sim/ and agents/)": 1.0}
        else:
            callers = stats[func][4]
            total = sum(c[3] for c in callers.values())
            share = defaultdict(float)
            if not callers or total <= 0:
                share["(outside sim/ and agents/)"] = 1.0
            for caller, c in callers.items():
                for name, frac in owners(caller, depth + 1).items():
                    share[name] += frac * c[3] / total
        memo[func] = dict(share)
        return memo[func]

    totals: dict[str, float] = defaultdict(float)
    for func, (_, _, tt, _, _) in stats.items():
        for name, frac in owners(func).items():
            totals[name] += tt * frac
    profiled = sum(totals.values())
    return dict(sorted(totals.items(), key=lambda kv: -kv[1])), profiled


SCALING = (20, 50, 100, 200)  # enterprises: about 2,000 to 24,000 employees


def scaling(weeks: int, seed: int, sizes: tuple[int, ...] = SCALING) -> list[tuple[int, float]]:
    """(employees, CPU ms per week) of the default scenario at several sizes.

    CPU time of this process, best of three runs: the load of a shared machine adds
    to wall time, not to the CPU time a run needs.
    """
    out = []
    for e in sizes:
        best = float("inf")
        for _ in range(3):
            model = build(e, seed)
            t = time.process_time()
            run(model, weeks)
            best = min(best, time.process_time() - t)
        out.append((model.n_employees, 1000 * best / weeks))
    return out


def fixed_and_per_employee(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least-squares line ``ms per week = fixed + per_employee * employees``."""
    import numpy as np

    x, y = np.array(points, dtype=float).T
    slope, intercept = np.polyfit(x, y, 1)
    return float(intercept), float(slope)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=ENTERPRISES)
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    e, w, s = args.enterprises, args.weeks, args.seed

    warm = warm_up_cpu_s()  # first: nothing has loaded the kernels yet in this process
    timed_run(e, min(w, 20), s)  # warm imports and caches
    build_s, run_s, employees = timed_run(e, w, s)
    cpu = min(cpu_run(e, w, s) for _ in range(3))
    print(
        f"compiled kernels (Numba) ready in {warm:.2f} s of CPU (cache load, or compile "
        "on a cold cache)\n"
        f"default scenario, {e} enterprises ({employees:,} employees), {w} weeks, seed {s}: "
        f"build {build_s:.3f} s, run {run_s:.3f} s wall ({1000 * run_s / w:.2f} ms a week); "
        f"CPU {cpu:.3f} s (best of 3, {1000 * cpu / w:.2f} ms a week)\n"
    )
    mech = by_mechanism(e, w, s)
    total = sum(mech.values())
    print("| mechanism | CPU ms per run | share |\n| --- | --- | --- |")
    for name, sec in mech.items():
        print(f"| {name} | {1000 * sec:.0f} | {sec / total:.0%} |")
    print(f"| **all (clocked)** | **{1000 * total:.0f}** | |\n")
    mods, profiled = by_module(e, w, s)
    print("| module (cProfile, callees included) | ms per run | share |\n| --- | --- | --- |")
    for name, sec in mods.items():
        if sec / profiled >= 0.005:
            print(f"| {name} | {1000 * sec:.0f} | {sec / profiled:.0%} |")
    print(f"| **all (profiled)** | **{1000 * profiled:.0f}** | |\n")
    points = scaling(w, s)
    print("| employees | CPU ms per week |\n| --- | --- |")
    for n, ms in points:
        print(f"| {n:,} | {ms:.2f} |")
    fixed, per = fixed_and_per_employee(points)
    print(
        f"\nfit: {fixed:.2f} ms a week whatever the size, plus {1e6 * per:.0f} ns per "
        f"employee ({fixed * w / 1000:.2f} s and {per * w * 20_000 / 1000:.2f} s of a "
        f"{w}-week run at 20,000 employees)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
