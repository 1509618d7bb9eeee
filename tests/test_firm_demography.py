"""Firm demography (sim/firm_demography.py): enterprises close and new firms of the same
shape take their slot with none of the category's software."""

from __future__ import annotations

import numpy as np
import pytest
from invariants import cash_snapshot, check_week

from sim import firm_demography
from sim.model import MarketModel
from sim.population import NO_PRODUCT


def _market(weeks: int = 0, **params) -> MarketModel:
    """The default market with every firm in it from the start (founding off), so each
    firm has its hazard; founding's waiting firms are tests/test_firm_founding.py's."""
    params = {"firm_founding_rate": 0.0, **params}
    model = MarketModel.from_scenario("default", rng=7, n_enterprises=300, **params)
    for _ in range(weeks):
        model.step()
    return model


def test_switched_off_it_closes_nothing_and_draws_nothing():
    model = _market(firm_turnover=0.0)
    state = model.rng.bit_generator.state
    assert len(firm_demography.close_and_found(model)) == 0
    assert model.rng.bit_generator.state == state


def test_big_firms_close_less_often_and_the_median_firm_at_the_rate():
    model = _market(firm_turnover=0.26, firm_size_slope=0.5)
    size = model.population.ent_size
    hazard = firm_demography.closing_hazard(model)
    median = size == np.median(size)
    assert hazard[median] == pytest.approx(0.26 / 52)
    assert hazard[size.argmax()] < hazard[size.argmin()]
    flat = _market(firm_turnover=0.26, firm_size_slope=0.0)
    assert np.allclose(firm_demography.closing_hazard(flat), 0.26 / 52)


def test_closures_come_at_the_hazard():
    """Over a year the closures are the summed hazard, within four standard deviations."""
    model = _market(firm_turnover=0.5)
    hazard = firm_demography.closing_hazard(model)
    closed = sum(len(firm_demography.close_and_found(model)) for _ in range(52))
    mean, sd = 52 * hazard.sum(), np.sqrt(52 * (hazard * (1 - hazard)).sum())
    assert abs(closed - mean) < 4 * sd, (closed, mean)


def test_a_new_firm_starts_with_none_of_the_category():
    model = _market(weeks=60)
    e = int(np.flatnonzero(model.agreement_at >= 0)[0])
    held = model.contract_at[e][model.contract_at[e] >= 0]
    lost = float(model.contracts.acv[held].sum())
    pop = model.population
    seats = slice(
        pop.ent_committee_offset[e], pop.ent_committee_offset[e] + pop.ent_committee_size[e]
    )
    pop.receptivity[seats] = 0.01
    pop.ent_budget_week[e] = 10**6
    events = len(model.events)
    firm_demography.replace_firm(model, e)
    assert (model.contract_at[e] == -1).all() and model.agreement_at[e] == -1
    assert (model.opp_at[e] == -1).all()
    people = slice(pop.ent_offset[e], pop.ent_offset[e] + pop.ent_size[e])
    assert (pop.emp_product[people] == NO_PRODUCT).all()
    assert not pop.emp_mandated[people].any() and not pop.emp_paid[people].any()
    assert (pop.receptivity[seats] == model.receptivity_initial).all()
    assert pop.ent_budget_week[e] <= model.steps, "a new firm buys the tools for the job"
    churned = [x for x in model.events[events:] if x["event"] == "churn"]
    assert len(churned) == len(held) and all(x["reason"] == "firm closed" for x in churned)
    assert sum(x["value"] for x in churned) == pytest.approx(lost)


def test_every_invariant_holds_while_firms_close():
    model = _market(firm_turnover=0.5)
    for _ in range(80):
        before = cash_snapshot(model)
        model.step()
        check_week(model, before)
    assert any(x.get("reason") == "firm closed" for x in model.events)
