"""Vectorized per-employee kernels: self-serve adoption and user churn.

Each kernel is a function of arrays and a ``numpy.random.Generator``; none loops
over employees in Python. The neighbour counts ``k_iv`` come from one gather over
the CSR rows of current users (:func:`user_edges`), whose cost is proportional
to the users' degrees, not to ``n_employees * n_vendors``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def gather_rows(adj: sp.csr_array, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated CSR rows: for each listed row ``r`` and neighbour ``j``, yield (position of r, j)."""
    starts = adj.indptr[rows]
    lengths = adj.indptr[rows + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    owner = np.repeat(np.arange(len(rows)), lengths)
    # position in `indices` of the r-th neighbour of a row: starts[row] + r
    positions = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
    return owner, adj.indices[positions]


def neighbour_counts(
    adj: sp.csr_array, product: np.ndarray, candidates: np.ndarray, column: np.ndarray
) -> np.ndarray:
    """``k[i, c]``: neighbours of ``candidates[i]`` who use the vendor in column ``c``.

    ``column[v]`` maps a vendor code to its column (``-1``: not counted). The
    adjacency is symmetric, so the counts can be gathered from the candidates' rows
    or from the users' rows; whichever side has fewer edges is read, so the cost is
    ``min(edges of candidates, edges of users)``, small both early (few users) and
    late (few candidates).
    """
    c, m = len(candidates), int(column.max(initial=-1)) + 1
    # column of each employee's product, -1 for non-users and uncounted vendors
    column_of = np.concatenate([[-1], column])[product + 1]
    users = np.flatnonzero(column_of >= 0)
    indptr = adj.indptr
    if (indptr[candidates + 1] - indptr[candidates]).sum() <= (
        indptr[users + 1] - indptr[users]
    ).sum():
        owner, nbr = gather_rows(adj, candidates)
        col = column_of[nbr]
        keep = col >= 0
        keys = owner[keep] * m + col[keep]
    else:
        owner, nbr = gather_rows(adj, users)
        local = np.full(len(product), -1, dtype=np.int64)
        local[candidates] = np.arange(c)
        li = local[nbr]
        keep = li >= 0
        keys = li[keep] * m + column_of[users[owner[keep]]]
    return np.bincount(keys, minlength=c * m).reshape(c, m)


def self_serve_adoption(
    rng: np.random.Generator,
    *,
    candidates: np.ndarray,
    adjacency: sp.csr_array,
    product: np.ndarray,
    openness: np.ndarray,
    brand: np.ndarray | None,
    vendors: np.ndarray,
    reach: np.ndarray,
    quality: np.ndarray,
    virality: np.ndarray,
    collaborative: np.ndarray,
    adoption_threshold: int,
    n_vendor_codes: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Mechanism 1: who signs up for which self-serve product this week.

    Parameters
    ----------
    candidates : int array
        Employees who may adopt (no product, enterprise not on-prem only).
    adjacency, product : the org network and each employee's product code.
    openness : float array over candidates.
    brand : float array (n_candidates, n_vendors), or None
        The vendor's brand in each candidate's enterprise (None: intact everywhere).
    vendors : int array
        Codes of the self-serve vendors; the trait arrays are aligned with it.

    Returns
    -------
    (adopters, products) : int arrays
        Employee ids that adopt and the vendor code each adopts.

    Notes
    -----
    Marketing hazard ``a = reach * openness * quality``; colleague hazard
    ``b = 1 - (1 - virality * quality) ** k``, zero for a collaborative product while
    ``k < adoption_threshold`` (complex contagion, Centola and Macy 2007). Both are
    scaled by the brand. The chance of adopting anything is ``1 - prod (1-a)(1-b)``;
    the product is drawn in proportion to ``1 - (1-a)(1-b)``.
    """
    m, c = len(vendors), len(candidates)
    if m == 0 or c == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    column = np.full(n_vendor_codes, -1, dtype=np.int64)
    column[vendors] = np.arange(m)
    k = neighbour_counts(adjacency, product, candidates, column)

    # Marketing: stay = 1 - a for every (candidate, vendor); dense, one multiply.
    a = openness[:, None] * (reach * quality)[None, :]
    if brand is not None:
        a *= brand
    stay = 1.0 - a
    # Colleagues: only pairs with k > 0 have a colleague hazard (flat indices are
    # several times faster than a 2-D nonzero here).
    flat_k = k.reshape(-1)
    pairs = np.flatnonzero(flat_k > 0)
    if len(pairs):
        kk = flat_k[pairs]
        cols = pairs % m
        b = 1.0 - (1.0 - virality * quality)[cols] ** kk
        if collaborative.any():
            b[collaborative[cols] & (kk < adoption_threshold)] = 0.0
        if brand is not None:
            b *= brand.reshape(-1)[pairs]
        stay.reshape(-1)[pairs] *= 1.0 - b
    # product over the few vendor columns: a column loop beats prod(axis=1)
    stay_all = stay[:, 0].copy()
    for j in range(1, m):
        stay_all *= stay[:, j]
    p_any = 1.0 - stay_all
    rows = np.flatnonzero(rng.random(c) < p_any)
    if not len(rows):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    cum = np.cumsum(1.0 - stay[rows], axis=1)
    u = rng.random(len(rows)) * cum[:, -1]
    pick = np.minimum((cum < u[:, None]).sum(axis=1), m - 1)
    return candidates[rows], vendors[pick]


def user_churn(
    rng: np.random.Generator,
    *,
    adjacency: sp.csr_array,
    product: np.ndarray,
    user_churn_rate: float,
    quality: np.ndarray,
    collaborative: np.ndarray,
) -> np.ndarray:
    """Mechanism 2: which users stop using their product this week.

    A user of ``v`` stops with probability ``user_churn * (1 - quality_v)``, times
    ``(1 - s)`` for a collaborative product where ``s`` is the share of the user's
    neighbours on the same product. ``quality`` and ``collaborative`` are indexed by
    vendor code.
    """
    users = np.flatnonzero(product >= 0)
    if not len(users) or user_churn_rate == 0:
        return np.empty(0, dtype=np.int64)
    v = product[users]
    p = user_churn_rate * (1.0 - quality[v])
    collab = collaborative[v]
    if collab.any():
        team = users[collab]
        owner, nbr = gather_rows(adjacency, team)
        k_same = np.bincount(owner[product[nbr] == product[team][owner]], minlength=len(team))
        degree = np.diff(adjacency.indptr)[team]
        share = np.divide(k_same, degree, out=np.zeros(len(team)), where=degree > 0)
        p[collab] *= 1.0 - share
    return users[rng.random(len(users)) < p]


def sample_by_column(
    rng: np.random.Generator, weights: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``counts[c]`` rows with probability proportional to ``weights[:, c]``, for every c.

    Inverse-CDF sampling for all columns at once: column ``c``'s normalised CDF is
    shifted by ``c``, so one ``searchsorted`` over the stacked CDFs serves them all.
    Columns whose weights sum to zero must have a count of zero.

    Returns
    -------
    (rows, columns) : int arrays of length ``counts.sum()``, grouped by column.
    """
    n_rows, n_cols = weights.shape
    cum = np.cumsum(weights, axis=0)
    totals = cum[-1]
    if np.any((totals <= 0) & (counts > 0)):
        raise ValueError("a column with no weight cannot be sampled")
    stacked = (cum / np.where(totals > 0, totals, 1.0) + np.arange(n_cols)).T.ravel()
    col = np.repeat(np.arange(n_cols), counts)
    pos = np.searchsorted(stacked, rng.random(len(col)) + col, side="right")
    return np.minimum(pos - col * n_rows, n_rows - 1), col
