"""Helpers for the sweep tests: tiny specs, comparable tables, a real Dask cluster."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from child_processes import die_with_parent

REPO = Path(__file__).resolve().parents[1]
TINY = """
[sweep]
name = "tiny"
replicates = {replicates}
root_seed = 11
steps = {steps}

[base]
n_enterprises = {n}
enterprise_size_max = {size}

[vary]
virality = {virality}
rep_attrition = [0.01, 0.05]

[keep]
every = 3
stats = ["final", "mean"]
"""


def write_spec(folder: Path, name: str = "spec.toml", **kw) -> Path:
    """A tiny grid (2 x 2 points by default) on a 10-enterprise market."""
    values = {"replicates": 2, "steps": 6, "n": 10, "size": 150, "virality": "[0.0, 0.1]"}
    values.update(kw)
    path = folder / name
    path.write_text(TINY.format(**values))
    return path


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop what legitimately differs between engines (wall-clock time)."""
    return frame.drop(columns=[c for c in ("run_seconds",) if c in frame.columns])


def subprocess_env(code: Path = REPO) -> dict[str, str]:
    """Subprocesses import this checkout's code (or the copy in ``code``), not an
    installed copy."""
    env = dict(os.environ)
    rest = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and Path(p) != REPO]
    env["PYTHONPATH"] = os.pathsep.join([str(code), *rest])
    return env


def patched_copy(folder: Path, file: str, old: str, new: str) -> Path:
    """A copy of the code (``sim``, ``agents``, ``experiments``) with ``old`` replaced by
    ``new`` in ``file``: another model version, as on a worker that was never updated."""
    import shutil

    copy = folder / "patched"
    for package in ("sim", "agents", "experiments"):
        shutil.copytree(
            REPO / package, copy / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    target = copy / file
    text = target.read_text()
    assert old in text, f"{old!r} not in {file}"
    target.write_text(text.replace(old, new))
    return copy


@contextlib.contextmanager
def dask_worker(scheduler_file: Path, folder: Path, name: str, code: Path = REPO):
    """One more ``dask worker`` (no nanny, one thread) importing the code in ``code``;
    stopped on exit. Yields the process."""
    dask = Path(sys.executable).with_name("dask")
    command = [str(dask)] if dask.exists() else [sys.executable, "-m", "dask"]
    args = ["worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1"]
    args += ["--no-nanny", "--host", "127.0.0.1", "--no-dashboard", "--name", name]
    with open(folder / f"{name}.log", "w") as log:
        proc = subprocess.Popen(
            [*command, *args],
            env=subprocess_env(code),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=folder,
            preexec_fn=die_with_parent(),
        )
        try:
            yield proc
        finally:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def wait_for(condition, timeout: float, what: str, interval: float = 0.05):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@contextlib.contextmanager
def dask_cluster(folder: Path, n_workers: int = 2, timeout: float = 60):
    """A ``dask scheduler`` and ``n_workers`` ``dask worker`` processes on 127.0.0.1.

    Yields ``(scheduler_file, worker_processes)``; every process is stopped on exit.
    Workers run without a nanny, so SIGKILL on one really removes it.
    """
    dask = Path(sys.executable).with_name("dask")
    command = [str(dask)] if dask.exists() else [sys.executable, "-m", "dask"]
    sched_file = folder / "scheduler.json"
    env = subprocess_env()
    procs: list[subprocess.Popen] = []
    logs = []

    def start(args, name):
        log = open(folder / f"{name}.log", "w")  # noqa: SIM115 - closed below
        logs.append(log)
        proc = subprocess.Popen(
            [*command, *args], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder,
            preexec_fn=die_with_parent(),
        )  # fmt: skip
        procs.append(proc)
        return proc

    try:
        start(
            [
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--scheduler-file",
                str(sched_file),
                "--no-dashboard",
            ],
            "scheduler",
        )
        wait_for(lambda: sched_file.exists() and sched_file.stat().st_size, timeout, "scheduler")
        workers = [
            start(
                [
                    "worker",
                    "--scheduler-file",
                    str(sched_file),
                    "--nthreads",
                    "1",
                    "--nworkers",
                    "1",
                    "--no-nanny",
                    "--host",
                    "127.0.0.1",
                    "--no-dashboard",
                ],
                f"worker{i}",
            )
            for i in range(n_workers)
        ]

        def registered():
            info = json.loads(sched_file.read_text())
            from distributed import Client

            with Client(info["address"], timeout="10s") as client:
                if n_workers:
                    client.wait_for_workers(n_workers, timeout=timeout)
            return True

        registered()
        yield sched_file, workers
    finally:
        for proc in reversed(procs):
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        for log in logs:
            log.close()
