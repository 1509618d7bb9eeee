"""Convergence of sensitivity indices: the same analysis at N/4, N/2 and N.

Saltelli's and Morris's samplers emit their points block by block (one base sample's
``D + 2`` Sobol' points, one trajectory's ``D + 1`` Morris points), so the first
``N/4`` blocks of a design form a complete smaller design. Indices whose intervals
still shrink and whose ranking still changes between N/2 and N have not converged:
the chart says whether a larger N is worth its runs. For Sobol' designs N is a power
of 2 (the spec insists), so N/4 and N/2 keep the Sobol' sequence's balance.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.sweep.design import NOISE_DUMMY
from experiments.sweep.sensitivity import analyze, index_columns
from experiments.sweep.spec import Spec

FRACTIONS = (4, 2, 1)
"""Base sample sizes N / f for each f: N/4, N/2 and N."""


def sample_sizes(spec: Spec) -> list[int]:
    """The base sample sizes analysed: N/4, N/2, N (those of at least 2, no repeats)."""
    n = spec.design.samples or 0
    return sorted({n // f for f in FRACTIONS if n // f >= 2})


def convergence_table(
    spec: Spec, unit: np.ndarray, summary: pd.DataFrame, output: str
) -> pd.DataFrame:
    """The ranking index and its 95% half-width of every parameter at each sample size.

    Returns
    -------
    DataFrame
        Columns ``N``, ``parameter``, ``index`` (``ST`` or ``mu_star``) and ``conf``;
        empty if the indices cannot be computed at full N.
    """
    key, conf = index_columns(spec.design.kind)
    rows = []
    for n in sample_sizes(spec):
        ind = analyze(spec, unit, summary, output, n_base=n)
        if ind is None:
            continue
        for p, r in ind.table.iterrows():
            rows.append({"N": n, "parameter": p, "index": r[key], "conf": r[conf]})
    return pd.DataFrame(rows, columns=["N", "parameter", "index", "conf"])


def plot_convergence(tables: dict[str, pd.DataFrame], method: str, path: Path) -> Path:
    """One panel per output: each parameter's index against N with its 95% interval;
    the noise dummy dashed grey (its upper bound is the noise floor)."""
    from experiments.sweep.charts import _grid, save

    fig, axes = _grid(len(tables), cols=3)
    key = "ST" if method == "sobol" else "mu*"
    for ax, (output, table) in zip(axes, tables.items(), strict=True):
        names = list(dict.fromkeys(table["parameter"]))
        sizes = sorted(table["N"].unique())
        for j, name in enumerate(names):
            t = table[table["parameter"] == name].sort_values("N")
            shift = 1 + 0.04 * (j - (len(names) - 1) / 2)  # side by side on the log axis
            dummy = name == NOISE_DUMMY
            ax.errorbar(
                t["N"] * shift,
                t["index"],
                yerr=t["conf"],
                marker="o",
                ms=3,
                capsize=2,
                lw=1,
                ls="--" if dummy else "-",
                color="0.5" if dummy else None,
                label=name,
            )
        ax.set_xscale("log", base=2)
        ax.set_xticks(sizes, [str(n) for n in sizes])
        ax.axhline(0, color="k", lw=0.6)
        ax.set_title(output, fontsize=9)
        ax.set_xlabel("base samples N", fontsize=8)
        ax.set_ylabel(key, fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=6)
    fig.suptitle(f"Convergence of {key} with N (95% bootstrap intervals)", fontsize=11)
    return save(fig, path)
