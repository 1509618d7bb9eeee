"""Outbound selling (mechanism 4) and the pipeline (mechanism 5).

Touches from every rep of every vendor are drawn as one batch of arrays. Within a
week all touches see the receptivity the buyers had at the start of the week, and
a buyer touched ``n`` times then loses ``1 - (1 - touch_fatigue) ** n`` of it: the
same expectation as touching in sequence, with no Python loop over touches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.contracting import enterprise_acv, roll_out, sign
from sim.kernels import sample_by_column
from sim.tables import ENTERPRISE, STAGES

if TYPE_CHECKING:
    from sim.model import MarketModel

N_STAGES = len(STAGES)


def outbound_touches(model: MarketModel) -> None:
    """Reps with spare capacity touch buyers; responses open opportunities.

    A vendor makes ``Poisson(touches_per_rep * effective_reps * spare)`` touches, where
    ``spare = 1 - open opportunities / (reps * rep_capacity)``. Enterprises are drawn
    by the tactic's weights (an enterprise already under an enterprise contract with
    the vendor is skipped), the buyer uniformly from its committee. A touch responds
    with probability ``receptivity`` (times ``warm_intro_boost`` for warm
    introductions, share ``warm_intro_share``; seed 002).
    """
    pop, rng = model.population, model.rng
    sellers = [v for v in model.alive_vendors() if v.tactic.outbound and v.reps > 0]
    model.step_touches = 0
    if not sellers:
        return
    codes = np.array([v.index for v in sellers])
    open_now = np.bincount(
        model.pipeline.vendor[model.pipeline.active_ids()], minlength=model.vendor_capacity
    )[codes]
    capacity = np.array([v.reps * v.rep_capacity for v in sellers], dtype=np.float64)
    spare = np.maximum(0.0, 1.0 - open_now / capacity)
    effective = np.array([v.effective_reps(model.steps, model.rep_ramp_weeks) for v in sellers])
    per_rep = np.array([v.touches_per_rep for v in sellers], dtype=np.float64)
    n_touch = rng.poisson(per_rep * effective * spare)

    # target weights, one column per seller; none where it already holds an enterprise contract
    weights = np.column_stack(
        [v.tactic.target_weights(pop.ent_size, model.users_ev[:, v.index]) for v in sellers]
    )
    weights[model.contracts.kind_of(model.contract_at[:, codes]) == ENTERPRISE] = 0.0
    n_touch[weights.sum(axis=0) <= 0] = 0
    if not n_touch.any():
        return
    ent, col = sample_by_column(rng, weights, n_touch)
    ven = codes[col]
    for vendor, k in zip(sellers, n_touch, strict=True):
        vendor.touches_total += int(k)
    n = len(ent)
    model.step_touches = n
    buyer = pop.ent_committee_offset[ent] + (rng.random(n) * pop.ent_committee_size[ent]).astype(
        np.int64
    )
    warm = rng.random(n) < model.warm_intro_share
    p_respond = np.minimum(
        1.0, pop.receptivity[buyer] * np.where(warm, model.warm_intro_boost, 1.0)
    )
    responded = rng.random(n) < p_respond
    model.step_responses = int(responded.sum())

    touched = np.bincount(buyer, minlength=len(pop.receptivity))
    pop.receptivity *= (1.0 - model.touch_fatigue) ** touched
    if model.brand_erosion > 0:
        pair = np.bincount(ent * model.vendor_capacity + ven, minlength=model.brand.size)
        model.brand *= (1.0 - model.brand_erosion) ** pair.reshape(model.brand.shape)

    if responded.any():
        pairs = np.unique(ent[responded] * model.vendor_capacity + ven[responded])
        e, v = np.divmod(pairs, model.vendor_capacity)
        model.open_opportunities(e, v, inbound=False)


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


def advance_pipeline(model: MarketModel) -> None:
    """Move opportunities through identify, qualify, sell, close (seed 004), and resolve them.

    Entering *qualify*, an outbound opportunity whose prospect effort is below
    ``qualification`` is dropped before the rep invests in it (seed 002: wait until the
    prospect's effort matches yours): it has held a quarter of a cycle of the rep's
    capacity instead of a whole one. Leaving *close*, it is won with probability
    ``base_win_rate * quality * 2 * effort * (1 + champion_boost [a user inside])
    * (1 - committee_drag) ** (committee - 1)``; ``2 * effort`` averages 1 over prospects.
    """
    pipe, rng = model.pipeline, model.rng
    ids = pipe.active_ids()
    if not len(ids):
        return
    moved = ids[rng.random(len(ids)) < pipe.hazard[ids]]
    pipe.stage[moved] += 1
    stage = pipe.stage[moved]
    dropped = moved[
        (stage == 1) & (pipe.effort[moved] < model.qualification) & ~pipe.inbound[moved]
    ]
    model.close_opportunities(dropped)
    model.step_disqualified += len(dropped)
    done = moved[stage == N_STAGES]
    if not len(done):
        return
    model.close_opportunities(done)
    e = pipe.enterprise[done]
    v = pipe.vendor[done]
    quality = model.vendor_traits("quality")[v]
    champion = model.users_ev[e, v] > 0
    committee = model.population.ent_committee_size[e]
    p_win = (
        model.base_win_rate
        * quality
        * 2.0
        * pipe.effort[done]
        * (1.0 + model.champion_boost * champion)
        * (1.0 - model.committee_drag) ** (committee - 1)
    )
    won = rng.random(len(done)) < np.minimum(1.0, p_win)
    for ent, ven, win in zip(e.tolist(), v.tolist(), won.tolist(), strict=True):
        vendor = model.vendor_list[ven]
        if win and sign(model, ent, vendor, ENTERPRISE, enterprise_acv(model, ent, vendor), 1):
            cid = model.contract_at[ent, ven]
            model.contracts.seats[cid] = max(1, roll_out(model, ent, vendor))
            vendor.deals_won += 1
            model.step_deals_won += 1
            model.log("won", vendor, ent, float(model.contracts.acv[cid]))
        else:
            vendor.deals_lost += 1
            model.step_deals_lost += 1
            model.log("lost", vendor, ent)
