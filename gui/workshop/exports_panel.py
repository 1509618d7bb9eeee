"""The facilitator's one-click exports (:mod:`gui.workshop.exports`) and the print page."""

from __future__ import annotations

import solara

from gui.workshop import exports, links
from gui.workshop.live import board_version
from gui.workshop.room import Room


@solara.component
def ExportsPanel(room: Room, key: str):
    """CSV of the weekly results, CSV of the audit, both in one XLSX; the printable summary.

    Each file is built when its button is pressed, from the room as it is then.
    """
    _ = board_version.value

    def weekly() -> bytes:
        with room.lock:
            return exports.to_csv(exports.weekly_rows(room), exports.WEEKLY_COLUMNS)

    def audit() -> bytes:
        with room.lock:
            return exports.to_csv(exports.audit_rows(room), exports.AUDIT_COLUMNS)

    def workbook() -> bytes:
        with room.lock:
            return exports.to_xlsx(room)

    with (
        solara.Card("Exports for grading", classes=["sw-ws-card", "sw-ws-exports"]),
        solara.Row(classes=["sw-ws-row"]),
    ):
        solara.FileDownload(weekly, exports.filename(room, "weekly.csv"),
                                label="Weekly results (CSV)", mime_type="text/csv")  # fmt: skip
        solara.FileDownload(audit, exports.filename(room, "audit.csv"),
                                label="Decision audit (CSV)", mime_type="text/csv")  # fmt: skip
        solara.FileDownload(
                workbook, exports.filename(room, "results.xlsx"), label="Both (XLSX)",
                mime_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )  # fmt: skip
        with solara.Link(links.summary_page(room.code, key)):
            solara.Button("Printable summary", classes=["sw-ws-print-link"])
