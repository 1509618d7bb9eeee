"""The debrief on the page, and ``/workshop/summary``: the one-page printable summary.

The numbers and sentences come from :mod:`gui.workshop.debrief`; this module only lays
them out: the verdict, each team's ARR and cash over time, the predator-prey chart of
the market, the decision audit, and the summary page with its print CSS.
"""

from __future__ import annotations

import json

import solara
from solara.alias import rv

from gui.workshop import debrief, links, summary
from gui.workshop.live import board_version, room_version, use_room
from gui.workshop.room import FINISHED, Room, RoomError
from gui.workshop.rooms import server_rooms
from gui.workshop.views import chart, for_projector, table, with_round_markers

AUDIT_HEADERS_JSON = json.dumps(debrief.AUDIT_HEADERS)


@solara.component
def DebriefView(room: Room, audit: bool = True, projector: bool = False):
    """Verdict, team charts, the market's predator-prey chart and the decision audit.

    On the projector (``projector``) the charts' words are large and the market chart
    marks where each round began, as during the game.
    """
    _ = board_version.value
    with room.lock:
        if room.market is None or not room.played:
            return
        lines = debrief.verdict(room)
        figures = debrief.charts_json(room)
        rows = debrief.audit_rows(room) if audit else []
        s = room.settings
    if projector:
        market = with_round_markers(figures.pop("predator_prey"), s.weeks_per_round, s.rounds)
        figures = {k: json.dumps(for_projector(json.loads(v))) for k, v in figures.items()}
        figures["predator_prey"] = market
    with solara.Div(classes=["sw-ws-debrief"]):
        rv.Html(tag="h3", children=["Debrief: which strategy won, and why"], class_="sw-ws-h3")
        with solara.Div(classes=["sw-ws-verdict"]):
            for line in lines:
                rv.Html(tag="p", children=[line])
        with solara.Div(classes=["sw-grid"]):
            chart(figures["arr"], "ws_debrief_arr", "ARR of every team (USD thousands)")
            chart(figures["cash"], "ws_debrief_cash", "Cash of every team (USD thousands)")
            chart(
                figures["predator_prey"],
                "ws_debrief_market",
                "The market: reps and buyers' receptivity",
            )
            chart(figures["phase"], "ws_debrief_phase", "Predator and prey: receptivity vs reps")
        if audit:
            rv.Html(tag="h3", children=["Decision audit"], class_="sw-ws-h3")
            table(AUDIT_HEADERS_JSON, json.dumps(rows), "sw-ws-audit", height=420)


@solara.component
def SummaryPage():
    """Only the summary, with a Print button the printout leaves out."""
    router = solara.use_router()
    q = links.query(router.search)
    try:
        room = server_rooms().get(q.get("room"))
        room.check_facilitator(q.get("key"))
        refused = ""
    except RoomError as exc:
        room, refused = None, str(exc)
    use_room(room)
    _ = room_version.value
    solara.Style(
        summary.PRINT_CSS + "@media print { .sw-ws-noprint { display: none !important; } }"
    )
    if room is None:
        solara.Error(f"Refused: {refused}", classes=["sw-ws-refused"])
        return
    with room.lock:
        ready = room.phase == FINISHED or (room.market is not None and room.played)
        html = summary.summary_html(room) if ready else ""
    with solara.Column(classes=["sw-ws-page", "sw-ws-summary"]):
        with solara.Row(classes=["sw-ws-noprint"]):
            solara.HTML(
                tag="span",
                unsafe_innerHTML='<button class="sw-ws-print v-btn v-btn--outlined theme--light '
                'v-size--default" onclick="window.print()">Print</button>',
            )
            with solara.Link(links.host_page(room.code, q.get("key", ""))):
                solara.Button("Back to the room", text=True)
        if not html:
            solara.Info("No round has been played yet.")
        else:
            solara.HTML(tag="div", unsafe_innerHTML=html)
