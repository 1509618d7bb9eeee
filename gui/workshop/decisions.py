"""A team's decision for one round: what it may choose, how it is checked, how it acts.

A team steers one vendor of the room's market (a focal-style vendor, marked
``steered`` so the model neither hires for it nor switches its strategy). Between two
rounds its decision is applied to that vendor's attributes through the model's own
mechanisms, never by setting an outcome:

1. **Strategy** swaps the vendor's tactic, as mechanism 10 (adaptation) does; a switch to
   bottoms-up lets the sales team go, as adaptation does.
2. **Reps to let go** leave as attrition takes them (``Vendor.lose_reps``: drawn at random
   across hiring cohorts, from the model's random stream).
3. **Reps to hire** join as one cohort that ramps to full productivity over
   ``rep_ramp_weeks`` (``Vendor.hire``, as the model's own hiring rounds).
4. **Marketing per week** and the **monthly seat price** become the vendor's traits: the
   marketing response curve (``sim.economics.bought_reach``) and the price of new
   contracts and of every renewal (``sim.contracting.seat_acv``) read them.
5. **Product investment** is paid from cash at once and raises quality with
   diminishing returns: ``q += (1 - q) * (1 - exp(-investment / INVESTMENT_SCALE))``.
   Quality then acts wherever the model reads it (adoption, churn, win rate, renewal,
   expansion). :data:`INVESTMENT_SCALE` is a workshop assumption, not a calibrated
   value: the facilitator's default cap (800,000 USD a round, 40% of the starting cash)
   closes about a fifth of the gap to a perfect product, a visible lever that does not
   decide the game alone.

A team that does not submit keeps its settings: no hires, no investment.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

from agents.tactics import TACTICS
from gui.workshop.settings import Limits
from sim.params import STRATEGIES

if TYPE_CHECKING:
    from agents.vendor import Vendor
    from sim.model import MarketModel

INVESTMENT_SCALE = 4_000_000.0
"""USD of product investment that closes 63% (1 - 1/e) of the gap to quality 1."""

STRATEGY_WORDS = {"bottoms_up": "bottoms-up", "direct": "direct", "hybrid": "hybrid"}


class DecisionError(ValueError):
    """A decision is outside the facilitator's limits or what the team can do now."""


@dataclass(frozen=True)
class Decision:
    """One team's choices for one round.

    Parameters
    ----------
    strategy : str
        ``bottoms_up``, ``direct`` or ``hybrid``.
    marketing_spend : float
        USD per week (paid only while the strategy runs self-serve).
    hires : int
        Reps to hire now; they ramp over ``rep_ramp_weeks``.
    let_go : int
        Reps to let go now.
    seat_price : float
        USD per seat per month, for new contracts and renewals.
    investment : float
        USD paid now into the product (raises quality, see the module doc).
    """

    strategy: str
    marketing_spend: float
    hires: int = 0
    let_go: int = 0
    seat_price: float = 25.0
    investment: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Decision:
        """A decision from a dict (a room file or a form); types are checked, not limits."""
        if not isinstance(data, dict):
            raise DecisionError(f"decision: expected a table of choices, got {data!r}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise DecisionError(
                f"decision: unknown {', '.join(map(repr, unknown))}; allowed: {', '.join(sorted(known))}"
            )
        if data.get("strategy") not in STRATEGIES:
            raise DecisionError(
                f"strategy {data.get('strategy')!r}: expected one of {', '.join(STRATEGIES)}"
            )
        out = {"strategy": data["strategy"]}
        for name in ("marketing_spend", "seat_price", "investment"):
            if name in data:
                out[name] = _finite(name, data[name])
        for name in ("hires", "let_go"):
            if name in data:
                value = _finite(name, data[name])
                if value != int(value):
                    raise DecisionError(f"{name}: {data[name]!r} is not a whole number of reps")
                out[name] = int(value)
        if "marketing_spend" not in out:
            raise DecisionError("marketing_spend: missing")
        return cls(**out)


