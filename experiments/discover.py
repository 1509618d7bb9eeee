"""Scenario discovery: under which parameters does a condition on the outcomes hold?

``salesweb discover DIR --where "winner == 'bottoms_up'"`` marks the runs of a sweep
where the condition holds (the cases of interest) and describes where in the varied
parameters they sit, two ways:

- PRIM, the patient rule induction method (Friedman and Fisher 1999), as scenario
  discovery uses it (Bryant and Lempert 2010): a box of parameter ranges is peeled a
  little at a time (``peel_alpha``, 5% of the runs) towards the cases of interest. Each
  step trades **coverage** (the share of all cases of interest inside the box) for
  **density** (the share of the box's runs that are cases of interest); the peeling
  trajectory charts the trade. Of the trajectory we report the box with the highest
  coverage whose density reaches ``min_density`` (0.8 by default, a common choice in
  scenario discovery), or the densest box if none does. PRIM is EMA Workbench's
  (``ema_workbench.analysis.prim``, Kwakkel 2017), the reference implementation.
- CART, a classification tree (scikit-learn, Breiman et al. 1984), depth 3 with leaves
  of at least 5% of the runs: each leaf that predicts the condition is a box too, with
  its own coverage and density.

The ``winner`` column is derived here for each run: the strategy with the highest final
``arr_<strategy>`` (``tie`` if two share the highest, ``none`` if every one is 0).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.where import evaluate

MIN_DENSITY = 0.8
"""Density the reported PRIM box must reach (the densest box if none does)."""
PEEL_ALPHA = 0.05
TREE_DEPTH = 3
LEAF_SHARE = 0.05


_NEEDS = "salesweb discover needs ema-workbench and scikit-learn: pip install 'salesweb[research]'"


class DiscoverError(ValueError):
    """Discovery cannot run (no varied parameter, no case of interest, every run a case)."""


@dataclass
class Box:
    """Parameter ranges and how well they capture the cases of interest.

    ``limits`` maps a restricted parameter to ``(low, high)`` for numbers or to the
    allowed values for categories; ``coverage`` and ``density`` are shares in [0, 1].
    """

    method: str
    limits: dict[str, tuple]
    coverage: float
    density: float
    runs: int
    cases: int


@dataclass
class Discovery:
    """What :func:`discover` found."""

    where: str
    total: int
    cases: int
    prim: Box | None
    trajectory: pd.DataFrame
    leaves: list[Box] = field(default_factory=list)

    def sentence(self, box: Box | None = None) -> str:
        """The box in plain words."""
        box = box or self.prim
        if box is None:
            return f"{self.where} holds in {self.cases} of {self.total} runs; no box found."
        if not box.limits:
            where = "anywhere in the sweep (no parameter restricts it)"
        else:
            where = "where " + " and ".join(_words(p, lim) for p, lim in box.limits.items())
        return (
            f"{self.where} holds in {box.density:.0%} of runs {where}, covering "
            f"{box.coverage:.0%} of the runs where it holds ({box.cases} of {self.cases}; "
            f"{box.runs} runs in the box, {self.cases / self.total:.0%} of all runs hold it)."
        )


def winner_column(summary: pd.DataFrame) -> pd.Series | None:
    """Each run's winning strategy by final ARR; None without ``arr_<strategy>`` columns."""
    from sim.params import STRATEGIES

    cols = {s: f"arr_{s}" for s in STRATEGIES if f"arr_{s}" in summary}
    if len(cols) < 2:
        return None
    values = summary[list(cols.values())].to_numpy(dtype=float)
    best = values.max(axis=1)
    names = np.array(list(cols))
    winner = names[values.argmax(axis=1)].astype(object)
    winner[(values == best[:, None]).sum(axis=1) > 1] = "tie"
    winner[best <= 0] = "none"
    return pd.Series(winner, index=summary.index, name="winner")


def discover(
    summary: pd.DataFrame,
    varied: list[str],
    where: str,
    min_density: float = MIN_DENSITY,
) -> Discovery:
    """Find the boxes of ``varied`` parameters where ``where`` holds (see the module).

    Raises
    ------
    WhereError
        ``where`` is not a valid expression on the summary's columns.
    DiscoverError
        Nothing varies, or the condition holds in no run or in every run.
    """
    table = summary.copy()
    win = winner_column(table)
    if win is not None and "winner" not in table:
        table["winner"] = win
    y = evaluate(where, table)
    x = table[[v for v in varied if table[v].astype(str).nunique() > 1]]
    if x.empty:
        raise DiscoverError("no varied parameter takes two values: nothing to discover")
    cases = int(y.sum())
    if cases == 0 or cases == len(y):
        what = "no run" if cases == 0 else "every run"
        raise DiscoverError(f"--where {where!r} holds in {what} of {len(y)}; nothing to tell apart")
    x = _prepared(x)
    box, trajectory = _prim(x, y, min_density)
    return Discovery(where, len(y), cases, box, trajectory, _cart(x, y))


def _prepared(x: pd.DataFrame) -> pd.DataFrame:
    """Numbers as floats, anything else as categories (PRIM peels those by value)."""
    out = {}
    for c in x.columns:
        col = x[c]
        if pd.api.types.is_bool_dtype(col) or not pd.api.types.is_numeric_dtype(col):
            out[c] = col.astype(str).astype("category")
        else:
            out[c] = col.astype(float)
    return pd.DataFrame(out, index=x.index).reset_index(drop=True)


