"""The Dask engine: runs on a ``distributed`` cluster, results stored by this process.

Workers return each run's tables to the client, which writes the part files: the
workers need no shared file system with the machine that holds the sweep folder (a
run's tables are tens of kilobytes). A worker that dies mid-run is the scheduler's
business: it reruns the task elsewhere (Dask retries a task whose workers died up to
``distributed.scheduler.allowed-failures`` times, then reports ``KilledWorker``, which
is recorded as that run's failure).

Functions sent to the cluster come from this installed package, because the
scheduler and workers unpickle them by reference; before any run the engine asks a
worker for its model version and refuses a cluster that runs another model.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from experiments.sweep.local import EngineError
from experiments.sweep.run import RunResult, RunTask, execute, failure_meta, light
from experiments.sweep.seeding import model_version
from experiments.sweep.store import Store

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

    def open(self) -> None:
        """Connect (or start the local cluster) and check the workers' model version.

        Raises
        ------
        EngineError
            The scheduler cannot be reached, or its workers cannot run this model.
        """
        if self._client is None:
            self._client = self._connect()

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

                self._cluster = LocalCluster(
                    n_workers=self.workers or os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
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
            theirs = client.submit(model_version, pure=False).result()
        except Exception as exc:  # noqa: BLE001 - any failure here means: not usable
            client.close()
            raise EngineError(
                f"the Dask cluster cannot run Sales Web ({type(exc).__name__}: {exc}); "
                "install the same salesweb package on the scheduler and every worker"
            ) from None
        if theirs != model_version():
            client.close()
            raise EngineError(
                f"Dask workers run model version {theirs}, this machine {model_version()}; "
                "install the same Sales Web on the workers"
            )
        if self.workers is None:
            self.workers = len(client.scheduler_info().get("workers", {})) or 1
        return client

    def run(self, tasks: Sequence[RunTask], store: Store) -> Iterator[RunResult]:
        """Submit every run, store each result as it arrives, yield its status."""
        from distributed import as_completed

        self.open()
        client = self._client
        try:
            futures = client.map(execute, tasks, key=[f"salesweb-run-{t.key}" for t in tasks])
            by_key = {f.key: t for f, t in zip(futures, tasks, strict=True)}
            for future in as_completed(futures):
                task = by_key[future.key]
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker and friends
                    result = RunResult(
                        task.key, error=f"{type(exc).__name__}: {exc}", worker="dask"
                    )
                future.release()
                store.write_result(result, failure_meta(task))
                yield light(result)
        finally:
            self.close()
