"""Memory at plan time: every design point's peak estimated before anything runs.

:func:`experiments.sweep.runner.plan_runs` puts the model's own estimate
(:func:`sim.budget.estimate`, the figures ``experiments/memory_budget.py`` checks
against measured peaks) on each planned run; :func:`over_budget` picks the points above
the run's memory limit, which ``salesweb sweep`` refuses (and ``--dry-run`` lists)
before a single run starts. Each worker runs one market at a time, so a sweep on W
workers may hold W times the limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from experiments.sweep.runner import PlannedRun


def over_budget(runs: list[PlannedRun], limit_gb: float | None) -> list[PlannedRun]:
    """One planned run per design point whose memory estimate exceeds ``limit_gb``
    (the model's default limit if None)."""
    from sim.budget import GB, check_limit, default_limit_gb

    limit = check_limit(default_limit_gb() if limit_gb is None else limit_gb) * GB
    seen: dict[int, PlannedRun] = {}
    for r in runs:
        if r.estimate > limit and r.point not in seen:
            seen[r.point] = r
    return list(seen.values())


def budget_message(over: list[PlannedRun], limit_gb: float | None, varied: list[str]) -> str:
    """One line naming the first point over the memory limit and how many there are."""
    from sim.budget import GB, default_limit_gb

    first = over[0]
    limit = default_limit_gb() if limit_gb is None else limit_gb
    point = {k: first.task.kwargs[k] for k in varied}
    return (
        f"{len(over)} design point{'s' if len(over) > 1 else ''} over the memory limit of "
        f"{limit:g} GB per run: point {first.point} ({_describe(point)}) needs about "
        f"{first.estimate / GB:.3g} GB (mostly {first.largest}); shrink the market or raise "
        "--memory-limit (each worker runs one market at a time)"
    )


def _describe(point: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in point.items())
