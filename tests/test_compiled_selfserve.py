"""The compiled loops of mechanisms 1-2 (sim/compiled_selfserve.py) against the numpy they replaced.

Each loop must give exactly (bit for bit, same order) what the numpy code gave on the
same inputs, or a seed's results would change (tests/test_bit_identical.py checks whole
runs; these check each loop on inputs the golden markets rarely produce: isolated
candidates, collaborative products below and above the threshold, many colleagues on
one product (large powers), brands below 1, chances above 1, users who churn).
Hypothesis varies the networks, products and traits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import compiled
from sim import compiled_selfserve as loops
from sim.csr import gather_rows
from sim.exposure import ColleagueExposure
from sim.kernels import colleague_powers, self_serve_adoption
from tests import compiled_reference

CODES = 6


def network(rng: np.random.Generator, n: int, density: float) -> sp.csr_array:
    """A symmetric random graph, some employees isolated, int32 indices as the model's."""
    a = sp.random_array((n, n), density=density, rng=rng, format="csr")
    a = ((a + a.T) > 0).astype(np.float64)
    a.setdiag(0)
    a.eliminate_zeros()
    a = sp.csr_array(a)
    a.indptr, a.indices = a.indptr.astype(np.int32), a.indices.astype(np.int32)
    return a


def numpy_churn(users, u, product, adj, rate, quality, collaborative):
    """Mechanism 2 as sim.kernels.user_churn computed it with numpy."""
    v = product[users]
    p = rate * (1.0 - quality[v])
    collab = collaborative[v]
    team = users[collab]
    owner, nbr = gather_rows(adj, team)
    k_same = np.bincount(owner[product[nbr] == product[team][owner]], minlength=len(team))
    degree = np.diff(adj.indptr)[team]
    share = np.divide(k_same, degree, out=np.zeros(len(team)), where=degree > 0)
    p[collab] *= 1.0 - share
    return users[u < p]


def numpy_adoption_rows(ids, u, openness, brand, product, adj, column, rq, vq, collab, threshold):
    """sim.kernels' neighbour counts, ``_stay_matrix``, product of columns, comparison and
    cumulative sum, as numpy computed them before they were compiled."""
    m = len(rq)
    owner, nbr = gather_rows(adj, ids)
    col = column[product[nbr] + 1]
    keep = col >= 0
    k = np.bincount(owner[keep] * m + col[keep], minlength=len(ids) * m).reshape(-1, m)
    a = openness[:, None] * rq[None, :]
    if brand is not None:
        a *= brand
    stay = 1.0 - a
    flat_k = k.reshape(-1)
    pairs = np.flatnonzero(flat_k > 0)
    if len(pairs):
        kk = flat_k[pairs]
        cols = pairs % m
        b = 1.0 - (1.0 - vq)[cols] ** kk
        if collab.any():
            b[collab[cols] & (kk < threshold)] = 0.0
        if brand is not None:
            b *= brand.reshape(-1)[pairs]
        stay.reshape(-1)[pairs] *= 1.0 - b
    stay_all = stay[:, 0].copy()
    for j in range(1, m):
        stay_all *= stay[:, j]
    rows = np.flatnonzero(u < 1.0 - stay_all)
    return rows, np.cumsum(1.0 - stay[rows], axis=1)


def market(seed: int, n: int, density: float, users_share: float):
    rng = np.random.default_rng(seed)
    adj = network(rng, n, density)
    product = np.where(rng.random(n) < users_share, rng.integers(0, CODES, n), -1).astype(np.int32)
    return rng, adj, product


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 120),
    density=st.floats(0.0, 0.3),
    rate=st.floats(0.0, 1.0),
)
def test_churn_is_the_numpy_rule(seed, n, density, rate):
    rng, adj, product = market(seed, n, density, 0.7)
    quality = rng.random(CODES)
    quality[0] = 0.0  # a product whose users all stop at rate 1
    collaborative = rng.random(CODES) < 0.5
    users = np.flatnonzero(product >= 0).astype(np.int64)
    u = rng.random(len(users))
    expected = numpy_churn(users, u, product, adj, rate, quality, collaborative)
    got = loops.churned(users, u, product, adj.indptr, adj.indices, rate, quality, collaborative)
    assert got.dtype == np.int64 and np.array_equal(got, expected)


