"""What newcomers joining the team's tool do to the exceptions' super-linear growth.

::

    PYTHONPATH=. python -m experiments.investigations.generational_change_superlinear --seeds 101-105

Claim ``superlinear_rare`` counts a bottoms-up company as growing super-linearly when
some later quarter adds at least twice the users its first quarter added
(:func:`experiments.claim_metrics.accelerating_share`). With ``newcomer_invites`` on (the
default market since the nineteenth session) the exceptions' share fell. The script runs
``bottoms_up_exception`` with the switch off and on (same seeds) and prints, over the
bottoms-up companies the market started with, the users each of the first six quarters
added (median), the share whose later quarters (two to six) double the first, and the
median of the best later quarter over the first. Tuning seeds only; quoted in ``docs/model.md``, "Why the generations".
"""

from __future__ import annotations

import argparse

import numpy as np

from experiments.investigations.team_growth import seed_range

QUARTERS = 6


def quarterly_adds(seed: int, newcomer_invites: bool) -> np.ndarray:
    """Users added in each of the first ``QUARTERS`` quarters, one row per starting
    bottoms-up company."""
    from experiments.claim_metrics import WEEKS_PER_QUARTER
    from sim.model import MarketModel

    model = MarketModel.from_scenario(
        "bottoms_up_exception", rng=seed, newcomer_invites=newcomer_invites
    )
    while model.steps < WEEKS_PER_QUARTER * QUARTERS:
        model.step()
    users = model.vendor_dataframe()["users"].unstack()
    rows = []
    for v in model.vendor_list:
        if v.entered == 0 and v.strategy == "bottoms_up":
            u = users[v.unique_id].ffill().fillna(0.0).to_numpy(dtype=float)
            rows.append(np.diff(u[::WEEKS_PER_QUARTER])[:QUARTERS])
    return np.array(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=seed_range, default=seed_range("101-105"))
    args = parser.parse_args(argv)
    head = " | ".join(f"Q{q + 1}" for q in range(QUARTERS))
    print(f"| newcomer_invites | companies | share doubling Q1 | median best / Q1 | {head} |")
    print("| --- " * (QUARTERS + 4) + "|")
    for on in (False, True):
        adds = np.vstack([quarterly_adds(s, on) for s in args.seeds])
        ratio = adds[:, 1:].max(axis=1) / np.maximum(adds[:, 0], 1.0)
        cells = " | ".join(f"{m:,.0f}" for m in np.median(adds, axis=0))
        print(
            f"| {'on' if on else 'off'} | {len(adds)} | {np.mean(ratio >= 2.0):.2f} "
            f"| {np.median(ratio):.2f} | {cells} |"
        )
    print("\n(cells: median users added in each quarter)")


if __name__ == "__main__":
    main()
