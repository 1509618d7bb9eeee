"""Search spaces: which parameters a fit or a search may move, and over what range.

One syntax for both commands (``--fit`` and ``--lever``):

- ``name=lo..hi`` a number between lo and hi (uniform; whole numbers for an integer
  parameter),
- ``name=lo..hi:log`` the same on a log scale (lo > 0), for figures that span decades
  such as a seat price or a virality,
- ``name=a|b|c`` one of the listed values (``strategy=bottoms_up|direct|hybrid``),
- ``name`` alone: the range in :data:`DEFAULT_RANGES` (fit priors, lever ranges).

A name is a focal-company setting (``strategy`` or a vendor trait, :data:`sim.params.VENDOR_TRAITS`)
or a market parameter (:data:`sim.params.PARAMETERS`). Every bound is checked with the
parameter's own rule, so a range the model would refuse is refused here, in one line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.params import PARAMETERS, STRATEGIES, VENDOR_TRAITS, ParameterError, unknown_parameter

DEFAULT_RANGES: dict[str, str] = {
    "quality": "0.3..1",
    "virality": "0.0001..0.01:log",
    "marketing_spend": "100..50000:log",
    "marketing_reach": "0.0005..0.05:log",
    "seat_price": "5..200:log",
    "enterprise_uplift": "1..6",
    "initial_reps": "0..20",
    "sales_start_week": "0..104",
    "rep_cost": "1500..8000",
    "touches_per_rep": "50..300",
    "rep_capacity": "10..80",
    "burn": "1000..50000:log",
    "initial_cash": "200000..10000000:log",
    "qualification": "0..1",
    "seat_value": "20..200:log",
    "inbound_close_rate": "0.005..0.1:log",
    "base_win_rate": "0.1..0.9",
    "renewal_base": "0.6..0.98",
    "budget_open_share": "0.05..0.8",
    "team_invites": "0.2..3",
    "strategy": "bottoms_up|direct|hybrid",
}
"""Ranges used when a name is given alone: the plausible span of a young SaaS company
(docs/parameters.md gives each parameter's default and source); a prior for a fit,
the box for a search. Give ``name=lo..hi`` to use your own."""


@dataclass(frozen=True)
class Dim:
    """One parameter's range: numbers in ``[low, high]`` (``log`` scale) or ``choices``."""

    name: str
    kind: str  # "float", "int" or "choice"
    low: float = math.nan
    high: float = math.nan
    log: bool = False
    choices: tuple[str, ...] = ()

    @property
    def focal(self) -> bool:
        """A setting of the focal company (else a market parameter)."""
        return self.name == "strategy" or self.name in VENDOR_TRAITS

    def text(self) -> str:
        """The range in the command-line syntax (``seat_price=5..200:log``)."""
        if self.kind == "choice":
            return f"{self.name}={'|'.join(self.choices)}"
        return f"{self.name}={self.low:g}..{self.high:g}{':log' if self.log else ''}"

    def to_unit(self, x: np.ndarray | float) -> np.ndarray:
        """Values to [0, 1] on the range's own scale (log or linear)."""
        x = np.asarray(x, dtype=float)
        if self.log:
            return (np.log(x) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        return (x - self.low) / (self.high - self.low)

    def from_unit(self, u: np.ndarray | float) -> np.ndarray:
        """[0, 1] back to values (rounded for an integer parameter)."""
        u = np.asarray(u, dtype=float)
        if self.log:
            x = np.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        else:
            x = self.low + u * (self.high - self.low)
        return np.rint(x) if self.kind == "int" else x

    def value(self, x: Any) -> Any:
        """A drawn value as the model takes it (int, float or str)."""
        if self.kind == "choice":
            return str(x)
        return int(round(float(x))) if self.kind == "int" else float(x)


def parse_dim(text: str, what: str = "--fit") -> Dim:
    """``"seat_price=5..200:log"`` -> :class:`Dim`; ParameterError (one line) if bad."""
    text = text.strip()
    name, eq, rng = text.partition("=")
    name, rng = name.strip(), rng.strip()
    if not name:
        raise ParameterError(f"{what} {text!r}: give a parameter name, e.g. seat_price=5..200:log")
    if name != "strategy" and name not in PARAMETERS:
        raise unknown_parameter(name)
    if not eq:
        if name not in DEFAULT_RANGES:
            raise ParameterError(
                f"{what} {name!r}: no default range for it; give one, e.g. {name}=lo..hi"
            )
        rng = DEFAULT_RANGES[name]
    if name == "strategy" or (name in PARAMETERS and PARAMETERS[name].kind == "choice"):
        allowed = STRATEGIES if name == "strategy" else PARAMETERS[name].choices
        choices = tuple(c.strip() for c in rng.split("|"))
        bad = [c for c in choices if c not in allowed]
        if bad or not choices:
            raise ParameterError(
                f"{what} {name}={rng!r}: {bad[0] if bad else rng!r} is not allowed; "
                f"expected values from {', '.join(allowed)} joined by |"
            )
        if len(set(choices)) < 2:
            raise ParameterError(f"{what} {name}={rng}: give at least two different values (a|b)")
        return Dim(name, "choice", choices=choices)
    param = PARAMETERS[name]
    if param.kind not in ("int", "float"):
        raise ParameterError(
            f"{what} {name!r}: a {param.kind} parameter cannot be searched or fitted"
        )
    if "|" in rng:
        raise ParameterError(
            f"{what} {name}={rng}: {name} is a number; give lo..hi, e.g. {name}=1..10"
        )
    body, colon, scale = rng.partition(":")
    if colon and scale.strip() != "log":
        raise ParameterError(
            f"{what} {name}={rng}: unknown scale {scale!r}; only ':log' is allowed"
        )
    lo_text, dots, hi_text = body.partition("..")
    if not dots:
        raise ParameterError(f"{what} {name}={rng}: expected lo..hi, e.g. {name}=1..10")
    try:
        lo, hi = param.validate(lo_text.strip()), param.validate(hi_text.strip())
    except ParameterError as exc:
        raise ParameterError(f"{what} {name}={rng}: {exc}") from None
    if not lo < hi:
        raise ParameterError(f"{what} {name}={rng}: the low end must be below the high end")
    log = bool(colon)
    if log and lo <= 0:
        raise ParameterError(f"{what} {name}={rng}: a log range needs a low end above 0")
    return Dim(name, param.kind, float(lo), float(hi), log)


def parse_dims(texts: Iterable[str], what: str = "--fit") -> list[Dim]:
    """Several ranges (comma-separated items or repeated options), names not repeated."""
    dims = []
    for text in texts:
        for part in _split(text):
            dims.append(parse_dim(part, what))
    if not dims:
        raise ParameterError(f"{what}: give at least one parameter, e.g. {what} virality,quality")
    names = [d.name for d in dims]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ParameterError(f"{what}: {dupes[0]!r} is given twice")
    return dims


def _split(text: str) -> list[str]:
    """Split on commas that separate items (a comma inside ``a|b`` lists is not used)."""
    return [p for p in (s.strip() for s in text.split(",")) if p]


def split_settings(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(focal settings, market overrides) from one {name: value} dict."""
    focal = {k: v for k, v in values.items() if k == "strategy" or k in VENDOR_TRAITS}
    market = {k: v for k, v in values.items() if k not in focal}
    return focal, market
