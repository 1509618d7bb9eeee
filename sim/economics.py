"""Vendor economics (mechanism 8), entry (9) and adaptation (10).

Cash is settled after all contract changes of the week, so that for every alive
vendor ``cash_after - cash_before == revenue - costs`` holds exactly (a property
test checks it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.tactics import TACTICS
from sim import hiring
from sim.compiled_outputs import vendor_outcomes
from sim.params import STRATEGIES

if TYPE_CHECKING:
    from agents.vendor import Vendor
    from sim.model import MarketModel

QUARTER = 13


def bought_reach(model: MarketModel, vendor: Vendor) -> float:
    """Weekly marketing hazard a vendor's spend buys: a concave response curve.

    ``marketing_reach * spend / (spend + marketing_saturation)``: diminishing returns,
    half the maximum reach at ``marketing_saturation`` a week, and no reach without
    spend (colleague adoption only). ``marketing_saturation = 0`` buys the full reach
    with any spend (the Bass limit's ``p = marketing_reach``).

    References
    ----------
    Little, J. D. C. (1979). Aggregate advertising models. Operations Research 27.
    """
    return reach_of(model, vendor, marketing_this_week(model, vendor))


def reach_of(model: MarketModel, vendor: Vendor, spend: float) -> float:
    """:func:`bought_reach` of a week's marketing ``spend`` the caller already has (the
    self-serve phase keeps it for :func:`settle_cash`, which pays it)."""
    if spend <= 0:
        return 0.0
    return vendor.marketing_reach * spend / (spend + model.marketing_saturation)


def marketing_this_week(model: MarketModel, vendor: Vendor) -> float:
    """What a vendor spends on marketing this week: its plan, cut to keep a runway.

    With ``marketing_runway_weeks = W > 0`` a company spends on marketing only what
    leaves ``W`` weeks of runway at its fixed net burn (reps, burn, less last week's
    revenue): ``min(marketing_spend, max(0, cash / W - fixed))``. Marketing is the
    discretionary line a CFO cuts first when runway shortens ("default alive",
    Graham 2015; Sequoia 2022: plan for a long runway), so a company planning more
    marketing than it can afford spends down to the runway and then only what its
    revenue pays, instead of marketing itself into insolvency. The plan itself
    (``marketing_spend``) is the company's decision and is unchanged. A steered vendor
    (a workshop team) spends what its team decided. ``W = 0``: the plan, always (the
    reference rule).

    Cash, reps and last week's revenue change only in :func:`settle_cash` and
    :func:`staff`, after the self-serve phase, so the reach bought this week and the
    marketing paid for it are the same figure.
    """
    spend = vendor.marketing_spend
    weeks = model.marketing_runway_weeks
    if weeks <= 0 or spend <= 0 or vendor.steered:
        return spend
    fixed = vendor.reps * vendor.rep_cost + vendor.burn - vendor.revenue
    room = vendor.cash / weeks - fixed
    # min(spend, max(0.0, room)) without the two calls (a hot path: 5,600 times a run):
    # max keeps 0.0 unless room > 0.0 (NaN too), min keeps spend unless room < spend
    if not room > 0.0:
        room = 0.0
    return float(room if room < spend else spend)


def settle_cash(model: MarketModel, marketing_paid: dict[int, float] | None = None) -> None:
    """Recognise revenue (ACV / 52 a week), pay costs, and let the insolvent exit.

    ``cash += revenue - marketing - reps * rep_cost - burn``; marketing (the plan, or
    less to keep a runway: :func:`marketing_this_week`) is paid only by vendors that run
    a self-serve motion, unless ``marketing_all_motions``.

    ``marketing_paid``: this week's marketing by vendor code, where the self-serve phase
    already computed it to buy reach (:meth:`sim.model.MarketModel.step` passes it, so
    the reach bought and the marketing paid are one figure, computed once); any other
    vendor's is computed here.
    """
    contracts = model.contracts
    # each vendor's ACV / 52 summed in contract order: numpy's weighted bincount, compiled;
    # users_ev with no row: its width gives the vendor codes, and no user is summed
    revenue = vendor_outcomes(
        contracts.active, contracts.vendor, contracts.acv, model.users_ev[:0], 52.0
    )[1]
    revenue = revenue.tolist()  # Python floats, the values float(revenue[i]) gave
    all_motions = model.marketing_all_motions
    paid = (marketing_paid or {}).get
    alive = model.alive_vendors()  # no vendor exits before the second loop
    for vendor in alive:
        if not (vendor.tactic.self_serve or all_motions):
            marketing = 0.0
        elif (marketing := paid(vendor.index)) is None:
            marketing = marketing_this_week(model, vendor)
        sales = vendor.reps * vendor.rep_cost
        vendor.revenue = revenue[vendor.index]
        vendor.costs = marketing + sales + vendor.burn
        vendor.cash += vendor.revenue - vendor.costs
        vendor.sm_spend_total += marketing + sales
        vendor.close_week()
    for vendor in alive:
        if vendor.cash < 0:
            model.exit_vendor(vendor)


def staff(model: MarketModel) -> None:
    """Sales starts, reps leave every week, and every ``hiring_interval`` weeks vendors hire.

    A vendor whose ``sales_start_week`` comes hires its ``initial_reps`` then (they
    ramp); before it, a vendor hires no reps (a hybrid sells bottoms-up only).
    A steered vendor (a workshop team) is not hired for: its team decides.
    Hires per round: ``rep_hiring_rate * bookings / (13 * rep_cost)`` (one rep per
    quarter of rep cost booked, at rate 1), rounded at random, and no more than keeps
    ``min_runway_weeks`` of runway at the new cost or the memory budget allows
    (:func:`sim.hiring.hires`).
    """
    rng = model.rng
    hiring_round = model.steps % model.hiring_interval == 0
    for vendor in model.alive_vendors():
        if not vendor.tactic.outbound or model.steps < vendor.sales_start:
            continue
        if model.steps == vendor.sales_start and vendor.sales_start_week > 0:
            starting = min(vendor.initial_reps, hiring.rep_room(model, vendor))
            vendor.hire(starting, model.steps)
            model.log("sales start", vendor, None, starting)
        if vendor.reps and model.rep_attrition > 0:
            vendor.lose_reps(int(rng.binomial(vendor.reps, model.rep_attrition)), rng)
        if not hiring_round or vendor.steered:  # a workshop team hires for itself
            continue
        hires = hiring.hires(model, vendor, rng)  # bounded by cash and the memory budget
        if vendor.reps + hires < model.min_reps:  # a sales motion keeps its last seats filled
            hires = min(model.min_reps - vendor.reps, hiring.affordable_hires(model, vendor))
        cut = hiring.layoffs(model, vendor)  # a team that does not book its keep shrinks
        vendor.bookings_since_hiring = 0.0
        if cut > 0 and hires == 0:
            vendor.lose_reps(cut, rng)
            model.log("layoff", vendor, None, cut)
        if hires > 0:
            vendor.hire(hires, model.steps)
            model.log("hire", vendor, None, hires)
        vendor.planned_reps = vendor.reps  # the team this round settled on


def market_attractiveness(model: MarketModel) -> float:
    """Recent bookings per active vendor per week, over a typical vendor's weekly cost.

    Capped at ``attractiveness_cap``. A market with no vendor books nothing, so it
    shows no attractiveness: entrants then arrive at the ``entry_floor`` only, and the
    market fills again only once an entrant finds rested buyers and books well.

    With ``attractiveness_tenure > 0`` entrants read the incumbents' track record: the
    last quarter's bookings of the vendors in the market at least that many weeks, per
    such vendor (none: no attractiveness). Young entrants that have not sold yet then do
    not make the market look crowded, so entry comes in waves while the incumbents book
    well and stops only when their bookings fall (seed 004).
    """
    alive = model.alive_vendors()
    if model.attractiveness_tenure > 0:  # the incumbents' track record, entrants left out
        alive = [v for v in alive if model.steps - v.entered >= model.attractiveness_tenure]
        if not alive:
            return 0.0
        weekly_bookings = sum(v.bookings_over(QUARTER) for v in alive) / QUARTER / len(alive)
    elif not alive:
        return 0.0
    else:
        weekly_bookings = sum(model.bookings_history[-QUARTER:]) / QUARTER / len(alive)
    typical_cost = model.burn + model.marketing_spend + model.initial_reps * model.rep_cost
    return float(min(model.attractiveness_cap, weekly_bookings / max(typical_cost, 1.0)))


def entry(model: MarketModel) -> None:
    """Mechanism 9: an entrant arrives with probability ``entry_rate * attractiveness``.

    Attractiveness is at least ``entry_floor``: founders keep probing a category even
    when its incumbents book nothing, so a market whose vendors all starved is
    re-entered once its buyers have rested (seed 004: vendors return).

    It copies the strategy of an incumbent drawn in proportion to ARR, or picks one
    at random with probability ``mutation`` (or when nobody has ARR to copy); with
    ``entry_strategy`` set to a strategy, every entrant takes it.
    """
    rng = model.rng
    alive = model.alive_vendors()
    if model.entry_rate <= 0 or len(alive) >= model.max_vendors:
        return
    pull = max(market_attractiveness(model), model.entry_floor)
    if rng.random() >= min(1.0, model.entry_rate * pull):
        return
    if model.entry_strategy != "copy":  # the category's motion (no draw: a switch)
        vendor = model.add_vendor(model.entry_strategy)
        model.log("entry", vendor, None, None)
        return
    arr = np.array([v.arr for v in alive])
    if rng.random() < model.mutation or not len(alive) or arr.sum() <= 0:
        strategy = STRATEGIES[int(rng.integers(len(STRATEGIES)))]
    else:
        strategy = alive[int(rng.choice(len(alive), p=arr / arr.sum()))].strategy
    vendor = model.add_vendor(strategy)
    model.log("entry", vendor, None, None)


def adapt(model: MarketModel) -> None:
    """Mechanism 10: each quarter a vendor may switch to a strategy that pays back faster.

    A vendor compares its CAC payback with the median payback of each other strategy;
    if the best is below ``switch_margin`` times its own, it switches with probability
    ``switch_rate``. A switch to a sales motion hires ``initial_reps`` who ramp.
    """
    if not model.adaptive_strategies or model.steps % QUARTER:
        return
    alive = model.alive_vendors()
    # payback is NaN where a vendor booked no new ARR in the year: it pays back never,
    # so it counts as infinitely slow for itself and is left out of the medians
    payback = {v: _or_inf(v.cac_payback_months) for v in alive}
    medians = {}
    for s in STRATEGIES:
        vals = [p for v, p in payback.items() if v.strategy == s and np.isfinite(p)]
        if vals:
            medians[s] = float(np.median(vals))
    for vendor in alive:
        others = {s: m for s, m in medians.items() if s != vendor.strategy}
        if not others or vendor.steered:  # a workshop team picks its own strategy
            continue
        best = min(others, key=others.get)
        if (
            others[best] < model.switch_margin * payback[vendor]
            and model.rng.random() < model.switch_rate
        ):
            old = vendor.strategy
            vendor.strategy = best
            if TACTICS[best].outbound and vendor.reps == 0:
                vendor.hire(min(vendor.initial_reps, hiring.rep_room(model, vendor)), model.steps)
            if not TACTICS[best].outbound:
                vendor.rep_cohorts = []
            model.log("switch", vendor, None, None, detail=f"{old} -> {best}")


def _or_inf(months: float) -> float:
    """CAC payback with undefined (NaN: nothing booked) as never (``inf``), for comparing."""
    return months if np.isfinite(months) else float("inf")
