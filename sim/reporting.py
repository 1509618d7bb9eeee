"""Per-step outputs: model-level metrics (docs/model.md "Outputs per step") and vendor columns.

:func:`compute_metrics` computes every model-level figure once per step into model
attributes; the DataCollector then only reads attributes by name, which keeps data
collection cheap enough for the 260-step budget.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

import numpy as np

from sim import kpis
from sim.compiled_outputs import (
    account_arr,
    freemium_counts_by_enterprise,
    market_counts,
    retained_accounts,
    vendor_outcomes,
)
from sim.firm_founding import founded
from sim.params import STRATEGIES, ParameterError
from sim.tables import ENTERPRISE, SELF_SERVE_ENTERPRISE

NRR_WINDOW = kpis.YEAR  # weeks: net revenue retention is trailing twelve months
_PAIR_KEY = 1 << 24  # (enterprise, vendor) key = enterprise * _PAIR_KEY + vendor

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
    "reply_rate",
    "win_rate",
    "cac_payback_months",
    "freemium_conversion",
    "net_revenue_retention",
    "spend_per_employee",
    "agreements",
)
"""Model-level columns of ``datacollector.get_model_vars_dataframe()``."""

MODEL_REPORTERS: dict[str, str] = {name: name for name in MODEL_COLUMNS}

VENDOR_REPORTERS: dict[str, str] = {
    name: name
    for name in ("name", "strategy", "cash", "arr", "users", "customers", "reps", "cac", "alive")
}
"""Vendor-level columns of ``model.vendor_dataframe()``."""

_BY_STRATEGY = {s: (f"vendors_{s}", f"reps_{s}", f"arr_{s}") for s in STRATEGIES}

RECORDS: dict[str, str] = {
    "full": "every week's model-level metrics (model.datacollector) and vendor rows "
    "(model.vendor_dataframe()): the tables the Explore tab, the CLI's run, the claims "
    "and the sweeps read",
    "none": "no weekly table and no model-level metric: each vendor's arr, users and "
    "customers stay current (entry reads the ARR, a vendor's readers all three); for runs "
    "that read vendors as they go and the market at the end (model.market_figures()), as "
    "a study's do",
}
"""The values of ``MarketModel(record=...)``: what a week keeps for its reader.

A run spends a tenth or more of its CPU on outputs a study never reads (the model-level
metrics, the data collector, the vendor rows; ``python -m experiments.record_cpu``
measures it); ``"none"`` skips them. It changes no random draw and no mechanism, so
every vendor's figures are those of ``"full"``, bit for bit (tests/test_record.py)."""

NOT_KEPT = (*MODEL_COLUMNS, "datacollector", "vendor_records")
"""What a ``record="none"`` model does not have (its ``__getattr__`` names the fix)."""


def check_record(record: object) -> str:
    """``record`` if it is one of :data:`RECORDS`, else a ParameterError naming them."""
    if not isinstance(record, str) or record not in RECORDS:
        raise ParameterError(
            f"record: {record!r} is not allowed; expected one of {', '.join(map(repr, RECORDS))}"
        )
    return record


def not_kept(name: str) -> str:
    """Why a ``record="none"`` model has no ``name``, and what to do instead."""
    fix = "build it with MarketModel(record='full') for the weekly tables"
    if name in MODEL_COLUMNS and name != "net_revenue_retention":
        fix += f", or read model.market_figures()[{name!r}] for this week's value"
    elif name == "net_revenue_retention":
        fix += " (net revenue retention needs the accounts of every week of a year)"
    return f"this model was built with record='none' and keeps no {name!r}: {fix}"


def compute_metrics(model: MarketModel) -> None:
    """Refresh per-vendor arrays and the model-level metric attributes (a week of a
    ``record="full"`` run: what its data collector then reads by name)."""
    ids = refresh_vendor_outcomes(model)
    model.__dict__.update(market_figures(model, ids))
    model.net_revenue_retention = net_revenue_retention(model, ids)


