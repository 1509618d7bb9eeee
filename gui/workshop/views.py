"""Views both sides of a room show: the round line, the leaderboard, the market, a report.

They draw the room's :class:`gui.workshop.board.Board` (computed once per round for all
sessions), so a session's redraw is a few widgets with ready JSON strings.
"""

from __future__ import annotations

import json
import math

import solara
from solara.alias import rv

from gui.echart import EchartWidget
from gui.json_table import JsonTableWidget
from gui.workshop.board import LEADERBOARD_HEADERS
from gui.workshop.countdown import Countdown
from gui.workshop.live import board_version, room_version
from gui.workshop.room import Room, RoomError


def chart(option_json: str, name: str, title: str, height: int = 260):
    """An ECharts widget from a ready JSON option (nothing for reacton to walk)."""
    return EchartWidget.element(option_json=option_json, name=name, title=title, height=height)


def table(headers_json: str, items_json: str, css_class: str, height: int = 0):
    return JsonTableWidget.element(
        items_json=items_json,
        headers_json=headers_json,
        css_class=css_class,
        height=height,
        no_data_text="no teams yet",
    )


PROJECTOR_TEXT = 20
"""Pixels of the chart's words on the projector (ECharts' default is 12: unreadable from
the back of a room on a 1920x1080 screen; 20 px is the size of the page's body text)."""


def with_round_markers(option_json: str, weeks_per_round: int, rounds: int) -> str:
    """The predator-prey option with a dashed line at the start of each round after the first."""
    option = json.loads(option_json)
    marks = [
        {"xAxis": r * weeks_per_round, "label": {"formatter": f"round {r + 1}"}}
        for r in range(1, rounds)
    ]
    if option.get("series") and marks:
        option["series"][0]["markLine"] = {
            "symbol": "none",
            "silent": True,
            "lineStyle": {"type": "dashed", "color": "#78909c"},
            "label": {"fontSize": PROJECTOR_TEXT},
            "data": marks,
        }
    return json.dumps(for_projector(option), separators=(",", ":"))


def for_projector(option: dict) -> dict:
    """``option`` with its words at :data:`PROJECTOR_TEXT` px and margins to fit them."""
    size = PROJECTOR_TEXT
    if option.get("textStyle", {}).get("fontSize") == size:
        return option  # already sized: margins are scaled once
    axes = [option.get("xAxis"), option.get("yAxis")]
    for axis in [a for group in axes for a in (group if isinstance(group, list) else [group])]:
        if isinstance(axis, dict):
            axis["axisLabel"] = {**axis.get("axisLabel", {}), "fontSize": size}
            axis["nameTextStyle"] = {**axis.get("nameTextStyle", {}), "fontSize": size}
            axis["nameGap"] = int(axis.get("nameGap", 22) * size / 12)
    if "legend" in option:
        option["legend"] = {**option["legend"], "textStyle": {"fontSize": size},
                            "itemWidth": 2 * size, "itemHeight": size}  # fmt: skip
    grid = option.get("grid", {})
    option["grid"] = {k: int(v * size / 12) if isinstance(v, int | float) else v
                      for k, v in grid.items()}  # fmt: skip
    option["textStyle"] = {"fontSize": size}
    return option


_LEADERBOARD_HEADERS_JSON = json.dumps(LEADERBOARD_HEADERS)


@solara.component
def Standings(
    room: Room,
    market: bool = True,
    title: str = "Leaderboard after the last round",
    facilitator: bool = False,
):
    """Leaderboard and (``market``) the market's predator-prey chart (reps vs receptivity).

    While the facilitator hides the leaderboard, teams see a note instead; the
    facilitator sees it with a reminder that the teams do not.
    """
    _ = board_version.value  # hiding or revealing bumps it too (gui.workshop.controls)
    board = room.board
    if board is None:
        return
    visible = room.leaderboard_visible
    with solara.Div(classes=["sw-ws-standings"]):
        rv.Html(tag="h3", children=[title], class_="sw-ws-h3")
        if visible or facilitator:
            if not visible:
                rv.Html(tag="div", children=["Hidden from the teams until you reveal it."],
                        class_="sw-ws-note sw-ws-board-hidden-note")  # fmt: skip
            table(_LEADERBOARD_HEADERS_JSON, board.leaderboard_json, "sw-ws-leaderboard")
        else:
            solara.Info("The facilitator will reveal the leaderboard.",
                        classes=["sw-ws-board-hidden"])  # fmt: skip
        if not market:
            return
        with solara.Div(classes=["sw-grid"]):
            chart(
                board.market_json, "ws_market", "The market: reps, vendors and buyers' receptivity"
            )
            chart(board.phase_json, "ws_phase", "Predator and prey: receptivity vs reps")


