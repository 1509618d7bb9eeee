"""``salesweb report DIR``: charts and ``report.md`` for a sweep folder.

The report shows every chosen output against every varied parameter, a "which
strategy wins" map over two parameters, time-series bands, and for Sobol' and Morris
designs the sensitivity indices with their confidence intervals. The outputs are read
from the data (or the spec's ``[report] outputs``), never from a fixed list; outputs
that are the same in every run are left out and named.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from experiments.io import write_atomic
from experiments.sweep import charts
from experiments.sweep.dataset import SweepData, load
from experiments.sweep.design import build_design
from experiments.sweep.sensitivity import Indices, analyze, noise_floor, noise_warnings

CONVERGENCE_MAX = 6
"""Outputs in the convergence chart (the first of the report's outputs: list the ones
that matter first in ``[report] outputs``)."""


class ReportError(ValueError):
    """A report cannot be made (no finished run, an unknown output in the spec)."""


def write_report(folder: str | Path, out: str | Path | None = None) -> Path:
    """Write the charts and ``report.md`` for the sweep in ``folder``; return the .md path.

    ``out`` defaults to ``folder/report``. Files are written whole (temporary + rename).
    """
    data = load(folder)
    if data.summary.empty:
        raise ReportError(f"{folder}: no finished run to report on")
    out = Path(out) if out is not None else Path(folder) / "report"
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {str(out)!r} is a file; give a folder")
    out.mkdir(parents=True, exist_ok=True)
    spec = data.spec
    outputs, constant = choose_outputs(data)
    lines = _header(data, constant)

    varied = [v for v in data.varied if data.summary[v].astype(str).nunique() > 1]
    if varied:
        lines += ["## Outputs against each parameter", ""]
        for param in varied:
            png = charts.plot_against(
                data.summary, param, outputs, out / f"against_{_slug(param)}.png"
            )
            lines += [f"![outputs against {param}]({png.name})", ""]
    lines += _winner_section(data, varied, out)
    lines += _series_section(data, varied, outputs, out)
    if spec.design.kind in ("sobol", "morris"):
        lines += _sensitivity_section(data, outputs, out)
    text = "\n".join(lines) + "\n"
    path = out / "report.md"
    write_atomic(path, lambda tmp: Path(tmp).write_text(text))
    return path


def choose_outputs(data: SweepData) -> tuple[list[str], list[str]]:
    """The outputs to chart and those left out as constant.

    The spec's ``[report] outputs`` if given (each must exist); otherwise every
    numeric output holding the value at the last step (the ``_mean``/``_min``/``_max``
    columns are left to ``load``).
    """
    summary, available = data.summary, data.outputs
    asked = list(data.spec.report.outputs)
    unknown = [o for o in asked if o not in available]
    if unknown:
        raise ReportError(
            f"[report] outputs: {unknown[0]!r} is not an output of this sweep; "
            f"outputs: {', '.join(available)}"
        )
    if not asked:
        stats = [s for s in data.spec.keep.stats if s != "final"]
        derived = {f"{o}_{s}" for o in available for s in stats}
        asked = [o for o in available if o not in derived]
    numeric = [o for o in asked if pd.api.types.is_numeric_dtype(summary[o])]
    constant = [o for o in numeric if summary[o].astype(float).nunique(dropna=False) <= 1]
    chosen = [o for o in numeric if o not in constant]
    if not chosen:
        raise ReportError("every output has the same value in every run: nothing to chart")
    return chosen, constant


def _header(data: SweepData, constant: list[str]) -> list[str]:
    m, spec = data.manifest, data.spec
    counts = m.get("counts", {})
    vary = ", ".join(_describe_varied(v) for v in m["spec"]["vary"]) or "nothing"
    lines = [
        f"# Sweep report: {spec.name}",
        "",
        *([spec.description, ""] if spec.description else []),
        f"- scenario `{spec.scenario}` with {_overrides(spec.base)}",
        f"- varied: {vary}",
        f"- design `{spec.design.kind}`, {_plural(spec.replicates, 'replicate')} per point, "
        f"root seed {spec.root_seed} ({spec.seeding} seeding), "
        f"{spec.steps or 'horizon (the parameter)'} steps",
        f"- runs: {counts.get('done', len(data.summary))} done, {counts.get('failed', 0)} failed, "
        f"{counts.get('pending', 0)} pending; {len(data.summary)} rows in this report",
        f"- model version `{m['model_version']}`, spec hash `{m['spec_hash']}`",
        "",
        "Bands against a parameter: the line is the mean of the runs, the blue band its 95% "
        "confidence interval, the grey band the 10th to 90th percentile of the runs, the dots "
        "the runs; parameters not on the axis are averaged over. Time series: the median and "
        "the 10th to 90th percentile of the runs at each step.",
        "",
    ]
    if constant:
        lines += [f"Outputs equal in every run (not charted): {', '.join(constant)}.", ""]
    if len(data.failures):
        lines += ["Failed runs (their last error line):", ""]
        lines += [f"- `{r.run_key}` seed {r.seed}: {r.error}" for r in data.failures.itertuples()]
        lines += [""]
    return lines


def _describe_varied(v: dict) -> str:
    if v["levels"] is not None and v["low"] is None:
        return f"`{v['name']}` in {len(v['levels'])} levels"
    scale = " (log)" if v["log"] else ""
    return f"`{v['name']}` from {v['low']:g} to {v['high']:g}{scale}"


def _overrides(base: dict) -> str:
    if not base:
        return "no overrides"
    return ", ".join(f"`{k}={v}`" for k, v in base.items())


def _winner_section(data: SweepData, varied: list[str], out: Path) -> list[str]:
    cfg = data.spec.report
    x, y = cfg.map_x, cfg.map_y
    if x is None and len(varied) >= 2:
        x, y = varied[0], varied[1]
    if x is None or y is None:
        return []
    metric = cfg.map_metric
    from sim.params import STRATEGIES

    candidates = {s: f"{metric}_{s}" for s in STRATEGIES if f"{metric}_{s}" in data.summary}
    if len(candidates) < 2:
        return [
            "## Which strategy wins",
            "",
            f"No map: the outputs hold fewer than two `{metric}_<strategy>` columns.",
            "",
        ]
    table = charts.winner_table(data.summary, x, y, candidates)
    png = charts.plot_winner_map(table, x, y, metric, out / f"winner_{_slug(x)}_{_slug(y)}.png")
    counts = table["winner"].value_counts()
    lines = [
        "## Which strategy wins",
        "",
        f"Over `{x}` and `{y}`, the strategy with the highest mean final `{metric}_<strategy>` "
        f"in each cell: " + ", ".join(f"{k} in {v} cells" for k, v in counts.items()) + ".",
        "",
        f"![which strategy wins]({png.name})",
        "",
    ]
    return lines


def _series_section(data: SweepData, varied: list[str], outputs: list[str], out: Path) -> list[str]:
    if data.series.empty:
        return []
    by = data.spec.report.series_by or (varied[0] if varied else None)
    present = [o for o in outputs if o in data.series.columns]
    if by is None or not present:
        return []
    png = charts.plot_series(data.series, by, present, out / f"series_by_{_slug(by)}.png")
    return ["## Time series", "", f"![time series by {by}]({png.name})", ""]


def _sensitivity_section(data: SweepData, outputs: list[str], out: Path) -> list[str]:
    spec = data.spec
    unit = build_design(spec).unit
    assert unit is not None
    results: list[Indices] = []
    skipped = []
    for output in outputs:
        ind = analyze(spec, unit, data.summary, output)
        (results.append(ind) if ind is not None else skipped.append(output))
    title = "Sobol' indices" if spec.design.kind == "sobol" else "Morris elementary effects"
    lines = [f"## Sensitivity: {title}", ""]
    if not results:
        n_points = len(unit)
        have = data.summary["point"].nunique()
        return lines + [
            f"Not computed: {have} of {n_points} design points have a finished run "
            "(SALib needs them all).",
            "",
        ]
    png = charts.plot_indices(results, out / f"sensitivity_{spec.design.kind}.png")
    key = "ST" if spec.design.kind == "sobol" else "mu_star"
    lines += [
        f"Averaged over {_plural(spec.replicates, 'replicate')} per point; intervals are 95% bootstrap "
        f"(SALib). Parameters ranked by `{key}` for each output:",
        "",
        f"![sensitivity]({png.name})",
        "",
        "| output | " + " | ".join(f"#{i + 1}" for i in range(len(results[0].table))) + " |",
        "| --- |" + " --- |" * len(results[0].table),
    ]
    frames = []
    for ind in results:
        t = ind.table.sort_values(key, ascending=False)
        cells = [f"{p} {t.loc[p, key]:.3g} ± {t.loc[p, key + '_conf']:.2g}" for p in t.index]
        lines.append(f"| {ind.output} | " + " | ".join(cells) + " |")
        frames.append(ind.table.assign(output=ind.output).reset_index())
    csv = out / f"sensitivity_{spec.design.kind}.csv"
    table = pd.concat(frames, ignore_index=True)
    write_atomic(csv, lambda tmp: table.to_csv(tmp, index=False))
    lines += ["", f"All indices: [{csv.name}]({csv.name}).", ""]
    lines += _noise_lines(spec, results)
    lines += _convergence_lines(data, unit, [r.output for r in results], out)
    if skipped:
        lines += [f"Not computed (a point without runs, or no variation): {', '.join(skipped)}."]
    return [*lines, ""]


def _noise_lines(spec, results: list[Indices]) -> list[str]:
    floors = {r.output: noise_floor(r) for r in results}
    lines = ["### Noise", ""]
    lines.append(
        f"Seeding: {spec.seeding}"
        + (
            " (common random numbers: points differ in their parameters, not their draws)."
            if spec.seeding == "common"
            else " (each point draws its own seed: its noise is credited to the parameters)."
        )
    )
    if any(f is not None for f in floors.values()):
        shown = ", ".join(f"{o} {f:.3g}" for o, f in floors.items() if f is not None)
        lines.append(
            "The noise floor is the upper end of the noise dummy's interval (a design column "
            f"that changes only the random stream): {shown}."
        )
    else:
        lines.append("No noise dummy in this design (`[design] dummy = false`): no noise floor.")
    warnings = [w for r in results for w in noise_warnings(r, spec.seeding)]
    lines += ["", *(f"- **warning**: {w}" for w in warnings)] if warnings else []
    return [*lines, ""]


def _convergence_lines(data: SweepData, unit, outputs: list[str], out: Path) -> list[str]:
    from experiments.sweep.convergence import convergence_table, plot_convergence

    spec = data.spec
    tables = {o: convergence_table(spec, unit, data.summary, o) for o in outputs[:CONVERGENCE_MAX]}
    tables = {o: t for o, t in tables.items() if t["N"].nunique() > 1}
    if not tables:
        return []
    png = plot_convergence(tables, spec.design.kind, out / f"convergence_{spec.design.kind}.png")
    sizes = sorted({int(n) for t in tables.values() for n in t["N"]})
    return [
        "### Convergence",
        "",
        f"The same indices of the first {len(tables)} outputs from the first "
        f"{', '.join(map(str, sizes))} base samples of the "
        "design (each a complete smaller design); intervals that still shrink, or a ranking "
        "that still changes, call for a larger N.",
        "",
        f"![convergence]({png.name})",
        "",
    ]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "_", name)
