"""The vectorized kernels against their definitions, on small hand-made cases."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from sim.exposure import colleague_exposure
from sim.kernels import (
    sample_by_column,
    self_serve_adoption,
)


def test_sample_by_column_follows_each_columns_weights():
    rng = np.random.default_rng(0)
    weights = np.array([[1.0, 0.0], [0.0, 5.0], [3.0, 5.0], [0.0, 0.0]])
    rows, cols = sample_by_column(rng, weights, np.array([40_000, 40_000]))
    first = np.bincount(rows[cols == 0], minlength=4) / 40_000
    second = np.bincount(rows[cols == 1], minlength=4) / 40_000
    # binomial standard error at n=40,000 is at most 0.0025; allow 4 of them
    assert np.allclose(first, [0.25, 0, 0.75, 0], atol=0.01)
    assert np.allclose(second, [0, 0.5, 0.5, 0], atol=0.01)


def ring(n: int) -> sp.csr_array:
    i = np.arange(n)
    rows = np.concatenate([i, i])
    cols = np.concatenate([(i + 1) % n, (i - 1) % n])
    return sp.csr_array((np.ones(2 * n, dtype=np.int8), (rows, cols)), shape=(n, n))


def test_adoption_matches_the_hazard_formula():
    """One vendor, complete graph: P(adopt) = 1 - (1 - p)(1 - v)^k."""
    n, p, v = 400, 0.05, 0.01
    adj = sp.csr_array(np.ones((n, n), dtype=np.int8) - np.eye(n, dtype=np.int8))
    product = np.full(n, -1)
    product[:100] = 0
    candidates = np.arange(100, n)
    rng = np.random.default_rng(1)
    adopted = 0
    trials = 200
    for _ in range(trials):
        who, _ = self_serve_adoption(
            rng,
            candidates=candidates,
            adjacency=adj,
            product=product,
            openness=np.ones(len(candidates)),
            brand=None,
            vendors=np.array([0]),
            reach=np.array([p]),
            quality=np.array([1.0]),
            virality=np.array([v]),
            collaborative=np.array([False]),
            adoption_threshold=2,
            n_vendor_codes=1,
        )
        adopted += len(who)
    expected = 1 - (1 - p) * (1 - v) ** 100
    share = adopted / (trials * len(candidates))
    assert abs(share - expected) < 4 * np.sqrt(
        expected * (1 - expected) / (trials * len(candidates))
    )


def dense_adoption(
    rng,
    *,
    candidates,
    adjacency,
    product,
    openness,
    brand,
    vendors,
    reach,
    quality,
    virality,
    collaborative,
    adoption_threshold,
    n_vendor_codes,
    brand_row=None,
):
    """The adoption rule computed for every (candidate, vendor) pair: the oracle."""
    m, c = len(vendors), len(candidates)
    column = np.full(n_vendor_codes, -1)
    column[vendors] = np.arange(m)
    dense = adjacency.toarray()[candidates] > 0
    k = np.stack([(dense & (product == v)[None, :]).sum(axis=1) for v in vendors], axis=1)
    a = openness[:, None] * (reach * quality)[None, :]
    if brand is not None:
        a *= brand
    b = np.where(k > 0, 1.0 - (1.0 - virality * quality)[None, :] ** k, 0.0)
    b[collaborative[None, :] & (k < adoption_threshold)] = 0.0
    if brand is not None:
        b *= brand
    stay = (1.0 - a) * np.where(k > 0, 1.0 - b, 1.0)
    stay_all = stay[:, 0].copy()
    for j in range(1, m):
        stay_all *= stay[:, j]
    rows = np.flatnonzero(rng.random(c) < 1.0 - stay_all)
    if not len(rows):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    cum = np.cumsum(1.0 - stay[rows], axis=1)
    u = rng.random(len(rows)) * cum[:, -1]
    pick = np.minimum((cum < u[:, None]).sum(axis=1), m - 1)
    return candidates[rows], vendors[pick]


@pytest.mark.parametrize("seed", range(7))
def test_adoption_draws_what_the_dense_rule_draws(seed):
    """Same seed, same adopters and products as computing every pair's chance."""
    rng = np.random.default_rng(seed)
    n, codes = 600, 7
    a = sp.random_array((n, n), density=0.03, random_state=seed, format="csr")
    adj = ((a + a.T) > 0).astype(np.float64 if seed % 2 else np.int8).tocsr()
    # seeds 2, 4 and 6: nobody uses anything yet, marketing alone decides
    users_share = 0.0 if seed in (2, 4, 6) else 0.3
    product = np.where(rng.random(n) < users_share, rng.integers(0, codes, n), -1)
    candidates = np.flatnonzero(product < 0)[::2]
    vendors = np.array([0, 2, 3, 5, 6])
    m = len(vendors)
    kwargs = dict(
        candidates=candidates,
        adjacency=adj,
        product=product,
        openness=rng.random(len(candidates)),
        # seed 6: a brand above 1 (not reachable in a model) must still give the same draws
        brand=rng.random((len(candidates), m)) * (3.0 if seed == 6 else 1.0)
        if seed % 3 == 0
        else None,
        vendors=vendors,
        reach=rng.random(m) * {2: 0.2, 4: 0.3, 5: 0.9, 6: 0.3}.get(seed, 0.05),  # 5: bound above 1
        quality=rng.random(m),
        virality=rng.random(m) * 0.3,
        collaborative=rng.random(m) < 0.5,
        adoption_threshold=2,
        n_vendor_codes=codes,
    )
    oracle = dense_adoption(np.random.default_rng(100 + seed), **kwargs)
    if seed == 3:  # brand by enterprise: each candidate reads its enterprise's row
        table = rng.random((5, m))
        row = rng.integers(0, 5, len(candidates))
        kwargs |= dict(brand=table, brand_row=row)
        oracle = dense_adoption(
            np.random.default_rng(100 + seed), **{**kwargs, "brand": table[row], "brand_row": None}
        )
    ours = self_serve_adoption(np.random.default_rng(100 + seed), **kwargs)
    assert len(oracle[0]) > 0
    assert np.array_equal(ours[0], oracle[0]) and np.array_equal(ours[1], oracle[1])


def test_colleague_exposure_reads_every_side_alike():
    rng = np.random.default_rng(4)
    n = 400
    a = sp.random_array((n, n), density=0.05, random_state=4, format="csr")
    adj = ((a + a.T) > 0).astype(np.float64).tocsr()
    weight = np.array([0.5, 0.0, 2.0])
    for users_share, cand_step in ((0.02, 1), (0.9, 1), (0.5, 1), (0.5, 40)):
        product = np.where(rng.random(n) < users_share, rng.integers(0, 3, n), -1)
        candidates = np.flatnonzero(product < 0)[::cand_step]
        w = np.concatenate([[0.0], weight])[product + 1]
        expected = (adj.toarray() @ w)[candidates]
        for matrix in (adj, adj.astype(np.int8)):
            got = colleague_exposure(matrix, product, candidates, weight)
            assert np.allclose(got, expected)
