"""Compiled passes of the weekly outputs (Numba): the figures a full record reads.

A ``record="full"`` week computes some forty model-level figures
(:func:`sim.reporting.market_figures`) and net revenue retention; on a
20,000-employee market that was a quarter of a millisecond a week, most of it the
fixed cost of small numpy calls (a mask, a gather, a sort of a few hundred contracts)
and one pass over the employees. The loops here do the same counting in one call
each; :func:`vendor_outcomes` also gives every run, lean or full, its per-vendor ARR,
customers and users, and :func:`sim.economics.settle_cash` its week's revenue.

They draw no random numbers, and they add no floats in a new order: counts are
integers (any order gives the same); the one float sum, :func:`vendor_outcomes`'s, is
numpy's weighted ``bincount``, which adds each weight to its bin one after another in
the order of the ids, as the loop does; everywhere else a float is only copied or
compared, and the sums are left to numpy (its pairwise summation is not a loop's
order). So a seed's figures are bit for bit those of the numpy code
(``tests/test_record.py``, ``tests/test_bit_identical.py``;
``tests/test_compiled_outputs.py`` compares each loop with the numpy expression it
replaced).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def freemium_counts_by_enterprise(
    emp_product,
    emp_mandated,
    emp_paid,
    ent_offset,
    ent_size,
    agreement_at,
    contract_vendor,
    contract_kind,
    enterprise,
    self_serve,
):
    """``(counted, paid, users)`` of :func:`tests.compiled_reference.freemium_counts`, enterprise by
    enterprise.

    The agreement's holder and kind are looked up once per enterprise (what
    ``model.agreement_holders()`` and ``contracts.kind_of(agreement_at)`` gave for all
    of them: ``-1`` where no agreement is held), and the loop over an enterprise's
    employees (contiguous ids from ``ent_offset``) reads only their product, mandated
    and paid flags: no branch and no gather, so it vectorises (7 microseconds for
    18,893 employees against 37 for the pass with the per-employee gathers). ``enterprise`` and
    ``self_serve`` are the kind codes of a rep-sold and a self-serve agreement.
    """
    counted = 0
    paid = 0
    users = 0
    for e in range(ent_offset.shape[0]):
        held = agreement_at[e]
        holder = -1
        kind = -1
        if held >= 0:
            holder = np.int64(contract_vendor[held])
            kind = np.int64(contract_kind[held])
        rep_sold = np.int64(kind == enterprise)
        bought_inbound = np.int64(kind == self_serve)
        # an enterprise's slices, indexed from 0: an index known to be non-negative
        # needs no wraparound test, and without it the loop vectorises (5x faster)
        start, end = ent_offset[e], ent_offset[e] + ent_size[e]
        product, mandated, paid_seat = (
            emp_product[start:end],
            emp_mandated[start:end],
            emp_paid[start:end],
        )
        for i in range(product.shape[0]):
            v = product[i]
            own = np.int64(v == holder)
            user = np.int64(v >= 0)
            users += user
            c = user & (1 - np.int64(mandated[i])) & (1 - (own & rep_sold))
            counted += c
            paid += c & (np.int64(paid_seat[i]) | (own & bought_inbound))
    return counted, paid, users


@njit(cache=True, nogil=True)
def account_arr(ids, contract_enterprise, contract_vendor, contract_acv, pair_key):
    """``(keys, acv, unique)``: the contracts ``ids`` as (enterprise, vendor) accounts,
    keys ascending, and whether no account holds two of them.

    ``key = enterprise * pair_key + vendor`` (``vendor < pair_key``), each with its
    contract's ACV, in the order of numpy's stable ``argsort(keys, kind="stable")``: a
    counting sort by enterprise (stable), then each enterprise's few contracts by vendor
    (a stable insertion sort), linear in the contracts where the merge sort it replaced
    took a quarter of this pass's time again and again. With ``unique`` these are what
    :func:`sim.reporting.net_revenue_retention` kept after summing the ACV of equal keys
    (a run of one key sums to its one ACV, bit for bit); without it the caller sums the
    runs with numpy, in numpy's order.
    """
    k = ids.shape[0]
    n_ent = 0
    for j in range(k):
        n_ent = max(n_ent, np.int64(contract_enterprise[ids[j]]) + 1)
    start = np.zeros(n_ent + 1, dtype=np.int64)  # each enterprise's first place
    for j in range(k):
        start[np.int64(contract_enterprise[ids[j]]) + 1] += 1
    for e in range(n_ent):
        start[e + 1] += start[e]
    order = np.empty(k, dtype=np.int64)
    fill = start[:-1].copy()
    for j in range(k):
        e = np.int64(contract_enterprise[ids[j]])
        order[fill[e]] = ids[j]
        fill[e] += 1
    keys = np.empty(k, dtype=np.int64)
    acv = np.empty(k, dtype=np.float64)
    for e in range(n_ent):
        lo = start[e]
        for j in range(lo, start[e + 1]):
            key = e * pair_key + contract_vendor[order[j]]
            value = contract_acv[order[j]]
            at = j
            while at > lo and keys[at - 1] > key:  # strictly greater: equal keys keep order
                keys[at] = keys[at - 1]
                acv[at] = acv[at - 1]
                at -= 1
            keys[at] = key
            acv[at] = value
    unique = True
    for j in range(1, k):
        if keys[j] == keys[j - 1]:
            unique = False
    return keys, acv, unique


@njit(cache=True, nogil=True)
def retained_accounts(keys, acv, old_keys, old_acv, alive, pair_key):
    """``(then, now)``: the ARR a year ago and now of the accounts of a year ago whose
    vendor is alive now (``alive[key % pair_key]``), in the order of ``old_keys``.

    ``now`` is the account's ACV in ``keys``/``acv`` (ascending, unique), 0 where it
    holds no contract now: numpy's ``searchsorted`` of the old keys in the new, as
    :func:`sim.reporting.net_revenue_retention` found them, walked as one merge.
    """
    n_old = old_keys.shape[0]
    then = np.empty(n_old, dtype=np.float64)
    now = np.empty(n_old, dtype=np.float64)
    m = 0
    at = 0
    for j in range(n_old):
        key = old_keys[j]
        if not alive[key % pair_key]:
            continue
        while at < keys.shape[0] and keys[at] < key:
            at += 1
        then[m] = old_acv[j]
        now[m] = acv[at] if at < keys.shape[0] and keys[at] == key else 0.0
        m += 1
    return then[:m], now[:m]


@njit(cache=True, nogil=True)
def vendor_outcomes(active, contract_vendor, contract_acv, users_ev, weeks_per_year):
    """``(ids, arr, customers, users)``: the active contract ids and per vendor code the
    ACV (divided by ``weeks_per_year``, 1 for ARR), the contracts and the users.

    What ``ids = flatnonzero(active)``, ``bincount(vendor[ids], weights=acv[ids] /
    weeks_per_year, minlength=n_codes)``, ``bincount(vendor[ids], minlength=n_codes)``
    and ``users_ev.sum(axis=0)`` gave: numpy's weighted ``bincount`` adds each weight
    to its bin in the order of the ids, as this loop does, and the rest are integers.
    ``n_codes`` is ``users_ev``'s width (``model.vendor_capacity``).
    """
    n = active.shape[0]
    n_codes = users_ev.shape[1]
    ids = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        if active[i]:
            ids[k] = i
            k += 1
    arr = np.zeros(n_codes, dtype=np.float64)
    customers = np.zeros(n_codes, dtype=np.int64)
    for j in range(k):
        v = contract_vendor[ids[j]]
        arr[v] += contract_acv[ids[j]] / weeks_per_year
        customers[v] += 1
    users = np.zeros(n_codes, dtype=np.int64)
    for e in range(users_ev.shape[0]):
        for v in range(n_codes):
            users[v] += users_ev[e, v]
    return ids[:k], arr, customers, users


@njit(cache=True, nogil=True)
def market_counts(
    ids, contract_enterprise, contract_kind, contract_acv, ent_size, agreement_at, kind
):
    """``(acv, acv_of_kind, customers, employees, agreements)`` of the active contracts
    ``ids``, for :func:`sim.reporting.market_figures`.

    ``acv`` is ``contract_acv[ids]`` and ``acv_of_kind`` its entries whose contract is of
    kind ``kind``, in id order (numpy sums them: these are the arrays it summed);
    ``customers`` the enterprises paying for at least one contract, ``employees`` their
    employees (``ent_size[paying].sum()``), ``agreements`` the enterprises holding an
    agreement (``count_nonzero(agreement_at >= 0)``).
    """
    k = ids.shape[0]
    acv = np.empty(k, dtype=np.float64)
    n_kind = 0
    for j in range(k):
        if contract_kind[ids[j]] == kind:
            n_kind += 1
    acv_of_kind = np.empty(n_kind, dtype=np.float64)
    paying = np.zeros(ent_size.shape[0], dtype=np.bool_)
    at = 0
    for j in range(k):
        i = ids[j]
        acv[j] = contract_acv[i]
        if contract_kind[i] == kind:
            acv_of_kind[at] = contract_acv[i]
            at += 1
        paying[contract_enterprise[i]] = True
    customers = 0
    employees = 0
    agreements = 0
    for e in range(ent_size.shape[0]):
        if paying[e]:
            customers += 1
            employees += ent_size[e]
        if agreement_at[e] >= 0:
            agreements += 1
    return acv, acv_of_kind, customers, employees, agreements


_warm = False


def warm_up() -> None:
    """Compile (or load from the cache) the loops for the model's dtypes (``int32``
    products and contract vendors, ``int8`` kinds, ``int64`` offsets), once a process."""
    global _warm
    if _warm:
        return
    p = np.array([0, -1], dtype=np.int32)
    b = np.zeros(2, dtype=bool)
    i64 = np.zeros(1, dtype=np.int64)
    freemium_counts_by_enterprise(
        p, b, b, i64, np.full(1, 2), np.full(1, -1), p[:0], np.zeros(0, dtype=np.int8), 2, 1
    )
    ids = np.zeros(1, dtype=np.int64)
    keys, acv, _ = account_arr(ids, p, p, np.zeros(2), 1 << 24)
    retained_accounts(keys, acv, keys, acv, b, 1 << 24)
    vendor_outcomes(b, p, np.zeros(2), np.zeros((1, 1), dtype=np.int64), 1.0)
    market_counts(ids, p, np.zeros(2, dtype=np.int8), np.zeros(2), i64, i64, 2)
    _warm = True
