"""Demand, budget lines, buying units, background attention and layoffs (sim/demand.py,
sim/hiring.py): each mechanism does what docs/model.md says, and is off at its switch."""

from __future__ import annotations

import numpy as np
import pytest

from sim import hiring
from sim.demand import budget_open, draw_budget_weeks, seat_worth, willing
from sim.model import MarketModel
from sim.population import committee_sizes

SMALL = {"n_enterprises": 30, "enterprise_size_max": 400, "horizon": 52}


def run(weeks: int = 0, **params) -> MarketModel:
    model = MarketModel(rng=3, **{**SMALL, **params})
    for _ in range(weeks):
        model.step()
    return model


def test_mechanisms_off_by_default_draw_nothing_more():
    """With every switch off, a run is bit-identical to one that never heard of them.

    The figures were those of this market on the commit before the mechanisms existed
    (a165cd1) until the draws by skipping changed the random stream (sim.compiled_skips,
    2026-12-05); they are this market's since: no extra random draw, no changed decision.
    """
    before = run(52)
    assert before.arr_total == 449903.3620362066
    assert before.population.receptivity.sum().hex() == "0x1.3f77ddbafca0cp+3"
    assert len(before.events) == 157
    base = run(30)
    explicit = run(30, seat_value=0.0, budget_open_share=1.0, buying_unit_size=0, layoff_floor=0.0)
    a = base.datacollector.get_model_vars_dataframe()
    b = explicit.datacollector.get_model_vars_dataframe()
    assert a.equals(b)
    # ...and switching only the demand curve on changes the market
    on = run(30, seat_value=40.0).datacollector.get_model_vars_dataframe()
    assert not a["arr_total"].equals(on["arr_total"])


def test_a_price_above_every_worth_sells_nothing_and_below_sells():
    model = run(0, seat_value=30.0, value_spread=0.5)
    e = np.arange(len(model.population.ent_size))
    v = np.zeros(len(e), dtype=np.int64)
    model.vendor_list[0].seat_price = 1e6
    assert not willing(model, e, v).any()
    model.vendor_list[0].seat_price = 0.01
    assert willing(model, e, v).all()


def test_worth_rises_with_quality_and_with_colleagues_using_it():
    model = run(0, seat_value=50.0, usage_value=1.0)
    e, v = np.array([0]), np.array([0])
    low = seat_worth(model, e, v)[0]
    model.vendor_list[0].quality *= 2
    assert seat_worth(model, e, v)[0] == pytest.approx(2 * low)
    model.users_ev[0, 0] = model.population.ent_size[0]  # everyone uses it
    assert seat_worth(model, e, v)[0] == pytest.approx(4 * low)


def test_demand_curve_off_means_any_price_sells():
    model = run(0)
    model.vendor_list[0].seat_price = 1e6
    assert willing(model, np.array([0]), np.array([0])).all()


def test_higher_price_fewer_customers_for_a_company():
    """The demand curve as a company sees it: the same market, only its price moves."""

    def customers(price: float) -> int:
        m = MarketModel(
            rng=5,
            n_enterprises=60,
            enterprise_size_max=400,
            seat_value=60.0,
            focal={"strategy": "hybrid", "seat_price": price},
        )
        for _ in range(104):
            m.step()
        return m.focal_vendor.new_customers_total

    assert customers(10.0) > customers(400.0)


def test_budget_weeks_open_share_then_constant_flux():
    rng = np.random.default_rng(0)
    weeks = draw_budget_weeks(20_000, 0.4, 0.12, rng)
    assert np.mean(weeks == 0) == pytest.approx(0.4, abs=0.02)
    # a further 12% of all enterprises each year, the last in year five
    opened_y1 = np.mean((weeks > 0) & (weeks <= 52))
    assert opened_y1 == pytest.approx(0.12, abs=0.02)
    assert weeks.max() <= 52 * 5
    never = draw_budget_weeks(100, 0.0, 0.0, rng)
    assert (never > 10_000).all()


