"""What a fit leaves in its folder: fit.json, posterior.parquet and two charts.

- ``fit.json``: ``{"parameters": {name: {"estimate", "low", "high", ...}}, "history",
  "distance", ...}``; estimate is the posterior's weighted median, low and high its
  5th and 95th percentiles (a 90% interval).
- ``posterior.parquet``: the final generation's particles (model values) and weights.
- ``fit.png``: the history (dots) against the 10-90% band of runs drawn from the
  posterior, one panel per observed figure.
- ``forecast.png``: the next :data:`FORECAST_MONTHS` months from the same draws (a fan
  of 10-90% and 25-75% bands around the median).

Every file is written whole or not at all (:func:`experiments.io.write_atomic`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from experiments.fit.history import History
from experiments.fit.infer import Posterior
from experiments.fit.simulate import Market, run_many
from experiments.io import write_atomic

FORECAST_MONTHS = 24
DRAWS = 40
"""Posterior draws (one fresh seed each) behind the band and the fan: enough for the
10th and 90th percentiles to sit about four runs from each end."""

LABELS = {
    "arr": "ARR (USD)",
    "customers": "paying customers",
    "users": "users",
    "reps": "sales reps",
    "sm_spend": "S&M spend in the month (USD)",
    "cash": "cash (USD)",
}


@dataclass
class Draws:
    """Runs from posterior draws over the history and the forecast: (draws, months)."""

    months: np.ndarray
    series: dict[str, np.ndarray]
    values: list[dict[str, Any]]

    def band(self, column: str, q: tuple[float, ...] = (10, 50, 90)) -> np.ndarray:
        return np.percentile(self.series[column], q, axis=0)


def draw_runs(posterior: Posterior, market: Market, history: History, *, draws: int = DRAWS,
              root_seed: int = 0, workers: int = 1, progress: Callable | None = None) -> Draws:  # fmt: skip
    """Run ``draws`` posterior draws on fresh seeds through the history and the forecast."""
    rng = np.random.default_rng([int(root_seed), 18])
    values = posterior.draw(draws, rng)
    seeds = rng.integers(2**31, size=draws)
    months = int(history.months[-1]) + FORECAST_MONTHS
    series = run_many(market, values, seeds, months, history.columns, workers, progress)
    return Draws(np.arange(1, months + 1), series, values)


def fit_json(posterior: Posterior, history: History, market: Market, draws: Draws,
             settings: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """The fit in the issue's format, plus how it was made and its warnings."""
    params = posterior.summary()
    warnings = [
        f"{name} is not identifiable from this history: its 90% interval spans "
        f"{p['width_vs_prior']:.0%} of the prior's ({p['prior']})"
        for name, p in params.items()
        if not p["identifiable"]
    ]
    idx = history.months - 1
    inside = {}
    for c in history.columns:
        lo, _, hi = draws.band(c)
        obs = history.data[c].to_numpy()
        seen = ~np.isnan(obs)
        inside[c] = float(np.mean((obs[seen] >= lo[idx][seen]) & (obs[seen] <= hi[idx][seen])))
    last = draws.months[-1] - 1
    return {
        "kind": "salesweb fit",
        "scenario": market.scenario,
        "overrides": dict(market.overrides),
        "focal": dict(market.focal),
        "parameters": params,
        "history": history.describe(),
        "distance": {
            "definition": "root mean square over observed months and columns of "
            "log(1+simulated)-log(1+observed) (cash: miss of the monthly change / mean |observed change|); "
            "a candidate's distance is the mean over its seeds",
            "tolerances": posterior.epsilons,
            "final_median": posterior.accepted_distance,
        },
        "history_inside_band": inside,
        "forecast": {
            c: {
                "month": int(draws.months[-1]),
                "p10": float(np.percentile(draws.series[c][:, last], 10)),
                "median": float(np.median(draws.series[c][:, last])),
                "p90": float(np.percentile(draws.series[c][:, last], 90)),
            }
            for c in history.columns
        },
        "settings": settings,
        "simulations": posterior.simulations,
        "warnings": warnings,
    }


def write_fit(out: Path, posterior: Posterior, history: History, market: Market, draws: Draws,
              settings: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """Write fit.json, posterior.parquet, fit.png and forecast.png into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    doc = fit_json(posterior, history, market, draws, settings)
    write_atomic(out / "posterior.parquet", lambda p: posterior.particles.to_parquet(p), ".parquet")
    write_atomic(out / "fit.png", lambda p: _chart(history, draws, p, forecast=False), ".png")
    write_atomic(out / "forecast.png", lambda p: _chart(history, draws, p, forecast=True), ".png")
    text = json.dumps(doc, indent=2, default=float) + "\n"
    write_atomic(out / "fit.json", lambda p: p.write_text(text))
    return doc


def _chart(history: History, draws: Draws, path: Path, forecast: bool) -> None:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = history.columns
    fig, axes = plt.subplots(
        len(cols), 1, figsize=(8, 2.4 * len(cols) + 0.6), sharex=True, squeeze=False
    )
    n_hist = int(history.months[-1])
    months = draws.months if forecast else draws.months[:n_hist]
    for ax, c in zip(axes[:, 0], cols, strict=True):
        s = draws.series[c][:, : len(months)]
        lo, mid, hi = np.percentile(s, [10, 50, 90], axis=0)
        if forecast:
            q25, q75 = np.percentile(s, [25, 75], axis=0)
            ax.fill_between(months, lo, hi, color="tab:blue", alpha=0.18, label="10-90% of runs")
            ax.fill_between(months, q25, q75, color="tab:blue", alpha=0.3, label="25-75% of runs")
            ax.axvline(n_hist + 0.5, color="grey", lw=0.8, ls="--")
        else:
            ax.fill_between(
                months, lo, hi, color="tab:blue", alpha=0.25, label="fitted runs, 10-90%"
            )
        ax.plot(months, mid, color="tab:blue", lw=1.2, label="median run")
        ax.plot(history.months, history.data[c], "o", color="black", ms=3.5, label="your history")
        ax.set_ylabel(LABELS[c], fontsize=8)
        ax.grid(alpha=0.3)
        ax.ticklabel_format(axis="y", style="plain", useOffset=False)
    axes[0, 0].legend(fontsize=7, loc="upper left")
    axes[-1, 0].set_xlabel("month since launch")
    axes[-1, 0].xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    title = (
        f"Forecast: the next {FORECAST_MONTHS} months from {len(draws.values)} posterior draws"
        if forecast
        else f"History against {len(draws.values)} runs drawn from the fitted posterior"
    )
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)
