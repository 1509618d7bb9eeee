"""Vectorized per-employee kernels: self-serve adoption and user churn.

Each kernel is a function of arrays and a ``numpy.random.Generator``; none loops
over employees in Python. Neighbour sums are read from whichever side of the CSR
adjacency holds fewer edges (the candidates' rows or the users' rows), and adoption
computes exact per-vendor chances only for the few candidates who might adopt, so a
step's cost does not grow with ``n_employees * n_vendors``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sim.compiled import (
    below_bound,
    churned_users,
    neighbour_columns,
    neighbour_columns_of_users,
    users_of,
)
from sim.csr import gather_rows  # noqa: F401 (sim.contracting imports it from here)
from sim.exposure import ColleagueExposure, colleague_exposure


def neighbour_counts(
    adj: sp.csr_array, product: np.ndarray, candidates: np.ndarray, column: np.ndarray
) -> np.ndarray:
    """``k[i, c]``: neighbours of ``candidates[i]`` who use the vendor in column ``c``.

    ``column[v]`` maps a vendor code to its column (``-1``: not counted). The
    adjacency is symmetric, so the counts can be gathered from the candidates' rows
    or from the users' rows; whichever side has fewer edges is read, so the cost is
    ``min(edges of candidates, edges of users)``, small both early (few users) and
    late (few candidates). Both sides are compiled loops
    (:func:`sim.compiled.neighbour_columns`, :func:`sim.compiled.neighbour_columns_of_users`).
    """
    m = int(column.max(initial=-1)) + 1
    lookup = np.concatenate([[-1], column])  # column by product code + 1
    indptr = adj.indptr
    cand_edges = int((indptr[candidates + 1] - indptr[candidates]).sum())
    users = None
    if 8 * cand_edges > adj.nnz:  # else the candidates' side is cheap: no pass over everyone
        column_of = lookup[product + 1]
        users = np.flatnonzero(column_of >= 0)
        if cand_edges <= int((indptr[users + 1] - indptr[users]).sum()):
            users = None
    if users is None:
        return neighbour_columns(candidates, product, lookup, indptr, adj.indices, m)
    return neighbour_columns_of_users(
        candidates, users, column_of[users], len(product), indptr, adj.indices, m
    )


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
    brand_row: np.ndarray | None = None,
    exposure: ColleagueExposure | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Mechanism 1: who signs up for which self-serve product this week.

    Parameters
    ----------
    candidates : int array
        Employees who may adopt (no product, enterprise not on-prem only).
    adjacency, product : the org network and each employee's product code.
    openness : float array over candidates.
    brand : float array (n_rows, n_vendors), or None
        The vendors' brand, one row per candidate, or per enterprise with
        ``brand_row`` (None: intact everywhere).
    brand_row : int array over candidates, optional
        Row of ``brand`` for each candidate (its enterprise), so that the brand of
        every (candidate, vendor) pair is never spelled out; only the few candidates
        who may adopt read theirs.
    exposure : ColleagueExposure, optional
        The model's running sums of colleagues' virality (kept between weeks and
        updated where products changed); without it they are computed afresh.
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

    Only a few candidates a week can adopt, so the exact chance is computed for
    those whose uniform draw falls below a cheap upper bound of it,
    ``1 - prod (1-x) <= sum x`` with ``b <= k * virality * quality`` and brand at most
    1: ``openness * sum(reach * quality) + sum over user colleagues of their
    product's virality * quality`` (:func:`colleague_exposure`, one sparse product).
    A candidate above the bound cannot adopt whatever the exact chance, so the draws
    and the result are those of computing every candidate's chance (same uniforms,
    same arithmetic on the rows that matter), at a cost that no longer grows with
    ``n_candidates * n_vendors``.
    """
    m, c = len(vendors), len(candidates)
    if m == 0 or c == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    column = np.full(n_vendor_codes, -1, dtype=np.int64)
    column[vendors] = np.arange(m)
    rq = reach * quality
    vq = virality * quality
    vq_by_code = np.zeros(n_vendor_codes)
    vq_by_code[vendors] = vq
    if exposure is None:
        bound = colleague_exposure(adjacency, product, candidates, vq_by_code)
    else:
        bound = exposure.of(candidates, product, vq_by_code)
    u = rng.random(c)
    read_all = bool(rq.max() > 1.0 or vq.max() > 1.0 or (brand is not None and brand.max() > 1.0))
    # the bound plus a slack far above rounding (below 1e-12 here, running sums
    # included) keeps it an upper bound; hazards outside [0, 1]: the bound does not
    # hold, every candidate is read
    maybe = below_bound(bound, openness, float(rq.sum()), u, read_all)
    if not len(maybe):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    stay = _stay_matrix(
        neighbour_counts(adjacency, product, candidates[maybe], column),
        openness[maybe],
        None if brand is None else brand[maybe if brand_row is None else brand_row[maybe]],
        rq,
        vq,
        collaborative,
        adoption_threshold,
    )
    # product over the few vendor columns: a column loop beats prod(axis=1)
    stay_all = stay[:, 0].copy()
    for j in range(1, m):
        stay_all *= stay[:, j]
    rows = np.flatnonzero(u[maybe] < 1.0 - stay_all)
    if not len(rows):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    cum = np.cumsum(1.0 - stay[rows], axis=1)
    u = rng.random(len(rows)) * cum[:, -1]
    pick = np.minimum((cum < u[:, None]).sum(axis=1), m - 1)
    return candidates[maybe[rows]], vendors[pick]


def _stay_matrix(
    k: np.ndarray,
    openness: np.ndarray,
    brand: np.ndarray | None,
    rq: np.ndarray,
    vq: np.ndarray,
    collaborative: np.ndarray,
    adoption_threshold: int,
) -> np.ndarray:
    """``(1 - a)(1 - b)`` for each (candidate, vendor): the chance of not adopting it."""
    m = len(rq)
    # Marketing: stay = 1 - a for every (candidate, vendor); dense, one multiply.
    a = openness[:, None] * rq[None, :]
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
        b = 1.0 - (1.0 - vq)[cols] ** kk
        if collaborative.any():
            b[collaborative[cols] & (kk < adoption_threshold)] = 0.0
        if brand is not None:
            b *= brand.reshape(-1)[pairs]
        stay.reshape(-1)[pairs] *= 1.0 - b
    return stay


def user_churn(
    rng: np.random.Generator,
    *,
    adjacency: sp.csr_array,
    product: np.ndarray,
    user_churn_rate: float,
    quality: np.ndarray,
    collaborative: np.ndarray,
    users: np.ndarray | None = None,
) -> np.ndarray:
    """Mechanism 2: which users stop using their product this week.

    A user of ``v`` stops with probability ``user_churn * (1 - quality_v)``, times
    ``(1 - s)`` for a collaborative product where ``s`` is the share of the user's
    neighbours on the same product. ``quality`` and ``collaborative`` are indexed by
    vendor code. One uniform per user, in id order; the chances are computed in one
    compiled pass (:func:`sim.compiled.churned_users`). ``users``: the ids of the
    employees with a product, ascending, if the caller has them already.
    """
    if users is None:
        users = users_of(product)
    if not len(users) or user_churn_rate == 0:
        return np.empty(0, dtype=np.int64)
    uniforms = rng.random(len(users))
    return churned_users(
        users,
        uniforms,
        product,
        adjacency.indptr,
        adjacency.indices,
        float(user_churn_rate),
        np.asarray(quality, dtype=np.float64),
        np.asarray(collaborative, dtype=np.bool_),
    )


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
