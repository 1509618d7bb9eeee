"""``/workshop/summary``: the one-page printable summary of a room, filling its A4 page.

What a teacher files or hands out after class, drawn as plain HTML and SVG (prints
sharp, needs no script): the final ranking with each team's strategy path, the
verdict (:func:`gui.workshop.debrief.verdict`), each team's ARR and cash by week, the
market's predator-prey chart (the reps of every vendor against buyers' receptivity,
with the round boundaries) and the audit's key decisions (strategy switches, hiring
and letting go, product investment, research). Every name is escaped. The print CSS
keeps it to one A4 page: :data:`PRINT_ROWS` teams and :data:`KEY_DECISIONS` decisions
at most (the debrief page and the exports have all of them).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from gui import charts
from gui.kpis import usd_short
from gui.workshop import reasons
from gui.workshop.debrief import results, verdict
from gui.workshop.decisions import STRATEGY_WORDS

if TYPE_CHECKING:
    from gui.workshop.room import Room

PRINT_ROWS = 12
"""Teams listed by name in the printed summary (the rest are counted), to fit one page."""
KEY_DECISIONS = 12
"""Key decisions listed, to fit one page: strategy switches first, whatever their round,
then the other decisions from the first round on (a class of 30 fills twelve lines in
its first round, which hid every later switch)."""


def lines_svg(
    weeks: list[int],
    series: list[tuple[str, str, list[float], bool]],
    label: str,
    marks: list[int] = (),
    width: int = 340,
    height: int = 150,
    money: bool = True,
) -> str:
    """A small SVG line chart: ``series`` of (name, color, values, on the right axis).

    Values on the right axis (a share, 0-1) are scaled to the chart's height; the left
    axis runs from 0 (or the lowest value, if below 0) to the highest. ``marks`` are
    weeks drawn as dashed vertical lines (round boundaries). ``money``: the left axis is USD.
    """
    e = html.escape
    left = [v for _, _, vals, right in series if not right for v in vals if v == v]
    top, bottom = max(left + [1.0]), min(left + [0.0])
    span_w = max(weeks[-1] - weeks[0], 1)
    x0, x1, y0, y1 = 40, width - 8, height - 16, 8

    def say(v: float) -> str:
        return usd_short(v) if money else f"{v:,.0f}"

    def x(w: float) -> float:
        return x0 + (w - weeks[0]) / span_w * (x1 - x0)

    def y(v: float, right: bool) -> float:
        share = v if right else (v - bottom) / (top - bottom or 1.0)
        return y0 - share * (y0 - y1)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="sw-print-chart" role="img" aria-label="{e(label)}">',
        f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#999"/>',
        f'<text x="2" y="14" font-size="9">{e(say(top))}</text>',
        f'<text x="2" y="{y0}" font-size="9">{e(say(bottom))}</text>',
        f'<text x="{x1 - 44}" y="{height - 3}" font-size="9">week {weeks[-1]}</text>',
    ]
    for w in marks:
        out.append(f'<line x1="{x(w):.1f}" y1="{y1}" x2="{x(w):.1f}" y2="{y0}" '
                   'stroke="#b0bec5" stroke-dasharray="3,3"/>')  # fmt: skip
    for name, color, values, right in series:
        points = " ".join(
            f"{x(w):.1f},{y(v, right):.1f}" for w, v in zip(weeks, values, strict=False) if v == v
        )
        out.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.4" points="{points}">'
                   f"<title>{e(name)}</title></polyline>")  # fmt: skip
    out.append("</svg>")
    return "".join(out)


def chosen_decisions(lines: list[tuple[bool, str]], limit: int = KEY_DECISIONS) -> list[str]:
    """At most ``limit`` of ``key_decisions``' lines, switches first, shown round by round."""
    ranked = sorted(range(len(lines)), key=lambda i: (not lines[i][0], i))[:limit]
    return [lines[i][1] for i in sorted(ranked)]


def key_decisions(room: Room) -> list[tuple[bool, str]]:
    """Decisions that changed something, round by round: a switch, reps, investment, research.

    Each is ``(whether the team switched strategy, line)``, in round order.
    """
    lines = []
    current = {t.id: room.settings.start_strategy for t in room.teams}
    for number, played in enumerate(room.played, start=1):
        bought: dict[int, list[str]] = {}
        for p in played.purchases:
            bought.setdefault(p.team, []).append(p.study)
        for team in room.teams:
            d, parts, switched = played.decisions.get(team.id), [], False
            if d is not None:
                if d.strategy != current[team.id]:
                    parts.append(
                        f"{STRATEGY_WORDS[current[team.id]]} -> {STRATEGY_WORDS[d.strategy]}"
                    )
                    current[team.id] = d.strategy
                    switched = True
                if d.hires:
                    parts.append(f"hired {d.hires}")
                if d.let_go:
                    parts.append(f"let {d.let_go} go")
                if d.investment:
                    parts.append(f"invested {usd_short(d.investment)}")
            if team.id in bought:
                parts.append("bought " + ", ".join(bought[team.id]))
            if parts:
                lines.append((switched, f"Round {number}, {team.name}: {'; '.join(parts)}"))
    return lines


