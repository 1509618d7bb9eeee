"""Engines: local processes and a real Dask cluster give the same results; killed
sweeps and killed workers lose nothing.

Every subprocess here is started by the test on 127.0.0.1, bounded in time and
stopped by it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys

import pandas as pd
import pytest
from sweep_support import comparable, dask_cluster, subprocess_env, wait_for, write_spec
from typer.testing import CliRunner

import experiments
from experiments.cli import app
from experiments.sweep import load_spec
from experiments.sweep.cluster import DaskEngine
from experiments.sweep.local import LocalEngine, SerialEngine
from experiments.sweep.runner import run_sweep


def assert_same_results(a, b):
    pd.testing.assert_frame_equal(comparable(a.summary), comparable(b.summary))
    pd.testing.assert_frame_equal(a.series, b.series)


@pytest.mark.slow  # minutes: in make test (CI), not make test-quick (docs/performance.md)
def test_local_1_and_2_workers_and_dask_give_identical_results(tmp_path):
    """Serial, 1 and 2 local processes, a Dask cluster started by hand and a LocalCluster."""
    spec = load_spec(write_spec(tmp_path))
    run_sweep(spec, tmp_path / "serial", SerialEngine())
    reference = experiments.load(tmp_path / "serial")
    for workers in (1, 2):
        out = tmp_path / f"local{workers}"
        assert run_sweep(spec, out, LocalEngine(workers)).computed == 8
        assert_same_results(experiments.load(out), reference)
    with dask_cluster(tmp_path) as (scheduler_file, _):
        engine = DaskEngine(scheduler_file=str(scheduler_file))
        assert run_sweep(spec, tmp_path / "dask", engine).computed == 8
    assert_same_results(experiments.load(tmp_path / "dask"), reference)
    # --scheduler local: a LocalCluster whose workers store their own runs
    assert run_sweep(spec, tmp_path / "lc", DaskEngine("local", workers=2)).computed == 8
    assert_same_results(experiments.load(tmp_path / "lc"), reference)


@pytest.mark.slow  # minutes: in make test (CI), not make test-quick (docs/performance.md)
def test_a_dask_worker_killed_mid_sweep_its_runs_finish_elsewhere(tmp_path):
    spec = load_spec(write_spec(tmp_path, replicates=6, steps=60, n=15, size=300))
    killed = []
    with dask_cluster(tmp_path) as (scheduler_file, workers):

        def kill_one_worker(done, failed, total):
            if done >= 2 and not killed:
                workers[0].send_signal(signal.SIGKILL)
                killed.append(done)

        engine = DaskEngine(scheduler_file=str(scheduler_file))
        outcome = run_sweep(spec, tmp_path / "dask", engine, progress=kill_one_worker)
        assert workers[0].wait(timeout=10) == -signal.SIGKILL
    assert killed and killed[0] < 24  # the kill came mid-sweep
    assert (outcome.computed, outcome.failed) == (24, 0)
    run_sweep(spec, tmp_path / "serial", SerialEngine())
    assert_same_results(experiments.load(tmp_path / "dask"), experiments.load(tmp_path / "serial"))


def test_scheduler_local_starts_workers_without_dask_s_malloc_trim():
    """Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536, which made a run 1.55 times slower."""
    engine = DaskEngine("local", workers=1)
    engine.open()
    try:
        values = engine.client.run(os.getenv, "MALLOC_TRIM_THRESHOLD_")
        address = engine.client.scheduler.address
    finally:
        engine.close()
    assert list(values.values()) == [None]
    assert address.startswith("tcp://127.0.0.1:")
    assert os.getenv("MALLOC_TRIM_THRESHOLD_") is None  # nor set in this process


@pytest.mark.slow  # minutes: in make test (CI), not make test-quick (docs/performance.md)
def test_a_local_worker_killed_mid_sweep_the_pool_is_rebuilt(tmp_path):
    spec = load_spec(write_spec(tmp_path, replicates=5, steps=40, n=15, size=300))
    killed = []

    def kill_one_worker(done, failed, total):
        children = multiprocessing.active_children()
        if done >= 2 and not killed and children:
            os.kill(children[0].pid, signal.SIGKILL)
            killed.append(done)

    outcome = run_sweep(spec, tmp_path / "local", LocalEngine(2), progress=kill_one_worker)
    assert killed and killed[0] < 20
    assert outcome.failed == 0
    data = experiments.load(tmp_path / "local")
    assert len(data.summary) == 20 and data.summary["run_key"].is_unique


@pytest.mark.slow  # minutes: in make test (CI), not make test-quick (docs/performance.md)
def test_sigkill_then_resume_equals_an_uninterrupted_sweep(tmp_path):
    spec_path = write_spec(tmp_path, replicates=10, steps=80, n=20, size=400)
    out = tmp_path / "out"
    sweep = subprocess.Popen(
        [sys.executable, "-m", "experiments.cli", "sweep", str(spec_path), "--out", str(out)]
        + ["--workers", "1", "--quiet"],
        env=subprocess_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )

    def group_gone():
        try:
            os.killpg(sweep.pid, 0)
        except ProcessLookupError:
            return True
        return False

    parts = out / "summary"
    try:
        wait_for(lambda: parts.is_dir() and len(list(parts.glob("part-*"))) >= 3, 60, "parts")
        sweep.send_signal(signal.SIGKILL)
        sweep.wait(timeout=10)
        # the worker notices that its parent died and exits on its own
        wait_for(group_gone, 15, "the orphaned worker to exit")
    finally:
        if not group_gone():
            os.killpg(sweep.pid, signal.SIGKILL)
    kept = {p.name: p.stat().st_mtime_ns for p in parts.glob("part-*.parquet")}
    assert 3 <= len(kept) < 40, "the kill must come mid-sweep"

    result = CliRunner().invoke(app, ["sweep", "--resume", "--out", str(out), "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert f"{40 - len(kept)} computed, {len(kept)} reused, 0 failed" in result.output
    after = {p.name: p.stat().st_mtime_ns for p in parts.glob("part-*.parquet")}
    assert {k: after[k] for k in kept} == kept  # finished runs were not recomputed
    assert not list(out.rglob(".*.tmp"))

    run_sweep(load_spec(spec_path), tmp_path / "whole", SerialEngine())
    resumed, whole = experiments.load(out), experiments.load(tmp_path / "whole")
    assert len(resumed.summary) == 40 and resumed.summary["run_key"].is_unique
    assert_same_results(resumed, whole)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--resume"], "sweep folder"),  # and 'does not exist': o is never made
        ([], "give a sweep spec"),
        (["SPEC", "--scheduler", "nonsense"], "expected tcp://HOST:PORT or 'local'"),
        (["SPEC", "--scheduler", "local", "--scheduler-file", "f"], "not both"),
    ],
)
def test_cli_usage_errors_exit_2(tmp_path, args, message):
    args = [str(write_spec(tmp_path)) if a == "SPEC" else a for a in args]
    result = CliRunner().invoke(app, ["sweep", "--out", str(tmp_path / "o"), *args])
    assert result.exit_code == 2
    assert result.output.startswith("error:") and message in result.output


def test_resume_names_a_missing_folder_and_an_empty_one_apart(tmp_path):
    missing = CliRunner().invoke(app, ["sweep", "--resume", "--out", str(tmp_path / "o")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    (tmp_path / "empty").mkdir()
    empty = CliRunner().invoke(app, ["sweep", "--resume", "--out", str(tmp_path / "empty")])
    assert empty.exit_code == 2 and "holds no sweep to resume" in empty.output, empty.output


def test_an_unreachable_scheduler_fails_before_the_folder_is_made(tmp_path):
    from experiments.sweep.local import EngineError

    spec = load_spec(write_spec(tmp_path))
    engine = DaskEngine("tcp://127.0.0.1:9", connect_timeout=1)
    with pytest.raises(EngineError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        run_sweep(spec, tmp_path / "o", engine)
    assert not (tmp_path / "o").exists()


def test_cli_refuses_a_folder_holding_another_spec(tmp_path):
    out = str(tmp_path / "o")
    first = write_spec(tmp_path, "a.toml")
    second = write_spec(tmp_path, "b.toml", virality="[0.2]")
    assert (
        CliRunner().invoke(app, ["sweep", str(first), "--out", out, "--workers", "0"]).exit_code
        == 0
    )
    result = CliRunner().invoke(app, ["sweep", str(second), "--out", out, "--workers", "0"])
    assert result.exit_code == 2 and "--extend" in result.output
    result = CliRunner().invoke(
        app, ["sweep", str(second), "--out", out, "--workers", "0", "--extend"]
    )
    assert result.exit_code == 0 and "4 computed, 0 reused" in result.output
