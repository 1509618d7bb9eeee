"""A room's settings: the scenario, the rounds, the limits on decisions, the market's size.

The facilitator sets them before the first round; they are saved with the room and
are what a replay rebuilds the market from. Every field is validated here with one
message that names the field, the value and what is allowed (:class:`SettingsError`),
so the facilitator page, the room file and the tests share one rule.

Why the bounds: a room's market lives in the one server process every session of the
class shares, so its size is bounded twice. :func:`market_kwargs` caps the number of
enterprises and their size (:data:`MAX_ENTERPRISES`, :data:`MAX_ENTERPRISE_SIZE`:
at most about 60,000 employees, a few tens of MB and well under 10 ms a week), and,
where the model takes a memory limit (``MarketModel(memory_limit_gb=...)``, the
resource budget of issue 8, ``sim/budget.py``), passes :func:`room_memory_gb` so the
model refuses a market above it before allocating anything.
"""

from __future__ import annotations

import inspect
import math
import os
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from sim.model import MarketModel
from sim.params import STRATEGIES, ParameterError
from sim.scenarios import ScenarioError, load_scenario, preset_names

MAX_TEAMS = 40
"""Teams in one room: a large class in teams of two (issue 11 asks for 30)."""
MAX_COMPUTER_VENDORS = 30
MAX_ENTERPRISES = 400
"""Enterprises in a room's market: twice the default market."""
MAX_ENTERPRISE_SIZE = 5000
"""Largest enterprise in a room's market (the default market's largest)."""
MEMORY_ENV = "SALESWEB_ROOM_MEMORY_GB"
DEFAULT_ROOM_MEMORY_GB = 0.5
"""Memory limit of one room's market where the model takes one (issue 8's budget)."""


class SettingsError(ValueError):
    """A room setting is out of range or unknown."""


@dataclass(frozen=True)
class Limits:
    """What a team may decide each round (the facilitator's limits).

    Defaults: marketing up to 25x the default market's spend (2,000 USD a week), hires
    of a quarter's hiring round of a large vendor, seat prices from a tenth to eight
    times the default (25 USD per seat per month), and product investment up to 40% of
    the starting cash (2M USD) a round.
    """

    max_marketing: float = 50_000.0
    max_hires: int = 10
    max_let_go: int = 50
    min_seat_price: float = 2.5
    max_seat_price: float = 200.0
    max_investment: float = 800_000.0


@dataclass(frozen=True)
class RoomSettings:
    """Everything a room's market is built and played from (saved with the room).

    Parameters
    ----------
    scenario : str
        A preset name (``salesweb scenarios``).
    seed : int
        The market's seed; with the teams' decisions it fixes every result.
    rounds : int
        Rounds of the game (after the practice round, if any).
    weeks_per_round : int
        Market weeks one round advances (13: a quarter).
    n_enterprises : int or None
        Enterprises in the market (None: the scenario's, capped at
        :data:`MAX_ENTERPRISES`).
    computer_vendors : int
        Vendors at the start that no team steers; they follow the model's own tactics
        (Capsim's "computer-run seats").
    start_strategy : str
        Every team's strategy before its first decision.
    deadline_minutes : float
        Minutes a round stays open before it advances by itself (0: no deadline).
    auto_advance : bool
        Advance as soon as every team has submitted.
    research_price : float
        Cash a team pays for one market-research study, USD.
    limits : Limits
        The bounds on each decision.
    """

    scenario: str = "default"
    seed: int = 1
    rounds: int = 6
    weeks_per_round: int = 13
    n_enterprises: int | None = None
    computer_vendors: int = 6
    start_strategy: str = "hybrid"
    deadline_minutes: float = 0.0
    auto_advance: bool = True
    research_price: float = 50_000.0
    limits: Limits = field(default_factory=Limits)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> RoomSettings:
        """Settings from a dict (a room file, a form); unknown keys are refused."""
        if not isinstance(data, dict):
            raise SettingsError(f"settings: expected a table of settings, got {data!r}")
        data = dict(data)
        limits = data.pop("limits", {})
        if not isinstance(limits, dict):
            raise SettingsError(f"settings 'limits': expected a table, got {limits!r}")
        _refuse_unknown(data, cls, "settings")
        _refuse_unknown(limits, Limits, "limits")
        return validate(cls(**data, limits=Limits(**limits)))

    def with_changes(self, **changes: Any) -> RoomSettings:
        """A validated copy with ``changes`` (``limits=`` takes a dict of limit fields)."""
        if "limits" in changes and isinstance(changes["limits"], dict):
            _refuse_unknown(changes["limits"], Limits, "limits")
            changes["limits"] = replace(self.limits, **changes["limits"])
        _refuse_unknown(changes, RoomSettings, "settings")
        return validate(replace(self, **changes))


def _refuse_unknown(data: dict, cls: type, where: str) -> None:
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SettingsError(
            f"{where}: unknown {', '.join(map(repr, unknown))}; allowed: {', '.join(sorted(known))}"
        )


def _number(where: str, value: Any, low: float, high: float, integer: bool = False) -> Any:
    kind = "an integer" if integer else "a number"
    bad = SettingsError(
        f"{where}: {value!r} is not allowed; expected {kind} in [{low:g}, {high:g}]"
    )
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad
    if not math.isfinite(value) or not low <= value <= high:
        raise bad
    if integer:
        if int(value) != value:
            raise bad
        return int(value)
    return float(value)


