"""Does sales get harder when buyers are oversubscribed by the whole software industry?

::

    PYTHONPATH=. python -m experiments.investigations.industry_pressure --seeds 101-120

Issue 16, point 7, claim ``attention_binds`` (seed 003: "sales only is getting
increasingly difficult as buyers are oversubscribed by vendors"). The claim compared the
default market with twice the vendors (preset ``oversubscribed``) and lost its effect when
the default market doubled to 1,200 enterprises: vendors hire from their bookings, so
twice the vendors split about the same sales force, and this category's pressure on
buyers is set by what the market can pay for, not by how many vendors share it.

The essay's buyers are oversubscribed by *vendors*, every category's, not this one's.
That pressure does not answer to this category's hiring: it is a market condition
(``background_touches``, docs/model.md "Background attention"). How much of it? As much
again as this category puts on its buyers. The script prints, first, this category's
outbound touches per buyer per week in the default market (the level the preset
``industry_pressure`` sets, rounded), then the claim both ways on the same seeds: twice
the vendors against the default, and the default with the industry's touches against
the default, each with the claim's mechanism switched off (``touch_fatigue = 0``).
Tuning seeds only; a diagnosis, not a page.
"""

from __future__ import annotations

import argparse
import dataclasses
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from experiments.investigations.team_growth import seed_range

WEEKS = 260


def category_touches(seed: int) -> tuple[float, float, float]:
    """This category's outbound touches per buyer per week in the default market: the
    first year, years two to five, the whole run."""
    from sim.firm_founding import founded
    from sim.model import MarketModel

    model = MarketModel.from_scenario("default", rng=seed, record="none")
    buyer_enterprise = model.population.buyer_enterprise
    touches = np.empty(WEEKS)
    for week in range(WEEKS):
        model.step()
        in_market = founded(model)  # the buyers of the firms founded so far (all if off)
        buyers = len(buyer_enterprise) if in_market is None else in_market[buyer_enterprise].sum()
        touches[week] = model.step_touches / buyers
    return float(touches[:52].mean()), float(touches[52:].mean()), float(touches.mean())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=seed_range, default=seed_range("101-120"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    from experiments.claim_list import CLAIMS, market
    from experiments.claims import run_claims

    with ProcessPoolExecutor(args.workers) as pool:
        rates = np.array(list(pool.map(category_touches, args.seeds[:10])))
    se = rates[:, 2].std(ddof=1) / np.sqrt(len(rates))
    print(
        f"this category's touches per buyer-week, default market, seeds "
        f"{args.seeds[0]}-{args.seeds[min(9, len(args.seeds) - 1)]}: first year "
        f"{rates[:, 0].mean():.3f}, years 2-5 {rates[:, 1].mean():.3f}, "
        f"whole run {rates[:, 2].mean():.3f} +- {se:.3f}"
    )
    claim = next(c for c in CLAIMS if c.key == "attention_binds")
    crowded = dataclasses.replace(
        claim,
        key="twice_the_vendors",
        left=market("twice the vendors", "oversubscribed"),
        lever_params=("n_vendors",),
    )
    for result in run_claims([crowded, claim], args.seeds, workers=args.workers):
        print(result)


if __name__ == "__main__":
    main()
