"""What a claim measures: functions of a finished :class:`sim.MarketModel`.

Each metric reads one run and returns one number; :mod:`experiments.claims` pairs
the numbers of two arms over seeds. They read the model's own outputs (the vendor
list, the DataCollector's columns, the full event history), never re-simulate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.tables import CONTRACT_KINDS, TEAM

if TYPE_CHECKING:
    from sim.model import MarketModel

WEEKS_PER_YEAR = 52
WEEKS_PER_QUARTER = 13
TEAM_PLAN = CONTRACT_KINDS[TEAM]


@dataclass(frozen=True)
class Metric:
    """A named function of a finished run.

    Parameters
    ----------
    name : str
        What is measured, with its unit, as the report prints it.
    fn : callable
        ``fn(model) -> float``; a module-level function (worker processes pickle it).
    """

    name: str
    fn: Callable[[MarketModel], float]

    def __call__(self, model: MarketModel) -> float:
        return float(self.fn(model))


# ----------------------------------------------------------------------- vendors


def worth(vendor) -> float:
    """ARR plus cash: what a vendor has built and still holds (an exited one: its cash)."""
    return vendor.arr + vendor.cash if vendor.alive else vendor.cash


def _worth_of(model: MarketModel, strategy: str) -> float:
    return sum(worth(v) for v in model.vendor_list if v.strategy == strategy)


def bottoms_up_edge_over_direct(model: MarketModel) -> float:
    """ARR + cash of the bottoms-up vendors minus that of the direct ones (USD)."""
    return _worth_of(model, "bottoms_up") - _worth_of(model, "direct")


def focal_worth(model: MarketModel) -> float:
    """The first (focal) vendor's ARR + cash (USD): what the company built and still holds."""
    return worth(model.vendor_list[0])


def focal_signups(model: MarketModel) -> float:
    """Users who signed up for the focal vendor's product on their own over the run.

    Self-serve adoption only (marketing and colleagues), counted when it happens,
    whether or not an agreement later covers the user: the company's viral growth,
    which its reps' mandated rollouts do not add to.
    """
    return float(model.vendor_list[0].signups_total)


def focal_worth_in_acv(model: MarketModel) -> float:
    """The first (focal) vendor's ARR + cash over a one-seat agreement's ACV (seat-years).

    ``12 * seat_price * enterprise_uplift`` is the focal vendor's own price, so a claim
    that subtracts a baseline run at the same price gets the difference in seat-years:
    its revenue side scales with the price, its costs do not.
    """
    focal = model.vendor_list[0]
    return worth(focal) / (focal.seat_price * 12.0 * focal.enterprise_uplift)


def focal_rep_won_acv(model: MarketModel) -> float:
    """Mean first-year ACV of the deals the first (focal) vendor's reps won (USD)."""
    focal = model.vendor_list[0].name  # events name vendors as V00, V01, ...
    won = [e["value"] for e in model.events if e["event"] == "won" and e["vendor"] == focal]
    return float(np.mean(won)) if won else float("nan")


def arr_bottoms_up(model: MarketModel) -> float:
    """ARR of the bottoms-up vendors at the end (USD a year)."""
    return float(model.arr_bottoms_up)


def cac(model: MarketModel) -> float:
    """Sales and marketing spent per new customer, over every vendor ever (USD)."""
    spent = sum(v.sm_spend_total for v in model.vendor_list)
    won = sum(v.new_customers_total for v in model.vendor_list)
    return spent / won if won else float("nan")


def focal_cac(model: MarketModel) -> float:
    """Sales and marketing spent per new customer by the first vendor, the focal one (USD)."""
    focal = model.vendor_list[0]
    won = focal.new_customers_total
    return focal.sm_spend_total / won if won else float("nan")


def _reps_by_week(model: MarketModel) -> dict[int, np.ndarray]:
    """Each vendor's reps at the end of every week, from the DataCollector (vendor index)."""
    table = model.vendor_dataframe()["reps"].unstack(fill_value=0)
    return {v.index: table[v.unique_id].to_numpy(dtype=float) for v in model.vendor_list}


