"""The compiled passes of mechanisms 3 to 5 and the tables they read (sim/compiled_touches.py,
sim/compiled_pipeline.py, sim/compiled_purchasers.py, sim/deal_tables.py; draw_purchasers is
checked against its numpy form in tests/test_compiled_deals.py).

Each pass must give exactly (bit for bit, same order) what the numpy code it replaced
gave on the same inputs; that numpy code is kept here as the reference (as in
tests/test_compiled_deals.py). Whole runs are checked by tests/test_bit_identical.py;
these add the cases small golden markets rarely reach: a seller with no weight, a buyer
touched many times, a brand worn down, a pair touched twice, a pair with an opportunity
open already, powers far up their tables.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.compiled_deals import responses, touch_weights
from sim.compiled_pipeline import paced, pipeline_arguments, pipeline_week
from sim.compiled_purchasers import buyers
from sim.compiled_touches import seller_targets, touch_week
from sim.deal_tables import opening_hazards, powers
from sim.demand import willing
from sim.kernels import sample_by_column
from sim.model import MarketModel
from sim.selling import stage_hazard, wear_down, win_probability, with_leaders_edge
from sim.tables import STAGES

N_ENT, CAP = 24, 8
NAMES = ["codes", "lam", "holder", "beyond", "weights", "has"]


class FixedUniforms:
    """A stand-in generator that hands out given uniforms (what the caller drew)."""

    def __init__(self, values):
        self.values = values

    def random(self, n):
        assert n == len(self.values)
        return self.values


@given(
    base=st.floats(0.0, 1.0, allow_nan=False) | st.sampled_from([0.5, 0.95, 1 - 1e-9, 0.3]),
    counts=st.lists(st.integers(0, 3000), min_size=1, max_size=60),
)
@settings(max_examples=60, deadline=None)
def test_power_tables_are_numpys_powers(base, counts):
    counts = np.array(counts, dtype=np.int64)
    table = powers(base, int(counts.max()) + 1)
    assert table[counts].tobytes() == (base**counts).tobytes()
    assert powers(base, 3) is table  # kept while the base is the same


def test_opening_hazards_are_stage_hazards_of_any_subset():
    model = MarketModel.from_scenario("default", rng=2, n_enterprises=40)
    rng = np.random.default_rng(0)
    for speedup, elasticity in ((2.0, 0.2), (3.5, 0.2), (3.5, 0.73)):
        model.inbound_speedup, model.cycle_size_elasticity = speedup, elasticity
        outbound, inbound = opening_hazards(model)
        for _ in range(10):
            ent = rng.integers(0, 40, int(rng.integers(1, 30)))
            hazard = stage_hazard(model, ent)
            assert outbound[ent].tobytes() == np.minimum(1.0, hazard * 1.0).tobytes()
            assert inbound[ent].tobytes() == np.minimum(1.0, hazard * speedup).tobytes()


def reference_targets(
    sellers,
    active,
    pvendor,
    agreement_at,
    cvendor,
    renew_at,
    step,
    window,
    sizes,
    users_ev,
    factor,
    cool,
    budget_week,
):
    """sim.selling.outbound_touches before its touches were drawn, as it was in numpy."""
    codes = sellers[:, 0].astype(np.int64)
    open_now = np.bincount(pvendor[np.flatnonzero(active)], minlength=users_ev.shape[1])[codes]
    spare = np.maximum(0.0, 1.0 - open_now / sellers[:, 1])
    lam = sellers[:, 3] * sellers[:, 2] * spare
    holder = np.full(len(agreement_at), -1, dtype=np.int64)
    has = agreement_at >= 0
    holder[has] = cvendor[agreement_at[has]]
    beyond = has.copy()
    beyond[has] = renew_at[agreement_at[has]] - step > window
    weights = touch_weights(
        sizes,
        users_ev[:, codes],
        sellers[:, 4].copy(),
        codes,
        holder,
        beyond,
        factor,
        cool[:, codes],
        step,
        budget_week <= step,
    )
    return codes, lam, holder, beyond, weights, ~(weights.sum(axis=0) <= 0)


def target_inputs(rng, n_sel):
    n_pipe, n_contracts = int(rng.integers(4, 60)), 30
    codes = rng.permutation(CAP)[:n_sel]
    sellers = np.column_stack(
        [
            codes,
            rng.integers(1, 20, n_sel),
            rng.random(n_sel) * 4,
            rng.integers(0, 200, n_sel),
            rng.choice([1.0, 10.0], n_sel),
        ]
    ).astype(np.float64)
    sellers[0, 1] = 2  # a full seller: open opportunities above its capacity
    active = rng.random(n_pipe) < 0.6
    pvendor = np.concatenate([np.full(4, codes[0]), rng.integers(0, CAP, n_pipe - 4)])[:n_pipe]
    agreement_at = np.where(rng.random(N_ENT) < 0.4, rng.integers(0, n_contracts, N_ENT), -1)
    cvendor = rng.integers(0, CAP, n_contracts).astype(np.int32)
    renew_at = rng.integers(0, 40, n_contracts).astype(np.int32)
    users_ev = rng.integers(0, 3, (N_ENT, CAP)) * (rng.random((N_ENT, CAP)) < 0.5)
    cool = rng.integers(0, 25, (N_ENT, CAP)).astype(np.int32)
    budget_week = rng.integers(0, 30, N_ENT)
    if n_sel > 1:  # a seller with no weight anywhere: a cool-off everywhere
        cool[:, codes[1]] = 100
    return (
        sellers,
        active,
        pvendor.astype(np.int32),
        agreement_at,
        cvendor,
        renew_at,
        20,
        13,
        rng.integers(1, 400, N_ENT),
        users_ev,
        float(rng.random()),
        cool,
        budget_week,
    )


@pytest.mark.parametrize("n_sel", [1, 2, 5])
def test_seller_targets_are_the_numpy_steps(n_sel):
    rng = np.random.default_rng(n_sel)
    for trial in range(20):
        args = target_inputs(rng, n_sel)
        got, want = seller_targets(*args), reference_targets(*args)
        for name, g, w in zip(NAMES, got, want, strict=True):
            assert g.dtype == w.dtype and g.tobytes() == w.tobytes(), (trial, name)


def reference_week(
    weights,
    n_touch,
    u,
    codes,
    offset,
    committee,
    share,
    boost,
    receptivity,
    keep,
    holder,
    beyond,
    brand,
    brand_keep,
    opp_at,
):
    """sim.selling.outbound_touches from its touches on, as it was in numpy (in place)."""
    n = int(n_touch.sum())
    ent, col = sample_by_column(FixedUniforms(u[:n]), weights, n_touch)
    ven = codes[col]
    buyer, responded, opens, warm = responses(
        ent,
        ven,
        u[n : 2 * n],
        u[2 * n : 3 * n],
        u[3 * n :],
        offset,
        committee,
        share,
        boost,
        receptivity,
        holder,
        beyond,
    )
    wear_down(receptivity, buyer, keep)
    if brand.size:
        wear_down(brand, ent * brand.shape[1] + ven, brand_keep)
    flat = ent[opens] * opp_at.shape[1] + ven[opens]
    pairs = np.unique(flat)
    warm_pairs = np.unique(flat[warm[opens]])  # a pair is warm if any touch opening it was
    e, v = np.divmod(pairs, opp_at.shape[1])
    free = opp_at[e, v] < 0
    return (
        int(np.count_nonzero(responded)),
        e[free],
        v[free],
        np.isin(pairs, warm_pairs)[free],
    )


@pytest.mark.parametrize("erode", [False, True])
def test_touch_week_is_the_numpy_steps(erode):
    rng = np.random.default_rng(int(erode))
    committee = rng.integers(1, 4, N_ENT)
    offset = np.concatenate([[0], np.cumsum(committee)[:-1]])
    for trial in range(30):
        n_sel = int(rng.integers(1, 5))
        codes = rng.permutation(CAP)[:n_sel].astype(np.int64)
        weights = rng.random((N_ENT, n_sel)) * (rng.random((N_ENT, n_sel)) < 0.3)
        weights[: int(rng.integers(0, 3)), 0] = 5.0  # a few heavy rows: buyers touched often
        n_touch = rng.integers(1, 120, n_sel)
        n_touch[weights.sum(axis=0) <= 0] = 0
        n = int(n_touch.sum())
        if not n:
            continue
        u = rng.random(4 * n)
        u[:2] = [0.0, 1.0 - 2**-53]  # the ends of [0, 1)
        share = rng.random(CAP)
        receptivity = rng.random(int(committee.sum())) * 1.2
        holder = np.where(rng.random(N_ENT) < 0.4, rng.integers(0, CAP, N_ENT), -1)
        beyond = (holder >= 0) & (rng.random(N_ENT) < 0.5)
        brand = rng.random((N_ENT, CAP)) if erode else np.ones((0, 0))
        opp_at = np.where(rng.random((N_ENT, CAP)) < 0.2, rng.integers(0, 3, (N_ENT, CAP)), -1)
        keep, brand_keep = float(rng.choice([0.5, 0.97])), 0.9
        fixed = (weights, n_touch, u, codes, offset, committee, share, 2.5)
        mine, theirs = (receptivity.copy(), brand.copy()), (receptivity.copy(), brand.copy())
        got = touch_week(
            *fixed,
            mine[0],
            powers(keep, n + 1),
            holder,
            beyond,
            mine[1],
            powers(brand_keep, n + 1),
            opp_at,
        )
        want = reference_week(
            *fixed, theirs[0], keep, holder, beyond, theirs[1], brand_keep, opp_at
        )
        assert got[0] == want[0], trial
        assert all(np.array_equal(g, w) for g, w in zip(got[1:], want[1:], strict=True)), trial
        assert mine[0].tobytes() == theirs[0].tobytes(), trial
        assert mine[1].tobytes() == theirs[1].tobytes(), trial


_SIGNATURES = """
import json
from sim import compiled_contracts, compiled_pipeline, compiled_purchasers, compiled_touches
from sim.model import MarketModel

