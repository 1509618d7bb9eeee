"""The compiled passes (sim/compiled.py) against the numpy expressions they replaced.

Each loop must give exactly (bit for bit, same order) what the numpy code gave on
the same inputs, so that a seed's results do not change (the golden outputs,
tests/test_bit_identical.py, check whole runs; these check each loop on inputs the
small golden markets rarely produce: isolated users, invitees of two workspaces,
neighbours touched twice by an update, a product's weight that returns to zero).
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

from sim import compiled
from sim.csr import gather_rows
from tests import compiled_reference

N, N_ENT, CODES = 400, 12, 5


def network(rng: np.random.Generator, n: int = N) -> sp.csr_array:
    """A symmetric random graph with some isolated employees, int32 indices as the model's."""
    a = sp.random_array((n, n), density=0.02, rng=rng, format="csr")
    a = ((a + a.T) > 0).astype(np.float64)
    a.setdiag(0)
    a.eliminate_zeros()
    a = sp.csr_array(a)
    a.indptr = a.indptr.astype(np.int32)
    a.indices = a.indices.astype(np.int32)
    return a


@pytest.fixture
def world():
    rng = np.random.default_rng(7)
    adj = network(rng)
    product = rng.integers(-1, CODES, N).astype(np.int32)
    enterprise = np.sort(rng.integers(0, N_ENT, N)).astype(np.int32)
    return rng, adj, product, enterprise


def test_user_counts_are_numpys_bincount(world):
    _, _, product, enterprise = world
    width = CODES + 1
    keys = enterprise.astype(np.int64) * width + 1 + product
    expected = np.bincount(keys, minlength=N_ENT * width).reshape(N_ENT, width)[:, 1:]
    got = compiled.count_users(enterprise, product, N_ENT, CODES)
    assert got.dtype == np.int64 and np.array_equal(got, expected)


def test_churn_is_the_numpy_rule(world):
    rng, adj, product, _ = world
    quality = rng.random(CODES)
    collaborative = np.array([True, False, True, False, True])
    users = np.flatnonzero(product >= 0)
    assert np.array_equal(compiled.users_of(product), users)
    u = rng.random(len(users))
    # the numpy rule of sim.kernels.user_churn before it was compiled
    v = product[users]
    p = 0.3 * (1.0 - quality[v])
    collab = collaborative[v]
    team = users[collab]
    owner, nbr = gather_rows(adj, team)
    k_same = np.bincount(owner[product[nbr] == product[team][owner]], minlength=len(team))
    degree = np.diff(adj.indptr)[team]
    share = np.divide(k_same, degree, out=np.zeros(len(team)), where=degree > 0)
    p[collab] *= 1.0 - share
    expected = users[u < p]
    got = compiled_reference.churned_users(
        users, u, product, adj.indptr, adj.indices, 0.3, quality, collaborative
    )
    assert len(expected) > 10 and np.array_equal(got, expected)


def test_candidates_and_freemium_counts_are_the_numpy_masks(world):
    rng, _, product, enterprise = world
    on_prem = rng.random(N_ENT) < 0.3
    expected = np.flatnonzero((product == -1) & ~on_prem[enterprise])
    assert np.array_equal(compiled.self_serve_candidates(product, enterprise, on_prem), expected)

    mandated, paid = rng.random(N) < 0.3, rng.random(N) < 0.3
    holder = rng.integers(-1, CODES, N_ENT)
    kind = np.where(holder >= 0, rng.integers(0, 3, N_ENT), -1).astype(np.int8)
    free = (product >= 0) & ~mandated
    own = free & (holder[enterprise] == product)
    k = kind[enterprise]
    counted = free & ~(own & (k == 2))
    n_paid = counted & (paid | (own & (k == 1)))
    got = compiled_reference.freemium_counts(
        product, mandated, paid, enterprise, holder, kind, 2, 1
    )
    users = np.count_nonzero(product >= 0)
    assert got == (np.count_nonzero(counted), np.count_nonzero(n_paid), users)


def test_exposure_update_adds_what_bincount_added(world):
    rng, adj, product, _ = world
    by_code = np.concatenate([[0.0], rng.random(CODES) * 0.3])
    w_old = by_code[product + 1]
    sums = adj @ w_old
    new_product = product.copy()
    flip = rng.random(N) < 0.2
    new_product[flip] = rng.integers(-1, CODES, flip.sum())
    w, changed = compiled.product_weights(new_product, by_code, w_old)
    assert np.array_equal(w, by_code[new_product + 1])
    assert np.array_equal(changed, np.flatnonzero(w != w_old))
    kept = w_old.copy()  # updated in place: the same ids, and each change as w - w_old
    in_place, delta = compiled.update_weights(new_product, by_code, kept)
    assert np.array_equal(kept, w) and np.array_equal(in_place, changed)
    assert np.array_equal(delta, w[changed] - w_old[changed])
    assert compiled.changed_edges(adj.indptr, changed) == int(np.diff(adj.indptr)[changed].sum())
    owner, nbr = gather_rows(adj, changed)
    expected = sums + np.bincount(nbr, weights=(w[changed] - w_old[changed])[owner], minlength=N)
    scratch = np.zeros(N)
    got = sums.copy()
    compiled.add_changes(got, changed, delta, adj.indptr, adj.indices, scratch)
    assert np.array_equal(got, expected)  # bit for bit, not approximately
    assert not scratch.any()  # left as zeros for next week


