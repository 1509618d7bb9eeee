"""Compare two parameter sets on the same seeds (common random numbers).

"What if we went hybrid instead of direct?" is answered by running set A and set B
from the same scenario with the same seeds: each pair of runs shares its random
stream up to the point where the changed parameters make them diverge, so the
difference between A and B is mostly the effect of the change, not luck.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gui.limits import COMPARISON_CHUNK, Cancelled, heavy_slot, session_memory_gb
from sim import budget
from sim.model import MarketModel
from sim.params import PARAMETERS, defaults
from sim.scenarios import load_scenario

MAX_SEEDS = 20
"""Seeds one comparison may run in the browser (each runs A and B)."""
SEED_DIGITS = 18
"""Longest seed accepted (an int64), so no text turns into a huge integer."""

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
    ParameterError before running anything if either set is invalid or its market is
    above the session's memory limit for ``weeks`` weeks. Each build and each
    :data:`gui.limits.COMPARISON_CHUNK` weeks take a turn at a heavy-work slot.
    """
    scen = load_scenario(scenario)
    limit = session_memory_gb()
    kwargs = {
        label: scen.model_kwargs(**{**base_overrides, **extra}, memory_limit_gb=limit)
        for label, extra in (("A", overrides_a), ("B", overrides_b))
    }
    for kw in kwargs.values():  # validate both sets before spending time on either
        MarketModel(rng=0, **{**kw, "n_enterprises": 1, "n_vendors": 0, "vendors": None})
        params = {**defaults(), **{k: v for k, v in kw.items() if k in PARAMETERS}}
        budget.check(params, limit, steps=weeks)
    histories: dict[str, list[dict[str, list]]] = {"A": [], "B": []}
    total = 2 * len(seeds) * weeks
    done = 0
    try:
        for seed in seeds:
            for label in ("A", "B"):
                with heavy_slot(cancelled):
                    model = MarketModel(**{**kwargs[label], "rng": int(seed)})
                for start in range(0, weeks, COMPARISON_CHUNK):
                    with heavy_slot(cancelled):
                        for _ in range(min(COMPARISON_CHUNK, weeks - start)):
                            if cancelled is not None and cancelled():
                                return None
                            model.step()
                            done += 1
                            if progress is not None and done % 10 == 0:
                                progress(done / total)
                histories[label].append(
                    {k: list(v) for k, v in model.datacollector.model_vars.items()}
                )
    except Cancelled:
        return None
    if progress is not None:
        progress(1.0)
    return Comparison(list(seeds), weeks, histories)


def parse_seeds(text: str, limit: int = MAX_SEEDS) -> tuple[list[int], str | None]:
    """``"1, 2, 3"`` or ``"1-5"`` -> seeds; a message for anything else (at most ``limit``).

    Ranges are counted before any is expanded, so ``1-100000000`` costs no more than
    ``1-2`` (the field is parsed on every keystroke).
    """
    ranges: list[tuple[int, int]] = []
    count = 0
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        match = re.fullmatch(rf"([0-9]{{1,{SEED_DIGITS}}})(?:-([0-9]{{1,{SEED_DIGITS}}}))?", part)
        if match is None:
            shown = part if len(part) <= 40 else part[:40] + "..."
            return [], f"seeds: {shown!r} is not a whole number or a range like 1-5"
        lo = int(match[1])
        hi = int(match[2]) if match[2] else lo
        if hi < lo:
            return [], f"seeds: the range {part!r} runs backwards; write {hi}-{lo}"
        count += hi - lo + 1
        if count > limit:
            return (
                [],
                f"seeds: more than {limit} seeds is too many for the browser; use at most {limit}",
            )
        ranges.append((lo, hi))
    if not ranges:
        return [], "seeds: enter at least one seed, e.g. 1,2,3"
    return [s for lo, hi in ranges for s in range(lo, hi + 1)], None
