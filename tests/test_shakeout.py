"""A shakeout (sim/shakeout.py): vendors in the market long enough and far below the
category leader's ARR close, each quarter with probability ``shakeout_rate``."""

from __future__ import annotations

import numpy as np
from invariants import cash_snapshot, check_week

from sim import shakeout
from sim.model import MarketModel


def _market(weeks: int = 26, **params) -> MarketModel:
    model = MarketModel.from_scenario("default", rng=7, n_enterprises=300, **params)
    for _ in range(weeks):
        model.step()
    return model


def test_switched_off_it_closes_nothing_and_draws_nothing():
    model = _market(weeks=0, shakeout_rate=0.0, shakeout_age=0)
    state = model.rng.bit_generator.state
    assert shakeout.shake_out(model) == []
    assert model.rng.bit_generator.state == state


def test_only_vendors_old_enough_and_below_the_leaders_share_are_reviewed():
    model = _market(shakeout_rate=0.0, shakeout_age=20, shakeout_scale=0.2)  # none closed yet
    alive = model.alive_vendors()
    leader = max(v.arr for v in alive)
    reviewed = shakeout.sub_scale(model)
    assert reviewed, "some vendor is below a fifth of the leader's ARR after half a year"
    for v in alive:
        expected = model.steps - v.entered >= 20 and v.arr < 0.2 * leader
        assert (v in reviewed) == expected, v
    young = _market(shakeout_rate=1.0, shakeout_age=10_000)
    assert shakeout.sub_scale(young) == []


def test_a_workshop_team_is_never_closed_by_the_rule():
    model = _market(shakeout_rate=0.0, shakeout_age=0, shakeout_scale=1.0)
    assert len(shakeout.sub_scale(model)) == len(model.alive_vendors()) - 1, "all but the leader"
    for v in model.alive_vendors():
        v.steered = True
    assert shakeout.sub_scale(model) == []


def test_at_rate_one_every_sub_scale_vendor_closes_at_the_quarter_and_not_between():
    model = _market(weeks=25, shakeout_rate=1.0, shakeout_age=0, shakeout_scale=0.2)
    before = cash_snapshot(model)
    model.step()  # week 26 is a quarter's end
    assert model.steps % shakeout.QUARTER == 0
    exits = [e for e in model.events if e["event"] == "exit" and e["step"] == model.steps]
    assert exits and all(e["reason"] == "shakeout" for e in exits)
    gone = {e["vendor"] for e in exits}
    for v in model.vendor_list:
        if v.name in gone:
            assert not v.alive and v.reps == 0
            assert (model.contract_at[:, v.index] == -1).all()
            assert not np.isin(model.population.emp_product, [v.index]).any()
    check_week(model, before)
    between = model.steps
    model.step()
    assert not [e for e in model.events if e["event"] == "exit" and e["step"] == between + 1
                and e.get("reason") == "shakeout"]  # fmt: skip


def test_every_invariant_holds_while_vendors_shake_out():
    model = _market(weeks=0, shakeout_rate=0.5, shakeout_age=13, shakeout_scale=0.5)
    for _ in range(80):
        before = cash_snapshot(model)
        model.step()
        check_week(model, before)
    assert any(e.get("reason") == "shakeout" for e in model.events)