def summary_html(room: Room) -> str:
    """The one-page summary (HTML; every name escaped); see the module doc."""
    e = html.escape
    s = room.settings
    res = results(room)
    tracks = room.market.tracks
    weeks = tracks[0].week
    shown = res[:PRINT_ROWS]
    rows = "".join(
        f"<tr><td>{i}</td><td>{e(r.name)}</td><td>{e(reasons.path_text(r.path))}</td>"
        f"<td>{e(usd_short(r.arr))}</td><td>{e(usd_short(r.cash) if r.alive else 'out of cash')}</td>"
        f"<td>{r.customers}</td></tr>"
        for i, r in enumerate(shown, start=1)
    )
    more = (f"<p>and {len(res) - PRINT_ROWS} more teams (the debrief page lists them).</p>"
            if len(res) > PRINT_ROWS else "")  # fmt: skip
    verdict_html = "".join(f"<p>{e(line)}</p>" for line in verdict(room))
    legend = " ".join(
        f"<span style='color:{charts.vendor_color(r.team)}'>&#9632;</span> {e(r.name)}"
        for r in shown
    )
    team_series = {
        key: [(r.name, charts.vendor_color(r.team), getattr(tracks[r.team], key), False)
              for r in shown]
        for key in ("arr", "cash")
    }  # fmt: skip
    h = room.market.history()
    per = s.weeks_per_round
    marks = [per * k for k in range(1, len(room.played)) if per * k <= weeks[-1]]
    market = lines_svg(
        list(range(len(h["reps_total"]))),
        [("reps (all vendors)", "#c62828", [float(x) for x in h["reps_total"]], False),
         ("buyer receptivity (right, 0-1)", "#00897b", [float(x) for x in h["buyer_receptivity"]], True)],
        "Predator and prey: the market's reps and buyers' receptivity", marks, money=False,
    )  # fmt: skip
    decisions = key_decisions(room)
    listed = "".join(f"<li>{e(line)}</li>" for line in chosen_decisions(decisions))
    if len(decisions) > KEY_DECISIONS:
        listed += f"<li>and {len(decisions) - KEY_DECISIONS} more (the exports have all)</li>"
    return (
        '<div class="sw-print-summary">'
        f"<h2>Sales Web workshop: room {e(room.code)}</h2>"
        f"<p class='sw-print-meta'>Scenario {e(s.scenario)}, seed {s.seed}, {len(room.played)} rounds "
        f"of {s.weeks_per_round} weeks, {len(room.teams)} teams and {s.computer_vendors} computer vendors.</p>"
        "<table class='sw-print-table'><thead><tr><th>#</th><th>team</th><th>strategy path</th>"
        f"<th>ARR</th><th>cash</th><th>customers</th></tr></thead><tbody>{rows}</tbody></table>{more}"
        "<div class='sw-print-grid'>"
        f"<div><h3>ARR by week</h3>{lines_svg(weeks, team_series['arr'], 'ARR of every team', marks)}</div>"
        f"<div><h3>Cash by week</h3>{lines_svg(weeks, team_series['cash'], 'Cash of every team', marks)}</div>"
        "</div>"
        f"<p class='sw-print-legend'>{legend}</p>"
        f"<h3>Which strategy won, and why</h3>{verdict_html}"
        "<div class='sw-print-grid'>"
        f"<div><h3>Predator and prey (dashed: rounds)</h3>{market}"
        "<p class='sw-print-legend'><span style='color:#c62828'>&#9632;</span> reps "
        "<span style='color:#00897b'>&#9632;</span> buyers' receptivity</p></div>"
        f"<div><h3>Key decisions</h3><ul class='sw-print-decisions'>{listed or '<li>none</li>'}</ul></div>"
        "</div>"
        "</div>"
    )


PRINT_CSS = """
.sw-print-summary { font-size: 11px; max-width: 760px; }
.sw-print-summary h2 { font-size: 17px; margin: 0 0 4px; }
.sw-print-summary h3 { font-size: 12.5px; margin: 8px 0 3px; }
.sw-print-summary p { margin: 3px 0; }
.sw-print-table { border-collapse: collapse; width: 100%; }
.sw-print-table th, .sw-print-table td { border-bottom: 1px solid #ddd; padding: 1px 6px;
  text-align: left; }
.sw-print-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.sw-print-chart { width: 100%; height: auto; max-height: 170px; }
.sw-print-decisions { margin: 0; padding-left: 16px; }
.sw-print-decisions li { margin: 1px 0; }
@media print {
  @page { size: A4; margin: 12mm; }
  body * { visibility: hidden; }
  .sw-print-summary, .sw-print-summary * { visibility: visible; }
  .sw-print-summary { position: absolute; left: 0; top: 0; width: 100%; max-width: none; }
}
"""
"""Print CSS: only the summary is printed, on one A4 page."""
