"""Compiled per-employee passes (Numba): one loop where numpy made several array passes.

A week of a 20,000-employee market made some forty numpy passes over the employee
arrays, each allocating a temporary (a mask, a gather, a bincount's keys). The loops
here do the same work in one pass each, with no temporaries. They draw no random
numbers: every uniform is still drawn by the model's ``numpy.random.Generator`` in
the caller, in the same order and the same number as before, and the loops apply
the same IEEE operations in the same order (no ``fastmath``), so a seed's results
are bit for bit those of the numpy code (``tests/test_bit_identical.py``;
``tests/test_compiled.py`` compares each loop with the numpy expression it replaced).

Compiled functions are cached on disk (``cache=True``: next to this file in
``__pycache__``, or under ``NUMBA_CACHE_DIR`` / the user's cache directory when the
tree is read-only), so only the first process after a change pays the compile
(docs/performance.md gives the figures); :func:`warm_up` compiles them all at once.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def count_users(emp_enterprise, emp_product, n_enterprises, n_vendor_codes):
    """Users per (enterprise, vendor code), ``int64 (n_enterprises, n_vendor_codes)``.

    An employee with no product (``-1``) counts nowhere.
    """
    counts = np.zeros((n_enterprises, n_vendor_codes), dtype=np.int64)
    for i in range(emp_product.shape[0]):
        v = emp_product[i]
        if v >= 0:
            counts[emp_enterprise[i], v] += 1
    return counts


@njit(cache=True, nogil=True)
def users_of(emp_product):
    """Ids of the employees who use a product, ascending (``flatnonzero(product >= 0)``)."""
    out = np.empty(emp_product.shape[0], dtype=np.int64)
    k = 0
    for i in range(emp_product.shape[0]):
        if emp_product[i] >= 0:
            out[k] = i
            k += 1
    return out[:k]


@njit(cache=True, nogil=True)
def self_serve_candidates(emp_product, emp_enterprise, ent_on_prem):
    """Employees with no product in an enterprise that is not on-prem only, ascending."""
    out = np.empty(emp_product.shape[0], dtype=np.int64)
    k = 0
    for i in range(emp_product.shape[0]):
        if emp_product[i] < 0 and not ent_on_prem[emp_enterprise[i]]:
            out[k] = i
            k += 1
    return out[:k]


@njit(cache=True, nogil=True)
def product_weights(emp_product, by_code, old_w):
    """``w = by_code[product + 1]`` and the ids where ``w`` differs from ``old_w``.

    ``old_w`` of length 0 means no previous week: every id is then reported changed
    only through the caller (it recomputes), and ``changed`` comes back empty.
    """
    n = emp_product.shape[0]
    w = np.empty(n, dtype=np.float64)
    changed = np.empty(n if old_w.shape[0] == n else 0, dtype=np.int64)
    k = 0
    compare = old_w.shape[0] == n
    for i in range(n):
        x = by_code[emp_product[i] + 1]
        w[i] = x
        if compare and x != old_w[i]:
            changed[k] = i
            k += 1
    return w, changed[:k]


@njit(cache=True, nogil=True)
def changed_edges(indptr, rows):
    """Edges of the listed rows: their degrees summed."""
    total = 0
    for r in rows:
        total += indptr[r + 1] - indptr[r]
    return total


@njit(cache=True, nogil=True)
def update_weights(emp_product, by_code, w):
    """``w = by_code[product + 1]`` in place; the ids where it changed and each change.

    Returns ``(changed, delta)``, ascending ids and ``new - old`` at each: what
    :func:`product_weights` found against last week's ``w``, without writing a new
    array of every employee's weight (most keep theirs from one week to the next).
    """
    n = emp_product.shape[0]
    changed = np.empty(n, dtype=np.int64)
    delta = np.empty(n, dtype=np.float64)
    k = 0
    for i in range(n):
        x = by_code[emp_product[i] + 1]
        if x != w[i]:
            changed[k] = i
            delta[k] = x - w[i]
            w[i] = x
            k += 1
    return changed[:k], delta[:k]


@njit(cache=True, nogil=True)
def add_changes(sums, changed, delta, indptr, indices, scratch):
    """``sums += A @ d`` over the changed rows (``d = delta`` there), as numpy's bincount adds it.

    The differences are first summed per neighbour in ``scratch`` (all zeros, and left
    so), in the order ``np.bincount(nbr, weights=delta)`` adds them, then each sum is
    added once: the same floats as ``sums += np.bincount(...)``.
    """
    touched = np.empty(changed_edges(indptr, changed), dtype=np.int64)
    k = 0
    for i in range(changed.shape[0]):
        r = changed[i]
        d = delta[i]
        for t in range(indptr[r], indptr[r + 1]):
            j = indices[t]
            if scratch[j] == 0.0:
                touched[k] = j
                k += 1
            scratch[j] += d
    for i in range(k):
        j = touched[i]
        sums[j] += scratch[j]
        scratch[j] = 0.0


@njit(cache=True, nogil=True)
def invitations(adopters, products, emp_product, indptr, indices):
    """Mechanism 1b's invitations: ``(invitee, product)`` pairs, in the model's order.

    An adopter none of whose colleagues uses its product starts a workspace; each of
    its colleagues with no product who is not adopting this week is invited to it.
    Pairs come adopter by adopter, colleagues in the network's order (what
    :meth:`sim.model.MarketModel._invites` drew one uniform each for).
    """
    adopting = np.zeros(emp_product.shape[0], dtype=np.bool_)
    for a in adopters:
        adopting[a] = True
    total = 0
    for a in adopters:
        total += indptr[a + 1] - indptr[a]
    invitee = np.empty(total, dtype=np.int64)
    product = np.empty(total, dtype=np.int64)
    k = 0
    for i in range(adopters.shape[0]):
        a, v = adopters[i], products[i]
        start, stop = indptr[a], indptr[a + 1]
        first = True
        for t in range(start, stop):
            if emp_product[indices[t]] == v:
                first = False
                break
        if not first:
            continue
        for t in range(start, stop):
            j = indices[t]
            if emp_product[j] < 0 and not adopting[j]:
                invitee[k] = j
                product[k] = v
                k += 1
    return invitee[:k], product[:k]


_warm = False


def warm_up() -> None:
    """Compile (or load from the cache) every function here, for the model's dtypes.

    :class:`sim.model.MarketModel` calls it when it builds a market, so the cost lands
    in the first build of a process, never in a step: about 0.4 s of CPU to load the
    cache (most of it Numba's start, whatever the number of functions), or several
    seconds to compile on a cold cache. The inputs are tiny but typed as the model's
    arrays are (``int32`` employee fields and network indices, ``int8`` contract
    kinds), so a run after it compiles nothing more (``tests/test_compiled.py``).
    Later calls return at once.
    """
    global _warm
    if _warm:
        return
    e = np.zeros(2, dtype=np.int32)
    p = np.array([0, -1], dtype=np.int32)
    b = np.zeros(2, dtype=bool)
    ids = np.zeros(1, dtype=np.int64)
    indptr = np.array([0, 1, 2], dtype=np.int32)
    indices = np.array([1, 0], dtype=np.int32)
    x = np.zeros(2)
    count_users(e, p, 1, 1)
    users_of(p)
    self_serve_candidates(p, e, b)
    w, changed = product_weights(p, np.zeros(2), x)
    changed_edges(indptr, ids)
    changed, delta = update_weights(p, np.zeros(2), w)
    add_changes(x.copy(), changed, delta, indptr, indices, np.zeros(2))
    invitations(ids, ids, p, indptr, indices)
    from sim import user_counts  # its loops import this module's count_users

    user_counts.warm_up()
    __import__("sim.compiled_selfserve").compiled_selfserve.warm_up()  # mechanisms 1-2
    __import__("sim.compiled_turnover").compiled_turnover.warm_up()  # mechanism 11, outputs
    __import__("sim.compiled_skips").compiled_skips.warm_up()  # leavers and churn by skips
    _warm = True
