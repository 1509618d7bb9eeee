"""Local engines: worker processes on this machine, or this process alone.

:class:`LocalEngine` runs a :class:`concurrent.futures.ProcessPoolExecutor` with the
``spawn`` start method (as ``mesa.batch_run`` does: no state inherited from the
parent). Each worker stores its own runs' part files, so writing costs the parent
nothing. If a worker dies (killed, out of memory), the pool is rebuilt and the runs not
yet stored are submitted again, up to ``max_restarts`` times. Workers exit on their own
when the parent dies (a watchdog thread), so a killed sweep leaves no orphans.
:class:`SerialEngine` runs in this process: for debugging (``--workers 0``) and tests.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from experiments.sweep.run import RunResult, RunTask, execute, failure_meta, light, warm_up
from experiments.sweep.store import Store
from sim.long_lived import freeze_long_lived

WATCHDOG_SECONDS = 0.5


class EngineError(RuntimeError):
    """The engine cannot go on (workers keep dying, the cluster is unreachable)."""


class SerialEngine:
    """Run every task in this process, one after the other."""

    name = "serial"
    workers = 1

    def open(self) -> None:
        """Nothing to start: runs happen in this process."""

    def close(self) -> None:
        """Nothing to stop."""

    def run(self, tasks: Sequence[RunTask], store: Store) -> Iterator[RunResult]:
        """Run and store each task in turn; yield its status."""
        for task in tasks:
            result = execute(task)
            store.write_result(result, failure_meta(task))
            yield light(result)


class LocalEngine:
    """Worker processes on this machine.

    Parameters
    ----------
    workers : int or None
        Number of processes; None: every core (``os.cpu_count()``).
    max_restarts : int
        How often the pool may be rebuilt after a worker died before the sweep stops
        (the runs stored so far are kept; ``--resume`` goes on from there).
    """

    name = "local"

    def __init__(self, workers: int | None = None, max_restarts: int = 3):
        self.workers = workers or os.cpu_count() or 1
        self.max_restarts = max_restarts

    def open(self) -> None:
        """Nothing to start yet: the pool starts with the first batch of runs."""

    def close(self) -> None:
        """Nothing to stop: the pool stops when its batch is done."""

    def run(self, tasks: Sequence[RunTask], store: Store) -> Iterator[RunResult]:
        """Run the tasks on the pool (rebuilt if a worker dies); yield each status."""
        pending = {t.key: t for t in tasks}
        restarts = 0
        while pending:
            try:
                yield from self._run_pool(list(pending.values()), store, pending)
            except BrokenProcessPool:
                restarts += 1
                finished = store.finished_keys()
                for key in [k for k in pending if k in finished]:
                    pending.pop(key)  # stored by a worker whose answer was lost
                    yield RunResult(key, worker="recovered")
                if restarts > self.max_restarts and pending:
                    raise EngineError(
                        f"worker processes died {restarts} times; {len(pending)} runs were not "
                        "run (the finished ones are stored: run again with --resume)"
                    ) from None

    def _run_pool(
        self, tasks: list[RunTask], store: Store, pending: dict[str, RunTask]
    ) -> Iterator[RunResult]:
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(
            max_workers=min(self.workers, len(tasks)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(os.getpid(),),
        )
        try:
            futures = {pool.submit(run_and_store, t, str(store.folder)) for t in tasks}
            while futures:
                done, futures = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    result = future.result()
                    pending.pop(result.key, None)
                    yield result
        finally:
            # On Ctrl-C or an error: cancel what has not started, let running runs
            # finish and store themselves.
            pool.shutdown(wait=True, cancel_futures=True)


def run_and_store(task: RunTask, folder: str) -> RunResult:
    """Worker side: run, store the parts, send back only the status and timing."""
    result = execute(task)
    Store(folder, task.model_version).write_result(result, failure_meta(task))
    return light(result)


def _init_worker(parent_pid: int) -> None:
    # Ctrl-C reaches the whole process group: the parent decides, workers finish runs.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    warm_up()
    freeze_long_lived()  # its imports and kernels live as long as it does (sim.long_lived)


def _watch_parent(parent_pid: int) -> None:
    """Exit when the parent is gone (SIGKILL leaves workers blocked on a queue otherwise)."""
    while os.getppid() == parent_pid:
        time.sleep(WATCHDOG_SECONDS)
    os._exit(1)
