"""Reps who bring their own network: does a warm prospect engage more, and what does
that do to the market?

::

    PYTHONPATH=. python -m experiments.investigations.warm_engagement --seeds 101-120

Issue 16, point 7, claim ``warm_network`` (seed 002: hire reps who "bring their own
rolodex"; "what matters is the depth and quality of those relationships"). With a warm
introduction only answered more often (``warm_intro_boost`` on the reply), a rep's
pipeline is bounded by ``rep_capacity``, not by replies, so a team with its own network
filled it with the same deals and won them at about the same cost. ``warm_engagement``
gives the prospect a warm introduction reaches the engagement of a relationship
(:func:`sim.selling.warm_effort`).

The script prints, first, the default market's calibrated outputs (weeks 104-260, as
``salesweb calibrate``) and the ARR displaced at renewal a year (weeks 52-260, as a share
of the market's ARR), with the engagement off (the model before it), then on at each
``expansion_rollout`` asked for; then the claim with the engagement off and on, at the
default market's expansion. Tuning seeds only; a diagnosis, not a page.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from experiments.investigations.team_growth import seed_range

WEEKS = 260
COLUMNS = (
    "net_revenue_retention",
    "win_rate",
    "acv_per_rep_cost",
    "spend_per_employee",
    "reply_rate",
    "cac_payback_months",
    "freemium_conversion",
)


def market_outputs(job: tuple[int, dict]) -> dict[str, float]:
    """One default-market run: the calibrated outputs and the displaced ARR a year."""
    from experiments.calibration import window_outputs
    from sim.model import MarketModel

    seed, overrides = job
    model = MarketModel.from_scenario("default", rng=seed, **overrides)
    arr = []
    for _ in range(WEEKS):
        model.step()
        if model.steps >= 52:
            arr.append(model.arr_total)
    out = window_outputs(model)
    displaced = sum(
        e["value"] for e in model.events if e["event"] == "displaced" and e["step"] >= 52
    )
    years = (WEEKS - 52) / 52
    out["displaced_share"] = displaced / years / max(float(np.mean(arr)), 1.0)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=seed_range, default=seed_range("101-120"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--expansion",
        default="0.3,0.45,0.6",
        help="expansion_rollout values to measure with the engagement on (comma-separated)",
    )
    args = parser.parse_args(argv)
    from experiments.claim_list import CLAIMS
    from experiments.claims import run_claims

    arms = [("engagement off, expansion 0.3", {"warm_engagement": False, "expansion_rollout": 0.3})]
    arms += [
        (f"engagement on, expansion {x}", {"warm_engagement": True, "expansion_rollout": float(x)})
        for x in args.expansion.split(",")
    ]
    print(f"default market, seeds {args.seeds[0]}-{args.seeds[-1]}: mean +- SE over seeds")
    with ProcessPoolExecutor(args.workers) as pool:
        for label, overrides in arms:
            runs = list(pool.map(market_outputs, [(s, overrides) for s in args.seeds]))
            cells = []
            for column in (*COLUMNS, "displaced_share"):
                values = np.array([r[column] for r in runs])
                se = values.std(ddof=1) / np.sqrt(len(values))
                cells.append(f"{column} {values.mean():.4g} +- {se:.2g}")
            print(f"{label}: " + "; ".join(cells), flush=True)
    claim = next(c for c in CLAIMS if c.key == "warm_network")
    for engaged in (False, True):
        (result,) = run_claims(
            [claim], args.seeds, size={"warm_engagement": engaged}, workers=args.workers
        )
        print(f"claim warm_network, engagement {'on' if engaged else 'off'}: {result}")


if __name__ == "__main__":
    main()
