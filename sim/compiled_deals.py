"""Compiled per-deal passes (Numba): where reps aim, whom they touch, who may buy.

Outbound touches (mechanism 4) built a weight matrix of enterprises by sellers with
some fifteen numpy calls (a column per seller, then a mask per rule) and sampled it
with six more (:func:`sim.kernels.sample_by_column`). On a market of a few hundred
enterprises each call costs more than its arithmetic: the week's fixed cost. The two
loops here do the same arithmetic in one pass each. Bottoms-up conversion
(mechanism 3) likewise found its candidate pairs (enterprise, vendor) with a dozen
array masks a week: :func:`team_plan_pairs` and :func:`ripe_pairs` find them in one,
and :func:`willing_pairs` tests the demand curve for a few pairs at a time.

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
    a right-sided binary search (as ``np.searchsorted`` over the whole array does), and
    the position is taken back to a row of that column, at most the last. A column
    with no weight must have a count of zero. Returns ``(rows, columns)``.

    The search reads only the uniform's column: the stacked array ascends (column
    ``c``'s values lie in ``[c, c + 1]``, the weights being finite and not negative),
    and ``q = u + c`` is at least ``c``, so no earlier column's value exceeds ``q``;
    where none of column ``c``'s does, the whole array's answer lies past it and is
    taken back to the last row, as the column's end is. The same rows, with some
    ten probes a touch instead of fifteen.
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
            lo, hi = c * n_rows, (c + 1) * n_rows  # first position whose value exceeds q
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


@njit(cache=True, nogil=True)
def responses(
    ent,
    ven,
    u_buyer,
    u_warm,
    u_respond,
    committee_offset,
    committee_size,
    warm_share,
    warm_boost,
    receptivity,
    holder,
    beyond,
):
    """Whom each touch reaches and whether it opens an opportunity (mechanism 4).

    :func:`sim.selling.outbound_touches` on its three uniforms per touch: the buyer
    ``offset + int(u_buyer * committee size)``; a warm introduction where
    ``u_warm < warm_share[vendor]``; a response where ``u_respond <
    min(1, receptivity * (warm_boost if warm else 1))`` (receptivity as at the start of
    the week); and an opening where it responded and no rival's agreement holds the
    enterprise beyond its renewal window (:func:`sim.selling.locked_until_renewal`).
    Returns ``(buyer, responded, opens, warm)``.
    """
    n = ent.shape[0]
    buyer = np.empty(n, dtype=np.int64)
    responded = np.empty(n, dtype=np.bool_)
    opens = np.empty(n, dtype=np.bool_)
    warm = np.empty(n, dtype=np.bool_)
    for i in range(n):
        e = ent[i]
        b = committee_offset[e] + np.int64(u_buyer[i] * committee_size[e])
        buyer[i] = b
        warm[i] = u_warm[i] < warm_share[ven[i]]
        p = receptivity[b] * (warm_boost if warm[i] else 1.0)
        responded[i] = u_respond[i] < min(1.0, p)
        opens[i] = responded[i] and not (beyond[e] and holder[e] != ven[i])
    return buyer, responded, opens, warm


@njit(cache=True, nogil=True)
def willing_pairs(ent, ven, price, quality, users_ev, ent_size, ent_value, seat_value, usage_value):
    """Whether each enterprise would pay each vendor's seat price (:func:`sim.demand.willing`).

    ``price <= seat_value * quality * ent_value * (1 + usage_value * share)``, ``share =
    min(users / max(size, 1), 1)``, in that order of operations (``price`` and
    ``quality`` indexed by vendor code). A week asks it four times for a few pairs: a
    dozen numpy calls each, one pass here.
    """
    n = ent.shape[0]
    out = np.empty(n, dtype=np.bool_)
    for i in range(n):
        e, v = ent[i], ven[i]
        share = users_ev[e, v] / max(ent_size[e], 1)
        if share > 1.0:
            share = 1.0
        worth = seat_value * quality[v] * ent_value[e] * (1.0 + usage_value * share)
        out[i] = price[v] <= worth
    return out


@njit(cache=True, nogil=True)
def team_plan_pairs(users_ev, codes, contract_at, team_plan_users):
    """Pairs that may buy a team plan: ``team_plan_users`` users or more, no contract.

    ``np.nonzero(((users >= team_plan_users) & (contract_at[:, codes] < 0)).T)`` of
    :func:`sim.conversion.bottoms_up_conversion` (``users = users_ev[:, codes]``):
    ``(columns, enterprises)``, column by column, enterprises ascending in each.
    Read row by row (``users_ev`` and ``contract_at`` are C-ordered: a column read
    touches a cache line per enterprise), each pair found kept in its column's list,
    then the lists are written out column by column: half the time of reading the
    arrays column by column, twice.
    """
    n_ent = users_ev.shape[0]
    n_codes = codes.shape[0]
    found = np.empty((n_codes, n_ent), dtype=np.int64)  # each column's enterprises
    count = np.zeros(n_codes, dtype=np.int64)
    for e in range(n_ent):
        for c in range(n_codes):
            v = codes[c]
            if users_ev[e, v] >= team_plan_users and contract_at[e, v] < 0:
                found[c, count[c]] = e
                count[c] += 1
    return _column_lists(found, count)


@njit(cache=True, nogil=True)
def _column_lists(found, count):
    """``(columns, enterprises)``: the first ``count[c]`` entries of each row ``c`` of
    ``found``, row after row (the order of ``np.nonzero`` of a mask's transpose)."""
    n = 0
    for c in range(count.shape[0]):
        n += count[c]
    cols = np.empty(n, dtype=np.int64)
    ents = np.empty(n, dtype=np.int64)
    k = 0
    for c in range(count.shape[0]):
        for j in range(count[c]):
            cols[k] = c
            ents[k] = found[c, j]
            k += 1
    return cols, ents


@njit(cache=True, nogil=True)
def ripe_pairs(
    users_ev,
    codes,
    threshold,
    team_plan_users,
    agreement_at,
    opp_at,
    cooloff_until,
    step,
    budget_open,
    need_budget,
):
    """Pairs whose purchaser may come for an agreement (:func:`sim.conversion.bottoms_up_conversion`).

    Users at the enterprise's ``threshold`` and at least ``team_plan_users``, no
    agreement held in the enterprise, no opportunity of the vendor open there, no
    cool-off, and (``need_budget``) a budget line open. ``(columns, enterprises)`` in
    the order of ``np.nonzero(ripe.T)``. Read row by row, as :func:`team_plan_pairs`,
    and an enterprise that holds an agreement (most of them) or has no budget line is
    passed over whole.
    """
    n_ent = users_ev.shape[0]
    n_codes = codes.shape[0]
    found = np.empty((n_codes, n_ent), dtype=np.int64)  # each column's enterprises
    count = np.zeros(n_codes, dtype=np.int64)
    for e in range(n_ent):
        if agreement_at[e] >= 0 or not (budget_open[e] or not need_budget):
            continue
        for c in range(n_codes):
            v = codes[c]
            u = users_ev[e, v]
            if (
                u >= threshold[e]
                and u >= team_plan_users
                and opp_at[e, v] < 0
                and cooloff_until[e, v] <= step
            ):
                found[c, count[c]] = e
                count[c] += 1
    return _column_lists(found, count)


_warm = False


def warm_up() -> None:
    """Compile (or load from the cache) these loops for the model's dtypes, once a process,
    and the passes built on them (:mod:`sim.compiled_touches`, :mod:`sim.compiled_pipeline`,
    :mod:`sim.compiled_purchasers`, :mod:`sim.compiled_contracts`).

    :class:`sim.model.MarketModel` calls it beside :func:`sim.compiled.warm_up`, so
    no step pays a compile. The sellers' columns of ``users_ev`` and ``cooloff_until``
    are Fortran-ordered (a column gather) unless there is one seller (then C), so
    both layouts are compiled. Loading the later modules' fourteen functions from the
    cache costs about 50 ms of CPU at a process's first build (measured on the shared
    2-core machine); compiling them on a cold cache about 8 s, once.
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
    x = np.zeros(2)
    responses(ids, ids, x, x, x, ids, ids, x, 1.0, x, ids, flags)
    square = np.zeros((2, 2), dtype=np.int64)
    willing_pairs(ids, ids, x, x, square, ids, x, 1.0, 1.0)
    team_plan_pairs(square, ids, square, 1)
    _column_lists(square, ids)  # its own dispatcher too (the two above call it compiled)
    ripe_pairs(square, ids, np.zeros(2), 1, ids, square, square.astype(np.int32), 0, flags, True)
    from sim import compiled_contracts, compiled_pipeline, compiled_purchasers, compiled_touches

    compiled_touches.warm_up()  # (its passes call these loops)
    compiled_pipeline.warm_up()
    compiled_purchasers.warm_up()
    compiled_contracts.warm_up()
    _warm = True
