"""``/workshop/host``: the facilitator runs the room.

Shows the join code, the join link and its QR code; sets the game up in the lobby
(scenario, seed, rounds, weeks per round, market size, computer vendors, deadline,
auto-advance, research price, the limits on decisions); sees who has joined and who
has submitted; starts a practice round or the game, advances rounds, resets; and at
the end shows the debrief and a link to the printable summary. The link carries the
facilitator key: a reload keeps the controls, and without the key there are none.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import solara
import solara.lab
from solara.alias import rv

from gui.workshop import links
from gui.workshop.controls_panel import ControlsPanel
from gui.workshop.debrief_view import DebriefView
from gui.workshop.exports_panel import ExportsPanel
from gui.workshop.form_button import FormButton, read_fields
from gui.workshop.guard import guarded
from gui.workshop.live import board_version, room_version, use_room
from gui.workshop.qr import qr_svg
from gui.workshop.room import (
    FINISHED,
    LOBBY,
    OPEN_PHASES,
    PRACTICE_DONE,
    Room,
    RoomError,
)
from gui.workshop.rooms import server_rooms
from gui.workshop.views import Notices, RoundLine, Standings, parse_number, table
from sim.scenarios import preset_names

TEAM_HEADERS = json.dumps(
    [
        {"text": "team", "value": "team"},
        {"text": "submitted", "value": "submitted"},
        {"text": "research bought", "value": "research"},
        {"text": "company", "value": "status"},
    ]
)

SETTING_FIELDS = (
    # (field, label, integer, inside limits)
    ("seed", "Seed", True, False),
    ("rounds", "Rounds", True, False),
    ("weeks_per_round", "Weeks per round", True, False),
    ("n_enterprises", "Enterprises (empty: the scenario's)", True, False),
    ("computer_vendors", "Computer-run vendors", True, False),
    ("deadline_minutes", "Minutes per round (0: no deadline)", False, False),
    ("research_price", "Price of a study (USD)", False, False),
    ("max_marketing", "Most marketing per week (USD)", False, True),
    ("max_hires", "Most reps hired a round", True, True),
    ("max_let_go", "Most reps let go a round", True, True),
    ("min_seat_price", "Lowest seat price (USD/month)", False, True),
    ("max_seat_price", "Highest seat price (USD/month)", False, True),
    ("max_investment", "Most product investment a round (USD)", False, True),
)


def resolve(search: str | None) -> tuple[Room | None, str, str]:
    """(room, key, "") from a facilitator link, or (None, "", why it is refused)."""
    q = links.query(search)
    try:
        room = server_rooms().get(q.get("room"))
        room.check_facilitator(q.get("key"))
        return room, q.get("key", ""), ""
    except RoomError as exc:
        return None, "", str(exc)


@solara.component
def HostPage():
    router = solara.use_router()
    room, key, refused = resolve(router.search)
    use_room(room)
    _ = room_version.value, board_version.value
    error, set_error = solara.use_state("")
    confirm_reset, set_confirm_reset = solara.use_state(False)
    with solara.Column(classes=["sw-ws-page", "sw-ws-host"]):
        if room is None:
            solara.Error(f"Refused: {refused}", classes=["sw-ws-refused"])
            return

        def act(action, what: str = "that action"):
            def ok():
                set_error("")
                set_confirm_reset(False)

            return guarded(action, set_error, what, ok)

        with room.lock:
            phase, board = room.phase, room.board
            n_teams, n_submitted = len(room.teams), len(room.pending)
            took = room.last_advance_seconds
        JoinPanel(room)
        RoundLine(room)
        Notices(room)
        with solara.Row(classes=["sw-ws-row", "sw-ws-controls"]):
            if phase == LOBBY:
                solara.Button("Start practice round", on_click=act(lambda: room.start(key, practice=True)),
                              classes=["sw-ws-start-practice"])  # fmt: skip
            if phase in (LOBBY, PRACTICE_DONE):
                solara.Button("Start the game", on_click=act(lambda: room.start(key)),
                              color="primary", classes=["sw-ws-start"])  # fmt: skip
            if phase in OPEN_PHASES:
                solara.Button(f"Advance round ({n_submitted} of {n_teams} submitted)",
                              on_click=act(lambda: room.advance(key)), color="primary",
                              classes=["sw-ws-advance"])  # fmt: skip
            if phase != LOBBY:
                if confirm_reset:
                    solara.Button("Really reset: back to the lobby", color="error",
                                  on_click=act(lambda: room.reset(key)), classes=["sw-ws-reset-confirm"])  # fmt: skip
                else:
                    solara.Button("Reset", on_click=lambda: set_confirm_reset(True), outlined=True,
                                  classes=["sw-ws-reset"])  # fmt: skip
        if error:
            solara.Error(error, classes=["sw-ws-error"])
        if phase != LOBBY:
            ControlsPanel(room, key)
        if board is not None and room.played:
            ExportsPanel(room, key)
        if took is not None:
            rv.Html(tag="div", children=[f"The last round took {took:.2f} s to compute."],
                    class_="sw-ws-note")  # fmt: skip
        TeamsTable(room)
        if phase == LOBBY:
            SettingsForm(room, key)
        if board is not None:
            Standings(room, market=phase != FINISHED, facilitator=True)
        if phase == FINISHED:
            DebriefView(room, audit=True)


@solara.component
def JoinPanel(room: Room):
    """The join code in large letters, the join link and its QR code."""
    origin = links.origin(solara.lab.headers.value)
    url = origin + links.home(room.code)
    with solara.Div(classes=["sw-ws-joinpanel"]):
        with solara.Div(classes=["sw-ws-joininfo"]):
            rv.Html(tag="div", children=["Join code"], class_="sw-ws-label")
            rv.Html(tag="div", children=[room.code], class_="sw-ws-code-big")
            rv.Html(tag="div", children=[url], class_="sw-ws-url")
            rv.Html(tag="a", children=["Projector view (no key in its link): ",
                                       origin + links.screen_page(room.code)],
                    attributes={"href": links.screen_page(room.code), "target": "_blank"},
                    class_="sw-ws-screen-link")  # fmt: skip
            if "127.0.0.1" in origin or "localhost" in origin:
                rv.Html(tag="div", class_="sw-ws-note", children=[
                    "This address works on this computer only: open this page through the "
                    "address the room can reach (salesweb serve --host 0.0.0.0), or set "
                    "SALESWEB_PUBLIC_URL."])  # fmt: skip
        solara.HTML(tag="div", unsafe_innerHTML=qr_svg(url), classes=["sw-ws-qr"])


@solara.component
def TeamsTable(room: Room):
    """Who has joined, who has submitted this round, what research they bought."""
    _ = room_version.value
    with room.lock:
        bought: dict[int, int] = {}
        for p in room.pending_purchases:
            bought[p.team] = bought.get(p.team, 0) + 1
        board = room.board
        rows = [
            {
                "team": t.name,
                "submitted": "yes" if t.id in room.pending else "-",
                "research": bought.get(t.id, 0),
                "status": "-" if board is None
                else ("in the market" if board.team_state[t.id]["alive"] else "out of cash"),
            }
            for t in room.teams
        ]  # fmt: skip
    rv.Html(tag="h3", children=[f"Teams ({len(rows)})"], class_="sw-ws-h3")
    table(TEAM_HEADERS, json.dumps(rows), "sw-ws-teams")


@solara.component
def SettingsForm(room: Room, key: str):
    """The game's settings, editable in the lobby."""
    with room.lock:
        settings = room.settings
    values = {**asdict(settings), **asdict(settings.limits)}
    scenario, set_scenario = solara.use_state(settings.scenario)
    texts, set_texts = solara.use_state(
        {f: "" if values[f] is None else f"{values[f]:g}" for f, *_ in SETTING_FIELDS}
    )
    auto, set_auto = solara.use_state(settings.auto_advance)
    message, set_message = solara.use_state("")
    boxes = {"sw-ws-scenario": "scenario", **{f"sw-ws-set-{f}": f for f, *_ in SETTING_FIELDS}}

    def save(values: dict[str, str]) -> None:
        """Save what the boxes show (sent with the press: gui/workshop/form_button.py)."""
        typed = read_fields(values, boxes, {**texts, "scenario": scenario})
        scenario_now = typed.pop("scenario")
        if typed != texts:
            set_texts(typed)
        if scenario_now != scenario:
            set_scenario(scenario_now)
        try:
            if scenario_now not in preset_names():
                raise RoomError(f"scenario: choose one of {', '.join(preset_names())}")
            changes, limits = {"scenario": scenario_now, "auto_advance": auto}, {}
            for name, label, integer, in_limits in SETTING_FIELDS:
                text = typed[name].strip()
                value = (
                    None
                    if name == "n_enterprises" and not text
                    else parse_number(label, text, integer)
                )
                (limits if in_limits else changes)[name] = value
            room.update_settings(key, **changes, limits=limits)
        except RoomError as exc:
            set_message(f"Not saved: {exc}")
            return
        set_message("Saved.")

    with solara.Card("Game settings", classes=["sw-ws-card", "sw-ws-settings"]):
        rv.Select(  # every preset in the menu (menu_props auto: gui/sidebar.py says why)
            label="Scenario",
            items=preset_names(),
            v_model=scenario,
            on_v_model=set_scenario,
            menu_props={"auto": True},
            class_="sw-ws-scenario",
        )
        with solara.Div(classes=["sw-ws-settings-grid"]):
            for name, label, _, _ in SETTING_FIELDS:
                solara.InputText(
                    label,
                    value=texts[name],
                    on_value=lambda v, name=name: set_texts({**texts, name: v}),
                    classes=[f"sw-ws-set-{name}"],
                )
        solara.Checkbox(
            label="Advance when every team has submitted", value=auto, on_value=set_auto
        )
        FormButton(
            "Save settings",
            on_press=guarded(save, set_message, "saving the settings"),
            fields=list(boxes),
            scope="sw-ws-settings",
            css="sw-ws-save-settings",
        )
        if message:
            (solara.Success if message == "Saved." else solara.Error)(
                message, classes=["sw-ws-settings-message"]
            )
