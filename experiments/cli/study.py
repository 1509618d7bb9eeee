"""``salesweb study``: options for the focal company over seeds, and a recommendation."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from experiments.cli.base import console, fail, progress_bar
from experiments.io import OutputError, check_output_path, sibling, write_tables
from sim.params import ParameterError, parse_assignment


def study(
    option: Annotated[
        list[str] | None,
        typer.Option(
            help='An option for the focal company: "label: key=value, key=value" (repeat; '
            "keys: strategy and the vendor traits). The first is the baseline."
        ),
    ] = None,
    scenario: Annotated[str, typer.Option(help="Preset name or path to a .toml file.")] = "default",
    seeds: Annotated[int, typer.Option(help="Seeds per option (the same for every option).")] = 20,
    steps: Annotated[
        int | None, typer.Option(help="Weeks per run (default: the scenario's horizon).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Root seed the run seeds are spawned from.")] = 0,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Change a market parameter for every option: key=value."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: every core).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Per-option table to FILE (.csv or .parquet); per-run to FILE_seeds."),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    objective: Annotated[
        str,
        typer.Option(
            help="What to rank on at the horizon: worth (5 x ARR + cash), arr, cash, survival."
        ),
    ] = "worth",
    min_survival: Annotated[
        float, typer.Option(help="Share of seeds (0-1) an option must survive to be recommended.")
    ] = 0.8,
) -> None:
    """Compare options for the focal company over seeds (common random numbers) and recommend one.

    With --out FILE it also writes FILE.json (inputs, recommendation, every table) and a
    one-page FILE.md with its charts (FILE_charts.png, FILE_pairs.png) beside it.
    """
    import os
    import time

    from experiments.study_pool import WarmPool

    start = time.perf_counter()
    runs = len(option or []) * max(1, seeds)
    pool = None
    if runs > 1 and (workers or os.cpu_count() or 1) > 1:
        # the workers import the model while this process imports the rest and checks
        # the input (experiments/study_pool.py)
        pool = WarmPool(min(workers or os.cpu_count() or 1, runs), checks_markets=True)
        pool.warm_in_background()
    try:
        _study(scenario, option, seeds, steps, seed, set_, workers, out, quiet, objective,
               min_survival, pool, start)  # fmt: skip
    except BaseException:
        # an input error: say it now, not after the forkserver's imports and the workers
        # (a worker being started waits for them, and so would the shutdown)
        from experiments.study_pool import stop_forkserver

        stop_forkserver()
        if pool is not None:
            pool.close(kill=True)
        raise
    if pool is not None:
        pool.close()


def _study(scenario, option, seeds, steps, seed, set_, workers, out, quiet, objective,
           min_survival, pool, start) -> None:  # fmt: skip
    import time

    from experiments.study import study as run_study
    from sim.scenarios import ScenarioError

    if not option:
        raise fail(
            'give at least one --option "label: key=value, ...", e.g. "hybrid: strategy=hybrid"'
        )
    if seed < 0:
        raise fail(f"--seed {seed} is not allowed; expected a whole number >= 0")
    if seeds < 1 or seeds > 10_000:
        raise fail(f"--seeds {seeds} is not allowed; expected a whole number in [1, 10000]")
    if steps is not None and not 1 <= steps <= 5200:
        raise fail(f"--steps {steps} is not allowed; expected a whole number in [1, 5200]")
    if workers is not None and workers < 1:
        raise fail(f"--workers {workers} is not allowed; expected at least 1")
    # the recommendation's intervals (experiments.study.paired_difference), loaded while
    # the workers' forkserver still loads the model: after the runs it would be waited for
    import scipy.stats  # noqa: F401

    from experiments.recommend import check_objective, recommend

    try:
        check_objective(objective, min_survival)
    except ParameterError as exc:
        raise fail(f"--{exc}") from None
    try:
        overrides = dict(parse_assignment(a) for a in set_ or [])
        if out is not None:
            check_output_path(out)
        with progress_bar("[bold]study[/] weeks", quiet) as bar:
            task = bar.add_task("study", total=None)
            result = run_study(
                scenario,
                option,
                seeds,
                steps,
                workers=workers,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                root_seed=seed,
                overrides=overrides,
                pool=pool,
            )
        elapsed = time.perf_counter() - start
    except (ParameterError, ScenarioError, OutputError) as exc:
        raise fail(str(exc)) from None
    assert result is not None  # no cancel from the command line
    rec = recommend(result, objective, min_survival)
    print_study(result, elapsed, rec)
    from experiments.idle_levers import idle_notes

    for o in result.options:
        for line in idle_notes(o.label, {**result.base_focal, **o.settings}):
            console.print(f"note: {line}", highlight=False, markup=False)
    if out is not None:
        from experiments.study_report import write_report

        runs_path = sibling(out, "seeds")
        tables = {out: result.summary(), runs_path: result.runs.set_index(["option", "seed"])}
        try:
            write_tables(tables, result.metadata())
            written = write_report(result, rec, out, "salesweb study " + shlex.join(sys.argv[2:]))
        except (OSError, OutputError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise fail(f"could not write {out} and its report: {reason}") from None
        names = ", ".join(str(p) for p in [out, runs_path, *written])
        console.print(f"wrote {names}", markup=False, highlight=False)


def print_study(result, elapsed: float, rec) -> None:
    from experiments.study import nrr_text, payback_text, usd

    summary = result.summary()
    table = Table(title=f"study: {result.inputs_line()}", title_justify="left")
    for col in ("option", "survival", "ARR p10", "ARR median", "ARR p90", "cash burned",
                "lowest cash", "CAC payback (months)", "NRR", "ARR share"):  # fmt: skip
        table.add_column(col, justify="left" if col == "option" else "right")
    for label, row in summary.iterrows():
        table.add_row(
            str(label),
            f"{row['survival_rate']:.0%}",
            usd(row["arr_p10"]),
            usd(row["arr_median"]),
            usd(row["arr_p90"]),
            usd(row["cash_burned_median"]),
            usd(row["cash_min_median"]),
            payback_text(row, len(result.seeds)),
            nrr_text(row, len(result.seeds)),
            f"{row['arr_share_median']:.1%}",
        )
    console.print(table)
    console.print(rec.text(), highlight=False, markup=False)
    runs = len(result.options) * len(result.seeds)
    console.print(f"{runs} runs of {result.steps} weeks in {elapsed:.1f} s", highlight=False)
