"""A session closed while the server shuts down must not print a traceback.

Solara closes every kernel on shutdown, and each close schedules a memory release on
a timer thread; at interpreter shutdown Python refuses new threads with RuntimeError,
which Solara printed as one traceback per session (seen on every stop of a served
workshop). The release is pointless then, so it is skipped.
"""

import threading

from gui import session_limits


def test_release_scheduled_at_shutdown_is_skipped(monkeypatch):
    def refuse(self):
        raise RuntimeError("can't create new thread at interpreter shutdown")

    monkeypatch.setattr(threading.Timer, "start", refuse)
    monkeypatch.setattr(session_limits, "_trim_timer", None)
    session_limits._schedule_release()  # must not raise
    assert session_limits._trim_timer is None


def test_release_is_scheduled_normally(monkeypatch):
    monkeypatch.setattr(session_limits, "TRIM_DELAY", 3600.0)
    monkeypatch.setattr(session_limits, "_trim_timer", None)
    session_limits._schedule_release()
    timer = session_limits._trim_timer
    assert timer is not None and timer.is_alive()
    timer.cancel()
