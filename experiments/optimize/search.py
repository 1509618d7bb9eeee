"""The search: Optuna over the focal company's levers, each trial on common random numbers.

Single objective: Optuna's TPE sampler (Bergstra et al. 2011; Watanabe 2023) maximises
the mean of the objective over the search seeds, with the survival floor as a
constraint (``Trial.set_constraint``: a trial below the floor is infeasible, and TPE learns
to avoid it). Two objectives (``worth,survival``): NSGA-II (Deb et al. 2002) returns
the Pareto front.

Trials run in rounds (:func:`search`): several trials at once, each round running the
next stage of every such trial's seeds in the pool; a trial clearly worse than the
best so far on its first seeds is pruned (:mod:`experiments.optimize.pruning`), one
that is not runs all its seeds. Optuna's journal file in the output folder records
each told trial; after a kill, the same command picks up where it stopped
(:func:`open_study`): complete and pruned trials are kept, trials left mid-way are
failed and asked anew.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from experiments.fit.space import Dim
from experiments.optimize.runs import Runner, table
from sim.params import ParameterError

JOURNAL = "optuna-journal.log"
STALE_LOCK_SECONDS = 3
"""A journal lock file older than this was left by a killed search (see :func:`journal_backend`)."""


@dataclass(frozen=True)
class SearchSpec:
    """What a search is: it must match to resume a search in the same folder."""

    scenario: str
    levers: tuple[str, ...]
    objectives: tuple[str, ...]
    min_survival: float
    seeds: tuple[int, ...]
    steps: int
    overrides: tuple[tuple[str, Any], ...] = ()
    from_fit: str = ""
    prune: str = "halving"
    """``--prune`` (:data:`experiments.optimize.pruning.PRUNERS`); none with two objectives."""

    def key(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True, default=str)

    def pruning(self) -> Any:
        from experiments.optimize.pruning import Pruning

        name = self.prune if len(self.objectives) == 1 else "none"
        return Pruning(name, len(self.seeds), self.min_survival)


def suggest(trial: Any, dims: Sequence[Dim]) -> dict[str, Any]:
    """One plan from an Optuna trial (ints, floats on their scale, choices)."""
    plan: dict[str, Any] = {}
    for d in dims:
        if d.kind == "choice":
            plan[d.name] = trial.suggest_categorical(d.name, list(d.choices))
        elif d.kind == "int":
            plan[d.name] = trial.suggest_int(d.name, int(d.low), int(d.high), log=d.log)
        else:
            plan[d.name] = trial.suggest_float(d.name, d.low, d.high, log=d.log)
    return plan


def journal_backend(folder: Path) -> Any:
    """Optuna's journal file in ``folder``, with a lock a killed search cannot hold long.

    A writer holds the lock file only while it appends one record (milliseconds); a
    search killed in that instant leaves the file behind, and Optuna's default waits
    30 s before it takes such a lock over. :data:`STALE_LOCK_SECONDS` is that wait here.
    """
    from optuna.storages.journal import JournalFileBackend, JournalFileOpenLock

    path = str(folder / JOURNAL)
    return JournalFileBackend(path, lock_obj=JournalFileOpenLock(path, STALE_LOCK_SECONDS))


def open_study(folder: Path, spec: SearchSpec, root_seed: int) -> Any:
    """Create the study in ``folder``'s journal, or reopen it (same spec only).

    Trials left running by a kill are marked failed; they are not counted as done.
    """
    import optuna
    from optuna.storages import JournalStorage
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = JournalStorage(journal_backend(folder))
    multi = len(spec.objectives) > 1
    if multi:
        sampler = optuna.samplers.NSGAIISampler(seed=root_seed)
    else:
        sampler = optuna.samplers.TPESampler(seed=root_seed, constant_liar=True)
    study = optuna.create_study(
        study_name="salesweb-optimize", storage=storage, sampler=sampler,
        pruner=spec.pruning().pruner(), directions=["maximize"] * len(spec.objectives),
        load_if_exists=True,
    )  # fmt: skip
    stored = study.user_attrs.get("spec")
    if stored is None:
        study.set_user_attr("spec", spec.key())
    elif stored != spec.key():
        raise ParameterError(
            f"--out {str(folder)!r} holds a search with other settings; "
            "give another folder or the same levers, objective, seeds and scenario"
        )
    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING, TrialState.WAITING)):
        study.tell(t.number, state=TrialState.FAIL)
    return study


@dataclass
class _Live:
    """A trial being evaluated: its plan and the values of the seeds run so far."""

    trial: Any
    plan: dict[str, Any]
    ends: list[dict[str, float]] = field(default_factory=list)


def search(
    study: Any,
    spec: SearchSpec,
    dims: Sequence[Dim],
    runner: Runner,
    trials: int,
    *,
    batch: int = 2,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> bool:
    """Run trials until ``trials`` are complete or pruned; False if cancelled first.

    Round by round: up to ``batch`` trials are under evaluation at once (new ones
    asked to fill the places of those told); each round runs every such trial's next
    stage of seeds (:meth:`Pruning.checkpoints`) together in the pool, then a trial
    that has run all its seeds is told complete, and one the pruning stops is told
    pruned (:mod:`experiments.optimize.pruning`). Rounds depend on results only, not
    on which run finished first, so the same seeds and batch ask the same trials on
    any engine.
    """
    pruning = spec.pruning()
    marks = pruning.checkpoints()
    live: list[_Live] = []
    while True:
        if cancelled is not None and cancelled():
            return False
        told = told_trials(study)
        while len(live) < batch and told + len(live) < trials:
            t = study.ask()
            live.append(_Live(t, suggest(t, dims)))
        if not live:
            return True
        jobs, spans = [], []
        for lv in live:
            done = len(lv.ends)
            upto = next(m for m in marks if m > done)
            jobs += [(lv.plan, i) for i in range(done, upto)]
            spans.append(upto - done)
        ends = iter(runner.run_jobs(jobs, spec.seeds))
        still = []
        for lv, n in zip(live, spans, strict=True):
            before = len(lv.ends)
            lv.ends += [next(ends) for _ in range(n)]
            if not _judge(study, spec, pruning, lv, before):
                still.append(lv)
        live = still
        if progress is not None:
            progress(min(told_trials(study), trials), trials)


def told_trials(study: Any) -> int:
    """Trials finished: complete or pruned (a trial a kill left running is failed)."""
    from optuna.trial import TrialState

    return len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED)))


def _judge(study: Any, spec: SearchSpec, pruning: Any, lv: _Live, before: int) -> bool:
    """Tell the trial complete or pruned after a stage; False if it goes on."""
    from optuna.trial import TrialState

    t, ends = lv.trial, lv.ends
    alive = table(ends, "survival")
    survival = float(alive.mean())
    t.set_user_attr("seeds_used", len(ends))
    t.set_user_attr("survival", survival)
    for o in ("worth", "arr", "cash"):
        t.set_user_attr(f"{o}_mean", float(table(ends, o).mean()))
    if len(ends) == len(spec.seeds):
        t.set_user_attr("floor_gap", spec.min_survival - survival)
        t.set_constraint("survival_floor", spec.min_survival - survival)  # <= 0: feasible
        if len(spec.objectives) == 1:
            pruning.report(t, table(ends, spec.objectives[0]), before)
        study.tell(t, [float(table(ends, o).mean()) for o in spec.objectives])
        return True
    values = table(ends, spec.objectives[0])
    pruning.report(t, values, before)
    floor = pruning.cannot_meet_floor(int(len(ends) - alive.sum()))
    if not (floor or t.should_prune()):
        return False
    best = (len(spec.seeds) - (len(ends) - alive.sum())) / len(spec.seeds)
    gap = spec.min_survival - (best if floor else survival)
    t.set_user_attr("floor_gap", gap)
    t.set_user_attr("pruned_by", "survival floor" if floor else pruning.name)
    t.set_constraint("survival_floor", gap)
    study.tell(t, state=TrialState.PRUNED)
    return True


def best_trial(study: Any, spec: SearchSpec) -> Any | None:
    """The feasible complete trial with the highest (first) objective; None if none is.

    With two objectives it is the Pareto-front plan with the highest first objective
    among those meeting the survival floor.
    """
    from optuna.trial import TrialState

    pool = (
        study.best_trials
        if len(spec.objectives) > 1
        else study.get_trials(states=(TrialState.COMPLETE,))
    )
    ok = [t for t in pool if t.user_attrs.get("floor_gap", 1.0) <= 0 and t.values is not None]
    if not ok:
        return None
    return max(ok, key=lambda t: t.values[0])


def trials_frame(study: Any, spec: SearchSpec):
    """One row per complete or pruned trial: the plan, the objectives, survival,
    feasibility, ``state`` and the search seeds it ran (``seeds_used`` of them, the
    first ones: ``seeds``). A pruned trial's figures are means over its seeds only, and
    it is never feasible (it cannot be the best plan)."""
    import pandas as pd
    from optuna.trial import TrialState

    rows = []
    for t in study.get_trials(states=(TrialState.COMPLETE, TrialState.PRUNED)):
        complete = t.state == TrialState.COMPLETE
        used = int(t.user_attrs.get("seeds_used", len(spec.seeds)))
        row = {"trial": t.number, **{f"lever_{k}": v for k, v in t.params.items()}}
        for k, name in enumerate(spec.objectives):
            row[f"objective_{name}"] = (
                t.values[k] if complete else t.user_attrs.get(f"{name}_mean", math.nan)
            )
        row["survival"] = t.user_attrs.get("survival", math.nan)
        for o in ("worth", "arr", "cash"):
            row[f"{o}_mean"] = t.user_attrs.get(f"{o}_mean", math.nan)
        row["feasible"] = complete and t.user_attrs.get("floor_gap", 1.0) <= 0
        row["state"] = "complete" if complete else "pruned"
        row["pruned_by"] = t.user_attrs.get("pruned_by", "")
        row["seeds_used"] = used
        row["seeds"] = list(spec.seeds[:used])
        rows.append(row)
    frame = pd.DataFrame(rows)
    if len(spec.objectives) == 1 and len(frame):
        first = f"objective_{spec.objectives[0]}"
        best = np.where(frame["feasible"], frame[first], -np.inf)
        frame["best_so_far"] = np.maximum.accumulate(best)
    return frame


def importances(study: Any, spec: SearchSpec) -> dict[str, float]:
    """Optuna's fANOVA importance of each lever for the (first) objective; {} if too few trials."""
    import optuna

    try:
        return dict(
            optuna.importance.get_param_importances(
                study, target=(lambda t: t.values[0]) if len(spec.objectives) > 1 else None
            )
        )
    except (RuntimeError, ValueError):
        return {}
