"""The report's charts (matplotlib, written atomically as PNG).

Bands are across runs: at each level of a parameter (or each of up to
:data:`MAX_BINS` quantile bins of a continuous one), the line is the mean of the runs,
the dark band its 95% confidence interval (1.96 standard errors), the light band the
10th to 90th percentile of the runs themselves. Other varied parameters are averaged
over (a marginal effect, as a modeller reads a one-way plot).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.io import save_figure
from experiments.palette import STRATEGY_COLORS as GUI_STRATEGY_COLORS

MAX_LEVELS = 12
"""A numeric parameter with more distinct values than this is binned."""
MAX_BINS = 10
MAP_BINS = 5
"""Bins per continuous axis of the winner map: 25 cells keep a few runs in each."""
SERIES_GROUPS = 4
"""A parameter with more values than :data:`SERIES_MAX` is drawn in this many groups."""
SERIES_MAX = 6
PANEL = (3.6, 2.6)
DPI = 100
UNDECIDED = "none"
STRATEGY_COLORS: dict[str, str] = {**GUI_STRATEGY_COLORS, UNDECIDED: "#bdbdbd"}
"""The GUI's colours, so a strategy looks the same in the browser and in a report."""


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig, path: Path) -> Path:
    """Save and close ``fig`` whole or not at all."""
    try:
        return save_figure(fig, path, dpi=DPI)
    finally:
        _plt().close(fig)


def _grid(n: int, cols: int = 4):
    plt = _plt()
    cols = min(cols, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(PANEL[0] * cols, PANEL[1] * rows), squeeze=False, layout="constrained"
    )
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n])


def levels_of(values: pd.Series, bins: int = MAX_BINS) -> tuple[pd.Series, list[Any], bool]:
    """Group a parameter's values: ``(group label per run, ordered labels, numeric)``.

    Numeric parameters with many values are cut into quantile bins labelled by the
    bin's mean; text or boolean parameters keep their values, in sorted order.
    """
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if not numeric:
        labels = sorted(values.astype(str).unique())
        return values.astype(str), labels, False
    if values.nunique() <= MAX_LEVELS:
        return values, sorted(values.unique()), True
    cut = pd.qcut(values, bins, duplicates="drop")
    centres = values.groupby(cut, observed=True).transform("mean")
    return centres, sorted(centres.unique()), True


def _bands(x: pd.Series, y: pd.Series, labels: list[Any]) -> pd.DataFrame:
    g = y.groupby(x, observed=True)
    out = pd.DataFrame(
        {
            "mean": g.mean(),
            "se": g.std(ddof=1) / np.sqrt(g.count()),
            "p10": g.quantile(0.1),
            "p90": g.quantile(0.9),
        }
    )
    return out.reindex(labels)


def plot_against(summary: pd.DataFrame, param: str, outputs: list[str], path: Path) -> Path:
    """Every output against one varied parameter, with bands across runs."""
    x, labels, numeric = levels_of(summary[param])
    pos = np.asarray(labels, dtype=float) if numeric else np.arange(len(labels))
    where = dict(zip(labels, pos, strict=True))
    fig, axes = _grid(len(outputs))
    for ax, output in zip(axes, outputs, strict=True):
        b = _bands(x, summary[output].astype(float), labels)
        ci = 1.96 * b["se"].fillna(0)
        ax.fill_between(pos, b["p10"], b["p90"], color="0.6", alpha=0.25, lw=0)
        ax.fill_between(pos, b["mean"] - ci, b["mean"] + ci, color="tab:blue", alpha=0.35, lw=0)
        ax.plot(pos, b["mean"], color="tab:blue", lw=1.8, marker="o" if len(pos) < 15 else None)
        if len(summary) <= 2000:
            jitter = x.map(where).astype(float)
            ax.scatter(jitter, summary[output], s=4, color="k", alpha=0.2, lw=0)
        ax.set_title(output, fontsize=9)
        ax.tick_params(labelsize=7)
        if not numeric:
            ax.set_xticks(pos, [str(v) for v in labels], rotation=30, ha="right")
        elif _spans_decades(pos):
            positive = pos[pos > 0]
            ax.set_xscale("symlog", linthresh=float(positive.min()), linscale=0.5)
            if len(pos) <= 8:
                ax.set_xticks(pos, [_fmt(float(v)) for v in pos], rotation=30, ha="right")
                ax.minorticks_off()
        ax.set_xlabel(param, fontsize=8)
    fig.suptitle(
        f"Outputs against {param}: mean, 95% CI (blue), 10-90% of runs (grey), {len(summary)} runs",
        fontsize=11,
    )
    return save(fig, path)


