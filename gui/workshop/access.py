"""The facilitator's password: who may create rooms and manage the server's rooms.

A class shares one server. Anyone on the join page could create rooms until the
server's limit locked the teacher out (issue 20), so creating a room, and the rooms
page (list, close, archive), ask for the facilitator password. It is
``SALESWEB_FACILITATOR_PASSWORD`` (``salesweb serve --facilitator-password``); when
none is set, ``salesweb serve`` draws one and prints it at start, and a server started
another way draws one the first time it is needed and prints it on its console.

A room's own controls stay behind the room's facilitator key (in the host page's
link), so a teacher can hand one room to a colleague without the server's password.
"""

from __future__ import annotations

import os
import secrets
import sys
import threading

from gui.workshop import codes
from gui.workshop.room import RoomError

PASSWORD_ENV = "SALESWEB_FACILITATOR_PASSWORD"
MAX_PASSWORD = 200

_drawn: str | None = None
_lock = threading.Lock()


def new_password() -> str:
    """A password to read off a screen and type: three groups of four (60 bits)."""
    groups = ("".join(secrets.choice(codes.ALPHABET) for _ in range(4)) for _ in range(3))
    return "-".join(groups).lower()


def facilitator_password() -> str:
    """The server's password (see the module doc); drawn and printed once if unset."""

    given = os.environ.get(PASSWORD_ENV, "")
    if given:
        return given
    global _drawn
    with _lock:
        if _drawn is None:
            _drawn = new_password()
            print(f"Workshop facilitator password: {_drawn}", file=sys.stderr, flush=True)
        return _drawn


def check_password(typed: str | None) -> None:
    """RoomError unless ``typed`` is the facilitator password (compared in constant time)."""
    text = typed if isinstance(typed, str) else ""
    if not text.strip():
        raise RoomError("facilitator password: type it to create or manage rooms")
    wanted = facilitator_password()
    if len(text) > MAX_PASSWORD or not secrets.compare_digest(
        text.strip().encode("utf-8", "replace"), wanted.encode("utf-8", "replace")
    ):
        raise RoomError(
            "facilitator password: that is not it; it was printed when the server "
            "started (or set with salesweb serve --facilitator-password)"
        )


def password_for_serve(given: str | None) -> str:
    """``salesweb serve``: set the password for the server it starts, print it if drawn.

    ``given`` (``--facilitator-password``) wins, then ``SALESWEB_FACILITATOR_PASSWORD``;
    else one is drawn. It reaches the server through the environment (the server
    process replaces this one). ValueError if ``given`` is unusable.
    """

    if given is not None:
        text = given.strip()
        if not text or len(text) > MAX_PASSWORD or not text.isprintable():
            raise ValueError(
                f"--facilitator-password: expected 1 to {MAX_PASSWORD} printable characters"
            )
        os.environ[PASSWORD_ENV] = text
        return text
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    drawn = new_password()
    os.environ[PASSWORD_ENV] = drawn
    print(f"Workshop facilitator password: {drawn}", flush=True)
    return drawn
