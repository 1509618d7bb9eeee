"""Freeze what a worker process holds for life, so that full collections skip it.

A process that runs markets holds, once its modules are imported and its compiled
kernels loaded, some 126,000 objects that Python's garbage collector tracks
(functions, types, module dictionaries: ``len(gc.get_objects())`` after
``import sim.model``; 178,000 once a 100,000-employee market is built). They live as
long as the process, yet every full collection walks them all: about 45 ms on the
2026 host, once or twice in a 260-week run of 100,000 employees, a tenth of its CPU
(docs/performance.md, "Skipping to the next event, and long-lived objects"). ``gc.freeze()`` moves them to the
permanent generation, which no collection visits; objects made afterwards, a
market's included, are collected as before.

Python's documentation recommends it for exactly this case, a parent that imports
once and then forks workers (the study pool's forkserver,
:mod:`experiments.study_preload`), and it suits a spawned worker that imports once
and then runs markets until it ends (a sweep's). The library never calls it by
itself: the process that builds a market (a notebook, a test) may hold objects of
its own that it expects to be collected.
"""

from __future__ import annotations

import gc

_frozen = False


def freeze_long_lived() -> None:
    """Collect once, then freeze every object alive now; later calls do nothing.

    Call it in a worker process after its imports and warm-up, before its first
    market: anything alive at the call is never collected afterwards, so a second
    call (after a market was built) would keep that market's cycles for good.
    """
    global _frozen
    if _frozen:
        return
    gc.collect()  # what is garbage already must not be frozen
    gc.freeze()
    _frozen = True


def frozen() -> bool:
    """Whether this process (or the parent it was forked from) froze its objects."""
    return _frozen
