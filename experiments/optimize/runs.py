"""Plans run over seeds in one pool of worker processes: the search's and the held-out runs.

A plan is a {name: value} dict of focal settings and market parameters (the levers,
:mod:`experiments.fit.space`). Each (plan, seed) run is :func:`experiments.study.run_one`,
the study's own run, so a plan's figures read as a study's do. Seeds are common random
numbers: seed ``i`` is the same market draw for every plan. With a fit (``--from-fit``)
replicate ``i`` also takes posterior draw ``i`` (the same for every plan), so what the
history leaves uncertain is varied across seeds, and still paired.

The pool is spawned once per command (a spawned worker pays about two seconds of
imports) and reused for every batch of trials. With ``engine`` (a sweep's
:class:`experiments.sweep.cluster.DaskEngine`) the runs go to a Dask cluster instead,
through the sweep engine's own :meth:`~experiments.sweep.cluster.DaskEngine.map`, with
its model-version check on every worker; the results are the same run for run.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from experiments.fit.simulate import Market
from experiments.study import run_one

OBJECTIVES: dict[str, str] = {
    "worth": "5 x ARR + cash at the end",
    "arr": "ARR at the end",
    "cash": "cash at the end",
    "survival": "share of seeds the company is still in business",
}
"""What a search can maximise; worth values ARR at five times revenue (a common SaaS
multiple) plus the cash in the bank."""


def objective_values(end: Mapping[str, float], name: str) -> float:
    """One run's figure for an objective (``end`` is :func:`run_one`'s end table)."""
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
    _pool: ProcessPoolExecutor | None = field(default=None, repr=False)

    def __enter__(self) -> Runner:
        if self.engine is not None:
            self.engine.open()  # raises EngineError if the cluster cannot run this model
            self.workers = int(self.engine.workers or 1)
        elif self.workers > 1:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"))
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
        tasks = []
        for k, plan in enumerate(plans):
            for i, seed in enumerate(seeds):
                values = {**(self.draws[i] if self.draws else {}), **plan}
                tasks.append((k, i, self.market.kwargs(values, int(seed)), self.steps))
        out: list[list[dict[str, float]]] = [[{} for _ in seeds] for _ in plans]
        if self.engine is not None:
            results = self.engine.map(run_one, tasks, name="optimize")
        elif self._pool is not None:
            results = self._pool.map(run_one, tasks)
        else:
            results = map(run_one, tasks)
        for r in results:
            out[r.option][r.replicate] = r.end
            if done is not None:
                done(1)
        return out


def table(ends: list[dict[str, float]], name: str) -> np.ndarray:
    """One objective's value per replicate."""
    return np.array([objective_values(e, name) for e in ends], dtype=float)
