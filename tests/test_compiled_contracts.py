"""The per-contract loops (sim/compiled_contracts.py) against the numpy code they replaced.

Rollouts (a won deal's, a renewal's expansion) and the challenger at a renewal; whole runs
are checked by tests/test_bit_identical.py. These add the edges: a uniform equal to the
share, an enterprise with nobody idle, ties for the most users, a row with one column.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.compiled_contracts import (
    challenger,
    committed_acv,
    end_mandates,
    idle_chosen,
    mandate,
    numpy_sum,
    rollout_mandate,
    self_serve_users,
    team_plan_seats,
)
from sim.contracting import provision
from sim.csr import gather_rows
from sim.model import MarketModel

NO_PRODUCT = -1


@given(seed=st.integers(0, 10**6), share=st.sampled_from([0.0, 0.3, 0.5, 1.0]))
@settings(max_examples=60, deadline=None)
def test_rollout_is_the_numpy_masks(seed, share):
    rng = np.random.default_rng(seed)
    n, start = int(rng.integers(1, 40)), int(rng.integers(0, 10))
    product = rng.choice(np.array([-1, 0, 3], dtype=np.int32), start + n + 5)
    u = rng.random(n)
    u[0] = share  # a tie: not chosen (u < share)
    mandated, since = rng.random(len(product)) < 0.5, rng.integers(0, 9, len(product))
    since = since.astype(np.int32)
    # the numpy form (sim.contracting.sell_agreement and provision as they were)
    sl = slice(start, start + n)
    chosen = (product[sl] == NO_PRODUCT) & (u < share)
    want = product.copy(), mandated.copy(), since.copy()
    want[0][sl][chosen], want[1][sl][chosen], want[2][sl][chosen] = 5, True, 42
    got_idx = idle_chosen(product, start, u, share, NO_PRODUCT)
    assert np.array_equal(got_idx, start + np.flatnonzero(chosen))
    got = product.copy(), mandated.copy(), since.copy()
    mandate(*got, got_idx, 5, 42)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and np.array_equal(g, w)


@given(
    users=st.lists(st.integers(0, 4), min_size=1, max_size=12),
    pick=st.integers(0, 11),
)
@settings(max_examples=200, deadline=None)
def test_challenger_is_argmax_without_the_incumbent(users, pick):
    users = np.array(users, dtype=np.int64)
    incumbent = pick % len(users)
    copy = users.copy()
    copy[incumbent] = -1
    assert challenger(users, incumbent) == int(np.argmax(copy))


def test_provision_draws_one_uniform_per_employee_and_counts_the_users():
    model = MarketModel.from_scenario("default", rng=3, n_enterprises=20)
    e = int(np.argmax(model.population.ent_size))
    size = int(model.population.ent_size[e])
    state = model.rng.bit_generator.state
    before = int(model.users_ev[e, 1])
    n = provision(model, e, model.vendor_list[1], 0.5)
    sl = model.enterprise_slice(e)
    assert n > 0 and model.users_ev[e, 1] == before + n
    assert np.count_nonzero(model.population.emp_mandated[sl]) >= n
    check = np.random.default_rng()
    check.bit_generator.state = state
    check.random(size)
    assert check.random() == model.rng.random()  # exactly size uniforms were drawn


def reference_team_seats(pop, off, size, v, purchaser, workspace):
    """sim.contracting.team_seats as it was in numpy (writes pop.emp_paid)."""
    sl = slice(off, off + size)
    on = pop.emp_product[sl] == v
    paid = pop.emp_paid[sl] & on
    if purchaser is not None:
        paid[purchaser - off] = True
    frontier = np.flatnonzero(paid)
    while len(frontier):
        _, nbr = gather_rows(pop.adjacency, off + frontier)
        local = nbr - off
        local = np.unique(local[on[local] & ~paid[local]])
        paid[local] = True
        frontier = local if workspace else local[:0]
    pop.emp_paid[sl] = paid | (pop.emp_paid[sl] & ~on)
    return int(np.count_nonzero(paid))


@pytest.mark.parametrize("workspace", [False, True])
def test_team_plan_seats_are_the_numpy_hops(workspace):
    model = MarketModel.from_scenario("default", rng=4, n_enterprises=30)
    pop, adj = model.population, model.population.adjacency
    rng = np.random.default_rng(int(workspace))
    grew = 0
    for _ in range(40):
        e = int(rng.integers(0, 30))
        off, size = int(pop.ent_offset[e]), int(pop.ent_size[e])
        sl = slice(off, off + size)
        pop.emp_product[sl] = rng.choice(np.array([-1, 0, 2], dtype=np.int32), size)
        pop.emp_paid[sl] = rng.random(size) < 0.1
        users = np.flatnonzero(pop.emp_product[sl] == 0)
        pool = users if rng.random() < 0.8 else np.arange(size)  # (a purchaser off the product)
        purchaser = off + int(rng.choice(pool)) if len(pool) and rng.random() < 0.7 else None
        before = pop.emp_paid.copy()
        want = reference_team_seats(pop, off, size, 0, purchaser, workspace)
        after, pop.emp_paid[:] = pop.emp_paid.copy(), before
        local = -1 if purchaser is None else purchaser - off
        got = team_plan_seats(
            adj.indptr, adj.indices, pop.emp_product, pop.emp_paid, off, size, 0, local, workspace
        )
        assert got == want and np.array_equal(pop.emp_paid, after)
        grew += want > np.count_nonzero(before[sl] & (pop.emp_product[sl] == 0)) + 1
    assert grew  # some plans reached colleagues


@given(seed=st.integers(0, 10**6), n=st.integers(0, 300) | st.integers(0, 20))
@settings(max_examples=300, deadline=None)
def test_numpy_sum_adds_in_numpys_order(seed, n):
    """Magnitudes over 20 decades, so a sum in another order rounds differently."""
    rng = np.random.default_rng(seed)
    a = rng.random(n) * 10.0 ** rng.integers(-5, 17, n)
    a[rng.random(n) < 0.2] *= -1
    assert numpy_sum(a) == a.sum()
    assert numpy_sum(a[::-1].copy()) == a[::-1].sum()


def test_committed_acv_is_the_numpy_sum():
    rng = np.random.default_rng(5)
    acv = rng.random(50) * 10.0 ** rng.integers(0, 17, 50)
    vendor = rng.integers(0, 4, 50).astype(np.int32)
    for _ in range(200):
        row = np.where(rng.random(16) < 0.7, rng.integers(0, 50, 16), -1)
        for exclude in (-1, 0, 3):
            ids = row[row >= 0]
            if exclude >= 0:
                ids = ids[vendor[ids] != exclude]
            assert committed_acv(row, vendor, acv, exclude) == float(acv[ids].sum())


@given(seed=st.integers(0, 10**6))
@settings(max_examples=100, deadline=None)
def test_end_mandates_is_the_numpy_masks(seed):
    """end_contract's employees: mandated users of the vendor lose the product, then
    release_team_seats (``paid &= product != vendor``), as the numpy masks did."""
    rng = np.random.default_rng(seed)
    n, start = int(rng.integers(1, 40)), int(rng.integers(0, 10))
    size = start + n + 5
    product = rng.choice(np.array([NO_PRODUCT, 0, 3], dtype=np.int32), size)
    mandated, paid = rng.random(size) < 0.5, rng.random(size) < 0.5
    want = product.copy(), mandated.copy(), paid.copy()
    sl = slice(start, start + n)
    lose = (want[0][sl] == 3) & want[1][sl]
    want[0][sl][lose] = NO_PRODUCT
    want[1][sl][lose] = False
    want[2][sl] &= want[0][sl] != 3
    got = product.copy(), mandated.copy(), paid.copy()
    end_mandates(*got, start, n, 3, NO_PRODUCT)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and np.array_equal(g, w)


@given(seed=st.integers(0, 10**6))
@settings(max_examples=100, deadline=None)
def test_self_serve_users_are_the_numpy_positions(seed):
    """A team plan's purchaser candidates: the enterprise's users of the vendor who were
    not mandated, by position in the enterprise, as np.flatnonzero gave them."""
    rng = np.random.default_rng(seed)
    n, start = int(rng.integers(0, 40)), int(rng.integers(0, 10))
    product = rng.choice(np.array([NO_PRODUCT, 0, 3], dtype=np.int32), start + n + 5)
    mandated = rng.random(len(product)) < 0.5
    sl = slice(start, start + n)
    want = np.flatnonzero((product[sl] == 3) & ~mandated[sl])
    got = self_serve_users(product, mandated, start, n, 3)
    assert got.dtype == want.dtype and np.array_equal(got, want)


@given(seed=st.integers(0, 10**6), share=st.sampled_from([0.0, 0.3, 0.5, 1.0]))
@settings(max_examples=60, deadline=None)
def test_rollout_mandate_is_idle_chosen_then_mandate(seed, share):
    """A renewal's expansion in one pass: the employees and arrays idle_chosen and
    mandate give, and their number."""
    rng = np.random.default_rng(seed)
    n, start = int(rng.integers(1, 40)), int(rng.integers(0, 10))
    product = rng.choice(np.array([-1, 0, 3], dtype=np.int32), start + n + 5)
    u = rng.random(n)
    u[0] = share  # a tie: not chosen (u < share)
    mandated = rng.random(len(product)) < 0.5
    since = rng.integers(0, 9, len(product)).astype(np.int32)
    want = product.copy(), mandated.copy(), since.copy()
    chosen = idle_chosen(want[0], start, u, share, NO_PRODUCT)
    mandate(*want, chosen, 5, 42)
    got = product.copy(), mandated.copy(), since.copy()
    assert rollout_mandate(*got, start, u, share, NO_PRODUCT, 5, 42) == len(chosen)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and np.array_equal(g, w)
