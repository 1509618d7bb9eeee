"""Pruning with seeds as the resource: stop a trial early when it is clearly worse.

A trial's seeds are common random numbers, the same market draws for every plan, so
after a few of them a plan can already be compared *paired* with the best plan so far.
A trial runs its seeds in stages (:meth:`Pruning.checkpoints`); after each stage it is
stopped (told to Optuna as PRUNED, with the seeds it used) when

* it can no longer meet the survival floor, whatever its remaining seeds do (more of
  its seeds ended in an exit than the floor allows among all of them): exact, no
  statistics; or
* the pruner says it is worse than the trials so far:

  - ``wilcoxon``: Optuna's :class:`~optuna.pruners.WilcoxonPruner`, made
    for exactly this, paired per-instance evaluations: each seed is an instance (its
    value reported at step = replicate index), and the trial is pruned when a
    one-sided Wilcoxon signed-rank test on its paired differences with the best feasible
    trial has p < 0.1. With all ``k`` differences negative p = 2^-k, so nothing is pruned
    before 4 seeds (p = 0.0625); checkpoints at 4, 7, 10, ... seeds.
  - ``halving``: Optuna's :class:`~optuna.pruners.SuccessiveHalvingPruner` (asynchronous
    successive halving, Li et al. 2020) on the mean over the first 2, 4, 8, ... seeds
    (the same seeds in the same order for every trial, so the means are comparable):
    only the top half at each rung goes on. The default: it ran about half the unpruned
    search's runs, a fifth fewer than ``wilcoxon``, and its plans were no worse on fresh
    held-out seeds than the unpruned search's or Wilcoxon's (docs/optimize.md, eight
    root seeds).
  - ``none``: every trial runs all its seeds.

A trial that is not pruned runs all its seeds, paired, like a search without pruning,
and only complete trials can be the best plan. With two objectives (a Pareto front)
nothing is pruned: a front needs every trial's full figures. Measured on a small market
by ``python -m experiments.optimize_prune_check`` (docs/optimize.md).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

PRUNERS = ("wilcoxon", "halving", "none")
WILCOXON_P = 0.1
"""Optuna's default threshold of the Wilcoxon pruner."""
WILCOXON_FIRST = 4
"""Seeds before the first Wilcoxon check: with fewer, p >= 0.125 whatever the values."""
WILCOXON_EVERY = 3
"""Seeds between Wilcoxon checks (each check is one round of runs for the pool)."""
HALVING_FIRST = 2
"""Seeds at the first halving rung; the rungs double from there."""


@dataclass(frozen=True)
class Pruning:
    """How a search stops trials early (``--prune``), for ``seeds`` seeds a trial."""

    name: str
    seeds: int
    min_survival: float

    def checkpoints(self) -> list[int]:
        """Seed counts after which a trial is judged; the last is all its seeds."""
        if self.name == "wilcoxon":
            inner = list(range(WILCOXON_FIRST, self.seeds, WILCOXON_EVERY))
        elif self.name == "halving":
            inner, c = [], HALVING_FIRST
            while c < self.seeds:
                inner.append(c)
                c *= 2
        else:
            inner = []
        return [*inner, self.seeds]

    def pruner(self) -> Any:
        """The Optuna pruner the study is created with."""
        import optuna

        if self.name == "wilcoxon":
            with warnings.catch_warnings():  # "experimental" since Optuna 3.6; pinned by the tests
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                return optuna.pruners.WilcoxonPruner(
                    p_threshold=WILCOXON_P, n_startup_steps=WILCOXON_FIRST
                )
        if self.name == "halving":
            return optuna.pruners.SuccessiveHalvingPruner(
                min_resource=HALVING_FIRST, reduction_factor=2, min_early_stopping_rate=0
            )
        return optuna.pruners.NopPruner()

    def report(self, trial: Any, values: np.ndarray, before: int) -> None:
        """Report what the pruner reads: Wilcoxon each new seed's value (step = its
        replicate index), halving the running mean (step = seeds so far)."""
        if self.name == "wilcoxon":
            for i in range(before, len(values)):
                trial.report(float(values[i]), i)
        elif self.name == "halving":
            trial.report(float(np.mean(values)), len(values))

    def cannot_meet_floor(self, deaths: int) -> bool:
        """More exits than the floor allows over all the seeds: no seed left can save it."""
        allowed = math.floor(self.seeds * (1.0 - self.min_survival) + 1e-9)
        return deaths > allowed
