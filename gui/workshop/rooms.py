"""Every room of one server: create, find by join code, save, and resume after a restart.

A :class:`Rooms` registry holds the rooms of one server process (several classes may
play at once) behind its own lock. Each room is saved to ``<folder>/<code>.json``
after every change (:mod:`gui.workshop.persistence`), and a new registry loads every
file it finds there, so a restarted server resumes each room at its last change.

The folder is ``SALESWEB_ROOMS_DIR`` (``salesweb serve --rooms DIR``), else
``~/.local/state/salesweb/rooms``. The number of rooms is bounded
(:data:`MAX_ROOMS`, ``SALESWEB_MAX_ROOMS``): every room's market lives in the one
server process, and one classroom must not be able to take the memory of the others.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from gui.workshop import codes, persistence
from gui.workshop.room import Room, RoomError
from gui.workshop.settings import RoomSettings

ROOMS_DIR_ENV = "SALESWEB_ROOMS_DIR"
MAX_ROOMS_ENV = "SALESWEB_MAX_ROOMS"
MAX_ROOMS = 12
"""Rooms one server holds: at 0.6 GB of budget each, 7.2 GB of a 24 GB machine."""
IDLE_ENV = "SALESWEB_ROOM_IDLE_MINUTES"
IDLE_MINUTES = 240.0
"""A room unchanged this long is archived by itself (a class lasts an hour or two)."""
ARCHIVE = "archive"

log = logging.getLogger(__name__)


def default_directory() -> Path:
    env = os.environ.get(ROOMS_DIR_ENV)
    if env:
        return Path(env)
    return Path.home() / ".local" / "state" / "salesweb" / "rooms"


def idle_minutes() -> float:
    """Minutes after which an unchanged room is archived (``SALESWEB_ROOM_IDLE_MINUTES``)."""
    try:
        value = float(os.environ.get(IDLE_ENV) or IDLE_MINUTES)
    except ValueError:
        return IDLE_MINUTES
    return value if value > 0 and value == value else IDLE_MINUTES


def max_rooms() -> int:
    try:
        return max(1, int(os.environ.get(MAX_ROOMS_ENV) or MAX_ROOMS))
    except ValueError:
        return MAX_ROOMS


class Rooms:
    """The rooms of one server (see the module doc).

    Parameters
    ----------
    directory : Path or None
        Where rooms are saved and loaded from; None keeps them in memory only.
    limit : int
        Most rooms at once.
    """

    def __init__(
        self, directory: Path | None, limit: int = MAX_ROOMS, idle_minutes: float = IDLE_MINUTES
    ):
        self.directory = None if directory is None else Path(directory)
        self.limit = limit
        self.idle_seconds = 60.0 * idle_minutes
        self.lock = threading.Lock()
        self.rooms: dict[str, Room] = {}
        self.load_errors: list[str] = []
        if self.directory is not None and self.directory.is_dir():
            self._load_saved()

    def _load_saved(self) -> None:
        for path in sorted(self.directory.glob("*.json")):
            try:
                room = persistence.load(path)
            except persistence.RoomFileError as exc:
                self.load_errors.append(str(exc))
                log.warning("room file skipped: %s", exc)
                continue
            if len(self.rooms) >= self.limit:
                self.load_errors.append(f"{path}: more than {self.limit} rooms; not loaded")
                continue
            self._adopt(room)

    def _adopt(self, room: Room) -> None:
        if self.directory is not None:
            directory = self.directory
            room.on_change = lambda r: persistence.save(r, directory)
        self.rooms[room.code] = room

    def create(self, settings: RoomSettings | None = None) -> Room:
        """A new room with a fresh join code and facilitator key (saved at once).

        Idle rooms are archived first (:meth:`expire_idle`), so a full server makes
        room by itself once a class has gone home.
        """
        self.expire_idle()
        with self.lock:
            if len(self.rooms) >= self.limit:
                raise RoomError(
                    f"this server already runs {self.limit} rooms, its limit: archive a "
                    "finished room on the rooms page (/workshop/rooms), or wait: rooms "
                    f"unchanged for {self.idle_seconds / 60:g} minutes are archived by "
                    f"themselves (the server's {MAX_ROOMS_ENV} sets the limit)"
                )
            code = codes.new_join_code(set(self.rooms))
            room = Room(
                code=code, facilitator_key=codes.new_key(), settings=settings or RoomSettings()
            )
            self._adopt(room)
        if room.on_change is not None:
            room.on_change(room)
        return room

    def get(self, code: str | None) -> Room:
        """The room with join code ``code`` (as typed); RoomError if there is none."""
        wanted = codes.normalize(code)
        with self.lock:
            room = self.rooms.get(wanted)
        if room is None:
            shown = wanted or "(empty)"
            raise RoomError(
                f"no room with code {shown}: check the code on the facilitator's screen"
            )
        return room

    def listing(self) -> list[Room]:
        """Every room, newest first (idle ones archived first)."""
        self.expire_idle()
        with self.lock:
            return sorted(self.rooms.values(), key=lambda r: -r.created)

    def archive(self, code: str) -> Path | None:
        """Take a room off the server: it stops, its file moves to ``<folder>/archive``.

        Returns where the file went (None for a room kept in memory only). The slot it
        held is free at once.
        """
        room = self.get(code)
        with self.lock:
            self.rooms.pop(room.code, None)
        room.close()
        with room.lock:
            room.on_change = None
        if self.directory is None:
            return None
        source = persistence.path_for(self.directory, room.code)
        target_dir = self.directory / ARCHIVE
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / f"{room.code}-{int(time.time())}.json"
        if source.exists():
            os.replace(source, target)
        log.info("room %s archived to %s", room.code, target)
        return target

    def expire_idle(self, now: float | None = None) -> list[str]:
        """Archive every room unchanged for :attr:`idle_seconds`; returns their codes."""
        now = time.time() if now is None else now
        with self.lock:
            idle = [c for c, r in self.rooms.items() if now - r.last_activity > self.idle_seconds]
        for code in idle:
            try:
                self.archive(code)
            except (RoomError, OSError):
                log.warning("room %s: could not archive", code, exc_info=True)
        return idle

    def close(self) -> None:
        with self.lock:
            for room in self.rooms.values():
                room.close()


_server_rooms: Rooms | None = None
_server_lock = threading.Lock()


def server_rooms() -> Rooms:
    """The registry of this server process, loaded from :func:`default_directory` once."""
    global _server_rooms
    with _server_lock:
        if _server_rooms is None:
            _server_rooms = Rooms(default_directory(), max_rooms(), idle_minutes())
        return _server_rooms
