"""A warm pool of study workers: started once, reused by every study (issue 22, point 2).

A study of 3 options x 20 seeds is 60 runs of well under a second each, so what a
fresh pool of spawned workers costs is not small beside it: each worker starts Python
and imports numpy, pandas, scipy, Mesa and the model (about 1.7 s of CPU, measured with
``/usr/bin/time python -c "import experiments.study"``), and ``spawn`` imports the
parent's main module too (the CLI: another 0.8 s). Here:

* workers are forked from a **forkserver** that imported :mod:`experiments.study` and
  the model, and loaded the model's compiled kernels, once (``set_forkserver_preload``,
  :mod:`experiments.study_preload`): a new worker starts with all of it and its first
  run loads and compiles nothing; the forkserver is a fresh single-threaded process,
  so forking from it is safe in the threaded browser server (a plain ``fork`` of the
  server is not). ``salesweb study`` starts it before its own imports
  (:func:`start_forkserver`) and validates its options on a worker
  (``checks_markets``), so its own process never imports the model;
* a :class:`WarmPool` keeps its workers between studies: ``salesweb study`` starts its
  workers (:meth:`WarmPool.warm_in_background`) before it checks its input; the
  browser server keeps one pool (:func:`shared`, one worker per heavy-work slot) for
  its lifetime, warmed when the server starts, and nothing is imported per run;
* a study holding ``k`` heavy-work slots keeps at most ``k`` runs in flight, however
  many workers the pool has, so the slots (:mod:`gui.limits`) still bound the cores
  studies take; each study has its own cancel flag and week counter (a *channel* of
  two shared arrays), so studies of two sessions can share the pool.

A worker that dies (killed, out of memory) breaks the pool: its unfinished runs are run
again on a fresh pool, as before (:data:`experiments.study.MAX_RETRIES`).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

PRELOAD = ["experiments.study", "experiments.study_preload"]
"""Modules the forkserver imports once, so every worker forked from it has them: the
study's code, and the model with its compiled kernels loaded (:mod:`experiments.study_preload`)."""
CHANNELS = 32
"""Studies that may use one pool at once (each has a cancel flag and a week counter)."""
POLL = 0.2
"""Seconds between looks at progress and at the caller's cancel."""

_context: Any = None
_context_lock = threading.Lock()


def context(also_preload: tuple[str, ...] = ()) -> Any:
    """The forkserver context, with :data:`PRELOAD` set before its server starts.

    A process has one forkserver, and the first caller's preload list is the one it
    starts with: every user of the forkserver in the project goes through here, so the
    study's workers always find the kernels loaded. ``also_preload`` adds modules when
    this call is the one that sets the list (the fuzz tests' invariants); a later
    caller's are imported by its children when they need them.
    """
    global _context
    with _context_lock:
        if _context is None:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload([*PRELOAD, *also_preload])
            _context = ctx
        return _context


def start_forkserver() -> None:
    """Start the forkserver now, without waiting for its imports (:data:`PRELOAD`).

    ``salesweb study`` calls it before it imports the rest of the CLI
    (``experiments/cli/__init__.py``), so the forkserver loads the model and its kernels
    on one core while the CLI imports, checks its input and validates the options on
    the other; the pool made later forks its workers from it. Nothing happens in a
    process that is itself being started by multiprocessing (a worker that re-runs the
    ``salesweb`` script as its main module), nor when one is running already. If no
    pool follows (an input error), the forkserver exits by itself once its imports are
    done, as it does when its owner ends.
    """
    from multiprocessing import forkserver

    if mp.parent_process() is not None or getattr(mp.current_process(), "_inheriting", False):
        return
    context()
    forkserver.ensure_running()


def stop_forkserver() -> None:
    """Kill this process's forkserver now: ``salesweb study`` stopped on an input error.

    While the forkserver :func:`start_forkserver` began is still importing the model, a
    worker the pool is starting waits for it, and the pool's shutdown waits for that
    worker; the forkserver also holds the command's output open (it inherits it). So
    the command ended seconds after its one error line (measured with
    ``/usr/bin/time salesweb study --option "x: strategy=direct" --seed -1``: 5-7 s
    before, 2.2 s after). Call it before the pool's shutdown; no pool uses it then.
    The process is not reaped here: should this process start another pool,
    ``forkserver.ensure_running`` finds it dead, reaps it and starts a new one.
    """
    import signal
    from multiprocessing import forkserver

    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


# ------------------------------------------------------------------ in the workers
_FLAGS: Any = None
_WEEKS: Any = None


def _init_worker(flags: Any, weeks: Any, owner: int | None = None) -> None:
    global _FLAGS, _WEEKS
    _FLAGS, _WEEKS = flags, weeks
    if owner is not None:
        threading.Thread(target=_exit_with_owner, args=(owner,), daemon=True).start()


