"""Whether a team's purchaser comes forward (mechanism 3), in three compiled steps (Numba).

:func:`sim.conversion.draw_purchasers` read and wrote the per-pair purchaser state with
a dozen numpy calls, twice a week, for a few dozen pairs. Its two draws (one uniform
per pair never drawn for, one per pair that gets a further chance) stay the model's
``numpy.random.Generator``'s, in the caller, in the same order and number; the steps
around them are the loops here:

* :func:`purchaser_states`: each pair's state (0 never drawn, 1 comes, -1 does not) and
  how many are undrawn;
* :func:`first_purchasers`: the first draws applied; with ``purchaser_per_team``, each
  pair's further chances (``teams - 1`` for a pair drawn now, ``teams - drawn`` for one
  drawn before, ``teams = users // team_plan_users``) and how many get one;
* :func:`more_purchasers`: a further chance comes with probability
  ``1 - (1 - chance) ** more``, the power computed by numpy in the caller (read from a
  table, :mod:`sim.deal_tables`, when every pair has the same chance); the teams drawn
  for are recorded.

A pair's ``chance`` is ``user_is_buyer``, or with ``purchaser_openness`` its
enterprise's (:func:`sim.conversion.purchaser_chance`).

and then :func:`buyers`: which pairs buy this week (their purchaser came, a uniform below
``inbound_close_rate``, and a seat worth its price, :func:`sim.demand.willing`).

The same operations as the numpy code, bit for bit (``tests/test_compiled_deals.py``
compares :func:`sim.conversion.draw_purchasers` with that numpy code).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.compiled_pipeline import _willing


@njit(cache=True, nogil=True)
def committee_openness(ent, committee_offset, committee_size, buyer_employee, emp_openness):
    """Mean openness of each of ``ent``'s buying committees now (seats
    ``committee_offset[e]`` to ``+ committee_size[e]``): the seats of the asked
    enterprises only, not the market's (:func:`sim.conversion.purchaser_chance`)."""
    out = np.empty(ent.shape[0])
    for j in range(ent.shape[0]):
        e = ent[j]
        start, size = committee_offset[e], committee_size[e]
        total = 0.0
        for s in range(start, start + size):
            total += emp_openness[buyer_employee[s]]
        out[j] = total / size if size > 0 else 0.0
    return out


@njit(cache=True, nogil=True)
def purchaser_states(purchaser, ent, codes):
    """``purchaser[ent, codes]`` and how many of them are 0 (never drawn)."""
    n = ent.shape[0]
    state = np.empty(n, dtype=np.int8)
    n_new = 0
    for i in range(n):
        state[i] = purchaser[ent[i], codes[i]]
        if state[i] == 0:
            n_new += 1
    return state, n_new


@njit(cache=True, nogil=True)
def first_purchasers(
    purchaser,
    teams_drawn,
    users_ev,
    ent,
    codes,
    state,
    uniforms,
    chance,
    per_team,
    team_plan_users,
):
    """Apply the first draws (``uniforms``, one per undrawn pair, in order; a pair's
    purchaser comes when its uniform is below its ``chance``) to ``state`` and
    ``purchaser``; return each pair's further chances (``per_team``; else zeros), how
    many pairs that did not come get one, and the most chances any pair gets."""
    n = ent.shape[0]
    more = np.zeros(n, dtype=np.int64)
    k = 0
    for i in range(n):
        new = state[i] == 0
        if new:
            state[i] = 1 if uniforms[k] < chance[i] else -1
            k += 1
            purchaser[ent[i], codes[i]] = state[i]
        if per_team:
            teams = users_ev[ent[i], codes[i]] // team_plan_users
            more[i] = teams - 1 if new else teams - np.int64(teams_drawn[ent[i], codes[i]])
    n_retry, top = 0, 0
    for i in range(n):
        if state[i] == -1 and more[i] > 0:
            n_retry += 1
            top = max(top, more[i])
    return more, n_retry, top


@njit(cache=True, nogil=True)
def more_purchasers(
    purchaser, teams_drawn, users_ev, ent, codes, state, more, uniforms, missed, team_plan_users
):
    """Apply the further chances (``uniforms``, one per pair that gets one, in order;
    ``missed[i] = (1 - chance_i) ** more[i]``, the chance pair ``i``'s purchaser does not
    come on any of them), record the teams drawn for (a ``per_team`` call; give
    ``team_plan_users = 0`` otherwise) and return who comes."""
    n = ent.shape[0]
    k = 0
    for i in range(n):
        e, c = ent[i], codes[i]
        if state[i] == -1 and more[i] > 0:
            state[i] = 1 if uniforms[k] < 1.0 - missed[i] else -1
            k += 1
            purchaser[e, c] = state[i]
        if team_plan_users > 0:
            teams_drawn[e, c] = max(np.int64(teams_drawn[e, c]), users_ev[e, c] // team_plan_users)
    comes = np.empty(n, dtype=np.bool_)
    for i in range(n):
        comes[i] = state[i] == 1
    return comes


@njit(cache=True, nogil=True)
def buyers(
    eligible,
    uniforms,
    rate,
    ent,
    ven,
    price,
    quality,
    users_ev,
    ent_size,
    ent_value,
    seat_value,
    usage_value,
):
    """Positions of the pairs that buy: ``eligible & (uniforms < rate) & willing``, the
    demand curve off (everyone willing) where ``seat_value <= 0``."""
    n = ent.shape[0]
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        if (
            eligible[i]
            and uniforms[i] < rate
            and (
                seat_value <= 0
                or _willing(
                    ent[i],
                    ven[i],
                    price,
                    quality,
                    users_ev,
                    ent_size,
                    ent_value,
                    seat_value,
                    usage_value,
                )
            )
        ):
            out[k] = i
            k += 1
    return out[:k]


_warm = False


def warm_up() -> None:
    """Compile (or load from the cache) the three steps for the model's dtypes."""
    global _warm
    if _warm:
        return
    purchaser = np.zeros((2, 2), dtype=np.int8)
    teams = np.zeros((2, 2), dtype=np.int32)
    users = np.zeros((2, 2), dtype=np.int64)
    ids = np.zeros(1, dtype=np.int64)
    state, _ = purchaser_states(purchaser, ids, ids)
    committee_openness(ids, ids, ids + 1, ids, np.ones(1))
    more, _, _ = first_purchasers(
        purchaser, teams, users, ids, ids, state, np.ones(1), np.full(1, 0.5), True, 5
    )
    comes = more_purchasers(
        purchaser, teams, users, ids, ids, state, more, np.zeros(0), np.ones(1), 5
    )
    x = np.ones(1)
    buyers(comes, x, 0.5, ids, ids, x, x, users, ids, x, 1.0, 1.0)
    _warm = True
