"""A server whose memory stays bounded: sessions culled, capped, memory given back.

The server runs as ``salesweb serve`` runs it (``python -m gui.server``) with a cull
of 1 s and a cap of 24 live sessions. A hundred sessions are opened and closed over
websockets, as the page's front-end opens them (:mod:`ws_session`; a browser would
take a second or more per page): 8 of the explorer at once (each builds a market),
then 92 of the workshop's landing page in groups, the last group at the cap, where one
more visitor gets the "server full" page and one more websocket is closed with 1013.
Once every session has been culled, the server's resident memory must be back within
100 MB of what it was after its first session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import ExitStack

import psutil
import pytest
from child_processes import die_with_parent
from websockets.exceptions import ConnectionClosed

from tests.browser.conftest import ROOT, _free_port, stop_server, wait_until_serving
from tests.browser.ws_session import session

CAP = 24
MB = 1e6


def _status(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/_salesweb/sessions", timeout=10) as resp:
        return json.load(resp)


def _wait(condition, what: str, timeout: float = 60):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def server(assets_copy, tmp_path):
    port = _free_port()
    env = dict(os.environ, SALESWEB_SESSION_CULL="1s", SALESWEB_MAX_SESSIONS=str(CAP))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gui.server", "--host", "127.0.0.1", "--port", str(port),
             "--assets", str(assets_copy)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent(),
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(proc, f"{base}/_salesweb/sessions", "app server", log_path)
            yield base, psutil.Process(proc.pid)
        finally:
            stop_server(proc)


def _rss(proc) -> float:
    return proc.memory_info().rss


def test_hundred_sessions_opened_and_closed_leave_memory_where_it_was(server):
    base, proc = server
    assert _status(base) == {"live": 0, "max": CAP, "cull": "1s"}
    with session(base):  # the first session imports and builds what every later one reuses
        pass
    _wait(lambda: _status(base)["live"] == 0, "the first session culled")
    start = _rss(proc)

    opened = 0
    with ExitStack() as held:  # explorer sessions: a market each
        for _ in range(8):
            held.enter_context(session(base))
            opened += 1
        assert _status(base)["live"] == 8
        peak = _rss(proc)
    _wait(lambda: _status(base)["live"] == 0, "the explorer sessions culled", 120)
    for group in (23, 23, 22, CAP):
        with ExitStack() as held:
            for _ in range(group):
                held.enter_context(session(base, "/workshop"))
                opened += 1
            if group == CAP:
                assert _status(base)["live"] == CAP
                with pytest.raises(urllib.error.HTTPError) as full:
                    urllib.request.urlopen(f"{base}/", timeout=10)
                assert full.value.code == 503 and full.value.headers["Retry-After"] == "30"
                assert "The server is full" in full.value.read().decode()
                with pytest.raises(ConnectionClosed) as refused, session(base, "/workshop"):
                    pass
                assert refused.value.rcvd is not None and refused.value.rcvd.code == 1013
        _wait(lambda: _status(base)["live"] == 0, "a group of sessions culled", 60)
    assert opened == 100
    # a place freed by the cull takes a new visitor again
    with urllib.request.urlopen(f"{base}/", timeout=30) as resp:
        assert resp.status == 200
    _wait(lambda: _rss(proc) <= start + 100 * MB, "resident memory back near its start", 60)
    print(f"RSS: start {start / MB:.0f} MB, 8 markets open {peak / MB:.0f} MB, "
          f"after 100 sessions {_rss(proc) / MB:.0f} MB")  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_sessions": 0}, "--max-sessions '0': expected an integer >= 1"),
        ({"session_cull": "soon"}, "expected a duration such as 90s or 5m"),
        ({"session_cull": "0s"}, "expected a duration above 0"),
    ],
)
def test_bad_session_limits_are_one_line(assets_copy, kwargs, message):
    from gui.server import ServerError, server_env

    with pytest.raises(ServerError, match=None) as info:
        server_env(assets=assets_copy, **kwargs)
    assert message in str(info.value)