def validate(s: RoomSettings) -> RoomSettings:
    """Return ``s`` with numbers normalised, or raise :class:`SettingsError`."""
    if s.scenario not in preset_names():
        raise SettingsError(
            f"scenario {s.scenario!r} is not a preset; expected one of {', '.join(preset_names())}"
        )
    if s.start_strategy not in STRATEGIES:
        raise SettingsError(
            f"start_strategy {s.start_strategy!r}: expected one of {', '.join(STRATEGIES)}"
        )
    if not isinstance(s.auto_advance, bool):
        raise SettingsError(f"auto_advance: {s.auto_advance!r}; expected true or false")
    lim = s.limits
    limits = Limits(
        max_marketing=_number("max_marketing", lim.max_marketing, 0, 1e7),
        max_hires=_number("max_hires", lim.max_hires, 0, 100, integer=True),
        max_let_go=_number("max_let_go", lim.max_let_go, 0, 1000, integer=True),
        min_seat_price=_number("min_seat_price", lim.min_seat_price, 0, 10_000),
        max_seat_price=_number("max_seat_price", lim.max_seat_price, 0, 10_000),
        max_investment=_number("max_investment", lim.max_investment, 0, 1e9),
    )
    if limits.min_seat_price > limits.max_seat_price:
        raise SettingsError(
            f"min_seat_price {limits.min_seat_price:g} is above max_seat_price "
            f"{limits.max_seat_price:g}; the minimum must not exceed the maximum"
        )
    n_ent = s.n_enterprises
    if n_ent is not None:
        n_ent = _number("n_enterprises", n_ent, 1, MAX_ENTERPRISES, integer=True)
    return replace(
        s,
        seed=_number("seed", s.seed, 0, 2**32 - 1, integer=True),
        rounds=_number("rounds", s.rounds, 1, 20, integer=True),
        weeks_per_round=_number("weeks_per_round", s.weeks_per_round, 1, 52, integer=True),
        n_enterprises=n_ent,
        computer_vendors=_number(
            "computer_vendors", s.computer_vendors, 0, MAX_COMPUTER_VENDORS, integer=True
        ),
        deadline_minutes=_number("deadline_minutes", s.deadline_minutes, 0, 120),
        research_price=_number("research_price", s.research_price, 0, 1e8),
        limits=limits,
    )


def room_memory_gb() -> float:
    """Memory limit of one room's market, GB (``SALESWEB_ROOM_MEMORY_GB``)."""
    try:
        gb = float(os.environ.get(MEMORY_ENV) or DEFAULT_ROOM_MEMORY_GB)
    except ValueError:
        gb = DEFAULT_ROOM_MEMORY_GB
    return gb if math.isfinite(gb) and gb > 0 else DEFAULT_ROOM_MEMORY_GB


def model_takes_memory_limit() -> bool:
    """True once the model checks a memory budget (issue 8: ``memory_limit_gb``)."""
    return "memory_limit_gb" in inspect.signature(MarketModel.__init__).parameters


def market_kwargs(s: RoomSettings, n_teams: int) -> dict[str, Any]:
    """Model parameters of the room's market, bounded (see the module doc).

    The scenario's parameters with: ``n_vendors`` = teams + computer vendors, room
    for entrants above them, enterprises and their size capped, and the room's memory
    limit where the model takes one.

    Raises
    ------
    SettingsError
        The scenario cannot be loaded, or the bounded market is refused by the model.
    """
    try:
        scenario = load_scenario(s.scenario)
    except ScenarioError as exc:
        raise SettingsError(str(exc)) from None
    p = dict(scenario.params)
    n_ent = s.n_enterprises or min(p.get("n_enterprises", 200), MAX_ENTERPRISES)
    size_max = min(p.get("enterprise_size_max", 5000), MAX_ENTERPRISE_SIZE)
    n_vendors = n_teams + s.computer_vendors
    kwargs: dict[str, Any] = {
        "n_enterprises": n_ent,
        "enterprise_size_max": size_max,
        "enterprise_size_min": min(p.get("enterprise_size_min", 20), size_max),
        "n_vendors": n_vendors,
        "max_vendors": max(p.get("max_vendors", 60), n_vendors + 10),
        # a room plays rounds * weeks; the scenario's horizon must not stop it earlier
        "horizon": max(p.get("horizon", 260), 2 * s.rounds * s.weeks_per_round),
    }
    if model_takes_memory_limit():
        kwargs["memory_limit_gb"] = room_memory_gb()
    return kwargs


def check_market(s: RoomSettings, n_teams: int) -> None:
    """Raise :class:`SettingsError` if the room's market cannot be built as set."""
    if not 0 <= n_teams <= MAX_TEAMS:
        raise SettingsError(f"teams: {n_teams} is not allowed; expected at most {MAX_TEAMS}")
    if n_teams + s.computer_vendors < 1:
        raise SettingsError("the market needs at least one vendor: a team or a computer vendor")
    try:
        load_scenario(s.scenario).model_kwargs(**{
            k: v for k, v in market_kwargs(s, n_teams).items() if k != "memory_limit_gb"
        })  # fmt: skip
    except (ParameterError, ScenarioError) as exc:
        raise SettingsError(str(exc)) from None
