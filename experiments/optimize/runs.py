"""Plans run over seeds in one pool of worker processes: the search's and the held-out runs.

A plan is a {name: value} dict of focal settings and market parameters (the levers,
:mod:`experiments.fit.space`). Each (plan, seed) run is :func:`run_plan`: the model a
study's :func:`experiments.study.run_one` builds, stepped the same weeks, read for the
only figures a search uses (:data:`END_FIGURES`), and stopped as soon as the focal
company has exited. An exited company's ARR is zero and its cash frozen (its contracts
ended and cash is settled for live vendors only, :meth:`sim.model.MarketModel.exit_vendor`),
so the weeks after its exit cannot change a figure the search reads; the rest of the
market does not enter the objective. tests/test_optimize_pruning.py checks that the
figures equal ``run_one``'s, run for run. Seeds are common random
numbers: seed ``i`` is the same market draw for every plan. With a fit (``--from-fit``)
replicate ``i`` also takes posterior draw ``i`` (the same for every plan), so what the
history leaves uncertain is varied across seeds, and still paired.

The pool is started once per command and reused for every batch of trials; its workers
are forked from the study pool's forkserver (:func:`experiments.study_pool.context`),
which imported the model once, so a worker does not pay two seconds of imports. With ``engine`` (a sweep's
:class:`experiments.sweep.cluster.DaskEngine`) the runs go to a Dask cluster instead,
through the sweep engine's own :meth:`~experiments.sweep.cluster.DaskEngine.map`, with
its model-version check on every worker; the results are the same run for run.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from experiments.fit.simulate import Market

OBJECTIVES: dict[str, str] = {
    "worth": "5 x ARR + cash at the end",
    "arr": "ARR at the end",
    "cash": "cash at the end",
    "survival": "share of seeds the company is still in business",
}
"""What a search can maximise; worth values ARR at five times revenue (a common SaaS
multiple) plus the cash in the bank."""


END_FIGURES = ("survived", "exit_week", "arr", "cash")
"""What a run hands back: all the objectives, the survival floor and the held-out check read."""
STOP_AT_EXIT = True
"""Stop a run in the week its focal company exits (the figures cannot change after)."""


@dataclass
class PlanRun:
    """One (plan, replicate) run's end figures (:data:`END_FIGURES`) and weeks stepped."""

    option: int
    replicate: int
    end: dict[str, float]
    weeks: int


def run_plan(task: tuple[int, int, dict[str, Any], int]) -> PlanRun:
    """Run one plan on one seed: ``(plan index, replicate, model kwargs, steps)``.

    The end figures are those :func:`experiments.study.run_one` gives for the same task;
    the run stops once the focal company has exited (:data:`STOP_AT_EXIT`). It reads the
    focal vendor only, so the model keeps no weekly table (``record="none"``, unless the
    task asks for ``"full"``): less CPU, the same figures.
    """
    from sim.model import MarketModel

    option, replicate, kwargs, steps = task
    model = MarketModel(**{"record": "none", **kwargs})
    me = model.focal_vendor
    week = 0
    while week < steps and not (STOP_AT_EXIT and not me.alive):
        model.step()
        week += 1
    end = {
        "survived": float(me.alive),
        "exit_week": float(me.exited) if me.exited is not None else math.nan,
        "arr": float(me.arr),
        "cash": float(me.cash),
    }
    return PlanRun(option, replicate, end, week)


def objective_values(end: Mapping[str, float], name: str) -> float:
    """One run's figure for an objective (``end`` is :func:`run_plan`'s end figures)."""
    if name == "worth":
        return 5.0 * end["arr"] + end["cash"]
    if name == "survival":
        return end["survived"]
    return end[name]


@dataclass
class Runner:
    """Runs plans on seeds, here or in a reusable pool.

    Parameters
    ----------
    market : Market
        Scenario, fixed changes and base focal settings.
    steps : int
        Weeks per run.
    workers : int
        Worker processes; 1 runs in this process.
    draws : sequence of dict, optional
        Per replicate, parameter values drawn from a fit's posterior (plans override them).
    engine : DaskEngine, optional
        Run on this Dask cluster instead of local processes; connected on entry (its
        worker count then replaces ``workers``) and closed on exit.
    """

    market: Market
    steps: int
    workers: int = 1
    draws: Sequence[Mapping[str, Any]] | None = None
    engine: Any = None
    weeks: int = 0
    """Weeks stepped so far (runs stop at the focal company's exit; the bench reads it)."""
    _pool: ProcessPoolExecutor | None = field(default=None, repr=False)

    def __enter__(self) -> Runner:
        if self.engine is not None:
            self.engine.open()  # raises EngineError if the cluster cannot run this model
            self.workers = int(self.engine.workers or 1)
        elif self.workers > 1:
            from experiments.study_pool import _init_worker, context

            # the workers end themselves once this process is gone, even killed outright
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=context(), initializer=_init_worker,
                initargs=(None, None, os.getpid()),
            )  # fmt: skip
        return self

    def __exit__(self, *exc: object) -> None:
        if self.engine is not None:
            self.engine.close()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def run(self, plans: Sequence[Mapping[str, Any]], seeds: Sequence[int],
            done: Callable[[int], None] | None = None) -> list[list[dict[str, float]]]:  # fmt: skip
        """End tables ``[plan][replicate]`` of every plan on every seed."""
        jobs = [(plan, i) for plan in plans for i in range(len(seeds))]
        ends = iter(self.run_jobs(jobs, seeds, done))
        return [[next(ends) for _ in seeds] for _ in plans]

    def run_jobs(self, jobs: Sequence[tuple[Mapping[str, Any], int]], seeds: Sequence[int],
                 done: Callable[[int], None] | None = None) -> list[dict[str, float]]:  # fmt: skip
        """End tables of ``(plan, replicate)`` jobs, in their order: replicate ``i`` runs
        on ``seeds[i]`` (and posterior draw ``i``), whatever else runs beside it."""
        tasks = []
        for k, (plan, i) in enumerate(jobs):
            values = {**(self.draws[i] if self.draws else {}), **plan}
            tasks.append((k, i, self.market.kwargs(values, int(seeds[i])), self.steps))
        out: list[dict[str, float]] = [{} for _ in jobs]
        if self.engine is not None:
            results = self.engine.map(run_plan, tasks, name="optimize")
        elif self._pool is not None:
            results = self._pool.map(run_plan, tasks)
        else:
            results = map(run_plan, tasks)
        for r in results:
            out[r.option] = r.end
            self.weeks += r.weeks
            if done is not None:
                done(1)
        return out


def table(ends: list[dict[str, float]], name: str) -> np.ndarray:
    """One objective's value per replicate."""
    return np.array([objective_values(e, name) for e in ends], dtype=float)
