"""The facilitator's controls during play; each one is written in the decision audit.

* **Clock**: pause and resume the open round's deadline (the time left is kept), and
  extend or shorten it by whole minutes (never to less than :data:`MIN_LEFT` seconds
  from now, so a shortened round still lets a team press Submit).
* **Leaderboard**: hide it until a reveal (team pages and the projector show a note).
* **Message**: one line to every team and the projector, until replaced or cleared.
* **Teams**: rename a team (its key and results stay), remove a team (its vendor keeps
  its last settings and plays on with no one steering it; its link is refused; it
  leaves the leaderboard and the count of who must submit).
* **Rescue**: a team whose company ran out of cash becomes the **advisor** of a team
  still in the market: its page shows that team's dashboard and decision form, and
  its submissions count for that team (announced as the advisors'). It costs nothing
  in the market (an exited vendor's contracts and users are gone in the model, so
  there is nothing to bail out), and the debrief still ranks it by its own company.
* **Close**: the room stops taking joins, decisions and purchases; its results,
  debrief and exports stay readable until it is archived (:mod:`gui.workshop.rooms`).

Every function takes the facilitator key, changes the room under its lock, adds an
event to :attr:`Room.events` (the audit, saved with the room) and saves and tells
every session through the room's usual change path.
"""

from __future__ import annotations

import time

from gui.workshop.room import OPEN_PHASES, Room, RoomError, clean_name

MIN_LEFT = 10.0
"""Seconds a shortened round keeps at least."""
MAX_MESSAGE = 200
MAX_MINUTES = 60


def _event(room: Room, action: str, detail: str) -> None:
    room.log_event(action, detail)
    room._changed()


def _open(room: Room) -> None:
    room._require_usable()
    if room.phase not in OPEN_PHASES:
        raise RoomError(f"no round is open ({room.round_label()})")


def pause(room: Room, key: str | None) -> None:
    """Stop the open round's clock; the time left waits for :func:`resume`."""
    room.check_facilitator(key)
    with room.lock:
        _open(room)
        if room.paused_left is not None:
            raise RoomError("the clock is already paused")
        if room.deadline is None:
            raise RoomError("this round has no deadline to pause")
        left = room.seconds_left() or 0.0
        room._arm(None)
        room.paused_left = left
        _event(room, "clock paused", f"{left:.0f} s left")


def resume(room: Room, key: str | None) -> None:
    """Restart the clock with the time it had when paused."""
    room.check_facilitator(key)
    with room.lock:
        _open(room)
        if room.paused_left is None:
            raise RoomError("the clock is not paused")
        left, room.paused_left = room.paused_left, None
        room._arm(time.time() + max(left, MIN_LEFT))
        _event(room, "clock resumed", f"{max(left, MIN_LEFT):.0f} s left")


def adjust(room: Room, key: str | None, minutes: float) -> None:
    """Extend (``minutes`` > 0) or shorten (< 0) the open round.

    A round without a deadline gets one of ``minutes`` from now when extended; a
    paused clock keeps its pause with the time left changed.
    """
    room.check_facilitator(key)
    if not isinstance(minutes, int | float) or not -MAX_MINUTES <= minutes <= MAX_MINUTES:
        raise RoomError(f"minutes: expected a number from -{MAX_MINUTES} to {MAX_MINUTES}")
    with room.lock:
        _open(room)
        if room.paused_left is not None:
            room.paused_left = max(MIN_LEFT, room.paused_left + 60.0 * minutes)
            left = room.paused_left
        else:
            if room.deadline is None:
                if minutes <= 0:
                    raise RoomError("this round has no deadline to shorten")
                base = time.time()
            else:
                base = room.deadline
            deadline = max(time.time() + MIN_LEFT, base + 60.0 * minutes)
            room._arm(deadline)
            left = deadline - time.time()
        word = "extended" if minutes > 0 else "shortened"
        _event(room, f"round {word}", f"{abs(minutes):g} min; {left:.0f} s left")


