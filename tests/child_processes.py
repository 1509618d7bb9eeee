"""Servers and workers the tests start die with the test process that started them.

A test's fixture stops its app server, Dask scheduler or worker at teardown, but a
pytest killed with SIGTERM (CI's time limit, ``timeout``, a stopped job) runs no
teardown, and the server it started kept its port and its memory until someone killed
it by hand (seen in the eleventh session). Called for ``preexec_fn`` of
``subprocess.Popen``, :func:`die_with_parent` asks Linux to send the child SIGTERM when
its parent dies (``prctl(PR_SET_PDEATHSIG)``); the setting survives the ``execve`` of
``python -m gui.server`` into uvicorn. Elsewhere it does nothing.

The signal follows the *thread* that started the child: start these processes from
the test's own thread, as the fixtures do, not from a helper thread that ends first.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` for a child of this process: SIGTERM to the child when this
    process dies. A child whose parent died before the request took effect exits at
    once. None (no ``preexec_fn``) where Linux's ``prctl`` is not there.
    """
    if _LIBC is None:
        return None
    parent = os.getpid()

    def in_the_child() -> None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))
        if os.getppid() != parent:
            os._exit(1)

    return in_the_child