def test_churn_reads_colleagues_of_a_collaborative_product():
    """Users with many colleagues on their collaborative product stay: the share counts."""
    rng, adj, product = market(3, 300, 0.05, 0.9)
    quality = np.zeros(CODES)
    collaborative = np.ones(CODES, dtype=bool)
    users = np.flatnonzero(product >= 0).astype(np.int64)
    u = rng.random(len(users))
    expected = numpy_churn(users, u, product, adj, 1.0, quality, collaborative)
    assert 0 < len(expected) < np.count_nonzero(u < 1.0)  # the shares kept some
    got = loops.churned(users, u, product, adj.indptr, adj.indices, 1.0, quality, collaborative)
    assert np.array_equal(got, expected)


def test_bound_read_in_place_is_the_bound_of_gathered_arrays():
    rng = np.random.default_rng(5)
    n = 500
    candidates = np.sort(rng.choice(n, 200, replace=False)).astype(np.int64)
    sums, openness = rng.random(n) * 0.01, rng.random(n)
    u = rng.random(200) * 0.02
    bound = sums[candidates] + openness[candidates] * 0.004
    bound *= 1.0 + 1e-9
    bound += 1e-9
    expected = np.flatnonzero(u < bound)
    assert 0 < len(expected) < 200
    empty = np.empty(0, dtype=np.int64)
    got = loops.below_bound_at(sums, candidates, openness, candidates, 0.004, u, False)
    assert np.array_equal(got, expected)
    gathered = loops.below_bound_at(
        sums[candidates], empty, openness[candidates], empty, 0.004, u, False
    )
    assert np.array_equal(gathered, expected)
    everyone = loops.below_bound_at(sums, candidates, openness, candidates, 0.004, u, True)
    assert len(everyone) == 200


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 150),
    density=st.floats(0.0, 0.5),
    users_share=st.floats(0.0, 1.0),
    m=st.integers(1, CODES),
    threshold=st.integers(1, 4),
    with_brand=st.booleans(),
    scale=st.sampled_from([0.05, 1.0, 3.0]),  # 3.0: chances above 1 (every row read)
)
def test_adoption_rows_are_the_numpy_chances(
    seed, n, density, users_share, m, threshold, with_brand, scale
):
    rng, adj, product = market(seed, n, density, users_share)
    vendors = np.sort(rng.choice(CODES, m, replace=False))
    column = np.full(CODES + 1, -1, dtype=np.int64)
    column[vendors + 1] = np.arange(m)
    ids = np.flatnonzero(product < 0).astype(np.int64)
    u = rng.random(len(ids))
    openness = rng.random(len(ids))
    rq = rng.random(m) * 0.3 * scale
    vq = rng.random(m) * scale
    collab = rng.random(m) < 0.5
    brand = rng.random((len(ids), m)) if with_brand else None
    rows, cum = numpy_adoption_rows(
        ids, u, openness, brand, product, adj, column, rq, vq, collab, threshold
    )
    got_rows, got_cum, k_max = loops.adoption_rows(
        ids,
        u,
        openness,
        np.zeros((0, m)) if brand is None else brand,
        product,
        adj.indptr,
        adj.indices,
        column,
        rq,
        colleague_powers(1.0 - vq, n + 1),
        collab,
        threshold,
    )
    assert k_max <= n
    assert np.array_equal(got_rows, rows)
    assert got_cum.shape == cum.shape and np.array_equal(got_cum, cum)  # bit for bit
    draws = rng.random(len(rows))
    expected = np.minimum((cum < (draws * cum[:, -1])[:, None]).sum(axis=1), m - 1)
    assert np.array_equal(loops.pick_vendors(got_cum, draws), expected)


