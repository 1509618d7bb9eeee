"""Users per (enterprise, vendor): kept by the changes a step makes, not recounted.

``model.users_ev`` is what the mechanisms read. A step used to recount it from every
employee's product three times a week (after self-serve adoption and churn, after
the pipeline, after generational change): three passes over the employees, about a
tenth of a default run's CPU time. The counts now follow the changes instead:

- the changes whose employees the model knows (self-serve sign-ups, team invites,
  user churn, leavers who take their product with them) are added as ``+1`` / ``-1``
  at each employee's (enterprise, old or new product) (:meth:`UserCounts.added`,
  :meth:`UserCounts.removed`);
- an ended contract (its mandated users lose the product) marks its enterprise's row,
  which is recounted from that enterprise's employees alone
  (:meth:`UserCounts.stale_row`, called by :func:`sim.contracting.end_contract`);
- a vendor that exits loses every user: its column becomes zero
  (:meth:`UserCounts.stale_column`);
- a rollout or a won agreement already adds its users to ``users_ev`` where it is
  made (:func:`sim.contracting.provision`, :func:`sim.contracting.sell_agreement`).

:meth:`UserCounts.settle` applies what is pending at the points where the step
recounted, so every mechanism reads the numbers it read before, including the ones
that were out of date between two recounts (a row whose contract ended stays as it
was until the next recount, as it did): the results are bit for bit the same
(``tests/test_bit_identical.py``; ``tests/test_user_counts.py`` checks each settle
against a full recount). Code that changes employees' products outside a step, other
than through these functions, calls ``model._refresh_users()`` (a full recount).

The loops are compiled (Numba, cached like :mod:`sim.compiled`); integer counts, so
the order of the additions does not matter.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.compiled import count_users


@njit(cache=True, nogil=True)
def shift_users(counts, emp_enterprise, ids, products, step):
    """``counts[enterprise of ids[i], products[i]] += step`` (no product, ``-1``: nothing)."""
    for i in range(ids.shape[0]):
        v = products[i]
        if v >= 0:
            counts[emp_enterprise[ids[i]], v] += step


@njit(cache=True, nogil=True)
def recount_rows(counts, emp_product, ent_offset, ent_size, rows):
    """Recount the listed enterprises' rows from their employees (contiguous ids)."""
    for e in rows:
        counts[e, :] = 0
        start = ent_offset[e]
        for i in range(start, start + ent_size[e]):
            v = emp_product[i]
            if v >= 0:
                counts[e, v] += 1


@njit(cache=True, nogil=True)
def users_and_candidates(emp_product, ent_offset, ent_size, ent_on_prem):
    """The users (a product) and the self-serve candidates (none, in an enterprise that
    is not on-prem only), each ascending.

    The same two lists as :func:`sim.compiled.users_of` and
    :func:`sim.compiled.self_serve_candidates`. Written without branches (every id is
    written to its list and the count moves on by 0 or 1): whether an employee uses a
    product follows no pattern a branch predictor learns, and in a run, where each
    week's products differ a little from the last, the loop with branches mispredicts
    about a third of the time. Two loops, not one: the candidates are read enterprise
    by enterprise (an enterprise's employees are the contiguous ids from
    ``ent_offset``), so an on-prem enterprise is passed over whole and no employee's
    enterprise is looked up, and each loop carries one count (0.07 ms a week at
    100,000 employees, against 0.09 for one loop over the employees and their
    enterprises).
    """
    n = emp_product.shape[0]
    users = np.empty(n, dtype=np.int64)
    ku = 0
    for i in range(n):
        users[ku] = i
        ku += np.int64(emp_product[i] >= 0)
    candidates = np.empty(n, dtype=np.int64)
    kc = 0
    for e in range(ent_offset.shape[0]):
        if ent_on_prem[e]:
            continue
        start = ent_offset[e]
        # the enterprise's slice, indexed from 0: no wraparound test in the loop
        product = emp_product[start : start + ent_size[e]]
        for j in range(product.shape[0]):
            candidates[kc] = start + j
            kc += np.int64(product[j] < 0)
    return users[:ku], candidates[:kc]


_EMPTY = np.empty(0, dtype=np.int64)


class UserCounts:
    """The changes to users per (enterprise, vendor) since the last settle.

    Parameters
    ----------
    population : :class:`sim.population.Population` (its employee arrays are read
        when a row is recounted).
    """

    def __init__(self, population) -> None:
        self.population = population
        self._clear()

    def _clear(self) -> None:
        self._added: list[tuple[np.ndarray, np.ndarray]] = []
        self._removed: list[tuple[np.ndarray, np.ndarray]] = []
        self._rows: set[int] = set()
        self._columns: set[int] = set()

    def count(self, n_vendor_codes: int) -> np.ndarray:
        """A full recount from every employee; nothing is pending afterwards."""
        pop = self.population
        self._clear()
        return count_users(pop.emp_enterprise, pop.emp_product, len(pop.ent_size), n_vendor_codes)

    def added(self, ids: np.ndarray, products: np.ndarray) -> None:
        """Employees ``ids`` took up ``products`` (they used nothing before)."""
        if len(ids):
            self._added.append((np.asarray(ids, dtype=np.int64), np.array(products, np.int64)))

    def removed(self, ids: np.ndarray, products: np.ndarray) -> None:
        """Employees ``ids`` stopped using ``products`` (their product before)."""
        if len(ids):
            self._removed.append((np.asarray(ids, dtype=np.int64), np.array(products, np.int64)))

    def stale_row(self, enterprise: int) -> None:
        """Enterprise ``enterprise``'s products changed in a way not reported: recount it."""
        self._rows.add(int(enterprise))

    def stale_column(self, vendor: int) -> None:
        """Vendor ``vendor`` lost every user (it exited)."""
        self._columns.add(int(vendor))

    def settle(self, base: np.ndarray, in_place: bool = False) -> np.ndarray:
        """``base`` (the counts at the last settle, with what the mechanisms added to
        them since) plus the pending changes: a new array, or ``base`` itself changed in
        place with ``in_place``; nothing is pending afterwards.

        Most settles have little or nothing pending (the one after the pipeline, most
        weeks), so nothing is allocated or called for what is not pending.
        """
        counts = base if in_place else base.copy()
        if not (self._added or self._removed or self._rows or self._columns):
            return counts
        pop = self.population
        for ids, products in self._removed:
            shift_users(counts, pop.emp_enterprise, ids, products, -1)
        for ids, products in self._added:
            shift_users(counts, pop.emp_enterprise, ids, products, 1)
        for v in self._columns:
            counts[:, v] = 0
        if self._rows:
            rows = np.array(sorted(self._rows), dtype=np.int64)
            recount_rows(counts, pop.emp_product, pop.ent_offset, pop.ent_size, rows)
        self._clear()
        return counts


def warm_up() -> None:
    """Compile (or load) this module's loops for the model's dtypes (``int32`` products
    and enterprises, ``int64`` ids and offsets); called by :func:`sim.compiled.warm_up`'s
    caller, the model's build."""
    e = np.zeros(2, dtype=np.int32)
    p = np.array([0, -1], dtype=np.int32)
    counts = np.zeros((1, 1), dtype=np.int64)
    ids = np.zeros(1, dtype=np.int64)
    shift_users(counts, e, ids, ids, 1)
    recount_rows(counts, p, np.zeros(1, dtype=np.int64), np.full(1, 2, dtype=np.int64), ids)
    users_and_candidates(
        p, np.zeros(1, dtype=np.int64), np.full(1, 2, dtype=np.int64), np.zeros(1, dtype=bool)
    )
