"""Bounding self-serve candidates by their rows (sim.exposure.below_bound_by_rows) keeps
every candidate the summed bound keeps, and adoption then draws what it drew."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from sim import kernels
from sim.exposure import ColleagueExposure, below_bound_by_rows, colleague_exposure
from sim.kernels import self_serve_adoption


def network(n: int, seed: int, degree: float = 12) -> sp.csr_array:
    a = sp.random_array((n, n), density=degree / n, random_state=seed, format="csr")
    return ((a + a.T) > 0).astype(np.float64).tocsr()


def numpy_bound(adj, product, candidates, by_code, openness, marketing, u):
    """The bound of the fresh sums, in numpy (sim.kernels before this path)."""
    colleague = colleague_exposure(adj, product, candidates, by_code[1:])
    bound = colleague + openness * marketing
    bound *= 1.0 + 1e-9
    bound += 1e-9
    return np.flatnonzero(u < bound)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("by_employee", [False, True])
def test_rows_keep_the_candidates_the_summed_bound_keeps(seed, by_employee):
    rng = np.random.default_rng(seed)
    n, codes = 3000, 6
    adj = network(n, seed)
    product = np.where(rng.random(n) < 0.6, rng.integers(0, codes, n), -1).astype(np.int32)
    candidates = np.flatnonzero(product < 0).astype(np.int64)
    by_code = np.concatenate([[0.0], rng.random(codes) * 0.02])
    openness = rng.random(n)
    u = rng.random(len(candidates)) * 0.2  # many near their bound
    marketing = 0.01
    expected = numpy_bound(adj, product, candidates, by_code, openness[candidates], marketing, u)
    assert 0 < len(expected) < len(candidates)
    if by_employee:
        args = (openness, candidates)
    else:
        args = (openness[candidates], np.empty(0, dtype=np.int64))
    got = below_bound_by_rows(
        candidates, u, *args, adj.indptr, adj.indices, product, by_code, marketing,
        by_code.max(),
    )  # fmt: skip
    assert got.dtype == np.int64 and np.array_equal(got, expected)


def test_adoption_by_rows_follows_the_law_of_running_sums(monkeypatch):
    """One week of a market (a collaborative product, brand), drawn many times: each
    candidate adopts each product as often whether the bound reads rows (drawing only the
    candidates below the loosest bound, sim.compiled_skips) or keeps running sums (a
    uniform per candidate); and the rows were read."""
    rng = np.random.default_rng(4)
    n, codes = 600, 5
    adj = network(n, 4)
    vendors = np.array([0, 1, 3, 4])
    brand = 0.5 + 0.5 * rng.random((n, 4))
    kwargs = dict(
        adjacency=adj,
        vendors=vendors,
        reach=np.full(4, 0.08),
        quality=rng.random(4),
        virality=rng.random(4) * 0.004,  # the loosest bound well below 1: few drawn
        collaborative=np.array([False, True, False, False]),
        adoption_threshold=2,
        n_vendor_codes=codes,
        brand=brand,
        brand_row=np.arange(n),
        by_employee=True,
    )
    openness = rng.random(n)
    product = np.where(rng.random(n) < 0.4, rng.integers(0, codes, n), -1).astype(np.int32)
    candidates = np.flatnonzero(product < 0)
    calls = []
    real = kernels.below_bound_by_rows
    monkeypatch.setattr(
        kernels, "below_bound_by_rows", lambda *a: calls.append(1) or real(*a)
    )  # fmt: skip
    monkeypatch.setattr(kernels, "_rows_cheaper", lambda *a: True)  # whatever it reads
    reps = 4000
    freq = {}
    for read_rows in (False, True):
        draws = np.random.default_rng(7 + read_rows)
        counts = np.zeros((n, codes))
        for _ in range(reps):
            who, what = self_serve_adoption(
                draws,
                candidates=candidates,
                product=product,
                openness=openness,
                exposure=ColleagueExposure(adj),
                read_rows=read_rows,
                **kwargs,
            )
            counts[who, what] += 1
        freq[read_rows] = counts[candidates] / reps
    assert len(calls) == reps  # every week read rows
    pooled = (freq[False] + freq[True]) / 2
    se = np.sqrt(np.maximum(pooled * (1 - pooled), 1e-12) * 2 / reps)
    assert pooled.sum() * reps > 2000  # enough adoptions to tell
    assert np.all(np.abs(freq[True] - freq[False]) <= 5 * se + 1e-12)


def test_rows_are_read_only_where_few_edges_are():
    adj = network(2000, 0)
    assert kernels._rows_cheaper(adj, 2000, 700, 0.003, 0.007)  # the default market's
    assert not kernels._rows_cheaper(adj, 2000, 700, 0.03, 0.007)  # a viral one's


_SIGNATURES = r"""
import json
from sim import exposure
from sim.model import MarketModel
model = MarketModel.from_scenario("default", rng=5, n_enterprises=25)
before = len(exposure.below_bound_by_rows.signatures)
for _ in range(30):
    model.step()
print(json.dumps([before, len(exposure.below_bound_by_rows.signatures)]))
"""


def test_warm_up_compiles_the_bound_by_rows():
    """In a fresh process, building a market compiles it (sim.compiled_selfserve's
    warm-up), and a run that reads rows compiles nothing more."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", _SIGNATURES], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [1, 1]