def test_many_colleagues_take_numpys_power():
    """A candidate in a clique of users: powers up to 60, for many viralities. The C
    library's ``pow`` (what a compiled ``**`` calls) differs from numpy's power in the
    last bit of some of them; the table keeps numpy's."""
    n = 61
    adj = sp.csr_array(np.ones((n, n)) - np.eye(n))
    adj.indptr, adj.indices = adj.indptr.astype(np.int32), adj.indices.astype(np.int32)
    product = np.zeros(n, dtype=np.int32)
    product[0] = -1
    column = np.array([-1, 0], dtype=np.int64)
    args = (np.array([0]), np.zeros(1), np.array([0.3]), np.zeros((0, 1)), product, adj.indptr)
    rq, collab = np.array([0.01]), np.zeros(1, bool)
    for vq in np.random.default_rng(2).random((40, 1)) * 0.1:
        short = colleague_powers(1.0 - vq, 60)
        assert loops.adoption_rows(*args, adj.indices, column, rq, short, collab, 1)[2] == 60
        powers = colleague_powers(1.0 - vq, 61)
        _, cum, k_max = loops.adoption_rows(*args, adj.indices, column, rq, powers, collab, 1)
        # numpy's power of an int64 exponent, as sim.kernels computed the colleague hazard
        power = ((1.0 - vq) ** np.array([60]))[0]
        stay = (1.0 - 0.3 * 0.01) * (1.0 - (1.0 - power))
        assert k_max == 60 and cum[0, 0] == 1.0 - stay


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), team_invites=st.floats(0.0, 3.0))
def test_joiners_follow_the_adopters_as_joiners_and_concatenate_gave_them(seed, team_invites):
    """Invitees of two workspaces (the first passing one counts), some who decline,
    none at all: the adopters, then each joiner once, ascending, as before."""
    rng, adj, product = market(seed, 200, 0.05, 0.3)
    free = np.flatnonzero(product < 0)
    adopters = np.sort(rng.choice(free, min(15, len(free)), replace=False)).astype(np.int64)
    products = rng.integers(0, CODES, len(adopters)).astype(np.int64)
    invitee, product_of = compiled.invitations(adopters, products, product, adj.indptr, adj.indices)
    openness = rng.random(200)
    u = rng.random(len(invitee))
    joined, joined_product = compiled_reference.joiners(
        invitee, product_of, u, openness, team_invites
    )
    ids, out = loops.with_joiners(
        adopters, products, invitee, product_of, u, openness, team_invites
    )
    assert np.array_equal(ids, np.concatenate([adopters, joined]))
    assert np.array_equal(out, np.concatenate([products, joined_product]))
    assert ids.dtype == out.dtype == np.int64


def test_applied_changes_are_the_numpy_writes():
    """Sign-ups and churn written as the model wrote them with numpy: products, start
    weeks, seats of the enterprise's agreement (some held by the adopter's product,
    some by a rival's, some by none), cleared seats and payments."""
    rng = np.random.default_rng(8)
    n, n_ent = 400, 12
    enterprise = np.sort(rng.integers(0, n_ent, n)).astype(np.int32)
    product = np.where(rng.random(n) < 0.5, rng.integers(0, CODES, n), -1).astype(np.int32)
    since = rng.integers(-1, 50, n).astype(np.int32)
    mandated, paid = rng.random(n) < 0.3, rng.random(n) < 0.3
    contract_vendor = rng.integers(0, CODES, 20).astype(np.int32)
    agreement_at = np.where(rng.random(n_ent) < 0.7, rng.integers(0, 20, n_ent), -1)
    free = np.flatnonzero(product < 0)
    adopters = np.sort(rng.choice(free, 60, replace=False)).astype(np.int64)
    products = rng.integers(0, CODES, 60).astype(np.int64)
    churned = np.flatnonzero((product >= 0) & (rng.random(n) < 0.3)).astype(np.int64)
    state = [a.copy() for a in (product, since, mandated, paid)]
    # the numpy writes of MarketModel._self_serve_phase before they were compiled
    expected = [a.copy() for a in state]
    e_product, e_since, e_mandated, e_paid = expected
    e_product[adopters] = products
    e_since[adopters] = 77
    holder = np.full(n_ent, -1, dtype=np.int64)
    holder[agreement_at >= 0] = contract_vendor[agreement_at[agreement_at >= 0]]
    e_mandated[adopters] = holder[enterprise[adopters]] == products
    e_gone = e_product[churned]
    e_product[churned] = -1
    e_mandated[churned] = False
    e_paid[churned] = False
    assert 0 < e_mandated[adopters].sum() < len(adopters)
    product, since, mandated, paid = state
    gone = loops.apply_changes(
        adopters, products, churned, product, since, mandated, paid, enterprise,
        agreement_at, contract_vendor, 77, -1,
    )  # fmt: skip
    assert np.array_equal(gone, e_gone)
    for got, want in zip(state, expected, strict=True):
        assert got.dtype == want.dtype and np.array_equal(got, want)


