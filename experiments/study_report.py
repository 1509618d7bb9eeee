"""A study written for a reader: ``FILE.json`` (inputs, recommendation, every table) and
a one-page ``FILE.md`` with its charts as PNG beside it (``FILE_charts.png``,
``FILE_pairs.png``).

``salesweb study --out FILE`` writes them next to its tables. Every file is written to a
temporary name and renamed (whole or not at all). The JSON is plain JSON (NaN written as
null) and holds everything the Markdown shows, so a script can rebuild the page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from experiments.io import save_figure, write_text
from experiments.recommend import (
    FIVE_YEARS,
    TWO_YEARS,
    Recommendation,
    _finite,
    alive_at,
    pair_text,
)
from experiments.study import StudyResult, nrr_text, payback_text, usd


def report_paths(out: Path) -> dict[str, Path]:
    """Where the report of a study written to ``out`` goes (beside it, same stem)."""
    out = Path(out)
    return {
        "json": out.with_suffix(".json"),
        "md": out.with_suffix(".md"),
        "charts": out.with_name(f"{out.stem}_charts.png"),
        "pairs": out.with_name(f"{out.stem}_pairs.png"),
    }


def report_dict(result: StudyResult, rec: Recommendation) -> dict[str, Any]:
    """Inputs (the study's metadata), the recommendation and every table, JSON-ready."""
    summary = result.summary().reset_index()
    return _finite(
        {
            **result.metadata(),
            "recommendation": rec.to_dict(),
            "tables": {
                "ranking": rec.ranking,
                "pairs": rec.to_dict()["pairs"],
                "summary": summary.to_dict(orient="records"),
                "runs": result.runs.to_dict(orient="records"),
            },
            "checkpoints": {
                str(w): {"arr": result.arr[:, :, w].tolist(), "cash": result.cash[:, :, w].tolist()}
                for w in checkpoint_weeks(result.steps)
            },
        }
    )


def checkpoint_weeks(steps: int) -> list[int]:
    """Weeks whose ARR and cash the JSON keeps per run: all a recommendation reads."""
    return sorted({w for w in (TWO_YEARS, FIVE_YEARS) if w <= steps} | {steps})


def result_from_report(report: dict[str, Any]) -> StudyResult:
    """A study result rebuilt from a report's JSON, enough to recommend again.

    ARR and cash are known at the checkpoint weeks only (NaN elsewhere); the runs table
    is complete. Used to check that a document quoting a study quotes it right.
    """
    import pandas as pd

    from experiments.study import Option

    steps, seeds = int(report["steps"]), list(report["seeds"])
    n_opt = len(report["options"])
    arr = np.full((n_opt, len(seeds), steps + 1), np.nan)
    cash = arr.copy()
    for week, data in report["checkpoints"].items():
        arr[:, :, int(week)] = np.asarray(data["arr"], dtype=float)
        cash[:, :, int(week)] = np.asarray(data["cash"], dtype=float)
    runs = pd.DataFrame(report["tables"]["runs"]).astype({"exit_week": float})
    return StudyResult(
        scenario=report["scenario"],
        options=[Option(o["label"], o["settings"]) for o in report["options"]],
        seeds=seeds, root_seed=int(report["root_seed"]), steps=steps,
        overrides=report["overrides"], base_focal=report["focal"], arr=arr, cash=cash, runs=runs,
    )  # fmt: skip


def write_report(
    result: StudyResult, rec: Recommendation, out: Path, command: str = ""
) -> list[Path]:
    """Write the JSON, the charts and the Markdown page; returns the paths written."""
    paths = report_paths(out)
    write_text(paths["json"], json.dumps(report_dict(result, rec), indent=1) + "\n")
    _charts(result, paths["charts"])
    _pairs_chart(rec, paths["pairs"])
    write_text(paths["md"], markdown(result, rec, paths, command))
    return list(paths.values())


def markdown(result: StudyResult, rec: Recommendation, paths: dict[str, Path], command: str) -> str:
    """The one-page report: inputs, recommendation, ranking, pairs, per-option table."""
    money_obj = rec.objective != "survival"
    lines = [
        f"# Decision study: {', '.join(result.labels)}",
        "",
        f"*{result.inputs_line()}*",
        "",
        "## Recommendation",
        "",
        *[f"{line}\n" for line in rec.lines],
        "## Ranking",
        "",
        f"| rank | option | median {rec.objective} | alive at week {rec.week} | meets floor |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rec.ranking:
        value = usd(r["median"]) if money_obj else f"{r['median']:.0%}"
        lines.append(
            f"| {r['rank']} | {r['option']} | {value} | {r['survival']:.0%} | "
            f"{'yes' if r['meets_floor'] else 'no'} |"
        )
    lines += ["", "## Every pair (paired over the same seeds)", ""]
    lines += [
        "| option | against | paired over the seeds (difference, interval) |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {p.a} | {p.b} | {pair_text(p, money_obj)} |" for p in rec.pairs]
    lines += ["", "## Per option", ""]
    head = ["option", "survival", "ARR p10", "ARR median", "ARR p90", "cash burned",
            "lowest cash (median)", "CAC payback, months", "net revenue retention"]  # fmt: skip
    lines += ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    n = len(result.seeds)
    for label, row in result.summary().iterrows():
        cells = [str(label), f"{row['survival_rate']:.0%}", usd(row["arr_p10"]),
                 usd(row["arr_median"]), usd(row["arr_p90"]), usd(row["cash_burned_median"]),
                 usd(row["cash_min_median"]), payback_text(row, n), nrr_text(row, n)]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"![ARR, cash and survival over the weeks]({paths['charts'].name})",
        "",
        f"![Every pair: paired difference with its interval]({paths['pairs'].name})",
        "",
        f"Every table and the recommendation: `{paths['json'].name}`."
        + (f" Made by `{command}`." if command else ""),
        "",
    ]
    return "\n".join(lines)


def _charts(result: StudyResult, path: Path) -> None:
    """ARR and cash fans (median, 10-90% of seeds) and the share alive, per option."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    weeks = np.arange(result.steps + 1)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for metric, ax, title in (("arr", axes[0], "ARR"), ("cash", axes[1], "cash")):
        for k, (label, band) in enumerate(result.bands(metric).items()):
            c = colors[k % len(colors)]
            ax.fill_between(weeks, band[0] / 1e6, band[2] / 1e6, color=c, alpha=0.15, lw=0)
            ax.plot(weeks, band[1] / 1e6, color=c, label=label)
        ax.set_title(f"My company's {title}: median, 10-90% of seeds", fontsize=10)
        ax.set_xlabel("week")
        ax.set_ylabel(f"{title}, USD million")
    alive = np.stack([alive_at(result, w).mean(axis=1) for w in weeks], axis=1)
    for k, label in enumerate(result.labels):
        axes[2].plot(weeks, alive[k] * 100, color=colors[k % len(colors)], label=label)
    axes[2].set_ylim(-3, 103)
    axes[2].set_title("Alive, % of seeds", fontsize=10)
    axes[2].set_xlabel("week")
    axes[0].legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def _pairs_chart(rec: Recommendation, path: Path) -> None:
    """Each pair's paired difference (median; survival: share) with its bootstrap interval."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pairs = rec.pairs or []
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * max(1, len(pairs))))
    scale, unit = (1e6, "USD million") if rec.objective != "survival" else (0.01, "points")
    for y, p in enumerate(pairs):
        lo, hi = p.ci_low / scale, p.ci_high / scale
        color = "tab:green" if p.separated else "tab:gray"
        if np.isfinite(lo):
            ax.plot([lo, hi], [y, y], color=color, lw=3, alpha=0.6)
        ax.plot(p.difference / scale, y, "o", color=color)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(range(len(pairs)), [f"{p.a} - {p.b} ({p.wins}/{p.n})" for p in pairs])
    ax.invert_yaxis()
    what = "median difference" if rec.objective != "survival" else "difference in survival"
    ax.set_xlabel(f"{what} in {rec.objective}, {unit} (95% bootstrap interval; green: clear)")
    ax.set_title(f"Every pair on {rec.objective_label}, week {rec.week}", fontsize=10)
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)
