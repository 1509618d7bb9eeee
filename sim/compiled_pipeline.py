"""The pipeline's week (mechanism 5) in one compiled pass (Numba).

:func:`sim.selling.advance_pipeline` moved, qualified, closed and priced its
opportunities with some forty numpy calls a week (and :func:`sim.selling.win_probability`
another twenty), on a pipeline of a few dozen open opportunities: the calls cost more
than their arithmetic. :func:`pipeline_week` does that arithmetic in one pass, between
the week's two draws, which stay the model's ``numpy.random.Generator``'s in the caller,
in the same order and number (one uniform per open opportunity before it, one per deal
leaving *close* after it). The committee's drag, a power, is read from a numpy-computed
table (:mod:`sim.deal_tables`). The same IEEE operations in the same order as the numpy
code, no ``fastmath``: results are bit for bit the same (``tests/test_bit_identical.py``;
``tests/test_compiled_selling.py`` compares the pass with the numpy code it replaced).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.deal_tables import powers
from sim.demand import demand_inputs

if TYPE_CHECKING:
    from sim.model import MarketModel


@njit(cache=True, nogil=True, inline="always")
def _willing(e, v, price, quality, users_ev, ent_size, ent_value, seat_value, usage_value):
    """:func:`sim.compiled_deals.willing_pairs` for one pair."""
    share = users_ev[e, v] / max(ent_size[e], 1)
    if share > 1.0:
        share = 1.0
    return price[v] <= seat_value * quality[v] * ent_value[e] * (1.0 + usage_value * share)


@njit(cache=True, nogil=True)
def pipeline_week(
    ids,
    uniforms,
    pipe_hazard,
    pipe_stage,
    pipe_active,
    pipe_enterprise,
    pipe_vendor,
    pipe_inbound,
    pipe_effort,
    opp_at,
    qualification,
    price,
    quality,
    users_ev,
    ent_size,
    ent_value,
    seat_value,
    usage_value,
    committee_size,
    max_committee,
    drag_powers,
    agreement_at,
    contract_vendor,
    win,
    n_stages,
):
    """Move the open opportunities ``ids`` a stage, drop and close them, price the deals.

    The opportunities whose uniform is below their hazard move a stage. One entering
    *qualify* (stage 1) outbound is dropped where its effort is below its vendor's
    ``qualification``, or (``seat_value > 0``) where the enterprise would not pay the
    seat price (:func:`sim.demand.willing`). One leaving *close* (``n_stages``) is closed for
    its deal. Dropped and closed ones leave the pipeline (``active`` False, ``opp_at``
    -1, as :meth:`sim.model.MarketModel.close_opportunities`).

    ``win`` holds ``base_win_rate, effort_win_weight, champion_boost,
    displacement_win_factor``. Returns how many moved and were dropped, and the deals'
    enterprises, vendors and chance of a win (:func:`sim.selling.win_probability`).
    """
    n = ids.shape[0]
    moved = np.empty(n, dtype=np.int64)
    n_moved = 0
    for k in range(n):
        i = ids[k]
        if uniforms[k] < pipe_hazard[i]:
            moved[n_moved] = i
            n_moved += 1
    n_dropped = 0
    n_done = 0
    done = np.empty(n_moved, dtype=np.int64)
    for k in range(n_moved):
        i = moved[k]
        pipe_stage[i] += 1
        e, v = pipe_enterprise[i], pipe_vendor[i]
        if pipe_stage[i] == 1 and not pipe_inbound[i]:
            if pipe_effort[i] < qualification[v] or (
                seat_value > 0
                and not _willing(
                    e, v, price, quality, users_ev, ent_size, ent_value, seat_value, usage_value
                )
            ):
                pipe_active[i] = False
                opp_at[e, v] = -1
                n_dropped += 1
        elif pipe_stage[i] == n_stages:
            done[n_done] = i
            n_done += 1
    ent = np.empty(n_done, dtype=np.int64)
    ven = np.empty(n_done, dtype=np.int64)
    p_win = np.empty(n_done, dtype=np.float64)
    for k in range(n_done):
        i = done[k]
        e, v = np.int64(pipe_enterprise[i]), np.int64(pipe_vendor[i])
        pipe_active[i] = False
        opp_at[e, v] = -1
        ent[k], ven[k] = e, v
        members = min(committee_size[e], max_committee) - 1
        if members < 0 or members >= drag_powers.shape[0]:
            raise IndexError("committee drag table too short")
        p = (
            win[0]
            * quality[v]
            * (1.0 + win[1] * (2.0 * pipe_effort[i] - 1.0))
            * (1.0 + win[2] * (1.0 if users_ev[e, v] > 0 else 0.0))
            * drag_powers[members]
        )
        if seat_value > 0:
            ok = _willing(
                e, v, price, quality, users_ev, ent_size, ent_value, seat_value, usage_value
            )
            p = p * (1.0 if ok else 0.0)
        held = agreement_at[e]
        if held >= 0:
            holder = contract_vendor[held]
            if holder != v:
                incumbent = quality[holder]
                p = p * (win[3] * (quality[v] / (incumbent if incumbent >= 1e-9 else 1e-9)))
        p_win[k] = min(1.0, p)
    return n_moved, n_dropped, ent, ven, p_win


@njit(cache=True, nogil=True)
def paced(hazard, effort, weight, mean_stay):
    """``np.minimum(1.0, hazard * (1.0 + weight * (2.0 * effort - 1.0)) * mean_stay)``
    element by element, in numpy's order of operations (:func:`sim.selling.paced_hazard`:
    seven numpy calls on the week's new outbound opportunities before)."""
    out = np.empty(hazard.shape[0])
    for i in range(hazard.shape[0]):
        x = hazard[i] * (1.0 + weight * (2.0 * effort[i] - 1.0)) * mean_stay
        out[i] = x if (x < 1.0 or x != x) else 1.0  # np.minimum's: NaN propagates
    return out


