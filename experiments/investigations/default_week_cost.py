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

``--mechanisms`` asks where the generations at work (``purchaser_openness``,
``newcomer_invites``, on in the default market since d1873a1) spend their time: the
same run with them on and off, by mechanism (:class:`sim.step_clock.StepClock`, the
best of three runs per mechanism, seed 1), with the contracts at week 260.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

ARMS = {
    "today's default": {},
    "no backfill, no edge": {"backfill_leavers": False, "installed_base_edge": 0.0},
}


def market(overrides: dict, seed: int, n_enterprises: int):
    """The bench's sized default market (:data:`experiments.bench.SIZED`) with ``overrides``."""
    from experiments.bench import SIZED
    from sim.model import MarketModel

    return MarketModel.from_scenario(
        "default", rng=seed, n_enterprises=n_enterprises, **SIZED, **overrides
    )


def run(overrides: dict, seed: int, n_enterprises: int, weeks: int) -> tuple[float, int]:
    """CPU seconds of ``weeks`` steps (the build not counted) and the reps at the end."""
    model = market(overrides, seed, n_enterprises)
    start = time.process_time()
    for _ in range(weeks):
        model.step()
    return time.process_time() - start, int(model.reps_total)


GENERATIONS = {
    "generations on (today)": {},
    "generations off": {"purchaser_openness": 0.0, "newcomer_invites": False},
}


def by_mechanism(overrides: dict, n_enterprises: int, weeks: int) -> tuple[dict, int]:
    """CPU seconds per mechanism (best of three runs, seed 1) and contracts at the end."""
    from sim.step_clock import StepClock

    best: dict[str, float] = {}
    for _ in range(3):
        model = market(overrides, 1, n_enterprises)
        model.step_clock = StepClock(timer=time.process_time)
        for _ in range(weeks):
            model.step()
        for name, sec in model.step_clock.totals.items():
            best[name] = min(best.get(name, sec), sec)
    return best, len(model.contracts.vendor)


def print_mechanisms(n_enterprises: int, weeks: int) -> None:
    rows = {arm: by_mechanism(over, n_enterprises, weeks) for arm, over in GENERATIONS.items()}
    arms = list(rows)
    print("| mechanism | " + " | ".join(f"{a}, ms" for a in arms) + " | difference, ms |")
    print("|" + " --- |" * (len(arms) + 2))
    first = rows[arms[0]][0]
    for name in sorted(first, key=lambda k: -first[k]):
        ms = [1000 * rows[a][0].get(name, 0.0) for a in arms]
        print(f"| {name} | " + " | ".join(f"{m:.1f}" for m in ms) + f" | {ms[0] - ms[1]:+.1f} |")
    totals = [1000 * sum(rows[a][0].values()) for a in arms]
    print("| **all** | " + " | ".join(f"**{t:.0f}**" for t in totals)
          + f" | **{totals[0] - totals[1]:+.0f}** |")  # fmt: skip
    print("contracts ever signed: " + ", ".join(f"{a} {rows[a][1]}" for a in arms))


def main() -> None:
    from experiments.bench import enterprises_for

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--employees", type=int, default=20_000)
    parser.add_argument(
        "--mechanisms", action="store_true", help="the generations' cost by mechanism"
    )
    args = parser.parse_args()
    n = enterprises_for(args.employees)
    run({}, 99, n, 10)  # load the compiled kernels before anything is timed
    if args.mechanisms:
        print_mechanisms(n, args.weeks)
        return
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
