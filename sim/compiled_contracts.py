"""Per-contract loops of mechanisms 5 and 6 (Numba): rollouts and the challenger.

A renewal (mechanism 6) and a won deal (mechanism 5) went contract by contract with
about twenty numpy calls each, on an enterprise of about a hundred employees: the
calls cost more than their arithmetic. Two of those passes are loops here:

* :func:`idle_chosen` and :func:`mandate`: a mandated rollout to ``share`` of an
  enterprise's non-users (``idle & (u < share)`` on one uniform per employee, drawn by
  the caller from the model's generator as before), and the product given to them;
  :func:`rollout_mandate` does both at once where nothing comes between (a renewal's
  expansion);
* :func:`challenger`: the vendor with the most users in the enterprise other than the
  incumbent (``np.argmax`` of the row with the incumbent's count set to -1: the first
  of equals);
* :func:`team_plan_seats`: a team plan's seats, its paid users and the colleagues on
  the product they reach through the org network (a gather of CSR rows and an
  ``np.unique`` per hop before);
* :func:`committed_acv`: the annual value of an enterprise's contracts, summed in the
  order ``ndarray.sum`` sums (:func:`numpy_sum`);
* :func:`self_serve_users`: who in an enterprise signed up for the vendor (the team
  plan's purchaser is one of them; four numpy calls and ``np.flatnonzero`` before);
* :func:`end_mandates`: an ended contract's employees, the vendor's mandated users
  losing the product and its other users their team-plan seats (eight numpy calls on
  the enterprise's slice before).

The same comparisons as the numpy code, so results are bit for bit the same
(``tests/test_bit_identical.py``; ``tests/test_compiled_contracts.py`` compares each
with its numpy form).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def idle_chosen(emp_product, start, uniforms, share, no_product):
    """Employees ``start + i`` with no product and ``uniforms[i] < share`` (ascending)."""
    n = uniforms.shape[0]
    chosen = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        if emp_product[start + i] == no_product and uniforms[i] < share:
            chosen[k] = start + i
            k += 1
    return chosen[:k]


@njit(cache=True, nogil=True)
def mandate(emp_product, emp_mandated, emp_since, chosen, vendor, step):
    """Give ``chosen`` the vendor's product by mandate, since ``step``."""
    for i in chosen:
        emp_product[i] = vendor
        emp_mandated[i] = True
        emp_since[i] = step


@njit(cache=True, nogil=True)
def rollout_mandate(
    emp_product, emp_mandated, emp_since, start, uniforms, share, no_product, vendor, step
):
    """:func:`idle_chosen` then :func:`mandate`, in one pass: returns how many were given
    the product (each employee's choice reads only its own product, which the mandate
    then writes)."""
    k = 0
    for i in range(uniforms.shape[0]):
        j = start + i
        if emp_product[j] == no_product and uniforms[i] < share:
            emp_product[j] = vendor
            emp_mandated[j] = True
            emp_since[j] = step
            k += 1
    return k


@njit(cache=True, nogil=True)
def self_serve_users(emp_product, emp_mandated, off, size, vendor):
    """``np.flatnonzero((product == vendor) & ~mandated)`` on the enterprise's rows ``off``
    to ``off + size``: positions in the enterprise, ascending."""
    found = np.empty(size, dtype=np.int64)
    k = 0
    for i in range(size):
        if emp_product[off + i] == vendor and not emp_mandated[off + i]:
            found[k] = i
            k += 1
    return found[:k]


@njit(cache=True, nogil=True)
def end_mandates(emp_product, emp_mandated, emp_paid, off, size, vendor, no_product):
    """:func:`sim.contracting.end_contract` on the enterprise's rows ``off`` to
    ``off + size``: the vendor's users by mandate lose the product (and the mandate),
    then :func:`sim.contracting.release_team_seats` (``paid &= product != vendor``),
    which leaves a user who just lost the product as paid as it was."""
    for i in range(off, off + size):
        if emp_product[i] == vendor:
            if emp_mandated[i]:
                emp_product[i] = no_product
                emp_mandated[i] = False
            else:
                emp_paid[i] = False


@njit(cache=True, nogil=True)
def challenger(users, incumbent):
    """The first vendor with the most users other than ``incumbent`` (-1 if there is no
    other vendor column): ``np.argmax`` of ``users`` with ``users[incumbent] = -1``."""
    best, most = -1, np.int64(-2)
    for v in range(users.shape[0]):
        u = np.int64(-1) if v == incumbent else np.int64(users[v])
        if u > most:
            best, most = v, u
    return best