@solara.component
def Notices(room: Room):
    """The facilitator's message to every team, and whether the room is closed."""
    _ = room_version.value
    with room.lock:
        message, closed = room.message, room.closed
    if closed:
        solara.Warning("The facilitator closed this room: nothing can change any more.",
                       classes=["sw-ws-room-closed"])  # fmt: skip
    if message:
        solara.Info(f"From the facilitator: {message}", classes=["sw-ws-message"])


@solara.component
def RoundLine(room: Room):
    """ "Room ABCD: round 2 of 6, week 13" and, with a deadline, the time left."""
    _ = room_version.value
    with room.lock:
        label = room.round_label()
        week = room.market.week if room.market is not None else 0
        deadline, paused = room.deadline, room.paused_left
    with solara.Div(classes=["sw-ws-round"]):
        rv.Html(tag="span", children=[f"Room {room.code}: {label}, week {week}. "])
        if paused is not None:
            left = int(round(paused))
            rv.Html(tag="span", class_="sw-ws-paused",
                    children=[f"Clock paused ({left // 60}:{left % 60:02d} left)."])  # fmt: skip
        Countdown(deadline)


@solara.component
def Report(report: dict):
    """One market-research report: title, week, rows, and how far to trust it."""
    rows = report["rows"]
    headers = list(rows[0]) if rows else []
    with solara.Div(classes=["sw-ws-report"]):
        rv.Html(
            tag="div",
            children=[f"{report['title']} (week {report['week']}, {report['round']})"],
            class_="sw-ws-report-title",
        )
        with rv.SimpleTable(dense=True, class_="sw-ws-report-table"):
            rv.Html(
                tag="thead",
                children=[
                    rv.Html(tag="tr", children=[rv.Html(tag="th", children=[h]) for h in headers])
                ],
            )
            rv.Html(
                tag="tbody",
                children=[
                    rv.Html(tag="tr", children=[rv.Html(tag="td", children=[str(r[h])]) for h in headers])
                    for r in rows
                ],
            )  # fmt: skip
        rv.Html(tag="div", children=[report["note"]], class_="sw-ws-note")


MAX_NUMBER_TEXT = 40
"""Longest text read as a number ("12,000,000.00" is 13): longer is refused unread."""


def parse_number(label: str, text: str, integer: bool = False) -> float | int:
    """A number a person typed ("12,000", "$25", " 3 "); RoomError names the field.

    Refused with the form's message: text that is not a number, too long to be one,
    not finite (``nan``, ``inf``, ``1e400``, which Python reads as infinity), and for
    whole numbers anything with a fraction. ``-0`` reads as 0. The ranges themselves
    are the room's limits, checked by :func:`gui.workshop.decisions.validate`.
    """
    raw = text if isinstance(text, str) else ""
    if len(raw) > MAX_NUMBER_TEXT:
        raise RoomError(f"{label}: that is not a number (at most {MAX_NUMBER_TEXT} characters)")
    cleaned = raw.replace(",", "").replace("$", "").replace("_", "x").strip()
    shown = raw.strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise RoomError(f"{label}: {shown!r} is not a number") from None
    if not math.isfinite(value):
        raise RoomError(f"{label}: {shown!r} is not a number you can use; type digits, like 5")
    if value == 0:
        value = 0.0  # -0 reads as 0
    if integer:
        if value != int(value):
            raise RoomError(f"{label}: {shown!r} is not a whole number")
        return int(value)
    return value
