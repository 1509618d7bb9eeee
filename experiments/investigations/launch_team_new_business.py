"""Where a market's new business comes from, year by year.

::

    PYTHONPATH=. python -m experiments.investigations.launch_team_new_business --seeds 12 [--set NAME=VALUE]

Issue 16, point 1: every sales team shrinks toward one rep after the land grab, whatever
it launched with (docs/investigations/launch_team.md). This script splits the ACV the
market's reps win each year by what the enterprise held when the deal closed:

- *first*: an enterprise that never held an agreement in the category (greenfield);
- *lapsed*: one that held an agreement once and holds none now (its vendor churned);
- *displaced*: one whose agreement a rival held (won at that agreement's renewal).

Next to them: the ACV that churned (``churn`` events) and was displaced, the reps on
payroll and the vendors with a sales motion (means over the year's weeks), and the share
of enterprises holding an agreement at the year's end (of the firms founded by then, with
``firm_founding_rate``). The default market, no focal
company, tuning seeds (101 onwards), every seed's numbers averaged. A diagnosis, not a
page: the tables it prints are in docs/investigations/launch_team.md.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from agents.terms import YEAR
from experiments.fit.simulate import Market
from experiments.investigations.team_growth import assignment
from sim.firm_founding import founded

COLUMNS = (
    "rep-won ACV",
    "first",
    "lapsed",
    "displaced",
    "churned ACV",
    "reps",
    "sales vendors",
    "holding at year end",
)
"""One row a year; the first five are USD a year, the rest as :func:`one_market` says."""


def default_market(seed: int, sets: dict):
    """The default market with ``sets`` on seed ``seed``, without a focal company and
    without per-step records (the scripts read the event log)."""
    from sim.model import MarketModel

    kwargs = Market.of("default", sets).kwargs({}, seed)
    kwargs.pop("focal", None)
    return MarketModel(**{**kwargs, "record": "none"})


def classify(holder_before: np.ndarray, ever_held: np.ndarray, e: int, vendor: int) -> int:
    """Which of *first* (1), *lapsed* (2) or *displaced* (3) a win at enterprise ``e`` is,
    from what the enterprise held at the start of the week (column of :data:`COLUMNS`).

    Reps do not pitch their own customers, so a vendor never wins where it already holds
    the agreement (none in 3,244 wins on seeds 101-102); if it did, the split could not
    say what it was, so it refuses instead of filing it under a source."""
    held = int(holder_before[e])
    if held == vendor:
        raise ValueError(f"vendor {vendor} won enterprise {e}, whose agreement it holds")
    if held >= 0:
        return 3
    return 2 if ever_held[e] else 1


def one_market(seed: int, sets: dict, years: int) -> np.ndarray:
    """One run of the default market without a focal company: a ``(years, 8)`` table in
    the order of :data:`COLUMNS`."""
    model = default_market(seed, sets)
    table = np.zeros((years, len(COLUMNS)))
    ever_held = model.agreement_holders() >= 0
    seen = len(model.events)
    for week in range(years * YEAR):
        row = table[week // YEAR]
        holder_before = model.agreement_holders().copy()
        model.step()
        index = {v.name: v.index for v in model.vendor_list}
        for event in model.events[seen:]:
            if event["event"] == "won":
                row[0] += event["value"]
                vendor = index[event["vendor"]]
                kind = classify(holder_before, ever_held, event["enterprise"], vendor)
                row[kind] += event["value"]
            elif event["event"] == "churn":
                row[4] += event["value"]
        seen = len(model.events)
        ever_held |= model.agreement_holders() >= 0
        alive = model.alive_vendors()
        row[5] += sum(v.reps for v in alive) / YEAR
        row[6] += sum(1 for v in alive if v.tactic.outbound) / YEAR
        if (week + 1) % YEAR == 0:  # of the firms in the market (sim.firm_founding)
            in_market = founded(model)
            holding = model.agreement_holders() >= 0
            row[7] = float(holding.mean() if in_market is None else holding[in_market].mean())
    return table


def yield_by_motion(seed: int, sets: dict, years: int) -> dict[str, tuple[float, float, float]]:
    """One run of the default market without a focal company: per strategy, the ACV its
    vendors' reps won, the rep-years they held and what those reps cost (each vendor's
    own ``rep_cost``), after the launch year (weeks 52 to ``years`` years): whose reps
    the market's later new business pays."""
    model = default_market(seed, sets)
    sums: dict[str, list[float]] = {}
    seen = len(model.events)
    for week in range(years * YEAR):
        if week >= YEAR:
            for v in model.alive_vendors():
                row = sums.setdefault(v.strategy, [0.0, 0.0, 0.0])
                row[1] += v.reps / YEAR
                row[2] += v.reps * v.rep_cost
        model.step()
        if week >= YEAR:
            for event in model.events[seen:]:
                if event["event"] == "won":
                    sums.setdefault(event["strategy"], [0.0, 0.0, 0.0])[0] += event["value"]
        seen = len(model.events)
    return {motion: (row[0], row[1], row[2]) for motion, row in sums.items()}


def print_motions(seeds: range, sets: dict, years: int) -> None:
    """Rep-won ACV per rep-year by motion after the launch year, every seed pooled."""
    with ProcessPoolExecutor(2) as pool:
        runs = list(pool.map(yield_by_motion, seeds, [sets] * len(seeds), [years] * len(seeds)))
    print(f"weeks 52-{years * YEAR}, seeds {seeds.start}-{seeds.stop - 1} pooled")
    print("| motion | rep-won ACV a rep-year | over what the reps cost | rep-years a run |")
    print("| --- | --- | --- | --- |")
    for motion in sorted({m for run in runs for m in run}):
        won, held, cost = (sum(run[motion][k] for run in runs if motion in run) for k in range(3))
        if held > 0:
            print(f"| {motion} | {won / held:,.0f} | {won / cost:.2f} | {held / len(runs):.1f} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=12, help="seeds 101 onwards (tuning)")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument(
        "--set", type=assignment, action="append", default=[], metavar="NAME=VALUE",
        help="a market parameter in every run (repeatable), e.g. n_enterprises=2400",
    )  # fmt: skip
    parser.add_argument(
        "--motions", action="store_true",
        help="rep-won ACV per rep-year by motion after the launch year instead",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.seeds < 1 or args.years < 2:
        raise SystemExit("--seeds must be at least 1 and --years at least 2")
    sets = dict(args.set)
    seeds = range(101, 101 + args.seeds)
    if args.motions:
        print_motions(seeds, sets, args.years)
        return
    with ProcessPoolExecutor(2) as pool:
        tables = list(pool.map(one_market, seeds, [sets] * args.seeds, [args.years] * args.seeds))
    mean = np.mean(tables, axis=0)
    laid = ", ".join(f"{k}={v}" for k, v in args.set) or "nothing"
    print(f"default market, no focal company, seeds 101-{100 + args.seeds}; set: {laid}")
    print("| year | " + " | ".join(COLUMNS) + " |")
    print("| --- " * (len(COLUMNS) + 1) + "|")
    for year, row in enumerate(mean, start=1):
        money = " | ".join(f"{x / 1e6:.2f}M" for x in row[:5])
        print(f"| {year} | {money} | {row[5]:.1f} | {row[6]:.1f} | {row[7]:.2f} |")


if __name__ == "__main__":
    main()
