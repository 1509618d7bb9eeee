"""The debrief: what happened in the room, which strategy won and why, in plain words.

Everything here is computed from the room's market and the decisions it was played
with, so the facilitator's questions ("why did the direct teams stall in round 3?")
have numbers behind them:

* each team's ARR and cash week by week (:func:`team_lines`);
* the decision audit: what each team chose each round and the research it bought
  (:func:`audit_rows`);
* the market's predator-prey chart: the reps of every vendor against buyers'
  receptivity (``gui.charts.predator_prey`` and ``phase_portrait``);
* the verdict (:func:`verdict`): the winning team and its strategy path, the teams
  that never decided (and where they finished), the strategy paths ranked by their
  teams' mean ARR, the reasons the winner won ranked from the data
  (:mod:`gui.workshop.reasons`: ARR per dollar burned, win rate, churn, timing,
  users), what happened to buyers' attention, and who ran out of cash;
* the one-page printable summary is :mod:`gui.workshop.summary`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from gui import charts
from gui.kpis import usd_short
from gui.workshop import reasons
from gui.workshop.board import dumps
from gui.workshop.decisions import STRATEGY_WORDS, describe

if TYPE_CHECKING:
    from gui.workshop.room import Room

AUDIT_HEADERS = [
    {"text": "round", "value": "round"},
    {"text": "team", "value": "team"},
    {"text": "decision", "value": "decision"},
    {"text": "research", "value": "research"},
    {"text": "advanced by", "value": "reason"},
]


@dataclass(frozen=True)
class TeamResult:
    """One team at the end, with the drivers the verdict compares."""

    team: int
    name: str
    strategy: str  # the strategy it played most rounds
    path: list[str]  # strategy in each round
    arr: float
    cash: float
    alive: bool
    exited: int | None
    deals_won: int
    deals_lost: int
    users: int
    customers: int
    burned: float  # starting cash minus cash now (research and investment included)

    @property
    def win_rate(self) -> float | None:
        closed = self.deals_won + self.deals_lost
        return self.deals_won / closed if closed else None


def strategy_paths(room: Room) -> list[list[str]]:
    """Each team's strategy in each played round (a round without a decision keeps it)."""
    paths = []
    for team in room.teams:
        current, path = room.settings.start_strategy, []
        for played in room.played:
            if team.id in played.decisions:
                current = played.decisions[team.id].strategy
            path.append(current)
        paths.append(path)
    return paths


def results(room: Room) -> list[TeamResult]:
    """Every team's result, best first (alive, then ARR, then cash)."""
    start_cash = room.market.model.params["initial_cash"]
    out = []
    for team, path in zip(room.teams, strategy_paths(room), strict=True):
        v = room.market.teams[team.id]
        counts = Counter(path)
        main = max(counts, key=lambda s: (counts[s], -path[::-1].index(s))) if path else v.strategy
        out.append(
            TeamResult(
                team=team.id, name=team.name, strategy=main, path=path, arr=float(v.arr),
                cash=float(v.cash), alive=v.alive, exited=v.exited, deals_won=v.deals_won,
                deals_lost=v.deals_lost, users=v.users, customers=v.customers,
                burned=float(start_cash - v.cash),
            )
        )  # fmt: skip
    out.sort(key=lambda r: (not r.alive, -r.arr, -r.cash, r.team))
    return out


def verdict(room: Room) -> list[str]:
    """Which strategy won and why, as a few plain sentences computed from the market."""
    res = results(room)
    if not res or not room.played:
        return ["No round has been played yet."]
    lines = []
    best, rest = res[0], res[1:]
    runs = reasons.runs(best.path)
    changes = f" ({' -> '.join(STRATEGY_WORDS[s] for s in runs)})" if len(runs) > 1 else ""
    lines.append(
        f"{best.name} finished first with {usd_short(best.arr)} ARR and "
        f"{usd_short(best.cash)} cash, playing {STRATEGY_WORDS[best.strategy]}{changes}."
    )
    idle = reasons.never_decided_line(room, res)
    if idle:
        lines.append(idle)
    lines.append(reasons.paths_line(res))
    if rest:
        lines.append(reasons.why_line(room, res))
    lines.append(_market_story(room))
    exited = [r for r in res if not r.alive]
    if exited:
        names = ", ".join(
            f"{r.name} (week {r.exited}, {STRATEGY_WORDS[r.strategy]})" for r in exited
        )
        lines.append(
            f"{len(exited)} team{'s' * (len(exited) != 1)} ran out of cash: {names}. "
            "Reps and marketing cost cash every week; ARR arrives only as deals close."
        )
    return lines


def _market_story(room: Room) -> str:
    """What the sales force did to buyers' attention (predator and prey)."""
    h = room.market.history()
    rec = [x for x in h["buyer_receptivity"] if x == x]
    reps = h["reps_total"]
    peak = int(np.argmax(reps))
    story = (
        f"Buyers' attention went from {rec[0]:.2f} to {rec[-1]:.2f} (lowest {min(rec):.2f}) "
        f"while the market's reps went from {reps[0]} to {reps[-1]} (peak {reps[peak]} in week "
        f"{peak}): "
    )
    if rec[-1] < 0.8 * rec[0]:
        story += "outbound selling used up the buyers it lives on, the predator eating its prey."
    else:
        story += "buyers kept their attention, so outbound selling found people to talk to."
    return story


def audit_rows(room: Room) -> list[dict[str, Any]]:
    """One row per (round, team): the decision, the research bought, how the round advanced.

    Then one row per facilitator action during play (pause, extend, rename...).
    """
    names = room.team_names()
    rows = []
    for number, played in enumerate(room.played, start=1):
        bought: dict[int, list[str]] = {}
        for p in played.purchases:
            bought.setdefault(p.team, []).append(p.study)
        for team in room.teams:
            d = played.decisions.get(team.id)
            rows.append(
                {
                    "round": number,
                    "team": names[team.id],
                    "decision": describe(d) if d else "no decision: kept its settings",
                    "research": ", ".join(bought.get(team.id, [])) or "-",
                    "reason": played.reason,
                }
            )
    for event in room.events:  # the facilitator's controls (gui.workshop.controls)
        detail = event.get("detail", "")
        rows.append(
            {
                "round": event.get("round", ""),
                "team": "(facilitator)",
                "decision": event.get("action", "") + (f": {detail}" if detail else ""),
                "research": "-",
                "reason": f"week {event.get('week', '')}",
            }
        )
    return rows


def team_lines(room: Room, key: str) -> dict:
    """ECharts option: one line per team of ``key`` (``"arr"`` or ``"cash"``), USD thousands."""
    tracks = room.market.tracks
    option = charts._base(tracks[0].week if tracks else [0], "USD thousands")
    option["series"] = [
        {"name": team.name, "type": "line", "showSymbol": False,
         "data": charts.clean([x / 1e3 for x in getattr(tracks[team.id], key)], 1),
         "color": charts.vendor_color(team.id)}
        for team in room.teams
    ]  # fmt: skip
    return option


def charts_json(room: Room) -> dict[str, str]:
    """The debrief's four charts as JSON strings (ARR, cash, predator-prey, phase portrait)."""
    h = room.market.history()
    return {
        "arr": dumps(team_lines(room, "arr")),
        "cash": dumps(team_lines(room, "cash")),
        "predator_prey": dumps(charts.predator_prey(h)),
        "phase": dumps(charts.phase_portrait(h)),
    }
