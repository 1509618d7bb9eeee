"""Does a direct company that sells well grow its sales team? (issue 16, point 1)

::

    PYTHONPATH=. python -m experiments.investigations.team_growth --seeds 101-110

My company (vendor 0) sells direct at 25 USD a seat with a good product (quality 0.9,
the company page's "sells well") in the default market, 260 weeks, under the default
hiring rule and two variants: no layoffs (``layoff_floor = 0``), and a quota and floor
at half the default (``rep_quota = 2.5``, ``layoff_floor = 1.25``); and in a market whose
enterprises all budget for the category from the start (``budget_open_share = 1``), or
twice or four times as large (``n_enterprises``, fifteenth session), or whose budget
lines open over 7 or 14 years (``budget_line_growth`` 0.1 and 0.05, sixteenth session).
Printed per rule: reps at the start, the peak and the end (medians over seeds; the end's
mean too) and the ACV its reps won. Tuning seeds only; a diagnosis, not a page.

On the twelfth session's merged model (engine 1df56e1e5fa2), seeds 101-110: the
company starts with 1 rep, peaks at 2 and ends with 0 (mean 0.40), its reps having won
4.0M; without layoffs it ends with 1; at half the quota it peaks at 4.5 and still ends
with 1; with every budget line open from the start it peaks at 3 and ends with 1. A
team sized to new-business bookings follows them down as the market's accounts are
taken, whatever the thresholds.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np

FOCAL = {"strategy": "direct", "seat_price": 25.0, "quality": 0.9}
RULES = {
    "default (quota 5, floor 2.5)": {},
    "no layoffs": {"layoff_floor": 0.0},
    "quota 2.5, floor 1.25": {"rep_quota": 2.5, "layoff_floor": 1.25},
    "every budget line open at the start": {"budget_open_share": 1.0},
    "twice the enterprises (1,200)": {"n_enterprises": 1200},
    "four times the enterprises (2,400)": {"n_enterprises": 2400},
    "budget lines open over 7 years (0.1 a year)": {"budget_line_growth": 0.1},
    "budget lines open over 14 years (0.05 a year)": {"budget_line_growth": 0.05},
}


def one_run(args: tuple[dict, int, int]) -> tuple[int, int, int, float]:
    """(reps at the start, peak, end, ACV its reps won) of one seed under one rule."""
    overrides, seed, weeks = args
    from sim.model import MarketModel

    model = MarketModel.from_scenario("default", rng=seed, focal=FOCAL, **overrides)
    vendor = model.vendor_list[0]
    start = peak = vendor.reps
    for _ in range(weeks):
        model.step()
        peak = max(peak, vendor.reps)
    won = sum(
        e["value"] or 0.0
        for e in model.events
        if e["event"] == "won" and e["vendor"] == vendor.name
    )
    return start, peak, vendor.reps, float(won)


def follow(seed: int, overrides: dict, weeks: int) -> None:
    """Print every 26 weeks my company's reps, the ACV they won in those weeks, the
    enterprises holding no agreement, and the market's vendors and reps."""
    from sim.model import MarketModel

    model = MarketModel.from_scenario("default", rng=seed, focal=FOCAL, **overrides)
    vendor = model.vendor_list[0]
    print("week, my reps, my reps' ACV in the half-year, enterprises open, vendors, reps")
    for week in range(1, weeks + 1):
        model.step()
        if week % 26:
            continue
        won = sum(
            e["value"] or 0.0
            for e in model.events
            if e["event"] == "won" and e["vendor"] == vendor.name and e["step"] > week - 27
        )
        alive = model.alive_vendors()
        print(f"{week}, {vendor.reps}, {won:,.0f}, {int((model.agreement_at < 0).sum())}, "
              f"{len(alive)}, {sum(v.reps for v in alive)}")  # fmt: skip


def seed_range(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def assignment(text: str) -> tuple:
    """An argparse type for ``--set name=value``: checked against the model's parameters
    (:func:`sim.params.parse_assignment`), a bad one argparse's one-line error."""
    from sim.params import ParameterError, parse_assignment

    try:
        return parse_assignment(text)
    except ParameterError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=seed_range, default=seed_range("101-110"))
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--follow", type=int, default=None, metavar="SEED",
                        help="follow one seed of the four-times market week by week")  # fmt: skip
    args = parser.parse_args(argv)
    if args.follow is not None:
        follow(args.follow, RULES["four times the enterprises (2,400)"], args.weeks)
        return
    with ProcessPoolExecutor() as pool:
        for name, overrides in RULES.items():
            jobs = [(overrides, s, args.weeks) for s in args.seeds]
            r = np.array(list(pool.map(one_run, jobs)), dtype=float)
            print(
                f"{name:36s} reps start {np.median(r[:, 0]):.1f}, peak {np.median(r[:, 1]):.1f}, "
                f"end {np.median(r[:, 2]):.1f} (mean {r[:, 2].mean():.2f}); "
                f"rep-won ACV {np.median(r[:, 3]) / 1e6:.2f}M (medians over {len(r)} seeds)"
            )


if __name__ == "__main__":
    main()
