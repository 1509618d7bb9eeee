"""Per-step outputs: model-level metrics (MODEL.md "Outputs per step") and vendor columns.

:func:`compute_metrics` computes every model-level figure once per step into model
attributes; the DataCollector then only reads attributes by name, which keeps data
collection cheap enough for the 260-step budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.params import STRATEGIES
from sim.tables import ENTERPRISE

if TYPE_CHECKING:
    from sim.model import MarketModel

MODEL_COLUMNS: tuple[str, ...] = (
    "vendors_active",
    *(f"vendors_{s}" for s in STRATEGIES),
    "buyer_receptivity",
    "reps_total",
    *(f"reps_{s}" for s in STRATEGIES),
    "adoption_rate",
    "users",
    "arr_total",
    "arr_self_serve",
    "arr_enterprise",
    *(f"arr_{s}" for s in STRATEGIES),
    "bookings",
    "deals_won",
    "deals_lost",
    "disqualified",
    "opportunities_opened",
    "touches",
    "responses",
    "pipeline_open",
    "customers",
    "cac_median",
    "mean_openness",
)
"""Model-level columns of ``datacollector.get_model_vars_dataframe()``."""

MODEL_REPORTERS: dict[str, str] = {name: name for name in MODEL_COLUMNS}

VENDOR_REPORTERS: dict[str, str] = {
    name: name
    for name in ("name", "strategy", "cash", "arr", "users", "customers", "reps", "cac", "alive")
}
"""Vendor-level columns of ``model.vendor_dataframe()``."""


def compute_metrics(model: MarketModel) -> None:
    """Refresh per-vendor arrays and the model-level metric attributes."""
    pop, contracts = model.population, model.contracts
    cap = model.vendor_capacity
    ids = contracts.active_ids()
    vend, acv, kind = contracts.vendor[ids], contracts.acv[ids], contracts.kind[ids]
    model.vendor_arr = np.bincount(vend, weights=acv, minlength=cap)
    model.vendor_customers = np.bincount(vend, minlength=cap)
    model.vendor_users = model.users_ev.sum(axis=0)

    alive = model.alive_vendors()
    model.vendors_active = len(alive)
    for s in STRATEGIES:
        of_s = [v for v in alive if v.strategy == s]
        setattr(model, f"vendors_{s}", len(of_s))
        setattr(model, f"reps_{s}", sum(v.reps for v in of_s))
        setattr(model, f"arr_{s}", float(sum(model.vendor_arr[v.index] for v in of_s)))
    model.buyer_receptivity = (
        float(pop.receptivity.mean()) if len(pop.receptivity) else float("nan")
    )
    model.reps_total = sum(v.reps for v in alive)
    model.users = int(np.count_nonzero(pop.emp_product >= 0))
    model.adoption_rate = model.users / max(1, model.n_employees)
    model.arr_total = float(acv.sum())
    model.arr_enterprise = float(acv[kind == ENTERPRISE].sum())
    model.arr_self_serve = model.arr_total - model.arr_enterprise
    model.bookings = model.step_bookings
    model.deals_won = model.step_deals_won
    model.deals_lost = model.step_deals_lost
    model.disqualified = model.step_disqualified
    model.opportunities_opened = model.step_opportunities
    model.touches = model.step_touches
    model.responses = model.step_responses
    model.pipeline_open = model.pipeline.n_active()
    model.customers = int(len(np.unique(contracts.enterprise[ids])))
    cacs = [v.cac for v in alive if v.new_customers_total > 0]
    model.cac_median = float(np.median(cacs)) if cacs else float("nan")
    model.mean_openness = float(pop.emp_openness.mean()) if model.n_employees else float("nan")
