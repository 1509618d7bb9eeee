"""``/workshop/rooms``: the server's rooms for the person who runs it (password).

Lists every room (code, stage, teams, last change) with its facilitator and projector
links, and closes or archives a room. Archiving takes it off the server at once (its
file moves to ``<rooms folder>/archive``), which frees its slot; idle rooms are
archived by themselves (:func:`gui.workshop.rooms.idle_minutes`). The password is
typed into the page and kept by this browser tab only, never put in a link.
"""

from __future__ import annotations

import time

import solara
from solara.alias import rv

from gui.workshop import controls, links
from gui.workshop.access import check_password
from gui.workshop.form_button import FormButton
from gui.workshop.guard import guarded
from gui.workshop.room import Room
from gui.workshop.rooms import server_rooms


def ago(seconds: float) -> str:
    """``"just now"``, ``"5 min ago"``, ``"3 h ago"``."""
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min ago"
    return f"{seconds / 3600:.1f} h ago"


@solara.component
def RoomsPage():
    typed, set_typed = solara.use_state("")
    unlocked, set_unlocked = solara.use_state(False)
    error, set_error = solara.use_state("")
    refresh, set_refresh = solara.use_state(0)

    def unlock(values: dict[str, str]) -> None:
        check_password(values.get("sw-ws-password", typed))
        set_error("")  # first: the list below must not be drawn with the old error above it
        set_unlocked(True)

    with solara.Column(classes=["sw-ws-page", "sw-ws-rooms"]):
        rv.Html(tag="h3", children=["Rooms on this server"], class_="sw-ws-h3")
        if not unlocked:
            solara.InputText("Facilitator password", value=typed, on_value=set_typed,
                             password=True, classes=["sw-ws-password"])  # fmt: skip
            FormButton("Show the rooms", on_press=guarded(unlock, set_error, "opening the rooms"),
                       fields=["sw-ws-password"], scope="sw-ws-rooms", color="primary",
                       css="sw-ws-unlock")  # fmt: skip
            if error:
                solara.Error(error, classes=["sw-ws-error"])
            return
        registry = server_rooms()
        listed = registry.listing()
        _ = refresh
        rv.Html(tag="div", class_="sw-ws-note", children=[
            f"{len(listed)} of {registry.limit} rooms. Rooms unchanged for "
            f"{registry.idle_seconds / 60:g} minutes are archived by themselves."])  # fmt: skip
        with solara.Row(classes=["sw-ws-row"]):
            solara.Button("Refresh", on_click=lambda: set_refresh(refresh + 1), outlined=True,
                          classes=["sw-ws-refresh"])  # fmt: skip
        with solara.Div(classes=["sw-ws-banners"]):  # its own place: the rows keep theirs
            if error:
                solara.Error(error, classes=["sw-ws-error"])
        for room in listed:
            # keyed: an error appearing or going, or another room archived, must not
            # recreate a row's buttons under a person's click (the click on the old
            # button is lost: the fuzz test's Close did nothing, 2 of 9 runs)
            RoomRow(room, on_error=set_error, on_done=lambda: set_refresh(refresh + 1)).key(
                f"room-{room.code}"
            )


@solara.component
def RoomRow(room: Room, on_error, on_done):
    """One room: what it is doing, its links, Close and Archive."""
    confirm, set_confirm = solara.use_state(False)
    with room.lock:
        label = "closed" if room.closed else room.round_label()
        teams = len(room.teams)
        idle = time.time() - room.last_activity
    key = room.facilitator_key

    def close():
        controls.close_room(room, key)
        on_done()

    def archive():
        server_rooms().archive(room.code)
        set_confirm(False)
        on_done()

    with solara.Card(classes=["sw-ws-card", "sw-ws-room-row"]):
        rv.Html(tag="div", class_="sw-ws-room-line", children=[
            f"Room {room.code}: {label}, {teams} teams, last change {ago(idle)}"])  # fmt: skip
        with solara.Row(classes=["sw-ws-row"]):
            with solara.Link(links.host_page(room.code, key)):
                solara.Button("Facilitator page", text=True, classes=["sw-ws-open-host"])
            with solara.Link(links.screen_page(room.code)):
                solara.Button("Projector view", text=True, classes=["sw-ws-open-screen"])
            if not room.closed:
                solara.Button("Close", on_click=guarded(close, on_error, "closing the room"),
                              outlined=True, classes=["sw-ws-close-room"])  # fmt: skip
            if confirm:
                solara.Button("Really archive: take it off the server", color="error",
                              on_click=guarded(archive, on_error, "archiving the room"),
                              classes=["sw-ws-archive-confirm"])  # fmt: skip
            else:
                solara.Button("Archive", on_click=lambda: set_confirm(True), outlined=True,
                              classes=["sw-ws-archive"])  # fmt: skip