def _sales_cac(model: MarketModel, window: int | None) -> float:
    """Rep spend per deal won by reps, from each vendor's sales start, over ``window`` weeks.

    A week's cash pays for the reps on the books at the end of the week before, so
    the spend of weeks ``start+1 .. start+window`` is the reps recorded at
    ``start .. start+window-1``, and the deals are those won in weeks
    ``start+1 .. start+window`` (None: to the end of the run).
    """
    reps = _reps_by_week(model)
    won: dict[str, list[int]] = defaultdict(list)
    for ev in model.events:
        if ev["event"] == "won":
            won[ev["vendor"]].append(ev["step"])
    spent = deals = 0.0
    for v in model.vendor_list:
        if not v.tactic.outbound:
            continue
        first = v.sales_start
        last = model.steps if window is None else first + window
        spent += reps[v.index][first:last].sum() * v.rep_cost
        deals += sum(first < step <= last for step in won[v.name])
    return spent / deals if deals else float("nan")


def sales_cac(model: MarketModel) -> float:
    """Rep spend per deal won by reps over the run, every vendor with a sales motion (USD)."""
    return _sales_cac(model, None)


def first_year_sales_cac(model: MarketModel) -> float:
    """Rep spend per deal won by reps in each sales team's first year of selling (USD).

    The same reps compared over the same length of time, whenever they start.
    """
    return _sales_cac(model, WEEKS_PER_YEAR)


# ----------------------------------------------------------------------- columns


def deals_per_rep_year(model: MarketModel) -> float:
    """Deals won by reps per rep-year on the books, every vendor, over the run."""
    rep_years = _column(model, "reps_total").sum() / WEEKS_PER_YEAR
    return float(_column(model, "deals_won").sum() / rep_years) if rep_years else float("nan")


def accelerating_share(model: MarketModel, strategy: str = "bottoms_up") -> float:
    """Share of the starting vendors of a strategy whose user growth accelerates.

    Super-linear growth (seed 003): some later quarter adds at least twice the users
    the first quarter added. Linear growth adds about the same each quarter, tapering
    growth less; a vendor that exits keeps its last count (it adds nothing after). NaN
    when the market started with no vendor of the strategy.

    Why quarters: they are the period SaaS companies report growth in, and a year is
    too coarse for this market. A collaboration product's compounding (bottoms_up_exception)
    runs its course within its first three quarters, because a dozen such products share
    the market's open employees (measured on tuning seeds 101-110: users added a quarter
    764, 2,040, 955, 385, ... for one of them); counted by years, its first year holds
    the whole burst and no later year can double it, so the rule saw none.
    """
    users = model.vendor_dataframe()["users"].unstack()
    firsts = [v for v in model.vendor_list if v.entered == 0 and v.strategy == strategy]
    if not firsts:
        return float("nan")
    fast = 0
    for v in firsts:
        u = users[v.unique_id].ffill().fillna(0.0).to_numpy(dtype=float)
        added = np.diff(u[::WEEKS_PER_QUARTER])
        if len(added) >= 2 and added[1:].max() >= 2.0 * max(added[0], 1.0):
            fast += 1
    return fast / len(firsts)


def accelerating_bottoms_up_share(model: MarketModel) -> float:
    """:func:`accelerating_share` of the bottoms-up vendors the market started with."""
    return accelerating_share(model, "bottoms_up")


def _column(model: MarketModel, name: str) -> np.ndarray:
    return model.datacollector.get_model_vars_dataframe()[name].to_numpy(dtype=float)


def replies_per_touch(model: MarketModel) -> float:
    """Responses over outbound touches over the whole run."""
    touches = _column(model, "touches").sum()
    return _column(model, "responses").sum() / touches if touches else float("nan")


def deals_won(model: MarketModel) -> float:
    """Deals won by reps over the run."""
    return float(_column(model, "deals_won").sum())


def self_serve_users(model: MarketModel) -> float:
    """Users who signed up themselves (not mandated by an agreement) at the end."""
    pop = model.population
    return float(np.count_nonzero((pop.emp_product >= 0) & ~pop.emp_mandated))


def mean_openness(model: MarketModel) -> float:
    """Mean openness to self-service of the workforce at the end."""
    return float(model.mean_openness)


