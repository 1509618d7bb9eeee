"""The per-deal compiled passes (sim/compiled_deals.py) and the array-backed vendor state.

Each loop must give exactly (bit for bit, same order) what the numpy code it replaced
gave on the same inputs; the numpy code is kept here as the reference. Whole runs are
checked by tests/test_bit_identical.py; these check the edge cases the small golden
markets rarely reach: a column with no weight, a uniform of 0 or just below 1, many
columns (``u + c`` rounding), a single seller (C- rather than Fortran-ordered columns),
a buyer touched several times, and a trait set between two reads of its array.
"""

from __future__ import annotations

import types

import numpy as np
import pytest

from agents.tactics import TACTICS
from agents.trait_arrays import CACHED
from sim.compiled_deals import (
    responses,
    ripe_pairs,
    sample_columns,
    team_plan_pairs,
    touch_weights,
    willing_pairs,
)
from sim.conversion import draw_purchasers
from sim.kernels import sample_by_column
from sim.model import MarketModel
from sim.params import VENDOR_TRAITS
from sim.selling import wear_down

N_ENT = 30


def reference_weights(sizes, users, tactics, pref, codes, holder, beyond, factor, cool, step, bud):
    """sim.selling.target_weights as it was: one tactic column per seller, then the masks."""
    w = np.column_stack([t.target_weights(sizes, users[:, c], pref) for c, t in enumerate(tactics)])
    w[holder[:, None] == codes[None, :]] = 0.0
    w[beyond] = 0.0
    w[holder >= 0] *= factor
    w[cool > step] = 0.0
    w[~bud] = 0.0
    return w


def weight_inputs(rng, n_sel, order="F"):
    sizes = rng.integers(1, 500, N_ENT)
    users = np.asarray(rng.integers(0, 3, (N_ENT, n_sel)) * rng.integers(0, 2, (N_ENT, n_sel)))
    users = np.asfortranarray(users) if order == "F" else np.ascontiguousarray(users)
    codes = rng.permutation(8)[:n_sel].astype(np.int64)
    holder = np.where(rng.random(N_ENT) < 0.4, rng.integers(0, 8, N_ENT), -1).astype(np.int64)
    beyond = (holder >= 0) & (rng.random(N_ENT) < 0.5)
    cool = rng.integers(0, 20, (N_ENT, n_sel)).astype(np.int32)
    cool = np.asfortranarray(cool) if order == "F" else cool
    bud = rng.random(N_ENT) < 0.8
    return sizes, users, codes, holder, beyond, cool, bud


@pytest.mark.parametrize("n_sel, order", [(1, "C"), (3, "F"), (5, "F")])
def test_touch_weights_equal_the_numpy_rules(n_sel, order):
    rng = np.random.default_rng(n_sel)
    for trial in range(20):
        sizes, users, codes, holder, beyond, cool, bud = weight_inputs(rng, n_sel, order)
        tactics = [TACTICS["hybrid" if rng.random() < 0.5 else "direct"] for _ in range(n_sel)]
        pref, factor, step = float(rng.choice([0.0, 1.0, 3.7])), float(rng.random()), 10
        got = touch_weights(
            sizes,
            users,
            np.array([t.user_weight(pref) for t in tactics]),
            codes,
            holder,
            beyond,
            factor,
            cool,
            step,
            bud,
        )
        want = reference_weights(
            sizes, users, tactics, pref, codes, holder, beyond, factor, cool, step, bud
        )
        assert got.tobytes() == want.tobytes(), trial


def test_sample_columns_equals_sample_by_column_on_its_uniforms():
    rng = np.random.default_rng(7)
    cases = [
        np.array([[1.0, 0.0], [0.0, 5.0], [3.0, 5.0], [0.0, 0.0]]),  # zeros first and last
        np.array([[0.0], [0.0], [2.0]]),  # one column, leading zeros
        rng.random((1, 4)),  # one row
        rng.random((50, 300)) * (rng.random((50, 300)) < 0.3),  # many columns, sparse
    ]
    for weights in cases:
        counts = rng.integers(0, 40, weights.shape[1])
        counts[weights.sum(axis=0) <= 0] = 0
        n = int(counts.sum())
        uniforms = rng.random(n)
        uniforms[: min(n, 3)] = [0.0, 1.0 - 2**-53, 0.5][: min(n, 3)]  # the ends of [0, 1)
        uniforms[-min(n, 2) :] = 1.0 - 2**-53  # the last column's: u + c rounds to c + 1
        want = sample_by_column(FixedUniforms(uniforms), weights, counts)
        got = sample_columns(weights, counts, uniforms)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


class FixedUniforms:
    """A stand-in generator that hands out given uniforms (what the caller drew)."""

    def __init__(self, values):
        self.values = values

    def random(self, n):
        assert n == len(self.values)
        return self.values


