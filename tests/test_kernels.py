"""The vectorized kernels against their definitions, on small hand-made cases."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sim.kernels import neighbour_counts, sample_by_column, self_serve_adoption


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


def test_neighbour_counts_reads_either_side_alike():
    adj = ring(10)
    product = np.array([0, -1, 1, -1, 0, 0, -1, -1, 1, -1])
    column = np.array([0, 1])
    few = np.array([1, 3])  # cheaper to read from the candidates' rows
    many = np.flatnonzero(product < 0)  # cheaper to read from the users' rows
    assert neighbour_counts(adj, product, few, column).tolist() == [[1, 1], [1, 1]]
    k = neighbour_counts(adj, product, many, column)
    expected = [
        [sum(product[j] == v for j in ((c - 1) % 10, (c + 1) % 10)) for v in (0, 1)] for c in many
    ]
    assert k.tolist() == expected


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