@njit(cache=True, nogil=True)
def team_plan_seats(
    indptr, indices, emp_product, emp_paid, off, size, vendor, purchaser, workspace
):
    """:func:`sim.contracting.team_seats` on the enterprise's rows ``off`` to ``off + size``.

    ``paid`` starts as the vendor's users who hold a seat (and ``off + purchaser`` if
    ``purchaser >= 0``); each hop marks the colleagues of the last hop's paid users who
    use the product; ``workspace`` hops until nothing is added, else once. Writes
    ``emp_paid`` (the others' seats unchanged) and returns the seats. The set of seats
    does not depend on the order a hop visits them, so it is the numpy code's.
    """
    on = np.empty(size, dtype=np.bool_)
    paid = np.empty(size, dtype=np.bool_)
    frontier = np.empty(size, dtype=np.int64)
    n_front = 0
    for i in range(size):
        on[i] = emp_product[off + i] == vendor
        paid[i] = emp_paid[off + i] and on[i]
    if purchaser >= 0:
        paid[purchaser] = True
    for i in range(size):
        if paid[i]:
            frontier[n_front] = i
            n_front += 1
    reached = np.empty(size, dtype=np.int64)
    while n_front:
        n_reached = 0
        for f in frontier[:n_front]:
            for j in indices[indptr[off + f] : indptr[off + f + 1]]:
                local = j - off
                if on[local] and not paid[local]:
                    paid[local] = True
                    reached[n_reached] = local
                    n_reached += 1
        frontier[:n_reached] = reached[:n_reached]
        n_front = n_reached if workspace else 0
    seats = 0
    for i in range(size):
        emp_paid[off + i] = paid[i] or (emp_paid[off + i] and not on[i])
        if paid[i]:
            seats += 1
    return seats


@njit(cache=True, nogil=True)
def _block_sum(a, lo, n):
    """NumPy's ``pairwise_sum`` of at most 128 items ``a[lo:lo + n]``
    (numpy/_core/src/umath/loops_utils.h): a plain sum below 8, else eight running sums."""
    if n < 8:
        res = -0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    m = n - n % 8
    for i in range(lo + 8, lo + m, 8):
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for i in range(lo + m, lo + n):
        res += a[i]
    return res


@njit(cache=True, nogil=True)
def _pairwise(a, n):
    """NumPy's ``pairwise_sum`` of ``a[:n]``: above 128 items, the sum of the two halves
    (the first a multiple of 8), each summed the same way. NumPy recurses; this walks the
    same tree with a stack (a cached Numba function must not call itself)."""
    if n <= 128:
        return _block_sum(a, 0, n)
    depth = 64  # halving from 2**63 items
    lo, size, stage = np.empty(depth, np.int64), np.empty(depth, np.int64), np.empty(depth, np.int8)
    sums = np.empty(depth + 1, dtype=np.float64)
    lo[0], size[0], stage[0] = 0, n, 0
    top, n_sums = 1, 0
    while top:
        t = top - 1
        if size[t] <= 128:
            sums[n_sums] = _block_sum(a, lo[t], size[t])
            n_sums += 1
            top -= 1
            continue
        half = size[t] // 2
        half -= half % 8
        if stage[t] < 2:  # visit the first half, then the second
            start = lo[t] if stage[t] == 0 else lo[t] + half
            length = half if stage[t] == 0 else size[t] - half
            stage[t] += 1
            lo[top], size[top], stage[top] = start, length, 0
            top += 1
        else:  # both halves summed: first + second
            sums[n_sums - 2] = sums[n_sums - 2] + sums[n_sums - 1]
            n_sums -= 1
            top -= 1
    return sums[0]


@njit(cache=True, nogil=True)
def numpy_sum(a):
    """``a.sum()`` of a contiguous float64 array, bit for bit: the reduction starts from
    the identity 0 and adds the pairwise sum of every item."""
    return 0.0 + _pairwise(a, a.shape[0])


@njit(cache=True, nogil=True)
def committed_acv(contracts_row, contract_vendor, acv, exclude_vendor):
    """``acv[ids].sum()`` of the row's contracts (``ids >= 0``) not of ``exclude_vendor``
    (-1 excludes none): :func:`sim.contracting.committed_spend`."""
    values = np.empty(contracts_row.shape[0], dtype=np.float64)
    k = 0
    for cid in contracts_row:
        if cid >= 0 and contract_vendor[cid] != exclude_vendor:
            values[k] = acv[cid]
            k += 1
    return numpy_sum(values[:k])


_warm = False


def warm_up() -> None:
    """Compile (or load from the cache) the loops for the model's dtypes, once a process."""
    global _warm
    if _warm:
        return
    product = np.full(2, -1, dtype=np.int32)
    chosen = idle_chosen(product, 0, np.zeros(2), 0.5, -1)
    mandate(product, np.zeros(2, dtype=bool), np.zeros(2, dtype=np.int32), chosen, 0, 1)
    end_mandates(product, np.zeros(2, dtype=bool), np.zeros(2, dtype=bool), 0, 2, 0, -1)
    self_serve_users(product, np.zeros(2, dtype=bool), 0, 2, 0)
    rollout_mandate(
        product, np.zeros(2, dtype=bool), np.zeros(2, dtype=np.int32), 0, np.zeros(2), 0.5, -1, 0, 1
    )
    challenger(np.zeros(2, dtype=np.int64), 0)
    indptr, indices = np.array([0, 1, 2], dtype=np.int32), np.array([1, 0], dtype=np.int32)
    team_plan_seats(indptr, indices, product, np.zeros(2, dtype=bool), 0, 2, 0, -1, True)
    committed_acv(np.zeros(2, dtype=np.int64), np.zeros(1, dtype=np.int32), np.ones(1), -1)
    numpy_sum(np.ones(1))
    _warm = True
