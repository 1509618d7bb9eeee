"""Why the winner won, ranked from the data, and how the strategy paths compared.

The debrief used to give one fixed sentence (deals, win rate, users) whatever
happened, so a winner with fewer deals than the median was "explained" by its deals
(issue 20). Here every team gets the same :data:`DRIVERS`, each measured from the
market, and the winner's reasons are the drivers on which it beat the median of the
other teams, strongest first. The strength of a driver is a scale-free gap:
``(winner - median) / max(|winner| + |median|, floor)`` (its sign turned for a driver
where lower is better; the floor keeps a tiny difference from counting, e.g. 5
points of win rate), 1 when the others had none of it, 0 when the winner was typical;
drivers where the winner was worse are said too ("not a reason").

Drivers (all from the market; see :mod:`gui.workshop.debrief` for the team results):

* **ARR per dollar burned**: ARR at the end over the cash spent since the start
  (research and investment included); the capital efficiency investors ask for. A
  team whose cash grew has no ratio; a winner whose cash grew says so first.
* **win rate**: deals won over deals closed.
* **churn**: ARR lost to churned contracts over ARR won and kept (lower is better),
  counted from the market's event log ("churn" events of the team's vendor, less the
  contracts its own exit ended).
* **timing**: the week of the team's first ARR (earlier is better).
* **users**: people using the product at the end (bottoms-up's lever).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gui.kpis import usd_short
from gui.workshop.decisions import STRATEGY_WORDS

if TYPE_CHECKING:
    from gui.workshop.debrief import TeamResult
    from gui.workshop.room import Room


@dataclass(frozen=True)
class Driver:
    key: str
    label: str
    higher_is_better: bool
    unit: str  # how a value reads: "ratio", "pct", "week", "count"
    floor: float  # a difference smaller than this is no edge (the gap's smallest scale)


DRIVERS = (
    Driver("arr_per_burn", "ARR per dollar of cash burned", True, "ratio", 0.1),
    Driver("win_rate", "win rate", True, "pct", 0.05),
    Driver("churn", "ARR lost to churn", False, "pct", 0.05),
    Driver("first_revenue", "first revenue", False, "week", 2.0),
    Driver("users", "users", True, "count", 10.0),
)


def measures(room: Room, result: TeamResult) -> dict[str, float | None]:
    """The team's value of every driver (None when it has no such figure)."""
    track = room.market.tracks[result.team]
    vendor = room.market.teams[result.team]
    churned = sum(  # the contracts a company's own exit ended are its exit, not churn
        float(e["value"] or 0.0)
        for e in room.market.model.events
        if e["event"] == "churn" and e["vendor"] == vendor.name and e["step"] != vendor.exited
    )
    first = next((w for w, a in zip(track.week, track.arr, strict=True) if a > 0), None)
    return {
        "arr_per_burn": result.arr / result.burned if result.burned > 0 else None,
        "win_rate": result.win_rate,
        "churn": churned / (churned + result.arr) if churned + result.arr > 0 else None,
        "first_revenue": None if first is None else float(first),
        "users": float(result.users),
    }


def _say(driver: Driver, value: float | None) -> str:
    if value is None:
        return {"pct": "none closed", "week": "never"}.get(driver.unit, "none")
    return {
        "ratio": f"{value:,.2f} USD",
        "pct": f"{value:.0%}",
        "week": f"week {value:.0f}",
        "count": f"{value:,.0f}",
    }[driver.unit]


def ranked_reasons(room: Room, results: list[TeamResult]) -> list[tuple[float, str]]:
    """(strength, sentence) of each driver for the winner ``results[0]``, strongest first."""
    values = [measures(room, r) for r in results]
    best, rest = values[0], values[1:]
    out = []
    if results[0].burned <= 0:  # a ratio cannot say it: the winner's cash grew
        out.append((1.0, "no cash burned: it earned more than it spent"))
    for d in DRIVERS:
        mine = best[d.key]
        theirs = [v[d.key] for v in rest if v[d.key] is not None]
        if mine is None or not theirs:
            continue
        median = float(np.median(theirs))
        gap = (mine - median) / max(abs(mine) + abs(median), d.floor)
        gap = gap if d.higher_is_better else -gap
        out.append((gap, f"{d.label}: {_say(d, mine)} (others' median {_say(d, median)})"))
    out.sort(key=lambda item: -item[0])
    return out


def why_line(room: Room, results: list[TeamResult]) -> str:
    """ "Why X won, strongest reason first: ...; not a reason: ..." from :func:`ranked_reasons`."""
    ranked = ranked_reasons(room, results)
    good = [text for gap, text in ranked if gap > 0.05]
    weak = [text for gap, text in ranked if gap < -0.05]
    line = f"Why {results[0].name} won, strongest reason first: " + (
        "; ".join(f"{i}) {t}" for i, t in enumerate(good, start=1)) or "no driver stands out"
    )
    if weak:
        line += ". Not a reason (the others did better): " + "; ".join(weak)
    return line + "."


def never_decided(room: Room) -> list[int]:
    """Teams that submitted no decision in any played round."""
    return [t.id for t in room.teams if not any(t.id in p.decisions for p in room.played)]


def never_decided_line(room: Room, results: list[TeamResult]) -> str | None:
    """Flag the teams that never decided, with where they finished."""
    idle = set(never_decided(room))
    if not idle or not room.played:
        return None
    places = [f"{r.name} (finished {i} of {len(results)})"
              for i, r in enumerate(results, start=1) if r.team in idle]  # fmt: skip
    line = (
        f"Never decided: {', '.join(places)} kept the starting settings "
        f"({STRATEGY_WORDS[room.settings.start_strategy]}) for the whole game."
    )
    if results[0].team in idle:
        line += (
            " The winner made no decision at all: in this market the starting settings "
            "beat every plan the teams tried. Ask what each team's decisions cost it."
        )
    return line


def runs(path: list[str]) -> list[str]:
    """``[a, a, b, b, a]`` -> ``[a, b, a]``: the strategy changes a team made."""
    return [s for i, s in enumerate(path) if i == 0 or path[i - 1] != s]


def path_text(path: list[str]) -> str:
    return " -> ".join(STRATEGY_WORDS[s] for s in runs(path))


def paths_line(results: list[TeamResult]) -> str:
    """Strategy paths (the strategies each team went through) ranked by mean ARR."""
    groups: dict[str, list[TeamResult]] = {}
    for r in results:
        groups.setdefault(path_text(r.path), []).append(r)
    ranked = sorted(groups.items(), key=lambda kv: -float(np.mean([r.arr for r in kv[1]])))
    parts = []
    for text, rows in ranked:
        alive = sum(r.alive for r in rows)
        parts.append(
            f"{text} {usd_short(float(np.mean([r.arr for r in rows])))} "
            f"({', '.join(r.name for r in rows)}; {alive} of {len(rows)} still in the market)"
        )
    return f"By strategy path, {ranked[0][0]} won on mean ARR: " + "; ".join(parts) + "."
