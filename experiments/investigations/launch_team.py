"""The reps lever: what a launch team's size decides, and for how long.

::

    PYTHONPATH=. python -m experiments.investigations.launch_team --root 101 --seeds 20

Issue 16, point 3 ("more reps win more customers with diminishing returns"). The levers
page first read the reps lever's per-rep yield as new ARR per rep-year over the whole
260 weeks, and that yield rose from 1 to 5 launch reps. This script shows why, for a
direct focal company in the default market launched with 1 to 12 reps (the levers
page's levels; every level on the same seeds): the mean team by week (hiring follows
bookings, so every launch team converges), and the ACV its reps won per rep-year in the
launch year (weeks 0-52) and afterwards (weeks 52-260). The first year yields far more
than the later ones, and a bigger launch team puts more of its rep-years into it, so
the whole-run ratio mixes two yields in proportions the launch sets. Tuning seeds
(root 101) only; a diagnosis, not a page.

``--deals`` asks instead why a rep's yield falls after the first year: a one-rep direct
company on seeds 101 onwards, its reps' deals won and lost per rep-year, the mean ACV of
a won deal, and the outbound rivals alive, in weeks 0-52, 52-156 and 156-260.

``--market`` asks how many reps the market's new business pays for after the land grab:
the default market on seeds 101 onwards (no focal company), the new ACV its reps won a
year in weeks 52-260, the reps that pays for at ``layoff_floor``, the reps on payroll,
and at week 260 the vendors with a sales motion, how many of them hold one rep or none,
and the largest team.
"""

from __future__ import annotations

import argparse

import numpy as np

from agents.terms import YEAR
from experiments.investigations.team_growth import assignment

LEVELS = (1, 2, 3, 5, 8, 12)
"""Launch teams, as the levers page's ``initial_reps`` levels."""
WEEKS = (0, 13, 26, 52, 104, 156, 208, 260)
PERIODS = ((0, 52), (52, 156), (156, 260))
"""The launch year, years two and three, years four and five."""


def deals_by_period(seed: int, sets: dict) -> list[tuple[int, float, int, float, float]]:
    """Per period of :data:`PERIODS`: deals won, their summed ACV, deals lost, rep-years
    held and the mean count of outbound rivals alive, for a one-rep direct company."""
    from experiments.fit.simulate import Market
    from sim.model import MarketModel

    kwargs = Market.of("default", sets).kwargs({"strategy": "direct", "initial_reps": 1}, seed)
    model = MarketModel(**{**kwargs, "record": "none"})
    me, seen, out = model.focal_vendor, 0, []
    for first, last in PERIODS:
        won = acv = lost = 0
        rep_weeks = rivals = 0.0
        for _ in range(first, last):
            rep_weeks += me.reps
            model.step()
            for e in model.events[seen:]:
                if e["vendor"] == me.name and e["event"] == "won":
                    won, acv = won + 1, acv + e["value"]
                elif e["vendor"] == me.name and e["event"] == "lost":
                    lost += 1
            seen = len(model.events)
            rivals += sum(v.tactic.outbound for v in model.alive_vendors() if v is not me)
        out.append((won, acv, lost, rep_weeks / YEAR, rivals / (last - first)))
    return out


def market_after_land_grab(seed: int, sets: dict) -> dict[str, float]:
    """One default-market run (no focal company): rep-won ACV and rep-years a year over
    weeks 52-260, and the sales teams alive at week 260 (:func:`print_market`)."""
    from experiments.calibration import window_outputs
    from experiments.fit.simulate import Market
    from sim.model import MarketModel

    kwargs = Market.of("default", sets).kwargs({}, seed)
    kwargs.pop("focal", None)
    model = MarketModel(**kwargs)
    won = rep_weeks = 0.0
    seen = 0
    for week in range(PERIODS[-1][1]):
        if week >= YEAR:
            rep_weeks += sum(v.reps for v in model.alive_vendors())
        model.step()
        if week >= YEAR:
            won += sum(e["value"] for e in model.events[seen:] if e["event"] == "won")
        seen = len(model.events)
    years = (PERIODS[-1][1] - YEAR) / YEAR
    teams = [v.reps for v in model.alive_vendors() if v.tactic.outbound]
    retention = window_outputs(model)["net_revenue_retention"]
    return {
        "won a year": won / years,
        "reps paid at the floor": won / years / (model.layoff_floor * YEAR * model.rep_cost),
        "reps on payroll": rep_weeks / (PERIODS[-1][1] - YEAR),
        "yield / rep cost": won / max(rep_weeks, 1e-9) / model.rep_cost,
        "net revenue retention": retention,
        "sales vendors": len(teams),
        "at one rep or none": sum(r <= 1 for r in teams),
        "largest team": max(teams, default=0),
    }