def refresh_vendor_outcomes(model: MarketModel) -> np.ndarray:
    """Each vendor's ARR, paying customers and users now (``model.vendor_arr``,
    ``vendor_customers``, ``vendor_users``, read through ``Vendor.arr``, ``.customers``
    and ``.users``). Every run refreshes them each week, a ``record="none"`` run too:
    entry (mechanism 9) copies a strategy in proportion to last week's ARR, and whoever
    reads a vendor during a run (a study's run, the fit, the browser) reads all three;
    the three are a few microseconds. Returns the active contract ids."""
    contracts = model.contracts
    ids, model.vendor_arr, model.vendor_customers, model.vendor_users = vendor_outcomes(
        contracts.active, contracts.vendor, contracts.acv, model.users_ev, 1.0
    )  # one compiled pass: the contracts' bincounts and the users' column sums
    return ids


def market_figures(model: MarketModel, ids: np.ndarray | None = None) -> dict[str, float]:
    """The model-level figures of this week (every :data:`MODEL_COLUMNS` but
    ``net_revenue_retention``, which needs the accounts of a year before).

    A pure function of the market's state now, which the week's per-vendor arrays
    (:func:`refresh_vendor_outcomes`) are part of: :func:`compute_metrics` calls it every
    week, and a ``record="none"`` run calls it once, at the end, through
    :meth:`sim.model.MarketModel.market_figures`, for the same floats.
    ``ids`` are the active contract ids (computed when not given).
    """
    pop, contracts = model.population, model.contracts
    if ids is None:
        ids = contracts.active_ids()
    acv, acv_enterprise, customers, employees, agreements = market_counts(
        ids,
        contracts.enterprise,
        contracts.kind,
        contracts.acv,
        pop.ent_size,
        model.agreement_at,
        ENTERPRISE,
    )
    alive = model.alive_vendors()
    out: dict[str, float] = {"vendors_active": len(alive)}
    # one pass over the vendors; each sum adds the same terms in the same order as a
    # sum per strategy (vendor order), so the floats are those of separate sums
    count = dict.fromkeys(STRATEGIES, 0)
    reps = dict.fromkeys(STRATEGIES, 0)
    arr: dict[str, float] = dict.fromkeys(STRATEGIES, 0)
    cacs, paybacks = [], []
    vendor_arr = model.vendor_arr.tolist()
    for v in alive:
        s, r = v.strategy, v.reps
        count[s] += 1
        reps[s] += r
        arr[s] += vendor_arr[v.index]
        if v.new_customers_total > 0:
            cacs.append(v.cac)
        # median over the alive vendors whose payback is defined (new ARR in the year)
        if math.isfinite(p := v.cac_payback_months):  # a float: no numpy call
            paybacks.append(p)
    for s, (vendors_s, reps_s, arr_s) in _BY_STRATEGY.items():
        out[vendors_s] = count[s]
        out[reps_s] = reps[s]
        out[arr_s] = float(arr[s])
    # np.add.reduce(x) / len(x) is x.mean() (the sum it takes, divided by the count)
    # without numpy's Python wrapper
    receptivity, openness = pop.receptivity, pop.emp_openness
    employees_in_market = model.n_employees
    firms = founded(model)  # None unless firms are founded over the run
    if firms is not None:  # a firm not founded yet is outside the market's outputs
        in_market = firms[pop.emp_enterprise]
        receptivity = receptivity[firms[pop.buyer_enterprise]]
        openness = openness[in_market]
        employees_in_market = int(np.count_nonzero(in_market))
    out["buyer_receptivity"] = (
        float(np.add.reduce(receptivity) / len(receptivity)) if len(receptivity) else float("nan")
    )
    out["reps_total"] = sum(reps.values())
    users, n_free, n_paid = _employee_counts(model)  # one pass over the employees
    out["users"] = users
    out["adoption_rate"] = users / max(1, employees_in_market)
    arr_total = float(acv.sum())
    out["arr_total"] = arr_total
    out["arr_enterprise"] = arr_enterprise = float(acv_enterprise.sum())
    out["arr_self_serve"] = arr_total - arr_enterprise
    out["bookings"] = model.step_bookings
    out["deals_won"] = model.step_deals_won
    out["deals_lost"] = model.step_deals_lost
    out["disqualified"] = model.step_disqualified
    out["opportunities_opened"] = model.step_opportunities
    out["touches"] = model.step_touches
    out["responses"] = model.step_responses
    out["pipeline_open"] = model.pipeline.n_active()
    out["customers"] = customers  # enterprises paying for at least one contract
    out["cac_median"] = _median(cacs)
    out["mean_openness"] = (
        float(np.add.reduce(openness) / len(openness)) if len(openness) else float("nan")
    )
    out["reply_rate"] = _ratio(model.step_responses, model.step_touches)
    out["win_rate"] = _ratio(model.step_deals_won, model.step_deals_won + model.step_deals_lost)
    out["cac_payback_months"] = _median(paybacks)
    out["freemium_conversion"] = _conversion(n_free, n_paid)
    employees = float(employees)  # of the paying enterprises
    out["spend_per_employee"] = arr_total / employees if employees else float("nan")
    out["agreements"] = agreements
    return out


