"""``optimize``: the search, the held-out check, and the files it leaves in its folder.

- ``best.json``: ``{"settings": {...}, "objective": x, "survival": s, ...}`` with the
  held-out comparison and its verdict,
- ``trials.parquet``: one row per complete or pruned trial (``state``, ``seeds_used``),
- ``convergence.png`` and ``importance.png``,
- ``optuna-journal.log``: Optuna's journal, what a rerun of the same command resumes from.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from experiments.fit.simulate import Market
from experiments.fit.space import Dim
from experiments.io import write_atomic
from experiments.optimize import charts
from experiments.optimize.heldout import HELD_OUT_ROOT_OFFSET, held_out
from experiments.optimize.runs import Runner
from experiments.optimize.search import (
    SearchSpec,
    best_trial,
    importances,
    open_study,
    search,
    trials_frame,
)
from experiments.study import study_seeds
from sim.params import ParameterError


@dataclass
class Plan:
    """Everything a search needs, checked."""

    market: Market
    dims: list[Dim]
    objectives: tuple[str, ...]
    min_survival: float = 0.0
    trials: int = 200
    seeds: int = 10
    held_out_seeds: int = 20
    steps: int = 260
    root_seed: int = 0
    workers: int = 1
    from_fit: str = ""
    engine: Any = None
    """A sweep's Dask engine (:class:`experiments.sweep.cluster.DaskEngine`); None: local."""
    prune: str = "halving"
    """How trials are stopped early (:mod:`experiments.optimize.pruning`)."""


def optimize(plan: Plan, out: Path, *, progress: Callable[[str, int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> dict[str, Any] | None:  # fmt: skip
    """Search, check the best plan on held-out seeds, write the folder; None if cancelled."""
    search_seeds = study_seeds(plan.seeds, plan.root_seed)
    fresh = study_seeds(plan.held_out_seeds, plan.root_seed + HELD_OUT_ROOT_OFFSET)
    if set(fresh) & set(search_seeds):
        raise ParameterError("held-out seeds collide with the search seeds; change --seed")
    spec = SearchSpec(
        market_name(plan.market), tuple(d.text() for d in plan.dims), plan.objectives,
        plan.min_survival, tuple(search_seeds), plan.steps,
        tuple(sorted((k, str(v)) for k, v in plan.market.overrides.items())), plan.from_fit,
        plan.prune,
    )  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    study = open_study(out, spec, plan.root_seed)
    draws = _draws(plan.from_fit, max(plan.seeds, plan.held_out_seeds), plan.root_seed)
    with Runner(
        plan.market, plan.steps, plan.workers, draws[: plan.seeds] if draws else None,
        engine=plan.engine,
    ) as runner:  # fmt: skip
        # trials under evaluation at once: twice the workers (a Dask cluster's count once
        # connected), so a round of first stages keeps every core busy; the same seeds
        # and worker count ask the same trials on either engine
        finished = search(
            study, spec, plan.dims, runner, plan.trials, batch=batch_size(runner.workers),
            progress=(lambda d, t: progress("trials", d, t)) if progress else None,
            cancelled=cancelled,
        )  # fmt: skip
        if not finished:
            return None
        search_weeks = runner.weeks
        best = best_trial(study, spec)
        check = None
        if best is not None:
            if progress:
                progress("held-out runs", 0, 1)
            runner.draws = draws[: plan.held_out_seeds] if draws else None
            check = held_out(runner, best.params, fresh, plan.objectives[0], plan.min_survival)
            if progress:
                progress("held-out runs", 1, 1)
    frame = trials_frame(study, spec)
    imp = importances(study, spec)
    doc = {
        "kind": "salesweb optimize",
        "scenario": spec.scenario,
        "levers": list(spec.levers),
        "objectives": list(plan.objectives),
        "min_survival": plan.min_survival,
        "search_seeds": search_seeds,
        "steps": plan.steps,
        "from_fit": plan.from_fit or None,
        "trials": int(len(frame)),
        "pruned": int((frame["state"] == "pruned").sum()) if len(frame) else 0,
        "prune": spec.pruning().name,
        "search_runs": int(frame["seeds_used"].sum()) if len(frame) else 0,
        "weeks_stepped": {"search": search_weeks, "held_out": runner.weeks - search_weeks},
        "settings": dict(best.params) if best else None,
        "objective": float(best.values[0]) if best else None,
        "survival": float(best.user_attrs["survival"]) if best else None,
        "trial": int(best.number) if best else None,
        "importance": imp,
        "held_out": check,
        "verdict": check["verdict"] if check else (
            f"No trial met the survival floor {plan.min_survival:.0%}: no plan to recommend."
        ),
    }  # fmt: skip
    if len(plan.objectives) > 1:
        doc["pareto"] = [
            {"trial": t.number, "settings": t.params, "values": list(t.values)}
            for t in study.best_trials
        ]
    write_atomic(out / "trials.parquet", lambda p: frame.to_parquet(p), ".parquet")
    write_atomic(
        out / "convergence.png",
        lambda p: charts.convergence_chart(frame, plan.objectives, p),
        ".png",
    )
    write_atomic(out / "importance.png", lambda p: charts.importance_chart(imp, p), ".png")
    text = json.dumps(doc, indent=2, default=_json) + "\n"
    write_atomic(out / "best.json", lambda p: p.write_text(text))
    return doc


def batch_size(workers: int) -> int:
    """Trials under evaluation at once for ``workers`` workers (at least 2 of each)."""
    return 2 * max(2, int(workers))


def market_name(market: Market) -> str:
    return str(market.scenario)


def _draws(from_fit: str, n: int, root_seed: int) -> list[dict[str, Any]] | None:
    """Posterior draws, one per replicate (the same for every plan); None without a fit."""
    if not from_fit:
        return None
    from experiments.fit.fitted import load_fit

    fitted = load_fit(from_fit)
    rng = np.random.default_rng([int(root_seed), 19])
    return [fitted.draw(rng) for _ in range(n)]


def _json(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    return str(x)


def parse_objectives(objective: str, objectives: str | None) -> tuple[str, ...]:
    """``--objective worth`` or ``--objectives worth,survival`` -> the names, checked."""
    from experiments.optimize.runs import OBJECTIVES

    names = tuple(o.strip() for o in (objectives or objective).split(",") if o.strip())
    for o in names:
        if o not in OBJECTIVES:
            raise ParameterError(
                f"objective {o!r} is not allowed; expected one of {', '.join(OBJECTIVES)}"
            )
    if not names or len(names) > 2 or len(set(names)) < len(names):
        raise ParameterError(
            "give one objective, or two different ones such as --objectives worth,survival"
        )
    if names[0] == "survival":
        raise ParameterError(
            "survival is a floor (--min-survival) or a second objective, not the first"
        )
    return names


def describe_held_out(check: dict[str, Any]) -> list[tuple[str, ...]]:
    """Rows for the held-out table: arm, mean, survival, plan minus arm with its interval."""
    from experiments.study import money

    rows = []
    for label, r in check["arms"].items():
        if "plan_minus_mean" in r:
            diff = (f"{money(r['plan_minus_mean'], sign=True)} ({money(r['plan_minus_ci_low'], sign=True)} "
                    f"to {money(r['plan_minus_ci_high'], sign=True)})")  # fmt: skip
        else:
            diff = ""
        rows.append((label, money(r["mean"]), f"{r['survival']:.0%}", diff))
    return rows
