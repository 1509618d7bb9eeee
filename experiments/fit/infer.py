"""Simulation-based inference: ABC-SMC (pyabc) over a company's history.

Approximate Bayesian computation keeps the parameter sets whose simulated histories
come close to the observed one; sequential Monte Carlo (Del Moral, Doucet & Jasra
2012; Beaumont et al. 2009, as implemented in pyabc, Schälte et al. 2022) does it in
generations, each accepting candidates below a tolerance that shrinks to the median
distance of the previous generation. The accepted particles, weighted, are a sample
of the posterior: each parameter gets an estimate (weighted median) and a 90%
interval (weighted 5th and 95th percentiles), not only a point.

Priors are uniform over each range (:mod:`experiments.fit.space`) on its own scale
(log ranges uniform in the logarithm): the sampler works in unit coordinates
``u in [0, 1]`` and :meth:`Dim.from_unit` turns them into values.

Distance (docs/fit.md, "Distance"): one run's distance is the root mean square, over
every observed month and column, of the miss ``log(1 + simulated) - log(1 + observed)``
(cash, which can be negative: the miss of its month-on-month change divided by the
mean absolute observed change);
a candidate's distance is the mean over its ``seeds`` runs (fresh seeds per
candidate, so the noise of the market is part of what the tolerance absorbs).
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.fit.history import NON_NEGATIVE, History
from experiments.fit.simulate import Market, monthly_run
from experiments.fit.space import Dim
from sim.params import ParameterError

NOT_IDENTIFIED = 0.75
"""A posterior 90% interval wider than this share of the prior's 90% interval (on the
range's own scale) means the history says little about the parameter."""

LEVEL = (5.0, 95.0)
"""Percentiles of the reported interval (a 90% interval)."""


def distance(sim: dict[str, np.ndarray], history: History) -> float:
    """Root mean square of the misses over observed months and columns (one run).

    A miss is ``log1p(simulated) - log1p(observed)`` for the figures that cannot be
    negative (a relative miss: 10% off reads the same for ARR and for reps), and
    for cash, which can be, the miss of its monthly change (what the company burned or
    earned) divided by the mean absolute observed change: the level depends on the money
    raised, which ``--set initial_cash=...`` fixes when it matters.
    """
    total, count = 0.0, 0
    for c in history.columns:
        obs = history.data[c].to_numpy()
        seen = ~np.isnan(obs)
        got = np.asarray(sim[c][: len(obs)], dtype=float)[seen]
        if c in NON_NEGATIVE:
            miss = np.log1p(np.maximum(got, 0.0)) - np.log1p(obs[seen])
        else:  # cash: the monthly change (the burn), not the level the money raised sets
            flow_got, flow_obs = np.diff(got), np.diff(obs[seen])
            miss = (flow_got - flow_obs) / (float(np.mean(np.abs(flow_obs))) or 1.0)
        total += float(np.sum(miss**2))
        count += len(miss)
    return math.sqrt(total / count)


def unit_values(dims: Sequence[Dim], unit: dict[str, float]) -> dict[str, object]:
    """Unit coordinates of one particle -> the parameter values the model takes."""
    return {d.name: d.value(d.from_unit(unit[d.name])) for d in dims}


@dataclass
class Posterior:
    """Weighted particles of the last generation, and how the run went."""

    dims: list[Dim]
    particles: pd.DataFrame  # one column per parameter (model values) plus "weight"
    unit: pd.DataFrame  # the same particles in unit coordinates
    epsilons: list[float]  # tolerance per generation
    simulations: int  # candidate evaluations (each over ``seeds`` runs)
    seeds: int
    accepted_distance: float  # weighted median distance of the final particles

    def summary(self) -> dict[str, dict]:
        """Per parameter: estimate, 90% interval, prior range, identifiable or not."""
        w = self.particles["weight"].to_numpy()
        out = {}
        for d in self.dims:
            lo, mid, hi = weighted_quantiles(self.particles[d.name].to_numpy(), w, [5, 50, 95])
            ulo, uhi = weighted_quantiles(self.unit[d.name].to_numpy(), w, list(LEVEL))
            width = (uhi - ulo) / ((LEVEL[1] - LEVEL[0]) / 100)
            out[d.name] = {
                "estimate": d.value(mid),
                "low": d.value(lo),
                "high": d.value(hi),
                "prior": d.text().split("=", 1)[1],
                "width_vs_prior": round(float(width), 3),
                "identifiable": bool(width <= NOT_IDENTIFIED),
            }
        return out

    def draw(self, n: int, rng: np.random.Generator) -> list[dict[str, object]]:
        """``n`` parameter sets drawn from the particles by weight (with replacement)."""
        w = self.particles["weight"].to_numpy()
        rows = rng.choice(len(w), size=n, p=w / w.sum())
        return [{d.name: d.value(self.particles[d.name].iloc[r]) for d in self.dims} for r in rows]


