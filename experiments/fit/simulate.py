"""One simulated company history: the focal company's monthly figures for a parameter set.

The fit compares these with the company's own rows (:mod:`experiments.fit.history`);
the forecast runs them past the history's end. A candidate is a {name: value} dict of
focal traits and market parameters (:func:`experiments.fit.space.split_settings`);
it starts from the scenario's market and ``[focal]`` table, as a study option does
(:func:`experiments.study.study`), and the focal company is vendor 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from experiments.fit.history import COLUMNS, month_weeks
from experiments.fit.space import split_settings
from experiments.study import check_settings
from sim.scenarios import load_scenario


@dataclass(frozen=True)
class Market:
    """A scenario's market with fixed changes: the base every candidate starts from.

    Parameters
    ----------
    scenario : str
        Preset name or scenario file.
    overrides : mapping
        Market parameters changed for every candidate (``--set`` on the command line).
    focal : mapping
        Focal settings every candidate starts from (over the scenario's ``[focal]``).
    """

    scenario: str
    overrides: Mapping[str, Any]
    focal: Mapping[str, Any]

    @classmethod
    def of(cls, scenario: str, overrides: Mapping[str, Any] | None = None,
           focal: Mapping[str, Any] | None = None) -> Market:  # fmt: skip
        """Load and check the scenario and the changes (ParameterError / ScenarioError)."""
        scen = load_scenario(scenario)
        base_focal = check_settings({**(scen.focal or {}), **(focal or {})}, "my company")
        scen.model_kwargs(**dict(overrides or {}))  # validates the overrides
        return cls(scenario, dict(overrides or {}), base_focal)

    def kwargs(self, values: Mapping[str, Any], seed: int) -> dict[str, Any]:
        """MarketModel keyword arguments for one candidate and one run seed."""
        focal, market = split_settings(values)
        scen = load_scenario(self.scenario)
        kw = scen.model_kwargs(**{**self.overrides, **market})
        kw["focal"] = check_settings({**self.focal, **focal}, "my company")
        kw["rng"] = int(seed)
        return kw


def monthly_run(market: Market, values: Mapping[str, Any], seed: int, months: int,
                columns: Sequence[str] = COLUMNS) -> dict[str, np.ndarray]:  # fmt: skip
    """The focal company's figures at the end of months 1..``months`` for one seed.

    ``sm_spend`` is what it spent on sales and marketing during each month (the change
    of ``Vendor.sm_spend_total``, the numerator of CAC); the others are read at the end
    of the month's last week. A company that exited reads as the model leaves it. Only the
    focal vendor is read, so the model keeps no weekly table (``record="none"``: the same
    figures for less CPU, tests/test_record.py).
    """
    from sim.model import MarketModel

    model = MarketModel(**market.kwargs(values, seed), record="none")
    me = model.focal_vendor
    ends = month_weeks(np.arange(1, months + 1))
    out = {c: np.zeros(months) for c in columns}
    spent_before = 0.0
    week = 0
    for m, end in enumerate(ends):
        while week < end:
            model.step()
            week += 1
        figures = {
            "arr": me.arr,
            "customers": me.customers,
            "users": me.users,
            "reps": me.reps,
            "cash": me.cash,
            "sm_spend": me.sm_spend_total - spent_before,
        }
        spent_before = me.sm_spend_total
        for c in columns:
            out[c][m] = figures[c]
    return out


def run_seeds(market: Market, values: Mapping[str, Any], seeds: Sequence[int], months: int,
              columns: Sequence[str] = COLUMNS) -> dict[str, np.ndarray]:  # fmt: skip
    """:func:`monthly_run` over several seeds: each column an array (seeds, months)."""
    runs = [monthly_run(market, values, s, months, columns) for s in seeds]
    return {c: np.stack([r[c] for r in runs]) for c in columns}


def synthetic_history(market: Market, values: Mapping[str, Any], seed: int, months: int,
                      columns: Sequence[str] = COLUMNS, source: str = "synthetic"):  # fmt: skip
    """A history the model itself writes for known ``values``: what a recovery check fits back."""
    import pandas as pd

    from experiments.fit.history import History

    run = monthly_run(market, values, seed, months, columns)
    data = pd.DataFrame({c: run[c] for c in columns})
    return History(np.arange(1, months + 1), data, source)


def _one(task: tuple) -> dict[str, np.ndarray]:
    market, values, seed, months, columns = task
    return monthly_run(market, values, seed, months, columns)


def run_many(market: Market, values: Sequence[Mapping[str, Any]], seeds: Sequence[int],
             months: int, columns: Sequence[str] = COLUMNS, workers: int = 1,
             progress: Any = None) -> dict[str, np.ndarray]:  # fmt: skip
    """Candidate ``k`` on seed ``seeds[k]`` for every k: each column an array (k, months).

    Runs in ``workers`` spawned processes (safe from a threaded server), else here.
    ``progress(done, total)`` is called after each run.
    """
    tasks = [
        (market, dict(v), int(s), months, tuple(columns))
        for v, s in zip(values, seeds, strict=True)
    ]
    results: list[dict[str, np.ndarray]] = []
    if workers > 1 and len(tasks) > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(
            min(workers, len(tasks)), mp_context=mp.get_context("spawn")
        ) as pool:
            for r in pool.map(_one, tasks):
                results.append(r)
                if progress is not None:
                    progress(len(results), len(tasks))
    else:
        for t in tasks:
            results.append(_one(t))
            if progress is not None:
                progress(len(results), len(tasks))
    return {c: np.stack([r[c] for r in results]) for c in columns}