def print_market(seeds: int, sets: dict) -> None:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        runs = list(pool.map(market_after_land_grab, range(101, 101 + seeds), [sets] * seeds))
    print(f"default market, no focal company, seeds 101-{100 + seeds}: mean over seeds")
    print("weeks 52-260 a year: " + ", ".join(
        f"{k} {np.mean([r[k] for r in runs]):,.2f}" for k in list(runs[0])[:5]
    ))  # fmt: skip
    print("week 260: " + ", ".join(
        f"{k} {np.mean([r[k] for r in runs]):.1f}" for k in list(runs[0])[5:]
    ))  # fmt: skip


def print_deals(seeds: int, weeks: int, sets: dict) -> None:
    if weeks < PERIODS[-1][1]:
        raise SystemExit(f"--deals needs --weeks {PERIODS[-1][1]} (got {weeks})")
    runs = [deals_by_period(101 + i, sets) for i in range(seeds)]
    print(f"a one-rep direct company, seeds 101-{100 + seeds}, pooled")
    print("weeks    | won / rep-year | lost / rep-year | win rate | mean won ACV | rivals")
    for k, (first, last) in enumerate(PERIODS):
        won, acv, lost, years, rivals = (sum(r[k][j] for r in runs) for j in range(5))
        print(
            f"{first:>3}-{last:<4} | {won / years:14.1f} | {lost / years:15.1f} | "
            f"{won / max(won + lost, 1):8.2f} | {acv / max(won, 1):12,.0f} | {rivals / seeds:6.1f}"
        )


def main(argv: list[str] | None = None) -> None:
    from experiments.study import Option, study

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=int, default=101, help="root seed (tuning: 101)")
    parser.add_argument("--seeds", type=int, default=20, help="seeds per launch team")
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument(
        "--set", type=assignment, action="append", default=[], metavar="NAME=VALUE",
        help="a market parameter in every run (repeatable), e.g. touch_fatigue=0",
    )  # fmt: skip
    parser.add_argument(
        "--levels", default=",".join(map(str, LEVELS)), help="launch teams, comma-separated"
    )
    parser.add_argument(
        "--company", type=assignment, action="append", default=[], metavar="NAME=VALUE",
        help="a setting of my company in every run (repeatable), e.g. quality=0.9",
    )  # fmt: skip
    parser.add_argument("--deals", action="store_true", help="deals by period instead")
    parser.add_argument(
        "--market", action="store_true", help="the reps the market's new business pays for"
    )
    args = parser.parse_args(argv)
    if args.deals:
        print_deals(args.seeds, args.weeks, dict(args.set))
        return
    if args.market:
        print_market(args.seeds, dict(args.set))
        return
    levels = tuple(int(x) for x in args.levels.split(","))
    mine = dict(args.company)
    options = [
        Option(f"{r} reps", {**mine, "strategy": "direct", "initial_reps": r}) for r in levels
    ]
    result = study(
        "default", options, args.seeds, args.weeks, root_seed=args.root,
        overrides=dict(args.set),
    )  # fmt: skip
    assert result is not None and result.reps is not None and result.rep_won is not None
    shown = [w for w in WEEKS if w <= args.weeks]
    laid = ", ".join(f"{k}={v}" for k, v in args.set + args.company) or "nothing"
    print(f"root {args.root}, {args.seeds} seeds, {args.weeks} weeks, default market; set: {laid}")
    print("launch reps | mean reps at week " + " ".join(f"{w:>5}" for w in shown)
          + " | ACV per rep-year: weeks 0-52, 52-end, whole run")  # fmt: skip
    for i, level in enumerate(levels):
        reps, won = result.reps[i], result.rep_won[i]  # (seeds, weeks + 1)
        team = reps.mean(axis=0)
        first = won[:, 1 : YEAR + 1].sum() / (reps[:, :YEAR].sum() / YEAR)
        later = won[:, YEAR + 1 :].sum() / max(reps[:, YEAR:-1].sum() / YEAR, 1e-9)
        whole = won[:, 1:].sum() / (reps[:, :-1].sum() / YEAR)
        print(
            f"{level:>11} | {'':18}" + " ".join(f"{team[w]:5.2f}" for w in shown)
            + f" | {first:>11,.0f} {later:>9,.0f} {whole:>9,.0f}"
        )  # fmt: skip
    print(
        "ACV per rep-year counts rep-won deals (won events) over rep-weeks at the start of "
        "each week, every seed pooled; a company that died holds no reps after its exit."
    )


if __name__ == "__main__":
    main()