def net_revenue_retention(model: MarketModel) -> float:
    """Mean of the model's trailing-year NRR column over the last two years of the run.

    NRR is ARR now of the accounts that paid a year ago over their ARR then
    (expansion, contraction and churn, no new logos): a ratio, so it does not grow
    with the number of contracts.
    """
    nrr = _column(model, "net_revenue_retention")[-2 * WEEKS_PER_YEAR :]
    nrr = nrr[np.isfinite(nrr)]
    return float(nrr.mean()) if len(nrr) else float("nan")


# ----------------------------------------------------------------------- accounts


def account_histories(model: MarketModel) -> dict[tuple[int, str], list[tuple[int, float, str]]]:
    """Every (enterprise, vendor) account's ACV after each change, from the event history.

    Returns
    -------
    dict
        ``(enterprise, vendor name) -> [(step, acv after the change, what), ...]``
        in the order of ``model.events``: a contract sets the ACV (an upgrade replaces
        the smaller contract), an expansion or contraction adds to it, a churn or a
        displacement ends it, and a vendor's exit ends all its accounts. ``what`` is the
        event, or for a contract its kind (``"team plan"``, ...).
    """
    acv: dict[tuple[int, str], float] = defaultdict(float)
    out: dict[tuple[int, str], list[tuple[int, float, str]]] = defaultdict(list)
    for ev in model.events:
        kind, name = ev["event"], ev["vendor"]
        if kind == "exit":
            for key in [k for k in acv if k[1] == name and acv[k] > 0]:
                acv[key] = 0.0
                out[key].append((ev["step"], 0.0, kind))
            continue
        key = (ev["enterprise"], name)
        if kind == "contract":
            acv[key] = float(ev["value"])
        elif kind in ("expansion", "contraction"):
            acv[key] += float(ev["value"])
        elif kind in ("churn", "displaced"):
            acv[key] = 0.0
        else:
            continue
        what = ev.get("contract", kind) if kind == "contract" else kind
        out[key].append((ev["step"], acv[key], what))
    return out


def account_cohort(
    model: MarketModel, first_kind: str | None = None, vendor: str | None = None
) -> np.ndarray:
    """(first ACV, ACV a year later) of every account that landed a year before the end.

    ``first_kind`` keeps only accounts whose first contract is of that kind (for
    example ``"team plan"``), ``vendor`` only one vendor's (its name, ``"V00"``). An
    account lost within the year counts at 0, so the
    survivors alone cannot make accounts look as if they grow; an account landed in
    the last year of the run is left out (it has no year behind it).

    Returns
    -------
    numpy.ndarray of shape (accounts, 2)
    """
    end = model.steps
    rows = []
    for (_, name), events in account_histories(model).items():
        if vendor is not None and name != vendor:
            continue
        step0, first, what = events[0]
        if what in ("expansion", "contraction", "churn", "displaced", "exit"):
            continue
        if step0 + WEEKS_PER_YEAR > end or (first_kind is not None and what != first_kind):
            continue
        later = first
        for step, value, _ in events:
            if step > step0 + WEEKS_PER_YEAR:
                break
            later = value
        rows.append((first, later))
    return np.array(rows, dtype=float).reshape(-1, 2)


def first_team_plan_acv(model: MarketModel) -> float:
    """Mean ACV of accounts' first contract, a team plan (USD a year)."""
    rows = account_cohort(model, TEAM_PLAN)
    return float(rows[:, 0].mean()) if len(rows) else float("nan")


def team_plan_acv_a_year_later(model: MarketModel) -> float:
    """Mean ACV of the same accounts a year after they landed, 0 if lost (USD a year)."""
    rows = account_cohort(model, TEAM_PLAN)
    return float(rows[:, 1].mean()) if len(rows) else float("nan")


def account_retention_at_one_year(model: MarketModel) -> float:
    """ARR of accounts a year after their first contract over their first ACV.

    Net revenue retention measured at the same age for every account (a cohort
    measure): expansion, contraction and churn, no new logos, and a ratio, so it does
    not grow with the number of contracts. Unlike the trailing NRR of the whole book it
    does not depend on how far the market has saturated when it is read.
    """
    rows = account_cohort(model)
    total = rows[:, 0].sum()
    return float(rows[:, 1].sum() / total) if total else float("nan")


