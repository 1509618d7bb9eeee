"""Bottoms-up monetisation (sim/conversion.py, sim/contracting.py, MarketModel._invites): workspace billing,
the purchaser at a number of users, a purchaser chance per team and team invites each do
what docs/model.md says ("Demand, growth and sales capacity"), and are off at their switch."""

from __future__ import annotations

import numpy as np
import pytest

from sim.contracting import team_seats
from sim.conversion import bottoms_up_conversion, draw_purchasers, purchaser_threshold
from sim.demand import budget_open
from sim.model import MarketModel
from sim.population import NO_PRODUCT

SMALL = {"n_enterprises": 30, "enterprise_size_max": 400, "horizon": 52}
OFF = {
    "team_plan_scope": "team",
    "enterprise_trigger_users": 0,
    "team_invites": 0.0,
    "purchaser_per_team": False,
    "usage_opens_budget": False,
}


def run(weeks: int = 0, **params) -> MarketModel:
    model = MarketModel(rng=3, **{**SMALL, **params})
    for _ in range(weeks):
        model.step()
    return model


def clear(model: MarketModel, e: int) -> slice:
    """Nobody in enterprise ``e`` uses anything; returns its slice."""
    sl = model.enterprise_slice(e)
    pop = model.population
    pop.emp_product[sl] = NO_PRODUCT
    pop.emp_mandated[sl] = False
    pop.emp_paid[sl] = False
    return sl


def test_switches_off_are_bit_identical():
    """With every switch off a run is the one before the mechanisms (figures of 7dcad38
    until the draws by skipping changed the random stream, sim.compiled_skips)."""
    before = run(52)
    assert before.arr_total == 449903.3620362066
    assert len(before.events) == 157
    a = run(30).datacollector.get_model_vars_dataframe()
    b = run(30, **OFF).datacollector.get_model_vars_dataframe()
    assert a.equals(b)
    on = run(30, team_invites=1.0).datacollector.get_model_vars_dataframe()
    assert not a["adoption_rate"].equals(on["adoption_rate"])


def _chain(model: MarketModel, e: int) -> tuple[int, int, int]:
    """Three people p - a - b of enterprise ``e`` with b not a colleague of p."""
    adj = model.population.adjacency
    sl = model.enterprise_slice(e)
    for p in range(sl.start, sl.stop):
        near = set(adj.indices[adj.indptr[p] : adj.indptr[p + 1]].tolist())
        for a in near:
            far = set(adj.indices[adj.indptr[a] : adj.indptr[a + 1]].tolist()) - near - {p}
            if far:
                return p, a, min(far)
    raise AssertionError("no chain of three in the enterprise")


@pytest.mark.parametrize("scope, paid", [("team", 2), ("workspace", 3)])
def test_a_workspace_plan_pays_for_every_connected_user(scope, paid):
    model = run(0, team_plan_scope=scope)
    e = int(np.argmax(model.population.ent_size))
    clear(model, e)
    p, a, b = _chain(model, e)
    pop = model.population
    pop.emp_product[[p, a, b]] = 0
    # a user with no colleague on the product is in no one's workspace
    adj = pop.adjacency
    sl = model.enterprise_slice(e)
    linked = set(adj.indices[adj.indptr[p] : adj.indptr[b + 1]].tolist()) | {p, a, b}
    loner = next(i for i in range(sl.start, sl.stop) if i not in linked)
    loner_nbrs = adj.indices[adj.indptr[loner] : adj.indptr[loner + 1]]
    if not np.isin(loner_nbrs, [p, a, b]).any():
        pop.emp_product[loner] = 0
    assert team_seats(model, e, 0, purchaser=p) == paid
    assert pop.emp_paid[[p, a]].all() and pop.emp_paid[b] == (scope == "workspace")
    assert not pop.emp_paid[loner]


