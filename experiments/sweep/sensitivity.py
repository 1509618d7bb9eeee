"""Sensitivity indices of a Sobol' or Morris sweep, with confidence intervals (SALib).

Replicates at a point are averaged first: SALib's estimators take one value per
design point, in design order, and the mean over replicates takes the model's own
noise out of the indices (it does not vanish: with few replicates, noise still
inflates the total-order indices of every parameter alike).

- Sobol' (Saltelli 2002; Jansen 1999 for the total order, as SALib computes them):
  ``S1`` is the share of the output's variance explained by a parameter alone, ``ST``
  including all its interactions. Confidence intervals by bootstrap (SALib, 100
  resamples, 95%).
- Morris (Morris 1991; ``mu_star`` of Campolongo et al. 2007): the mean absolute
  elementary effect of moving a parameter across its whole range (the design works in
  the unit cube, so effects of different parameters compare directly), ``sigma`` its
  spread (non-linearity or interactions). Bootstrap confidence interval on ``mu_star``.

Two checks keep noise from passing for influence (:func:`noise_warnings`):

- the noise floor: the upper end of the noise dummy's interval (a design column that
  changes only the random stream, :data:`~experiments.sweep.design.NOISE_DUMMY`). A
  parameter whose index lies within it moved the output no more than a change of
  seed did (Khorashadi Zadeh et al. 2017, Environ. Model. Softw. 91: 210-222).
- the sum of total-order indices: it exceeds 1 only through interactions, counted once
  in each parameter they involve; above :data:`SUM_ST_LIMIT` it usually means noise
  credited to every parameter (each point drawing its own seed) or too few samples.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.sweep.design import NOISE_DUMMY, salib_problem
from experiments.sweep.spec import Spec

CONF_LEVEL = 0.95
RESAMPLES = 100
SUM_ST_LIMIT = 1.5
"""Warn when the total-order indices sum above this: interactions alone rarely double-
count half the variance, noise credited to every parameter does."""


@dataclass(frozen=True)
class Indices:
    """Indices of one output: a frame indexed by parameter.

    Columns are ``S1, S1_conf, ST, ST_conf`` for Sobol' and ``mu_star, mu_star_conf,
    sigma, mu`` for Morris; ``*_conf`` is the half-width of the 95% interval.
    """

    method: str
    output: str
    table: pd.DataFrame


def point_means(summary: pd.DataFrame, output: str, n_points: int) -> np.ndarray | None:
    """The output's mean over replicates at every design point, or None if a point has
    no finished run (SALib needs them all)."""
    means = summary.groupby("point")[output].mean()
    if len(means) != n_points or means.isna().any():
        return None
    return means.sort_index().to_numpy(dtype=float)


def analyze(
    spec: Spec,
    unit: np.ndarray,
    summary: pd.DataFrame,
    output: str,
    n_base: int | None = None,
) -> Indices | None:
    """Indices of ``output`` for a ``sobol`` or ``morris`` spec; None if they cannot be
    computed (a point without runs, or an output that does not vary).

    ``n_base`` uses only the first ``n_base`` Saltelli base samples (Morris
    trajectories) of the design: a complete smaller design, since both samplers emit
    points block by block (for convergence, :mod:`experiments.sweep.convergence`).
    """
    y = point_means(summary, output, len(unit))
    problem = salib_problem(spec)
    if n_base is not None:
        rows = n_base * (len(unit) // (spec.design.samples or 1))
        y, unit = (None, unit) if y is None else (y[:rows], unit[:rows])
    if y is None or not np.isfinite(y).all() or np.ptp(y) == 0:
        return None
    with warnings.catch_warnings():
        # SALib warns of identical values: an inert parameter gives exactly those
        warnings.simplefilter("ignore", UserWarning)
        res, cols = _salib(spec, problem, unit, y)
    table = pd.DataFrame({c: np.asarray(res[c], dtype=float) for c in cols}, index=problem["names"])
    table.index.name = "parameter"
    if not np.nan_to_num(table[cols[2]].to_numpy()).any():
        return None  # the output does not vary across the base samples
    return Indices(spec.design.kind, output, table)


def _salib(spec: Spec, problem: dict, unit: np.ndarray, y: np.ndarray):
    seed = spec.root_seed
    if spec.design.kind == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(
            problem,
            y,
            calc_second_order=spec.design.second_order,
            num_resamples=RESAMPLES,
            conf_level=CONF_LEVEL,
            seed=seed,
        )
        cols = ["S1", "S1_conf", "ST", "ST_conf"]
    else:
        from SALib.analyze import morris

        res = morris.analyze(
            problem,
            unit,
            y,
            num_resamples=RESAMPLES,
            conf_level=CONF_LEVEL,
            num_levels=spec.design.levels,
            seed=seed,
        )
        cols = ["mu_star", "mu_star_conf", "sigma", "mu"]
    return res, cols


def index_columns(method: str) -> tuple[str, str]:
    """The ranking index of a method and its interval half-width column."""
    return ("ST", "ST_conf") if method == "sobol" else ("mu_star", "mu_star_conf")


def noise_floor(ind: Indices) -> float | None:
    """Upper end of the noise dummy's interval, or None without a dummy."""
    if NOISE_DUMMY not in ind.table.index:
        return None
    key, conf = index_columns(ind.method)
    row = ind.table.loc[NOISE_DUMMY]
    return float(np.nan_to_num(row[key]) + np.nan_to_num(row[conf]))


def noise_warnings(ind: Indices, seeding: str = "common") -> list[str]:
    """Plain-words warnings: parameters within the noise floor, a sum of ``ST`` far above 1."""
    key, _ = index_columns(ind.method)
    table = ind.table.drop(index=NOISE_DUMMY, errors="ignore")
    out = []
    floor = noise_floor(ind)
    if floor is not None:
        within = [p for p in table.index if table.loc[p, key] <= floor]
        if within:
            out.append(
                f"{ind.output}: {', '.join(within)} within the noise floor ({key} <= {floor:.3g}, "
                "the noise dummy's upper bound): no more effect than a change of seed"
            )
    if ind.method == "sobol":
        total = float(np.nan_to_num(table["ST"]).sum())
        if total > SUM_ST_LIMIT:
            remedy = "" if seeding == "common" else 'seeding = "common", '
            out.append(
                f"{ind.output}: the total-order indices sum to {total:.2f}, far above 1: noise "
                f"is probably credited to the parameters (use {remedy}more replicates or a "
                "larger N)"
            )
    return out