def focal_account_retention(model: MarketModel) -> float:
    """:func:`account_retention_at_one_year` of the first (focal) vendor's accounts alone."""
    rows = account_cohort(model, vendor=model.vendor_list[0].name)
    total = rows[:, 0].sum()
    return float(rows[:, 1].sum() / total) if total else float("nan")


def focal_first_acv(model: MarketModel) -> float:
    """Mean first ACV of the focal vendor's accounts that landed a year before the end (USD)."""
    rows = account_cohort(model, vendor=model.vendor_list[0].name)
    return float(rows[:, 0].mean()) if len(rows) else float("nan")


# ----------------------------------------------------------------------- cycles

BURN_IN = 52
LAGS = (13, 104)  # a quarter to two years: the band for receptivity leading reps


def _detrended(x: np.ndarray) -> np.ndarray:
    t = np.arange(len(x), dtype=float)
    slope, intercept = np.polyfit(t, x, 1)
    return x - (slope * t + intercept)


def lead_correlations(receptivity: np.ndarray, reps: np.ndarray, lags: range) -> np.ndarray:
    """corr(receptivity at t, reps at t + lag) for each lag, both series detrended.

    A flat series (no swing at all) correlates with nothing: 0, not NaN.
    """
    r, y = _detrended(np.asarray(receptivity, float)), _detrended(np.asarray(reps, float))
    out = np.zeros(len(lags))
    for i, lag in enumerate(lags):
        a, b = r[: len(r) - lag], y[lag:]
        if len(a) > 2 and a.std() > 1e-9 and b.std() > 1e-9:
            out[i] = float(np.corrcoef(a, b)[0, 1])
    return out


def receptivity_leads_reps(model: MarketModel) -> float:
    """Peak correlation of buyers' receptivity now with the sales force 13-104 weeks later.

    Predator-prey coupling (seed 004): rested buyers answer, bookings hire reps and
    draw entrants, so reps rise a while after receptivity does, and fall after it
    falls. Weeks after a one-year burn-in, both series linearly detrended.
    """
    df = model.datacollector.get_model_vars_dataframe()
    r = df["buyer_receptivity"].to_numpy(float)[BURN_IN:]
    y = df["reps_total"].to_numpy(float)[BURN_IN:]
    lags = range(LAGS[0], min(LAGS[1], len(r) // 2) + 1)
    if len(lags) == 0:
        return float("nan")
    return float(lead_correlations(r, y, lags).max())


def sales_vendor_exits(model: MarketModel) -> float:
    """Vendors with a sales motion that ran out of cash over the run."""
    return float(
        sum(ev["event"] == "exit" and ev["strategy"] != "bottoms_up" for ev in model.events)
    )


SWING = 0.05
"""Receptivity swing that counts as a cycle: ten times the weekly noise of the mean of
about a thousand buyers, five points of reply probability."""

SMOOTH_WEEKS = 13


def full_cycles(x: np.ndarray, swing: float, smooth: int = SMOOTH_WEEKS) -> int:
    """Peaks of ``x`` (a quarter's moving average) with a rise and a fall of ``swing`` each.

    Hysteresis counting: a peak counts once the series has risen by ``swing`` from the
    last trough and then fallen by ``swing`` from the peak, so noise smaller than the
    swing never counts and a monotone path counts 0.
    """
    x = np.asarray(x, dtype=float)
    if len(x) >= smooth > 1:
        x = np.convolve(x, np.ones(smooth) / smooth, mode="valid")
    count, trough, peak, rising = 0, x[0], x[0], False
    for value in x[1:]:
        if rising:
            peak = max(peak, value)
            if value <= peak - swing:
                count += 1
                rising, trough = False, value
        else:
            trough = min(trough, value)
            if value >= trough + swing:
                rising, peak = True, value
    return count


def receptivity_cycles(model: MarketModel) -> float:
    """Full cycles of buyers' mean receptivity over the run (swing :data:`SWING`)."""
    df = model.datacollector.get_model_vars_dataframe()
    return float(full_cycles(df["buyer_receptivity"].to_numpy(float), SWING))