def _exit_with_owner(owner: int) -> None:
    """End this worker once the process that owns the pool is gone, even killed
    outright (a kept worker must not outlive the browser server).

    Not the forkserver, the worker's parent: every process forked from it holds the
    pipe whose end tells it to exit, so it waits for its workers and they would wait
    for it (seen: orphaned forkservers and workers after a server was stopped).
    """
    while True:
        time.sleep(1.0)
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:  # the pid was reused by another user's process
            os._exit(0)


class _ChannelFlag:
    """``is_set()`` of one study's cancel flag."""

    def __init__(self, channel: int):
        self.channel = channel

    def is_set(self) -> bool:
        return bool(_FLAGS[self.channel])


class _ChannelCounter:
    """One study's week counter, with the lock and ``value`` of a ``multiprocessing.Value``."""

    def __init__(self, channel: int):
        self.channel = channel

    def get_lock(self) -> Any:
        return _WEEKS.get_lock()

    @property
    def value(self) -> int:
        return _WEEKS[self.channel]

    @value.setter
    def value(self, v: int) -> None:
        _WEEKS[self.channel] = v


def _run_in_channel(channel: int, task: tuple) -> Any:
    """Run :func:`experiments.study.run_one` reporting to ``channel``."""
    from experiments import study

    study._CANCEL, study._COUNTER = _ChannelFlag(channel), _ChannelCounter(channel)
    try:
        return study.run_one(task)
    finally:
        study._CANCEL = study._COUNTER = None


def _warm() -> int:
    """Build and step a one-enterprise market: starts the worker, and checks it can build
    (the forkserver did the imports and loaded the kernels: milliseconds)."""
    from experiments.study_preload import build_and_step

    build_and_step()
    return os.getpid()


