"""Vendor traits as arrays, built once and kept until a trait changes.

The engine reads one trait of every vendor as an array indexed by vendor code
(``model.vendor_traits("quality")``) some fifteen times a week: the demand curve,
the pipeline's qualification bar, the win probability, warm introductions, user
churn. Built from the objects each time, that is a Python loop over every vendor
ever (a ``getattr`` each: about 87,000 a default run). Traits change rarely: when a
vendor is drawn, when a workshop team decides, when a vendor exits (``alive``).

So each trait is a property whose getter is a C-level ``attrgetter`` (as fast as a
plain attribute, no Python frame) and whose setter stores the value and drops that
trait's cached array on the model; :func:`trait_array` rebuilds an array only when it
was dropped or a vendor was added since. Every caller gets its own copy, so writing
into the array it got cannot change what the next caller reads.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

import numpy as np

# the traits read as arrays: :data:`sim.params.VENDOR_TRAITS` (agents do not import sim,
# so they are listed here; tests/test_compiled_deals.py checks that none is missing, and
# a trait left out would only be read uncached), and ``alive``, a state the metrics read
CACHED: tuple[str, ...] = (
    "quality",
    "virality",
    "collaborative",
    "marketing_spend",
    "marketing_reach",
    "seat_price",
    "enterprise_uplift",
    "initial_reps",
    "sales_start_week",
    "rep_cost",
    "touches_per_rep",
    "rep_capacity",
    "initial_cash",
    "burn",
    "qualification",
    "warm_intro_share",
    "alive",
)
_CACHED = frozenset(CACHED)  # membership without a scan of the tuple
_CACHE = "_vendor_trait_arrays"  # the model's attribute that holds the arrays


def _slot(name: str) -> str:
    return f"_trait_{name}"


def trait_property(name: str) -> property:
    """A property that stores ``name`` on the vendor and drops its array on the model."""
    slot = _slot(name)

    def set_trait(vendor: Any, value: Any) -> None:
        vendor.__dict__[slot] = value
        cache = vendor.model.__dict__.get(_CACHE)
        if cache:  # keyed (trait, dtype): drop this trait's arrays of every dtype
            for key in [key for key in cache if key[0] == name]:
                del cache[key]

    return property(attrgetter(slot), set_trait, doc=f"The vendor's ``{name}``.")


def add_trait_properties(cls: type) -> type:
    """Class decorator: every name of :data:`CACHED` becomes a :func:`trait_property`."""
    for name in CACHED:
        setattr(cls, name, trait_property(name))
    return cls


def trait_array(model: Any, attr: str, dtype: Any = np.float64) -> np.ndarray:
    """One trait of every vendor ever (alive or not), indexed by vendor code.

    Cached for the traits of :data:`CACHED`; any other attribute is read from the
    objects each call. The cache is valid while no trait was set (the setter drops
    it) and no vendor was added (``vendor_list`` only grows, so its length says).
    """
    vendors = model.vendor_list
    cache = model.__dict__.get(_CACHE)
    key = (attr, dtype)
    if cache is not None:  # the usual case first: a valid array (only CACHED traits held)
        held = cache.get(key)
        if held is not None and len(held) == len(vendors):
            return held.copy()
    if attr not in _CACHED:
        return np.array([getattr(v, attr) for v in vendors], dtype=dtype)
    if cache is None:
        cache = model.__dict__[_CACHE] = {}
    held = cache[key] = np.array([getattr(v, attr) for v in vendors], dtype=dtype)
    return held.copy()


_ALIVE = ("alive", list)  # the cache's key of the live vendors (the alive setter drops it)


def alive_vendors(model: Any) -> list:
    """The vendors alive, in the order of ``model.vendor_list`` (a new list each call).

    A week asks for them some eight times (every mechanism that loops over vendors):
    a scan of every vendor ever, a property read each. The list is kept in the trait
    cache under a key of ``alive``, so setting any vendor's ``alive`` drops it as it
    drops the ``alive`` array; it is valid while no vendor was added.
    """
    vendors = model.vendor_list
    cache = model.__dict__.get(_CACHE)
    if cache is not None:
        held = cache.get(_ALIVE)
        if held is not None and held[0] == len(vendors):
            return list(held[1])
    if cache is None:
        cache = model.__dict__[_CACHE] = {}
    alive = [v for v in vendors if v.alive]
    cache[_ALIVE] = (len(vendors), alive)
    return list(alive)
