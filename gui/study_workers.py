"""The browser server's kept pool of study workers (issue 22, point 2).

One :class:`experiments.study_pool.WarmPool` per server process, with one worker per
heavy-work slot (:func:`gui.limits.heavy_jobs`), warmed in the background when the
server starts (:func:`warm_if_serving`, called by ``gui.app``): a Decide study then
starts on workers that hold the model and its loaded kernels (forked from a forkserver
that loaded them once, :mod:`experiments.study_preload`), and never imports it again.
A study holding ``k`` slots keeps at most ``k`` runs in flight on it (:mod:`gui.limits`).
The idle workers share the forkserver's pages: about 0.05 GB each of proportional
memory (PSS) and 0.07 GB for the forkserver (0.13 and 0.07 GB before they shared the
loaded model), for the server's lifetime.
"""

from __future__ import annotations

import os

from experiments.study_pool import WarmPool, shared
from gui.limits import JOBS_ENV, heavy_jobs


def pool() -> WarmPool:
    """The server's pool (made on first use)."""
    return shared(heavy_jobs())


def warm_if_serving() -> bool:
    """Start the pool's workers in the background when this process is the server
    (``gui.server`` sets :data:`gui.limits.JOBS_ENV`); True if it did."""
    if not os.environ.get(JOBS_ENV):
        return False
    pool().warm_in_background()
    return True
