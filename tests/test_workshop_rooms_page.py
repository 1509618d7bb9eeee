"""The rooms page keeps each room's row across redraws (no browser).

A click reaches the server some milliseconds after the browser drew the button; if the
page redraws meanwhile and recreates that button, the click lands on a closed widget
and is lost. The fuzz test saw it (tests/browser/test_workshop_fuzz.py, 2 of 9 runs
under load): after wrong passwords, the right one drew the list below the old error,
then the error went and every row moved up a place and was recreated, so Close did
nothing (the room stayed open, no error, nothing in the log). Here: each room's row is
mounted once however the page redraws (an error shown or cleared, a refresh).
"""

from __future__ import annotations

import ipyvuetify as v
import solara

from gui.workshop import access, rooms_page
from gui.workshop.form_button import FormButtonWidget
from gui.workshop.rooms import Rooms


def test_a_rooms_row_is_mounted_once_through_errors_and_redraws(monkeypatch):
    monkeypatch.setenv(access.PASSWORD_ENV, "tea-for-two")
    registry = Rooms(None)
    room = registry.create()
    monkeypatch.setattr(rooms_page, "server_rooms", lambda: registry)
    mounts = []
    row = rooms_page.RoomRow

    @solara.component
    def CountedRow(room, on_error, on_done):
        solara.use_effect(lambda: mounts.append(room.code), [])
        return row(room, on_error=on_error, on_done=on_done)

    monkeypatch.setattr(rooms_page, "RoomRow", CountedRow)
    box, rc = solara.render(rooms_page.RoomsPage(), handle_error=False)

    def press(password: str) -> None:
        rc.find(FormButtonWidget).widget.vue_press({"sw-ws-password": password})

    press("wrong")  # the page shows an error where the rows will be
    press("tea-for-two")
    assert mounts == [room.code], f"the row was recreated: {mounts}"
    rc.find(v.Btn, children=["Close"]).widget.click()  # an error or a refresh: still one
    assert room.closed and mounts == [room.code], f"the row was recreated: {mounts}"
