"""Provenance: every stored run was computed by the sweep's model, wherever it ran.

A real cluster on 127.0.0.1 (a scheduler and workers as separate processes, as
``tests/test_sweep_engines.py`` starts them), with one worker started from a copy of
the code whose ``sim/economics.py`` buys 1.5 times the marketing reach: another
model version. The stored runs must equal a serial sweep of the same spec, run key
for run key, and name the sweep's model version; the foreign worker must be seen and
refused, whether it is there from the start or joins mid-sweep.
"""

from __future__ import annotations

import threading

import pandas as pd
import pytest
from sweep_support import comparable, dask_cluster, dask_worker, patched_copy, wait_for, write_spec

from experiments.sweep import load_spec
from experiments.sweep.cluster import DaskEngine, live_workers
from experiments.sweep.local import EngineError, SerialEngine
from experiments.sweep.run import RunResult, execute, provenance
from experiments.sweep.runner import plan_runs, run_sweep
from experiments.sweep.seeding import model_version
from experiments.sweep.store import ProvenanceError, Store

PATCH = (
    "sim/economics.py",
    "return vendor.marketing_reach * spend / (spend + model.marketing_saturation)",
    "return 1.5 * vendor.marketing_reach * spend / (spend + model.marketing_saturation)",
)
PROVENANCE = ("model_version", "host", "python_version", "numpy_version", "mesa_version")


def _summary(folder) -> pd.DataFrame:
    frame = pd.read_parquet(folder / "summary")
    return comparable(frame).sort_values("run_key").reset_index(drop=True)


def _reference(spec_path, tmp_path) -> pd.DataFrame:
    run_sweep(load_spec(spec_path), tmp_path / "serial", SerialEngine())
    return _summary(tmp_path / "serial")


def test_every_run_carries_the_provenance_of_the_process_that_ran_it(tmp_path):
    spec = load_spec(write_spec(tmp_path, replicates=1, n=4, size=30, steps=2))
    run_sweep(spec, tmp_path / "out", SerialEngine())
    summary = pd.read_parquet(tmp_path / "out" / "summary")
    assert set(PROVENANCE) <= set(summary.columns)
    for column in PROVENANCE:
        assert (summary[column] == provenance()[column]).all(), column
    assert (summary["model_version"] == model_version()).all()
    assert (summary["run_seconds"] > 0).all()


def test_a_worker_of_another_version_refuses_the_task_and_the_store_refuses_its_result(
    tmp_path, monkeypatch
):
    spec = load_spec(write_spec(tmp_path, replicates=1, n=4, size=30, steps=2))
    task = plan_runs(spec)[1][0].task
    import experiments.sweep.run as run

    monkeypatch.setattr(run, "provenance", lambda: {**provenance(), "model_version": "x+edited"})
    refused = execute(task)
    assert refused.mismatch == "x+edited" and not refused.ok and refused.summary is None
    monkeypatch.undo()
    good = execute(task)
    forged = RunResult(good.key, {**good.summary, "model_version": "x+edited"}, good.series)
    store = Store(tmp_path / "store", model_version=task.model_version)
    store.open()
    with pytest.raises(ProvenanceError, match="x\\+edited"):
        store.write_result(forged)
    assert not store.finished_keys()
    store.write_result(good)
    assert store.finished_keys() == {good.key}


def test_mixed_version_cluster_nothing_foreign_enters_the_store(tmp_path):
    spec_path = write_spec(tmp_path, replicates=3, n=6, size=60, steps=4)
    reference = _reference(spec_path, tmp_path)
    patched = patched_copy(tmp_path, *PATCH)
    with dask_cluster(tmp_path, n_workers=1) as (scheduler_file, _):
        # a foreign worker from the start: seen when the engine connects, and by its tasks
        with dask_worker(scheduler_file, tmp_path, "foreign-early", code=patched):
            from distributed import Client

            with Client(scheduler_file=str(scheduler_file)) as client:
                client.wait_for_workers(2, timeout=60)
                theirs = client.run(provenance)
            versions = {p["model_version"] for p in theirs.values()}
            assert len(versions) == 2, "the patched copy must hash to another model version"
            engine = DaskEngine(scheduler_file=str(scheduler_file))
            outcome = run_sweep(load_spec(spec_path), tmp_path / "early", engine)
            assert outcome.failed == 0 and outcome.computed == len(reference)
            early = Store(tmp_path / "early").read_manifest()["rejected_workers"]
            assert len(early) == 1 and model_version() not in early.values()
        pd.testing.assert_frame_equal(_summary(tmp_path / "early"), reference)

        # a foreign worker that joins mid-sweep: the good worker is held busy until the
        # newcomer has been handed (and has refused) runs, so it surely receives some
        from distributed import Client, Event

        with Client(scheduler_file=str(scheduler_file)) as client:
            hold = Event("hold-the-good-worker", client=client)
            blocker = client.submit(hold.wait, 120, pure=False)
            wait_for(lambda: any(client.processing().values()), 30, "the good worker busy")
            engine = DaskEngine(scheduler_file=str(scheduler_file))
            late_spec = load_spec(write_spec(tmp_path, "late.toml", replicates=3, n=6, size=60,
                                             steps=4))  # fmt: skip
            box: dict = {}
            sweep = threading.Thread(
                target=lambda: box.update(outcome=run_sweep(late_spec, tmp_path / "late", engine)),
                daemon=True,
            )
            sweep.start()
            wait_for(lambda: engine.client is not None, 60, "the sweep connected")
            assert not engine.rejected  # only the good worker is there yet
            with dask_worker(scheduler_file, tmp_path, "foreign-late", code=patched):
                wait_for(lambda: engine.rejected, 60, "the late worker refused a run")
                hold.set()
                sweep.join(timeout=120)
            assert blocker.result() is True
        assert box["outcome"].failed == 0
        late = Store(tmp_path / "late").read_manifest()["rejected_workers"]
        assert len(late) == 1 and model_version() not in late.values()
        stored = _summary(tmp_path / "late")
        pd.testing.assert_frame_equal(stored, reference)
        assert (stored["model_version"] == model_version()).all()


