"""A room on disk: saved whole after every change, rebuilt by replaying its decisions.

The file (``<code>.json``) holds what the room was played from, never the market
itself: the settings (scenario, seed, sizes, limits), the teams, the phase, and every
round's decisions and research purchases, plus what is pending in the open round.
:func:`load` rebuilds the market by replaying that sequence from the seed
(:meth:`gui.workshop.room.Room.replay`); the model is deterministic, so the market
comes back bit for bit, as if the server had never stopped (a test compares them).

Writes are atomic: the JSON goes to a temporary file in the same folder, is flushed
to disk, and replaces the old file with :func:`os.replace`, so a crash mid-write
leaves the previous round's file, never half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from gui.workshop import codes
from gui.workshop.decisions import Decision, DecisionError
from gui.workshop.market import Purchase
from gui.workshop.room import PHASES, PlayedRound, Room, RoomError, Team
from gui.workshop.settings import RoomSettings, SettingsError

FORMAT = "salesweb-room"
FORMAT_VERSION = 1


class RoomFileError(ValueError):
    """A room file is not one this version can read."""


def to_dict(room: Room) -> dict[str, Any]:
    """The room as plain JSON values (call with the room's lock held)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "code": room.code,
        "facilitator_key": room.facilitator_key,
        "created": room.created,
        "settings": room.settings.to_dict(),
        "teams": [{"id": t.id, "name": t.name, "key": t.key} for t in room.teams],
        "phase": room.phase,
        "rounds": [r.to_dict() for r in room.played],
        "pending": {str(t): d.to_dict() for t, d in sorted(room.pending.items())},
        "pending_purchases": [p.to_dict() for p in room.pending_purchases],
        # epoch seconds: a restarted server keeps the open round's clock, not a fresh one
        "deadline": room.deadline,
        # the facilitator's controls (all optional: older files have none)
        "paused_left": room.paused_left,
        "last_activity": room.last_activity,
        "closed": room.closed,
        "events": room.events,
        "leaderboard_visible": room.leaderboard_visible,
        "message": room.message,
        "message_time": room.message_time,
        "removed": sorted(room.removed),
        "advisors": {str(a): b for a, b in sorted(room.advisors.items())},
        "submitted_by": {str(t): list(v) for t, v in sorted(room.submitted_by.items())},
    }


def path_for(directory: Path, code: str) -> Path:
    return Path(directory) / f"{code}.json"


def save(room: Room, directory: Path) -> Path:
    """Write the room's file atomically (temp file in the folder, fsync, rename)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with room.lock:
        text = json.dumps(to_dict(room), indent=1, allow_nan=False)
    target = path_for(directory, room.code)
    fd, tmp = tempfile.mkstemp(prefix=f".{room.code}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _purchases(items: Any, n_teams: int) -> list[Purchase]:
    if not isinstance(items, list):
        raise RoomFileError(f"purchases: expected a list, got {items!r}")
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("team"), int):
            raise RoomFileError(f"purchase {item!r}: expected {{team, study}}")
        if not 0 <= item["team"] < n_teams:
            raise RoomFileError(f"purchase {item!r}: no such team")
        out.append(Purchase(item["team"], str(item.get("study"))))
    return out


def _decisions(items: Any, n_teams: int) -> dict[int, Decision]:
    if not isinstance(items, dict):
        raise RoomFileError(f"decisions: expected a table, got {items!r}")
    out = {}
    for team, data in items.items():
        if not str(team).isdigit() or not 0 <= int(team) < n_teams:
            raise RoomFileError(f"decision for team {team!r}: no such team")
        out[int(team)] = Decision.from_dict(data)
    return out


def from_dict(data: Any) -> Room:
    """Rebuild a room from its file's content (replays the market)."""
    try:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise RoomFileError("not a Sales Web room file")
        if data.get("format_version") != FORMAT_VERSION:
            raise RoomFileError(
                f"room file version {data.get('format_version')!r}; expected {FORMAT_VERSION}"
            )
        code = codes.normalize(data["code"])
        teams = [Team(int(t["id"]), str(t["name"]), str(t["key"])) for t in data["teams"]]
        if [t.id for t in teams] != list(range(len(teams))):
            raise RoomFileError("teams must be numbered 0, 1, 2, ... in order")
        phase = data["phase"]
        if phase not in PHASES:
            raise RoomFileError(f"phase {phase!r}: expected one of {', '.join(PHASES)}")
        rounds = [
            PlayedRound(
                _decisions(r["decisions"], len(teams)),
                _purchases(r["purchases"], len(teams)),
                str(r.get("reason", "facilitator")),
            )
            for r in data["rounds"]
        ]
        room = Room(
            code=code,
            facilitator_key=str(data["facilitator_key"]),
            settings=RoomSettings.from_dict(data["settings"]),
            teams=teams,
            created=float(data.get("created", 0.0)),
        )
        room.replay(
            phase,
            rounds,
            _decisions(data.get("pending", {}), len(teams)),
            _purchases(data.get("pending_purchases", []), len(teams)),
        )
        _controls(room, data)
        deadline = data.get("deadline")
        if room.paused_left is None and deadline is not None:
            room.restore_deadline(float(deadline))  # older files have no deadline
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, RoomFileError):
            raise
        kind = {
            KeyError: "missing field",
            SettingsError: "settings",
            DecisionError: "decision",
            RoomError: "replay",
        }.get(type(exc), type(exc).__name__)
        raise RoomFileError(f"{kind}: {exc}") from None
    return room


def _controls(room: Room, data: dict[str, Any]) -> None:
    """The facilitator's controls from a file (every field optional)."""
    n = len(room.teams)
    paused = data.get("paused_left")
    room.paused_left = None if paused is None else float(paused)
    room.last_activity = float(data.get("last_activity", room.created))
    room.closed = bool(data.get("closed", False))
    events = data.get("events", [])
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise RoomFileError("events: expected a list of tables")
    room.events = events
    room.leaderboard_visible = bool(data.get("leaderboard_visible", True))
    room.message = str(data.get("message", ""))
    room.message_time = data.get("message_time")
    removed = {int(t) for t in data.get("removed", [])}
    advisors = {int(a): int(b) for a, b in data.get("advisors", {}).items()}
    if any(not 0 <= t < n for t in (*removed, *advisors, *advisors.values())):
        raise RoomFileError("removed or advisors: no such team")
    room.removed, room.advisors = removed, advisors
    room.submitted_by = {
        int(t): (str(v[0]), str(v[1]), float(v[2]))
        for t, v in data.get("submitted_by", {}).items()
        if int(t) in room.pending
    }
    if room.market is not None:
        room._new_board()


def load(path: Path) -> Room:
    """Read and replay one room file; RoomFileError names what is wrong."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RoomFileError(f"{path}: cannot be read: {exc}") from None
    try:
        return from_dict(data)
    except RoomFileError as exc:
        raise RoomFileError(f"{path}: {exc}") from None
