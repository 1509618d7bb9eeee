"""Exports for grading: the weekly results and the audit, as CSV and XLSX, read back."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from gui.workshop import controls, exports
from gui.workshop.decisions import Decision
from tests.test_workshop_room import make_room


def played_room():
    room, (foxes, hares) = make_room(teams=("=HYPERLINK(1)", "Hares 🦊"), auto_advance=False)
    key = room.facilitator_key
    room.start(key)
    room.submit(foxes.id, foxes.key, Decision("direct", 0.0, hires=2), who="Ana")
    room.buy(hares.id, hares.key, "receptivity")
    room.advance(key)
    controls.broadcast_message(room, key, "halfway")
    room.submit(hares.id, hares.key, Decision("bottoms_up", 3000.0))
    room.advance(key)
    return room, foxes, hares


def test_weekly_results_are_the_teams_cards_week_by_week():
    room, foxes, hares = played_room()
    rows = exports.weekly_rows(room)
    weeks = room.market.week + 1  # week 0 .. now
    assert len(rows) == 2 * weeks
    foxes_rows = [r for r in rows if r["team"] == foxes.name]
    track = room.market.tracks[foxes.id]
    assert [r["cash_usd"] for r in foxes_rows] == [round(c, 2) for c in track.cash]
    assert foxes_rows[-1]["arr_usd"] == round(room.market.teams[foxes.id].arr, 2)
    assert [r["round"] for r in foxes_rows[:6]] == [0, 1, 1, 1, 1, 2]
    assert {r["strategy"] for r in foxes_rows if r["round"] >= 1} == {"direct"}
    hares_rows = [r for r in rows if r["team"] == hares.name]
    assert hares_rows[-1]["strategy"] == "bottoms-up" and hares_rows[4]["strategy"] == "hybrid"


def test_the_csv_files_read_back_and_a_formula_name_stays_text():
    room, foxes, _ = played_room()
    text = exports.to_csv(exports.weekly_rows(room), exports.WEEKLY_COLUMNS).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == len(exports.weekly_rows(room))
    assert table[0]["team"] == "'=HYPERLINK(1)"
    assert "Hares 🦊" in {r["team"] for r in table}
    audit = list(csv.DictReader(io.StringIO(
        exports.to_csv(exports.audit_rows(room), exports.AUDIT_COLUMNS).decode("utf-8-sig"))))  # fmt: skip
    kinds = [r["kind"] for r in audit]
    assert kinds == ["decision", "no decision", "no decision", "decision", "message to all teams"]
    assert audit[0]["hires"] == "2" and audit[0]["strategy"] == "direct"
    assert audit[1]["research"] == "receptivity"
    assert audit[4]["detail"] == "halfway" and audit[4]["team"] == "(facilitator)"


def test_the_workbook_has_both_tables_with_typed_cells():
    room, *_ = played_room()
    book = load_workbook(io.BytesIO(exports.to_xlsx(room)))
    assert book.sheetnames == ["weekly", "audit"]
    weekly = list(book["weekly"].values)
    assert list(weekly[0]) == exports.WEEKLY_COLUMNS
    assert len(weekly) - 1 == len(exports.weekly_rows(room))
    assert isinstance(weekly[-1][5], int | float) and weekly[-1][5] > 0  # cash, a number
    assert weekly[1][0] == "'=HYPERLINK(1)"
    assert book["weekly"]["A2"].data_type == "s"  # text, not a formula
    assert len(list(book["audit"].values)) - 1 == len(exports.audit_rows(room))
