"""Every KPI definition of docs/model.md ("KPIs") on a situation built by hand.

CAC payback, net revenue retention, ARR growth and freemium conversion are checked
where the model computes them (vendor, market column), where the browser shows them
(the cards) and where the study tables read them, against the formula's value.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import pytest

from agents.vendor import PAYBACK_WEEKS
from experiments.study import nrr_text, payback_text, study
from gui.kpis import FocalTrack, kpi_cards
from sim import economics, kpis, reporting
from sim.model import MarketModel
from sim.tables import ENTERPRISE, SELF_SERVE_ENTERPRISE, TEAM

SMALL = {"n_enterprises": 8, "enterprise_size_max": 200, "entry_rate": 0.0}


def market(**kwargs) -> MarketModel:
    """A small seeded market, not stepped (week 0), every vendor alive."""
    return MarketModel(rng=5, **{**SMALL, **kwargs})


def set_year(vendor, new_arr: float, spend: float) -> None:
    """The vendor booked ``new_arr`` and spent ``spend`` on S&M over the trailing year."""
    ledger = [(0.0, 0.0)] * PAYBACK_WEEKS + [(new_arr, spend)]
    vendor._ledger = deque(ledger, maxlen=PAYBACK_WEEKS + 1)


def cards(track: FocalTrack) -> dict[str, dict]:
    return {c["key"]: c for c in kpi_cards(track)}


# ------------------------------------------------------------------ CAC payback
def test_payback_formula_is_spend_over_a_month_of_gross_profit_on_new_arr():
    assert kpis.cac_payback_months(90_000.0, 60_000.0, 0.75) == pytest.approx(24.0, abs=1e-9)
    assert math.isnan(kpis.cac_payback_months(90_000.0, 0.0, 0.8))  # spend, no new ARR
    assert math.isnan(kpis.cac_payback_months(0.0, 0.0, 0.8))
    assert kpis.cac_payback_months(0.0, 5_000.0, 0.8) == 0.0  # the formula's value


def test_a_vendor_with_spend_and_no_new_arr_has_no_payback_not_zero_or_infinite():
    model = market(gross_margin=0.6)
    me = model.vendor_list[0]
    set_year(me, new_arr=0.0, spend=120_000.0)
    assert math.isnan(me.cac_payback_months)
    set_year(me, new_arr=50_000.0, spend=120_000.0)
    assert me.cac_payback_months == pytest.approx(120_000.0 / (50_000.0 * 0.6 / 12), abs=1e-9)


def test_market_payback_is_the_median_over_vendors_where_it_is_defined():
    model = market(n_vendors=4, gross_margin=0.8)
    a, b, c, d = model.vendor_list
    set_year(a, 40_000.0, 40_000.0)  # 15 months
    set_year(b, 40_000.0, 80_000.0)  # 30 months
    set_year(c, 0.0, 80_000.0)  # undefined: left out
    set_year(d, 40_000.0, 0.0)  # 0 months: expansion without spend counts as 0
    reporting.compute_metrics(model)
    assert model.cac_payback_months == pytest.approx(15.0, abs=1e-9)
    for v in (a, b, d):
        set_year(v, 0.0, 1.0)
    reporting.compute_metrics(model)
    assert math.isnan(model.cac_payback_months)


def test_adaptation_treats_an_undefined_payback_as_never_paying_back():
    model = market(
        n_vendors=2,
        vendors=[{"strategy": "bottoms_up"}, {"strategy": "direct"}],
        adaptive_strategies=True,
        switch_rate=1.0,
    )
    stuck, good = model.vendor_list
    set_year(stuck, 0.0, 100_000.0)  # NaN: booked nothing in a year
    set_year(good, 100_000.0, 100_000.0)
    economics.adapt(model)  # week 0 is a quarter's end
    assert stuck.strategy == "direct" and good.strategy == "direct"


def test_payback_card_says_n_a_without_new_arr_and_names_a_spend_free_zero():
    model = market()
    track = FocalTrack(model, vendor=model.vendor_list[0])
    track.record()
    me = track.me
    set_year(me, 0.0, 50_000.0)
    card = cards(track)["cac_payback"]
    assert card["value"] == "n/a" and "no new ARR" in card["sub"]
    set_year(me, 20_000.0, 0.0)
    card = cards(track)["cac_payback"]
    assert card["value"] == "0.0 months" and "no sales or marketing spend" in card["sub"]
    set_year(me, 30_000.0, 36_000.0)  # 36k / (30k * 0.8 / 12) = 18 months
    assert cards(track)["cac_payback"]["value"] == "18.0 months"


def test_study_table_counts_undefined_and_spend_free_paybacks():
    row = {"cac_payback_months_median": 17.6, "cac_payback_seeds": 10,
           "cac_payback_no_spend_seeds": 0}  # fmt: skip
    assert payback_text(row, 10) == "18"
    row = {"cac_payback_months_median": 0.0, "cac_payback_seeds": 17,
           "cac_payback_no_spend_seeds": 13}  # fmt: skip
    assert payback_text(row, 20) == "0 (n/a in 3, no S&M spend in 13 of 20 seeds)"
    row = {"cac_payback_months_median": math.nan, "cac_payback_seeds": 0,
           "cac_payback_no_spend_seeds": 0}  # fmt: skip
    assert payback_text(row, 5) == "n/a: no new ARR"
    assert nrr_text({"nrr_median": 1.04, "nrr_seeds": 4}, 5) == "104% (n/a in 1 of 5 seeds)"
    assert nrr_text({"nrr_median": math.nan, "nrr_seeds": 0}, 5) == "n/a"


def test_study_figures_are_the_vendors_and_the_cards_definitions():
    # at week 81 of this run the cohort of 52 weeks ago and of 51 weeks ago retain
    # differently (checked below), so a study that took its cohort a week off would read
    # another figure (chosen, when the default market changed, as a week where both the
    # retention and the payback are defined and a week off tells: 2026-12-06, the
    # generations at work, weeks 72, 75, 81, 102 and 110 of seed 4 do, no week of 70-110
    # of seeds 5 and 6; seeds 1-3 had no retention base by week 100)
    weeks, seed, setting = 81, 4, {**SMALL, "n_enterprises": 80, "enterprise_size_max": 1000}
    res = study("default", ["hybrid: strategy=hybrid"], [seed], steps=weeks, workers=1,
                overrides=setting)  # fmt: skip
    run = res.runs.iloc[0]
    model = MarketModel.from_scenario("default", rng=seed, focal={"strategy": "hybrid"}, **setting)
    track = FocalTrack(model)
    for _ in range(weeks):
        model.step()
        track.record()
    me = model.focal_vendor
    assert me.alive and math.isfinite(run["nrr"]) and math.isfinite(run["cac_payback_months"])
    assert run["cac_payback_months"] == me.cac_payback_months
    assert (run["sm_spend_year"], run["new_arr_year"]) == me.trailing()
    assert run["nrr"] == track.net_revenue_retention()
    a_week_off = kpis.net_revenue_retention(track.arr_by_customer[1], track.arr_by_customer[-1])
    assert abs(a_week_off - run["nrr"]) > 1e-3  # the week this test chose still tells


# ------------------------------------------------------------------ net revenue retention
def test_retention_is_undefined_below_the_minimum_base():
    four = np.array([30e3, 30e3, 30e3, 30e3, 0.0])  # 120k but 4 accounts
    assert math.isnan(kpis.net_revenue_retention(four, four))
    small = np.full(kpis.NRR_MIN_ACCOUNTS, 9e3)  # 5 accounts, 45k
    assert math.isnan(kpis.net_revenue_retention(small, small * 100))
    base = np.full(kpis.NRR_MIN_ACCOUNTS, 20e3)
    now = base * np.array([1.5, 1.0, 1.0, 0.0, 1.0])
    assert kpis.net_revenue_retention(base, now) == pytest.approx(90e3 / 100e3, abs=1e-9)


def add_accounts(model: MarketModel, acv: np.ndarray) -> np.ndarray:
    n = len(acv)
    return model.contracts.add(
        enterprise=np.arange(n), vendor=0, kind=TEAM, acv=acv, seats=5, start=0, renew_at=52
    )


def market_nrr_after_a_year(model: MarketModel, change) -> float:
    for _ in range(reporting.NRR_WINDOW):
        assert math.isnan(reporting.net_revenue_retention(model, model.contracts.active_ids()))
    change(model.contracts)
    return reporting.net_revenue_retention(model, model.contracts.active_ids())


def test_market_retention_column_needs_the_minimum_base():
    tiny = market()
    add_accounts(tiny, np.full(6, 300.0))  # six one-seat team plans a year ago

    def upgrade(c):  # one becomes a large agreement: 100,000% on a 1.8k base
        c.acv[0] = 300_000.0

    assert math.isnan(market_nrr_after_a_year(tiny, upgrade))
    big = market()
    ids = add_accounts(big, np.full(6, 20e3))

    def churn_one(c):
        c.active[ids[0]] = False
        c.acv[ids[1]] = 30e3

    assert market_nrr_after_a_year(big, churn_one) == pytest.approx(110e3 / 120e3, abs=1e-9)


def test_retention_card_says_why_it_has_no_figure():
    model = market()
    track = FocalTrack(model, vendor=model.vendor_list[0])
    track.record()
    then = np.zeros(len(model.enterprises))
    then[:2] = 300.0
    now = then.copy()
    now[0] = 378_000.0  # 126,000%: the reviewers' card
    track.arr_by_customer.extend([then] * 52 + [now])
    card = cards(track)["nrr"]
    assert card["value"] == "n/a" and card["sub"] == "2 paying accounts a year ago, fewer than 5"
    then[:6] = 1_000.0
    track.arr_by_customer.extend([then] * 52 + [then * 2])
    card = cards(track)["nrr"]
    assert card["value"] == "n/a" and card["sub"] == "base under $50k ARR a year ago"


# ------------------------------------------------------------------ growth
def test_growth_is_undefined_below_the_minimum_base():
    assert math.isnan(kpis.growth(113_000.0, 300.0))
    assert math.isnan(kpis.growth(113_000.0, kpis.MIN_BASE_ARR - 1))
    assert kpis.growth(75_000.0, 60_000.0) == pytest.approx(0.25, abs=1e-9)


@pytest.mark.parametrize(
    ("then", "sub"),
    [(300.0, "growth n/a: base under $50k"), (60_000.0, "+25.0% in 13 weeks"),
     (0.0, "first revenue")],
)  # fmt: skip
def test_arr_card_growth_says_n_a_on_a_tiny_base(then, sub):
    model = market()
    track = FocalTrack(model, vendor=model.vendor_list[0])
    track.week[:] = list(range(14))
    track.arr[:] = [then] * 13 + [75_000.0]
    track.cash[:] = [1e6] * 14
    track.users[:] = [0] * 14
    track.customers[:] = [0] * 14
    assert cards(track)["arr"]["sub"] == sub


# ------------------------------------------------------------------ freemium conversion
def test_freemium_conversion_counts_self_serve_purchases_only():
    model = market(n_vendors=2)
    pop = model.population
    pop.emp_product[:] = -1
    pop.emp_mandated[:] = False
    pop.emp_paid[:] = False
    model.agreement_at[:] = -1
    v, rival = 0, 1

    def users(e: int, n: int, vendor: int = v, mandated: bool = False) -> np.ndarray:
        sl = model.enterprise_slice(e)
        idle = np.flatnonzero(pop.emp_product[sl] == -1)[:n] + sl.start
        assert len(idle) == n
        pop.emp_product[idle] = vendor
        pop.emp_mandated[idle] = mandated
        return idle

    def agreement(e: int, vendor: int, kind: int) -> None:
        cid = model.contracts.add(enterprise=e, vendor=vendor, kind=kind, acv=1e5, seats=10,
                                  start=0, renew_at=52)[0]  # fmt: skip
        model.agreement_at[e] = cid

    users(0, 10)  # free sign-ups inside an account a rep won: in neither part
    users(0, 5, mandated=True)  # provisioned: not self-serve
    agreement(0, v, ENTERPRISE)
    users(1, 10)  # the purchaser bought without a rep: converted
    agreement(1, v, SELF_SERVE_ENTERPRISE)
    pop.emp_paid[users(2, 10)[:2]] = True  # a team plan for two of ten
    users(3, 8)  # free users under a rival's rep-won agreement: not converted
    users(3, 4, vendor=rival, mandated=True)
    agreement(3, rival, ENTERPRISE)
    ids = model.contracts.active_ids()
    assert reporting.freemium_conversion(model, ids) == pytest.approx(12 / 28, abs=1e-9)
