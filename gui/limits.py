"""What one browser session may take from the server: memory per market, turns at heavy work.

Every session of the server shares one process, so one participant's market must not
take everyone's memory, and one participant's comparisons must not take every core.

* Memory: each session's markets are built with ``memory_limit_gb`` =
  :func:`session_memory_gb` (``salesweb serve --session-memory-gb``, default
  :data:`DEFAULT_SESSION_MEMORY_GB`), lower than the CLI's, since a room shares the
  machine: a market estimated above it is refused with the estimate and the limit
  (:mod:`sim.budget`).
* Heavy work: building a market and running comparison weeks hold one of
  :func:`heavy_jobs` slots (``--heavy-jobs``, default one per core). A comparison takes
  a slot per :data:`COMPARISON_CHUNK` weeks and gives it back, so another session's
  Reset waits for a chunk, not for the whole comparison. A decision study runs one
  worker process per slot it holds (:func:`heavy_slots`: one, and more if free).

``gui.server`` passes its flags to this module through the environment of the server
process it starts.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

DEFAULT_SESSION_MEMORY_GB = 0.6
"""Per session: the default scenario needs about 0.19 GB by the budget's estimate and the
largest preset (``bottoms_up_exception``, with its firms founded over the run) 0.56 GB,
so every preset fits (``tests/test_budget.py``)."""
MEMORY_ENV = "SALESWEB_SESSION_MEMORY_GB"
JOBS_ENV = "SALESWEB_HEAVY_JOBS"
COMPARISON_CHUNK = 10
"""Weeks a comparison runs per turn at a heavy-work slot."""
WAIT = 0.2
"""Seconds between looks at a cancel flag while waiting for a slot."""


class Cancelled(Exception):
    """The work waiting for a slot was cancelled."""


def session_memory_gb() -> float:
    """Memory limit of one session's market, in GB."""
    return float(os.environ.get(MEMORY_ENV) or DEFAULT_SESSION_MEMORY_GB)


def heavy_jobs() -> int:
    """Heavy jobs at once over all sessions."""
    return int(os.environ.get(JOBS_ENV) or os.cpu_count() or 2)


_slots = threading.BoundedSemaphore(heavy_jobs())
_lock = threading.Lock()
_busy = 0


def configure(jobs: int) -> None:
    """Reset the slots to ``jobs`` (tests; the server sets it through the environment)."""
    global _slots, _busy
    with _lock:
        _slots = threading.BoundedSemaphore(jobs)
        _busy = 0


def busy() -> int:
    """Slots in use now."""
    return _busy


@contextmanager
def heavy_slot(cancelled: Callable[[], bool] | None = None) -> Iterator[None]:
    """Hold one heavy-work slot for the ``with`` body; wait for one if all are taken.

    Raises
    ------
    Cancelled
        ``cancelled()`` turned true while waiting.
    """
    with heavy_slots(1, cancelled):
        yield


@contextmanager
def heavy_slots(most: int, cancelled: Callable[[], bool] | None = None) -> Iterator[int]:
    """Hold between one and ``most`` heavy-work slots; yield how many.

    Waits for the first slot as :func:`heavy_slot` does, then takes as many more as
    are free at that moment without waiting: a study of many runs uses every core of
    an idle server and one core of a busy one, and the sessions building markets or
    running comparisons keep their turns.

    Raises
    ------
    Cancelled
        ``cancelled()`` turned true while waiting for the first slot.
    """
    global _busy
    slots = _slots
    while not slots.acquire(timeout=WAIT):
        if cancelled is not None and cancelled():
            raise Cancelled
    held = 1
    while held < most and slots.acquire(blocking=False):
        held += 1
    with _lock:
        _busy += held
    try:
        yield held
    finally:
        with _lock:
            _busy -= held
        for _ in range(held):
            slots.release()