def signatures():
    return {
        f"{m.__name__}.{n}": len(f.signatures)
        for m in (compiled_contracts, compiled_pipeline, compiled_purchasers, compiled_touches)
        for n, f in vars(m).items()
        if hasattr(f, "signatures") and not n.startswith("_")  # (inner loops: inlined)
        and f.py_func.__module__ == m.__name__
    }

# building a market warms the passes up; runs with reps, touches, deals, renewals and brand
# erosion must then compile nothing
models = [
    MarketModel.from_scenario("default", rng=5, n_enterprises=25),
    MarketModel.from_scenario("default", rng=6, n_enterprises=20, brand_erosion=0.05),
]
before = signatures()
for model in models:
    for _ in range(60):  # past the first renewals (52 weeks)
        model.step()
print(json.dumps([before, signatures()]))
"""


def test_warm_up_compiles_what_a_run_calls():
    """In a fresh process, a run after warm-up compiles none of these passes in a step."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", _SIGNATURES], capture_output=True, text=True, env=env, check=True
    )
    before, after = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(before) >= 2 and all(before.values()), before
    assert after == before


def reference_pipeline(model, u):
    """sim.selling.advance_pipeline up to its draw of wins, as it was in numpy (in place)."""
    pipe = model.pipeline
    ids = pipe.active_ids()
    moved = ids[u < pipe.hazard[ids]]
    pipe.stage[moved] += 1
    stage = pipe.stage[moved]
    bar = model.vendor_traits("qualification")[pipe.vendor[moved]]
    entering = (stage == 1) & ~pipe.inbound[moved]
    dropped_now = entering & (pipe.effort[moved] < bar)
    if model.seat_value > 0 and entering.any():
        at = moved[entering]
        dropped_now[entering] |= ~willing(model, pipe.enterprise[at], pipe.vendor[at])
    dropped = moved[dropped_now]
    model.close_opportunities(dropped)
    done = moved[stage == len(STAGES)]
    model.close_opportunities(done)
    e, v = pipe.enterprise[done], pipe.vendor[done]
    return len(moved), len(dropped), e, v, win_probability(model, e, v, pipe.effort[done])