def _median(values: list[float]) -> float:
    """``np.median`` of a short list of finite floats (NaN if empty), without numpy's
    overhead: the middle value, or the two middle ones added and halved, as numpy
    computes it."""
    if not values:
        return float("nan")
    values = sorted(values)
    half = len(values) // 2
    if len(values) % 2:
        return float(values[half])
    return float((values[half - 1] + values[half]) / 2.0)


def _ratio(num: float, den: float) -> float:
    return float(num) / den if den else float("nan")


def freemium_conversion(model: MarketModel, ids: np.ndarray) -> float:
    """Self-serve users on self-serve-bought seats over self-serve users (benchmark 2-5%).

    A self-serve user signed up (was not provisioned: ``emp_mandated`` is False). The
    user has converted when the seat was bought without a rep: a team-plan seat
    (``emp_paid``) or a seat of the vendor's self-serve enterprise agreement, the one
    the purchaser signs inbound (``SELF_SERVE_ENTERPRISE``). Free users inside an
    enterprise whose agreement with their vendor a rep won (``ENTERPRISE``) count in
    neither part: the rep converted that account, and the question is whether
    self-serve converts. NaN with no self-serve user outside such accounts.
    """
    _, n_free, n_paid = _employee_counts(model)
    return _conversion(n_free, n_paid)


def _conversion(n_free: int, n_paid: int) -> float:
    return float(n_paid) / n_free if n_free else float("nan")


def _employee_counts(model: MarketModel) -> tuple[int, int, int]:
    """(users, self-serve users counted by the freemium conversion, of them converted):
    one compiled pass, enterprise by enterprise (:mod:`sim.compiled_outputs`)."""
    pop, contracts = model.population, model.contracts
    n_free, n_paid, users = freemium_counts_by_enterprise(
        pop.emp_product,
        pop.emp_mandated,
        pop.emp_paid,
        pop.ent_offset,
        pop.ent_size,
        model.agreement_at,
        contracts.vendor,
        contracts.kind,
        ENTERPRISE,
        SELF_SERVE_ENTERPRISE,
    )
    return int(users), int(n_free), int(n_paid)


def net_revenue_retention(model: MarketModel, ids: np.ndarray) -> float:
    """ARR now of the (enterprise, vendor) accounts that paid a year ago, over their ARR then.

    Trailing twelve months (:data:`NRR_WINDOW` weeks): expansion, contraction and
    churn of existing accounts, no new logos, over the vendors alive now (the SaaS
    benchmarks, median about 101% and enterprise about 118%, are reported by
    surviving companies). NaN in the first year and below the minimum base
    (:func:`sim.kpis.net_revenue_retention`).
    """
    contracts = model.contracts
    keys, acv, unique = account_arr(
        ids, contracts.enterprise, contracts.vendor, contracts.acv, _PAIR_KEY
    )
    if not unique:  # a pair holds one contract at a time, but sum duplicates defensively
        keys, acv = _sum_runs(keys, acv)
    history = model.__dict__.get("_arr_history")
    if history is None:
        history = model.__dict__["_arr_history"] = deque(maxlen=NRR_WINDOW + 1)
    history.append((keys, acv))
    if len(history) <= NRR_WINDOW:
        return float("nan")
    old_keys, old_acv = history[0]
    alive = model.vendor_traits("alive", bool)
    old_acv, now = retained_accounts(keys, acv, old_keys, old_acv, alive, _PAIR_KEY)
    return kpis.net_revenue_retention(old_acv, now)


def _sum_runs(keys: np.ndarray, acv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each run of equal keys (sorted) as one key with its ACV summed by numpy: the first
    of each run is where it differs from the one before (what ``np.unique(keys,
    return_index=True)`` returns, without its sort)."""
    first = np.empty(len(keys), dtype=bool)
    first[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    start = np.flatnonzero(first)
    return keys[start], np.add.reduceat(acv, start)
