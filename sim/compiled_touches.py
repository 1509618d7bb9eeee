"""Outbound touches (mechanism 4) in two compiled passes a week (Numba).

:func:`sim.selling.outbound_touches` used some sixty numpy calls a week on a market of a
few hundred enterprises: each cost more than its arithmetic. Two loops now do that
arithmetic, on either side of the week's random draws, which stay the model's
``numpy.random.Generator``'s, in the caller, in the same order and number:

* :func:`seller_targets`, before the Poisson draw of touches: each seller's open
  opportunities and Poisson mean, every enterprise's agreement holder and whether it is
  held beyond its renewal window, and the weights of :func:`sim.compiled_deals.touch_weights`;
* :func:`touch_week`, on the week's uniforms: the enterprises drawn
  (:func:`sim.compiled_deals.sample_columns`), the buyers reached and who responds
  (:func:`sim.compiled_deals.responses`), the wearing down of the buyers touched
  (:func:`sim.selling.wear_down`, its powers read from :mod:`sim.deal_tables`), and the
  pairs in which an opportunity opens (``np.unique`` of the responding pairs, less those
  with one open already).

Each applies the same IEEE operations in the same order as the numpy code (no
``fastmath``), so results are bit for bit the same (``tests/test_bit_identical.py``;
``tests/test_compiled_selling.py`` compares each with the numpy code it replaced).

Numba's disk cache of a function is keyed on its own module's file only: a change to
a loop of :mod:`sim.compiled_deals` that these call reaches them once this file changes
too (its cached :func:`touch_week` holds the code of the
:func:`~sim.compiled_deals.sample_columns` it was compiled with).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.compiled_deals import responses, sample_columns


@njit(cache=True, nogil=True)
def holders(agreement_at, contract_vendor):
    """Vendor code holding each enterprise's agreement, -1 where none is held
    (:meth:`sim.model.MarketModel.agreement_holders`)."""
    holder = np.full(agreement_at.shape[0], -1, dtype=np.int64)
    for e in range(agreement_at.shape[0]):
        if agreement_at[e] >= 0:
            holder[e] = contract_vendor[agreement_at[e]]
    return holder


@njit(cache=True, nogil=True)
def seller_targets(
    sellers,
    pipe_active,
    pipe_vendor,
    agreement_at,
    contract_vendor,
    renew_at,
    step,
    window,
    sizes,
    users_ev,
    displacement_win_factor,
    cooloff_until,
    budget_week,
):
    """Everything :func:`sim.selling.outbound_touches` read before drawing its touches.

    ``sellers`` has a row per seller: vendor code, capacity (``reps * rep_capacity``),
    effective reps, touches per rep, the tactic's user weight. Returns

    * ``lam``: ``touches_per_rep * effective * max(0, 1 - open / capacity)``, ``open``
      the seller's opportunities open in the pipeline (``np.bincount`` of the active
      rows' vendors);
    * ``holder``: :meth:`sim.model.MarketModel.agreement_holders`;
    * ``beyond``: :func:`sim.selling.held_beyond_window` (``renew_at - step > window``);
    * ``weights``: :func:`sim.compiled_deals.touch_weights` on the sellers' columns of
      ``users_ev`` and ``cooloff_until`` and ``budget_week <= step``;
    * ``has_weight``: a column with some weight (its numpy sum above 0: the weights are
      finite and not negative, so the sum is above 0 exactly when an entry is).
    """
    n_sel = sellers.shape[0]
    codes = np.empty(n_sel, dtype=np.int64)
    for c in range(n_sel):
        codes[c] = np.int64(sellers[c, 0])
    open_now = np.zeros(users_ev.shape[1], dtype=np.int64)
    for i in range(pipe_active.shape[0]):
        if pipe_active[i]:
            open_now[pipe_vendor[i]] += 1
    lam = np.empty(n_sel, dtype=np.float64)
    for c in range(n_sel):
        spare = max(0.0, 1.0 - np.float64(open_now[codes[c]]) / sellers[c, 1])
        lam[c] = sellers[c, 3] * sellers[c, 2] * spare
    n_ent = agreement_at.shape[0]
    holder = holders(agreement_at, contract_vendor)
    beyond = np.zeros(n_ent, dtype=np.bool_)
    for e in range(n_ent):
        held = agreement_at[e]
        if held >= 0:
            beyond[e] = np.int64(renew_at[held]) - step > window
    weights = np.empty((n_ent, n_sel), dtype=np.float64)
    has_weight = np.zeros(n_sel, dtype=np.bool_)
    held_zero = 0.0 * displacement_win_factor  # a rival's hold beyond the window: w = 0.0, times it
    for e in range(n_ent):
        size = np.float64(sizes[e])
        closed = budget_week[e] > step
        # most rows are set whole (no budget line, or held beyond the window: some
        # two thirds of them in a default market), with the floats the rules below give
        # them, and never above 0: their sellers' users are not read
        if closed:
            for c in range(n_sel):
                weights[e, c] = 0.0
            continue
        if beyond[e]:  # held, so held_zero, unless a cool-off makes it 0.0
            for c in range(n_sel):
                weights[e, c] = 0.0 if cooloff_until[e, codes[c]] > step else held_zero
            continue
        for c in range(n_sel):
            v = codes[c]
            w = size * (sellers[c, 4] if users_ev[e, v] > 0 else 1.0)
            if holder[e] == v or beyond[e]:
                w = 0.0
            if holder[e] >= 0:
                w *= displacement_win_factor
            if cooloff_until[e, v] > step or closed:
                w = 0.0
            weights[e, c] = w
            if w > 0.0:
                has_weight[c] = True
    return codes, lam, holder, beyond, weights, has_weight


@njit(cache=True, nogil=True)
def _wear(values, hits, table, counts):
    """``values.flat[i] *= table[times i is in hits]`` for the ``i`` hit; ``counts`` is
    zero on entry (scratch, left zero)."""
    for i in range(hits.shape[0]):
        counts[hits[i]] += 1
    for i in range(hits.shape[0]):
        h = hits[i]
        if counts[h] > 0:
            values[h] = values[h] * table[counts[h]]
            counts[h] = 0


@njit(cache=True, nogil=True)
def touch_week(
    weights,
    n_touch,
    uniforms,
    codes,
    committee_offset,
    committee_size,
    warm_share,
    warm_boost,
    receptivity,
    keep_table,
    holder,
    beyond,
    brand,
    brand_table,
    opp_at,
):
    """The week's touches, from their ``4 * n_touch.sum()`` uniforms, to the pairs that open.

    The uniforms are, in order, the enterprise draws of :func:`sample_columns` and the
    buyer, warm-introduction and response uniforms of :func:`responses`. Wears
    ``receptivity`` (and, if ``brand`` has entries, the flat ``brand`` of each touched
    pair) down in place by ``table[times touched]``. Returns the number of responses and
    the ``(enterprises, vendors, warm)`` that open an opportunity: ascending by
    ``enterprise * n_vendor_codes + vendor``, each once, none with one open already;
    ``warm`` where a warm introduction was among the touches that opened it.
    """
    n = 0
    for c in range(n_touch.shape[0]):
        n += n_touch[c]
    rows, cols = sample_columns(weights, n_touch, uniforms[:n])
    ven = np.empty(n, dtype=np.int64)
    for i in range(n):
        ven[i] = codes[cols[i]]
    buyer, responded, opens, warm = responses(
        rows,
        ven,
        uniforms[n : 2 * n],
        uniforms[2 * n : 3 * n],
        uniforms[3 * n : 4 * n],
        committee_offset,
        committee_size,
        warm_share,
        warm_boost,
        receptivity,
        holder,
        beyond,
    )
    n_responses = 0
    for i in range(n):
        if responded[i]:
            n_responses += 1
    _wear(receptivity, buyer, keep_table, np.zeros(receptivity.shape[0], dtype=np.int64))
    cap = opp_at.shape[1]
    if brand.size:
        flat = brand.reshape(brand.size)  # a view of the C-ordered array
        _wear(flat, rows * cap + ven, brand_table, np.zeros(brand.size, dtype=np.int64))
    keys = np.empty(n, dtype=np.int64)  # 2 * pair + warm: a pair's warm key sorts last
    k = 0
    for i in range(n):
        if opens[i]:
            keys[k] = 2 * (rows[i] * cap + ven[i]) + (1 if warm[i] else 0)
            k += 1
    keys = np.sort(keys[:k])
    out_e = np.empty(k, dtype=np.int64)
    out_v = np.empty(k, dtype=np.int64)
    out_w = np.empty(k, dtype=np.bool_)
    m = 0
    for i in range(k):
        if i + 1 < k and keys[i + 1] // 2 == keys[i] // 2:
            continue  # the pair's last key says whether any of its touches was warm
        pair = keys[i] // 2
        e, v = pair // cap, pair % cap
        if opp_at[e, v] < 0:
            out_e[m] = e
            out_v[m] = v
            out_w[m] = keys[i] % 2 == 1
            m += 1
    return n_responses, out_e[:m], out_v[:m], out_w[:m]


_warm = False


def warm_up() -> None:
    """Compile (or load from the cache) both passes for the model's dtypes, once a process."""
    global _warm
    if _warm:
        return
    i64, i32 = np.zeros(2, dtype=np.int64), np.zeros(2, dtype=np.int32)
    flags = np.zeros(2, dtype=bool)
    square = np.zeros((2, 2), dtype=np.int64)
    holders(i64, i32)
    codes, *_ = seller_targets(
        np.ones((1, 5)),
        flags,
        i32,
        i64,
        i32,
        i32,
        0,
        13,
        i64,
        square,
        1.0,
        square.astype(np.int32),
        i64,
    )
    x = np.ones(2)
    touch_week(
        np.ones((2, 1)),
        np.zeros(1, dtype=np.int64),
        np.zeros(0),
        codes,
        i64,
        i64 + 1,
        x,
        1.0,
        x,
        x,
        i64,
        flags,
        np.ones((2, 2)),
        x,
        square,
    )
    _warm = True
