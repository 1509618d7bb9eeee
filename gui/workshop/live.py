"""Each browser session's line to its room: told when the room changes, redrawn once.

A session's page calls :func:`use_room` with the room it shows. That registers, for
this session, its Solara kernel context and a callback with the room
(:meth:`gui.workshop.room.Room.subscribe`). When the room changes, its broadcast
thread calls the callback, which enters the session's kernel context (``with
context:``: reactive values are per kernel, so only this session's values change) and
sets two of the session's reactive values in one batched render pass: the room's
version (who submitted, the clock) and its board version (a round advanced or cash
changed: the charts and cards). A closed session's callback raises, and the room drops
it; a session that leaves the page unsubscribes.

Reacton redraws a child component only when its arguments change or when it reads a
reactive value that changed, so every component that reads the room (not only the
page) reads :data:`room_version` or :data:`board_version` itself.
"""

from __future__ import annotations

import contextlib

import reacton.core
import solara
from solara.server.kernel_context import get_current_context

from gui.workshop.room import Room

room_version = solara.reactive(0)
"""The version of the room this session shows, as last told (per session)."""
board_version = solara.reactive(0)
"""The room's board version, as last told: views that draw the board read this one."""
room_phase = solara.reactive("")
"""The room's phase, as last told: the page frames (lobby, rounds, debrief) read this one."""
_render_context = solara.reactive(None)


class SessionClosed(RuntimeError):
    """The session behind a callback has gone (the room forgets it)."""


def use_room(room: Room | None) -> int:
    """Keep this session told about ``room``; returns the room version seen.

    Must be called from a component, unconditionally (it uses hooks).
    """
    rc = reacton.core.get_render_context()

    def subscribe():
        if room is None:
            return None
        context = get_current_context()
        _render_context.set(rc)
        room_version.set(room.version)
        board_version.set(room.board_version)
        room_phase.set(room.phase)

        def told(version: int) -> None:
            if context.closed_event.is_set():
                raise SessionClosed(context.id)
            with context:
                batch = _render_context.value
                with batch if batch is not None else contextlib.nullcontext():
                    room_version.set(version)
                    board_version.set(room.board_version)
                    room_phase.set(room.phase)

        token = room.subscribe(told)
        return lambda: room.unsubscribe(token)

    solara.use_effect(subscribe, [None if room is None else room.code, id(room)])
    return room_version.value
