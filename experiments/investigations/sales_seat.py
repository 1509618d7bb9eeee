"""Direct companies with nobody selling: how often, and with a seat kept (``min_reps``).

::

    PYTHONPATH=. python -m experiments.investigations.sales_seat --seeds 101-110

Issue 16 (a company that behaves like a company). With ``min_reps = 0`` a direct
company whose last rep left or was laid off hires from a trailing year of rep-won ACV
that is zero once nobody sells, so it never sells again while its cash, burn and
marketing run on. The script runs the default market with ``min_reps`` 0 and 1 on the
same seeds and prints, for each: the share of direct companies' weeks after their sales
start spent with no rep, direct companies alive at the end and how many of them have no
rep, and exits a run. Tuning seeds only; a diagnosis, not a page.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from experiments.investigations.team_growth import seed_range


def count(seed: int, min_reps: int) -> tuple[int, int, int, int, int]:
    """(weeks with no rep, direct weeks, alive with no rep at the end, alive, exits)."""
    from sim.model import MarketModel

    model = MarketModel.from_scenario("default", rng=seed, min_reps=min_reps)
    idle = weeks = 0
    for _ in range(model.horizon):
        model.step()
        for v in model.vendor_list:
            if v.alive and v.strategy == "direct" and model.steps > v.sales_start:
                weeks += 1
                idle += v.reps == 0
    direct = [v for v in model.vendor_list if v.alive and v.strategy == "direct"]
    exits = sum(1 for e in model.events if e["event"] == "exit")
    return idle, weeks, sum(v.reps == 0 for v in direct), len(direct), exits


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=seed_range, default=seed_range("101-110"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    seeds = args.seeds
    print("| min_reps | direct weeks with no rep | alive at the end: no rep / all | exits a run |")
    print("| --- | --- | --- | --- |")
    with ProcessPoolExecutor(args.workers) as pool:
        for min_reps in (0, 1):
            rows = np.array(list(pool.map(count, seeds, [min_reps] * len(seeds))), dtype=float)
            share = rows[:, 0].sum() / rows[:, 1].sum()
            print(
                f"| {min_reps} | {share:.0%} | {rows[:, 2].mean():.1f} / {rows[:, 3].mean():.1f} "
                f"| {rows[:, 4].mean():.1f} |"
            )


if __name__ == "__main__":
    main()