def test_a_cluster_of_foreign_workers_only_is_refused_before_any_run(tmp_path):
    patched = patched_copy(tmp_path, *PATCH)
    spec = load_spec(write_spec(tmp_path, replicates=1, n=4, size=30, steps=2))
    with (
        dask_cluster(tmp_path, n_workers=0) as (scheduler_file, _),
        dask_worker(scheduler_file, tmp_path, "foreign", code=patched),
    ):
        from distributed import Client

        with Client(scheduler_file=str(scheduler_file)) as client:
            client.wait_for_workers(1, timeout=60)
        engine = DaskEngine(scheduler_file=str(scheduler_file))
        with pytest.raises(EngineError, match="run model version"):
            run_sweep(spec, tmp_path / "out", engine)
    assert not (tmp_path / "out").exists()


def test_a_worker_that_joins_mid_sweep_takes_runs(tmp_path):
    """The Kubernetes or Slurm case: workers arrive while the sweep runs, and help."""
    spec_path = write_spec(tmp_path, replicates=3, n=6, size=60, steps=4)
    reference = _reference(spec_path, tmp_path)
    from distributed import Client, Event

    with (
        dask_cluster(tmp_path, n_workers=1) as (scheduler_file, _),
        Client(scheduler_file=str(scheduler_file)) as client,
    ):
        first = set(live_workers(client))
        hold = Event("hold-the-first-worker", client=client)
        blocker = client.submit(hold.wait, 120, pure=False)
        wait_for(lambda: any(client.processing().values()), 30, "the first worker busy")
        engine = DaskEngine(scheduler_file=str(scheduler_file))
        box: dict = {}
        sweep = threading.Thread(
            target=lambda: box.update(
                outcome=run_sweep(load_spec(spec_path), tmp_path / "late", engine)
            ),
            daemon=True,
        )
        sweep.start()
        with dask_worker(scheduler_file, tmp_path, "late-good"):
            # runs are stored while the first worker is still held: the newcomer ran them
            stored = lambda: len(Store(tmp_path / "late").finished_keys()) >= 3  # noqa: E731
            wait_for(stored, 60, "runs stored by the late worker")
            hold.set()
            sweep.join(timeout=120)
            assert blocker.result() is True
        outcome = box["outcome"]
    by = {r.worker for r in outcome.results}
    assert outcome.failed == 0 and by - first  # the newcomer ran some of them
    assert not engine.rejected
    pd.testing.assert_frame_equal(_summary(tmp_path / "late"), reference)


class _ClientWithAStaleIdentity:
    """A client whose cached identity lists no workers, as distributed's two-second
    refresh leaves it (``experiments.sweep.cluster.live_workers``), while the
    scheduler holds two: a good one and the foreign one that refused a run."""

    def __init__(self):
        self.submitted: list[dict] = []

    def scheduler_info(self):
        return {"workers": {}}

    def nthreads(self):
        return {"tcp://127.0.0.1:1": 1, "tcp://127.0.0.1:2": 1}

    def submit(self, fn, *args, **kw):
        self.submitted.append(kw)
        return kw["key"]


def test_a_refused_run_goes_to_a_good_worker_whatever_the_client_cached():
    """CI, 2026-12-05: a sweep with a good worker was told that every worker ran another
    model version, because the worker list came from the client's refreshed cache."""
    engine = DaskEngine(scheduler_file="unused")
    engine._client = client = _ClientWithAStaleIdentity()
    engine._resubmit("tcp://127.0.0.1:2", "0.1.0+other", "salesweb-run-k", print, "task")
    assert client.submitted[0]["workers"] == ["tcp://127.0.0.1:1"]
    assert engine.rejected == {"tcp://127.0.0.1:2": "0.1.0+other"}
    with pytest.raises(EngineError, match="every Dask worker runs another model version"):
        engine._resubmit("tcp://127.0.0.1:1", "0.1.0+other", "salesweb-run-k", print, "task")