def test_candidate_pairs_equal_the_numpy_masks():
    rng = np.random.default_rng(3)
    for _ in range(20):
        users_ev = rng.integers(0, 12, (N_ENT, 6))
        codes = np.sort(rng.permutation(6)[: rng.integers(1, 6)]).astype(np.int64)
        contract_at = np.where(rng.random((N_ENT, 6)) < 0.3, 5, -1).astype(np.int64)
        tpu = int(rng.integers(1, 5))
        users = users_ev[:, codes]
        want = np.nonzero(((users >= tpu) & (contract_at[:, codes] < 0)).T)
        got = team_plan_pairs(users_ev, codes, contract_at, tpu)
        assert all(np.array_equal(g, w) for g, w in zip(got, want, strict=True))

        threshold = rng.random(N_ENT) * 10
        agreement_at = np.where(rng.random(N_ENT) < 0.3, 2, -1).astype(np.int64)
        opp_at = np.where(rng.random((N_ENT, 6)) < 0.2, 1, -1).astype(np.int64)
        cool = rng.integers(0, 10, (N_ENT, 6)).astype(np.int32)
        bud = rng.random(N_ENT) < 0.7
        for need in (True, False):
            ripe = (users >= threshold[:, None]) & (users >= tpu)
            ripe &= (agreement_at[:, None] < 0) & (opp_at[:, codes] < 0)
            ripe &= cool[:, codes] <= 5
            if need:
                ripe &= bud[:, None]
            got = ripe_pairs(
                users_ev, codes, threshold, tpu, agreement_at, opp_at, cool, 5, bud, need
            )
            want = np.nonzero(ripe.T)
            assert all(np.array_equal(g, w) for g, w in zip(got, want, strict=True))


@pytest.mark.parametrize("shape", [(40,), (8, 5)])
def test_wear_down_equals_the_whole_array_expression(shape):
    rng = np.random.default_rng(5)
    values = rng.random(shape)
    hits = rng.integers(0, values.size, 60)  # some indices hit several times
    want = values * 0.93 ** np.bincount(hits, minlength=values.size).reshape(shape)
    got = values.copy()
    wear_down(got, hits, 0.93)
    assert got.tobytes() == want.tobytes()


def reference_draw_purchasers(model, ent, codes, chance=None):
    """sim.conversion.draw_purchasers as it was (pairs of index arrays), with a chance
    per pair where one is given (purchaser_openness)."""
    p_pair = np.full(len(ent), model.user_is_buyer) if chance is None else chance
    state = model.purchaser[ent, codes]
    new = state == 0
    if new.any():
        yes = model.rng.random(int(new.sum())) < p_pair[new]
        state[new] = np.where(yes, 1, -1)
        model.purchaser[ent[new], codes[new]] = state[new]
    if model.purchaser_per_team:
        teams = model.users_ev[ent, codes] // model.team_plan_users
        drawn = model.purchaser_teams[ent, codes]
        more = np.where(new, teams - 1, teams - drawn)
        retry = (state == -1) & (more > 0)
        if retry.any():
            p = 1.0 - (1.0 - p_pair[retry]) ** more[retry]
            state[retry] = np.where(model.rng.random(int(retry.sum())) < p, 1, -1)
            model.purchaser[ent[retry], codes[retry]] = state[retry]
        model.purchaser_teams[ent, codes] = np.maximum(drawn, teams)
    return state == 1


@pytest.mark.parametrize("per_pair", [False, True], ids=["one chance", "a chance per pair"])
@pytest.mark.parametrize("per_team", [True, False])
def test_draw_purchasers_equals_its_numpy_form(per_team, per_pair):
    rng = np.random.default_rng(11)
    for trial in range(30):
        purchaser = rng.choice(np.array([-1, 0, 1], dtype=np.int8), (N_ENT, 7))
        teams = rng.integers(0, 4, (N_ENT, 7)).astype(np.int32)
        users_ev = rng.integers(0, 40, (N_ENT, 7))
        flat = rng.choice(N_ENT * 7, int(rng.integers(0, 25)), replace=False)
        ent, codes = np.divmod(flat, 7)
        models = [
            types.SimpleNamespace(
                purchaser=purchaser.copy(),
                purchaser_teams=teams.copy(),
                users_ev=users_ev,
                rng=np.random.default_rng(trial),
                user_is_buyer=0.3,
                purchaser_openness=0.0,
                purchaser_per_team=per_team,
                team_plan_users=5,
            )
            for _ in range(2)
        ]
        chance = rng.random(len(ent)) if per_pair else None
        got = draw_purchasers(models[0], ent, codes, chance)
        want = reference_draw_purchasers(models[1], ent, codes, chance)
        a, b = models
        assert np.array_equal(got, want)
        assert np.array_equal(a.purchaser, b.purchaser)
        assert np.array_equal(a.purchaser_teams, b.purchaser_teams)
        assert a.rng.random() == b.rng.random()  # same number of uniforms drawn


# -- array-backed vendor state -------------------------------------------------------


def small_model() -> MarketModel:
    model = MarketModel(rng=2, n_enterprises=10, n_vendors=4)
    model.step()
    return model


