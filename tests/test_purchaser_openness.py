"""The purchaser's generation (``purchaser_openness``): a committee more open than the
market's committees at the start sends its purchaser forward more often, in proportion
to its openness to the power of the elasticity (seed 000: "as younger generations start
taking over more senior positions")."""

from __future__ import annotations

import numpy as np
import pytest

from sim.conversion import purchaser_chance
from sim.model import MarketModel


def small(**params) -> MarketModel:
    return MarketModel(rng=3, n_enterprises=12, **params)


def committee_openness(model: MarketModel) -> np.ndarray:
    pop = model.population
    seats = pop.emp_openness[pop.buyer_employee]
    return np.bincount(pop.buyer_enterprise, seats) / np.bincount(pop.buyer_enterprise)


def test_off_every_pair_gets_user_is_buyer():
    model = small(user_is_buyer=0.3)
    ent = np.arange(12)
    assert (purchaser_chance(model, ent) == 0.3).all()


def test_at_the_start_the_market_wide_chance_is_user_is_buyer():
    model = small(user_is_buyer=0.2, purchaser_openness=1.0)
    ent = np.arange(12)
    sizes = np.bincount(model.population.buyer_enterprise)
    # seat-weighted over enterprises, the ratio o_e / o_0 averages to one
    assert np.average(purchaser_chance(model, ent), weights=sizes) == pytest.approx(0.2)


@pytest.mark.parametrize("elasticity", [0.5, 1.0, 2.0])
def test_a_committee_twice_as_open_has_its_chance_times_two_to_the_elasticity(elasticity):
    model = small(user_is_buyer=0.1, purchaser_openness=elasticity)
    pop = model.population
    before = purchaser_chance(model, np.array([4]))[0]
    on_committee = pop.buyer_employee[pop.buyer_enterprise == 4]
    pop.emp_openness[on_committee] *= 2.0
    after = purchaser_chance(model, np.array([4]))[0]
    assert after == pytest.approx(before * 2.0**elasticity)
    others = purchaser_chance(model, np.array([5]))[0]
    assert others == pytest.approx(
        0.1 * (committee_openness(model)[5] / model.committee_openness_start) ** elasticity
    )


def test_the_chance_is_at_most_one():
    model = small(user_is_buyer=0.9, purchaser_openness=3.0)
    pop = model.population
    pop.emp_openness[pop.buyer_employee[pop.buyer_enterprise == 0]] = 1.0
    assert purchaser_chance(model, np.array([0]))[0] == 1.0


def test_a_rising_generation_raises_the_purchasers_chance_over_the_years():
    """Turnover with an openness drift seats more open newcomers on committees."""
    kw = dict(n_enterprises=30, tenure_years=2.0, openness_drift=0.1, purchaser_openness=1.0)
    model = MarketModel.from_scenario("default", rng=4, **kw)
    ent = np.arange(30)
    start = purchaser_chance(model, ent).mean()
    for _ in range(156):
        model.step()
    assert purchaser_chance(model, ent).mean() > 1.15 * start
