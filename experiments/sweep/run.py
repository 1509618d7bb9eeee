"""One run of the model: what a worker executes, whatever the engine.

The model is a black box: the outputs are whatever columns its data collector
reports, read at run time, so new outputs appear in sweeps without a change here.
A run that raises returns its traceback instead of results; the sweep goes on.

Provenance is computed where the run happens, never copied from the client: the
worker hashes its own ``sim`` and ``agents`` sources (:func:`provenance`) and refuses
a task planned for another model version before building anything, so a worker
started from an edited copy of the code cannot store results under trusted keys.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import time
import traceback
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

RESERVED = (
    "point",
    "replicate",
    "run_key",
    "seed",
    "steps",
    "model_version",
    "host",
    "python_version",
    "numpy_version",
    "mesa_version",
    "run_seconds",
    "step",
)
"""Column names the sweep itself uses; an output of the same name gets ``out_``."""


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs for one run (plain data: it travels to other machines).

    Parameters
    ----------
    key : str
        The run key (:func:`experiments.sweep.seeding.run_key`).
    kwargs : dict
        Keyword arguments of :class:`sim.model.MarketModel` (scenario, base and point).
    seed : int
        The model's ``rng``.
    steps : int
        Weeks to run.
    series_every : int or None
        Keep the per-step series every this many steps (and the last); None: no series.
    stats : tuple of str
        Summary statistics of each output over the run (``final``, ``mean``, ...).
    model_version : str
        The sweep's model version: a worker running another refuses the task.
    memory_limit_gb : float or None
        The run's memory limit (``salesweb sweep --memory-limit``; the model's default
        if None). It does not change the results, so it is not part of the key.
    """

    key: str
    kwargs: dict[str, Any]
    seed: int
    steps: int
    series_every: int | None
    stats: tuple[str, ...]
    model_version: str
    memory_limit_gb: float | None = None


@dataclass
class RunResult:
    """What a run gives back: its summary row and series, or the error it raised."""

    key: str
    summary: dict[str, Any] | None = None
    series: pd.DataFrame | None = None
    error: str | None = None
    started: float = 0.0
    seconds: float = 0.0
    worker: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    model_seconds: float = 0.0
    """Building and stepping the model alone (what the benchmark calls a run's own time)."""
    cpu_seconds: float = 0.0
    """CPU time of the same (``time.process_time``): unlike wall time, no other process
    on the machine changes it."""
    mismatch: str | None = None
    """The model version of a worker that refused the task because it runs another
    model (the engine runs the task elsewhere, or fails loudly); None otherwise."""

    @property
    def ok(self) -> bool:
        """True unless the run raised."""
        return self.error is None


@cache
def provenance() -> dict[str, str]:
    """Where and with what a run is computed, measured in the process that runs it.

    ``model_version`` is :func:`experiments.sweep.seeding.model_version` of this
    process's own ``sim`` and ``agents``; ``host`` the machine's name; the rest the
    versions of Python, numpy and mesa imported here.
    """
    from experiments.sweep.seeding import model_version

    try:
        mesa = metadata.version("mesa")
    except metadata.PackageNotFoundError:
        mesa = "not installed"
    return {
        "model_version": model_version(),
        "host": socket.gethostname(),
        "python_version": platform.python_version(),
        "numpy_version": np.__version__,
        "mesa_version": mesa,
    }


def execute(task: RunTask) -> RunResult:
    """Build the market, run it ``task.steps`` weeks and collect its outputs.

    Never raises for a failing model: the traceback comes back in ``error``. A worker
    whose model version is not the task's refuses it at once (``mismatch``), before
    any model is built.
    """
    started, t0, c0 = time.time(), time.perf_counter(), time.process_time()
    mine = provenance()["model_version"]
    if mine != task.model_version:
        return RunResult(
            task.key,
            error=(
                f"model version mismatch: {socket.gethostname()} runs {mine}, "
                f"the sweep {task.model_version}"
            ),
            started=started,
            mismatch=mine,
        )
    try:
        from sim.model import MarketModel

        model = MarketModel(rng=task.seed, memory_limit_gb=task.memory_limit_gb, **task.kwargs)
        for _ in range(task.steps):
            model.step()
        frame = model.datacollector.get_model_vars_dataframe()
        model_seconds = time.perf_counter() - t0
        cpu_seconds = time.process_time() - c0
        summary, series = _tables(task, model.params, frame)
    except MemoryError:
        # numpy's ArrayMemoryError included: too big for this worker's memory (or its
        # --memory-limit); recorded as this run's failure with the reason, the sweep goes on
        return RunResult(
            task.key,
            error=f"out of memory: {traceback.format_exc(limit=-1).strip().splitlines()[-1]}",
            started=started,
            seconds=time.perf_counter() - t0,
        )
    except Exception:  # noqa: BLE001 - any model failure is recorded, the sweep goes on
        return RunResult(
            task.key,
            error=traceback.format_exc(),
            started=started,
            seconds=time.perf_counter() - t0,
        )
    seconds = time.perf_counter() - t0
    summary["run_seconds"] = seconds
    return RunResult(
        task.key,
        summary,
        series,
        started=started,
        seconds=seconds,
        model_seconds=model_seconds,
        cpu_seconds=cpu_seconds,
    )


def _tables(
    task: RunTask, params: dict[str, Any], frame: pd.DataFrame
) -> tuple[dict[str, Any], pd.DataFrame | None]:
    frame = frame.reset_index(drop=True)
    frame.columns = [f"out_{c}" if c in params or c in RESERVED else str(c) for c in frame.columns]
    row: dict[str, Any] = {
        "run_key": task.key,
        "seed": task.seed,
        "steps": task.steps,
        **provenance(),  # measured here, on the worker that ran it
    }
    row.update({name: parameter_cell(name, value) for name, value in params.items()})
    row["vendors"] = json.dumps(task.kwargs.get("vendors") or [], sort_keys=True)
    numeric = frame.select_dtypes(include=[np.number, "bool"])
    for stat in task.stats:
        if stat == "final":
            row.update({c: frame[c].iloc[-1] for c in frame.columns})  # keeps each dtype
            continue
        values = getattr(numeric.astype(float), stat)()
        row.update({f"{c}_{stat}": float(v) for c, v in values.items()})
    series = None
    if task.series_every is not None:
        steps = np.arange(len(frame))
        keep = (steps % task.series_every == 0) | (steps == len(frame) - 1)
        series = frame[keep].copy()
        series.insert(0, "step", steps[keep].astype(np.int64))
        series.insert(0, "run_key", task.key)
        series = series.reset_index(drop=True)
    return {k: _python(v) for k, v in row.items()}, series


def parameter_cell(name: str, value: Any) -> Any:
    """A parameter's value as a table cell: the three-share mix as ``"b:d:h"`` text."""
    if isinstance(value, tuple | list):
        return ":".join(f"{x:.4g}" for x in value)
    return value


def _python(x: Any) -> Any:
    return x.item() if isinstance(x, np.generic) else x


def warm_up() -> None:
    """Import the model once per worker, before the first run is timed."""
    import sim.model  # noqa: F401


def failure_meta(task: RunTask) -> dict[str, Any]:
    """What a failure record keeps so the run can be reproduced by hand."""
    return {"seed": task.seed, "steps": task.steps, "params": task.kwargs}


def light(result: RunResult) -> RunResult:
    """The result without its tables: what a worker sends back once it has stored them."""
    return replace(result, summary=None, series=None)
