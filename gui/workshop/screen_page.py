"""``/workshop/ABCD/screen``: the projector view, with no key in its link.

What a class reads from the back of the room on a 1920x1080 projector, drawn large:

* before the game: the join code, the join link and its QR code, and the teams in;
* during play: the round, the countdown (or "paused"), who has submitted (names, never
  what they chose), the facilitator's message, the leaderboard once revealed, and the
  market's predator-prey chart with a marker at the start of each round;
* at the end: the debrief (verdict and charts; the decision audit stays on the
  facilitator's page).

Nothing here acts on the room, so the link can be shown to everyone: it reads the
room by its join code, which the class already knows.
"""

from __future__ import annotations

import solara
import solara.lab
from solara.alias import rv

from gui.workshop import links
from gui.workshop.debrief_view import DebriefView
from gui.workshop.live import board_version, room_phase, room_version, use_room
from gui.workshop.qr import qr_svg
from gui.workshop.room import FINISHED, LOBBY, OPEN_PHASES, Room, RoomError
from gui.workshop.rooms import server_rooms
from gui.workshop.views import Notices, RoundLine, Standings, chart, with_round_markers

CSS = """
.sw-ws-screen { max-width: 1880px !important; font-size: 22px; }
.sw-ws-screen .sw-ws-round { font-size: 34px; }
.sw-ws-screen .sw-ws-countdown { font-size: 56px; margin-left: 16px; }
.sw-ws-screen .sw-ws-code-big { font-size: 160px; }
.sw-ws-screen .sw-ws-qr svg { width: 360px; height: 360px; }
.sw-ws-screen .sw-ws-url { font-size: 30px; }
.sw-ws-screen .sw-ws-h3 { font-size: 28px; }
.sw-ws-screen .sw-json-table td, .sw-ws-screen .sw-json-table th { font-size: 22px !important; }
.sw-ws-screen .v-alert { font-size: 26px; }
.sw-ws-screen-grid { display: grid; grid-template-columns: minmax(360px, 1fr) 2fr; gap: 24px;
  align-items: start; }
.sw-ws-chips { display: flex; flex-wrap: wrap; gap: 10px; }
.sw-ws-chip { font-size: 26px; padding: 6px 16px; border-radius: 24px; background: #eceff1;
  color: #455a64; }
.sw-ws-chip.done { background: #2e7d32; color: white; }
.sw-ws-screen .sw-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.sw-ws-screen .sw-ws-verdict p { font-size: 26px; max-width: none; line-height: 1.35; }
.sw-ws-screen .sw-chart-title { font-size: 28px; }
.sw-ws-chart-wait { min-height: 460px; font-size: 26px; color: #455a64; }
"""


def room_from_path(parts: list[str]) -> tuple[Room | None, str]:
    """The room of ``/workshop/<code>/screen`` (None and why, if there is none)."""
    code = parts[1] if len(parts) >= 3 else ""
    try:
        return server_rooms().get(code), ""
    except RoomError as exc:
        return None, str(exc)


@solara.component
def ScreenPage():
    router = solara.use_router()
    room, refused = room_from_path(router.parts)
    use_room(room)
    _ = room_phase.value
    solara.Style(CSS)
    with solara.Column(classes=["sw-ws-page", "sw-ws-screen"]):
        if room is None:
            solara.Error(f"No projector view: {refused}", classes=["sw-ws-refused"])
            return
        phase = room.phase
        RoundLine(room)
        Notices(room)
        if phase == LOBBY or room.board is None:
            Lobby(room)
        elif phase == FINISHED:
            DebriefView(room, audit=False, projector=True)
        else:
            with solara.Div(classes=["sw-ws-screen-grid"]):
                Submitted(room, phase)
                MarketChart(room)
            Standings(room, market=False)


@solara.component
def Lobby(room: Room):
    _ = room_version.value
    origin = links.origin(solara.lab.headers.value)
    url = origin + links.home(room.code)
    with room.lock:
        teams = room.team_names()
    with solara.Div(classes=["sw-ws-joinpanel"]):
        with solara.Div(classes=["sw-ws-joininfo"]):
            rv.Html(tag="div", children=["Join at"], class_="sw-ws-label")
            rv.Html(tag="div", children=[url], class_="sw-ws-url")
            rv.Html(tag="div", children=["with the code"], class_="sw-ws-label")
            rv.Html(tag="div", children=[room.code], class_="sw-ws-code-big")
        solara.HTML(tag="div", unsafe_innerHTML=qr_svg(url, scale=8), classes=["sw-ws-qr"])
    rv.Html(tag="h3", children=[f"Teams in the room ({len(teams)})"], class_="sw-ws-h3")
    with solara.Div(classes=["sw-ws-chips", "sw-ws-screen-teams"]):
        for name in teams:
            rv.Html(tag="span", children=[name], class_="sw-ws-chip")


@solara.component
def Submitted(room: Room, phase: str):
    """Who has submitted this round (names only)."""
    _ = room_version.value
    with room.lock:
        teams = [t for t in room.teams if t.id not in room.removed]
        done = set(room.pending)
        alive = {t.id: room.market.teams[t.id].alive for t in teams}
    playing = [t for t in teams if alive[t.id]]
    with solara.Div(classes=["sw-ws-submitted-list"]):
        if phase in OPEN_PHASES:
            count = sum(t.id in done for t in playing)
            rv.Html(tag="h3", children=[f"Submitted: {count} of {len(playing)}"], class_="sw-ws-h3")
        with solara.Div(classes=["sw-ws-chips"]):
            for t in teams:
                state = "done" if t.id in done else ""
                mark = "\u2713 " if t.id in done else ("" if alive[t.id] else "\u2717 ")
                rv.Html(tag="span", children=[mark + t.name], class_=f"sw-ws-chip {state}".strip())


MARKET_TITLE = "The market: reps, vendors and buyers' receptivity"


@solara.component
def MarketChart(room: Room):
    _ = board_version.value
    with room.lock:
        board, s, played = room.board, room.settings, len(room.played)
    option = solara.use_memo(
        lambda: with_round_markers(board.market_json, s.weeks_per_round, s.rounds),
        [id(board), s.weeks_per_round, s.rounds],
    )
    if not played:  # one point at week 0 draws no line: say when the chart begins
        with solara.Div(classes=["sw-ws-chart-wait"]):
            rv.Html(tag="h3", children=[MARKET_TITLE], class_="sw-ws-h3")
            rv.Html(tag="p", children=["The market's chart begins when round 1 has been played."])
        return
    chart(option, "ws_screen_market", MARKET_TITLE, 460)
