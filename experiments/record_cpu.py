"""Paired CPU time of a study's run with and without weekly tables (``record``).

A study's run (:func:`experiments.study.run_one`) builds its model with
``record="none"`` (:data:`sim.reporting.RECORDS`): no model-level metric, no data
collector row, no vendor row each week. This times the same run both ways, in pairs on
the same seed and in alternating order (full first in odd pairs, none first in even
ones), in one warm process, so a change of load between two runs moves both sides of a
pair alike; the ratio of each pair and their median are what to read::

    taskset -c 1 env PYTHONPATH=. python -m experiments.record_cpu --enterprises 181 600

The run is the bench's study run: the default scenario at ``--enterprises``, the focal
company hybrid, ``--steps`` weeks. The 1-minute load average is printed with each size.

On a loaded machine a whole run's CPU time swings by a tenth or more, as much as the
saving; ``--phase`` also prints what the saving is made of, steadier: the step clock's
CPU ms for the week's outputs (:mod:`sim.step_clock`, "outputs and data collection":
the metrics and rows, or only each vendor's figures, and the memory check) over a run
of each kind, least of the pairs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

RECORDS = ("full", "none")


def time_run(n_enterprises: int, seed: int, steps: int, record: str) -> float:
    """CPU seconds of one study run (build included, as a study pays it)."""
    from experiments.study import run_one
    from sim.scenarios import load_scenario

    kw = load_scenario("default").model_kwargs(n_enterprises=n_enterprises, record=record)
    kw.update(focal={"strategy": "hybrid"}, rng=seed)
    t = time.process_time()
    run_one((0, 0, kw, steps))
    return time.process_time() - t


def output_phase(n_enterprises: int, seed: int, steps: int, record: str) -> float:
    """CPU seconds of the week's outputs over one run (the step clock's last phase)."""
    from sim.model import MarketModel
    from sim.step_clock import StepClock

    model = MarketModel.from_scenario(
        "default", rng=seed, n_enterprises=n_enterprises, focal={"strategy": "hybrid"},
        record=record,
    )  # fmt: skip
    model.step_clock = StepClock(timer=time.process_time)
    for _ in range(steps):
        model.step()
    return model.step_clock.totals["outputs and data collection"]


def pairs(n_enterprises: int, n_pairs: int, steps: int) -> list[dict[str, float]]:
    """``n_pairs`` pairs ``{"full": s, "none": s}`` on seeds 1, 2, ..., order alternating."""
    out = []
    for i in range(n_pairs):
        order = RECORDS if i % 2 == 0 else RECORDS[::-1]
        out.append({r: time_run(n_enterprises, i + 1, steps, r) for r in order})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, nargs="+", default=[181, 600])
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--steps", type=int, default=260)
    parser.add_argument("--phase", action="store_true", help="also the outputs' CPU ms")
    args = parser.parse_args(argv)
    if args.pairs < 1 or args.steps < 1 or min(args.enterprises) < 1:
        parser.error("--pairs, --steps and --enterprises must be at least 1")
    time_run(20, 0, 5, "full")  # imports and compiled kernels out of the timing
    cores = sorted(os.sched_getaffinity(0))
    print(f"cores {cores}, {args.steps} weeks, focal hybrid, default scenario")
    for n in args.enterprises:
        load = os.getloadavg()[0]
        runs = pairs(n, args.pairs, args.steps)
        ratios = [r["none"] / r["full"] for r in runs]
        full, none = ([r[k] for r in runs] for k in RECORDS)
        print(
            f"{n} enterprises (load {load:.2f} -> {os.getloadavg()[0]:.2f}): "
            + ", ".join(f"{r['full']:.3f}/{r['none']:.3f}" for r in runs)
            + f" s (full/none); median full {statistics.median(full):.3f} s, none "
            f"{statistics.median(none):.3f} s; ratio none/full median "
            f"{statistics.median(ratios):.3f} (range {min(ratios):.3f}-{max(ratios):.3f})"
        )
        if args.phase:
            least = {
                r: min(output_phase(n, i + 1, args.steps, r) for i in range(args.pairs))
                for r in RECORDS
            }
            print(
                f"  the week's outputs over a run: full {1000 * least['full']:.1f} CPU ms, "
                f"none {1000 * least['none']:.1f} (least of {args.pairs})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
