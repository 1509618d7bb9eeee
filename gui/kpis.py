"""The focal company's KPIs, as a strategist reads them on a dashboard.

:class:`FocalTrack` records, once per step, the few figures of the focal vendor the
cards need (ARR, cash, users, customers, deals, and ARR per customer for net revenue
retention); :func:`kpi_cards` turns the record into cards. Recording is a handful of
array reads per step and the cards are a few formatted strings, so a step's redraw
pays well under a millisecond for them (``gui/tools/gui_latency.py`` measures it).

Definitions (SaaS conventions; docs/model.md "KPIs" has every formula, and the shared
ones with their minimum bases are in :mod:`sim.kpis`):

* ARR growth: change of ARR over the last 13 weeks (a quarter); n/a while ARR a
  quarter ago is under :data:`sim.kpis.MIN_BASE_ARR`.
* Runway: cash over the average net burn of the last 13 weeks, in months
  (52/12 weeks a month); none while cash grows.
* CAC payback: S&M spend of the last 52 weeks over a month of gross profit on the new
  ARR booked in them (:attr:`agents.vendor.Vendor.cac_payback_months`); n/a with no
  new ARR in the year.
* Win rate: deals won over deals closed (won or lost), so far.
* Net revenue retention: ARR today from the customers of 52 weeks ago over their ARR
  then (expansion minus contraction and churn); n/a below the minimum base
  (:func:`sim.kpis.net_revenue_retention`).
* Burn multiple: net burn over net new ARR in the last 13 weeks (Sacks, 2020: below
  1 is excellent, above 2 suspect).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim import kpis

if TYPE_CHECKING:
    from agents.vendor import Vendor
    from sim.model import MarketModel

QUARTER = 13
YEAR = kpis.YEAR
MIN_DEALS = 5
"""A win rate on fewer closed deals than this is shown as n/a (1 of 1 is not 100%)."""
WEEKS_PER_MONTH = 52 / 12


@dataclass
class FocalTrack:
    """Per-step record of the focal vendor of ``model`` (or of ``vendor``: a workshop team's)."""

    model: MarketModel
    vendor: Vendor | None = None
    week: list[int] = field(default_factory=list)
    arr: list[float] = field(default_factory=list)
    cash: list[float] = field(default_factory=list)
    users: list[int] = field(default_factory=list)
    customers: list[int] = field(default_factory=list)
    arr_by_customer: deque = field(default_factory=lambda: deque(maxlen=YEAR + 1))

    @property
    def me(self) -> Vendor:
        """The vendor recorded: ``vendor`` if given, else the model's focal company."""
        return self.vendor if self.vendor is not None else self.model.focal_vendor

    def record(self) -> None:
        m = self.model
        me = self.me
        self.week.append(int(m.steps))
        self.arr.append(me.arr)
        self.cash.append(float(me.cash))
        self.users.append(me.users)
        self.customers.append(me.customers)
        c = m.contracts
        ids = c.active_ids()
        mine = ids[c.vendor[ids] == me.index]
        self.arr_by_customer.append(
            np.bincount(c.enterprise[mine], weights=c.acv[mine], minlength=len(m.enterprises))
        )

    def net_revenue_retention(self) -> float:
        """ARR now of the customers of 52 weeks ago over their ARR then.

        NaN in the first year and below the minimum base (:mod:`sim.kpis`).
        """
        if len(self.arr_by_customer) <= YEAR:
            return math.nan
        return kpis.net_revenue_retention(self.arr_by_customer[0], self.arr_by_customer[-1])

    def nrr_note(self) -> str:
        """The line under the retention card: which cohort, or why there is no figure."""
        if len(self.arr_by_customer) <= YEAR:
            return "after a year of customers"
        why = kpis.nrr_base_note(self.arr_by_customer[0])
        return why if why is not None else f"customers of week {self.week[-1] - YEAR}"


def usd(x: float) -> str:
    """``1234567.8`` -> ``"$1,234,568"`` (``"-$5,000"`` below zero)."""
    return ("-" if x < 0 else "") + f"${abs(x):,.0f}"


def usd_short(x: float) -> str:
    """``1234567`` -> ``"$1.23M"``, ``45600`` -> ``"$45.6k"`` (a leaderboard's width)."""
    sign = "-" if x < 0 else ""
    x = abs(x)
    if x >= 1e6:
        return f"{sign}${x / 1e6:,.2f}M"
    if x >= 1e3:
        return f"{sign}${x / 1e3:,.1f}k"
    return f"{sign}${x:,.0f}"


def _ago(values: list[float], weeks: int) -> float | None:
    return values[-1 - weeks] if len(values) > weeks else None


def kpi_cards(track: FocalTrack) -> list[dict[str, Any]]:
    """Cards for the newest week: key, label, value, a line under it and a tooltip."""
    me = track.me
    week = track.week[-1]
    at = f"week {week}"
    # cash as it is now (a workshop team's research is paid between weeks): the same
    # figure as the leaderboard and the vendor table
    arr, cash = track.arr[-1], float(me.cash)
    cash_week = track.cash[-1]  # as recorded at the week's end: what burn is measured on
    arr_then, cash_then = _ago(track.arr, QUARTER), _ago(track.cash, QUARTER)
    span = min(QUARTER, len(track.arr) - 1)
    if arr_then is None and span > 0:
        arr_then, cash_then = track.arr[0], track.cash[0]
    cards = []

    if arr_then is None:
        growth = "no history yet"
    elif arr_then <= 0:
        growth = "first revenue" if arr > 0 else "no revenue yet"
    elif math.isnan(g := kpis.growth(arr, arr_then)):
        growth = f"growth n/a: base under {kpis.base_text(kpis.MIN_BASE_ARR)}"
    else:
        growth = f"{g:+.1%} in {span} weeks"
    cards.append(_card("arr", "ARR", usd_short(arr), growth,
                       f"Annual recurring revenue of your active contracts: {usd(arr)} USD per year, {at}; "
                       f"growth against week {week - span}."))  # fmt: skip

    burn_weekly = (cash_then - cash_week) / span if cash_then is not None and span > 0 else 0.0
    if not me.alive:
        runway = f"exited in week {me.exited}"
    elif span == 0:
        runway = "no history yet"
    elif burn_weekly <= 0:
        runway = "cash-flow positive"
    else:
        runway = f"runway {cash / burn_weekly / WEEKS_PER_MONTH:,.1f} months"
    cards.append(_card("cash", "Cash", usd_short(cash), runway,
                       f"Cash in the bank: {usd(cash)} USD, {at}. Runway: months until it runs out at the "
                       f"average net burn of the last {QUARTER} weeks."))  # fmt: skip

    cards.append(_payback_card(me, at))

    won, lost = me.deals_won, me.deals_lost
    few = won + lost < MIN_DEALS
    cards.append(_card(
        "win_rate", "Win rate",
        "n/a" if few else f"{won / (won + lost):.0%}",
        f"{won:,} won, {lost:,} lost" + (f": under {MIN_DEALS} deals, no rate" if few else ""),
        f"Deals won over deals closed (won or lost), so far, {at}. B2B benchmark 15-30%."))  # fmt: skip

    nrr = track.net_revenue_retention()
    cards.append(_card(
        "nrr", "Net revenue retention",
        "n/a" if math.isnan(nrr) else f"{nrr:.0%}", track.nrr_note(),
        f"ARR today from the customers of 52 weeks ago over their ARR then (expansion minus "
        f"churn), percent, {at}; n/a under {kpis.NRR_MIN_ACCOUNTS} accounts or "
        f"{kpis.base_text(kpis.MIN_BASE_ARR)} ARR a year ago. Median about 101%."))  # fmt: skip

    new_arr = arr - arr_then if arr_then is not None else 0.0
    net_burn = burn_weekly * span
    if span == 0:
        multiple, note = "n/a", "no history yet"
    elif net_burn <= 0:
        multiple, note = "0x", "not burning cash"
    elif new_arr <= 0:
        multiple, note = "n/a", "burning with no new ARR"
    else:
        multiple = f"{net_burn / new_arr:,.1f}x"
        note = f"{usd_short(net_burn)} burned for {usd_short(new_arr)}"
    cards.append(_card(
        "burn_multiple", "Burn multiple", multiple, note,
        f"Net cash burned over net new ARR in the last {span} weeks, {at}. "
        "Below 1x excellent, above 2x suspect."))  # fmt: skip

    cards.append(_card("users", "Users", f"{track.users[-1]:,}", "people using the product",
                       f"Employees using your product, {at}."))  # fmt: skip
    cards.append(_card("customers", "Customers", f"{track.customers[-1]:,}",
                       "paying enterprises and teams",
                       f"Contracts that pay you (team plans and enterprise agreements), {at}."))  # fmt: skip
    return cards


def _payback_card(me: Vendor, at: str) -> dict[str, str]:
    """CAC payback: n/a with no new ARR in the year; 0 months said to be spend-free."""
    spent, new_arr = me.trailing()
    payback = me.cac_payback_months
    if math.isnan(payback):
        value, sub = "n/a", f"no new ARR in the last {YEAR} weeks"
    elif spent <= 0:
        value, sub = f"{payback:,.1f} months", f"no sales or marketing spend in {YEAR} weeks"
    else:
        value = f"{payback:,.1f} months"
        sub = f"{usd_short(spent)} S&M for {usd_short(new_arr)} new ARR"
    margin = me.model.gross_margin
    return _card(
        "cac_payback", "CAC payback", value, sub,
        f"Sales and marketing spent in the last {YEAR} weeks over a month of gross profit "
        f"({margin:.0%} margin) on the new ARR booked in them (new customers and "
        f"expansion), {at}. SaaS median about 18 months.")  # fmt: skip


def _card(key: str, label: str, value: str, sub: str, tip: str) -> dict[str, str]:
    """One card; an "n/a" figure says why first thing in its hover text."""
    if value == "n/a":
        tip = f"n/a: {sub}. {tip}"
    return {"key": key, "label": label, "value": value, "sub": sub, "tip": tip}
