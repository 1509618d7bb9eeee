"""Per-contract loops of mechanisms 5 and 6 (Numba): rollouts and the challenger.

A renewal (mechanism 6) and a won deal (mechanism 5) went contract by contract with
about twenty numpy calls each, on an enterprise of about a hundred employees: the
calls cost more than their arithmetic. Two of those passes are loops here:

* :func:`idle_chosen` and :func:`mandate`: a mandated rollout to ``share`` of an
  enterprise's non-users (``idle & (u < share)`` on one uniform per employee, drawn by
  the caller from the model's generator as before), and the product given to them;
* :func:`challenger`: the vendor with the most users in the enterprise other than the
  incumbent (``np.argmax`` of the row with the incumbent's count set to -1: the first
  of equals).

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
def challenger(users, incumbent):
    """The first vendor with the most users other than ``incumbent`` (-1 if there is no
    other vendor column): ``np.argmax`` of ``users`` with ``users[incumbent] = -1``."""
    best, most = -1, np.int64(-2)
    for v in range(users.shape[0]):
        u = np.int64(-1) if v == incumbent else np.int64(users[v])
        if u > most:
            best, most = v, u
    return best


_warm = False


def warm_up() -> None:
    """Compile (or load from the cache) the loops for the model's dtypes, once a process."""
    global _warm
    if _warm:
        return
    product = np.full(2, -1, dtype=np.int32)
    chosen = idle_chosen(product, 0, np.zeros(2), 0.5, -1)
    mandate(product, np.zeros(2, dtype=bool), np.zeros(2, dtype=np.int32), chosen, 0, 1)
    challenger(np.zeros(2, dtype=np.int64), 0)
    _warm = True