def _prim(x: pd.DataFrame, y: np.ndarray, min_density: float) -> tuple[Box, pd.DataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench warns of optional extras on import
        try:
            from ema_workbench.analysis import prim
        except ImportError:
            raise DiscoverError(_NEEDS) from None

        p = prim.Prim(x, y.astype(int), peel_alpha=PEEL_ALPHA, mass_min=LEAF_SHARE)
        found = p.find_box()
    traj = found.peeling_trajectory[["coverage", "density", "mass", "res_dim", "n", "k"]].copy()
    ok = traj.index[traj["density"] >= min_density]
    i = int(traj.loc[ok, "coverage"].idxmax()) if len(ok) else int(traj["density"].idxmax())
    traj["chosen"] = traj.index == i
    lims, init = found.box_lims[i], p.box_init
    limits: dict[str, tuple] = {}
    for c in x.columns:
        if isinstance(x[c].dtype, pd.CategoricalDtype):
            allowed, every = set(lims[c].iloc[0]), set(init[c].iloc[0])
            if allowed != every:
                limits[c] = tuple(sorted(allowed))
        elif lims[c].iloc[0] > init[c].iloc[0] or lims[c].iloc[1] < init[c].iloc[1]:
            lo = None if lims[c].iloc[0] <= init[c].iloc[0] else float(lims[c].iloc[0])
            hi = None if lims[c].iloc[1] >= init[c].iloc[1] else float(lims[c].iloc[1])
            limits[c] = (lo, hi)
    row = traj.loc[i]
    box = Box("PRIM", limits, float(row["coverage"]), float(row["density"]), int(row["n"]),
              int(row["k"]))  # fmt: skip
    return box, traj


def _cart(x: pd.DataFrame, y: np.ndarray) -> list[Box]:
    """Leaves of a depth-3 tree that predict the condition, densest first."""
    try:
        from sklearn.tree import DecisionTreeClassifier
    except ImportError:
        raise DiscoverError(_NEEDS) from None

    coded = x.apply(lambda c: c.cat.codes if isinstance(c.dtype, pd.CategoricalDtype) else c)
    leaf_min = max(2, int(LEAF_SHARE * len(y)))
    tree = DecisionTreeClassifier(max_depth=TREE_DEPTH, min_samples_leaf=leaf_min, random_state=0)
    tree.fit(coded.to_numpy(dtype=float), y)
    t, leaves = tree.tree_, []
    leaf_of = tree.apply(coded.to_numpy(dtype=float))

    def walk(node: int, limits: dict[str, list]) -> None:
        if t.children_left[node] == -1:
            inside = leaf_of == node
            k = int(y[inside].sum())
            if k and k / inside.sum() > 0.5:
                lims = {p: _cart_limit(x[p], lo, hi) for p, (lo, hi) in limits.items()}
                leaves.append(
                    Box("CART", lims, k / y.sum(), k / inside.sum(), int(inside.sum()), k)
                )
            return
        name, cut = x.columns[t.feature[node]], float(t.threshold[node])
        lo, hi = limits.get(name, [None, None])
        walk(t.children_left[node], {**limits, name: [lo, cut if hi is None else min(hi, cut)]})
        walk(t.children_right[node], {**limits, name: [cut if lo is None else max(lo, cut), hi]})

    walk(0, {})
    return sorted(leaves, key=lambda b: (-b.density, -b.coverage))


def _cart_limit(col: pd.Series, lo: float | None, hi: float | None) -> tuple:
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = np.arange(len(col.cat.categories))
        keep = (codes > (lo if lo is not None else -np.inf)) & (
            codes <= (hi if hi is not None else np.inf)
        )
        return tuple(col.cat.categories[keep])
    return (lo, hi)


def _words(param: str, lim: tuple) -> str:
    if lim and isinstance(lim[0], str):
        return f"{param} is {' or '.join(map(str, lim))}"
    lo, hi = lim
    if lo is not None and hi is not None:
        return f"{param} is {lo:.3g} to {hi:.3g}"
    return f"{param} > {lo:.3g}" if lo is not None else f"{param} <= {hi:.3g}"


def plot_trajectory(found: Discovery, path: Path) -> Path:
    """PRIM's peeling trajectory: density against coverage, coloured by the number of
    restricted parameters, the reported box ringed."""
    from experiments.sweep.charts import _plt, save

    plt = _plt()
    t = found.trajectory
    fig, ax = plt.subplots(figsize=(5.2, 4), layout="constrained")
    dots = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=18)
    chosen = t[t["chosen"]]
    ax.scatter(chosen["coverage"], chosen["density"], s=120, facecolors="none", edgecolors="red",
               label="reported box")  # fmt: skip
    ax.axhline(found.cases / found.total, color="0.5", ls="--", lw=0.8, label="share of all runs")
    ax.set_xlabel("coverage (share of the cases inside the box)")
    ax.set_ylabel("density (share of the box's runs that are cases)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    most = int(t["res_dim"].max())
    fig.colorbar(dots, ax=ax, label="restricted parameters", ticks=range(most + 1))
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title(f"PRIM peeling trajectory: {found.where}", fontsize=9)
    return save(fig, path)


def markdown(found: Discovery, chart: str | None = None) -> str:
    """The report: the sentence, PRIM's box, CART's leaves, the chart."""
    lines = [f"# Scenario discovery: `{found.where}`", "", found.sentence(), ""]
    lines += [
        "| method | box | coverage | density | runs in box |",
        "| --- | --- | --- | --- | --- |",
    ]
    for box in ([found.prim] if found.prim else []) + found.leaves:
        where = " and ".join(_words(p, lim) for p, lim in box.limits.items()) or "everywhere"
        lines.append(
            f"| {box.method} | {where} | {box.coverage:.0%} | {box.density:.0%} | {box.runs} |"
        )
    if chart:
        lines += ["", f"![PRIM peeling trajectory]({chart})"]
    return "\n".join(lines) + "\n"
