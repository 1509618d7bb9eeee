"""Plan a sweep's runs and drive an engine through them, keeping the manifest.

:func:`plan_runs` turns a spec into runs (design point x replicate), each with its
seed and run key, and checks every point's parameters together before anything runs.
:func:`run_sweep` opens the folder, refuses a folder that holds another spec (unless
``extend``), skips runs already stored, hands the rest to the engine and rewrites the
manifest atomically at the start, at most every :data:`MANIFEST_EVERY` seconds, and at
the end.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Protocol

from experiments.sweep.design import build_design
from experiments.sweep.memory import budget_message, over_budget
from experiments.sweep.run import RunResult, RunTask
from experiments.sweep.seeding import digest, model_version, run_key, run_seed
from experiments.sweep.spec import Spec, SpecError
from experiments.sweep.store import Store, StoreError

MANIFEST_EVERY = 5.0
"""Seconds between manifest rewrites during a sweep (the part files are the truth)."""
FORMAT = 1
VERSIONED = (
    "salesweb",
    "mesa",
    "numpy",
    "pandas",
    "pyarrow",
    "scipy",
    "SALib",
    "dask",
    "distributed",
)


class Engine(Protocol):
    """What :func:`run_sweep` needs of an engine (local processes, Dask, serial)."""

    name: str
    workers: int | None

    def open(self) -> None:
        """Connect or start what the engine needs; raise EngineError if it cannot."""

    def close(self) -> None:
        """Release what :meth:`open` took."""

    def run(self, tasks: list[RunTask], store: Store):
        """Run ``tasks``, store each result, yield a light ``RunResult`` per run."""


@dataclass(frozen=True)
class PlannedRun:
    """One row of the design: a point, a replicate, and the run that answers it.

    ``estimate`` is the point's peak memory in bytes by :func:`sim.budget.estimate`,
    worked out from its parameters before anything is allocated.
    """

    point: int
    replicate: int
    task: RunTask
    estimate: float = 0.0
    largest: str = ""


@dataclass
class SweepOutcome:
    """What a call of :func:`run_sweep` did."""

    total: int
    reused: int
    computed: int = 0
    failed: int = 0
    skipped_failed: int = 0
    seconds: float = 0.0
    results: list[RunResult] = field(default_factory=list)


def spec_hash(spec: Spec) -> str:
    """Hash of what decides the runs (not the name, the description or the report)."""
    return digest(spec.hashed_part(), 16)


def plan_runs(
    spec: Spec, memory_limit_gb: float | None = None
) -> tuple[list[dict[str, Any]], list[PlannedRun]]:
    """The design's points and one run per (point, replicate), in design order.

    Each run carries its point's memory estimate (:func:`over_budget` reads them) and
    ``memory_limit_gb`` for the model.

    Raises
    ------
    SpecError
        A point's parameters contradict each other (for example a minimum above its
        maximum); the message names the point.
    """
    from sim.budget import estimate
    from sim.params import ParameterError, check_consistency, defaults

    design = build_design(spec)
    keep = {"series_every": spec.keep.every if spec.keep.series else None, "stats": spec.keep.stats}
    version = model_version()
    runs = []
    for i, point in enumerate(design.points):
        kwargs = {**spec.scenario_params, **spec.base, **point}
        full = {**defaults(), **kwargs}
        try:
            check_consistency(full)
        except ParameterError as exc:
            raise SpecError(f"design point {i} ({_describe(point)}): {exc}") from None
        if spec.vendors:
            kwargs["vendors"] = [dict(v) for v in spec.vendors]
        steps = spec.steps or int(full["horizon"])
        est = estimate(full, steps=steps)
        for r in range(spec.replicates):
            stream = None if design.streams is None else design.streams[i]
            seed = run_seed(spec.root_seed, kwargs, r, spec.seeding == "common", stream)
            key = run_key(kwargs, seed, steps, keep)
            task = RunTask(
                key, kwargs, seed, steps, keep["series_every"], spec.keep.stats, version,
                memory_limit_gb,
            )  # fmt: skip
            runs.append(PlannedRun(i, r, task, est.total, est.largest()))
    return design.points, runs


def _describe(point: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in point.items())


def run_sweep(
    spec: Spec,
    folder,
    engine: Engine,
    *,
    retry_failed: bool = False,
    extend: bool = False,
    progress: Callable[[int, int, int], None] | None = None,
    memory_limit_gb: float | None = None,
) -> SweepOutcome:
    """Run ``spec`` into ``folder``: compute only what is not stored yet.

    Parameters
    ----------
    spec : Spec
        The validated spec.
    folder : path
        The sweep folder (created if missing; see :mod:`experiments.sweep.store`).
    engine : Engine
        :class:`~experiments.sweep.local.LocalEngine`, ``SerialEngine`` or
        :class:`~experiments.sweep.cluster.DaskEngine`.
    retry_failed : bool
        Run again the runs recorded as failed (otherwise they stay failed).
    extend : bool
        Accept a folder that holds another spec: its stored runs stay, shared runs
        are reused, and this spec becomes the folder's spec.
    progress : callable, optional
        Called as ``progress(done, failed, total)`` after every run.
    memory_limit_gb : float, optional
        Each run's memory limit (the model's default if None); a design point whose
        estimate exceeds it is refused before anything runs.

    Raises
    ------
    SpecError, StoreError, EngineError
        Before any run for a bad spec or folder; an ``EngineError`` mid-sweep keeps
        every run stored so far.
    """
    points, runs = plan_runs(spec, memory_limit_gb)
    over = over_budget(runs, memory_limit_gb)
    if over:
        raise SpecError(budget_message(over, memory_limit_gb, spec.varied_names))
    store = Store(folder, model_version=model_version())
    store.check()
    old = store.read_manifest()
    _check_same_spec(store, old, spec, extend)
    engine.open()  # an unreachable cluster fails here, before the folder is touched
    try:
        store.open()
        manifest = _start_manifest(old, spec, points, engine)
        finished, failed = store.finished_keys(), store.failed_keys()
        unique = {p.task.key: p.task for p in runs}
        todo = [
            t for k, t in unique.items() if k not in finished and (retry_failed or k not in failed)
        ]
        outcome = SweepOutcome(
            total=len(unique),
            reused=len(set(unique) & finished),
            skipped_failed=0 if retry_failed else len(set(unique) & failed),
        )
        status = {
            k: "done" if k in finished else "failed" if k in failed else "pending" for k in unique
        }
        _write(store, manifest, runs, status)
        t0 = last = time.perf_counter()
        done = outcome.reused
        if progress:
            progress(done, outcome.skipped_failed, outcome.total)
        try:
            for result in engine.run(todo, store) if todo else ():
                status[result.key] = "done" if result.ok else "failed"
                outcome.results.append(result)
                outcome.computed += result.ok
                outcome.failed += not result.ok
                done += result.ok
                if progress:
                    progress(done, outcome.failed + outcome.skipped_failed, outcome.total)
                if time.perf_counter() - last > MANIFEST_EVERY:
                    _write(store, manifest, runs, status)
                    last = time.perf_counter()
        finally:
            outcome.seconds = time.perf_counter() - t0
            finished, failed = store.finished_keys(), store.failed_keys()
            status = {
                k: "done" if k in finished else "failed" if k in failed else "pending"
                for k in unique
            }
            manifest["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
            manifest["rejected_workers"] = dict(getattr(engine, "rejected", {}))
            _write(store, manifest, runs, status)
        return outcome
    finally:
        store.close()
        engine.close()


def _check_same_spec(store: Store, old: dict | None, spec: Spec, extend: bool) -> None:
    if old is None or old.get("spec_hash") == spec_hash(spec) or extend:
        return
    raise StoreError(
        f"{store.folder} holds another sweep (spec {old.get('spec', {}).get('name')!r}, "
        f"hash {old.get('spec_hash')}); use --extend to add this spec's runs to it, "
        "or choose another --out"
    )


def _start_manifest(old: dict | None, spec: Spec, points, engine) -> dict[str, Any]:
    """The new manifest; a replaced spec goes to ``history`` (``--extend``)."""
    h = spec_hash(spec)
    history: list[dict[str, Any]] = [] if old is None else old.get("history", [])
    if old is not None and old.get("spec_hash") != h:
        history = [*history, {k: old.get(k) for k in ("spec", "spec_hash", "started")}]
    return {
        "format": FORMAT,
        "spec": spec.to_dict(),
        "spec_hash": h,
        "root_seed": spec.root_seed,
        "model_version": model_version(),
        "versions": _versions(),
        "engine": {"name": engine.name, "workers": engine.workers},
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "points": [{k: _jsonable(v) for k, v in p.items()} for p in points],
        "history": history,
    }


def _write(store: Store, manifest: dict[str, Any], runs: list[PlannedRun], status) -> None:
    counts = {s: 0 for s in ("done", "failed", "pending")}
    for s in status.values():
        counts[s] += 1
    manifest["counts"] = counts
    manifest["updated"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    manifest["runs"] = [
        {
            "key": p.task.key,
            "point": p.point,
            "replicate": p.replicate,
            "seed": p.task.seed,
            "steps": p.task.steps,
            "status": status[p.task.key],
        }
        for p in runs
    ]
    store.write_manifest(manifest)


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
