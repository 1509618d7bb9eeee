"""The lever report: ``levers.parquet``, a chart per lever and ``levers.md``.

The page is written from the numbers (never by hand), so rerunning ``salesweb levers``
after a mechanism changes shows at once which directions now hold. Every file goes to a
temporary name first and is renamed into place (:mod:`experiments.io`).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from experiments.claims_report import fmt, yes_no
from experiments.io import save_figure, write_table, write_text
from experiments.levers import (
    OUTCOMES,
    RATES,
    Lever,
    LeverResult,
    adjacent_steps,
    checks,
    first_and_last_gain,
    summarise,
)

SURE_Z = 2.0
"""A paired z at least this far from zero tells a direction apart from noise."""


def command_line(result: LeverResult) -> str:
    """The ``salesweb levers`` command that makes this result again."""
    from experiments.levers import LEVERS

    parts = [f"salesweb levers --seeds {len(result.seeds)} --weeks {result.steps}"]
    if result.scenario != "default":
        parts.append(f"--scenario {result.scenario}")
    if [lv.name for lv in result.levers] != list(LEVERS):
        parts += [f"--lever {lv.name}" for lv in result.levers]
    parts += [f"--set {k}={_value(v)}" for k, v in result.overrides.items()]
    if result.root_seed:
        parts.append(f"--seed {result.root_seed}")
    return " ".join(parts)


def markdown(result: LeverResult, wall_seconds: float) -> str:
    """The report page: how it was made, every direction's verdict, then a section per lever."""
    summary = summarise(result.frame)
    verdicts = checks(summary, result.levers, result.frame)
    held = int(verdicts["holds"].sum())
    lines = [
        "# Levers that act like levers",
        "",
        f"{held} of {len(verdicts)} expected directions hold (top level against bottom "
        f"level); {int(verdicts['monotone'].eq(True).sum())} move monotonically.",
        "",
        f"Made by `{command_line(result)}` in {wall_seconds:.0f} s: the focal company "
        f'(vendor 0, "my company") in scenario `{result.scenario}`'
        + (
            " with " + ", ".join(f"`{k} = {_value(v)}`" for k, v in result.overrides.items())
            if result.overrides
            else ""
        )
        + f", {result.steps} weeks, {len(result.seeds)} seeds spawned from root seed "
        f"{result.root_seed}. Every level of every lever runs on the same seeds (common random "
        "numbers: the same rivals and the same market; only my company's trait differs; its "
        "other traits are drawn as usual). Code: `experiments/levers.py` (levers, "
        "expectations, checks), `experiments/levers_report.py` (this page). Every run's "
        "outcomes are in `levers.parquet` (`pandas.read_parquet`: lever, level, seed, "
        "outcome, value).",
        "",
        "The centre of an outcome is its median over seeds, and its band the 25-75% "
        "quantiles; for survival (0 or 1 per seed) the centre is the share of seeds alive and "
        "the band that share ± one standard error. *Holds*: the top level's centre beats "
        "the bottom level's in the expected direction (for a peak: the highest centre is at "
        "an interior level; for a payback: the centre at the modest level beats the bottom "
        "one). *Monotone*: also every step between neighbouring levels goes that way (ties "
        "allowed). *Diminishing*: the gain per unit of lever, on the medians, falls from "
        "every step to the next (one noisy step breaks it, so each lever's section also "
        "pairs every seed's gain per unit in the first step with its own in the last). "
        "*Paired "
        "z*: how sure the comparison behind *holds* is, from each seed's difference between "
        "the two levels compared (the same seed: common random numbers), its mean over its "
        "standard error, positive in the expected direction, with the seeds paired in "
        "brackets (those where the outcome has a value at both levels); inf when every "
        "pair moved by the same amount; within about ±2 the verdict is noise. "
        "Outcomes are read at the horizon, so a company that died has no users, customers "
        "or ARR; peak users show what the lever bought before that.",
        "",
        "| lever | motion | outcome | expected | holds | monotone | diminishing | paired z |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in verdicts.itertuples():
        lines.append(
            f"| {row.lever} | {row.strategy} | {row.outcome} | {row.expected} | "
            f"{yes_no(row.holds)} | {yes_no(row.monotone)} | {yes_no(row.diminishing)} | "
            f"{_z(row.z, row.pairs)} |"
        )
    unsure = verdicts[verdicts["holds"] & ~(verdicts["z"].abs() >= SURE_Z)]
    if len(unsure):
        lines += [
            "",
            f"Holding on medians, but with a paired z within ±{SURE_Z:g} (not yet told apart "
            "from noise at this many seeds): "
            + ", ".join(f"{r.lever} {r.outcome} ({_z(r.z, r.pairs)})" for r in unsure.itertuples())
            + ".",
        ]
    for lever in result.levers:
        lines += ["", *lever_section(lever, summary, verdicts, result.frame)]
        lines += ["", *steps_section(lever, adjacent_steps(result.frame, lever))]
    return "\n".join(lines) + "\n"


def lever_section(
    lever: Lever, summary: pd.DataFrame, verdicts: pd.DataFrame, frame: pd.DataFrame
) -> list[str]:
    """Medians (or shares) per level, mean ± SE per level, the verdicts and the chart;
    for an outcome expected to show diminishing returns, the first step's gain per unit
    against the last step's, paired over seeds."""
    s = summary[summary["lever"] == lever.name]
    lines = [
        f"## {lever.name}",
        "",
        f"{lever.claim} My company sells `{lever.strategy}`; `{lever.name}` takes "
        + ", ".join(fmt(v) for v in lever.values)
        + (f" ({lever.unit})." if lever.unit else "."),
        "",
        f"![{lever.name}](levers_{lever.name}.png)",
        "",
        "Centre per level (median; share of seeds for survival):",
        "",
        *_table(s, lever, lambda r: fmt(r["centre"])),
        "",
        "Mean ± standard error per level:",
        "",
        *_table(s, lever, lambda r: f"{fmt(r['mean'])} ± {fmt(r['se'])}"),
        "",
    ]
    v = verdicts[verdicts["lever"] == lever.name]
    for row in v.itertuples():
        lines.append(
            f"- {row.outcome} {row.expected}: holds {yes_no(row.holds)}, monotone "
            f"{yes_no(row.monotone)}"
            + ("" if row.diminishing is None else f", diminishing {yes_no(row.diminishing)}")
            + f"; paired z {_z(row.z, row.pairs)}."
            + ("" if row.diminishing is None else " " + _gain_sentence(frame, lever, row.outcome))
        )
    return lines


def _gain_sentence(frame: pd.DataFrame, lever: Lever, outcome: str) -> str:
    """The first and the last step's gain per unit of lever, and the paired fall."""
    g = first_and_last_gain(frame, lever, outcome)
    (a, b), (c, d) = g["steps"]
    fall = g["fall"]
    return (
        f"Gain per unit of `{lever.name}` (mean ± SE over seeds): {fmt(a)} → {fmt(b)} "
        f"{_signed(g['first']['mean'])} ± {fmt(g['first']['se'])}, {fmt(c)} → {fmt(d)} "
        f"{_signed(g['last']['mean'])} ± {fmt(g['last']['se'])}; first minus last, paired "
        f"{_signed(fall.mean)} ± {fmt(fall.se)} (z {_z(fall.z, fall.n)})."
    )


def steps_section(lever: Lever, steps: pd.DataFrame) -> list[str]:
    """The paired step from each level to the next, for each expected outcome."""
    if steps.empty:
        return []
    pairs = list(dict.fromkeys(zip(steps["low"], steps["high"], strict=True)))
    lines = [
        "Step by step, paired (next level minus this one on the same seed: mean ± SE, "
        "and the seeds that rose). Where a median dips but the step is within two SE of "
        "zero, this many seeds cannot tell the dip from noise:",
        "",
        "| outcome | " + " | ".join(f"{fmt(a)} → {fmt(b)}" for a, b in pairs) + " |",
        "|" + " --- |" * (len(pairs) + 1),
    ]
    for outcome, g in steps.groupby("outcome", sort=False):
        by = {(r.low, r.high): r for r in g.itertuples()}
        cells = [
            f"{_signed(by[p].mean)} ± {fmt(by[p].se)} ({by[p].up} of {by[p].pairs})"
            if p in by
            else "-"
            for p in pairs
        ]
        lines.append(f"| {outcome} | " + " | ".join(cells) + " |")
    return lines


def _signed(x: float) -> str:
    return fmt(x) if (math.isnan(x) or x < 0) else "+" + fmt(x)


def _table(s: pd.DataFrame, lever: Lever, cell) -> list[str]:
    outcomes = [o for o in lever.outcomes if o in set(s["outcome"])]
    lines = [
        f"| {lever.name} | " + " | ".join(outcomes) + " |",
        "|" + " --- |" * (len(outcomes) + 1),
    ]
    for level, g in s.groupby("level", sort=True):
        by = g.set_index("outcome")
        lines.append(
            f"| {fmt(level)} | "
            + " | ".join(cell(by.loc[o]) if o in by.index else "-" for o in outcomes)
            + " |"
        )
    return lines


def plot_lever(lever: Lever, summary: pd.DataFrame, verdicts: pd.DataFrame, path: Path) -> None:
    """One panel per outcome: the centre against the lever's value, with its band."""
    from experiments.validate import _plt

    plt = _plt()
    from matplotlib.ticker import FuncFormatter

    outcomes = list(lever.outcomes)
    cols = min(3, len(outcomes))
    rows = math.ceil(len(outcomes) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.3 * rows), squeeze=False)
    s = summary[summary["lever"] == lever.name]
    for ax, outcome in zip(axes.flat, outcomes, strict=False):
        g = s[s["outcome"] == outcome].sort_values("level")
        x = g["level"].to_numpy(float)
        ax.fill_between(x, g["low"], g["high"], color="tab:blue", alpha=0.2, lw=0)
        ax.plot(x, g["centre"], color="tab:blue", marker="o", ms=4)
        v = verdicts[(verdicts["lever"] == lever.name) & (verdicts["outcome"] == outcome)]
        title, color = _wrap(OUTCOMES[outcome], 44), "black"
        if len(v):
            row = v.iloc[0]
            title += "\n" + _wrap(f"expected: {row['expected']}: {_said(row)}", 44)
            color = "black" if row["holds"] else "tab:red"
        ax.set_title(title, fontsize=8.5, color=color)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: fmt(y)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: fmt(x)))
        ax.set_xlabel(f"{lever.name} ({lever.unit})" if lever.unit else lever.name, fontsize=8)
        ax.tick_params(labelsize=7.5)
        ax.grid(alpha=0.3)
        if outcome in RATES:
            ax.set_ylim(-0.05, 1.05)
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.set_visible(False)
    band = "share ± SE for survival" if RATES & set(outcomes) else ""
    fig.suptitle(
        f"{lever.name}: my company ({lever.strategy}), median and 25-75% of seeds"
        + (f"; {band}" if band else ""),
        fontsize=10,
    )
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def write_report(result: LeverResult, out_dir: Path, wall_seconds: float) -> Path:
    """Write ``levers.parquet``, ``levers_<lever>.png`` for each lever, then ``levers.md``."""
    out_dir = Path(out_dir)
    summary = summarise(result.frame)
    verdicts = checks(summary, result.levers, result.frame)
    write_table(result.frame, out_dir / "levers.parquet", result.metadata())
    for lever in result.levers:
        plot_lever(lever, summary, verdicts, out_dir / f"levers_{lever.name}.png")
    path = out_dir / "levers.md"
    write_text(path, markdown(result, wall_seconds))
    return path


def _z(z: float, pairs: int) -> str:
    """``+4.5 (10)``: the paired z and the seeds it pairs; inf when all moved alike."""
    if math.isnan(z):
        return "-"
    return (f"{z:+.1f}" if math.isfinite(z) else ("+" if z > 0 else "-") + "inf") + f" ({pairs})"


def _said(row) -> str:
    """A verdict in a few words: FAILS, or holds with whether it is monotone."""
    if not row["holds"]:
        return "FAILS"
    if row["monotone"] is None or row["monotone"] != row["monotone"]:
        return "holds"
    return "holds, monotone" if row["monotone"] else "holds, not monotone"


def _value(v) -> str:
    if isinstance(v, tuple):
        return ",".join(f"{x:g}" for x in v)
    return f"{v:g}" if isinstance(v, float) else str(v)


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text
