"""``/workshop``: join a room with its code and a team name, or create a room.

A new team name creates the team (in the lobby) and opens its page; an existing team's
name needs its team key, which a teammate reads off their screen. A wrong code or key
is refused with a message that says what to check.
"""

from __future__ import annotations

import solara

from gui.workshop import links
from gui.workshop.guard import guarded
from gui.workshop.rooms import server_rooms


@solara.component
def JoinPage():
    router = solara.use_router()
    given = links.query(router.search)
    code, set_code = solara.use_state(given.get("code", ""))
    name, set_name = solara.use_state("")
    key, set_key = solara.use_state("")
    error, set_error = solara.use_state("")

    def join():
        room = server_rooms().get(code)
        team = room.join(name, key or None)
        set_error("")
        router.push(links.team_page(room.code, team.id, team.key))

    def create():
        room = server_rooms().create()
        router.push(links.host_page(room.code, room.facilitator_key))

    with solara.Column(classes=["sw-ws-page", "sw-ws-join"]):
        with solara.Card("Join a workshop room", classes=["sw-ws-card"]):
            solara.Text("Your facilitator shows the room's code. Each team steers one vendor.")
            solara.InputText("Room code", value=code, on_value=set_code, classes=["sw-ws-code"])
            solara.InputText("Team name", value=name, on_value=set_name, classes=["sw-ws-name"])
            solara.InputText(
                "Team key (only to join a team that exists)",
                value=key,
                on_value=set_key,
                classes=["sw-ws-key"],
            )
            solara.Button(
                "Join",
                on_click=guarded(join, set_error, "joining the room"),
                color="primary",
                classes=["sw-ws-join-button"],
            )
            if error:
                solara.Error(error, classes=["sw-ws-error"])
        with solara.Card("Run a workshop", classes=["sw-ws-card"]):
            solara.Text(
                "Create a room, choose the scenario and the rounds, and share its code. "
                "Keep the facilitator link: it is the key to the room's controls."
            )
            solara.Button(
                "Create a room",
                on_click=guarded(create, set_error, "creating a room"),
                classes=["sw-ws-create"],
            )
