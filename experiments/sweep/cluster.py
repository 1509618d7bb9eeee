"""The Dask engine: runs on a ``distributed`` cluster.

On a remote cluster, workers return each run's tables to the client, which writes the
part files: the workers need no shared file system with the machine that holds the
sweep folder (a run's tables are tens of kilobytes). On the ``LocalCluster`` that
``--scheduler local`` starts, workers write their own part files, as the local
engine's do, which leaves the client's core to the runs. A worker that dies mid-run is the scheduler's
business: it reruns the task elsewhere (Dask retries a task whose workers died up to
``distributed.scheduler.allowed-failures`` times, then reports ``KilledWorker``, which
is recorded as that run's failure).

Functions sent to the cluster come from this installed package, because the
scheduler and workers unpickle them by reference.

Provenance is checked on every task, not once per cluster: each run compares the
model version of the worker that holds it (a hash of that worker's own ``sim`` and
``agents`` sources) with the sweep's, and refuses at once if they differ. The engine
then notes the worker as foreign and submits the run again restricted to the workers
not known to be foreign; a worker that joins mid-sweep is checked by the first task it
receives, before any of its results can be stored. When no compatible worker is left
the sweep stops with an ``EngineError`` (the runs stored so far are kept). A worker
from a release without this check cannot even unpickle :func:`dask_task`, so its
tasks fail rather than store anything. Foreign workers are listed in the manifest
(``rejected_workers``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from experiments.sweep.local import EngineError
from experiments.sweep.run import RunResult, RunTask, execute, failure_meta, light, provenance
from experiments.sweep.seeding import model_version
from experiments.sweep.store import Store

LOCAL_CLUSTER_CONFIG = {
    # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which returns freed
    # memory to the system eagerly; this model allocates arrays every step, and with it
    # a default run took 1.55 times the CPU time here (0.58 s against 0.37 s). None
    # leaves glibc's own adaptive threshold.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    # The statistical profiler samples every worker thread each 10 ms; no sweep reads it.
    "distributed.worker.profile.enabled": False,
}
"""Settings of the ``LocalCluster`` that ``--scheduler local`` starts."""
CONNECT_TIMEOUT = 20.0
"""Seconds to reach a scheduler (a busy cluster on a slow network may need that long)."""
WORKER_WAIT_SECONDS = 60


class DaskEngine:
    """Run on a Dask cluster.

    Parameters
    ----------
    address : str
        ``tcp://HOST:PORT`` of a running scheduler, or ``"local"`` to start a
        ``distributed.LocalCluster`` of ``workers`` single-threaded processes.
    workers : int or None
        Worker processes of the local cluster (default: every core). Ignored for a
        remote scheduler, which has the workers it has.
    scheduler_file : str or None
        Path of a scheduler file (``dask scheduler --scheduler-file``) instead of an address.
    connect_timeout : float
        Seconds to wait for the scheduler before giving up.
    """

    name = "dask"

    def __init__(
        self,
        address: str | None = None,
        workers: int | None = None,
        scheduler_file: str | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
    ):
        self.address = address
        self.scheduler_file = scheduler_file
        self.workers = workers
        self.connect_timeout = connect_timeout
        self._cluster: Any = None
        self._client: Any = None
        self.rejected: dict[str, str] = {}
        """Address -> model version of every worker found running another model."""
        self._retries = 0
        self._batches = 0
        self._token = uuid.uuid4().hex[:12]  # map keys unique to this client

    def open(self) -> None:
        """Connect (or start the local cluster) and check the workers' model version.

        Raises
        ------
        EngineError
            The scheduler cannot be reached, or its workers cannot run this model.
        """
        if self._client is None:
            self._client = self._connect()

    @property
    def client(self):
        """The ``distributed.Client`` once :meth:`open` has connected, else None."""
        return self._client

    def close(self) -> None:
        """Disconnect; stop the local cluster if this engine started it."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def _connect(self):
        from distributed import Client, LocalCluster

        try:
            if self.address == "local":
                import os

                import dask

                with dask.config.set(LOCAL_CLUSTER_CONFIG):
                    self._cluster = LocalCluster(
                        n_workers=self.workers or os.cpu_count() or 1,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",  # this machine only
                        # an ephemeral port: no clash with a dashboard already on 8787
                        dashboard_address="127.0.0.1:0",
                    )
                client = Client(self._cluster)
            elif self.scheduler_file is not None:
                client = Client(scheduler_file=self.scheduler_file, timeout=self.connect_timeout)
            else:
                client = Client(self.address, timeout=self.connect_timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            where = self.scheduler_file or self.address
            raise EngineError(f"cannot reach the Dask scheduler at {where}: {exc}") from None
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
            theirs = client.run(provenance)  # every worker present now
        except Exception as exc:  # noqa: BLE001 - any failure here means: not usable
            client.close()
            raise EngineError(
                f"the Dask cluster cannot run Sales Web ({type(exc).__name__}: {exc}); "
                "install the same salesweb package on the scheduler and every worker"
            ) from None
        mine = model_version()
        self.rejected.update(
            {a: p["model_version"] for a, p in theirs.items() if p["model_version"] != mine}
        )
        if len(self.rejected) == len(theirs):
            client.close()
            found = ", ".join(sorted(set(self.rejected.values())))
            raise EngineError(
                f"Dask workers run model version {found}, this machine {mine}; "
                "install the same Sales Web on the workers"
            )
        if self.workers is None:
            self.workers = len(live_workers(client)) or 1
        return client

    def run(self, tasks: Sequence[RunTask], store: Store) -> Iterator[RunResult]:
        """Submit every run, store each result as it arrives, yield its status."""
        from distributed import as_completed

        self.open()
        client = self._client
        # Our own LocalCluster shares this machine's disk: its workers store their runs,
        # as the local engine's do; a remote cluster sends the tables back to be stored.
        stored_by_workers = self._cluster is not None
        folder = str(store.folder) if stored_by_workers else None
        keys = [f"salesweb-run-{t.key}" for t in tasks]
        try:
            futures = client.map(dask_task, tasks, folder=folder, key=keys, pure=False)
            by_key = {f.key: t for f, t in zip(futures, tasks, strict=True)}
            pending = as_completed(futures)
            for future in pending:
                task = by_key.pop(future.key)
                stored = stored_by_workers
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker and friends
                    result = RunResult(
                        task.key, error=f"{type(exc).__name__}: {exc}", worker="dask"
                    )
                    stored = False
                future.release()
                if result.mismatch is not None:
                    retry = self._resubmit(
                        result.worker, result.mismatch, f"salesweb-run-{task.key}",
                        dask_task, task, folder=folder,
                    )  # fmt: skip
                    by_key[retry.key] = task
                    pending.add(retry)
                    continue
                if not stored:
                    store.write_result(result, failure_meta(task))
                yield light(result)
        finally:
            self.close()

    def map(
        self, func: Callable[[Any], Any], items: Sequence[Any], name: str = "call"
    ) -> Iterator[Any]:
        """``func(item)`` for every item on the cluster, yielded as each arrives.

        The per-task version check of :meth:`run` applies: a worker running another
        model refuses the call (:func:`dask_call`), is noted as foreign, and the call
        is submitted again to the others. ``func`` must come from the installed package
        (workers unpickle it by reference). Unlike :meth:`run` this leaves the
        connection open, for a caller that maps batch after batch (``salesweb
        optimize``); :meth:`close` ends it.

        Raises
        ------
        EngineError
            The cluster cannot be reached, no compatible worker is left, or a call
            failed there (a worker died more often than Dask retries, or ``func`` raised).
        """
        from distributed import as_completed

        self.open()
        version = model_version()
        self._batches += 1
        keys = [f"salesweb-{name}-{self._token}-{self._batches}-{i}" for i in range(len(items))]
        futures = self._client.map(
            dask_call, items, call=func, model_version=version, key=keys, pure=False
        )
        pending = as_completed(futures)
        submitted = list(futures)
        try:
            for future in pending:
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker, or func raised
                    raise EngineError(
                        f"a run failed on the Dask cluster ({type(exc).__name__}: {exc})"
                    ) from None
                future.release()
                if isinstance(result, Refused):
                    retry = self._resubmit(result.worker, result.version, future.key, dask_call,
                                           result.item, call=func, model_version=version)  # fmt: skip
                    submitted.append(retry)
                    pending.add(retry)
                    continue
                yield result
        finally:  # an abandoned batch (an error, Ctrl-C) leaves nothing queued on the cluster
            for future in submitted:
                if not future.done():
                    future.cancel()

    def _resubmit(self, worker: str, version: str, key: str, fn: Callable, *args: Any, **kw: Any):
        """Note the foreign worker; submit ``fn(*args, **kw)`` again on workers not known
        to be foreign (shared by :meth:`run` and :meth:`map`)."""
        self.rejected[worker] = version or "?"
        good = [a for a in live_workers(self._client) if a not in self.rejected]
        if not good:
            raise EngineError(
                f"every Dask worker runs another model version than this machine "
                f"({model_version()}): {', '.join(sorted(set(self.rejected.values())))}; "
                "the runs stored so far are kept"
            )
        self._retries += 1
        return self._client.submit(
            fn,
            *args,
            key=f"{key}-retry-{self._retries}",
            workers=good,
            allow_other_workers=False,
            pure=False,
            **kw,
        )


def live_workers(client) -> list[str]:
    """The addresses of the workers the scheduler holds now, asked of it afresh.

    Not ``client.scheduler_info()["workers"]``: the client refreshes that cache every
    two seconds with the workers left out (distributed 2026.8, ``_update_scheduler_info``
    called with ``n_workers=0``), and a refresh landing between the call's own fetch
    and its return hands back no workers. CI's log of 2026-12-05 shows it: a sweep with
    one good worker was told every worker ran another model version.
    """
    return list(client.nthreads())


@dataclass(frozen=True)
class Refused:
    """A call a worker refused because it runs another model version (:func:`dask_call`)."""

    worker: str
    version: str
    item: Any


def dask_call(item: Any, call: Callable[[Any], Any], model_version: str) -> Any:
    """Worker side of :meth:`DaskEngine.map`: ``call(item)`` if this worker runs
    ``model_version`` (a hash of its own ``sim`` and ``agents``), else :class:`Refused`."""
    from distributed import get_worker

    mine = provenance()["model_version"]
    if mine != model_version:
        return Refused(get_worker().address, mine, item)
    return call(item)


def dask_task(task: RunTask, folder: str | None = None) -> RunResult:
    """Worker side: run ``task`` here; store it if ``folder`` is given (a local cluster).

    A refused task (``mismatch``: this worker runs another model version) comes back
    with this worker's address and is never stored.
    """
    from distributed import get_worker

    result = execute(task)
    result.worker = get_worker().address
    if result.mismatch is not None or folder is None:
        return result
    Store(folder, task.model_version).write_result(result, failure_meta(task))
    return light(result)