@pytest.mark.parametrize("brand_erosion", [False, True])
def test_adoption_by_employee_draws_what_per_candidate_arrays_draw(brand_erosion):
    """The model's call (openness and brand rows read by employee id, running sums read
    in place) adopts whom the per-candidate call adopts, week after week."""
    rng, adj, start = market(9, 2500, 0.005, 0.05)
    n = len(start)
    enterprise = np.sort(rng.integers(0, 30, n))
    openness = rng.random(n)
    vendors = np.array([0, 2, 3, 5])
    kwargs = dict(
        adjacency=adj,
        vendors=vendors,
        reach=np.full(4, 0.01),
        quality=rng.random(4),
        virality=rng.random(4) * 0.05,
        collaborative=np.array([False, True, False, False]),
        adoption_threshold=2,
        n_vendor_codes=CODES,
        brand=rng.random((30, 4)) if brand_erosion else None,
    )
    runs = []
    for by_employee in (False, True):
        product = start.copy()
        draws = np.random.default_rng(1)
        kept = ColleagueExposure(adj)
        history = []
        for _ in range(30):
            candidates = np.flatnonzero(product < 0)
            who, what = self_serve_adoption(
                draws,
                candidates=candidates,
                product=product,
                openness=openness if by_employee else openness[candidates],
                brand_row=enterprise if by_employee else enterprise[candidates],
                by_employee=by_employee,
                exposure=kept,
                **kwargs,
            )
            product[who] = what
            product[np.flatnonzero(product >= 0)[::29]] = -1  # some churn
            history.append((who, what))
        runs.append(history)
    assert sum(len(who) for who, _ in runs[0]) > 50
    for (a, pa), (b, pb) in zip(*runs, strict=True):
        assert np.array_equal(a, b) and np.array_equal(pa, pb)


_SIGNATURES = """
import json
from sim import compiled_selfserve, compiled_skips
from sim.model import MarketModel

def signatures():
    loops = {**vars(compiled_selfserve), **vars(compiled_skips)}  # and the skips they call
    return {n: len(f.signatures) for n, f in loops.items() if hasattr(f, "signatures")}

# the default market, and one with brand erosion, a collaborative product and invites
models = [
    MarketModel.from_scenario("default", rng=5, n_enterprises=25),
    MarketModel(rng=3, n_enterprises=15, brand_erosion=0.2, collaborative=True, team_invites=1.0),
]
before = signatures()
for model in models:
    for _ in range(40):
        model.step()
print(json.dumps([before, signatures()]))
"""


def test_warm_up_compiles_what_a_run_calls():
    """In a fresh process, the model's build compiles every loop here, and a run then
    compiles nothing more (no compile inside a step)."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", _SIGNATURES], capture_output=True, text=True, env=env, check=True
    )
    before, after = json.loads(out.stdout.strip().splitlines()[-1])
    names = {"churned", "below_bound_at", "adoption_rows", "pick_vendors", "apply_changes"}
    skips = {"churned_by_skips", "uniforms_below", "successes", "next_trial"}
    assert set(before) == names | {"with_joiners"} | skips
    assert all(before.values()), f"warm_up left loops uncompiled: {before}"
    assert after == before
