"""What the default market's newest mechanisms cost a week, timed in pairs.

::

    taskset -c 1 env PYTHONPATH=. python -m experiments.investigations.default_week_cost

The bench's 20,000-employee run (the default market at ``n_enterprises`` for 20,000
employees, every firm in it from week 0, :data:`experiments.bench.SIZED`) read 0.28 s of
CPU after the default market turned on the sales teams' backfill and the leader's edge
(issue 22's target: 0.25 s). This times that run with today's default against the same
run with ``backfill_leavers`` off and ``installed_base_edge`` 0, in turn, in one process
on one core, on a few seeds (the same seed in both arms), so a busy host moves both arms
alike. Prints each arm's median CPU, the reps at week 260, and the median paired ratio.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

ARMS = {
    "today's default": {},
    "no backfill, no edge": {"backfill_leavers": False, "installed_base_edge": 0.0},
}


def run(overrides: dict, seed: int, n_enterprises: int, weeks: int) -> tuple[float, int]:
    """CPU seconds of ``weeks`` steps (the build not counted) and the reps at the end."""
    from experiments.bench import SIZED
    from sim.model import MarketModel
    from sim.scenarios import load_scenario

    kw = load_scenario("default").model_kwargs(n_enterprises=n_enterprises, **SIZED, **overrides)
    model = MarketModel(rng=seed, **kw)
    start = time.process_time()
    for _ in range(weeks):
        model.step()
    return time.process_time() - start, int(model.reps_total)


def main() -> None:
    from experiments.bench import enterprises_for

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--employees", type=int, default=20_000)
    args = parser.parse_args()
    n = enterprises_for(args.employees)
    run({}, 99, n, 10)  # load the compiled kernels before anything is timed
    cpu: dict[str, list[float]] = {a: [] for a in ARMS}
    reps: dict[str, list[int]] = {a: [] for a in ARMS}
    for _ in range(args.repeats):
        for seed in range(1, args.seeds + 1):
            for arm, overrides in ARMS.items():
                c, r = run(overrides, seed, n, args.weeks)
                cpu[arm].append(c)
                reps[arm].append(r)
    for arm in ARMS:
        print(f"{arm}: median CPU {np.median(cpu[arm]):.3f} s, reps at the end "
              f"{reps[arm][: args.seeds]}")  # fmt: skip
    first, second = ARMS
    ratio = np.asarray(cpu[first]) / np.asarray(cpu[second])
    print(f"paired ratio {first} / {second}: median {np.median(ratio):.3f} "
          f"(min {ratio.min():.3f}, max {ratio.max():.3f}; {len(ratio)} pairs)")  # fmt: skip


if __name__ == "__main__":
    main()
