"""Demand: what a seat is worth to each enterprise, and when its budget line opens.

Two facts of real software markets that the reference model lacked (docs/model.md,
"Demand"):

* **Price meets demand.** Each enterprise values a seat of the category: a draw
  ``ent_value`` (lognormal, median 1, log-sd ``value_spread``) scales ``seat_value``,
  the monthly worth of a seat of a quality-1 product to the median enterprise. A
  vendor's seat is worth ``seat_value * quality * ent_value * (1 + usage_value *
  share)``, ``share`` the part of the enterprise already using it (a tool everyone
  uses is worth more). An enterprise buys, renews or signs only while the vendor's
  seat price is at most that worth, so a higher price sells fewer plans and
  agreements and revenue peaks at an interior price (van Westendorp; Nagle and
  Müller, *The Strategy and Tactics of Pricing*). ``seat_value = 0`` switches the
  curve off: any price sells, as in the reference model.
* **New budget lines every year.** Only ``budget_open_share`` of enterprises budget for
  the category at the start; the others open a line at a constant flux of
  ``budget_line_growth`` of all enterprises a year, so the market keeps offering
  greenfield accounts to reps (a category grows, new firms adopt software for the
  job). Without a line an enterprise signs no agreement and reps do not pitch it;
  its people may still sign up free and teams still buy plans on a card, so
  bottoms-up usage can be waiting when the line opens. ``budget_open_share = 1``
  switches this off.

The draws are made once, when the population is built, so two runs on one seed
that differ only in a vendor's price see the same enterprises (common random numbers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.compiled_deals import willing_pairs

if TYPE_CHECKING:
    from sim.model import MarketModel

WEEKS_PER_YEAR = 52


def draw_enterprise_values(n: int, spread: float, rng: np.random.Generator) -> np.ndarray:
    """Each enterprise's worth factor: lognormal with median 1 and log-sd ``spread``."""
    return np.exp(spread * rng.standard_normal(n))


def draw_budget_weeks(
    n: int, open_share: float, growth: float, rng: np.random.Generator
) -> np.ndarray:
    """The week each enterprise's budget line for the category opens.

    A share ``open_share`` is open at week 0; the rest open at a constant flux of
    ``growth`` of all enterprises a year (uniform over the years it takes), so with
    0.4 and 0.12 the last line opens in year five. ``growth = 0`` leaves them closed
    for ever (a very large week).
    """
    u = rng.random(n)
    weeks = np.zeros(n, dtype=np.int64)
    late = u >= open_share
    if growth <= 0:
        weeks[late] = np.iinfo(np.int32).max
    else:
        weeks[late] = np.ceil(WEEKS_PER_YEAR * (u[late] - open_share) / growth).astype(np.int64)
    return weeks


def budget_open(model: MarketModel, enterprises: np.ndarray | None = None) -> np.ndarray:
    """Whether each enterprise (all, or those given) has a budget line open this week."""
    weeks = model.population.ent_budget_week
    if enterprises is not None:
        weeks = weeks[enterprises]
    return weeks <= model.steps


def _worth(model: MarketModel, quality, enterprises, users):
    """``seat_value * quality * ent_value * (1 + usage_value * share)``, arrays or scalars."""
    pop = model.population
    share = np.minimum(users / np.maximum(pop.ent_size[enterprises], 1), 1.0)
    return (
        model.seat_value * quality * pop.ent_value[enterprises] * (1.0 + model.usage_value * share)
    )


def seat_worth(model: MarketModel, enterprises: np.ndarray, vendors: np.ndarray) -> np.ndarray:
    """Monthly worth of a seat of each vendor's product to each enterprise (pairs).

    ``seat_value * quality * ent_value * (1 + usage_value * users / size)``; infinite
    where the demand curve is off (``seat_value = 0``).
    """
    enterprises = np.asarray(enterprises, dtype=np.int64)
    vendors = np.asarray(vendors, dtype=np.int64)
    if model.seat_value <= 0:
        return np.full(len(enterprises), np.inf)
    quality = model.vendor_traits("quality")[vendors]
    return _worth(model, quality, enterprises, model.users_ev[enterprises, vendors])


def demand_inputs(model: MarketModel) -> tuple:
    """What a compiled willingness test reads, in the order the loops take it: every
    vendor's seat price and quality, users per (enterprise, vendor), each enterprise's
    size and value, ``seat_value`` and ``usage_value`` (:func:`_worth`'s inputs)."""
    pop = model.population
    return (
        model.vendor_traits("seat_price"),
        model.vendor_traits("quality"),
        model.users_ev,
        pop.ent_size,
        pop.ent_value,
        float(model.seat_value),
        float(model.usage_value),
    )


def willing(model: MarketModel, enterprises: np.ndarray, vendors: np.ndarray) -> np.ndarray:
    """Whether each enterprise would pay each vendor's seat price (pairs)."""
    vendors = np.asarray(vendors, dtype=np.int64)
    if model.seat_value <= 0 or not len(vendors):
        return np.ones(len(vendors), dtype=bool)
    return willing_pairs(  # price <= seat_worth(...), the same operations in one pass
        np.asarray(enterprises, dtype=np.int64), vendors, *demand_inputs(model)
    )


def willing_one(model: MarketModel, e: int, vendor) -> bool:
    """:func:`willing` for one enterprise and one vendor (renewals go contract by contract,
    so the vendor's own attributes are read instead of every vendor's trait array)."""
    if model.seat_value <= 0:
        return True
    # :func:`_worth` in Python floats: the same IEEE operations in the same order as on
    # numpy scalars (an int64 count is exact as a float), without numpy's per-call cost
    pop = model.population
    share = min(int(model.users_ev[e, vendor.index]) / max(int(pop.ent_size[e]), 1), 1.0)
    worth = (
        model.seat_value
        * vendor.quality
        * float(pop.ent_value[e])
        * (1.0 + model.usage_value * share)
    )
    return bool(vendor.seat_price <= worth)
