"""Bounded server memory: disconnected sessions culled in minutes, live sessions capped.

Every browser tab is a Solara virtual kernel holding its own market (up to the session
memory limit, 0.6 GB by default). Solara keeps a kernel whose page went away for
``SOLARA_KERNEL_CULL_TIMEOUT``, 24 hours by default, so a server that visitors open and
close grows without bound (74 sessions opened and closed held 836 MB). So:

- **Culling**: a kernel with no connected page is closed after :data:`DEFAULT_CULL`
  (``SALESWEB_SESSION_CULL``, any Solara duration such as ``90s`` or ``5m``). A reload
  or a dropped connection that comes back within it keeps its session.
- **A cap**: at most :data:`DEFAULT_MAX_SESSIONS` kernels live at once
  (``SALESWEB_MAX_SESSIONS``), culled-but-not-yet-closed ones included since they still
  hold memory. A new visitor beyond it gets a "server full" page (HTTP 503 with
  ``Retry-After``) instead of a session; a websocket that would open a new kernel is
  closed with code 1013 (try again later). Tabs already open keep working (a
  reconnecting page keeps its kernel); a reload is a new session and may meet the cap.
- **Memory back to the system**: each session runs in its own thread, and glibc gives
  threads their own malloc arenas, whose freed pages it keeps; after a session closes,
  :func:`release_memory` collects garbage and calls ``malloc_trim(0)`` so the server's
  resident memory falls back instead of staying at its peak.
- ``GET /_salesweb/sessions`` answers ``{"live": n, "max": m, "cull": "2m"}`` for a
  monitor (and the test that opens and closes 100 sessions).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import html
import json
import os
import re
import threading

from starlette.types import ASGIApp, Receive, Scope, Send

CULL_ENV = "SALESWEB_SESSION_CULL"
MAX_ENV = "SALESWEB_MAX_SESSIONS"
DEFAULT_CULL = "2m"
"""A page gone for two minutes is not coming back (a reload reconnects in seconds)."""
DEFAULT_MAX_SESSIONS = 36
"""36 sessions x 0.6 GB session budget = 21.6 GB, inside a 24 GB machine."""
STATUS_PATH = "/_salesweb/sessions"
KERNEL_WS = re.compile(r"^/jupyter/api/kernels/([^/]+)/channels$")
_PAGE_PREFIXES = ("/_solara", "/static", "/jupyter", "/_salesweb", "/resourcez")

FULL_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sales Web: server full</title>
<meta http-equiv="refresh" content="{retry}"></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto;">
<h1>The server is full</h1>
<p>{live} sessions are open, the most this server holds at once ({max}). A session
frees its place when its tab has been closed for {cull}. This page tries again by
itself every {retry} seconds.</p>
</body></html>
"""
RETRY_SECONDS = 30


def cull_timeout() -> str:
    """The cull timeout from ``SALESWEB_SESSION_CULL`` (checked by Solara's own parser)."""
    import solara.util

    value = os.environ.get(CULL_ENV, DEFAULT_CULL)
    try:
        seconds = solara.util.parse_timedelta(value)
    except Exception:  # noqa: BLE001 - Solara raises several kinds
        raise ValueError(f"{CULL_ENV}={value!r}: expected a duration such as 90s or 5m") from None
    if not seconds > 0:
        raise ValueError(f"{CULL_ENV}={value!r}: expected a duration above 0")
    return value


def max_sessions() -> int:
    """The cap from ``SALESWEB_MAX_SESSIONS``."""
    value = os.environ.get(MAX_ENV, str(DEFAULT_MAX_SESSIONS))
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise ValueError(f"{MAX_ENV}={value!r}: expected an integer >= 1")
    return n


def live_sessions() -> int:
    """Solara virtual kernels alive now (connected or waiting to be culled)."""
    from solara.server import kernel_context

    return len(kernel_context.contexts)


TRIM_DELAY = 1.0
"""Seconds after a session closes before memory is handed back (one trim for a burst)."""
_trim_timer: threading.Timer | None = None
_trim_lock = threading.Lock()


def release_memory() -> None:
    """Collect garbage and return free heap pages to the system (glibc ``malloc_trim``)."""
    gc.collect()
    name = ctypes.util.find_library("c")
    if name:
        libc = ctypes.CDLL(name)
        if hasattr(libc, "malloc_trim"):
            libc.malloc_trim(0)


def _schedule_release() -> None:
    global _trim_timer
    with _trim_lock:
        if _trim_timer is not None:
            _trim_timer.cancel()
        timer = threading.Timer(TRIM_DELAY, release_memory)
        timer.daemon = True
        try:
            timer.start()
        except RuntimeError:  # the server is shutting down: no thread, and no need to trim
            return
        _trim_timer = timer


def install_release_on_close() -> None:
    """Release memory shortly after every session (Solara kernel) closes."""
    import solara.lifecycle

    solara.lifecycle.on_kernel_start(lambda: _schedule_release)


class SessionLimits:
    """ASGI middleware: the cap and the status route (see the module docstring)."""

    def __init__(self, app: ASGIApp, cap: int, cull: str):
        self.app, self.cap, self.cull = app, cap, cull

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path == STATUS_PATH:
            body = json.dumps({"live": live_sessions(), "max": self.cap, "cull": self.cull})
            await _respond(send, 200, "application/json", body.encode())
            return
        if self._full(scope, path):
            if scope["type"] == "websocket":
                await receive()  # websocket.connect
                await send({"type": "websocket.accept"})
                await send({"type": "websocket.close", "code": 1013, "reason": "server full"})
                return
            page = FULL_PAGE.format(
                live=live_sessions(), max=self.cap, cull=html.escape(self.cull), retry=RETRY_SECONDS
            )
            await _respond(send, 503, "text/html; charset=utf-8", page.encode(),
                           [(b"retry-after", str(RETRY_SECONDS).encode())])  # fmt: skip
            return
        await self.app(scope, receive, send)

    def _full(self, scope: Scope, path: str) -> bool:
        if live_sessions() < self.cap:
            return False
        if scope["type"] == "websocket":
            match = KERNEL_WS.match(path)
            if not match:
                return False
            from solara.server import kernel_context

            return match.group(1) not in kernel_context.contexts  # a reconnect is welcome
        return (
            scope["type"] == "http"
            and scope.get("method") == "GET"
            and not path.startswith(_PAGE_PREFIXES)
        )


async def _respond(send: Send, status: int, kind: str, body: bytes, extra=()) -> None:
    headers = [(b"content-type", kind.encode()), (b"content-length", str(len(body)).encode())]
    headers += [(b"cache-control", b"no-store"), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
