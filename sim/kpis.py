"""KPI definitions that more than one place computes, with their windows and minimum bases.

The model's columns (:mod:`sim.reporting`), the browser's cards (:mod:`gui.kpis`) and
the study tables (:mod:`experiments.study`) all call these functions, so a figure
means the same wherever it is read. docs/model.md ("KPIs") gives every formula.

A ratio over a tiny base says nothing about a business: one team plan of a few
hundred dollars that becomes an agreement reads as a retention of 100,000%. Below
its minimum base a figure is undefined: NaN in data, "n/a" with the reason on
screen, never 0 and never infinite.
"""

from __future__ import annotations

import math

import numpy as np

from agents.terms import YEAR, cac_payback_months  # noqa: F401 (defined there; used as sim.kpis.*)

NRR_MIN_ACCOUNTS = 5
"""Fewest accounts a year ago for net revenue retention to be defined.

With fewer, one account's upgrade or churn is the whole figure: it measures that
account, not the base's retention.
"""

MIN_BASE_ARR = 50_000.0
"""Least ARR (USD a year) a ratio of ARR is taken over: a year-ago cohort's for net
revenue retention, a quarter-ago company's for ARR growth.

A team plan pays list price, 300 USD a seat a year, so a base under 50k is a few
teams; a single agreement for a few hundred seats (100-200k) would then multiply it
several times over and read as growth or retention of thousands of percent. Public
SaaS benchmarks (KeyBanc, OpenView) report these ratios for companies with ARR in
the millions.
"""


def net_revenue_retention(then: np.ndarray, now: np.ndarray) -> float:
    """ARR now of the accounts that paid a year ago over their ARR then.

    ``then`` and ``now`` are ARR per account, aligned (an account's ARR now is 0 if
    it churned; accounts new since are left out by the caller or have ``then == 0``).
    NaN below the minimum base (:data:`NRR_MIN_ACCOUNTS`, :data:`MIN_BASE_ARR`).
    """
    then = np.asarray(then, dtype=float)
    cohort = then > 0
    base = float(then[cohort].sum())
    if np.count_nonzero(cohort) < NRR_MIN_ACCOUNTS or base < MIN_BASE_ARR:
        return math.nan
    return float(np.asarray(now, dtype=float)[cohort].sum()) / base


def nrr_base_note(then: np.ndarray) -> str | None:
    """Why net revenue retention is undefined for this cohort, or None if it is defined."""
    then = np.asarray(then, dtype=float)
    cohort = then > 0
    accounts = int(np.count_nonzero(cohort))
    if accounts < NRR_MIN_ACCOUNTS:
        plural = "" if accounts == 1 else "s"
        return f"{accounts} paying account{plural} a year ago, fewer than {NRR_MIN_ACCOUNTS}"
    if float(then[cohort].sum()) < MIN_BASE_ARR:
        return f"base under {base_text(MIN_BASE_ARR)} ARR a year ago"
    return None


def growth(now: float, then: float) -> float:
    """``now / then - 1``; NaN when ``then`` is under :data:`MIN_BASE_ARR`."""
    if not then >= MIN_BASE_ARR:
        return math.nan
    return float(now) / float(then) - 1.0


def base_text(usd: float) -> str:
    """``50_000`` -> ``"$50k"``: a minimum base as the cards and tables name it."""
    return f"${usd / 1e3:,.0f}k" if usd >= 1e3 else f"${usd:,.0f}"