PIPELINE_CASES = [
    {},
    {"seat_value": 0.0},
    {"committee_drag": 0.3, "committee_size": 9, "champion_boost": 2.0},
    {"effort_win_weight": 0.9, "displacement_win_factor": 0.7, "qualification": 0.6},
]


@pytest.mark.parametrize("params", PIPELINE_CASES)
def test_pipeline_week_is_the_numpy_steps(params):
    """Two copies of a market (one seed), one week of pipeline each way, on one set of
    uniforms: the same moves, drops, closes, chances of a win and pipeline afterwards.
    Stages, efforts, users and agreements are shuffled first (and a vendor's quality set
    to 0) so that every branch is taken."""
    taken = np.zeros(3, dtype=np.int64)  # moved, dropped, closed: over the seeds
    for seed in range(8):
        mine, theirs = (
            MarketModel.from_scenario("default", rng=seed, n_enterprises=60, **params)
            for _ in range(2)
        )
        for model in (mine, theirs):
            for _ in range(40):
                model.step()
        rng = np.random.default_rng(seed)
        n = mine.pipeline.n
        stage, effort = rng.integers(0, 4, n).astype(np.int8), rng.random(n)
        bar = mine.vendor_traits("qualification")[mine.pipeline.vendor]
        effort[::5] = bar[::5]  # at the bar exactly: qualified (dropped only below it)
        users = rng.integers(0, 3, mine.users_ev.shape)  # 1 user: a champion
        n_ent = len(mine.agreement_at)  # the market built, firms still to be founded included
        held = np.where(rng.random(n_ent) < 0.7, rng.integers(0, mine.contracts.n, n_ent), -1)
        held[:3] = 0  # the first contract ever holds an agreement
        for model in (mine, theirs):
            model.pipeline.stage[:], model.pipeline.effort[:] = stage, effort
            model.users_ev[:], model.agreement_at[:] = users, held
            model.vendor_list[seed].quality = 0.0  # an incumbent of quality 0
        ids = mine.pipeline.active_ids()
        u = rng.random(len(ids)) * 2.0 * mine.pipeline.hazard[ids]  # about half move
        u[:2] = [0.0, mine.pipeline.hazard[ids[1]]]  # a tie does not move
        want = reference_pipeline(theirs, u)
        got = pipeline_week(*pipeline_arguments(mine, mine.pipeline.active_ids(), u, len(STAGES)))
        assert got[:2] == want[:2]
        taken += (got[0], got[1], len(got[4]))
        assert np.array_equal(got[2], want[2]) and np.array_equal(got[3], want[3])
        # the leader's edge is applied after the compiled pass, as advance_pipeline does
        assert with_leaders_edge(mine, got[4], got[3]).tobytes() == want[4].tobytes()
        for col in ("stage", "active"):
            assert np.array_equal(getattr(mine.pipeline, col), getattr(theirs.pipeline, col))
        assert np.array_equal(mine.opp_at, theirs.opp_at)
    assert taken.all(), taken