def _spans_decades(pos: np.ndarray) -> bool:
    """Values over more than a factor 10 (say 0.00025 to 0.004) read better on a log axis."""
    positive = pos[pos > 0]
    return len(positive) >= 3 and positive.max() / positive.min() >= 10


def winner_table(summary: pd.DataFrame, x: str, y: str, candidates: dict[str, str]) -> pd.DataFrame:
    """Which candidate wins in each (x, y) cell.

    Parameters
    ----------
    candidates : dict
        ``{strategy: column}``, for example ``{"direct": "arr_direct", ...}``.

    Returns
    -------
    DataFrame
        One row per cell: ``x``, ``y``, ``winner`` (highest mean over the cell's runs;
        ``none`` if every mean is zero), ``share`` (of the cell's runs it won outright),
        ``runs``.
    """
    gx, xl, _ = levels_of(summary[x], MAP_BINS)
    gy, yl, _ = levels_of(summary[y], MAP_BINS)
    values = summary[list(candidates.values())].astype(float).to_numpy()
    names = np.array(list(candidates))
    top = values.max(axis=1, keepdims=True)
    outright = (values == top).sum(axis=1) == 1
    run_winner = np.where(outright & (top[:, 0] > 0), names[values.argmax(axis=1)], UNDECIDED)
    frame = pd.DataFrame({"x": gx.to_numpy(), "y": gy.to_numpy(), "run_winner": run_winner})
    frame[list(candidates)] = values
    rows = []
    for (cx, cy), cell in frame.groupby(["x", "y"], observed=True):
        means = cell[list(candidates)].mean()
        winner = str(means.idxmax()) if means.max() > 0 else UNDECIDED
        rows.append(
            {
                "x": cx,
                "y": cy,
                "winner": winner,
                "share": float((cell["run_winner"] == winner).mean()),
                "runs": len(cell),
                **{f"mean_{k}": float(v) for k, v in means.items()},
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["x_levels"], table.attrs["y_levels"] = xl, yl
    return table


def plot_winner_map(table: pd.DataFrame, x: str, y: str, metric: str, path: Path) -> Path:
    """A map of the winning strategy over two parameters; each cell says how often it won."""
    from matplotlib.colors import to_rgb

    plt = _plt()
    xl, yl = table.attrs["x_levels"], table.attrs["y_levels"]
    image = np.ones((len(yl), len(xl), 3))
    fig, ax = plt.subplots(
        figsize=(max(5, 0.9 * len(xl) + 2.5), max(3.5, 0.6 * len(yl) + 1.8)), layout="constrained"
    )
    for row in table.itertuples():
        i, j = yl.index(row.y), xl.index(row.x)
        colour = np.array(to_rgb(STRATEGY_COLORS.get(row.winner, "#9e9e9e")))
        image[i, j] = 1 - (1 - colour) * (0.35 + 0.65 * row.share)  # paler: won less often
        ax.text(j, i, f"{row.share:.0%}", ha="center", va="center", fontsize=8, color="k")
    ax.imshow(image, origin="lower", aspect="auto")
    ax.set_xticks(range(len(xl)), [_fmt(v) for v in xl], rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(yl)), [_fmt(v) for v in yl], fontsize=8)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    seen = sorted(set(table["winner"]))
    handles = [plt.Rectangle((0, 0), 1, 1, color=STRATEGY_COLORS.get(s, "#9e9e9e")) for s in seen]
    ax.legend(handles, seen, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    ax.set_title(
        f"Which strategy wins: highest mean final {metric}_<strategy>\n"
        "(number: share of the cell's runs it won outright; paler: won less often)",
        fontsize=10,
    )
    return save(fig, path)


def series_groups(values: pd.Series) -> tuple[pd.Series, list[str]]:
    """Label each run by its value of a parameter, or by a range of whole values.

    Up to :data:`SERIES_MAX` distinct values keep one group each; more are split into
    :data:`SERIES_GROUPS` ranges of consecutive values with about as many values each,
    so runs with the same value always share a group.
    """
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    levels = sorted(values.unique()) if numeric else sorted(values.astype(str).unique())
    if not numeric or len(levels) <= SERIES_MAX:
        text = values if numeric else values.astype(str)
        return text.map(_fmt), [_fmt(v) for v in levels]
    names = {}
    for chunk in np.array_split(np.asarray(levels), SERIES_GROUPS):
        low, high = _fmt(float(chunk[0])), _fmt(float(chunk[-1]))
        label = low if low == high else f"{low} to {high}"
        names.update(dict.fromkeys(chunk.tolist(), label))
    return values.map(names), list(dict.fromkeys(names.values()))


def plot_series(series: pd.DataFrame, by: str, outputs: list[str], path: Path) -> Path:
    """Time-series bands: median and 10-90% of runs per step, one colour per group of ``by``."""
    plt = _plt()
    values = series.drop_duplicates("run_key").set_index("run_key")[by]
    groups, labels = series_groups(values)
    group_of = series["run_key"].map(groups)
    colours = plt.get_cmap("viridis")(np.linspace(0.05, 0.85, len(labels)))
    fig, axes = _grid(len(outputs))
    band_alpha = 0.2 if len(labels) <= 3 else 0.1  # many groups: lighter bands, lines stay clear
    for ax, output in zip(axes, outputs, strict=True):
        for colour, label in zip(colours, labels, strict=True):
            rows = series[group_of == label]
            g = rows.groupby("step")[output]
            med, lo, hi = g.median(), g.quantile(0.1), g.quantile(0.9)
            ax.fill_between(med.index, lo, hi, color=colour, alpha=band_alpha, lw=0)
            ax.plot(med.index, med, color=colour, lw=1.5, label=label)
        ax.set_title(output, fontsize=9)
        ax.tick_params(labelsize=7)
        ax.set_xlabel("week", fontsize=8)
    axes[0].legend(title=by, fontsize=7, title_fontsize=7)
    fig.suptitle(
        f"Time series by {by}: median and 10-90% of runs, {series['run_key'].nunique()} runs",
        fontsize=11,
    )
    return save(fig, path)


def plot_indices(indices: list, path: Path) -> Path:
    """Bar charts of Sobol' (S1, ST) or Morris (mu*, sigma) indices with 95% intervals."""
    fig, axes = _grid(len(indices), cols=3)
    method = indices[0].method
    for ax, ind in zip(axes, indices, strict=True):
        t = ind.table
        pos = np.arange(len(t))
        if method == "sobol":
            ax.bar(pos - 0.2, t["S1"], 0.4, yerr=t["S1_conf"], capsize=2, label="S1 (alone)")
            ax.bar(pos + 0.2, t["ST"], 0.4, yerr=t["ST_conf"], capsize=2, label="ST (total)")
            ax.axhline(0, color="k", lw=0.6)
        else:
            ax.bar(pos - 0.2, t["mu_star"], 0.4, yerr=t["mu_star_conf"], capsize=2, label="mu*")
            ax.bar(pos + 0.2, t["sigma"], 0.4, label="sigma")
        ax.set_xticks(pos, list(t.index), rotation=30, ha="right", fontsize=7)
        ax.set_title(ind.output, fontsize=9)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7)
    title = (
        "Sobol' indices: first order S1 and total ST, 95% bootstrap intervals"
        if method == "sobol"
        else "Morris elementary effects (per full range): mu* with 95% interval, sigma"
    )
    fig.suptitle(title, fontsize=11)
    return save(fig, path)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)
