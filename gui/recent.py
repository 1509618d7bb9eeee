"""Recent Decide studies, kept on the server per browser session and bounded.

Solara's reactive values live as long as a browser tab's kernel: a reload starts a new
one and would lose a finished study. Here a study is kept in plain module state (shared
by the server's sessions, behind a lock) under a random id, and listed for the browser
session that ran it (Solara's session id is a cookie, so it survives a reload). The id
goes into the page's URL, so a pasted link shows the same study, in this browser or
another, for as long as the server keeps it.

Bounds: at most :data:`PER_SESSION` studies per browser session and :data:`MAX_BYTES`
of arrays over all sessions; the oldest go first. A study is a few arrays of options x
seeds x weeks floats (3 x 50 x 260 x 4 arrays of 8 bytes = 1.2 MB at the browser's
bound), so the default keeps well over a hundred.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

PER_SESSION = 8
MAX_BYTES = 256 * 2**20


@dataclass
class Entry:
    study_id: str
    session: str
    made: float
    result: Any  # experiments.study.StudyResult
    nbytes: int

    def line(self) -> str:
        r = self.result
        when = time.strftime("%H:%M", time.localtime(self.made))
        return (
            f"{when}: {', '.join(r.labels)}; {len(r.seeds)} seeds x {r.steps} weeks, "
            f"root seed {r.root_seed}, scenario {r.scenario}"
        )


_lock = threading.Lock()
_studies: OrderedDict[str, Entry] = OrderedDict()


def _session() -> str:
    import solara

    try:
        return solara.get_session_id()
    except Exception:  # outside a browser session (tests, scripts)
        return "local"


def _size(result: Any) -> int:
    arrays = (result.arr, result.cash, result.reps, result.rep_won)
    return sum(a.nbytes for a in arrays if a is not None) + int(
        result.runs.memory_usage(deep=True).sum()
    )


def remember(result: Any, session: str | None = None) -> str:
    """Keep ``result`` for this browser session; returns its id (for the URL)."""
    entry = Entry(secrets.token_urlsafe(6), session or _session(), time.time(), result,
                  _size(result))  # fmt: skip
    with _lock:
        _studies[entry.study_id] = entry
        mine = [e for e in _studies.values() if e.session == entry.session]
        for old in mine[:-PER_SESSION]:
            del _studies[old.study_id]
        while sum(e.nbytes for e in _studies.values()) > MAX_BYTES and len(_studies) > 1:
            _studies.popitem(last=False)
    return entry.study_id


def listing(session: str | None = None) -> list[Entry]:
    """This browser session's studies, newest first."""
    who = session or _session()
    with _lock:
        return [e for e in reversed(_studies.values()) if e.session == who]


def get(study_id: str) -> Any | None:
    """The study with this id, or None if the server no longer keeps it."""
    with _lock:
        entry = _studies.get(study_id)
    return entry.result if entry else None


def clear() -> None:
    """Forget every study (tests)."""
    with _lock:
        _studies.clear()