# ------------------------------------------------------------------ in the caller
class WarmPool:
    """Worker processes kept between studies.

    Parameters
    ----------
    workers : int
        Processes of the pool (the browser server: its heavy-work slots).
    checks_markets : bool
        Whether a study validates its options' markets on a worker
        (:meth:`check_markets`) rather than in the caller: ``salesweb study``'s process
        then never imports the model nor Numba, which the workers hold already. The
        browser server, which has the model imported, validates in its own process.
    """

    def __init__(self, workers: int, checks_markets: bool = False):
        if workers < 1:
            raise ValueError(f"workers: {workers} is not allowed; expected at least 1")
        self.workers = int(workers)
        self.checks_markets = bool(checks_markets)
        ctx = context()
        self._flags = ctx.Array("b", CHANNELS, lock=False)
        self._weeks = ctx.Array("q", CHANNELS)
        self._free = list(range(CHANNELS))
        self._lock = threading.Lock()
        self._has_channel = threading.Condition(self._lock)
        self._executor: ProcessPoolExecutor | None = None
        self._closed = False
        self._warming: threading.Thread | None = None
        self.pools_started = 0
        """Executors started so far: 1 unless a worker died (tests read it)."""

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("study pool: closed")
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=context(),
                    initializer=_init_worker,
                    initargs=(self._flags, self._weeks, os.getpid()),
                )
                self.pools_started += 1
            return self._executor

    def _discard(self, broken: ProcessPoolExecutor) -> None:
        """Drop a broken pool. Its week counters move to a fresh shared array: a worker
        killed while it held the array's lock (it adds a week under it) would leave the
        lock held for ever, and the next pool's workers and this process waiting on it
        (CI, 2026-12-05: ``test_a_killed_worker_loses_nothing`` hung)."""
        with self._lock:
            if self._executor is broken:
                self._executor = None
                fresh = context().Array("q", CHANNELS)
                fresh.get_obj()[:] = self._weeks.get_obj()[:]  # read without the lock
                self._weeks = fresh
        broken.shutdown(wait=False, cancel_futures=True)

    def warm(self) -> list[Future]:
        """Start every worker now (without waiting): each imports the model and steps a
        tiny market. Returns the futures (their result is the worker's pid)."""
        pool = self._pool()
        return [pool.submit(_warm) for _ in range(self.workers)]

    def warm_in_background(self) -> threading.Thread:
        """:meth:`warm` from a thread: starting a worker waits for the forkserver's
        imports, which the caller overlaps with its own. A pool shut down meanwhile, or
        its forkserver killed (an input error: :func:`stop_forkserver`), ends the thread
        quietly."""

        def start() -> None:
            with contextlib.suppress(RuntimeError, BrokenProcessPool, EOFError, OSError):
                self.warm()

        thread = threading.Thread(target=start, name="warm study pool", daemon=True)
        self._warming = thread
        thread.start()
        return thread

    def check_markets(self, markets: list[dict[str, Any]]) -> None:
        """:func:`experiments.study.check_market` of each run's keyword arguments, on the
        workers (a one-enterprise build each, milliseconds on a warm worker); raises here
        what a build raised there. On a pool that broke meanwhile, checks them here."""
        from experiments.study import check_market

        pool = self._pool()
        try:
            futures = [pool.submit(check_market, kw) for kw in markets]
            for fut in futures:
                fut.result()
        except BrokenProcessPool:
            self._discard(pool)
            for kw in markets:
                check_market(kw)

    def pids(self) -> set[int]:
        """Process ids of the pool's live workers."""
        pool = self._executor
        return set() if pool is None else {p.pid for p in list(pool._processes.values())}

    @contextlib.contextmanager
    def _channel(self) -> Iterator[int]:
        with self._has_channel:
            while not self._free:
                self._has_channel.wait()
            ch = self._free.pop()
        self._flags[ch] = 0
        self._weeks.get_obj()[ch] = 0  # the parent never takes the lock a worker may hold
        try:
            yield ch
        finally:
            self._flags[ch] = 1  # runs of this study still in flight stop at their next week
            with self._has_channel:
                self._free.append(ch)
                self._has_channel.notify()

    def run(
        self,
        tasks: list[tuple],
        in_flight: int,
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
        total: int,
        retries: int,
    ) -> list[Any] | None:
        """Results of :func:`experiments.study.run_one` for ``tasks``, in their order.

        At most ``in_flight`` runs at once; ``progress(weeks_done, total)`` every
        :data:`POLL` seconds; None once ``cancelled()`` turns true. Runs lost to a dead
        worker are run again on a fresh pool, at most ``retries`` times.
        """
        in_flight = max(1, min(int(in_flight), self.workers))
        done: dict[int, Any] = {}
        steps = tasks[0][3] if tasks else 0
        attempts = 0
        with self._channel() as ch:
            while len(done) < len(tasks):
                pool = self._pool()
                todo = [i for i in range(len(tasks)) if i not in done]
                try:
                    if self._run_some(pool, ch, tasks, todo, done, in_flight, progress,
                                      cancelled, total):  # fmt: skip
                        return None
                except BrokenProcessPool:
                    self._discard(pool)
                    attempts += 1
                    if attempts > retries:
                        raise RuntimeError(
                            f"study: worker processes died {attempts} times; "
                            f"{len(done)} of {len(tasks)} runs finished"
                        ) from None
                    # finished runs count, unfinished start over; the pool that ran them
                    # is gone, so nothing else writes this channel's counter now
                    self._weeks.get_obj()[ch] = len(done) * steps
        if progress is not None:
            progress(total, total)
        return [done[i] for i in range(len(tasks))]

    def _run_some(self, pool, ch, tasks, todo, done, in_flight, progress, cancelled, total) -> bool:
        """Submit ``todo`` keeping ``in_flight`` running; True if cancelled."""
        waiting = list(reversed(todo))
        running: dict[Future, int] = {}
        while waiting or running:
            while waiting and len(running) < in_flight:
                i = waiting.pop()
                running[pool.submit(_run_in_channel, ch, tasks[i])] = i
            finished, _ = wait(list(running), timeout=POLL, return_when=FIRST_COMPLETED)
            for fut in finished:
                i = running.pop(fut)
                out = fut.result()
                if out is not None:
                    done[i] = out
            if progress is not None:
                progress(min(total, self._weeks.get_obj()[ch]), total)  # a read: no lock
            if cancelled is not None and cancelled():
                self._flags[ch] = 1
                for fut in running:
                    fut.cancel()
                return True
        return False

    def close(self, kill: bool = False, wait: float = 30.0) -> None:
        """Shut the pool down for good, and wait (at most ``wait`` seconds) for the thread
        :meth:`warm_in_background` started: ``salesweb study`` ends on an input error.

        Without it the warming thread could make a fresh executor after :meth:`shutdown`
        had taken the old one, while the interpreter exits; its queues' semaphores then
        die after the exit handlers ran, and the resource tracker prints "leaked
        semaphore objects" under the command's one error line (CI, 2026-12-05:
        ``test_cli_bad_input_is_one_error_line`` read five lines of stderr).
        """
        with self._lock:
            self._closed = True
        self.shutdown(kill=kill)
        thread = self._warming
        if thread is not None and thread is not threading.current_thread():
            thread.join(wait)
        self.shutdown(kill=kill)  # anything the thread started before it saw the pool closed

    def shutdown(self, kill: bool = False) -> None:
        """Stop the workers (the pool starts new ones if used again); ``kill`` ends them
        at once instead of letting them finish what they run (an input error)."""
        with self._lock:
            pool, self._executor = self._executor, None
        if pool is None:
            return
        if kill:
            for proc in list(pool._processes.values()):
                proc.kill()
        with contextlib.suppress(BrokenProcessPool):
            pool.shutdown(wait=True, cancel_futures=True)


_shared: WarmPool | None = None
_shared_lock = threading.Lock()


def shared(workers: int) -> WarmPool:
    """The process's kept pool (the browser server's), made on first use with
    ``workers`` processes (the server's heavy-work slots; later calls get the same)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = WarmPool(workers)
        return _shared
