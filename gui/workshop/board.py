"""What every screen of a room shows after a round, computed once for all of them.

When a round advances, every session of the room redraws. Thirty sessions that each
rebuilt the leaderboard and the charts from the model would redraw thirty times the
same work inside the one server process, so the room computes a :class:`Board` once
per round (a few milliseconds) and each session only picks its team's part: its KPI
cards, its chart and its state, as JSON strings ready for the widgets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gui import charts
from gui.kpis import kpi_cards, usd_short
from gui.workshop.decisions import STRATEGY_WORDS

if TYPE_CHECKING:
    from gui.workshop.market import RoomMarket

LEADERBOARD_HEADERS = [
    {"text": "#", "value": "rank"},
    {"text": "team", "value": "team"},
    {"text": "strategy", "value": "strategy"},
    {"text": "ARR", "value": "arr_text"},
    {"text": "cash", "value": "cash_text"},
    {"text": "customers", "value": "customers"},
    {"text": "reps", "value": "reps"},
]


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


@dataclass(frozen=True)
class Board:
    """One round's view of the room: shared parts and one part per team."""

    week: int
    leaderboard: list[dict[str, Any]]
    market_json: str
    phase_json: str
    cards_json: dict[int, str] = field(default_factory=dict)
    team_chart_json: dict[int, str] = field(default_factory=dict)
    team_state: dict[int, dict[str, Any]] = field(default_factory=dict)
    leaderboard_json: str = "[]"


def team_chart(weeks: list[int], arr: list[float], cash: list[float], name: str) -> dict:
    """One team's ARR and cash over the weeks (USD thousands)."""
    option = charts._base(weeks, "USD thousands")
    option["series"] = [
        {"name": "ARR", "type": "line", "showSymbol": False, "data": charts.clean([a / 1e3 for a in arr], 1),
         "lineStyle": {"width": 2.5}, "color": "#ef6c00"},
        {"name": "cash", "type": "line", "showSymbol": False, "data": charts.clean([c / 1e3 for c in cash], 1),
         "color": "#1565c0"},
    ]  # fmt: skip
    option["title"] = {"show": False, "text": name}
    return option


def build_board(
    market: RoomMarket, names: list[str], removed: set[int] | frozenset[int] = frozenset()
) -> Board:
    """The board of ``market`` now; ``names`` are the teams' names by team number.

    Teams in ``removed`` (the facilitator removed them) leave the leaderboard.
    """
    rows = []
    for team, vendor in enumerate(market.teams):
        if team in removed:
            continue
        rows.append(
            {
                "team_id": team,
                "team": names[team],
                "strategy": STRATEGY_WORDS[vendor.strategy] if vendor.alive else "exited",
                "arr": round(vendor.arr),
                "arr_text": usd_short(vendor.arr),
                "cash": round(vendor.cash),
                "cash_text": usd_short(vendor.cash) if vendor.alive else "out of cash",
                "customers": vendor.customers,
                "reps": vendor.reps,
                "alive": vendor.alive,
            }
        )
    rows.sort(key=lambda r: (not r["alive"], -r["arr"], -r["cash"], r["team_id"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    history = market.history()
    cards, team_charts, state = {}, {}, {}
    for team, (vendor, track) in enumerate(zip(market.teams, market.tracks, strict=True)):
        cards[team] = dumps(kpi_cards(track))
        team_charts[team] = dumps(team_chart(track.week, track.arr, track.cash, names[team]))
        state[team] = {
            "strategy": vendor.strategy,
            "reps": vendor.reps,
            "cash": float(vendor.cash),
            "quality": float(vendor.quality),
            "marketing_spend": float(vendor.marketing_spend),
            "seat_price": float(vendor.seat_price),
            "alive": vendor.alive,
            "exited": vendor.exited,
            "arr": float(vendor.arr),
        }
    return Board(
        week=market.week,
        leaderboard=rows,
        leaderboard_json=dumps(rows),
        market_json=dumps(charts.predator_prey(history)),
        phase_json=dumps(charts.phase_portrait(history)),
        cards_json=cards,
        team_chart_json=team_charts,
        team_state=state,
    )
