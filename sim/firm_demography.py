"""Firm demography: enterprises close and new firms take their place.

A category's market is not a fixed set of firms. Every year some firms close (or are
acquired) and about as many are founded: the US Business Employment Dynamics count
about 8-9% of establishments closing a year and as many opening, and a firm's chance
of closing falls with its size (Evans 1987; Dunne, Roberts and Samuelson 1989). For a
software vendor that is churn it cannot prevent (a customer that closes cancels) and
greenfield accounts that keep arriving after the category's land grab, the new business
that a kept sales team works (docs/investigations/launch_team.md).

Each week an enterprise of ``s`` employees closes with probability
``firm_turnover / 52 * (s / median size) ** -firm_size_slope``, capped at 1. Its slot
is taken at once by a new firm of the same size and organisation (the org network,
roles and people's traits stay, so runs stay comparable), which starts with nothing of
the category: every agreement and team plan of the closed firm ends (a ``churn`` event
each, ``reason`` "firm closed"), its open opportunities close, nobody in it uses a
product, its buyers' attention is that of buyers nobody has prospected
(``receptivity_initial``), its brand impressions, purchaser draws and cool-offs reset,
and its budget line for the category is open (a new firm buys the tools for the job).

``firm_turnover = 0`` switches it off, and then no random number is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.terms import YEAR
from sim.contracting import end_contract
from sim.firm_founding import founded
from sim.population import NO_PRODUCT
from sim.tables import CONTRACT_KINDS

if TYPE_CHECKING:
    from sim.model import MarketModel


def closing_hazard(model: MarketModel) -> np.ndarray:
    """Each enterprise's chance of closing this week (size-dependent, capped at 1)."""
    size = model.population.ent_size.astype(np.float64)
    relative = size / max(float(np.median(size)), 1.0)
    weekly = model.firm_turnover / YEAR * relative ** (-model.firm_size_slope)
    in_market = founded(model)  # a firm not founded yet (sim.firm_founding) cannot close
    if in_market is not None:
        weekly = np.where(in_market, weekly, 0.0)
    return np.minimum(weekly, 1.0)


def close_and_found(model: MarketModel) -> np.ndarray:
    """This week's closures (one uniform draw per enterprise); returns the enterprises
    whose slot a new firm took."""
    if model.firm_turnover <= 0:
        return np.empty(0, dtype=np.int64)
    hazard = closing_hazard(model)
    closing = np.flatnonzero(model.rng.random(len(hazard)) < hazard)
    for e in closing.tolist():
        replace_firm(model, e)
    return closing


def replace_firm(model: MarketModel, e: int) -> None:
    """Enterprise ``e`` closes and a new firm of the same shape opens in its place."""
    contracts, pop = model.contracts, model.population
    for cid in model.contract_at[e][model.contract_at[e] >= 0].tolist():
        vendor = model.vendor_list[int(contracts.vendor[cid])]
        acv, kind = float(contracts.acv[cid]), int(contracts.kind[cid])
        end_contract(model, cid)
        model.log("churn", vendor, e, acv, contract=CONTRACT_KINDS[kind], reason="firm closed")
    opportunities = model.opp_at[e][model.opp_at[e] >= 0]
    if len(opportunities):
        model.close_opportunities(opportunities)
    people = model.enterprise_slice(e)
    pop.emp_product[people] = NO_PRODUCT
    pop.emp_mandated[people] = False
    pop.emp_paid[people] = False
    model.user_counts.stale_row(e)  # users_ev[e] is recounted at the next settle
    pop.receptivity[model.committee_slice(e)] = model.receptivity_initial
    model.brand[e] = 1.0
    model.purchaser[e] = 0
    model.purchaser_teams[e] = 0
    model.cooloff_until[e] = 0
    pop.ent_budget_week[e] = min(int(pop.ent_budget_week[e]), model.steps)
