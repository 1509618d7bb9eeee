"""``/workshop``: join a room with its code and a team name, or create a room.

A new team name creates the team (in the lobby) and opens its page; an existing team's
name needs its team key, which a teammate reads off their screen. A wrong code or key
is refused with a message that says what to check.
"""

from __future__ import annotations

import solara

from gui.workshop import links
from gui.workshop.access import check_password
from gui.workshop.form_button import FormButton, read_fields
from gui.workshop.guard import guarded
from gui.workshop.rooms import server_rooms

JOIN_FIELDS = {"sw-ws-code": "code", "sw-ws-name": "name", "sw-ws-key": "key"}
"""The join form's boxes (CSS class -> field) whose texts go with the Join press."""


@solara.component
def JoinPage():
    router = solara.use_router()
    given = links.query(router.search)
    code, set_code = solara.use_state(given.get("code", ""))
    name, set_name = solara.use_state("")
    key, set_key = solara.use_state("")
    error, set_error = solara.use_state("")
    password, set_password = solara.use_state("")
    create_error, set_create_error = solara.use_state("")

    def join(values: dict[str, str]) -> None:
        """Join with what the boxes show (sent with the press: gui/workshop/form_button.py)."""
        now = read_fields(values, JOIN_FIELDS, {"code": code, "name": name, "key": key})
        set_code(now["code"])  # the boxes keep what was typed, whatever the render knew
        set_name(now["name"])
        set_key(now["key"])
        room = server_rooms().get(now["code"])
        team = room.join(now["name"], now["key"] or None)
        set_error("")
        router.push(links.team_page(room.code, team.id, team.key))

    def create(values: dict[str, str]) -> None:
        typed = read_fields(values, {"sw-ws-password": "password"}, {"password": password})
        check_password(typed["password"])
        room = server_rooms().create()
        router.push(links.host_page(room.code, room.facilitator_key))

    with solara.Column(classes=["sw-ws-page", "sw-ws-join"]):
        with solara.Card("Join a workshop room", classes=["sw-ws-card", "sw-ws-join-card"]):
            solara.Text("Your facilitator shows the room's code. Each team steers one vendor.")
            solara.InputText("Room code", value=code, on_value=set_code, classes=["sw-ws-code"])
            solara.InputText("Team name", value=name, on_value=set_name, classes=["sw-ws-name"])
            solara.InputText(
                "Team key (only to join a team that exists)",
                value=key,
                on_value=set_key,
                classes=["sw-ws-key"],
            )
            FormButton(
                "Join",
                on_press=guarded(join, set_error, "joining the room"),
                fields=list(JOIN_FIELDS),
                scope="sw-ws-join-card",
                css="sw-ws-join-button",
                color="primary",
            )
            if error:
                solara.Error(error, classes=["sw-ws-error"])
        with solara.Card("Run a workshop", classes=["sw-ws-card", "sw-ws-run-card"]):
            solara.Text(
                "Create a room, choose the scenario and the rounds, and share its code. "
                "Keep the facilitator link: it is the key to the room's controls. "
                "The facilitator password was printed when the server started."
            )
            solara.InputText(
                "Facilitator password",
                value=password,
                on_value=set_password,
                password=True,
                classes=["sw-ws-password"],
            )
            with solara.Row(classes=["sw-ws-row"]):
                FormButton(
                    "Create a room",
                    on_press=guarded(create, set_create_error, "creating a room"),
                    fields=["sw-ws-password"],
                    scope="sw-ws-run-card",
                    css="sw-ws-create",
                )
                with solara.Link(links.rooms_page()):
                    solara.Button("Manage rooms", text=True, classes=["sw-ws-manage"])
            if create_error:
                solara.Error(create_error, classes=["sw-ws-create-error"])