@pytest.mark.parametrize("seat_value", [0.0, 40.0])
def test_buyers_are_the_numpy_masks(seat_value):
    """sim.contracting's buying pairs as they were: eligible & (u < rate) & willing."""
    rng = np.random.default_rng(int(seat_value))
    size, value = rng.integers(0, 40, N_ENT), np.exp(0.5 * rng.standard_normal(N_ENT))
    users_ev = rng.integers(0, 60, (N_ENT, CAP))
    quality, price = rng.random(CAP), rng.random(CAP) * 80
    model = types.SimpleNamespace(
        seat_value=seat_value,
        usage_value=0.7,
        users_ev=users_ev,
        population=types.SimpleNamespace(ent_size=size, ent_value=value),
        vendor_traits=lambda name: {"seat_price": price, "quality": quality}[name],
    )
    for _ in range(30):
        n = int(rng.integers(0, 40))
        ent, ven = rng.integers(0, N_ENT, n), rng.integers(0, CAP, n)
        eligible, u = rng.random(n) < 0.7, rng.random(n)
        u[:1] = 0.4  # a tie: does not buy (u < rate)
        want = eligible & (u < 0.4) & willing(model, ent, ven)
        got = buyers(
            eligible, u, 0.4, ent, ven, price, quality, users_ev, size, value, seat_value, 0.7
        )
        assert np.array_equal(got, np.flatnonzero(want))


@given(seed=st.integers(0, 10**6), weight=st.sampled_from([0.3, 2 / 3, 0.9, 1.5]))
@settings(max_examples=100, deadline=None)
def test_paced_is_the_numpy_expression(seed, weight):
    """sim.selling.paced_hazard's deals, compiled: numpy's floats bit for bit, capped at 1
    as np.minimum caps (a NaN stays NaN)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 50))
    hazard, effort = rng.random(n) * 1.5, rng.random(n)
    if n:
        hazard[0] = np.nan
    mean_stay = np.log(1.0 + weight) / (2.0 * weight)  # a numpy float, as the caller's
    want = np.minimum(1.0, hazard * (1.0 + weight * (2.0 * effort - 1.0)) * mean_stay)
    got = paced(hazard, effort, float(weight), float(mean_stay))
    assert got.dtype == want.dtype and np.array_equal(got, want, equal_nan=True)
    assert np.array_equal(np.signbit(got), np.signbit(want))
