"""The ``salesweb`` command line: simulate, scenarios, params, serve.

Bad input (an unknown parameter or scenario, a value out of range, a malformed
TOML file, an unwritable output) prints one line starting with ``error:`` and
exits with status 2, with no traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from experiments.io import OutputError, check_output_path, sibling, write_table
from sim.params import GROUPS, PARAMETERS, ParameterError, parse_assignment

app = typer.Typer(
    help="Sales Web: an agent-based simulator of enterprise software markets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)

USAGE_ERROR = 2


def fail(message: str) -> typer.Exit:
    """Print one clear line and return the exit to raise (status 2)."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(USAGE_ERROR)


@app.command()
def simulate(
    scenario: Annotated[str, typer.Option(help="Preset name or path to a .toml file.")] = "default",
    steps: Annotated[
        int | None, typer.Option(min=1, help="Weeks to run (default: the scenario's horizon).")
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(help="Seed of the run (rng); default: the scenario file's seed, else 0."),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter: --set key=value (repeatable)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write per-step data to FILE (.parquet or .csv); vendors to FILE_vendors."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Run one market headless and print its summary."""
    from sim.model import MarketModel
    from sim.scenarios import ScenarioError, load_scenario

    try:
        overrides = dict(parse_assignment(a) for a in set_ or [])
        if out is not None:
            check_output_path(out)
        if seed is None:
            seed = load_scenario(scenario).seed or 0
        model = MarketModel.from_scenario(scenario, rng=seed, **overrides)
    except (ParameterError, ScenarioError, OutputError) as exc:
        raise fail(str(exc)) from None
    n_steps = steps or model.horizon
    with Progress(
        TextColumn("[bold]simulating[/] week"),
        MofNCompleteColumn(),
        BarColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("run", total=n_steps)
        for _ in range(n_steps):
            model.step()
            progress.advance(task)
    model_df = model.datacollector.get_model_vars_dataframe()
    vendor_df = model.vendor_dataframe()
    print_summary(model, model_df, vendor_df, n_steps)
    if out is not None:
        meta = {
            "kind": "salesweb simulate",
            "scenario": scenario,
            "seed": seed,
            "steps": n_steps,
            "overrides": {k: list(v) if isinstance(v, tuple) else v for k, v in overrides.items()},
        }
        write_table(model_df, out, meta)
        vendor_path = write_table(vendor_df, sibling(out, "vendors"), meta)
        console.print(f"wrote {out} and {vendor_path}")


def print_summary(model, model_df, vendor_df, n_steps: int) -> None:
    from experiments.summary import format_value, summarize
    from sim.params import STRATEGIES

    rows = summarize(model_df, vendor_df)
    table = Table(
        title=f"{getattr(model, 'scenario_name', 'market')}: week {n_steps}, "
        f"{model.n_employees:,} employees in {len(model.enterprises)} enterprises"
    )
    table.add_column("")
    for col in (*STRATEGIES, "market"):
        table.add_column(col, justify="right")
    for label, values in rows.items():
        table.add_row(label, *(format_value(label, values.get(c)) for c in (*STRATEGIES, "market")))
    console.print(table)


@app.command()
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
) -> None:
    """Compare options for the focal company over seeds (common random numbers)."""
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
    try:
        overrides = dict(parse_assignment(a) for a in set_ or [])
        if out is not None:
            check_output_path(out)
        start = time.perf_counter()
        with Progress(
            TextColumn("[bold]study[/] weeks"),
            MofNCompleteColumn(),
            BarColumn(),
            TimeRemainingColumn(),
            console=err,
            disable=quiet,
            transient=True,
        ) as bar:
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
            )
        elapsed = time.perf_counter() - start
    except (ParameterError, ScenarioError, OutputError) as exc:
        raise fail(str(exc)) from None
    assert result is not None  # no cancel from the command line
    print_study(result, elapsed)
    if out is not None:
        meta = result.metadata()
        write_table(result.summary(), out, meta)
        runs_path = write_table(
            result.runs.set_index(["option", "seed"]), sibling(out, "seeds"), meta
        )
        console.print(f"wrote {out} and {runs_path}")


def print_study(result, elapsed: float) -> None:
    from experiments.study import money

    summary = result.summary()
    table = Table(title=f"study: {result.inputs_line()}", title_justify="left")
    for col in ("option", "survival", "ARR p10", "ARR median", "ARR p90", "cash burned",
                "lowest cash", "CAC payback (months)", "ARR share"):  # fmt: skip
        table.add_column(col, justify="left" if col == "option" else "right")
    for label, row in summary.iterrows():
        payback = row["cac_payback_months_median"]
        table.add_row(
            str(label),
            f"{row['survival_rate']:.0%}",
            money(row["arr_p10"]),
            money(row["arr_median"]),
            money(row["arr_p90"]),
            money(row["cash_burned_median"]),
            money(row["cash_min_median"]),
            "-" if payback != payback else f"{payback:.0f}",
            f"{row['arr_share_median']:.1%}",
        )
    console.print(table)
    console.print(result.verdict(), highlight=False, markup=False)
    runs = len(result.options) * len(result.seeds)
    console.print(f"{runs} runs of {result.steps} weeks in {elapsed:.1f} s", highlight=False)


@app.command()
def scenarios() -> None:
    """List the preset scenarios with their titles."""
    from sim.scenarios import list_scenarios

    table = Table(title="Scenarios (salesweb simulate --scenario NAME)")
    table.add_column("name", style="bold")
    table.add_column("title")
    table.add_column("essay")
    for s in list_scenarios():
        table.add_row(s.name, s.title, s.essay)
    console.print(table)


@app.command()
def params(
    group: Annotated[str | None, typer.Option(help=f"Only one group: {', '.join(GROUPS)}.")] = None,
    markdown: Annotated[bool, typer.Option(help="Print Markdown (docs/parameters.md).")] = False,
) -> None:
    """List every model parameter with its default, range, unit and meaning."""
    if markdown:
        from sim.params import markdown_table

        print(markdown_table(), end="")
        return
    if group is not None and group not in GROUPS:
        raise fail(f"--group {group!r} is not a group; expected one of {', '.join(GROUPS)}")
    table = Table(title="Parameters (salesweb simulate --set name=value)")
    for col in ("name", "label", "group", "default", "allowed", "unit", "description"):
        table.add_column(col, overflow="fold", no_wrap=col == "name")
    for p in PARAMETERS.values():
        if group in (None, p.group):
            table.add_row(
                p.name, p.label, p.group, str(p.default), p.allowed(), p.unit, p.description
            )
    console.print(table)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8765,
    rooms: Annotated[
        Path | None,
        typer.Option(help="Folder where workshop rooms are saved and resumed from."),
    ] = None,
) -> None:
    """Serve the browser app (the explorer at /, workshop rooms at /workshop)."""
    from gui.server import serve as serve_app

    if rooms is not None and rooms.exists() and not rooms.is_dir():
        raise fail(f"--rooms {str(rooms)!r} is a file; give a folder")
    serve_app(host=host, port=port, rooms=rooms)


