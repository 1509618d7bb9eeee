"""``newcomer_invites``: a newcomer is invited into the tool most of their colleagues use.

At turnover (mechanism 11) a newcomer with no product, in an enterprise that is not
on-prem only, is invited into the product of an alive self-serve vendor (bottoms-up or
hybrid) that most of their network neighbours use (ties: the lower code) and joins with
probability ``min(1, team_invites * openness)`` (:func:`sim.workforce.join_team_tools`).
Each check recomputes what should happen by a second route (a plain loop over the
newcomers' rows) and compares it with what the step did; the users per (enterprise,
vendor) are compared with a full recount at every settle.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import workforce
from sim.exposure import ColleagueExposure, colleague_exposure
from sim.model import MarketModel
from tests.invariants import cash_snapshot, check_week
from tests.test_user_counts import _checked_model


def _expected(model, newcomers) -> dict[int, int]:
    """Newcomer -> the product they should be invited into (a loop, not the kernel)."""
    pop = model.population
    indptr, indices = pop.adjacency.indptr, pop.adjacency.indices
    ok = {v.index for v in model.vendor_list if v.alive and v.tactic.self_serve}
    out = {}
    for i in newcomers.tolist():
        if pop.emp_product[i] >= 0 or pop.ent_on_prem[pop.emp_enterprise[i]]:
            continue
        near = [int(pop.emp_product[j]) for j in indices[indptr[i] : indptr[i + 1]]]
        counts = {v: near.count(v) for v in set(near) if v in ok}
        if counts:
            most = max(counts.values())
            out[i] = min(v for v, c in counts.items() if c == most)
    return out


def test_newcomers_join_their_colleagues_tool_at_team_invites_times_openness(monkeypatch):
    """In a run with fast turnover: every joiner takes the product most of their
    colleagues use, as a self-serve sign-up is recorded (this week, a seat of the
    agreement when it is that vendor's, counted as a sign-up); the invited who do not
    join stay without one; the joiners number ``sum(p)`` within four binomial SEs; the
    users per pair follow every change (each settle equals a full recount), so do
    colleague-exposure sums kept across weeks, and the week's invariants hold."""
    model, seen = _checked_model(
        rng=3,
        n_enterprises=30,
        tenure_years=0.5,
        team_invites=1.0,
        virality=0.0025,
        newcomer_invites=True,
    )
    join = workforce.join_team_tools
    kept = ColleagueExposure(model.population.adjacency)  # running sums across the weeks
    tally = {"invited": 0, "joined": 0, "p": 0.0, "var": 0.0, "agreement_seats": 0}

    def checked(model, newcomers):
        pop = model.population
        expected = _expected(model, newcomers)
        before = pop.emp_product.copy()
        signups = [v.signups_total for v in model.vendor_list]
        join(model, newcomers)
        changed = np.flatnonzero(pop.emp_product != before)
        assert set(changed.tolist()) <= set(expected)  # only the invited change
        holder = model.agreement_holders()
        for i, v in expected.items():
            p = min(1.0, model.team_invites * pop.emp_openness[i])
            tally["invited"] += 1
            tally["p"] += p
            tally["var"] += p * (1 - p)
            if pop.emp_product[i] >= 0:
                tally["joined"] += 1
                assert pop.emp_product[i] == v  # the colleagues' majority
                assert pop.emp_since[i] == model.steps
                assert not pop.emp_paid[i]
                seat = holder[pop.emp_enterprise[i]] == v
                assert pop.emp_mandated[i] == seat
                tally["agreement_seats"] += int(seat)
        # colleague exposure kept from week to week follows the joiners (sim.exposure)
        weight = np.linspace(0.1, 1.0, model.vendor_capacity)
        everyone = np.arange(model.n_employees)
        fresh = colleague_exposure(pop.adjacency, pop.emp_product, everyone, weight)
        assert np.allclose(kept.of(everyone, pop.emp_product, weight), fresh, atol=1e-9)
        joined = np.bincount(pop.emp_product[changed], minlength=len(signups))
        assert [v.signups_total for v in model.vendor_list] == (
            np.array(signups) + joined[: len(signups)]
        ).tolist()

    monkeypatch.setattr(workforce, "join_team_tools", checked)
    for _ in range(80):
        cash = cash_snapshot(model)
        model.step()
        check_week(model, cash)
    assert seen.count("last") == 80
    assert kept.updates > 20  # the sums were updated from the changes, not recomputed
    assert tally["invited"] > 1000 and tally["agreement_seats"] > 0
    se = math.sqrt(tally["var"])
    assert abs(tally["joined"] - tally["p"]) < 4 * se, tally
    # the chance is the newcomer's openness, not every invitation accepted
    assert tally["joined"] < 0.8 * tally["invited"], tally


def _staged(**params):
    """An unstepped model with four vendors (bottoms-up, hybrid, direct, bottoms-up), nobody
    on a product, and one newcomer of openness 0.5 per enterprise (its first employee
    with a colleague), whose colleagues' products a test then sets."""
    model = MarketModel(
        rng=5,
        n_enterprises=12,
        n_vendors=4,
        vendors=[
            {"strategy": "bottoms_up"},
            {"strategy": "hybrid"},
            {"strategy": "direct"},
            {"strategy": "bottoms_up"},
        ],
        on_prem_share=0.0,
        team_invites=100.0,  # every invited newcomer of openness 0.5 joins
        newcomer_invites=True,
        **params,
    )
    pop = model.population
    indptr = pop.adjacency.indptr
    newcomers = []
    for e in range(len(pop.ent_size)):
        start = int(pop.ent_offset[e])
        i = next(j for j in range(start, start + int(pop.ent_size[e])) if indptr[j + 1] > indptr[j])
        newcomers.append(i)
    newcomers = np.array(newcomers, dtype=np.int64)
    pop.emp_product[:] = -1
    pop.emp_mandated[:] = False
    pop.emp_openness[newcomers] = 0.5
    return model, newcomers


def _colleagues(model, i):
    pop = model.population
    return pop.adjacency.indices[pop.adjacency.indptr[i] : pop.adjacency.indptr[i + 1]]


def _join(model, newcomers):
    model._refresh_users()
    workforce.join_team_tools(model, newcomers)
    model._settle_users(first=True)
    full = model.user_counts.count(model.vendor_capacity)
    assert np.array_equal(model.users_ev, full)  # the joiners were counted
    return model.population.emp_product[newcomers]


def test_only_alive_self_serve_vendors_outside_on_prem_enterprises_invite():
    """Colleagues all on one product: a bottoms-up or hybrid vendor's invites the
    newcomer; a direct vendor's, a dead vendor's or any in an on-prem enterprise does
    not. Where colleagues split, the most used wins (ties: the lower code), and an
    ineligible majority gives way to the eligible runner-up."""
    model, new = _staged()
    pop = model.population
    plan = {0: 0, 1: 1, 2: 2, 3: 3, 4: 0, 5: 1}  # enterprise -> colleagues' product
    for e, v in plan.items():
        pop.emp_product[_colleagues(model, new[e])] = v
    model.vendor_list[3].alive = False  # its users kept only to test the filter
    pop.ent_on_prem[4] = True
    got = _join(model, new[:6])
    assert got.tolist() == [0, 1, -1, -1, -1, 1]

    model, new = _staged()
    pop = model.population
    cases = []  # (newcomer, products of its colleagues in row order, expected)
    for e, (split, want) in enumerate(
        [((1, 1, 0), 1), ((0, 1), 0), ((2, 2, 1), 1), ((3, 0, 0), 0), ((1, 0, 0, 1), 0)]
    ):
        row = _colleagues(model, new[e])
        if len(row) < len(split):
            continue
        pop.emp_product[row[: len(split)]] = split
        cases.append((e, want))
    assert len(cases) >= 4
    got = _join(model, new)
    assert [int(got[e]) for e, _ in cases] == [w for _, w in cases]


def test_off_the_step_never_calls_it(monkeypatch):
    """Off (the default), turnover runs as before: the mechanism is never called, so it
    changes nothing and draws nothing (tests/test_bit_identical.py holds the runs)."""
    monkeypatch.setattr(workforce, "join_team_tools", lambda *a: pytest.fail("called"))
    model = MarketModel(rng=8, n_enterprises=20, tenure_years=0.5, team_invites=1.0)
    assert model.newcomer_invites is False
    for _ in range(30):
        model.step()


def test_on_with_no_invites_is_the_run_without_it():
    """On with ``team_invites = 0`` (no one would join): the same products and the same
    position of the random stream as the run with it off."""
    base = {"rng": 8, "n_enterprises": 20, "tenure_years": 0.5, "team_invites": 0.0}
    on, off = MarketModel(**base, newcomer_invites=True), MarketModel(**base)
    for _ in range(30):
        on.step()
        off.step()
    assert np.array_equal(on.population.emp_product, off.population.emp_product)
    assert on.rng.bit_generator.state == off.rng.bit_generator.state