def weighted_quantiles(x: np.ndarray, w: np.ndarray, q: Sequence[float]) -> list[float]:
    """Weighted percentiles ``q`` (0-100) by the weighted empirical distribution function."""
    order = np.argsort(x)
    x, w = np.asarray(x, dtype=float)[order], np.asarray(w, dtype=float)[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return [float(np.interp(p / 100, cdf, x)) for p in q]


def fit(
    history: History,
    market: Market,
    dims: Sequence[Dim],
    *,
    population: int = 100,
    generations: int = 5,
    seeds: int = 3,
    workers: int = 1,
    root_seed: int = 0,
    db: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Posterior | None:
    """Fit ``dims`` to ``history`` by ABC-SMC; None if cancelled between generations.

    Parameters
    ----------
    population : int
        Accepted particles per generation (pyabc's population size).
    generations : int
        SMC generations; each halves the tolerance about (median epsilon).
    seeds : int
        Runs per candidate; its distance is their mean.
    workers : int
        Processes (pyabc's multicore sampler, forked) ; 1 runs here, reproducibly.
    db : path, optional
        pyabc's SQLite database (kept next to the fit); a temporary file if None.
    """
    import pyabc

    for d in dims:
        if d.kind == "choice":
            raise ParameterError(
                f"--fit {d.name}: a choice cannot be fitted; fix it with --set {d.name}=..."
            )
    if population < 10 or generations < 1 or seeds < 1:
        raise ParameterError("fit: need population >= 10, generations >= 1 and seeds >= 1")
    logging.getLogger("ABC").setLevel(logging.WARNING)
    logging.getLogger("pyabc").setLevel(logging.WARNING)
    months = int(history.months[-1])
    idx = history.months - 1
    observed = history.columns

    def model(unit: dict) -> dict:
        values = unit_values(dims, unit)
        # pyabc seeds the legacy global generator in each worker; draw run seeds from it
        rng = np.random.default_rng(np.random.randint(2**31))  # noqa: NPY002
        ds = []
        for s in rng.integers(2**31, size=seeds):
            sim = monthly_run(market, values, int(s), months, observed)
            ds.append(distance({c: sim[c][idx] for c in observed}, history))
        return {"distance": float(np.mean(ds))}

    prior = pyabc.Distribution(**{d.name: pyabc.RV("uniform", 0, 1) for d in dims})
    if workers > 1:
        sampler = pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers)
    else:
        sampler = pyabc.sampler.SingleCoreSampler()
    abc = pyabc.ABCSMC(
        model, prior, lambda x, _: x["distance"], population_size=population, sampler=sampler
    )
    tmp = None
    if db is None:
        tmp = tempfile.mkdtemp(prefix="salesweb-fit-")
        db = Path(tmp) / "abc.db"
    db = Path(db)
    db.unlink(missing_ok=True)
    np.random.seed(root_seed % 2**32)  # noqa: NPY002 - pyabc samples from the global generator
    abc.new("sqlite:///" + str(db.resolve()), {"distance": 0.0})
    t0 = abc.initialize_components_before_run(
        minimum_epsilon=None, max_nr_populations=generations, min_acceptance_rate=0.0,
        max_total_nr_simulations=np.inf, max_walltime=None, min_eps_diff=0.0,
    )  # fmt: skip
    for t in range(t0, t0 + generations):  # pyabc's run loop, with progress and cancel
        if cancelled is not None and cancelled():
            return None
        ret = abc.run_generation(t=t)
        if progress is not None:
            progress(t - t0 + 1, generations)
        if not ret["successful"] or abc.check_terminate(
            t=t, acceptance_rate=ret["acceptance_rate"]
        ):
            break
    hist = abc.history
    frame, weights = hist.get_distribution(m=0, t=hist.max_t)
    unit = frame[[d.name for d in dims]].reset_index(drop=True)
    values = pd.DataFrame({d.name: d.from_unit(unit[d.name].to_numpy()) for d in dims})
    values["weight"] = np.asarray(weights) / np.sum(weights)
    pops = hist.get_all_populations()
    eps = [float(e) for e in pops["epsilon"] if np.isfinite(e)]
    dist = hist.get_weighted_distances(t=hist.max_t)
    med = weighted_quantiles(dist["distance"].to_numpy(), dist["w"].to_numpy(), [50])[0]
    result = Posterior(
        list(dims), values, unit, eps, int(hist.total_nr_simulations), seeds, med
    )  # fmt: skip
    if tmp is not None:
        for f in Path(tmp).iterdir():
            f.unlink()
        os.rmdir(tmp)
    return result