def test_adoption_bound_is_the_numpy_bound(world):
    rng, *_ = world
    colleague, openness, u = rng.random(N) * 0.01, rng.random(N), rng.random(N) * 0.02
    bound = colleague + openness * 0.004
    bound *= 1.0 + 1e-9
    bound += 1e-9
    expected = np.flatnonzero(u < bound)
    assert 0 < len(expected) < N
    assert np.array_equal(
        compiled_reference.below_bound(colleague, openness, 0.004, u, False), expected
    )
    assert len(compiled_reference.below_bound(colleague, openness, 0.004, u, True)) == N
    assert np.array_equal(compiled_reference.below(u, 0.01), np.flatnonzero(u < 0.01))


def test_invitations_and_joiners_are_the_numpy_rule(world):
    rng, adj, product, _ = world
    product = np.where(rng.random(N) < 0.7, -1, product).astype(np.int32)
    adopters = np.flatnonzero((product == -1) & (rng.random(N) < 0.2))
    products = rng.integers(0, CODES, len(adopters))
    # the numpy rule of MarketModel._invites before it was compiled
    owner, nbr = gather_rows(adj, adopters)
    first = (
        np.bincount(owner, weights=product[nbr] == products[owner], minlength=len(adopters)) == 0
    )
    owner, nbr = gather_rows(adj, adopters[first])
    free = (product[nbr] == -1) & ~np.isin(nbr, adopters)
    owner, nbr = owner[free], nbr[free]
    invitee, product_of = compiled.invitations(adopters, products, product, adj.indptr, adj.indices)
    assert np.array_equal(invitee, nbr)
    assert np.array_equal(product_of, products[first][owner])
    openness = rng.random(N)
    u = rng.random(len(nbr))
    joins = u < np.minimum(1.0, 2.0 * openness[nbr])
    ids, idx = np.unique(nbr[joins], return_index=True)
    assert len(ids) < joins.sum()  # some invitee joins two workspaces: the first counts
    got_ids, got_products = compiled_reference.joiners(invitee, product_of, u, openness, 2.0)
    assert np.array_equal(got_ids, ids)
    assert np.array_equal(got_products, products[first][owner[joins][idx]])


_SIGNATURES = """
import json
from sim import compiled, compiled_deals, user_counts
from sim.model import MarketModel

def signatures():
    return {
        f"{m.__name__}.{n}": len(f.signatures)
        for m in (compiled, compiled_deals, user_counts)
        for n, f in vars(m).items()
        if hasattr(f, "signatures")
    }

# building a market warms every kernel up; a run of the reference model with invites,
# and one of the default market (reps, touches, deals), must then compile nothing
models = [
    MarketModel(rng=3, n_enterprises=15, team_invites=1.0),
    MarketModel.from_scenario("default", rng=5, n_enterprises=25),
]
before = signatures()
for model, weeks in zip(models, (30, 40)):
    for _ in range(weeks):
        model.step()
print(json.dumps([before, signatures()]))
"""


def test_warm_up_compiles_what_a_run_calls():
    """In a fresh process, a run after warm-up compiles nothing: no compile inside a step.

    Covers the per-employee kernels (sim.compiled, sim.user_counts) and the per-deal
    loops (sim.compiled_deals) in one process.
    """
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", _SIGNATURES], capture_output=True, text=True, env=env, check=True
    )
    before, after = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(before) >= 15
    assert all(before.values()), f"warm_up left kernels uncompiled: {before}"
    assert after == before


def test_neighbour_columns_are_numpys_gather_and_bincount(world):
    """Both sides of sim.kernels.neighbour_counts against the numpy gather they replaced,
    with isolated candidates, vendors not counted (column -1) and employees with none."""
    rng, adj, product, _ = world
    column = np.array([1, -1, 0, 2, -1])  # vendors 1 and 4 are not counted
    m = 3
    lookup = np.concatenate([[-1], column])
    keep_ties = np.ones(N)
    keep_ties[:5] = 0.0  # employees 0-4 lose every tie: candidates with no colleague
    adj = sp.csr_array(sp.diags_array(keep_ties) @ adj @ sp.diags_array(keep_ties))
    adj.eliminate_zeros()
    adj.indptr, adj.indices = adj.indptr.astype(np.int32), adj.indices.astype(np.int32)
    product = product.copy()
    product[:5] = -1
    candidates = np.flatnonzero(product < 0)
    owner, nbr = gather_rows(adj, candidates)
    col = lookup[product[nbr] + 1]
    keep = col >= 0
    expected = np.bincount(owner[keep] * m + col[keep], minlength=len(candidates) * m).reshape(
        -1, m
    )
    got = compiled_reference.neighbour_columns(
        candidates, product, lookup, adj.indptr, adj.indices, m
    )
    assert got.dtype == np.int64 and np.array_equal(got, expected)
    column_of = lookup[product + 1]
    users = np.flatnonzero(column_of >= 0)
    from_users = compiled_reference.neighbour_columns_of_users(
        candidates, users, column_of[users], N, adj.indptr, adj.indices, m
    )
    assert np.array_equal(from_users, expected)
