"""Colleague exposure kept from week to week equals the sums computed afresh."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sim import exposure as exposure_module
from sim.exposure import ColleagueExposure, colleague_exposure
from sim.kernels import self_serve_adoption


def network(n: int, seed: int) -> sp.csr_array:
    a = sp.random_array((n, n), density=12 / n, random_state=seed, format="csr")
    return ((a + a.T) > 0).astype(np.float64).tocsr()


def test_running_sums_follow_every_change(monkeypatch):
    monkeypatch.setattr(exposure_module, "REFRESH_WEEKS", 1000)  # updates only, no refresh
    rng = np.random.default_rng(0)
    n, codes = 2000, 6
    adj = network(n, 0)
    product = np.where(rng.random(n) < 0.3, rng.integers(0, codes, n), -1)
    candidates = np.flatnonzero(product < 0)
    weight = rng.random(codes)
    kept = ColleagueExposure(adj)
    for week in range(60):
        # a few people adopt, churn or change product; now and then a trait changes
        moved = rng.random(n) < 0.02
        product[moved] = np.where(
            rng.random(moved.sum()) < 0.5, -1, rng.integers(0, codes, moved.sum())
        )
        if week % 10 == 3:
            weight[rng.integers(codes)] = rng.random()
        got = kept.of(candidates, product, weight)
        fresh = colleague_exposure(adj, product, candidates, weight)
        assert np.allclose(got, fresh, rtol=0, atol=1e-12)
    assert kept.updates >= 50  # the sums were updated, not recomputed


def test_adoption_with_running_sums_draws_what_fresh_sums_draw():
    """Over many weeks of a changing market, same seed, same adopters."""
    rng = np.random.default_rng(1)
    n, codes = 3000, 5
    adj = network(n, 1)
    vendors = np.array([0, 1, 3, 4])
    kwargs = dict(
        adjacency=adj,
        vendors=vendors,
        reach=np.full(4, 0.01),
        quality=rng.random(4),
        virality=rng.random(4) * 0.03,
        collaborative=np.array([False, True, False, False]),
        adoption_threshold=2,
        n_vendor_codes=codes,
        brand=None,
    )
    openness = rng.random(n)
    start = np.where(rng.random(n) < 0.05, rng.integers(0, codes, n), -1)
    runs = {}
    for kept in (None, ColleagueExposure(adj)):
        product = start.copy()
        draws = np.random.default_rng(7)
        history = []
        for _ in range(40):
            candidates = np.flatnonzero(product < 0)
            who, what = self_serve_adoption(
                draws,
                candidates=candidates,
                product=product,
                openness=openness[candidates],
                exposure=kept,
                **kwargs,
            )
            product[who] = what
            product[np.flatnonzero(product >= 0)[::37]] = -1  # some churn
            history.append((who.copy(), what.copy()))
        runs[kept is None] = history
    fresh, kept_run = runs[True], runs[False]
    assert kept.updates > 20
    assert sum(len(w) for w, _ in fresh) > 100
    for (a, pa), (b, pb) in zip(fresh, kept_run, strict=True):
        assert np.array_equal(a, b) and np.array_equal(pa, pb)