@app.command()
def validate(
    out: Annotated[Path, typer.Option("--out", help="Folder for the charts and validation.md.")],
    seeds: Annotated[
        int,
        typer.Option(
            min=5, help="Seeds per setting (the 3-standard-error checks need at least 5)."
        ),
    ] = 12,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Check the model against theory (Bass, predator-prey, networks); exit 1 if a check fails."""
    from experiments.validate import run_validation

    if out.exists() and not out.is_dir():
        raise fail(f"--out {str(out)!r} is a file; give a folder")
    if not out.parent.exists():
        raise fail(f"--out {str(out)!r}: folder {str(out.parent)!r} does not exist")
    checks = run_validation(out, seeds=seeds, progress=not quiet)
    failed = [name for name, ok in checks.items() if not ok]
    console.print(
        f"{len(checks) - len(failed)} of {len(checks)} checks pass; report: {out / 'validation.md'}"
    )
    for name in failed:
        err.print(f"[bold red]FAIL[/] {name}", highlight=False)
    if failed:
        raise typer.Exit(1)


def _out_folder(out: Path) -> Path:
    """An output folder that exists (created if its parent does) and is writable."""
    if out.exists() and not out.is_dir():
        raise fail(f"--out {str(out)!r} is a file; give a folder")
    if not out.parent.exists():
        raise fail(f"--out {str(out)!r}: folder {str(out.parent)!r} does not exist")
    out.mkdir(exist_ok=True)
    if not os.access(out, os.W_OK):
        raise fail(f"--out {str(out)!r}: the folder is not writable")
    return out


@app.command()
def calibrate(
    seeds: Annotated[int, typer.Option(min=2, max=1000, help="Seeds of the default market.")] = 10,
    scenario: Annotated[str, typer.Option(help="Preset name or path to a .toml file.")] = "default",
) -> None:
    """Average the calibrated outputs over weeks 104-260 and compare them with their bands."""
    from experiments.calibration import calibration_table

    table = calibration_table(list(range(1, seeds + 1)), scenario=scenario)
    out = Table(title=f"{scenario}: weeks 104-260, mean over {seeds} seeds")
    for col in ("output", "mean", "se", "band", "in band", "source"):
        out.add_column(col)
    for name, row in table.iterrows():
        band = "" if row["low"] != row["low"] else f"{row['low']:g}-{row['high']:g}"
        verdict = "" if row["in_band"] is None else ("yes" if row["in_band"] else "NO")
        out.add_row(
            str(name), f"{row['mean']:.4g}", f"{row['se']:.2g}", band, verdict, row["source"]
        )
    console.print(out)


@app.command()
def cycle(
    out: Annotated[Path, typer.Option("--out", help="Folder for the chart and the report.")] = Path(
        "docs/validation"
    ),
    seeds: Annotated[int, typer.Option(min=2, max=1000, help="Seeds per arm.")] = 10,
) -> None:
    """Run sales_web_cycle with touch fatigue on and off and measure who leads whom."""
    from experiments.cycles import cycle_report, plot_cycle_study, run_cycle_study
    from experiments.validate import _write_atomic

    out = _out_folder(out)
    study = run_cycle_study(list(range(1, seeds + 1)))
    plot_cycle_study(study, out / "sales_web_cycle.png")
    text = cycle_report(study)
    _write_atomic(out / "sales_web_cycle.md", text)
    console.print(text, markup=False, highlight=False)


if __name__ == "__main__":
    app()
