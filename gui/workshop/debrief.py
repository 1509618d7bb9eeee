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
* a one-page printable summary (:func:`summary_html`, with print CSS).
"""

from __future__ import annotations

import html
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


def arr_svg(room: Room, width: int = 640, height: int = 200) -> str:
    """A small SVG of every team's ARR (prints sharp, needs no script)."""
    tracks = room.market.tracks
    weeks = tracks[0].week
    top = max([max(t.arr) for t in tracks] + [1.0])
    span = max(weeks[-1] - weeks[0], 1)

    def xy(w: int, a: float) -> str:
        return f"{40 + (w - weeks[0]) / span * (width - 50):.1f},{height - 20 - a / top * (height - 30):.1f}"

    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="sw-print-chart" role="img" aria-label="ARR of every team by week">',
        f'<line x1="40" y1="{height - 20}" x2="{width - 10}" y2="{height - 20}" stroke="#999"/>',
        f'<text x="2" y="14" font-size="10">{html.escape(usd_short(top))}</text>',
        f'<text x="2" y="{height - 22}" font-size="10">$0</text>',
        f'<text x="{width - 60}" y="{height - 6}" font-size="10">week {weeks[-1]}</text>',
    ]
    for team in room.teams:
        t = tracks[team.id]
        points = " ".join(xy(w, a) for w, a in zip(t.week, t.arr, strict=True))
        lines.append(
            f'<polyline fill="none" stroke="{charts.vendor_color(team.id)}" stroke-width="1.5" '
            f'points="{points}"><title>{html.escape(team.name)}</title></polyline>'
        )
    lines.append("</svg>")
    return "".join(lines)


PRINT_ROWS = 12
"""Teams listed by name in the printed summary (the rest are counted), to fit one page."""


def summary_html(room: Room) -> str:
    """The one-page summary (HTML; every name escaped): results, verdict, ARR chart."""
    e = html.escape
    s = room.settings
    res = results(room)
    rows = "".join(
        f"<tr><td>{i}</td><td>{e(r.name)}</td><td>{e(' -> '.join(STRATEGY_WORDS[x] for x in reasons.runs(r.path)))}</td>"
        f"<td>{e(usd_short(r.arr))}</td><td>{e(usd_short(r.cash) if r.alive else 'out of cash')}</td>"
        f"<td>{r.customers}</td></tr>"
        for i, r in enumerate(res[:PRINT_ROWS], start=1)
    )
    more = (
        f"<p>and {len(res) - PRINT_ROWS} more teams (the debrief page lists them).</p>"
        if len(res) > PRINT_ROWS
        else ""
    )
    verdict_html = "".join(f"<p>{e(line)}</p>" for line in verdict(room))
    legend = " ".join(
        f"<span style='color:{charts.vendor_color(r.team)}'>&#9632;</span> {e(r.name)}"
        for r in res[:PRINT_ROWS]
    )
    return (
        '<div class="sw-print-summary">'
        f"<h2>Sales Web workshop: room {e(room.code)}</h2>"
        f"<p class='sw-print-meta'>Scenario {e(s.scenario)}, seed {s.seed}, {len(room.played)} rounds "
        f"of {s.weeks_per_round} weeks, {len(room.teams)} teams and {s.computer_vendors} computer vendors.</p>"
        "<table class='sw-print-table'><thead><tr><th>#</th><th>team</th><th>strategies</th>"
        f"<th>ARR</th><th>cash</th><th>customers</th></tr></thead><tbody>{rows}</tbody></table>{more}"
        f"<h3>ARR by week</h3>{arr_svg(room)}<p class='sw-print-legend'>{legend}</p>"
        f"<h3>Which strategy won, and why</h3>{verdict_html}"
        "</div>"
    )


PRINT_CSS = """
.sw-print-summary { font-size: 12px; max-width: 720px; }
.sw-print-summary h2 { font-size: 18px; margin: 0 0 4px; }
.sw-print-summary h3 { font-size: 14px; margin: 10px 0 4px; }
.sw-print-summary p { margin: 4px 0; }
.sw-print-table { border-collapse: collapse; width: 100%; }
.sw-print-table th, .sw-print-table td { border-bottom: 1px solid #ddd; padding: 2px 6px;
  text-align: left; }
.sw-print-chart { width: 100%; height: auto; max-height: 220px; }
@media print {
  @page { size: A4; margin: 12mm; }
  body * { visibility: hidden; }
  .sw-print-summary, .sw-print-summary * { visibility: visible; }
  .sw-print-summary { position: absolute; left: 0; top: 0; width: 100%; max-width: none; }
}
"""
"""Print CSS: only the summary is printed, on one A4 page."""
