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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.sweep.design import salib_problem
from experiments.sweep.spec import Spec

CONF_LEVEL = 0.95
RESAMPLES = 100


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


def analyze(spec: Spec, unit: np.ndarray, summary: pd.DataFrame, output: str) -> Indices | None:
    """Indices of ``output`` for a ``sobol`` or ``morris`` spec; None if they cannot be
    computed (a point without runs, or an output that does not vary)."""
    y = point_means(summary, output, len(unit))
    if y is None or not np.isfinite(y).all() or np.ptp(y) == 0:
        return None
    problem = salib_problem(spec)
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
    table = pd.DataFrame({c: np.asarray(res[c], dtype=float) for c in cols}, index=problem["names"])
    table.index.name = "parameter"
    if not np.nan_to_num(table[cols[2]].to_numpy()).any():
        return None  # the output does not vary across the base samples
    return Indices(spec.design.kind, output, table)
