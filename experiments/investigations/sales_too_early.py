"""Hiring sales before organic growth: how much organic growth do the late reps find?

::

    PYTHONPATH=. python -m experiments.investigations.sales_too_early --seeds 101-120

Issue 16, point 7, claim ``sales_too_early`` (seed 003: "the startup builds out sales
before figuring out how to scale growth ... two entirely different sales pitches, one
when the customer knows you, and one when they don't"). The preset's late arm starts the
same four reps in week 52, "once the self-serve motion has planted users". The script
prints, first, what the self-serve motion alone plants (the focal vendor with its reps
held back past the horizon): its users, the enterprises where it has one user or five,
and the agreements bought inbound, by week; then the claim's two arms over each team's
first year of selling: rep spend per rep-won deal, deals won and lost, their mean ACV.
Tuning seeds only; a diagnosis, not a page. ``--set name=value`` (repeatable) lays a
parameter over the preset in every run, for example ``--set marketing_reach=0.001``, the
preset's reach before the nineteenth session.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from experiments.investigations.team_growth import assignment, seed_range

WEEKS = (26, 52, 78, 104, 156, 208)
"""Weeks at which the self-serve motion's reach is read."""
SCENARIO = "sales_too_early"


def organic_reach(seed: int, sets: dict | None = None) -> list[tuple[int, int, int, int]]:
    """(users, enterprises with a user, with five, agreements) at each of ``WEEKS``,
    the focal vendor's reps held back past the last of them."""
    from sim.model import MarketModel

    model = MarketModel.from_scenario(
        SCENARIO, rng=seed, focal={"sales_start_week": 259}, **(sets or {})
    )
    out = []
    while model.steps < max(WEEKS):
        model.step()
        if model.steps in WEEKS:
            users = model.users_ev[:, 0]
            agreements = int((model.agreement_at >= 0).sum())
            out.append(
                (int(users.sum()), int((users > 0).sum()), int((users >= 5).sum()), agreements)
            )
    return out


def first_year(
    seed: int, start: int, sets: dict | None = None
) -> tuple[float, int, int, float, int]:
    """(rep spend per rep-won deal, deals won, deals lost, mean won ACV, enterprises with
    a deal won or lost) over the team's first 52 weeks of selling, reps starting in week
    ``start``."""
    from experiments.claim_metrics import first_year_sales_cac
    from sim.model import MarketModel

    model = MarketModel.from_scenario(
        SCENARIO, rng=seed, focal={"sales_start_week": start}, **(sets or {})
    )
    while model.steps < start + 52:  # the first year is all the window reads
        model.step()
    window = [e for e in model.events if start < e["step"] <= start + 52]
    won = [e["value"] for e in window if e["event"] == "won"]
    lost = sum(e["event"] == "lost" for e in window)
    accounts = len({e["enterprise"] for e in window if e["event"] in ("won", "lost")})
    mean_won = float(np.mean(won)) if won else np.nan
    return first_year_sales_cac(model), len(won), lost, mean_won, accounts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=seed_range, default=seed_range("101-120"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--set", type=assignment, action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    seeds, sets, n = args.seeds, dict(args.set), len(args.seeds)
    if sets:
        print("Set over the preset:", ", ".join(f"{k} = {v}" for k, v in sets.items()), "\n")
    with ProcessPoolExecutor(args.workers) as pool:
        reach = np.array(list(pool.map(organic_reach, seeds, [sets] * n)), dtype=float)
        early = np.array(list(pool.map(first_year, seeds, [0] * n, [sets] * n)), dtype=float)
        late = np.array(list(pool.map(first_year, seeds, [52] * n, [sets] * n)), dtype=float)
    print("Self-serve alone (medians over seeds):\n")
    print("| week | users | enterprises with a user | with five | agreements |")
    print("| --- | --- | --- | --- | --- |")
    for j, week in enumerate(WEEKS):
        users, ents, five, agreements = np.median(reach[:, j, :], axis=0)
        print(f"| {week} | {users:,.0f} | {ents:.0f} | {five:.0f} | {agreements:.0f} |")
    print("\nEach team's first year (mean ± SE over seeds; paired difference early - late):\n")
    print("| | reps from week 0 | reps from week 52 | early - late |")
    print("| --- | --- | --- | --- |")
    for k, name in enumerate(
        ("rep spend per rep-won deal", "deals won", "deals lost", "mean won ACV", "accounts")
    ):
        d = early[:, k] - late[:, k]
        d = d[~np.isnan(d)]
        se = d.std(ddof=1) / np.sqrt(len(d))
        print(
            f"| {name} | {np.nanmean(early[:, k]):,.1f} | {np.nanmean(late[:, k]):,.1f} "
            f"| {d.mean():+,.1f} ± {se:,.1f} |"
        )
    print(
        f"\nMedian enterprises with a deal won or lost in the late team's first year: "
        f"{np.median(late[:, 4]):.0f} (reps from week 0: {np.median(early[:, 4]):.0f})"
    )


if __name__ == "__main__":
    main()
