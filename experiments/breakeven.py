"""The breakeven ACV of a dual motion, seed by seed (seed 003: "ensure your ACV covers both").

Why: the dual-motion claim compares two prices; a company wants the price at which
overlaying sales starts to pay, and how much it moves with the market's weather. For
each seed this runs the focal company as a hybrid and as bottoms-up (the claim's
baseline) at a ladder of its own seat prices, finds where the hybrid's edge crosses
zero (linear interpolation between the two prices around the first rise through
zero), and reads the rep-won ACV there. With reps hired from bookings the edge is no
accounting identity, so the breakeven varies across seeds; its mean and standard
error are the answer, and seeds whose edge never crosses are counted, not hidden.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from experiments.claims import (
    BASELINE,
    Claim,
    RunJob,
    _map,
    _subtract_baselines,
    default_workers,
    merge_overrides,
)

PRICES = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 40.0, 80.0)
"""Seat prices a month (USD): rep-won ACVs from about 1k (a rabbit) to 120k in the dual-motion market."""


def crossing(prices: Sequence[float], edges: Sequence[float]) -> float:
    """The price where ``edges`` first rises through zero (NaN if it never does).

    Linear between the ladder's two prices around the crossing; an edge already
    positive at the lowest price crosses at or below it (returned as that price's
    lower bound is unknown: NaN, counted as "no crossing in the ladder").
    """
    p, e = np.asarray(prices, float), np.asarray(edges, float)
    for i in range(1, len(p)):
        if np.isfinite(e[i - 1]) and np.isfinite(e[i]) and e[i - 1] < 0 <= e[i]:
            return float(p[i - 1] + (p[i] - p[i - 1]) * (-e[i - 1]) / (e[i] - e[i - 1]))
    return math.nan


@dataclass
class Breakeven:
    """Per-seed edges and rep-won ACVs over the price ladder, and the crossings."""

    prices: tuple[float, ...]
    seeds: list[int]
    edges: np.ndarray  # (seeds, prices): hybrid minus bottoms-up, the claim's metric
    acvs: np.ndarray  # (seeds, prices): mean rep-won ACV of the hybrid (USD)

    @property
    def prices_at_zero(self) -> np.ndarray:
        return np.array([crossing(self.prices, row) for row in self.edges])

    @property
    def acvs_at_zero(self) -> np.ndarray:
        out = []
        for price, acv in zip(self.prices_at_zero, self.acvs, strict=True):
            ok = np.isfinite(acv)
            out.append(
                float(np.interp(price, np.asarray(self.prices)[ok], acv[ok]))
                if math.isfinite(price) and ok.sum() >= 2
                else math.nan
            )
        return np.array(out)

    def summary(self) -> str:
        """Mean ± SE of the breakeven price and ACV over the seeds that cross."""
        lines = [
            "| seat price (USD a month) | " + " | ".join(f"{p:g}" for p in self.prices) + " |",
            "| --- |" + " --- |" * len(self.prices),
            "| edge, mean over seeds (seat-years) | "
            + " | ".join(f"{x:.3g}" for x in np.nanmean(self.edges, axis=0))
            + " |",
            "| rep-won ACV, mean (USD) | "
            + " | ".join(f"{x:,.0f}" for x in np.nanmean(self.acvs, axis=0))
            + " |",
            "",
        ]
        for name, values in (("price", self.prices_at_zero), ("rep-won ACV", self.acvs_at_zero)):
            ok = values[np.isfinite(values)]
            if len(ok) >= 2:
                se = ok.std(ddof=1) / math.sqrt(len(ok))
                lines.append(
                    f"Breakeven {name}: {ok.mean():,.4g} ± {se:,.2g} (SE; sd {ok.std(ddof=1):,.3g}) "
                    f"over {len(ok)} of {len(values)} seeds."
                )
            else:
                lines.append(f"Breakeven {name}: {len(ok)} of {len(values)} seeds cross zero.")
        return "\n".join(lines) + "\n"


def run_breakeven(
    claim: Claim,
    seeds: Sequence[int],
    prices: Sequence[float] = PRICES,
    size: Mapping[str, Any] | None = None,
    steps: int | None = None,
    acv_metric: Callable | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Breakeven:
    """Run the dual-motion claim's arm (and its baseline) at every price on every seed."""
    from experiments.claim_list import REP_WON_ACV

    acv_metric = acv_metric or REP_WON_ACV
    lever = claim.left.overrides
    jobs = []
    for price in prices:
        at = merge_overrides(size or {}, lever, {"focal": {"seat_price": float(price)}})
        for seed in seeds:
            reads = (("edge", claim.metric), ("acv", acv_metric))
            jobs.append(RunJob(claim.key, f"{price:g}", seed, claim.scenario, at, steps, reads))
            based = merge_overrides(at, claim.baseline or {})
            reads = (("edge" + BASELINE, claim.metric),)
            jobs.append(RunJob(claim.key, f"{price:g}", seed, claim.scenario, based, steps, reads))
    out = _map(jobs, workers or default_workers(), progress, retries=2)
    edges = np.full((len(seeds), len(prices)), np.nan)
    acvs = np.full_like(edges, np.nan)
    values: dict[tuple[str, int], dict[str, float]] = {}
    for job, got in zip(jobs, out, strict=True):
        values.setdefault((job.condition, job.seed), {}).update(got)
    for j, price in enumerate(prices):
        for i, seed in enumerate(seeds):
            got = _subtract_baselines({k: [v] for k, v in values[(f"{price:g}", seed)].items()})
            edges[i, j], acvs[i, j] = got["edge"][0], got["acv"][0]
    return Breakeven(tuple(float(p) for p in prices), list(seeds), edges, acvs)