def _finite(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DecisionError(f"{name}: {value!r} is not a number")
    return float(value)


def current_decision(vendor: Vendor) -> Decision:
    """The vendor's settings now, as the decision that changes nothing (the form's start)."""
    return Decision(
        strategy=vendor.strategy,
        marketing_spend=float(vendor.marketing_spend),
        seat_price=float(vendor.seat_price),
    )


def validate(decision: Decision, vendor: Vendor, limits: Limits) -> Decision:
    """Return ``decision`` if the team may make it now, else raise :class:`DecisionError`.

    Checked against the facilitator's limits and the vendor's state: a vendor that has
    exited decides nothing, reps let go must exist, hires need a sales motion, and
    investment must be paid from cash in the bank.
    """
    if not vendor.alive:
        raise DecisionError(f"your company ran out of cash in week {vendor.exited}")
    d = decision
    _within("marketing per week", d.marketing_spend, 0, limits.max_marketing, "USD")
    _within("reps to hire", d.hires, 0, limits.max_hires, "reps")
    _within("reps to let go", d.let_go, 0, limits.max_let_go, "reps")
    _within("seat price", d.seat_price, limits.min_seat_price, limits.max_seat_price, "USD")
    _within("product investment", d.investment, 0, limits.max_investment, "USD")
    if d.let_go > vendor.reps:
        raise DecisionError(f"reps to let go: {d.let_go}, but you have {vendor.reps} reps")
    if d.hires and not TACTICS[d.strategy].outbound:
        raise DecisionError(
            "reps to hire: a bottoms-up company has no sales team; choose direct or hybrid"
        )
    if d.hires and d.let_go:
        raise DecisionError("hire or let go reps in one round, not both")
    if d.investment > vendor.cash:
        raise DecisionError(
            f"product investment: {d.investment:,.0f} USD, but you have {vendor.cash:,.0f} USD"
        )
    return d


def _within(label: str, value: float, low: float, high: float, unit: str) -> None:
    if not low <= value <= high:
        raise DecisionError(
            f"{label}: {value:,.0f} is outside the facilitator's limits {low:,.0f}-{high:,.0f} {unit}"
        )


def quality_after(quality: float, investment: float) -> float:
    """Quality after ``investment`` USD: the gap to 1 shrinks by ``1 - exp(-I/scale)``."""
    return quality + (1.0 - quality) * (1.0 - math.exp(-max(investment, 0.0) / INVESTMENT_SCALE))


def apply(model: MarketModel, vendor: Vendor, decision: Decision) -> None:
    """Apply a validated decision to ``vendor`` now, in the order of the module doc."""
    d = decision
    if d.strategy != vendor.strategy:
        old = vendor.strategy
        vendor.strategy = d.strategy
        if not vendor.tactic.outbound:
            vendor.rep_cohorts = []  # as mechanism 10: no sales motion, no sales team
        model.log("switch", vendor, None, None, detail=f"{old} -> {d.strategy} (team)")
    if d.let_go:
        vendor.lose_reps(d.let_go, model.rng)
        model.log("let go", vendor, None, d.let_go)
    if d.hires:
        vendor.hire(d.hires, model.steps)
        model.log("hire", vendor, None, d.hires)
    vendor.marketing_spend = d.marketing_spend
    vendor.seat_price = d.seat_price
    if d.investment > 0:
        vendor.cash -= d.investment
        vendor.quality = quality_after(vendor.quality, d.investment)
        model.log("investment", vendor, None, d.investment)


def describe(decision: Decision) -> str:
    """The decision in a few plain words, for the audit table and the team's page."""
    d = decision
    parts = [STRATEGY_WORDS[d.strategy], f"marketing ${d.marketing_spend:,.0f}/wk"]
    if d.hires:
        parts.append(f"hire {d.hires}")
    if d.let_go:
        parts.append(f"let go {d.let_go}")
    parts.append(f"seat ${d.seat_price:,.2f}/mo")
    if d.investment:
        parts.append(f"invest ${d.investment:,.0f}")
    return ", ".join(parts)
