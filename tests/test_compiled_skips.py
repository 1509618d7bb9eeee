"""Rare events drawn by skipping (sim/compiled_skips.py) follow the law of a uniform per
trial: each trial succeeds with its own chance, independently of the others.

The skips take other draws from the stream than a uniform per trial, so these checks
are statistical: many seeded repetitions, and each frequency within five standard
errors of its chance (a false alarm about once in 1.7 million per comparison).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim import compiled_skips
from sim.compiled_selfserve import churned_by_skips
from sim.compiled_skips import generator_pointers, successes, uniforms_below

REPS = 20_000


def within(freq: np.ndarray, chance: np.ndarray, reps: int, z: float = 5.0) -> bool:
    se = np.sqrt(np.maximum(chance * (1 - chance), 1e-12) / reps)
    return bool(np.all(np.abs(freq - chance) <= z * se))


@pytest.mark.parametrize("p", [0.003, 0.1, 0.6])
def test_each_trial_succeeds_with_its_chance_independently(p):
    n = 40
    ptr = generator_pointers(np.random.default_rng(7))
    hits = np.zeros((REPS, n), dtype=bool)
    for r in range(REPS):
        hits[r, successes(ptr, p, n)] = True
    assert within(hits.mean(axis=0), np.full(n, p), REPS)
    # neighbours independent: both succeed with p squared
    both = (hits[:, :-1] & hits[:, 1:]).mean(axis=0)
    assert within(both, np.full(n - 1, p * p), REPS)
    counts = hits.sum(axis=1)  # binomial(n, p) overall
    assert abs(counts.var() - n * p * (1 - p)) < 0.1 * n * p * (1 - p) + 1e-3


def test_edge_chances_draw_nothing():
    rng = np.random.default_rng(3)
    ptr = generator_pointers(rng)
    before = rng.bit_generator.state
    assert len(successes(ptr, 0.0, 100)) == 0
    assert np.array_equal(successes(ptr, 1.0, 5), np.arange(5))
    assert np.array_equal(successes(ptr, 2.0, 3), np.arange(3))
    assert rng.bit_generator.state == before
    assert len(successes(ptr, 1e-300, 1_000_000)) == 0  # no overflow of the gap


def test_uniforms_below_are_uniform_below_the_bound():
    ptr = generator_pointers(np.random.default_rng(11))
    q, n = 0.05, 200
    got = np.concatenate([uniforms_below(ptr, q, n)[1] for _ in range(2_000)])
    assert abs(len(got) / (2_000 * n) - q) < 5 * np.sqrt(q * (1 - q) / (2_000 * n))
    assert got.min() >= 0 and got.max() < q
    assert stats.kstest(got / q, "uniform").pvalue > 1e-4
    positions, uniforms = uniforms_below(ptr, 3.0, 4)  # a bound above 1: every trial
    assert np.array_equal(positions, np.arange(4)) and np.all(uniforms < 1.0)


def test_churn_by_skips_stops_each_user_with_its_chance():
    """Users of three products (one collaborative) with some colleagues on theirs:
    each stops with rate x (1 - quality) x (1 - share of colleagues on it)."""
    # a ring of 12 employees: 0-5 use product 0, 6-9 product 1 (collaborative), 10-11 product 2
    n = 12
    product = np.array([0] * 6 + [1] * 4 + [2] * 2, dtype=np.int32)
    nbrs = [[(i - 1) % n, (i + 1) % n] for i in range(n)]
    indptr = np.arange(0, 2 * n + 1, 2, dtype=np.int32)
    indices = np.array([j for row in nbrs for j in row], dtype=np.int32)
    quality = np.array([0.5, 0.2, 0.9])
    collaborative = np.array([False, True, False])
    rate = 0.3
    users = np.arange(n, dtype=np.int64)
    chance = np.empty(n)
    for i in range(n):
        v = product[i]
        p = rate * (1 - quality[v])
        if collaborative[v]:
            p *= 1 - np.mean([product[j] == v for j in nbrs[i]])
        chance[i] = p
    ptr = generator_pointers(np.random.default_rng(5))
    stops = np.zeros(n)
    for _ in range(REPS):
        stops[
            churned_by_skips(ptr, users, product, indptr, indices, rate, quality, collaborative)
        ] += 1
    assert within(stops / REPS, chance, REPS)


def test_pointers_are_kept_per_bit_generator_and_released():
    rng = np.random.default_rng(0)
    first = generator_pointers(rng)
    assert generator_pointers(rng) is first  # read once
    assert first[0] == rng.bit_generator.ctypes.state_address
    others = [np.random.default_rng(s) for s in range(compiled_skips._KEPT + 2)]
    for other in others:
        assert not np.array_equal(generator_pointers(other)[:1], first[:1])
    assert len(compiled_skips._POINTERS) == compiled_skips._KEPT