def show_leaderboard(room: Room, key: str | None, visible: bool) -> None:
    room.check_facilitator(key)
    with room.lock:
        room._require_usable()
        if room.leaderboard_visible == bool(visible):
            return
        room.leaderboard_visible = bool(visible)
        room.board_version += 1  # the views that draw the board redraw; the rest do not
        _event(room, "leaderboard revealed" if visible else "leaderboard hidden", "")


def broadcast_message(room: Room, key: str | None, text: str) -> None:
    """Show ``text`` to every team and on the projector (empty text clears it)."""
    room.check_facilitator(key)
    message = " ".join(str(text or "").split())
    if len(message) > MAX_MESSAGE:
        raise RoomError(f"message: at most {MAX_MESSAGE} characters, got {len(message)}")
    if any(not ch.isprintable() for ch in message):
        raise RoomError("message: letters, digits, spaces and punctuation only")
    with room.lock:
        room._require_usable()
        room.message, room.message_time = message, time.time() if message else None
        _event(room, "message to all teams" if message else "message cleared", message)


def _team(room: Room, team_id: int) -> int:
    if not isinstance(team_id, int) or not 0 <= team_id < len(room.teams):
        raise RoomError(f"room {room.code} has no team {team_id!r}")
    return team_id


def rename_team(room: Room, key: str | None, team_id: int, name: str) -> None:
    room.check_facilitator(key)
    new = clean_name(name)
    with room.lock:
        room._require_usable()
        team = room.teams[_team(room, team_id)]
        for other in room.teams:
            if other.id != team.id and other.name.casefold() == new.casefold():
                raise RoomError(f"team name: {new!r} is taken by another team")
        old = team.name
        room.teams[team.id] = type(team)(team.id, new, team.key)
        if room.market is not None:
            room._new_board()
        _event(room, "team renamed", f"{old} -> {new}")


def remove_team(room: Room, key: str | None, team_id: int) -> None:
    room.check_facilitator(key)
    with room.lock:
        room._require_usable()
        team = room.teams[_team(room, team_id)]
        if team.id in room.removed:
            raise RoomError(f"team {team.name!r} is already removed")
        room.removed.add(team.id)
        room.pending.pop(team.id, None)
        room.advisors = {a: b for a, b in room.advisors.items() if team.id not in (a, b)}
        if room.market is not None:
            room._new_board()
        _event(room, "team removed", team.name)
    _maybe_advance(room)


def make_advisor(room: Room, key: str | None, bankrupt: int, advised: int) -> None:
    """Rescue a bankrupt team: it advises (decides with) team ``advised``."""
    room.check_facilitator(key)
    with room.lock:
        room._require_usable()
        if room.market is None:
            raise RoomError("no market yet: start the game first")
        a, b = room.teams[_team(room, bankrupt)], room.teams[_team(room, advised)]
        if room.market.teams[a.id].alive:
            raise RoomError(f"team {a.name!r} still has cash: it plays its own company")
        if not room.market.teams[b.id].alive or b.id in room.removed or a.id == b.id:
            raise RoomError(f"team {b.name!r} cannot be advised: choose a team still in the market")
        room.advisors[a.id] = b.id
        _event(room, "bankrupt team made advisor", f"{a.name} advises {b.name}")


def close_room(room: Room, key: str | None) -> None:
    room.check_facilitator(key)
    with room.lock:
        if room.closed:
            return
        room._arm(None)
        room.paused_left = None
        room.closed = True
        _event(room, "room closed", "")


def _maybe_advance(room: Room) -> None:
    """After a removal, the teams left may all have submitted: advance as a submit would."""
    with room.lock:
        ready = room.phase in OPEN_PHASES and room.all_submitted() and room.settings.auto_advance
        number = room.open_round
    if ready:
        room._later(lambda: room.advance(reason="all submitted", only_round=number))
