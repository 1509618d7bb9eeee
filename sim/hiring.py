"""How many reps a vendor hires at a hiring round: wanted from bookings, paid by cash.

Hiring follows bookings (``rep_hiring_rate`` reps per 13 weeks of rep cost booked), and
two bounds keep it finite whatever the parameters: cash must pay the new team for
``min_runway_weeks`` and for at least one week (so ``min_runway_weeks = 0`` means "as
long as cash pays this week", not "without limit"), and no vendor grows beyond the
rep cap of its memory budget (:func:`sim.budget.rep_cap`), neither by hiring nor at
its start (:func:`fit_to_cap`). Free reps (``rep_cost = 0``) are wanted without limit
once there are bookings, and the cap decides.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

import numpy as np

from sim.budget import rep_cap

if TYPE_CHECKING:
    from agents.vendor import Vendor
    from sim.model import MarketModel

QUARTER = 13  # weeks, as sim.economics.QUARTER (imported from here would be circular)


def wanted_hires(model: MarketModel, vendor: Vendor) -> float:
    """Reps a vendor wants to add this round, from its bookings.

    With ``rep_quota = 0`` (the reference): ``rep_hiring_rate * bookings / (13 *
    rep_cost)`` for the bookings since the last round; infinite for free reps with
    bookings. With a quota, :func:`team_at_quota`.
    """
    if model.rep_quota > 0:
        return team_at_quota(model, vendor)
    paid = model.rep_hiring_rate * vendor.bookings_since_hiring
    if vendor.rep_cost > 0:
        return paid / (QUARTER * vendor.rep_cost)
    return math.inf if paid > 0 else 0.0


def team_at_quota(model: MarketModel, vendor: Vendor) -> float:
    """Hires that bring the team to what its bookings carry at quota (capacity planning).

    The team the last year's bookings pay for, each rep at ``rep_quota`` times a
    rep-year's cost (quota 4-6x on-target earnings, Bridge Group 2024), minus the reps
    it has: a team that books above quota grows, one below it does not backfill its
    leavers (and below ``layoff_floor`` it is cut, :func:`layoffs`). With
    ``backfill_leavers`` a team below quota that books its keep (no layoff due) replaces
    its leavers instead: it is held at the size its last round settled on
    (``Vendor.planned_reps``), as sales leaders backfill attrition on a team that makes
    its number and cut only one that does not. Growth is at most
    the team's size plus one a round (recruiting takes time). With
    ``quota_on_new_business`` the bookings are the ACV its reps won (account executives
    carry new-business quota; renewal expansions and self-serve purchases are account
    management's and the product's), :meth:`agents.vendor.Vendor.sales_bookings_over`.
    """
    booked = vendor.sales_bookings_over(52)
    if vendor.rep_cost <= 0:
        return math.inf if booked > 0 else 0.0
    carried = booked / (model.rep_quota * 52 * vendor.rep_cost)
    if model.backfill_leavers and layoffs(model, vendor) == 0:
        carried = max(carried, vendor.planned_reps)  # a team that books its keep is held
    return float(min(max(0.0, carried - vendor.reps), vendor.reps + 1))


def affordable_hires(model: MarketModel, vendor: Vendor) -> int:
    """Most reps a vendor can add and still pay for ``max(1, min_runway_weeks)`` weeks.

    Runway is ``cash / (net weekly burn + new reps' cost)``.
    """
    weeks = max(1.0, model.min_runway_weeks)
    room = vendor.cash / weeks - (vendor.costs - vendor.revenue)
    if vendor.rep_cost <= 0:
        return sys.maxsize if room >= 0 else 0
    reps = room // vendor.rep_cost  # +-inf for a denormal cost: no int() of an infinity
    if not reps > 0:
        return 0
    return int(min(reps, sys.maxsize))


def rep_room(model: MarketModel, vendor: Vendor) -> int:
    """Reps the vendor may still add under its budget's rep cap."""
    budget = getattr(model, "memory_budget", None)
    if budget is None:
        return sys.maxsize
    return max(0, rep_cap(budget, vendor.touches_per_rep) - vendor.reps)


def fit_to_cap(model: MarketModel, vendor: Vendor) -> None:
    """Trim a new vendor's starting reps to its rep cap.

    Starting reps are drawn around ``initial_reps`` (and touches around
    ``touches_per_rep``) with ``vendor_heterogeneity``; an entrant far past the horizon
    was never counted by the construction check. Neither may exceed the cap.
    """
    room = rep_room(model, vendor) + vendor.reps
    if vendor.reps > room:
        vendor.rep_cohorts = [[vendor.rep_cohorts[0][0], room]] if room > 0 else []


def hires(model: MarketModel, vendor: Vendor, rng: np.random.Generator) -> int:
    """Reps hired this round: wanted, rounded at random (one uniform draw), then bounded.

    The draw is the same as without bounds, so a run where no bound binds is unchanged.
    """
    room = rep_room(model, vendor)
    wanted = min(wanted_hires(model, vendor), room + 1.0)  # finite before rounding
    count = int(np.floor(wanted + rng.random()))
    if count <= 0:
        return 0
    return max(0, min(count, room, affordable_hires(model, vendor)))


def layoffs(model: MarketModel, vendor: Vendor) -> int:
    """Reps let go at a hiring round: a team that does not book its keep shrinks.

    Over the last ``2 * hiring_interval`` weeks (half a year at the default), a team
    whose bookings are below ``layoff_floor`` times what its reps cost is cut to the
    reps those bookings pay for at that floor (seed 004: vendors starve when buyers'
    attention is gone; a sales leader does not carry a team that sells nothing).
    Only once the whole window has passed since the vendor's sales started (its
    reps had time to ramp), and never below one rep while anything was booked.
    ``layoff_floor = 0`` switches layoffs off (attrition alone thins a team).
    """
    window = 2 * model.hiring_interval
    if model.layoff_floor <= 0 or vendor.reps == 0 or vendor.rep_cost <= 0:
        return 0
    if model.steps - vendor.sales_start < window + model.rep_ramp_weeks:
        return 0
    booked = vendor.sales_bookings_over(window)
    keep_cost = model.layoff_floor * vendor.rep_cost * window
    affordable = max(int(booked // keep_cost), model.min_reps)
    if booked > 0:
        affordable = max(1, affordable)
    return max(0, vendor.reps - affordable)
