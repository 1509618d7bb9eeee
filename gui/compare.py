"""Compare two parameter sets on the same seeds (common random numbers).

"What if we went hybrid instead of direct?" is answered by running set A and set B
from the same scenario with the same seeds: each pair of runs shares its random
stream up to the point where the changed parameters make them diverge, so the
difference between A and B is mostly the effect of the change, not luck.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model import MarketModel
from sim.scenarios import load_scenario

END_METRICS: tuple[tuple[str, str, float], ...] = (
    ("arr_total", "ARR (USD m)", 1e-6),
    ("cac_median", "median CAC (USD k)", 1e-3),
    ("vendors_active", "vendors alive", 1.0),
)
"""Metrics compared at the last week: column, label, display scale."""


@dataclass
class Comparison:
    """Per-seed histories of runs A and B, and the seeds and weeks they ran."""

    seeds: list[int]
    weeks: int
    histories: dict[str, list[dict[str, list]]]  # label -> one history per seed

    def mean_history(self, label: str) -> dict[str, list[float]]:
        """Column-wise mean over seeds of run ``label`` (NaN-aware, for overlay charts)."""
        runs = self.histories[label]
        out = {}
        for col in runs[0]:
            stacked = np.array([r[col] for r in runs], dtype=float)
            with warnings.catch_warnings():  # a week where every seed is NaN stays NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = np.nanmean(stacked, axis=0)
            out[col] = mean.tolist()
        return out

    def end_table(self) -> list[dict[str, Any]]:
        """Rows of metric, A, B, B - A at the last week, averaged over seeds."""
        rows = []
        for col, label, scale in END_METRICS:
            a = _end_mean(self.histories["A"], col) * scale
            b = _end_mean(self.histories["B"], col) * scale
            diff = b - a if math.isfinite(a) and math.isfinite(b) else float("nan")
            rows.append({"metric": label, "A": a, "B": b, "B - A": diff})
        return rows


def _end_mean(runs: list[dict[str, list]], col: str) -> float:
    values = np.array([r[col][-1] for r in runs], dtype=float)
    if np.isnan(values).all():
        return float("nan")
    return float(np.nanmean(values))


def run_comparison(
    scenario: str,
    base_overrides: dict[str, Any],
    overrides_a: dict[str, Any],
    overrides_b: dict[str, Any],
    seeds: Sequence[int],
    weeks: int,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Comparison | None:
    """Run A and B for ``weeks`` on each seed; return None if cancelled.

    Both sets start from the scenario plus ``base_overrides`` (the page's current
    changes); ``overrides_a`` / ``overrides_b`` are applied on top. Raises
    ParameterError before running anything if either set is invalid.
    """
    scen = load_scenario(scenario)
    kwargs = {
        label: scen.model_kwargs(**{**base_overrides, **extra})
        for label, extra in (("A", overrides_a), ("B", overrides_b))
    }
    for kw in kwargs.values():  # validate both sets before spending time on either
        MarketModel(rng=0, **{**kw, "n_enterprises": 1, "n_vendors": 0, "vendors": None})
    histories: dict[str, list[dict[str, list]]] = {"A": [], "B": []}
    total = 2 * len(seeds) * weeks
    done = 0
    for seed in seeds:
        for label in ("A", "B"):
            model = MarketModel(**{**kwargs[label], "rng": int(seed)})
            for _ in range(weeks):
                if cancelled is not None and cancelled():
                    return None
                model.step()
                done += 1
                if progress is not None and done % 10 == 0:
                    progress(done / total)
            histories[label].append({k: list(v) for k, v in model.datacollector.model_vars.items()})
    if progress is not None:
        progress(1.0)
    return Comparison(list(seeds), weeks, histories)


def parse_seeds(text: str) -> tuple[list[int], str | None]:
    """``"1, 2, 3"`` or ``"1-5"`` -> seeds; a message for anything else (at most 20 seeds)."""
    seeds: list[int] = []
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        lo, sep, hi = part.partition("-")
        if not lo.isdigit() or (sep and not hi.isdigit()):
            return [], f"seeds: {part!r} is not a whole number or a range like 1-5"
        seeds.extend(range(int(lo), int(hi) + 1) if sep else [int(lo)])
    if not seeds:
        return [], "seeds: enter at least one seed, e.g. 1,2,3"
    if len(seeds) > 20:
        return [], f"seeds: {len(seeds)} seeds is too many for the browser; use at most 20"
    return seeds, None
