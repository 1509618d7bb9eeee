"""Outbound selling (mechanism 4) and the pipeline (mechanism 5).

Touches from every rep of every vendor are drawn as one batch of arrays. Within a
week all touches see the receptivity the buyers had at the start of the week, and
a buyer touched ``n`` times then loses ``1 - (1 - touch_fatigue) ** n`` of it: the
same expectation as touching in sequence, with no Python loop over touches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.compiled_deals import touch_weights
from sim.compiled_pipeline import paced, pipeline_arguments, pipeline_week
from sim.compiled_touches import seller_targets, touch_week
from sim.contracting import sell_agreement
from sim.deal_tables import powers
from sim.demand import budget_open, willing
from sim.tables import STAGES

if TYPE_CHECKING:
    from sim.model import MarketModel

N_STAGES = len(STAGES)


def outbound_touches(model: MarketModel) -> None:
    """Reps with spare capacity touch buyers; responses open opportunities.

    A vendor makes ``Poisson(touches_per_rep * effective_reps * spare)`` touches, where
    ``spare = 1 - open opportunities / (reps * rep_capacity)``. Enterprises are drawn
    by :func:`target_weights`, the buyer uniformly from its committee. A touch responds
    with probability ``receptivity`` (times ``warm_intro_boost`` for warm
    introductions, each vendor's ``warm_intro_share``; seed 002); every touch wears the
    buyer's receptivity down by ``touch_fatigue``. A response opens an opportunity,
    unless a rival's agreement holds the enterprise beyond its renewal window; one a
    warm introduction opened has a more engaged prospect (:func:`warm_effort`).

    The arithmetic runs in two compiled passes (:mod:`sim.compiled_touches`) around
    the week's draws: the Poisson touches, then four uniforms per touch (the enterprise,
    the buyer in its committee, a warm introduction, the response), drawn in one call
    in that order.
    """
    pop, rng = model.population, model.rng
    model.step_touches = 0
    step, ramp, pref = model.steps, model.rep_ramp_weeks, model.hybrid_user_preference
    sellers, rows = [], []
    for v in model.vendor_list:  # one pass over the vendors builds every per-seller column
        if v.alive and v.tactic.outbound and v.reps > 0:
            sellers.append(v)
            rows.append(
                (
                    v.index,
                    v.reps * v.rep_capacity,
                    v.effective_reps(step, ramp),
                    v.touches_per_rep,
                    v.tactic.user_weight(pref),
                )
            )
    if not sellers:
        return
    pipe = model.pipeline
    # agreements do not change until the responses open opportunities: read them once
    codes, lam, holder, beyond, weights, has_weight = seller_targets(
        np.array(rows, dtype=np.float64),
        pipe.active,
        pipe.vendor,
        model.agreement_at,
        model.contracts.vendor,
        model.contracts.renew_at,
        step,
        model.renewal_window_weeks,
        pop.ent_size,
        model.users_ev,
        float(model.displacement_win_factor),
        model.cooloff_until,
        pop.ent_budget_week,
    )
    n_touch = rng.poisson(lam)
    n_touch *= has_weight  # a seller with nowhere to go makes no touch
    counts = n_touch.tolist()
    n = sum(counts)  # Python ints: the exact total, without a numpy call
    if not n:
        return
    for vendor, k in zip(sellers, counts, strict=True):
        vendor.touches_total += k
    model.step_touches = n
    erode = model.brand_erosion > 0
    keep = 1.0 - model.touch_fatigue
    model.step_responses, e, v, warm = touch_week(
        weights,
        n_touch,
        rng.random(4 * n),  # one call: the four draws of each touch, in the order used
        codes,
        pop.ent_committee_offset,
        pop.ent_committee_size,
        model.vendor_traits("warm_intro_share"),
        float(model.warm_intro_boost),
        pop.receptivity,  # worn down in place, as at the start of the week until then
        powers(keep, n + 1),
        holder,
        beyond,
        model.brand if erode else _NO_BRAND,
        powers(1.0 - model.brand_erosion, n + 1) if erode else _NO_POWERS,
        model.opp_at,
    )
    # a buyer under a rival's agreement that does not renew soon answers "call us at
    # renewal": the touch spent attention, but no opportunity opens
    if len(e):
        model.open_opportunities(e, v, inbound=False, free=True, warm=warm)


_NO_BRAND = np.ones((0, 0))
_NO_POWERS = np.ones(1)


def warm_effort(uniform: np.ndarray, boost: float) -> np.ndarray:
    """A warm prospect's effort from its uniform: ``uniform ** (1 / boost)``.

    Seed 002: "sales is all about 'what have you done for me, or somebody like me that
    I can relate to, recently?'": a prospect reached through the rep's own relationship
    engages more than a stranger, and the prospect's effort is what the model reads for
    that engagement (it predicts the close, sets the deal's pace and decides
    qualification). A stranger's effort is uniform on [0, 1); a warm prospect's is the
    most engaged of ``warm_intro_boost`` strangers' (``P(effort <= x) = x ** boost``,
    mean ``boost / (boost + 1)``: 0.75 at the default 3), so the one number that says
    how much more a relationship counts than a cold call sets both the reply
    (:func:`sim.compiled_deals.responses`) and the engagement. ``boost = 1`` makes a
    warm prospect a cold one. The transform draws nothing: the random stream is the
    same as without it.
    """
    return np.power(uniform, 1.0 / boost)


def wear_down(values: np.ndarray, hits: np.ndarray, keep: float) -> None:
    """``values *= keep ** (times each flat index is in hits)``, in place.

    Only the entries hit are computed: the others' factor is ``keep ** 0 = 1``
    exactly, so the result is that of the whole-array expression, bit for bit.
    ``hits`` index ``values`` flat (row-major), whatever its shape.
    """
    touched = np.bincount(hits, minlength=values.size)
    idx = np.flatnonzero(touched)
    values.flat[idx] = values.flat[idx] * keep ** touched[idx]


def target_weights(
    model: MarketModel,
    sellers: list,
    codes: np.ndarray,
    holder: np.ndarray | None = None,
    beyond: np.ndarray | None = None,
) -> np.ndarray:
    """Weights over enterprises for each seller's touches, one column per seller.

    The tactic's weights (direct: by size; hybrid: ``hybrid_user_preference`` times
    more where its product has users), set to zero where the vendor may not sell:

    * the enterprise holds the vendor's own agreement;
    * the vendor lost a deal there less than ``lost_deal_cooloff_weeks`` ago.

    * a rival's agreement holds the enterprise beyond its renewal window: reps plan
      their territory around contract dates and pitch a displacement only in the
      ``renewal_window_weeks`` before the rival's agreement renews; there, the weight
      is multiplied by ``displacement_win_factor`` (a displacement wins less often).

    ``holder`` and ``beyond`` are :meth:`~sim.model.MarketModel.agreement_holders` and
    :func:`held_beyond_window` when the caller has them already. The tactic says how
    much more its reps weigh an enterprise with users (:meth:`agents.tactics.Tactic.user_weight`);
    the rules are applied in one compiled pass (:func:`sim.compiled_deals.touch_weights`).
    """
    if holder is None:
        holder = model.agreement_holders()
    if beyond is None:
        beyond = held_beyond_window(model)
    pref = model.hybrid_user_preference
    return touch_weights(  # one compiled pass over enterprises and sellers
        model.population.ent_size,
        model.users_ev[:, codes],
        np.array([v.tactic.user_weight(pref) for v in sellers], dtype=np.float64),
        codes,
        holder,
        beyond,
        float(model.displacement_win_factor),
        model.cooloff_until[:, codes],
        model.steps,
        budget_open(model),
    )


def held_beyond_window(model: MarketModel) -> np.ndarray:
    """Per enterprise: an agreement holds it and does not renew within ``renewal_window_weeks``."""
    held = model.agreement_at
    out = held >= 0
    if out.any():
        due_in = model.contracts.renew_at[held[out]] - model.steps
        out[out] = due_in > model.renewal_window_weeks
    return out


def locked_until_renewal(
    model: MarketModel,
    enterprises: np.ndarray,
    vendors: np.ndarray,
    holder: np.ndarray | None = None,
    beyond: np.ndarray | None = None,
) -> np.ndarray:
    """True where a rival's agreement holds the enterprise beyond ``renewal_window_weeks``.

    ``holder`` and ``beyond`` as in :func:`target_weights`, when the caller has them.
    """
    if holder is None:
        holder = model.agreement_holders()
    if beyond is None:
        beyond = held_beyond_window(model)
    return beyond[enterprises] & (holder[enterprises] != vendors)


def stage_hazard(model: MarketModel, enterprises: np.ndarray) -> np.ndarray:
    """Weekly chance of moving one stage on, so the mean cycle is ``sales_cycle_weeks``.

    The cycle lengthens with size: ``sales_cycle_weeks * (n_e / median size) ** cycle_size_elasticity``.
    With four stages of equal geometric length, each has hazard ``4 / cycle`` (capped at 1).
    """
    sizes = model.population.ent_size[enterprises]
    cycle = (
        model.sales_cycle_weeks
        * (sizes / model.median_enterprise_size) ** model.cycle_size_elasticity
    )
    return np.minimum(1.0, N_STAGES / np.maximum(cycle, 1.0))


def paced_hazard(
    hazard: np.ndarray, effort: np.ndarray, weight: float, worked_bar: float = 0.0
) -> np.ndarray:
    """An outbound deal's stage hazard set by its prospect's effort (seed 002), capped at 1.

    ``hazard * (1 + w (2 effort - 1)) * m``: a prospect who makes little effort ("if you
    call five times before the prospect returns your call that is not equality") moves
    slowly and holds the rep's capacity longer, an engaged one moves fast. ``m`` keeps the
    calibrated cycle for the deals the market's reps actually work: the mean stay of a
    deal whose effort is uniform above ``worked_bar`` (the market's qualification bar) is
    ``sales_cycle_weeks``, ``m = E[1 / (1 + w (2U - 1)) | U > b] =
    ln((1 + w) / (1 + w (2b - 1))) / (2 w (1 - b))``. Normalising over every prospect
    (``b = 0``) would let the kept deals, the faster ones, shorten the market's cycle
    (about 12.5 to 8 weeks at ``w = 2/3``, ``b = 0.4``: docs/investigations/qualification.md).
    A vendor that qualifies harder than the market works faster deals, one that chases
    everything slower ones. ``w = 0`` is the reference (the caller skips this).
    ``m`` is numpy's (its ``log``); the deals' arithmetic is one compiled loop
    (:func:`sim.compiled_pipeline.paced`, the same operations in the same order).
    """
    b = min(max(float(worked_bar), 0.0), 1.0 - 1e-9)
    mean_stay = np.log((1.0 + weight) / (1.0 + weight * (2.0 * b - 1.0))) / (
        2.0 * weight * (1.0 - b)
    )
    hazard, effort = np.asarray(hazard, dtype=np.float64), np.asarray(effort, dtype=np.float64)
    if hazard.ndim != 1 or effort.shape != hazard.shape:
        raise ValueError("paced_hazard: hazard and effort are arrays of one deal each")
    return paced(hazard, effort, float(weight), float(mean_stay))


def advance_pipeline(model: MarketModel) -> None:
    """Move opportunities through identify, qualify, sell, close (seed 004), and resolve them.

    Entering *qualify*, an outbound opportunity whose prospect effort is below its
    vendor's ``qualification`` is dropped before the rep invests in it (seed 002: wait until the
    prospect's effort matches yours): it has held a quarter of a cycle of the rep's
    capacity instead of a whole one. With the demand curve on, discovery also drops a
    prospect that values a seat below the vendor's price (the B of BANT: no budget at
    this price), which would otherwise be lost at the close (:mod:`sim.demand`). Leaving *close*, it is won with probability
    :func:`win_probability`. A win signs an agreement (:func:`sim.contracting.sell_agreement`),
    displacing a rival's; a loss keeps the vendor out of the enterprise for
    ``lost_deal_cooloff_weeks``.

    The moves, drops, closes and chances of a win are one compiled pass
    (:func:`sim.compiled_pipeline.pipeline_week`) between the week's two draws.
    """
    pipe, rng = model.pipeline, model.rng
    ids = pipe.active_ids()
    if not len(ids):
        return
    # one compiled pass (sim.compiled_pipeline) between the week's two draws
    n_moved, n_dropped, e, v, p_win = pipeline_week(
        *pipeline_arguments(model, ids, rng.random(len(ids)), N_STAGES)  # which move a stage
    )
    model.step_disqualified += n_dropped
    if not len(e):  # nothing closes: nothing is won or lost (and nothing drawn)
        return
    p_win = with_leaders_edge(model, p_win, v)  # after the compiled pass's cap
    won = rng.random(len(e)) < p_win
    for ent, ven, win in zip(e.tolist(), v.tolist(), won.tolist(), strict=True):
        vendor = model.vendor_list[ven]
        if win and sell_agreement(model, ent, vendor):
            vendor.deals_won += 1
            model.step_deals_won += 1
            acv = float(model.contracts.acv[model.contract_at[ent, ven]])
            vendor.rep_won_total += acv
            model.log("won", vendor, ent, acv)
        else:
            vendor.deals_lost += 1
            model.step_deals_lost += 1
            model.cooloff_until[ent, ven] = model.steps + model.lost_deal_cooloff_weeks
            model.log("lost", vendor, ent)


def win_probability(
    model: MarketModel, enterprises: np.ndarray, vendors: np.ndarray, effort: np.ndarray
) -> np.ndarray:
    """Chance that a deal leaving *close* is won (mechanism 5), capped at 1.

    ``base_win_rate * quality * (1 + effort_win_weight * (2 effort - 1))
    * (1 + champion_boost [a user inside]) * (1 - committee_drag) ** (committee - 1)``.
    The effort term averages 1 over prospects (effort is uniform), so
    ``base_win_rate * quality`` is the win rate of a cold deal with a one-person
    committee; ``effort_win_weight = 0`` makes effort irrelevant to the close.
    Against a rival's agreement (a displacement at its renewal) the chance is further
    multiplied by ``displacement_win_factor * quality / incumbent quality``: switching
    costs favour the incumbent unless the challenger's product is clearly better.
    With ``installed_base_edge`` the capped chance is scaled by
    :func:`installed_base_factor` and capped again (buyers favour the vendor their peers
    use).

    This is the numpy form, for a reader and for deals picked by hand; a week computes
    the same floats inside :func:`sim.compiled_pipeline.pipeline_week`
    (``tests/test_compiled_selling.py`` compares the two).
    """
    quality = model.vendor_traits("quality")[vendors]
    champion = model.users_ev[enterprises, vendors] > 0
    # the deal's committee: one buying unit's, however many units reps can reach
    committee = np.minimum(model.population.ent_committee_size[enterprises], model.committee_size)
    p = (
        model.base_win_rate
        * quality
        * (1.0 + model.effort_win_weight * (2.0 * effort - 1.0))
        * (1.0 + model.champion_boost * champion)
        * (1.0 - model.committee_drag) ** (committee - 1)
    )
    p *= willing(model, enterprises, vendors)  # the committee buys only below its worth
    holder = model.agreement_holders()[enterprises]
    rival = (holder >= 0) & (holder != vendors)
    if rival.any():
        incumbent_quality = model.vendor_traits("quality")[holder[rival]]
        edge = quality[rival] / np.maximum(incumbent_quality, 1e-9)
        p[rival] *= model.displacement_win_factor * edge
    return with_leaders_edge(model, np.minimum(1.0, p), vendors)


def with_leaders_edge(model: MarketModel, p: np.ndarray, vendors: np.ndarray) -> np.ndarray:
    """Capped chances of a win scaled by :func:`installed_base_factor` and capped again;
    ``p`` itself when ``installed_base_edge = 0``. The one place both the week's
    compiled chances (:func:`advance_pipeline`) and :func:`win_probability` take it."""
    if model.installed_base_edge <= 0:
        return p
    return np.minimum(1.0, p * installed_base_factor(model, vendors))


def installed_base_factor(model: MarketModel, vendors: np.ndarray) -> np.ndarray:
    """The leader's edge: ``((1 + customers) / (1 + rivals' mean)) ** installed_base_edge``.

    Buyers shortlist the vendors their peers use (references, peer reviews), so a
    vendor with more customers than the typical vendor pitching the category wins more
    of its closes and one with fewer wins less. The reference is the mean customers of
    the vendors alive with a sales motion (those whose deals reach a close). The factor
    scales the capped chance of :func:`win_probability` and is capped with it;
    ``installed_base_edge = 0`` makes it 1.
    """
    customers = np.asarray(model.vendor_customers, dtype=np.float64)
    pitching = [v.index for v in model.alive_vendors() if v.tactic.outbound]
    typical = float(customers[pitching].mean()) if pitching else 0.0
    return ((1.0 + customers[vendors]) / (1.0 + typical)) ** model.installed_base_edge
