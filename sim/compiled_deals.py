"""Compiled per-deal passes (Numba): where reps aim their touches, and the draw of whom.

Outbound touches (mechanism 4) built a weight matrix of enterprises by sellers with
some fifteen numpy calls (a column per seller, then a mask per rule) and sampled it
with six more (:func:`sim.kernels.sample_by_column`). On a market of a few hundred
enterprises each call costs more than its arithmetic: the week's fixed cost. The two
loops here do the same arithmetic in one pass each.

As in :mod:`sim.compiled`, they draw no random numbers: the uniforms come from the
model's ``numpy.random.Generator`` in the caller, in the same order and number as
before, and each loop applies the same IEEE operations in the same order as the
numpy code it replaced (no ``fastmath``), so results are bit for bit the same
(``tests/test_bit_identical.py``; ``tests/test_compiled_deals.py`` checks each loop
against that numpy code, edge cases included).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def touch_weights(
    sizes,
    users,
    user_weight,
    codes,
    holder,
    beyond,
    displacement_win_factor,
    cooloff,
    step,
    budget_open,
):
    """Weights over enterprises for each seller's touches (:func:`sim.selling.target_weights`).

    ``size * (user_weight[c] where the seller has users there, else 1)``, zero where the
    enterprise holds the seller's own agreement (``holder == codes[c]``) or a rival's
    beyond its renewal window (``beyond``), times ``displacement_win_factor`` where any
    agreement is held, zero in a cool-off (``cooloff[e, c] > step``) or without a
    budget line. ``users`` and ``cooloff`` are the sellers' columns. Returns the
    ``float64 (enterprises, sellers)`` weights.
    """
    n_ent, n_sel = users.shape
    weights = np.empty((n_ent, n_sel), dtype=np.float64)
    for e in range(n_ent):
        size = np.float64(sizes[e])
        for c in range(n_sel):
            w = size * (user_weight[c] if users[e, c] > 0 else 1.0)
            if holder[e] == codes[c] or beyond[e]:
                w = 0.0
            if holder[e] >= 0:
                w *= displacement_win_factor
            if cooloff[e, c] > step or not budget_open[e]:
                w = 0.0
            weights[e, c] = w
    return weights


@njit(cache=True, nogil=True)
def sample_columns(weights, counts, uniforms):
    """Rows drawn for every column, ``counts[c]`` of them with chance ``weights[:, c]``.

    :func:`sim.kernels.sample_by_column` given its uniforms (``len == counts.sum()``):
    each column's running sum divided by its total, plus the column's number, stacked
    in one ascending array; each uniform plus its column's number is placed in it by
    a right-sided binary search over the whole array (as ``np.searchsorted`` does),
    and the position is taken back to a row of that column, at most the last. A
    column with no weight must have a count of zero. Returns ``(rows, columns)``.
    """
    n_rows, n_cols = weights.shape
    stacked = np.empty(n_rows * n_cols, dtype=np.float64)
    for c in range(n_cols):
        total = 0.0
        for r in range(n_rows):
            total += weights[r, c]
            stacked[c * n_rows + r] = total
        denom = total if total > 0 else 1.0
        for r in range(n_rows):
            stacked[c * n_rows + r] = stacked[c * n_rows + r] / denom + np.float64(c)
    n = 0
    for c in range(n_cols):
        n += counts[c]
    rows = np.empty(n, dtype=np.int64)
    cols = np.empty(n, dtype=np.int64)
    k = 0
    for c in range(n_cols):
        for _ in range(counts[c]):
            q = uniforms[k] + np.float64(c)
            lo, hi = 0, n_rows * n_cols  # first position whose value exceeds q
            while lo < hi:
                mid = (lo + hi) >> 1
                if stacked[mid] <= q:
                    lo = mid + 1
                else:
                    hi = mid
            rows[k] = min(lo - c * n_rows, n_rows - 1)
            cols[k] = c
            k += 1
    return rows, cols


_warm = False


def warm_up() -> None:
    """Compile (or load from the cache) both loops for the model's dtypes, once a process.

    :class:`sim.model.MarketModel` calls it beside :func:`sim.compiled.warm_up`, so
    no step pays a compile. The sellers' columns of ``users_ev`` and ``cooloff_until``
    are Fortran-ordered (a column gather) unless there is one seller (then C), so
    both layouts are compiled.
    """
    global _warm
    if _warm:
        return
    ids = np.zeros(2, dtype=np.int64)
    flags = np.zeros(2, dtype=bool)
    for order in ("C", "F"):
        touch_weights(
            ids,
            np.zeros((2, 2), dtype=np.int64, order=order),
            np.ones(2),
            ids,
            ids,
            flags,
            1.0,
            np.zeros((2, 2), dtype=np.int32, order=order),
            0,
            flags,
        )
    sample_columns(np.ones((2, 2)), ids, np.zeros(0))
    _warm = True
