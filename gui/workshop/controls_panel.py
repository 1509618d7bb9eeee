"""The facilitator's controls on ``/workshop/host`` during play (see :mod:`gui.workshop.controls`).

The clock (pause, resume, one minute more or less), the leaderboard (hide, reveal), a
message to every team, and each team's rename, remove and, once bankrupt, the advisor
role. Every button runs through :func:`gui.workshop.guard.guarded`, so a refusal ("the
clock is not paused") is a line on the page, never a traceback.
"""

from __future__ import annotations

import solara
from solara.alias import rv

from gui.workshop import controls
from gui.workshop.form_button import FormButton
from gui.workshop.guard import guarded
from gui.workshop.live import room_version
from gui.workshop.room import OPEN_PHASES, Room, RoomError


@solara.component
def ControlsPanel(room: Room, key: str):
    _ = room_version.value
    error, set_error = solara.use_state("")
    message, set_message = solara.use_state("")
    typed = solara.use_ref("")  # what Send sends: the box's latest value, never a stale render's
    with room.lock:
        phase, paused = room.phase, room.paused_left is not None
        has_deadline, shown = room.deadline is not None, room.leaderboard_visible
        current = room.message
        closed = room.closed

    def act(action, what):
        return guarded(action, set_error, what, lambda: set_error(""))

    if closed:
        solara.Info("This room is closed: its results stay readable.", classes=["sw-ws-closed"])
        return
    with solara.Card("During play", classes=["sw-ws-card", "sw-ws-controls-panel"]):
        with solara.Row(classes=["sw-ws-row"]):
            if phase in OPEN_PHASES:
                if paused:
                    solara.Button("Resume the clock", on_click=act(lambda: controls.resume(room, key), "resuming the clock"),
                                  color="primary", classes=["sw-ws-resume"])  # fmt: skip
                elif has_deadline:
                    solara.Button("Pause the clock", on_click=act(lambda: controls.pause(room, key), "pausing the clock"),
                                  classes=["sw-ws-pause"])  # fmt: skip
                solara.Button("+1 minute", on_click=act(lambda: controls.adjust(room, key, 1), "extending the round"),
                              outlined=True, classes=["sw-ws-extend"])  # fmt: skip
                solara.Button("-1 minute", on_click=act(lambda: controls.adjust(room, key, -1), "shortening the round"),
                              outlined=True, classes=["sw-ws-shorten"])  # fmt: skip
            solara.Button("Hide the leaderboard" if shown else "Reveal the leaderboard",
                          on_click=act(lambda: controls.show_leaderboard(room, key, not shown), "showing the leaderboard"),
                          outlined=True, classes=["sw-ws-toggle-board"])  # fmt: skip
        with solara.Row(classes=["sw-ws-row"]):

            def type_message(text: str) -> None:
                typed.current = text
                set_message(text)

            solara.InputText("Message to every team", value=message, on_value=type_message, continuous_update=True,
                             classes=["sw-ws-message-text"])  # fmt: skip

            def send(values: dict[str, str]) -> None:
                controls.broadcast_message(
                    room, key, values.get("sw-ws-message-text", typed.current)
                )
                type_message("")

            FormButton("Send", on_press=act(send, "sending the message"), fields=["sw-ws-message-text"],
                       scope="sw-ws-controls-panel", css="sw-ws-send")  # fmt: skip
            if current:
                solara.Button("Clear the message", text=True, classes=["sw-ws-clear-message"],
                              on_click=act(lambda: controls.broadcast_message(room, key, ""), "clearing the message"))  # fmt: skip
        if paused:
            rv.Html(tag="div", class_="sw-ws-note sw-ws-paused-note",
                    children=[f"Clock paused with {room.paused_left:.0f} s left."])  # fmt: skip
        if error:
            solara.Error(error, classes=["sw-ws-error", "sw-ws-controls-error"])
        TeamControls(room, key, set_error)


@solara.component
def TeamControls(room: Room, key: str, set_error):
    """Rename, remove, and make a bankrupt team an advisor."""
    _ = room_version.value
    with room.lock:
        teams = [t for t in room.teams if t.id not in room.removed]
        market = room.market
        alive = {t.id: market is None or market.teams[t.id].alive for t in teams}
        advisors = dict(room.advisors)
    names = {t.name: t.id for t in teams if alive[t.id]}
    with solara.Div(classes=["sw-ws-team-controls"]):
        rv.Html(tag="h3", children=["Teams: rename, remove, rescue"], class_="sw-ws-h3")
        for team in teams:
            TeamRow(room, key, team, alive[team.id], advisors.get(team.id), names, set_error)


@solara.component
def TeamRow(room, key, team, alive, advising, names, set_error):
    name, set_name = solara.use_state(team.name)
    typed = solara.use_ref(team.name)  # what Rename sends (a click may beat the re-render)

    def type_name(text: str) -> None:
        typed.current = text
        set_name(text)

    confirm, set_confirm = solara.use_state(False)
    advised, set_advised = solara.use_state("")

    def act(action, what):
        return guarded(action, set_error, what, lambda: set_error(""))

    def rescue():
        if advised not in names:
            raise RoomError("choose a team still in the market to advise")
        controls.make_advisor(room, key, team.id, names[advised])

    with solara.Row(classes=["sw-ws-row", "sw-ws-team-row"]):
        solara.InputText(f"Team {team.id + 1}", value=name, on_value=type_name, continuous_update=True,
                         classes=[f"sw-ws-rename-{team.id}"])  # fmt: skip
        box = f"sw-ws-rename-{team.id}"
        FormButton("Rename", text=True, css=f"sw-ws-rename-button-{team.id}", fields=[box],
                   scope="sw-ws-team-controls",
                   on_press=act(lambda values: controls.rename_team(room, key, team.id, values.get(box, typed.current)),
                                "renaming the team"))  # fmt: skip
        if confirm:
            solara.Button(f"Really remove {team.name}", color="error", classes=[f"sw-ws-remove-confirm-{team.id}"],
                          on_click=act(lambda: controls.remove_team(room, key, team.id), "removing the team"))  # fmt: skip
        else:
            solara.Button("Remove", text=True, on_click=lambda: set_confirm(True),
                          classes=[f"sw-ws-remove-{team.id}"])  # fmt: skip
        if not alive:
            others = [n for n in names if names[n] != team.id]
            solara.Select("Advise team", values=others, value=advised, on_value=set_advised,
                          classes=[f"sw-ws-advise-{team.id}"])  # fmt: skip
            solara.Button("Make advisor", on_click=act(rescue, "making the team an advisor"),
                          outlined=True, classes=[f"sw-ws-rescue-{team.id}"])  # fmt: skip
            if advising is not None:
                rv.Html(tag="span", class_="sw-ws-note", children=["advising"])