def test_no_budget_line_no_agreement_and_no_pitch():
    model = run(0, budget_open_share=0.0, budget_line_growth=0.0)
    assert not budget_open(model).any()
    for _ in range(40):
        model.step()
    df = model.datacollector.get_model_vars_dataframe()
    assert df["agreements"].max() == 0
    assert df["touches"].sum() == 0  # reps do not pitch a firm with no budget


def test_buyers_grow_with_the_firm_one_committee_per_buying_unit():
    sizes = np.array([1, 20, 100, 500, 5000])
    on = committee_sizes(sizes, {"buying_unit_size": 500, "committee_size": 6})
    assert on.tolist() == [1, 1, 1, 6, 60]
    off = committee_sizes(sizes, {"buying_unit_size": 0, "committee_size": 6})
    assert off.tolist() == [1, 6, 6, 6, 6]
    model = run(0, buying_unit_size=100, committee_size=6)
    pop = model.population
    expected = np.minimum(pop.ent_size, np.maximum(1, np.rint(6 * pop.ent_size / 100)))
    assert np.array_equal(pop.ent_committee_size, expected)


def test_background_touches_wear_attention_at_their_expectation():
    quiet = run(0, n_vendors=0, entry_rate=0.0)
    busy = run(0, n_vendors=0, entry_rate=0.0, background_touches=0.5, touch_fatigue=0.2)
    quiet.step()
    busy.step()
    r0 = quiet.population.receptivity[0]
    expected = 0.3 * np.exp(-0.5 * 0.2)
    expected += quiet.receptivity_recovery * (1 - expected)
    assert busy.population.receptivity[0] == pytest.approx(expected)
    assert r0 > busy.population.receptivity[0]


def test_a_team_that_books_nothing_is_laid_off_and_one_that_sells_is_kept():
    params = {
        "layoff_floor": 2.0,
        "strategy_mix": (0, 1, 0),
        "n_vendors": 2,
        "entry_rate": 0.0,
        "initial_reps": 6,
        "rep_attrition": 0.0,
        "initial_cash": 1e9,
    }
    model = run(0, **params)
    for _ in range(2 * 13 + model.rep_ramp_weeks + 13):
        model.step()
    events = [e for e in model.events if e["event"] == "layoff"]
    for vendor in model.vendor_list:
        booked = vendor.bookings_over(26)
        # whatever remains is paid for by its half-year's bookings at the floor, or is one rep
        assert vendor.reps <= max(1, booked // (2.0 * vendor.rep_cost * 26)) or not events
    assert events, "teams of 6 in a 30-firm market should not all book twice their cost"


def test_no_layoffs_when_switched_off():
    model = run(60, layoff_floor=0.0, strategy_mix=(0, 1, 0), initial_reps=6, rep_attrition=0.0)
    assert not [e for e in model.events if e["event"] == "layoff"]


def test_hiring_at_quota_grows_a_team_that_books_above_it_and_not_one_below():
    model = run(0, rep_quota=4.0, strategy_mix=(0, 1, 0), n_vendors=1, entry_rate=0.0)
    vendor = model.vendor_list[0]
    year_cost = 52 * vendor.rep_cost
    reps = vendor.reps
    vendor._ledger.append((vendor.bookings_total + 4.0 * year_cost * (reps + 2), 0.0))
    assert hiring.team_at_quota(model, vendor) == pytest.approx(2.0)
    vendor._ledger.append((vendor._ledger[-1][0], 0.0))  # ... a year without bookings
    vendor._ledger.extend([(vendor._ledger[-1][0], 0.0)] * 60)
    assert hiring.team_at_quota(model, vendor) == 0.0


def test_every_parameter_is_described_in_the_model_page():
    """docs/model.md names every parameter (the model issue: nothing left undocumented)."""
    import re
    from pathlib import Path

    from sim.params import PARAMETERS

    doc = (Path(__file__).resolve().parent.parent / "docs" / "model.md").read_text()
    missing = [n for n in PARAMETERS if not re.search(rf"\b{n}\b", doc)]
    assert not missing, f"describe these in docs/model.md: {missing}"
