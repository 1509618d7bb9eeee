"""The ``salesweb`` command line: simulate, scenarios, params, serve, validate, calibrate, cycle, claims.

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
    seed: Annotated[int, typer.Option(help="Seed of the run (rng).")] = 0,
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
    from sim.scenarios import ScenarioError

    try:
        overrides = dict(parse_assignment(a) for a in set_ or [])
        if out is not None:
            check_output_path(out)
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
        write_table(model_df, out)
        vendor_path = write_table(vendor_df, sibling(out, "vendors"))
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
    for col in ("name", "group", "default", "allowed", "unit", "description"):
        table.add_column(col, overflow="fold", no_wrap=col == "name")
    for p in PARAMETERS.values():
        if group in (None, p.group):
            table.add_row(p.name, p.group, str(p.default), p.allowed(), p.unit, p.description)
    console.print(table)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8765,
) -> None:
    """Serve the browser app."""
    from gui.server import serve as serve_app

    serve_app(host=host, port=port)


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


@app.command()
def claims(
    seeds: Annotated[
        int, typer.Option(min=2, help="Seeds per arm (common random numbers); 10 or more to judge.")
    ] = 10,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for claims.md and a chart per claim.")
    ] = Path("docs/validation"),
    claim: Annotated[
        list[str] | None,
        typer.Option("--claim", help="Run only this claim (its key; repeatable)."),
    ] = None,
    enterprises: Annotated[
        int | None,
        typer.Option(min=1, help="Enterprises in every market (default: each scenario's)."),
    ] = None,
    weeks: Annotated[
        int | None, typer.Option(min=1, help="Weeks per run (default: each claim's).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default: every core).")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Run the essays' claims as paired experiments; exit 1 if one does not pass."""
    import time

    from experiments.claim_list import CLAIMS
    from experiments.claims import run_claims
    from experiments.claims_report import COLUMNS, table_rows, write_report

    known = {c.key: c for c in CLAIMS}
    unknown = [k for k in claim or [] if k not in known]
    if unknown:
        raise fail(f"--claim {unknown[0]!r} is not a claim; expected one of {', '.join(known)}")
    chosen = [known[k] for k in dict.fromkeys(claim)] if claim else list(CLAIMS)
    out = _out_folder(out)
    size = {"n_enterprises": enterprises} if enterprises else {}
    seed_list = list(range(seeds))
    started = time.perf_counter()
    with Progress(
        TextColumn("[bold]claims[/] run"),
        MofNCompleteColumn(),
        BarColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("runs", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        results = run_claims(
            chosen, seed_list, size=size, steps=weeks, workers=workers, progress=advance
        )
    wall = time.perf_counter() - started
    table = Table(title=f"Claims over {seeds} seeds ({wall:.0f} s)")
    for col in COLUMNS:
        table.add_column(col, justify="left" if col == "claim" else "right")
    for row in table_rows(results, short=True):
        table.add_row(*row)
    console.print(table)
    report = write_report(results, out, seed_list, size, wall)
    failed = [r.claim.key for r in results if not r.passed]
    console.print(f"{len(results) - len(failed)} of {len(results)} claims pass; report: {report}")
    for key in failed:
        err.print(f"[bold red]FAIL[/] {key}", highlight=False)
    if failed:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