def pipeline_arguments(
    model: MarketModel, ids: np.ndarray, uniforms: np.ndarray, n_stages: int
) -> tuple:
    """The arguments of :func:`pipeline_week` for this week's pipeline: ``ids`` the open
    opportunities (``pipeline.active_ids()``), a uniform for each, ``n_stages`` the
    stages (:data:`sim.tables.STAGES`)."""
    pipe, pop, traits = model.pipeline, model.population, model.vendor_traits
    win = (
        model.base_win_rate,
        model.effort_win_weight,
        model.champion_boost,
        model.displacement_win_factor,
    )
    return (
        ids,
        uniforms,
        pipe.hazard,
        pipe.stage,
        pipe.active,
        pipe.enterprise,
        pipe.vendor,
        pipe.inbound,
        pipe.effort,
        model.opp_at,
        traits("qualification"),
        *demand_inputs(model),
        pop.ent_committee_size,
        int(model.committee_size),
        powers(1.0 - model.committee_drag, int(model.committee_size)),
        model.agreement_at,
        model.contracts.vendor,
        np.array(win, dtype=np.float64),
        n_stages,
    )


_warm = False


def warm_up() -> None:
    """Compile (or load from the cache) the pass for the model's dtypes, once a process."""
    global _warm
    if _warm:
        return
    i64, i32, i8 = np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int32), np.zeros(1, np.int8)
    x, flags, square = np.ones(1), np.ones(1, dtype=bool), np.zeros((1, 1), dtype=np.int64)
    pipeline_week(
        i64,
        x,
        x,
        i8,
        flags,
        i32,
        i32,
        flags,
        x,
        square,
        x,
        x,
        x,
        square,
        i64,
        x,
        1.0,
        1.0,
        i64,
        6,
        x,
        i64 - 1,
        i32,
        np.ones(4),
        4,
    )
    paced(x, x, 0.5, 1.0)
    _warm = True
