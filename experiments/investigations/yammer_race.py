"""Does the viral collaboration product's bottoms-up vendor beat its direct rival?

::

    PYTHONPATH=. python -m experiments.investigations.yammer_race --seeds 101-110

Issue 16, point 7: the ``yammer_viral`` preset's story said that bottoms-up "rides the
org network and grows fastest", but its direct vendor ended ahead in every seed the
story test ran. The preset is a race of two vendors (one bottoms-up, one direct) selling
the same strong, viral collaboration product to the reference market of 200
enterprises, with one ripe team's purchaser in five coming forward (``user_is_buyer =
0.2``, the calibrated market's). Printed for that market and for the essay's, where
every purchaser comes (``user_is_buyer = 1``): each vendor's users, ARR and worth (5 x
ARR + cash; 0 for a vendor that died) at the horizon, means over seeds, and the paired
difference bottoms-up minus direct with its standard error and the count of seeds on
which bottoms-up is ahead. Tuning seeds only; the preset's narrative quotes them.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from experiments.investigations.team_growth import seed_range
from experiments.paired import PairedEffect

FIGURES = ("users", "arr", "worth")


def one_race(args: tuple[int, float]) -> dict[str, tuple[float, float, float]]:
    """Each vendor's (users, ARR, worth) at the horizon, by strategy, for one seed."""
    seed, user_is_buyer = args
    from experiments.claim_metrics import worth
    from sim.model import MarketModel

    model = MarketModel.from_scenario("yammer_viral", rng=seed, user_is_buyer=user_is_buyer)
    for _ in range(model.horizon):
        model.step()
    return {v.strategy: (float(v.users), float(v.arr), worth(v)) for v in model.vendor_list}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=seed_range, default=seed_range("101-110"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    for user_is_buyer in (0.2, 1.0):
        jobs = [(s, user_is_buyer) for s in args.seeds]
        with ProcessPoolExecutor(args.workers) as pool:
            races = list(pool.map(one_race, jobs))
        for k, name in enumerate(FIGURES):
            bu = np.array([r["bottoms_up"][k] for r in races])
            direct = np.array([r["direct"][k] for r in races])
            d = PairedEffect.of(bu, direct)
            print(
                f"user_is_buyer {user_is_buyer}, {name}: bottoms-up {bu.mean():,.0f}, direct "
                f"{direct.mean():,.0f}; bottoms-up - direct {d.mean:,.0f} +- {d.se:,.0f}, "
                f"bottoms-up ahead on {d.signs(+1)[0]} of {d.n} seeds"
            )


if __name__ == "__main__":
    main()
