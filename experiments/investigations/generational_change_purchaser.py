"""How far the purchaser's generation moves the purchaser's chance (``purchaser_openness``).

::

    PYTHONPATH=. python -m experiments.investigations.generational_change_purchaser --seeds 101-103

Prints, for the default market over five years and ``generational_shift`` and
``same_generation`` over ten, the market-wide chance that a ripe team's purchaser comes
forward (:func:`sim.conversion.purchaser_chance`, averaged over committee seats) at the
end over the start, per seed (200 enterprises). Quoted in ``docs/model.md``, section 11.
Tuning seeds only.
"""

from __future__ import annotations

import argparse

import numpy as np

from experiments.investigations.team_growth import seed_range

CASES = (("default", 260), ("generational_shift", 520), ("same_generation", 520))
ENTERPRISES = 200


def chance_ratio(preset: str, weeks: int, seed: int) -> float:
    """The seat-weighted purchaser chance at ``weeks`` over the one at the start."""
    from sim.conversion import purchaser_chance
    from sim.model import MarketModel

    model = MarketModel.from_scenario(preset, rng=seed, n_enterprises=ENTERPRISES)
    ent = np.arange(ENTERPRISES)
    seats = np.bincount(model.population.buyer_enterprise, minlength=ENTERPRISES)
    start = np.average(purchaser_chance(model, ent), weights=seats)
    while model.steps < weeks:
        model.step()
    return float(np.average(purchaser_chance(model, ent), weights=seats) / start)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=seed_range, default=seed_range("101-103"))
    args = parser.parse_args(argv)
    print("| market | weeks | purchaser's chance, end / start, per seed |")
    print("| --- | --- | --- |")
    for preset, weeks in CASES:
        ratios = [chance_ratio(preset, weeks, s) for s in args.seeds]
        print(f"| `{preset}` | {weeks} | " + ", ".join(f"{r:.2f}" for r in ratios) + " |")


if __name__ == "__main__":
    main()
