"""Compiled loops the model no longer calls, kept as the tests' references.

Each was, in its time, the model's loop for a step (docstrings as they were), tested
against the numpy expression it replaced (``tests/test_compiled.py``); the loops that
replaced them in turn (``sim/compiled_selfserve.py``, ``sim/compiled_turnover.py``,
``sim/compiled_outputs.py``) are tested against these, so the chain back to numpy stays
checked without the model carrying dead code.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def churned_users(users, uniforms, product, indptr, indices, rate, quality, collaborative):
    """Users whose uniform falls below their chance to stop (mechanism 2).

    ``p = rate * (1 - quality[v])``, times ``1 - share`` for a collaborative product,
    ``share`` the user's neighbours on the same product over the user's degree (0 for
    an isolated user), computed as :func:`sim.kernels.user_churn` computed it.
    """
    out = np.empty(users.shape[0], dtype=np.int64)
    k = 0
    for i in range(users.shape[0]):
        j = users[i]
        v = product[j]
        p = rate * (1.0 - quality[v])
        if collaborative[v]:
            start, stop = indptr[j], indptr[j + 1]
            same = 0
            for t in range(start, stop):
                if product[indices[t]] == v:
                    same += 1
            degree = stop - start
            share = same / degree if degree > 0 else 0.0
            p *= 1.0 - share
        if uniforms[i] < p:
            out[k] = j
            k += 1
    return out[:k]


@njit(cache=True, nogil=True)
def freemium_counts(
    emp_product, emp_mandated, emp_paid, emp_enterprise, holder, kind, enterprise, self_serve
):
    """``(counted, paid, users)``: the two counts of
    :func:`sim.reporting.freemium_conversion` and the employees with a product
    (``count_nonzero(product >= 0)``, the ``users`` metric), in one pass.

    ``holder[e]`` is the vendor holding enterprise ``e``'s agreement (-1: none) and
    ``kind[e]`` its kind; ``enterprise`` and ``self_serve`` are the kind codes of a
    rep-sold and a self-serve agreement.

    Written without branches (each test adds 0 or 1): which employees count follows
    no pattern a branch predictor learns, and the branchless loop took two thirds of
    the time of the one with ``continue`` (61,438 employees, week 150).
    """
    counted = 0
    paid = 0
    users = 0
    for i in range(emp_product.shape[0]):
        v = emp_product[i]
        e = emp_enterprise[i]
        k = kind[e]
        own = np.int64(holder[e] == v)
        user = np.int64(v >= 0)
        users += user
        c = user & (1 - np.int64(emp_mandated[i])) & (1 - (own & np.int64(k == enterprise)))
        counted += c
        paid += c & (np.int64(emp_paid[i]) | (own & np.int64(k == self_serve)))
    return counted, paid, users


@njit(cache=True, nogil=True)
def neighbour_columns(rows, product, lookup, indptr, indices, m):
    """``k[i, c]``: neighbours of ``rows[i]`` whose product is in column ``c``, read
    from the rows' side (``lookup[product + 1]``: a product's column, ``-1`` none).

    :func:`sim.kernels.neighbour_counts`' gather and bincount in one loop (integer
    counts: the same whatever the order).
    """
    k = np.zeros((rows.shape[0], m), dtype=np.int64)
    for i in range(rows.shape[0]):
        r = rows[i]
        for t in range(indptr[r], indptr[r + 1]):
            c = lookup[product[indices[t]] + 1]
            if c >= 0:
                k[i, c] += 1
    return k


@njit(cache=True, nogil=True)
def neighbour_columns_of_users(rows, users, user_column, n, indptr, indices, m):
    """The same counts read from the users' side: each user ``users[u]`` (product in
    column ``user_column[u]``) adds one to each neighbour that is among ``rows``."""
    local = np.full(n, -1, dtype=np.int64)
    for i in range(rows.shape[0]):
        local[rows[i]] = i
    k = np.zeros((rows.shape[0], m), dtype=np.int64)
    for u in range(users.shape[0]):
        r = users[u]
        c = user_column[u]
        for t in range(indptr[r], indptr[r + 1]):
            li = local[indices[t]]
            if li >= 0:
                k[li, c] += 1
    return k


@njit(cache=True, nogil=True)
def below_bound(colleague, openness, marketing, uniforms, read_all):
    """Positions of the candidates whose uniform falls below their bound on adopting.

    The bound is :func:`sim.kernels.self_serve_adoption`'s, computed in its order:
    ``(colleague + openness * marketing) * (1 + 1e-9) + 1e-9``; ``read_all`` makes it
    infinite (hazards outside [0, 1]).
    """
    out = np.empty(uniforms.shape[0], dtype=np.int64)
    k = 0
    for i in range(uniforms.shape[0]):
        bound = colleague[i] + openness[i] * marketing
        bound *= 1.0 + 1e-9
        bound += 1e-9
        if read_all or uniforms[i] < bound:
            out[k] = i
            k += 1
    return out[:k]


@njit(cache=True, nogil=True)
def joiners(invitee, product, uniforms, openness, team_invites):
    """Invitees whose uniform is below ``min(1, team_invites * openness)``, ascending,
    each with the product of the first workspace it joins."""
    first = {}
    for i in range(invitee.shape[0]):
        j = invitee[i]
        if uniforms[i] < min(1.0, team_invites * openness[j]) and j not in first:
            first[j] = product[i]
    ids = np.empty(len(first), dtype=np.int64)
    for k, j in enumerate(first):
        ids[k] = j
    ids.sort()
    out = np.empty(len(first), dtype=np.int64)
    for i in range(ids.shape[0]):
        out[i] = first[ids[i]]
    return ids, out


@njit(cache=True, nogil=True)
def below(uniforms, p):
    """Positions where ``uniforms < p`` (a scalar), ascending: ``flatnonzero(u < p)``."""
    out = np.empty(uniforms.shape[0], dtype=np.int64)
    k = 0
    for i in range(uniforms.shape[0]):
        if uniforms[i] < p:
            out[k] = i
            k += 1
    return out[:k]
