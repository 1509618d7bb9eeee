"""Bottoms-up conversion (mechanism 3): team plans, then the purchaser comes for an agreement.

Seed 000's two levels of contract, reached from use: a team with enough users of a
vendor buys a team plan on a card, and once use is widespread the purchaser comes to
the vendor for the enterprise agreement (or, where the users are not the buyers, never
comes: seed 003). Signing goes through :mod:`sim.contracting`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.compiled_contracts import self_serve_users
from sim.compiled_deals import ripe_pairs, team_plan_pairs
from sim.compiled_purchasers import (
    buyers,
    committee_openness,
    first_purchasers,
    more_purchasers,
    purchaser_states,
)
from sim.contracting import release_team_seats, seat_acv, sign, team_seats
from sim.deal_tables import powers
from sim.demand import budget_open, demand_inputs
from sim.tables import SELF_SERVE_ENTERPRISE, TEAM

if TYPE_CHECKING:
    from sim.model import MarketModel


def purchaser_chance(model: MarketModel, ent: np.ndarray) -> np.ndarray:
    """The chance each pair's purchaser comes forward, per draw: ``user_is_buyer``, or
    with ``purchaser_openness`` its enterprise's.

    Seed 000: traditional sales "still work on older generations ... as younger
    generations start taking over more senior positions, sales and marketing tactics
    will change". The buying committee is where the generation sits: with
    ``purchaser_openness`` (an elasticity; 0 is off) the chance is
    ``min(1, user_is_buyer * (o_e / o_0) ** purchaser_openness)``, ``o_e`` the mean
    openness of enterprise ``e``'s committee now and ``o_0`` that of every committee
    seat at the start (:attr:`MarketModel.committee_openness_start`). Turnover seats
    newcomers of a later generation on committees (:mod:`sim.workforce`), so where
    openness drifts up the purchaser comes more often; at the start the market-wide
    chance is ``user_is_buyer``, the calibrated value.
    """
    base = float(model.user_is_buyer)
    elasticity = float(model.purchaser_openness)
    if elasticity == 0.0 or not len(ent):
        return np.full(len(ent), base)
    pop = model.population
    mean = committee_openness(
        np.asarray(ent, dtype=np.int64),
        pop.ent_committee_offset,
        pop.ent_committee_size,
        pop.buyer_employee,
        pop.emp_openness,
    )
    ratio = mean / model.committee_openness_start
    return np.minimum(1.0, base * ratio**elasticity)


def draw_purchasers(
    model: MarketModel, ent: np.ndarray, codes: np.ndarray, chance: np.ndarray | None = None
) -> np.ndarray:
    """Whether each (enterprise, vendor) team's purchaser ever comes forward.

    Drawn once per pair, the first time its team is big enough to buy, with
    probability ``chance`` (:func:`purchaser_chance`: ``user_is_buyer``, seed 003:
    where users are not the buyers, the purchaser often never comes). Returns a
    boolean per pair.

    With ``purchaser_per_team`` a pair whose purchaser did not come gets one more
    draw for every further ``team_plan_users`` users: a purchaser comes by ``n``
    users with probability ``1 - (1 - chance) ** (n // team_plan_users)``
    (each team of users has its own chance to hold someone who can buy).
    """
    if not len(ent):
        return np.zeros(0, dtype=bool)
    # three compiled steps (sim.compiled_purchasers) around the two draws
    purchaser, teams_drawn, users, rng = (
        model.purchaser,
        model.purchaser_teams,
        model.users_ev,
        model.rng,
    )
    ent, codes = np.asarray(ent, dtype=np.int64), np.asarray(codes, dtype=np.int64)
    if chance is None:
        chance = purchaser_chance(model, ent)
    chance = np.asarray(chance, dtype=np.float64)
    per_team, team_users = bool(model.purchaser_per_team), int(model.team_plan_users)
    state, n_new = purchaser_states(purchaser, ent, codes)
    first = rng.random(n_new) if n_new else _NO_UNIFORMS
    more, n_retry, top = first_purchasers(
        purchaser,
        teams_drawn,
        users,
        ent,
        codes,
        state,
        first,
        chance,
        per_team,
        team_users,
    )
    # one more chance for every further team of team_plan_users users (mechanism 3b)
    again = rng.random(n_retry) if n_retry else _NO_UNIFORMS
    return more_purchasers(
        purchaser,
        teams_drawn,
        users,
        ent,
        codes,
        state,
        more,
        again,
        _missed(chance, more, top) if n_retry else _NO_UNIFORMS,
        team_users if per_team else 0,
    )


def _missed(chance: np.ndarray, more: np.ndarray, top: int) -> np.ndarray:
    """``(1 - chance) ** more`` per pair (what :func:`sim.compiled_purchasers.more_purchasers`
    reads for a pair with a further chance): from one numpy table when every pair has the
    same chance (the model without ``purchaser_openness``), else numpy's power."""
    more = np.clip(more, 0, top)  # only pairs with a further chance read theirs
    if (chance == chance[0]).all():
        return powers(1.0 - chance[0], top + 1)[more]
    return (1.0 - chance) ** more


_NO_UNIFORMS = np.zeros(0)


def purchaser_threshold(model: MarketModel, enterprises=None) -> np.ndarray:
    """Users of one vendor at which each enterprise's (all, or those given) purchaser comes to it.

    ``enterprise_trigger_share * size`` (seed 000: once use is widespread), or
    ``enterprise_trigger_users`` where that is lower and set: a large firm's IT steps
    in at tens of users (single sign-on, administration, security review), not at a
    quarter of a 5,000-person firm.
    """
    sizes = model.population.ent_size
    if enterprises is not None:  # a renewal asks for one enterprise: not all of them
        sizes = sizes[enterprises]
    threshold = model.enterprise_trigger_share * sizes
    if model.enterprise_trigger_users > 0:
        threshold = np.minimum(threshold, model.enterprise_trigger_users)
    return threshold


def bottoms_up_conversion(model: MarketModel) -> None:
    """Mechanism 3: team plans, then the purchaser comes for an agreement (seed 000).

    A team with ``team_plan_users`` users of a vendor and a purchaser who comes
    forward (:func:`draw_purchasers`) buys a team plan at ``inbound_close_rate`` a
    week, at list price for the purchaser's team (:func:`team_seats`: a small check,
    seed 001). When the
    users reach ``enterprise_trigger_share`` of an enterprise that holds no agreement
    of its own yet, the purchaser comes to the vendor: a ``bottoms_up`` vendor (or a
    hybrid before its sales start) closes inbound at ``inbound_close_rate`` a week an
    agreement for the seats in use at the enterprise tier; a hybrid with reps puts one
    on it instead (an inbound opportunity at the *sell* stage, with the champion
    inside, which may add a mandated rollout).

    With ``usage_opens_budget`` the purchaser who comes for an agreement opens the
    category's budget line if the enterprise has none yet: spend on self-serve plans
    and use at the trigger become a line item (shadow IT consolidated by IT).
    """
    vendors = [v for v in model.alive_vendors() if v.tactic.self_serve]
    if not vendors:
        return
    codes = np.array([v.index for v in vendors])
    # users_ev does not change in this mechanism (signing moves no user): the pairs are
    # read from it directly. Team plans: enough users, no contract of the vendor yet
    col, ent = team_plan_pairs(model.users_ev, codes, model.contract_at, model.team_plan_users)
    if len(ent):  # (no pair draws nothing: skipping the calls leaves the stream as it was)
        _team_plans(model, vendors, col, ent, codes)
    # the purchaser comes: enough of the enterprise uses it and no agreement is held
    col, ent = ripe_pairs(
        model.users_ev,
        codes,
        purchaser_threshold(model),
        model.team_plan_users,
        model.agreement_at,
        model.opp_at,
        model.cooloff_until,
        model.steps,
        budget_open(model),
        not model.usage_opens_budget,  # else an agreement needs the category's budget line
    )
    if not len(ent):
        return
    comes = draw_purchasers(model, ent, codes[col])
    col, ent = col[comes], ent[comes]
    if model.usage_opens_budget:  # shadow IT becomes a line item (mechanism 3d)
        weeks = model.population.ent_budget_week
        weeks[ent] = np.minimum(weeks[ent], model.steps)
    by_rep = np.array([v.tactic.outbound and v.reps > 0 for v in vendors], dtype=bool)[col]
    model.open_opportunities(ent[by_rep], codes[col[by_rep]], inbound=True)
    for k in _buyers(model, ~by_rep, ent, codes[col]).tolist():
        c, e = int(col[k]), int(ent[k])
        if model.agreement_at[e] >= 0:  # another vendor signed this week
            continue
        vendor, n = vendors[c], int(model.users_ev[e, codes[c]])
        acv = seat_acv(vendor, n, SELF_SERVE_ENTERPRISE, model.volume_discount)
        sign(model, e, vendor, SELF_SERVE_ENTERPRISE, acv, n)


def _team_plans(
    model: MarketModel, vendors: list, col: np.ndarray, ent: np.ndarray, codes: np.ndarray
) -> None:
    """Mechanism 3's team plans for the candidate pairs (``vendors[col]`` in ``ent``)."""
    rng = model.rng
    comes = draw_purchasers(model, ent, codes[col])
    pop = model.population
    # a plan on a card, if the seat is worth its price
    for k in _buyers(model, comes, ent, codes[col]).tolist():
        vendor, e = vendors[int(col[k])], int(ent[k])
        off, size = int(pop.ent_offset[e]), int(pop.ent_size[e])
        # its users who signed up (not mandated): the purchaser is one of them
        own = self_serve_users(pop.emp_product, pop.emp_mandated, off, size, vendor.index)
        if not len(own):
            continue
        purchaser = off + int(own[int(rng.integers(len(own)))])
        n = team_seats(model, e, vendor.index, purchaser)
        if not sign(model, e, vendor, TEAM, seat_acv(vendor, n, TEAM, 0.0), n):
            release_team_seats(model, e, vendor.index)


def _buyers(model: MarketModel, eligible: np.ndarray, ent: np.ndarray, ven: np.ndarray):
    """Positions of the eligible pairs that buy this week: a uniform each (drawn here, one
    per pair) below ``inbound_close_rate``, and :func:`sim.demand.willing`, in one
    compiled pass (:func:`sim.compiled_purchasers.buyers`)."""
    return buyers(
        eligible,
        model.rng.random(len(ent)),
        float(model.inbound_close_rate),
        ent,
        ven,
        *demand_inputs(model),
    )
