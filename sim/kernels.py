"""Vectorized per-employee kernels: self-serve adoption and user churn.

Each kernel is a function of arrays and a ``numpy.random.Generator``; none loops
over employees in Python. The neighbour counts ``k_iv`` come from one gather over
the CSR rows of current users (:func:`user_edges`), whose cost is proportional
to the users' degrees, not to ``n_employees * n_vendors``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def user_edges(adj: sp.csr_array, product: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (neighbour, product) pair across an edge from a user.

    For each user ``j`` and each neighbour ``i`` of ``j``, yields ``i`` and
    ``product[j]``. The adjacency is symmetric, so counting these pairs per
    ``(i, v)`` gives ``k_iv``, the number of ``i``'s neighbours who use ``v``.
    """
    users = np.flatnonzero(product >= 0)
    starts = adj.indptr[users]
    lengths = adj.indptr[users + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    # position in `indices` of the r-th neighbour of the u-th user: starts[u] + r
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    positions = shift + np.arange(total)
    return adj.indices[positions], np.repeat(product[users], lengths)


def self_serve_adoption(
    rng: np.random.Generator,
    *,
    candidates: np.ndarray,
    edges: tuple[np.ndarray, np.ndarray],
    openness: np.ndarray,
    brand: np.ndarray,
    vendors: np.ndarray,
    reach: np.ndarray,
    quality: np.ndarray,
    virality: np.ndarray,
    collaborative: np.ndarray,
    adoption_threshold: int,
    n_employees: int,
    n_vendor_codes: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Mechanism 1: who signs up for which self-serve product this week.

    Parameters
    ----------
    candidates : int array
        Employees who may adopt (no product, enterprise not on-prem only).
    edges : (neighbour, product) arrays from :func:`user_edges`.
    openness : float array over candidates.
    brand : float array (n_candidates, n_vendors)
        The vendor's brand in each candidate's enterprise (1: intact).
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
    local = np.full(n_employees, -1, dtype=np.int64)
    local[candidates] = np.arange(c)
    column = np.full(n_vendor_codes, -1, dtype=np.int64)
    column[vendors] = np.arange(m)
    nbr, vend = edges
    li, vi = local[nbr], column[vend]
    keep = (li >= 0) & (vi >= 0)
    k = np.bincount(li[keep] * m + vi[keep], minlength=c * m).reshape(c, m)

    a = openness[:, None] * (reach * quality)[None, :]
    b = 1.0 - (1.0 - virality * quality)[None, :] ** k
    if collaborative.any():
        b[(k < adoption_threshold) & collaborative[None, :]] = 0.0
    stay = (1.0 - a * brand) * (1.0 - b * brand)
    p_any = 1.0 - stay.prod(axis=1)
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
    product: np.ndarray,
    edges: tuple[np.ndarray, np.ndarray],
    degree: np.ndarray,
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
    if collaborative[v].any():
        nbr, vend = edges
        same = product[nbr] == vend
        k_same = np.bincount(nbr[same], minlength=len(product))[users]
        share = np.divide(k_same, degree[users], out=np.zeros(len(users)), where=degree[users] > 0)
        p = np.where(collaborative[v], p * (1.0 - share), p)
    return users[rng.random(len(users)) < p]
