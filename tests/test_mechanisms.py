"""The mechanisms of issue 7: each lever acts through the mechanism its name promises.

Small seeded markets; every test names the behaviour it guards and fails when it breaks.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.contracting import AGREEMENT_KINDS, seat_acv
from sim.economics import bought_reach, marketing_this_week, settle_cash
from sim.model import MarketModel
from sim.tables import TEAM


def run(steps: int, seed: int = 1, scenario: str = "default", **params) -> MarketModel:
    model = MarketModel.from_scenario(scenario, rng=seed, **params)
    for _ in range(steps):
        model.step()
    return model


@pytest.fixture(scope="module")
def market() -> MarketModel:
    """A default market of 60 enterprises after three years, checked step by step."""
    model = MarketModel.from_scenario("default", rng=4, n_enterprises=60)
    model.invariant_failures = []
    for _ in range(156):
        model.step()
        _check_step_invariants(model)
    return model


def _check_step_invariants(model: MarketModel) -> None:
    c = model.contracts
    ids = c.active_ids()
    agreements = ids[np.isin(c.kind[ids], AGREEMENT_KINDS)]
    per_enterprise = np.bincount(c.enterprise[agreements], minlength=len(model.agreement_at))
    if per_enterprise.max(initial=0) > 1:
        model.invariant_failures.append((model.steps, "two agreements in one enterprise"))
    held = model.agreement_at[model.agreement_at >= 0]
    if set(held.tolist()) != set(agreements.tolist()):
        model.invariant_failures.append((model.steps, "agreement_at out of sync"))
    cooling = model.cooloff_until > model.steps
    if (model.opp_at[cooling] >= 0).any():
        model.invariant_failures.append((model.steps, "opportunity open during cool-off"))


def test_an_enterprise_holds_at_most_one_agreement_and_no_deal_reopens_in_cool_off(market):
    assert market.invariant_failures == []
    assert market.agreements > 0  # the invariant was exercised
    assert (market.cooloff_until > 0).any()


def test_agreement_price_follows_its_seats(market):
    c = market.contracts
    ids = c.active_ids()
    checked = 0
    for cid in ids[np.isin(c.kind[ids], AGREEMENT_KINDS)]:
        vendor = market.vendor_list[int(c.vendor[cid])]
        listed = seat_acv(vendor, int(c.seats[cid]), int(c.kind[cid]), market.volume_discount)
        budget = market.population.ent_budget[int(c.enterprise[cid])]
        assert c.acv[cid] <= listed + 1e-6
        if listed < 0.5 * budget:  # the budget cannot have bound: the price is the seats'
            assert c.acv[cid] == pytest.approx(listed)
            checked += 1
    assert checked > 0


def test_team_plans_pay_for_a_team_not_for_every_user():
    model = run(
        104,
        seed=2,
        n_enterprises=40,
        strategy_mix="1:0:0",
        virality=0.003,
        user_is_buyer=1.0,
        inbound_close_rate=0.2,
        enterprise_trigger_share=1.0,  # no agreements: team plans only
        enterprise_trigger_users=0,  # (not at a number of users either)
        entry_rate=0.0,  # nor a hybrid entrant's reps
    )
    c = model.contracts
    teams = c.active_ids()
    assert len(teams) >= 10 and (c.kind[teams] == TEAM).all()
    seats = c.seats[teams]  # set at purchase and at each renewal; users churn in between
    users = model.users_ev[c.enterprise[teams], c.vendor[teams]]
    assert seats.sum() < 0.8 * users.sum()  # many users of a paying team's product are free
    pop = model.population
    assert 0 < np.count_nonzero(pop.emp_paid & (pop.emp_product >= 0)) <= seats.sum()


def test_volume_discount_lowers_the_price_per_seat():
    vendor = MarketModel(rng=0, n_enterprises=2).vendor_list[0]
    per_seat = [seat_acv(vendor, n, AGREEMENT_KINDS[1], 0.05) / n for n in (1, 10, 1000)]
    assert per_seat[0] > per_seat[1] > per_seat[2]
    assert per_seat[2] / per_seat[0] == pytest.approx(1000**-0.05)


def test_marketing_reach_is_concave_in_spend_and_zero_without_spend():
    model = MarketModel(rng=0, n_enterprises=2, vendor_heterogeneity=0.0)
    vendor = model.vendor_list[0]
    reach = []
    for spend in (0.0, 2500.0, 5000.0, 10000.0):
        vendor.marketing_spend = spend
        reach.append(bought_reach(model, vendor))
    assert reach[0] == 0.0
    assert reach[2] == pytest.approx(model.marketing_reach / 2)  # half at saturation
    assert reach[2] - reach[1] > reach[3] - reach[2] > 0  # diminishing returns


def test_marketing_is_cut_to_keep_the_runway_and_the_cut_is_what_is_paid_and_bought():
    """``marketing_runway_weeks``: spend what leaves that runway at the fixed net burn."""
    model = MarketModel(
        rng=0, n_enterprises=2, n_vendors=1, strategy_mix="1:0:0", marketing_runway_weeks=26.0
    )
    vendor = model.vendor_list[0]
    vendor.marketing_spend, vendor.burn, vendor.revenue = 10_000.0, 4_000.0, 1_000.0
    fixed = vendor.reps * vendor.rep_cost + 4_000.0 - 1_000.0
    vendor.cash = 26 * (fixed + 10_000.0) * 2  # rich: the plan
    assert marketing_this_week(model, vendor) == 10_000.0
    vendor.cash = 26 * (fixed + 2_500.0)  # short: what keeps 26 weeks
    assert marketing_this_week(model, vendor) == pytest.approx(2_500.0)
    assert bought_reach(model, vendor) == pytest.approx(
        vendor.marketing_reach * 2_500.0 / (2_500.0 + model.marketing_saturation)
    )
    cash = vendor.cash
    settle_cash(model)  # what is paid is the cut spend, not the plan
    assert vendor.cash - cash == pytest.approx(vendor.revenue - 2_500.0 - fixed - 1_000.0)
    vendor.cash = 26 * fixed * 0.5  # below the runway already: nothing
    assert marketing_this_week(model, vendor) == 0.0
    assert bought_reach(model, vendor) == 0.0
    vendor.steered = True  # a workshop team spends what it decided
    assert marketing_this_week(model, vendor) == 10_000.0
    vendor.steered = False
    model.marketing_runway_weeks = 0.0  # the reference rule: the plan whatever the cash
    assert marketing_this_week(model, vendor) == 10_000.0


def test_a_company_that_keeps_its_runway_outlives_one_that_spends_its_plan():
    """The same company planning more marketing than it can afford: with the runway rule
    it spends down to its runway and then lives on its cash for that runway; without
    it, it markets itself bankrupt first (here 30 against 80 weeks: a company with no
    revenue dies of its burn in the end either way)."""
    common = dict(
        n_enterprises=40,
        n_vendors=1,
        strategy_mix="1:0:0",
        entry_rate=0.0,
        horizon=120,
        marketing_spend=60_000.0,
        initial_cash=2e6,
    )
    plan = MarketModel(rng=5, **common)
    kept = MarketModel(rng=5, marketing_runway_weeks=26.0, **common)
    for _ in range(120):
        plan.step()
        kept.step()
    spent, frugal = plan.vendor_list[0], kept.vendor_list[0]
    assert not spent.alive
    assert frugal.exited is None or frugal.exited >= spent.exited + 26


def test_without_marketing_or_colleagues_nobody_signs_up():
    quiet = run(40, strategy_mix="1:0:0", marketing_spend=0.0, n_enterprises=30)
    loud = run(40, strategy_mix="1:0:0", marketing_spend=5000.0, n_enterprises=30)
    assert quiet.users == 0
    assert loud.users > 0


def test_a_purchaser_who_never_comes_means_no_team_plan_ever():
    model = run(
        150, strategy_mix="1:0:0", user_is_buyer=0.0, virality=0.01, n_enterprises=40, seed=2
    )
    assert model.users > 0
    assert (model.purchaser == -1).any()
    assert not (model.purchaser == 1).any()
    assert model.contracts.n == 0  # no team plan, no agreement


def test_user_is_buyer_decides_once_per_team():
    model = run(150, strategy_mix="1:0:0", user_is_buyer=0.5, virality=0.01, n_enterprises=40)
    never = model.purchaser == -1
    assert never.any() and (model.purchaser == 1).any()
    has_contract = model.contract_at[:, : model.purchaser.shape[1]] >= 0
    assert not (never & has_contract).any()


def test_sales_start_week_delays_the_first_reps_and_touches():
    # hybrids that book early (fast self-serve sales) and would hire from bookings at once
    model = MarketModel.from_scenario(
        "default",
        rng=3,
        n_enterprises=30,
        strategy_mix="0:0:1",
        sales_start_week=30,
        virality=0.01,
        user_is_buyer=1.0,
        inbound_close_rate=0.5,
        team_plan_users=2,
        rep_hiring_rate=5.0,
        hiring_interval=1,
        min_runway_weeks=0.0,
    )
    starts = {v.name: v.sales_start for v in model.vendor_list}
    assert min(starts.values()) > 5  # each vendor draws its own week around 30
    booked_early = False
    for _ in range(50):
        model.step()
        for v in model.vendor_list[: len(starts)]:
            if model.steps < v.sales_start:
                assert v.reps == 0 and v.touches_total == 0, (v, model.steps)
                booked_early |= v.bookings_total > 0
            elif model.steps == v.sales_start and v.alive:
                # the whole starting team is hired that week (one may leave the same week)
                started_with = {
                    e["vendor"]: e["value"] for e in model.events if e["event"] == "sales start"
                }
                assert started_with.get(v.name) == v.initial_reps
                assert v.reps <= v.initial_reps
    assert booked_early  # the gate was tested against vendors that could pay for reps
    started = [e for e in model.events if e["event"] == "sales start"]
    assert {e["vendor"]: e["step"] for e in started} == {k: s for k, s in starts.items() if s <= 50}


def test_each_vendor_qualifies_by_its_own_bar():
    # the model level says 0.5; the first vendor chases everything, the second qualifies hard
    model = MarketModel(
        rng=2,
        n_enterprises=40,
        strategy_mix="0:1:0",
        n_vendors=3,
        entry_rate=0.0,
        qualification=0.5,
        vendor_heterogeneity=0.5,  # a policy is not spread by heterogeneity
        vendors=[{"qualification": 0.0}, {"qualification": 0.9}],
    )
    assert [v.qualification for v in model.vendor_list] == [0.0, 0.9, 0.5]
    for _ in range(60):
        model.step()
    pipe, n = model.pipeline, model.pipeline.n
    vendor, effort = pipe.vendor[:n], pipe.effort[:n]
    dropped = ~pipe.active[:n] & (pipe.stage[:n] == 1)  # left the pipeline at qualify
    per_vendor = np.bincount(vendor[dropped], minlength=3)
    assert per_vendor[0] == 0  # qualification 0 drops nothing
    assert per_vendor[1] > 0 and per_vendor[2] > 0
    assert np.all(effort[dropped & (vendor == 1)] < 0.9)
    assert np.all(effort[dropped & (vendor == 2)] < 0.5)
    assert np.any(effort[dropped & (vendor == 1)] >= 0.5)  # a bar the model level would pass


def test_each_vendor_s_reps_bring_their_own_share_of_warm_introductions():
    # whom a company hires is its policy: the first vendor's reps know nobody, the
    # second's make every touch through their network (answered three times as often)
    spread = MarketModel(
        rng=4,
        n_enterprises=20,
        n_vendors=3,
        vendor_heterogeneity=0.5,  # a policy is not spread by heterogeneity
        vendors=[{"warm_intro_share": 0.0}, {"warm_intro_share": 1.0}],
    )
    assert [v.warm_intro_share for v in spread.vendor_list] == [0.0, 1.0, 0.1]
    model = MarketModel(
        rng=4,
        n_enterprises=300,
        strategy_mix="0:1:0",
        n_vendors=2,
        entry_rate=0.0,
        vendor_heterogeneity=0.0,
        rep_capacity=1000,  # spare capacity stays near 1: touches do not depend on replies
        warm_intro_boost=3.0,
        vendors=[{"warm_intro_share": 0.0}, {"warm_intro_share": 1.0}],
    )
    for _ in range(3):  # early: few (enterprise, vendor) pairs hold an open opportunity yet
        model.step()
    pipe, n = model.pipeline, model.pipeline.n
    opened = np.bincount(pipe.vendor[:n][~pipe.inbound[:n]], minlength=2)
    per_touch = opened / np.array([v.touches_total for v in model.vendor_list])
    assert per_touch[1] > 2 * per_touch[0]


def test_signups_count_every_self_serve_adoption():
    # no churn, no turnover, no contracts: every user signed up on their own and stayed
    model = MarketModel(
        rng=5,
        n_enterprises=30,
        strategy_mix="1:0:0",
        n_vendors=3,
        entry_rate=0.0,
        user_churn=0.0,
        generational_change=False,
        inbound_close_rate=0.0,
        virality=0.01,
    )
    for _ in range(30):
        model.step()
    users = np.bincount(model.population.emp_product + 1, minlength=4)[1:]
    assert users.sum() > 0
    assert [v.signups_total for v in model.vendor_list] == users.tolist()


def test_a_mandated_seat_stays_with_the_position_through_turnover():
    from sim import workforce

    model = run(80, n_enterprises=40, strategy_mix="0:0:1", virality=0.005, seed=5)
    pop = model.population
    mandated = pop.emp_mandated & (pop.emp_product >= 0)
    self_serve = ~pop.emp_mandated & (pop.emp_product >= 0)
    assert mandated.any() and self_serve.any()
    before = pop.emp_product.copy()
    model.tenure_years = 1 / 52  # everyone is replaced this week
    model.newcomer_invites = False  # what leaves with a leaver, not what a newcomer joins
    workforce.turnover(model)
    assert (pop.emp_product[mandated] == before[mandated]).all()
    assert (pop.emp_product[self_serve] == -1).all()


def test_the_event_history_is_complete():
    model = run(260, n_enterprises=80)
    steps = [e["step"] for e in model.events]
    assert min(steps) <= 13 and max(steps) >= 250
    assert len(model.events) == len({id(e) for e in model.events})


def test_default_hierarchy_has_email_network_degree_and_clustering():
    model = MarketModel(rng=3)
    adj = model.population.adjacency.astype(np.float64)
    degree = np.asarray(adj.sum(axis=1)).ravel()
    triangles = np.asarray((adj @ adj).multiply(adj).sum(axis=1)).ravel() / 2
    clustering = np.where(degree > 1, 2 * triangles / np.maximum(degree * (degree - 1), 1), 0)
    assert 10 <= degree.mean() <= 25
    assert 0.3 <= clustering.mean() <= 0.5


def test_calibration_columns_are_reported_and_in_their_natural_ranges(market):
    df = market.datacollector.get_model_vars_dataframe().iloc[60:]
    for column in ("reply_rate", "win_rate", "freemium_conversion"):
        values = df[column].dropna()
        assert len(values) and values.between(0, 1).all(), column
    assert (df["net_revenue_retention"].dropna() >= 0).all()
    assert df["net_revenue_retention"].notna().any()
    assert (df["spend_per_employee"].dropna() > 0).all()
    assert (df["cac_payback_months"].dropna() > 0).all()


def test_touch_fatigue_wears_attention_down():
    on = run(104, n_enterprises=60, seed=6)
    off = run(104, n_enterprises=60, seed=6, touch_fatigue=0.0)
    assert on.buyer_receptivity < off.buyer_receptivity
    reply_on = on.datacollector.get_model_vars_dataframe()["reply_rate"].iloc[52:].mean()
    reply_off = off.datacollector.get_model_vars_dataframe()["reply_rate"].iloc[52:].mean()
    assert reply_on < 0.5 * reply_off


def test_a_team_plan_covers_the_purchasers_team_and_grows_through_colleagues():
    from sim.contracting import team_seats

    model = MarketModel(rng=0, n_enterprises=1, enterprise_size_min=200, enterprise_size_max=200)
    pop, adj = model.population, model.population.adjacency
    purchaser = 20
    colleagues = adj.indices[adj.indptr[purchaser] : adj.indptr[purchaser + 1]]
    near = np.unique(np.r_[purchaser, colleagues, adj[colleagues].indices])  # within 2 hops
    strangers = np.setdiff1d(np.arange(200), near)
    users = np.r_[purchaser, colleagues[:3], strangers[:10]]
    pop.emp_product[users] = 0
    assert team_seats(model, 0, 0, purchaser) == 4  # the purchaser and 3 colleagues
    assert set(np.flatnonzero(pop.emp_paid)) == {purchaser, *colleagues[:3].tolist()}
    # at renewal, a colleague of a paid user who started using it joins the plan
    newcomer = colleagues[3]
    pop.emp_product[newcomer] = 0
    assert team_seats(model, 0, 0) == 5
    assert pop.emp_paid[newcomer] and not pop.emp_paid[strangers[:10]].any()


def test_one_vendors_team_plan_leaves_a_rivals_seats_alone():
    from sim.contracting import team_seats

    model = MarketModel(rng=0, n_enterprises=1, enterprise_size_min=200, enterprise_size_max=200)
    pop, adj = model.population, model.population.adjacency
    a, b = 20, 150
    team_a = np.r_[a, adj.indices[adj.indptr[a] : adj.indptr[a + 1]][:3]]
    team_b = np.setdiff1d(np.r_[b, adj.indices[adj.indptr[b] : adj.indptr[b + 1]][:3]], team_a)
    pop.emp_product[team_a] = 0
    pop.emp_product[team_b] = 1
    seats_b = team_seats(model, 0, 1, b)
    team_seats(model, 0, 0, a)  # vendor 0 buys (or renews) its team plan
    assert pop.emp_paid[team_b].sum() == seats_b  # vendor 1's seats are still paid
