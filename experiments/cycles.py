"""Predator-prey cycles in a run: how buyers' receptivity leads the sales force.

Seed 004 ("The Sales Web") says vendors and buyers co-evolve: outbound pressure wears
buyers' attention down, vendors starve and exit, attention recovers and vendors
return. In a run this shows as receptivity (the prey) and reps (the predators)
oscillating with receptivity ahead. :func:`lead_lag` measures the lag at which
receptivity now best predicts reps later; :func:`count_cycles` counts full cycles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _standardise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def detrend(x: np.ndarray, window: int) -> np.ndarray:
    """``x`` minus its centred moving average over ``window`` weeks (edges padded)."""
    x = np.asarray(x, dtype=np.float64)
    if window <= 1 or len(x) < window:
        return x - x.mean()
    kernel = np.ones(window) / window
    padded = np.pad(x, (window // 2, window - 1 - window // 2), mode="edge")
    return x - np.convolve(padded, kernel, mode="valid")


def cross_correlation(x: np.ndarray, y: np.ndarray, max_lag: int) -> np.ndarray:
    """``corr(x[t], y[t + lag])`` for ``lag = 0 .. max_lag`` (y lags x for positive lags)."""
    x, y = _standardise(x), _standardise(y)
    n = len(x)
    out = np.full(max_lag + 1, np.nan)
    for lag in range(min(max_lag, n - 2) + 1):
        a, b = x[: n - lag], y[lag:]
        if a.std() > 0 and b.std() > 0:
            out[lag] = float(np.corrcoef(a, b)[0, 1])
    return out


@dataclass(frozen=True)
class LeadLag:
    """Where receptivity now best predicts the sales force later."""

    lag: int  # weeks
    correlation: float
    correlations: np.ndarray


def lead_lag(receptivity: np.ndarray, reps: np.ndarray, max_lag: int = 156) -> LeadLag:
    """The lag (weeks) of the peak of ``corr(receptivity[t], reps[t + lag])``."""
    cc = cross_correlation(receptivity, reps, max_lag)
    lag = int(np.nanargmax(cc))
    return LeadLag(lag=lag, correlation=float(cc[lag]), correlations=cc)


def count_cycles(x: np.ndarray, smooth: int = 13, min_prominence: float = 0.5) -> int:
    """Full cycles of ``x``: peaks of its smoothed, standardised path between two troughs.

    A peak counts when the series rises at least ``min_prominence`` standard
    deviations above the troughs on both sides (noise does not count as a cycle).
    """
    z = _standardise(np.convolve(np.asarray(x, float), np.ones(smooth) / smooth, mode="valid"))
    cycles, trough, peak, rising = 0, z[0] if len(z) else 0.0, -np.inf, False
    for value in z:
        if not rising:
            trough = min(trough, value)
            if value - trough >= min_prominence:
                rising, peak = True, value
        else:
            peak = max(peak, value)
            if peak - value >= min_prominence:
                cycles += 1
                rising, trough = False, value
    return cycles
