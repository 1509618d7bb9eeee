"""Firm founding (sim/firm_founding.py): the market is built with the firms it will have
and holds the later ones out until their founding week."""

from __future__ import annotations

import numpy as np
import pytest
from invariants import cash_snapshot, check_week

from sim import firm_demography, firm_founding
from sim.model import MarketModel
from sim.population import NO_PRODUCT


def _market(weeks: int = 0, **params) -> MarketModel:
    model = MarketModel.from_scenario("default", rng=11, n_enterprises=200, **params)
    for _ in range(weeks):
        model.step()
    return model


def _waiting(model: MarketModel) -> np.ndarray:
    """The enterprises not founded yet this week."""
    return np.flatnonzero(model.ent_founded_week > model.steps)


def test_switched_off_the_market_is_built_as_before_and_nothing_is_drawn():
    """(A draw made while it is off is caught by tests/test_bit_identical.py's golden runs
    of the presets that keep it off, ``yammer_viral`` and the others not based on the
    default market.)"""
    plain = _market(firm_founding_rate=0.0)
    off = _market(firm_founding_rate=0.0, founding_years=9)
    assert np.array_equal(plain.population.ent_size, off.population.ent_size)
    assert plain.rng.bit_generator.state == off.rng.bit_generator.state
    state = off.rng.bit_generator.state
    assert len(firm_founding.found_firms(off)) == 0
    assert firm_founding.founded(off) is None
    assert off.rng.bit_generator.state == state


def test_the_market_grows_by_the_rate_until_the_reserve_is_used():
    params = {"n_enterprises": 1000, "firm_founding_rate": 0.15, "founding_years": 5}
    assert firm_founding.reserve_size(params) == round(1000 * (1.15**5 - 1))
    weeks = firm_founding.founding_weeks(1000, firm_founding.reserve_size(params), 0.15)
    assert np.all(np.diff(weeks) >= 0) and weeks[0] >= 1
    for year in (1, 2, 3, 4):  # founded by the year's end: 1000 x 1.15^year, rounded down
        assert 1000 + np.count_nonzero(weeks <= 52 * year) == int(1000 * 1.15**year)
    assert weeks[-1] <= 5 * 52


def test_a_firm_not_founded_yet_is_outside_the_market():
    model = _market(weeks=45, firm_founding_rate=0.5, founding_years=2)
    waiting = _waiting(model)
    assert len(waiting) > 50
    pop = model.population
    people = np.isin(pop.emp_enterprise, waiting)
    assert (pop.emp_product[people] == NO_PRODUCT).all(), "nobody in it uses a product"
    assert (model.contract_at[waiting] == -1).all() and (model.agreement_at[waiting] == -1).all()
    assert (model.opp_at[waiting] == -1).all(), "no rep works it"
    seats = np.isin(pop.buyer_enterprise, waiting)
    # attention only recovers (or restarts with a newcomer) where no touch wears it down
    assert (pop.receptivity[seats] >= model.receptivity_initial - 1e-12).all(), "untouched"
    assert (pop.receptivity[~seats] < model.receptivity_initial).any(), "reps touch the rest"
    assert not firm_demography.closing_hazard(_with_turnover(model)).take(waiting).any()


def _with_turnover(model: MarketModel) -> MarketModel:
    model.firm_turnover = 0.5
    return model


def test_a_founded_firm_joins_the_market_and_is_sold_to():
    model = _market(firm_founding_rate=0.5, founding_years=2)
    late = np.flatnonzero(model.ent_founded_week >= 20)
    drawn = dict(zip(model.held_firms.tolist(), model.held_on_prem.tolist(), strict=True))
    for _ in range(110):
        model.step()
    pop = model.population
    assert (pop.ent_budget_week[late] == model.ent_founded_week[late]).all()
    assert all(pop.ent_on_prem[e] == drawn[e] for e in late.tolist())
    assert (model.agreement_at[late] >= 0).any(), "a founded firm's greenfield is sold"
    assert model.users_ev[late].sum() > 0, "people in founded firms sign up"


def test_the_outputs_count_the_firms_in_the_market_only():
    model = _market(weeks=30, firm_founding_rate=0.5, founding_years=2)
    row = model.market_figures()
    in_market = firm_founding.founded_employees(model)
    assert in_market.sum() < model.n_employees
    assert row["adoption_rate"] == pytest.approx(row["users"] / in_market.sum())
    seats = firm_founding.founded(model)[model.population.buyer_enterprise]
    assert row["buyer_receptivity"] == pytest.approx(model.population.receptivity[seats].mean())
    openness = model.population.emp_openness[in_market].mean()
    assert row["mean_openness"] == pytest.approx(openness)


def test_every_invariant_holds_while_firms_are_founded():
    model = _market(firm_founding_rate=0.5, founding_years=2, firm_turnover=0.2)
    for _ in range(80):
        before = cash_snapshot(model)
        model.step()
        check_week(model, before)
    assert not len(_waiting(model)) or model.steps < model.ent_founded_week.max()


def test_the_memory_budget_counts_the_firms_founded_later():
    from sim import budget
    from sim.params import defaults

    plain = {**defaults(), "n_enterprises": 1000}
    growing = {**plain, "firm_founding_rate": 0.15, "founding_years": 5}
    ratio = budget.estimate(growing).employees / budget.estimate(plain).employees
    # the firms double (1,000 and 1,011 more); the estimate's quantile sizes put the
    # employees a little under that
    assert 0.9 * 1.15**5 < ratio < 1.1 * 1.15**5


def test_a_reserve_too_large_for_any_market_is_one_clear_error():
    from sim.params import ParameterError

    with pytest.raises(ParameterError, match="firm_founding_rate.*builds 1,073,741,824,000"):
        MarketModel(rng=1, n_enterprises=1000, firm_founding_rate=1.0, founding_years=30)


def test_the_consistency_check_still_takes_the_few_names_the_browser_passes():
    """The sidebar checks the size pair alone (gui/controls.py: consistency_errors); the
    founding check must not ask it for names it did not pass."""
    from gui.controls import consistency_errors

    assert consistency_errors({"enterprise_size_min": 5, "enterprise_size_max": 10}) == {}
    assert "enterprise_size_min" in consistency_errors(
        {"enterprise_size_min": 50, "enterprise_size_max": 10}
    )


def test_the_market_size_counts_the_founded_firms_and_their_employees():
    model = _market(weeks=60)
    firms = firm_founding.founded(model)
    employees = firm_founding.founded_employees(model)
    assert firm_founding.market_size(model) == (firms.sum(), employees.sum())
    assert firms.sum() < len(model.enterprises)
    off = _market(firm_founding_rate=0.0)
    assert firm_founding.market_size(off) == (len(off.enterprises), off.n_employees)
