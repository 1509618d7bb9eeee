"""Watts-Strogatz small-world org networks for every enterprise at once, in numpy.

The same law as ``networkx.watts_strogatz_graph`` (``tests/test_networks.py``
compares degree spread and clustering over many seeds), drawn from the model's
``numpy.random.Generator`` with no networkx graph and no Python object per tie.

References
----------
Watts, D. J. and Strogatz, S. H. (1998). Collective dynamics of 'small-world'
networks. Nature 393.
"""

from __future__ import annotations

import numpy as np

from sim.networks import complete_blocks, enterprise_offsets, local_ids

# Redraws of a rewired small-world edge that hit an existing tie before the edge is
# left where it was (networkx gives up only when the node is tied to everyone; with
# a free partner a redraw fails with probability below k/n, so 64 rounds never run out
# in practice).
MAX_REWIRE_ROUNDS = 64


def small_world_edges(sizes: np.ndarray, k: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Watts-Strogatz graphs, one per enterprise, as ``networkx.watts_strogatz_graph``.

    Each enterprise of ``n`` people is a ring where everyone knows the ``k // 2``
    nearest on each side (``k`` capped at ``n - 1``; below 2, everyone knows everyone).
    Each ring tie ``(u, u + j)`` is rewired with probability ``p`` to ``(u, w)``, ``w``
    uniform in the enterprise, redrawn while ``w`` is ``u`` or already tied to ``u``.

    networkx rewires tie after tie, so a later redraw may take a partner freed by an
    earlier rewiring; here all ties rewire at once and a redraw avoids every ring tie
    and every other new tie. The two differ with probability about ``(k / n)^2`` per
    tie, below what degree and clustering statistics resolve.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    offsets = enterprise_offsets(sizes)
    blocks = [complete_blocks(sizes, offsets, sizes == 2)]  # k below 2: a pair is one tie
    k_e = np.minimum(k, sizes - 1)
    half = np.where(sizes > 2, k_e // 2, 0)
    size_of = np.repeat(sizes, sizes)
    half_of = np.repeat(half, sizes)
    local = local_ids(sizes)
    base = np.arange(len(local), dtype=np.int64) - local
    ring_u, ring_v = [], []
    for j in range(1, int(half.max(initial=0)) + 1):
        u = np.flatnonzero(half_of >= j)
        ring_u.append(u)
        ring_v.append(base[u] + (local[u] + j) % size_of[u])
    if not ring_u:
        return np.concatenate(blocks)
    u, v = np.concatenate(ring_u), np.concatenate(ring_v)
    # enterprises whose ring already ties everyone to everyone cannot rewire
    rewire = (rng.random(len(u)) < p) & (2 * half_of[u] < size_of[u] - 1)
    moved = np.flatnonzero(rewire)
    new_v = _rewire(u[moved], base[u[moved]], size_of[u[moved]], half_of[u[moved]], rng)
    v[moved] = np.where(new_v >= 0, new_v, v[moved])
    blocks.append(np.column_stack([u, v]))
    return np.concatenate(blocks)


def _rewire(
    u: np.ndarray, base: np.ndarray, size: np.ndarray, half: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """New partners for rewired ties ``(u, .)``: not ``u``, not a ring tie, no tie twice.

    Returns the new partner of each tie, or ``-1`` where the redraws ran out (the
    tie then stays on the ring, as networkx leaves it when ``u`` is tied to everyone).
    """
    n_total = int(base.max(initial=0) + size.max(initial=0)) + 1
    out = np.full(len(u), -1, dtype=np.int64)
    pending = np.arange(len(u))
    taken = np.empty(0, dtype=np.int64)  # sorted unordered keys of accepted new ties
    for _ in range(MAX_REWIRE_ROUNDS):
        if not len(pending):
            break
        pu = u[pending]
        w = base[pending] + (rng.random(len(pending)) * size[pending]).astype(np.int64)
        gap = np.abs(w - pu)
        ring_gap = np.minimum(gap, size[pending] - gap)
        ok = ring_gap > half[pending]  # not u itself (gap 0) and not a ring tie
        key = np.minimum(pu, w) * n_total + np.maximum(pu, w)
        if len(taken):
            pos = np.minimum(np.searchsorted(taken, key), len(taken) - 1)
            ok &= taken[pos] != key
        # among this round's draws the first of equal ties wins (refused draws get
        # distinct negative keys so they block nobody)
        key = np.where(ok, key, -1 - np.arange(len(key)))
        order = np.argsort(key, kind="stable")
        repeat = np.zeros(len(key), dtype=bool)
        repeat[order[1:]] = key[order[1:]] == key[order[:-1]]
        ok &= ~repeat
        out[pending[ok]] = w[ok]
        taken = np.sort(np.concatenate([taken, key[ok]]))
        pending = pending[~ok]
    return out
