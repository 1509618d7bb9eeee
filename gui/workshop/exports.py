"""Exports for grading: each team's weekly results and the full decision audit.

Two tables, as CSV (one file each, opens anywhere) and as one XLSX workbook with a
sheet each (``openpyxl``: it writes the format every spreadsheet program opens,
typed cells rather than text, and reads it back, which the tests use; pure Python).

* **weekly**: one row per team and week: the round the week belongs to, the strategy
  the team played in it, ARR, cash, users and customers (the numbers of the team's
  KPI cards and the leaderboard: :class:`gui.kpis.FocalTrack`).
* **audit**: one row per team and round with every field of its decision (or "kept its
  settings"), the research it bought and who submitted it; then one row per
  facilitator action (pause, extend, rename, advisor...).

Team names are the participants' text: a cell that a spreadsheet would read as a
formula (starting with ``=``, ``+``, ``-``, ``@``) is written with a leading
apostrophe, so a team called ``=HYPERLINK(...)`` is shown, never run.
"""

from __future__ import annotations

import csv
import io
import time
from typing import TYPE_CHECKING, Any

from gui.workshop.debrief import strategy_paths
from gui.workshop.decisions import STRATEGY_WORDS

if TYPE_CHECKING:
    from gui.workshop.room import Room

WEEKLY_COLUMNS = ["team", "week", "round", "strategy", "arr_usd", "cash_usd", "users",
                  "customers", "in_market"]  # fmt: skip
AUDIT_COLUMNS = ["round", "week", "team", "kind", "strategy", "marketing_per_week_usd",
                 "hires", "let_go", "seat_price_usd_month", "investment_usd", "research",
                 "submitted_by", "advanced_by", "detail", "time_utc"]  # fmt: skip
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """``value``, with text that a spreadsheet would run as a formula made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def weekly_rows(room: Room) -> list[dict[str, Any]]:
    """Each team's results week by week (call with the room's lock held)."""
    if room.market is None:
        return []
    per_round = room.settings.weeks_per_round
    paths = strategy_paths(room)
    rows = []
    for team, path in zip(room.teams, paths, strict=True):
        track = room.market.tracks[team.id]
        vendor = room.market.teams[team.id]
        for i, week in enumerate(track.week):
            number = 0 if week == 0 else (week - 1) // per_round + 1
            strategy = path[number - 1] if 0 < number <= len(path) else room.settings.start_strategy
            gone = vendor.exited is not None and week >= vendor.exited
            rows.append({
                "team": team.name, "week": week, "round": number,
                "strategy": STRATEGY_WORDS[strategy], "arr_usd": round(track.arr[i], 2),
                "cash_usd": round(track.cash[i], 2), "users": track.users[i],
                "customers": track.customers[i], "in_market": "no" if gone else "yes",
            })  # fmt: skip
    return rows


def _utc(epoch: float | None) -> str:
    return "" if epoch is None else time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))


def audit_rows(room: Room) -> list[dict[str, Any]]:
    """Every decision of every round, then every facilitator action (lock held)."""
    rows = []
    per_round = room.settings.weeks_per_round
    for number, played in enumerate(room.played, start=1):
        bought: dict[int, list[str]] = {}
        for p in played.purchases:
            bought.setdefault(p.team, []).append(p.study)
        for team in room.teams:
            d = played.decisions.get(team.id)
            row = {c: "" for c in AUDIT_COLUMNS}
            row.update(round=number, week=(number - 1) * per_round, team=team.name,
                       research=", ".join(bought.get(team.id, [])), advanced_by=played.reason)  # fmt: skip
            if d is None:
                row.update(kind="no decision", detail="kept its settings")
            else:
                row.update(kind="decision", strategy=STRATEGY_WORDS[d.strategy],
                           marketing_per_week_usd=d.marketing_spend, hires=d.hires,
                           let_go=d.let_go, seat_price_usd_month=d.seat_price,
                           investment_usd=d.investment)  # fmt: skip
            rows.append(row)
    for team_id, decision in sorted(room.pending.items()):
        who = room.submitted_by.get(team_id, ("", "", None))
        row = {c: "" for c in AUDIT_COLUMNS}
        row.update(round=room.open_round, week=room.market.week if room.market else 0,
                   team=room.teams[team_id].name, kind="pending decision",
                   strategy=STRATEGY_WORDS[decision.strategy],
                   marketing_per_week_usd=decision.marketing_spend, hires=decision.hires,
                   let_go=decision.let_go, seat_price_usd_month=decision.seat_price,
                   investment_usd=decision.investment, submitted_by=who[1],
                   time_utc=_utc(who[2]))  # fmt: skip
        rows.append(row)
    for event in room.events:
        row = {c: "" for c in AUDIT_COLUMNS}
        row.update(round=event.get("round", ""), week=event.get("week", ""),
                   team="(facilitator)", kind=event.get("action", ""),
                   detail=event.get("detail", ""), time_utc=_utc(event.get("time")))  # fmt: skip
        rows.append(row)
    return rows


def to_csv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    """CSV (UTF-8 with a byte-order mark, so Excel reads accents and emoji right)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: safe_text(row.get(c, "")) for c in columns})
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(room: Room) -> bytes:
    """One workbook: sheet ``weekly`` and sheet ``audit`` (lock held)."""
    from openpyxl import Workbook

    book = Workbook()
    for sheet, (rows, columns) in zip(
        (book.active, book.create_sheet()),
        ((weekly_rows(room), WEEKLY_COLUMNS), (audit_rows(room), AUDIT_COLUMNS)),
        strict=True,
    ):
        sheet.title = "weekly" if columns is WEEKLY_COLUMNS else "audit"
        sheet.append(columns)
        for row in rows:
            sheet.append([safe_text(row.get(c, "")) for c in columns])
        sheet.freeze_panes = "A2"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def filename(room: Room, what: str) -> str:
    return f"salesweb-room-{room.code}-{what}"