def test_the_purchaser_comes_at_a_number_of_users_in_a_large_firm():
    base = {"focal": {"strategy": "bottoms_up"}, "user_is_buyer": 1.0, "inbound_close_rate": 1.0}
    signed = {}
    for trigger in (0, 50):
        model = run(0, enterprise_trigger_users=trigger, **base)
        sizes = model.population.ent_size
        assert np.array_equal(
            purchaser_threshold(model),
            0.25 * sizes if trigger == 0 else np.minimum(0.25 * sizes, trigger),
        )
        e = int(np.argmax(sizes))
        assert 0.25 * sizes[e] > 60
        sl = clear(model, e)
        model.population.emp_product[sl.start : sl.start + 60] = 0
        model._refresh_users()
        bottoms_up_conversion(model)
        held = int(model.agreement_at[e])
        signed[trigger] = held >= 0 and int(model.contracts.vendor[held]) == 0
    assert signed == {0: False, 50: True}


@pytest.mark.parametrize("per_team, share", [(False, 0.5), (True, 1 - 0.5**4)])
def test_a_purchaser_chance_per_team_of_users(per_team, share):
    model = run(0, n_enterprises=600, user_is_buyer=0.5, purchaser_per_team=per_team)
    ent = np.arange(600)
    codes = np.zeros(600, dtype=np.int64)
    model.users_ev[:, 0] = 5  # one team each: one draw
    first = draw_purchasers(model, ent, codes)
    assert first.mean() == pytest.approx(0.5, abs=0.07)
    model.users_ev[:, 0] = 20  # four teams: three more chances where the first said no
    later = draw_purchasers(model, ent, codes)
    assert (later >= first).all()
    assert later.mean() == pytest.approx(share, abs=0.07)
    again = draw_purchasers(model, ent, codes)  # the same teams are not drawn twice
    assert np.array_equal(again, later)


def test_a_new_workspace_invites_its_colleagues_and_a_joiner_does_not():
    model = run(0, team_invites=1.0)
    model.team_invites = 1e9  # every free colleague with any openness joins
    e = int(np.argmax(model.population.ent_size))
    clear(model, e)
    pop = model.population
    adj = pop.adjacency
    founder = model.enterprise_slice(e).start
    nbrs = adj.indices[adj.indptr[founder] : adj.indptr[founder + 1]]
    adopters, products = model._invites(np.array([founder]), np.array([0]))
    assert sorted(adopters.tolist()) == sorted([founder, *nbrs[pop.emp_openness[nbrs] > 0]])
    assert (products == 0).all()
    pop.emp_product[nbrs[0]] = 0  # a colleague already uses it: this one joins, invites none
    adopters, _ = model._invites(np.array([founder]), np.array([0]))
    assert adopters.tolist() == [founder]


def test_invitees_join_with_probability_invites_times_openness():
    model = run(0, n_enterprises=200, team_invites=0.5)
    pop = model.population
    adj = pop.adjacency
    founders = pop.ent_offset.copy()  # one per enterprise, nobody uses anything yet
    assert (pop.emp_product == NO_PRODUCT).all()
    adopters, _ = model._invites(founders, np.zeros(len(founders), dtype=np.int64))
    nbrs = np.concatenate([adj.indices[adj.indptr[f] : adj.indptr[f + 1]] for f in founders])
    nbrs = np.unique(nbrs[~np.isin(nbrs, founders)])
    p = np.minimum(1.0, 0.5 * pop.emp_openness[nbrs])
    joined = len(adopters) - len(founders)
    assert abs(joined - p.sum()) < 4 * np.sqrt((p * (1 - p)).sum())


@pytest.mark.parametrize("opens", [False, True])
def test_use_at_the_trigger_opens_a_budget_line(opens):
    model = run(
        0,
        focal={"strategy": "bottoms_up"},
        user_is_buyer=1.0,
        inbound_close_rate=1.0,
        budget_open_share=0.0,
        budget_line_growth=0.0,
        usage_opens_budget=opens,
    )
    e = int(np.argmax(model.population.ent_size))
    sl = clear(model, e)
    n = int(np.ceil(0.3 * model.population.ent_size[e]))
    model.population.emp_product[sl.start : sl.start + n] = 0
    model._refresh_users()
    bottoms_up_conversion(model)
    assert (model.agreement_at[e] >= 0) == opens
    assert budget_open(model)[e] == opens
    assert budget_open(model).sum() == opens  # only where the purchaser came
