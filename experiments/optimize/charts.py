"""The search's two charts: convergence (or the Pareto front) and lever importance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def convergence_chart(frame: pd.DataFrame, objectives: tuple[str, ...], path: Path) -> None:
    """Each trial's mean objective (grey: below the survival floor; crosses: pruned after
    its first seeds) and the best so far.

    With two objectives: every trial on (first objective, survival), the Pareto front joined.
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 4.2))
    first = f"objective_{objectives[0]}"
    ok = frame["feasible"].to_numpy(bool)
    pruned = (frame["state"] == "pruned").to_numpy(bool)
    if len(objectives) == 1:
        for mask, style in (
            (ok, dict(s=12, color="tab:blue", label="trial (meets the survival floor)")),
            (~ok & ~pruned, dict(s=12, color="0.55", label="trial (below the floor)")),
            (pruned, dict(s=14, color="0.75", marker="x", linewidths=0.8,
                          label="pruned (mean over the seeds it ran)")),
        ):  # fmt: skip
            if mask.any():
                ax.scatter(frame["trial"][mask], frame[first][mask], **style)
        best = frame["best_so_far"].replace(-np.inf, np.nan)
        ax.step(frame["trial"], best, where="post", color="tab:red", lw=1.5, label="best so far")
        ax.set_xlabel("trial")
        ax.set_ylabel(f"mean {objectives[0]} over the search seeds")
        ax.set_title("Convergence of the search")
    else:
        second = f"objective_{objectives[1]}"
        ax.scatter(frame[first], frame[second], s=12, color="0.6", label="trial")
        pts = frame[[first, second]].to_numpy()
        front = [
            i
            for i, p in enumerate(pts)
            if not ((pts >= p).all(axis=1) & (pts > p).any(axis=1)).any()
        ]
        fr = frame.iloc[front].sort_values(first)
        ax.plot(fr[first], fr[second], "o-", color="tab:red", ms=4, label="Pareto front")
        ax.set_xlabel(f"mean {objectives[0]}")
        ax.set_ylabel(f"mean {objectives[1]}")
        ax.set_title("Trials and the Pareto front")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)


def importance_chart(importance: dict[str, float], path: Path) -> None:
    """How much of the objective's variation over trials each lever explains (fANOVA)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 0.5 * max(len(importance), 2) + 1.4))
    if importance:
        names = list(importance)[::-1]
        ax.barh(names, [importance[n] for n in names], color="tab:blue")
        ax.set_xlabel("share of the objective's variance over trials (Optuna fANOVA)")
    else:
        ax.text(0.5, 0.5, "too few complete trials to rank the levers", ha="center", va="center")
        ax.set_axis_off()
    ax.set_title("Which levers matter")
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)