def objects_trait(model, attr, dtype=np.float64):
    return np.array([getattr(v, attr) for v in model.vendor_list], dtype=dtype)


def test_trait_arrays_follow_every_change():
    model = small_model()
    first = model.vendor_traits("quality")
    assert np.array_equal(first, objects_trait(model, "quality"))
    first[:] = -1.0  # a caller writing into its array changes nobody else's
    assert np.array_equal(model.vendor_traits("quality"), objects_trait(model, "quality"))
    model.vendor_list[2].quality = 0.123  # a workshop team's decision
    model.vendor_list[1].seat_price = 9.0
    assert model.vendor_traits("quality")[2] == 0.123
    assert model.vendor_traits("seat_price")[1] == 9.0
    assert model.alive_vendors() == model.alive_vendors() == model.vendor_list  # built, kept
    model.vendor_list[0].alive = False  # an exit
    assert not model.vendor_traits("alive", bool)[0]
    assert model.alive_vendors() == model.vendor_list[1:]
    model.alive_vendors().clear()  # a caller changing its list changes nobody else's
    model.add_vendor("direct")  # an entrant
    assert model.alive_vendors() == model.vendor_list[1:]
    for name in ("quality", "seat_price", "qualification", "warm_intro_share"):
        assert np.array_equal(model.vendor_traits(name), objects_trait(model, name))
    assert np.array_equal(
        model.vendor_traits("touches_total"), objects_trait(model, "touches_total")
    )


def test_every_vendor_trait_is_cached():
    assert set(VENDOR_TRAITS) <= set(CACHED)


def test_reps_follow_hires_losses_and_replaced_cohorts():
    model = small_model()
    vendor = model.vendor_list[0]
    rng = np.random.default_rng(0)
    for step in range(60):
        action = rng.integers(0, 4)
        if action == 0:
            vendor.hire(int(rng.integers(0, 5)), step)
        elif action == 1:
            vendor.lose_reps(int(rng.integers(0, 4)), rng)
        elif action == 2 and rng.random() < 0.2:
            vendor.rep_cohorts = [[step, int(rng.integers(1, 3))]] if rng.random() < 0.5 else []
        else:
            vendor.hire(1, step)
        assert vendor.reps == sum(c for _, c in vendor.rep_cohorts)
    vendor.strategy = "bottoms_up"
    assert vendor.strategy == "bottoms_up" and vendor.tactic is TACTICS["bottoms_up"]
    with pytest.raises(ValueError, match="unknown strategy"):
        vendor.strategy = "nope"


def test_responses_equal_the_numpy_steps():
    rng = np.random.default_rng(13)
    committee = rng.integers(1, 6, N_ENT)
    offset = np.concatenate([[0], np.cumsum(committee)[:-1]])
    for _ in range(20):
        n = int(rng.integers(0, 200))
        ent, ven = rng.integers(0, N_ENT, n), rng.integers(0, 6, n)
        u = rng.random((3, n))
        if n >= 2:
            u[:, :2] = [0.0, 1.0 - 2**-53]  # the ends of [0, 1)
        share, receptivity = rng.random(6), rng.random(int(committee.sum())) * 1.5
        holder = np.where(rng.random(N_ENT) < 0.5, rng.integers(0, 6, N_ENT), -1)
        beyond = (holder >= 0) & (rng.random(N_ENT) < 0.6)
        buyer = offset[ent] + (u[0] * committee[ent]).astype(np.int64)
        warm = u[1] < share[ven]
        p_respond = np.minimum(1.0, receptivity[buyer] * np.where(warm, 2.5, 1.0))
        if n >= 3:
            u[2, 2] = p_respond[2] if p_respond[2] < 1.0 else u[2, 2]  # a tie: no response
        responded = u[2] < p_respond
        opens = responded & ~(beyond[ent] & (holder[ent] != ven))
        got = responses(ent, ven, *u, offset, committee, share, 2.5, receptivity, holder, beyond)
        for g, w in zip(got, (buyer, responded, opens, warm), strict=True):
            assert np.array_equal(g, w)


def test_willing_pairs_equal_the_numpy_demand_curve():
    rng = np.random.default_rng(17)
    size = rng.integers(0, 40, N_ENT)  # 0: the max(size, 1) guard
    value = np.exp(0.5 * rng.standard_normal(N_ENT))
    users_ev = rng.integers(0, 60, (N_ENT, 5))  # users above size: share capped at 1
    quality, price = rng.random(5), rng.random(5) * 80
    for _ in range(20):
        n = int(rng.integers(0, 60))
        ent, ven = rng.integers(0, N_ENT, n), rng.integers(0, 5, n)
        share = np.minimum(users_ev[ent, ven] / np.maximum(size[ent], 1), 1.0)
        worth = 40.0 * quality[ven] * value[ent] * (1.0 + 0.7 * share)
        if n:
            price[ven[0]] = worth[0]  # a tie: willing (price at most the worth)
        got = willing_pairs(ent, ven, price, quality, users_ev, size, value, 40.0, 0.7)
        assert np.array_equal(got, price[ven] <= worth)
