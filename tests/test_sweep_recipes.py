"""The cluster recipes of docs/sweeps.md, run as written.

Slurm: the recipe's script is taken from the doc and executed with dask-jobqueue's real
``SLURMCluster`` (which validates the recipe's arguments and writes the job script);
only ``scale`` differs, because there is no ``sbatch`` here: it runs the job script
itself with bash, as Slurm would on a node (one worker process instead of 32). So the
prologue, the worker command line and the recipe's calls into Sales Web are all the
ones a user would run. Kubernetes: the Helm values parse and give each worker one CPU
and more memory than a run's budget.
"""

from __future__ import annotations

import re
import subprocess
import sys
import types
from pathlib import Path

import pandas as pd
import pytest
from sweep_support import comparable, subprocess_env, wait_for, write_spec

from experiments.sweep import load_spec
from experiments.sweep.local import SerialEngine
from experiments.sweep.runner import run_sweep

DOC = Path(__file__).resolve().parents[1] / "docs" / "sweeps.md"


def _block(language: str, first_line: str) -> str:
    """The fenced ``language`` block of docs/sweeps.md that starts with ``first_line``."""
    for body in re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), re.S):
        if body.startswith(first_line):
            return body
    raise AssertionError(f"no ```{language} block starting {first_line!r} in {DOC}")


def _summary(folder: Path) -> pd.DataFrame:
    frame = comparable(pd.read_parquet(folder / "summary"))
    return frame.sort_values("run_key").reset_index(drop=True)


def test_the_slurm_recipe_runs_a_sweep_as_written(tmp_path, monkeypatch, capsys):
    jobqueue = pytest.importorskip("dask_jobqueue")
    recipe = _block("python", "# slurm_sweep.py")
    started: list[subprocess.Popen] = []
    scripts: list[str] = []

    class OneNodeSLURMCluster(jobqueue.SLURMCluster):
        """The real cluster class; ``scale`` runs the job script here instead of sbatch."""

        def scale(self, n=None, jobs=0, memory=None, cores=None):
            if not (n or jobs):  # close() scales to 0: the job is stopped below
                return super().scale(0)
            script = self.job_script()
            scripts.append(script)
            one = re.sub(r"--nworkers \d+", "--nworkers 1", script)
            started.append(
                subprocess.Popen(
                    ["bash", "-c", one],
                    env=subprocess_env(),
                    cwd=tmp_path,
                    stdout=subprocess.DEVNULL,
                    stderr=open(tmp_path / "job.log", "w"),  # noqa: SIM115
                )
            )
            from distributed import Client

            with Client(self.scheduler_address, timeout="20s") as client:
                client.wait_for_workers(1, timeout=60)

    fake = types.ModuleType("dask_jobqueue")
    fake.SLURMCluster = OneNodeSLURMCluster
    monkeypatch.setitem(sys.modules, "dask_jobqueue", fake)
    spec = write_spec(tmp_path, replicates=1, n=6, size=60, steps=3)
    monkeypatch.setattr(sys, "argv", ["slurm_sweep.py", str(spec), str(tmp_path / "slurm")])
    try:
        exec(compile(recipe, "docs/sweeps.md: slurm_sweep.py", "exec"), {"__name__": "__main__"})
    finally:
        for job in started:
            job.terminate()
            job.wait(timeout=30)
    assert "4 computed, 0 failed" in capsys.readouterr().out
    (script,) = scripts
    assert "export MALLOC_TRIM_THRESHOLD_=1073741824" in script
    assert "--nthreads 1" in script and "--nworkers 32" in script
    gib = float(re.search(r"--memory-limit ([\d.]+)GiB", script).group(1))
    assert gib * 2**30 > 4.5e9  # each worker holds a run's 4 GB budget and itself
    run_sweep(load_spec(spec), tmp_path / "serial", SerialEngine())
    pd.testing.assert_frame_equal(_summary(tmp_path / "slurm"), _summary(tmp_path / "serial"))
    wait_for(lambda: all(job.poll() is not None for job in started), 30, "the job to end")


def test_the_kubernetes_values_give_one_thread_and_room_for_a_run():
    import yaml

    values = yaml.safe_load(_block("yaml", "# values.yaml"))
    worker = values["worker"]
    assert values["scheduler"]["image"] == worker["image"]  # one image, one model version
    assert worker["resources"]["limits"]["cpu"] == 1
    memory = worker["resources"]["limits"]["memory"]
    assert memory.endswith("G") and float(memory[:-1]) * 1e9 > 4.5e9
    assert {"name": "MALLOC_TRIM_THRESHOLD_", "value": "1073741824"} in worker["env"]
    assert values["jupyter"] == {"enabled": False}
