"""``salesweb optimize`` on the sweeps' Dask engine: the same trials as the local engine.

A real cluster on 127.0.0.1 (a scheduler and workers as separate processes, started
and stopped by the test as ``tests/test_sweep_engines.py`` does), one of whose workers
runs another model version (a copy of the code whose marketing buys 1.5 times the
reach, as in ``tests/test_sweep_provenance.py``): it must be refused task by task,
so the search equals the local one trial for trial on the same seeds.
"""

from __future__ import annotations

import subprocess
import sys
from functools import partialmethod

import pandas as pd
import pytest
from sweep_support import dask_cluster, dask_worker, patched_copy, subprocess_env, wait_for
from test_optimize import run_cli, small_plan
from test_sweep_provenance import PATCH

from experiments.optimize.run import optimize
from experiments.optimize.search import JOURNAL, journal_backend
from experiments.sweep.cluster import DaskEngine
from experiments.sweep.seeding import model_version


def complete_trials(folder) -> list[dict]:
    """The plans of the complete trials in a search folder's journal, in order."""
    import optuna
    from optuna.storages import JournalStorage

    if not (folder / JOURNAL).exists():
        return []
    storage = JournalStorage(journal_backend(folder))
    study = optuna.load_study(study_name="salesweb-optimize", storage=storage)
    return [t.params for t in study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))]


def test_dask_search_equals_the_local_one_trial_for_trial(tmp_path, capsys):
    small = {"held_out_seeds": 2, "steps": 13}
    local = optimize(
        small_plan(workers=1, **small), tmp_path / "local"
    )  # batches of 2, as 2 workers
    patched = patched_copy(tmp_path, *PATCH)
    with (
        dask_cluster(tmp_path, n_workers=1) as (scheduler_file, _),
        dask_worker(scheduler_file, tmp_path, "foreign", code=patched),
    ):
        from distributed import Client

        with Client(scheduler_file=str(scheduler_file)) as client:
            client.wait_for_workers(2, timeout=60)
        engine = DaskEngine(scheduler_file=str(scheduler_file))
        remote = optimize(small_plan(engine=engine, **small), tmp_path / "dask")

        # the command killed mid-search on Dask: the same command resumes from the journal
        out = tmp_path / "killed"
        args = ["optimize", "--scheduler-file", str(scheduler_file), "--out", str(out),
                "--set", "n_enterprises=30", "--set", "enterprise_size_max=300",
                "--lever", "initial_reps=0..6", "--lever", "seat_price=5..200:log",
                "--trials", "12", "--seeds", "2", "--held-out-seeds", "2", "--steps", "13",
                "--seed", "3", "--quiet"]  # fmt: skip
        command = subprocess.Popen(
            [sys.executable, "-m", "experiments.cli", *args], env=subprocess_env(),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            before = wait_for(lambda: complete_trials(out), 120, "a trial told", interval=0.1)
            command.kill()  # SIGKILL: no clean-up of any kind
        finally:
            command.kill()
            command.wait(timeout=10)
        code, printed, err = run_cli(capsys, *args)
    assert engine.client is None  # closed after the search
    assert len(engine.rejected) == 1 and model_version() not in engine.rejected.values()
    trials = {k: pd.read_parquet(tmp_path / k / "trials.parquet") for k in ("local", "dask")}
    assert len(trials["local"]) == 4
    pd.testing.assert_frame_equal(trials["dask"], trials["local"])
    assert remote == local  # best plan, its figures and the held-out check
    assert code == 0, err
    after = complete_trials(out)
    assert 1 <= len(before) < 12 and len(after) == 12 and after[: len(before)] == before
    assert "on Dask (2 workers, 1 refused: another model version)" in " ".join(printed.split())


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--engine", "dask"], "--engine dask needs --scheduler"),
        (["--engine", "spark"], "--engine 'spark' is not allowed"),
        (["--engine", "local", "--scheduler", "local"], "--engine local runs here"),
        (["--scheduler", "127.0.0.1:8786"], "expected tcp://HOST:PORT or 'local'"),
        (["--scheduler", "local", "--scheduler-file", "s.json"], "not both"),
        (["--scheduler", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler"),
    ],
)
def test_bad_engine_options_get_one_line(capsys, tmp_path, monkeypatch, args, fragment):
    quick = partialmethod(DaskEngine.__init__, connect_timeout=1.0)  # not 20 s
    monkeypatch.setattr(DaskEngine, "__init__", quick)
    code, _, err = run_cli(
        capsys, "optimize", "--out", str(tmp_path / "o"), "--lever", "seat_price=5..200",
        "--set", "n_enterprises=10", "--trials", "2", "--seeds", "2", "--steps", "4", *args,
    )  # fmt: skip
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
    assert fragment in lines[0]
