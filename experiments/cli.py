"""The ``salesweb`` command line: simulate, scenarios, params, serve, validate, sweep,
report, study, calibrate, cycle, bench, claims, levers, map, company.

Bad input (an unknown parameter or scenario, a value out of range, a malformed
TOML file, an unwritable output, a market above the memory limit, an option Typer
cannot parse) prints one line starting with ``error:`` and exits with status 2, with
no traceback. Messages are printed as plain text: rich markup or emoji codes in a
user's input (``[params]``, ``a:b:c``) are shown as typed.
"""

from __future__ import annotations

import contextlib
import shlex
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from experiments.io import (
    OutputError,
    check_output_path,
    check_writable_folder,
    sibling,
    write_tables,
)
from sim.params import GROUPS, PARAMETERS, ParameterError, parse_assignment

USAGE_ERROR = 2
MAX_STEPS = int(PARAMETERS["horizon"].high)
"""Most weeks one ``simulate`` runs: the horizon's own upper bound (100 years)."""
MAX_VALIDATION_SEEDS = 100
"""Most seeds per setting of ``validate`` (12 take about a minute)."""


def _click_exceptions() -> list[Any]:
    """Click's exception modules: Typer >= 0.2x vendors Click as ``typer._click``."""
    import importlib

    found = []
    for name in ("typer._click.exceptions", "click.exceptions"):
        with contextlib.suppress(ImportError):
            found.append(importlib.import_module(name))
    return found


_CLICK = _click_exceptions()
CLICK_ERRORS = tuple(m.ClickException for m in _CLICK)
NO_ARGS = tuple(m.NoArgsIsHelpError for m in _CLICK if hasattr(m, "NoArgsIsHelpError"))
ABORTS = (typer.Abort, *(m.Abort for m in _CLICK if hasattr(m, "Abort")))


class OneLineErrors(typer.Typer):
    """A Typer app whose parsing errors (a bad option value, an unknown option) are one line.

    Typer draws Click's usage errors in a box over several lines; here they get the
    same ``error:`` line and status 2 as every other bad input.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().__call__(*args, **kwargs)
        except NO_ARGS as exc:
            typer.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
            sys.exit(USAGE_ERROR)
        except CLICK_ERRORS as exc:
            where = f" (see {exc.ctx.command_path} --help)" if getattr(exc, "ctx", None) else ""
            err.print(error_line(exc.format_message() + where), highlight=False, soft_wrap=True)
            sys.exit(exc.exit_code)
        except ABORTS:
            err.print(error_line("aborted"), highlight=False)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = OneLineErrors(
    help="Sales Web: an agent-based simulator of enterprise software markets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)


def error_line(message: str) -> Text:
    """``error: message`` as rich Text: nothing in ``message`` is read as markup or emoji."""
    return Text.assemble(("error:", "bold red"), " ", message)


def fail(message: str) -> typer.Exit:
    """Print one clear line and return the exit to raise (status 2)."""
    err.print(error_line(message), highlight=False, soft_wrap=True)
    return typer.Exit(USAGE_ERROR)


@app.command()
def simulate(
    scenario: Annotated[str, typer.Option(help="Preset name or path to a .toml file.")] = "default",
    steps: Annotated[
        int | None,
        typer.Option(help=f"Weeks to run, 1 to {MAX_STEPS} (default: the scenario's horizon)."),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            help="Seed of the run (rng), a non-negative integer; default: the scenario "
            "file's seed, else 0."
        ),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter: --set key=value (repeatable)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write per-step data to FILE (.parquet or .csv); vendors to FILE_vendors, "
            "the full event history to FILE_events."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    memory_limit: Annotated[
        float | None,
        typer.Option(
            "--memory-limit",
            metavar="GB",
            help="Refuse a market estimated above this much memory (default: 4 GB).",
        ),
    ] = None,
) -> None:
    """Run one market headless and print its summary."""
    from sim import budget
    from sim.model import MarketModel
    from sim.scenarios import ScenarioError, load_scenario

    if steps is not None and not 1 <= steps <= MAX_STEPS:
        raise fail(f"--steps {steps} is not allowed; expected an integer in [1, {MAX_STEPS}]")
    if seed is not None and seed < 0:
        raise fail(f"--seed {seed} is not allowed; expected a non-negative integer")
    try:
        overrides = dict(parse_assignment(a) for a in set_ or [])
        if out is not None:  # both files, before any computation
            check_output_path(out)
            check_output_path(sibling(out, "vendors"))
            check_output_path(sibling(out, "events"))
        if seed is None:
            seed = load_scenario(scenario).seed or 0
        model = MarketModel.from_scenario(
            scenario, rng=seed, memory_limit_gb=memory_limit, **overrides
        )
        n_steps = steps or model.horizon
        if n_steps > model.horizon:  # the construction check counted the horizon's weeks
            budget.check(
                model.params,
                model.memory_budget.limit_gb,
                sizes=model.population.ent_size,
                steps=n_steps,
            )
    except (ParameterError, ScenarioError, OutputError) as exc:
        raise fail(str(exc)) from None
    stopped = run_weeks(model, n_steps, quiet)
    model_df = model.datacollector.get_model_vars_dataframe()
    vendor_df = model.vendor_dataframe()
    print_summary(model, model_df, vendor_df, int(model.steps))
    wrote = ""
    if out is not None:
        vendor_path, events_path = sibling(out, "vendors"), sibling(out, "events")
        meta = {
            "kind": "salesweb simulate",
            "scenario": scenario,
            "seed": seed,
            "steps": int(model.steps),
            "overrides": {k: list(v) if isinstance(v, tuple) else v for k, v in overrides.items()},
        }
        tables = {out: model_df, vendor_path: vendor_df, events_path: model.event_dataframe()}
        try:
            write_tables(tables, meta)
        except (OSError, OutputError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise fail(f"could not write {out} and its siblings: {reason}") from None
        console.print(
            f"wrote {out}, {vendor_path} and {events_path}", markup=False, highlight=False
        )
        wrote = f"; the {int(model.steps)} weeks run are in {out}"
    if stopped is not None:
        raise fail(f"{stopped}{wrote}")


def progress_bar(label: str, quiet: bool) -> Progress:
    """The commands' progress bar on stderr (label, done of total, bar, time left); it
    disappears when done, so the output that follows reads as if it had never been."""
    return Progress(
        TextColumn(label),
        MofNCompleteColumn(),
        BarColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=quiet,
        transient=True,
    )


def run_weeks(model, n_steps: int, quiet: bool) -> str | None:
    """Step ``n_steps`` weeks with a progress bar; return why it stopped early, if it did.

    The memory budget stops a run whose next week would not fit
    (``model.memory_exceeded``); the weeks run so far are kept.
    """
    with progress_bar("[bold]simulating[/] week", quiet) as progress:
        task = progress.add_task("run", total=n_steps)
        for _ in range(n_steps):
            model.step()
            progress.advance(task)
            if getattr(model, "memory_exceeded", None):
                return model.memory_exceeded
    return None


def print_summary(model, model_df, vendor_df, n_steps: int) -> None:
    from experiments.summary import format_value, summarize
    from sim.params import STRATEGIES

    rows = summarize(model_df, vendor_df)
    table = Table(
        title=f"{escape(getattr(model, 'scenario_name', 'market'))}: week {n_steps}, "
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
    objective: Annotated[
        str,
        typer.Option(
            help="What to rank on at the horizon: worth (5 x ARR + cash), arr, cash, survival."
        ),
    ] = "worth",
    min_survival: Annotated[
        float,
        typer.Option(help="Share of seeds (0-1) an option must survive to be recommended."),
    ] = 0.8,
) -> None:
    """Compare options for the focal company over seeds (common random numbers) and recommend one.

    With --out FILE it also writes FILE.json (inputs, recommendation, every table) and a
    one-page FILE.md with its charts (FILE_charts.png, FILE_pairs.png) beside it.
    """
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
    from experiments.recommend import check_objective, recommend

    try:
        check_objective(objective, min_survival)
    except ParameterError as exc:
        raise fail(f"--{exc}") from None
    try:
        overrides = dict(parse_assignment(a) for a in set_ or [])
        if out is not None:
            check_output_path(out)
        start = time.perf_counter()
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


@app.command()
def scenarios() -> None:
    """List the preset scenarios with their titles."""
    from sim.scenarios import list_scenarios

    table = Table(title="Scenarios (salesweb simulate --scenario NAME)")
    table.add_column("name", style="bold")
    table.add_column("title")
    table.add_column("essay")
    for s in list_scenarios():
        table.add_row(escape(s.name), escape(s.title), escape(s.essay))
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
    session_memory_gb: Annotated[
        float | None,
        typer.Option(metavar="GB", help="Memory limit of one browser session's market (0.5)."),
    ] = None,
    heavy_jobs: Annotated[
        int | None,
        typer.Option(help="Builds and comparison runs at once, over all sessions (cores)."),
    ] = None,
    rooms: Annotated[
        Path | None,
        typer.Option(help="Folder where workshop rooms are saved and resumed from."),
    ] = None,
    facilitator_password: Annotated[
        str | None,
        typer.Option(
            help="Password to create and manage workshop rooms (default: drawn and printed)."
        ),
    ] = None,
    max_sessions: Annotated[
        int | None,
        typer.Option(help="Live browser sessions at most; more visitors see 'server full' (40)."),
    ] = None,
    session_cull: Annotated[
        str | None,
        typer.Option(
            metavar="DURATION",
            help="Close a session whose tab has been gone this long, e.g. 2m, 90s, 1h (2m).",
        ),
    ] = None,
) -> None:
    """Serve the browser app (the explorer at /, workshop rooms at /workshop)."""
    from gui.server import ServerError
    from gui.server import serve as serve_app
    from gui.workshop.access import password_for_serve

    try:
        password_for_serve(facilitator_password)
    except ValueError as exc:
        raise fail(str(exc)) from None

    if rooms is not None and rooms.exists() and not rooms.is_dir():
        raise fail(f"--rooms {str(rooms)!r} is a file; give a folder")
    try:
        serve_app(
            host=host,
            port=port,
            session_memory_gb=session_memory_gb,
            heavy_jobs=heavy_jobs,
            rooms=rooms,
            max_sessions=max_sessions,
            session_cull=session_cull,
        )
    except ServerError as exc:
        raise fail(str(exc)) from None


@app.command()
def validate(
    out: Annotated[Path, typer.Option("--out", help="Folder for the charts and validation.md.")],
    seeds: Annotated[
        int,
        typer.Option(
            help=f"Seeds per setting, 5 to {MAX_VALIDATION_SEEDS} (the 3-standard-error "
            "checks need at least 5)."
        ),
    ] = 12,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Check the model against theory (Bass, predator-prey, networks); exit 1 if a check fails."""
    from experiments.validate import run_validation

    if not 5 <= seeds <= MAX_VALIDATION_SEEDS:
        raise fail(
            f"--seeds {seeds} is not allowed; expected an integer in [5, {MAX_VALIDATION_SEEDS}]"
        )
    if out.exists() and not out.is_dir():
        raise fail(f"--out {str(out)!r} is a file; give a folder")
    try:  # before a minute of computing: can the report be written there?
        check_writable_folder(out if out.exists() else out.parent, f"--out {str(out)!r}")
    except OutputError as exc:
        raise fail(str(exc)) from None
    try:
        checks = run_validation(out, seeds=seeds, progress=not quiet)
    except OSError as exc:
        raise fail(f"could not write the report in {str(out)!r}: {exc.strerror or exc}") from None
    failed = [name for name, ok in checks.items() if not ok]
    console.print(
        f"{len(checks) - len(failed)} of {len(checks)} checks pass; report: {out / 'validation.md'}",
        markup=False,
        highlight=False,
    )
    for name in failed:
        err.print(Text.assemble(("FAIL", "bold red"), " ", name), highlight=False)
    if failed:
        raise typer.Exit(1)


@app.command()
def sweep(
    spec: Annotated[
        Path | None,
        typer.Argument(help="Sweep spec (.toml). With --resume it may be left out."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Sweep folder (created).")] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=0, help="Worker processes (default: every core; 0: in this process)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Run on Dask: tcp://HOST:PORT of a scheduler, or 'local'."),
    ] = None,
    scheduler_file: Annotated[
        Path | None, typer.Option(help="Run on Dask: the scheduler file of `dask scheduler`.")
    ] = None,
    resume: Annotated[
        bool, typer.Option(help="Go on with the sweep in --out (its spec if SPEC is left out).")
    ] = False,
    retry_failed: Annotated[bool, typer.Option(help="Run again the runs that failed.")] = False,
    extend: Annotated[
        bool, typer.Option(help="Accept a folder that holds another spec; reuse shared runs.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option(help="Validate and print the plan; run nothing.")
    ] = False,
    memory_limit: Annotated[
        float | None,
        typer.Option(
            "--memory-limit",
            help="GB one run may use (default 4); points estimated above it are refused.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Run a sweep of seeded runs; stored runs are never recomputed. See docs/sweeps.md."""
    from experiments.sweep.local import EngineError
    from experiments.sweep.runner import plan_runs, run_sweep
    from experiments.sweep.spec import SpecError
    from experiments.sweep.store import Store, StoreError

    if out is None:
        raise fail("--out DIR is required: the folder that holds the sweep")
    try:
        if memory_limit is not None:
            _sweep_memory_limit(memory_limit)
        the_spec = _sweep_spec(spec, out, resume)
        engine = _engine(workers, scheduler, scheduler_file)
        if dry_run:
            _print_plan(the_spec, plan_runs(the_spec, memory_limit)[1], Store(out), memory_limit)
            return
        with SweepProgress(disable=quiet) as progress:
            outcome = run_sweep(
                the_spec,
                out,
                engine,
                retry_failed=retry_failed,
                extend=extend,
                progress=progress.update,
                memory_limit_gb=memory_limit,
            )
    except (SpecError, StoreError, EngineError) as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        err.print(
            f"interrupted: the finished runs are stored; go on with "
            f"salesweb sweep --resume --out {escape(str(out))}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(130) from None
    shown = escape(str(out))
    console.print(
        f"{outcome.total} runs: {outcome.computed} computed, {outcome.reused} reused, "
        f"{outcome.failed + outcome.skipped_failed} failed, in {outcome.seconds:.1f} s "
        f"on {engine.name} ({engine.workers} workers); "
        f"load with experiments.load({escape(repr(str(out)))}), chart with salesweb report {shown}",
        highlight=False,
        soft_wrap=True,
    )
    if outcome.failed + outcome.skipped_failed:
        err.print(
            f"[bold red]{outcome.failed + outcome.skipped_failed} runs failed[/]: tracebacks in "
            f"{escape(str(out / 'failed'))}; run them again with --retry-failed",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)


def _sweep_spec(spec: Path | None, out: Path, resume: bool):
    from experiments.sweep.spec import Spec, SpecError, load_spec
    from experiments.sweep.store import Store

    if spec is not None:
        return load_spec(spec)
    if not resume:
        raise SpecError("give a sweep spec (SPEC), or --resume to go on with the one in --out")
    manifest = Store(out).read_manifest()
    if manifest is None:
        raise SpecError(f"--resume: {str(out)!r} holds no sweep to resume (no manifest.json)")
    return Spec.from_dict(manifest["spec"])


def _engine(workers: int | None, scheduler: str | None, scheduler_file: Path | None):
    from experiments.sweep.local import LocalEngine, SerialEngine
    from experiments.sweep.spec import SpecError

    if scheduler is not None or scheduler_file is not None:
        if scheduler is not None and scheduler_file is not None:
            raise SpecError("give --scheduler or --scheduler-file, not both")
        if scheduler is not None and scheduler != "local" and "://" not in scheduler:
            raise SpecError(f"--scheduler {scheduler!r}: expected tcp://HOST:PORT or 'local'")
        from experiments.sweep.cluster import DaskEngine

        file = None if scheduler_file is None else str(scheduler_file)
        return DaskEngine(scheduler, workers=workers, scheduler_file=file)
    if workers == 0:
        return SerialEngine()
    return LocalEngine(workers)


def _sweep_memory_limit(gb: float) -> None:
    from experiments.sweep.spec import SpecError
    from sim.budget import check_limit

    try:
        check_limit(gb)
    except ParameterError:
        raise SpecError(f"--memory-limit {gb!r}: expected a number of GB above 0") from None


def _print_plan(spec, runs, store, memory_limit: float | None = None) -> None:
    from experiments.sweep.memory import budget_message, over_budget
    from experiments.sweep.spec import SpecError
    from sim.budget import GB

    keys = {r.task.key for r in runs}
    stored = len(keys & store.finished_keys())
    failed = len(keys & store.failed_keys())
    console.print(
        f"{spec.name}: {spec.design.kind} design, {len({r.point for r in runs})} points x "
        f"{spec.replicates} replicates = {len(runs)} runs ({len(keys)} distinct); "
        f"{stored} stored, {failed} failed, {len(keys) - stored - failed} to run",
        highlight=False,
        soft_wrap=True,
    )
    over = over_budget(runs, memory_limit)
    for r in over[:10]:
        console.print(
            f"over the memory limit: point {r.point} needs about {r.estimate / GB:.3g} GB "
            f"(mostly {r.largest})",
            highlight=False,
            soft_wrap=True,
            markup=False,
        )
    if over:
        raise SpecError(budget_message(over, memory_limit, spec.varied_names))


class SweepProgress:
    """A progress bar of runs done and failed, with the time left."""

    def __init__(self, disable: bool):
        self._progress = Progress(
            TextColumn("[bold]sweep[/] runs"),
            MofNCompleteColumn(),
            TextColumn("failed {task.fields[failed]}"),
            BarColumn(),
            TimeRemainingColumn(),
            console=err,
            disable=disable,
            transient=True,
        )
        self._task = None

    def __enter__(self) -> SweepProgress:
        return self

    def __exit__(self, *exc) -> None:
        if self._task is not None:
            self._progress.stop()

    def update(self, done: int, failed: int, total: int) -> None:
        """Show the bar from the first report on (an early error leaves no blank line)."""
        if self._task is None:
            self._progress.start()
            self._task = self._progress.add_task("sweep", total=total, completed=done, failed=0)
        self._progress.update(self._task, completed=done + failed, failed=failed)


@app.command()
def report(
    folder: Annotated[Path, typer.Argument(help="A sweep folder (salesweb sweep --out).")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for report.md and the charts.")
    ] = None,
) -> None:
    """Write charts and report.md for a sweep: outputs against parameters, winners, sensitivity."""
    from experiments.sweep.report import ReportError, write_report
    from experiments.sweep.store import StoreError

    try:
        path = write_report(folder, out)
    except (StoreError, ReportError) as exc:
        raise fail(str(exc)) from None
    console.print(f"report: {escape(str(path))}", highlight=False, soft_wrap=True)


@app.command()
def bench(
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write every figure to FILE (JSON).")
    ] = None,
    sizes: Annotated[
        str, typer.Option(help="Employees of each market, comma-separated.")
    ] = "10000,100000,1000000",
    steps: Annotated[int, typer.Option(min=1, help="Weeks each market runs.")] = 260,
    peer_nodes: Annotated[
        int, typer.Option(min=10, help="Nodes of Mesa's VirusOnNetwork.")
    ] = 100_000,
    peer_steps: Annotated[int, typer.Option(min=1, help="Steps of the peer.")] = 20,
    seed: Annotated[int, typer.Option(help="Seed of every case.")] = 1,
    core: Annotated[int | None, typer.Option(help="Core to pin to (default: the last).")] = None,
) -> None:
    """Time the engine at 10k, 100k and 1M employees against Mesa, on one core."""
    from experiments.bench import BenchError, run_bench, write_json
    from experiments.bench_report import print_report

    try:
        size_list = tuple(int(s.replace("_", "")) for s in sizes.split(","))
    except ValueError:
        raise fail(
            f"--sizes {sizes!r}: expected employees as integers, e.g. 10000,100000"
        ) from None
    if any(s < 1 for s in size_list):
        raise fail(f"--sizes {sizes!r}: every size must be at least 1 employee")
    if json_out is not None and (json_out.is_dir() or not json_out.parent.is_dir()):
        raise fail(f"--json {str(json_out)!r}: not a file in an existing folder")
    try:
        with err.status("starting") as status:
            result = run_bench(
                size_list,
                steps=steps,
                peer_nodes=peer_nodes,
                peer_steps=peer_steps,
                seed=seed,
                core=core,
                on_case=lambda label: status.update(f"running {label}"),
            )
    except BenchError as exc:
        raise fail(str(exc)) from None
    print_report(result, console)
    if json_out is not None:
        write_json(result, json_out)
        console.print(f"wrote {json_out}")


def _out_folder(out: Path) -> Path:
    """An output folder that exists (created if its parent does) and is writable."""
    if out.exists() and not out.is_dir():
        raise fail(f"--out {str(out)!r} is a file; give a folder")
    try:  # a probe file, not os.access: it also sees read-only mounts, /proc, quotas, root
        check_writable_folder(out if out.exists() else out.parent, f"--out {str(out)!r}")
        out.mkdir(exist_ok=True)
        check_writable_folder(out, f"--out {str(out)!r}")
    except OutputError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"--out {str(out)!r}: {exc.strerror or exc}") from None
    return out


@app.command()
def calibrate(
    seeds: Annotated[int, typer.Option(min=2, max=1000, help="Seeds of the default market.")] = 10,
    scenario: Annotated[str, typer.Option(help="Preset name or path to a .toml file.")] = "default",
    first_seed: Annotated[
        int,
        typer.Option(
            min=0,
            max=2**31,
            help="First seed: runs use seeds first..first+N-1 (the defaults were tuned on "
            "101-120; report on seeds you never tuned on).",
        ),
    ] = 1,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Also write the table as Markdown to FILE (whole or not at all)."
        ),
    ] = None,
) -> None:
    """Average the calibrated outputs over weeks 104-260 and compare them with their bands."""
    from experiments.calibration import calibration_report, calibration_table
    from experiments.io import write_text
    from sim.scenarios import ScenarioError

    try:
        table = calibration_table(list(range(first_seed, first_seed + seeds)), scenario=scenario)
    except (ParameterError, ScenarioError) as exc:
        raise fail(str(exc)) from None
    last = first_seed + seeds - 1
    out = Table(title=f"{scenario}: weeks 104-260, mean over seeds {first_seed}-{last}")
    for col in ("output", "mean", "se", "band", "in band", "source"):
        out.add_column(col)
    for name, row in table.iterrows():
        band = "" if row["low"] != row["low"] else f"{row['low']:g}-{row['high']:g}"
        verdict = "" if row["in_band"] is None else ("yes" if row["in_band"] else "NO")
        out.add_row(
            str(name), f"{row['mean']:.4g}", f"{row['se']:.2g}", band, verdict, row["source"]
        )
    console.print(out)
    if out_file is not None:
        text = calibration_report(table, scenario, first_seed, last)
        try:
            write_text(out_file, text)
        except OSError as exc:
            raise fail(f"cannot write {out_file}: {exc.strerror or exc}") from None
        console.print(f"wrote {out_file}")


@app.command()
def cycle(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the charts and the report.")
    ] = Path("docs/validation"),
    seeds: Annotated[int, typer.Option(min=2, max=1000, help="Seeds per arm.")] = 20,
    first_seed: Annotated[
        int, typer.Option("--first-seed", help="First seed (tuning used 101-120).")
    ] = 1001,
    recovery_seeds: Annotated[
        int, typer.Option(min=0, max=20, help="Seeds per market for the recovery half-life.")
    ] = 2,
) -> None:
    """Run sales_web_cycle with touch fatigue on and off: qualifying receptivity peaks,
    reps' lag; and the recovery half-life of the default market and of sales_web_cycle."""
    from experiments.cycles import (
        cycle_report,
        plot_cycle_study,
        plot_recovery,
        recovery_half_life,
        run_cycle_study,
    )
    from experiments.io import write_text

    out = _out_folder(out)
    seed_list = list(range(first_seed, first_seed + seeds))
    study = run_cycle_study(seed_list)
    plot_cycle_study(study, out / "sales_web_cycle.png")
    recoveries = [
        recovery_half_life(market, seed)
        for market in ("default", "sales_web_cycle")
        for seed in seed_list[:recovery_seeds]
    ]
    if recoveries:
        firsts = [r for r in recoveries if r.seed == seed_list[0]]
        plot_recovery(firsts, out / "sales_web_recovery.png")
    text = cycle_report(study, recoveries)
    write_text(out / "sales_web_cycle.md", text)
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
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Change a parameter in every run, under the lever: key=value (repeatable); "
            "for example the claims under another condition.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    robust: Annotated[
        bool,
        typer.Option(
            "--robust",
            help="Instead of the verdicts: each claim with three parameters it does not name "
            "moved by -25% and +25% (mechanism on); writes claims_robust.md.",
        ),
    ] = False,
    breakeven: Annotated[
        bool,
        typer.Option(
            "--breakeven",
            help="Instead of the verdicts: the dual-motion claim's breakeven price and ACV, "
            "seed by seed; writes dual_motion_breakeven.md.",
        ),
    ] = False,
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
    try:
        size = dict(parse_assignment(a) for a in set_ or [])
    except ParameterError as exc:
        raise fail(str(exc)) from None
    out = _out_folder(out)
    if enterprises:
        size["n_enterprises"] = enterprises
    seed_list = list(range(seeds))
    if robust or breakeven:
        _claims_study(chosen, seed_list, size, weeks, workers, quiet, out, robust)
        return
    started = time.perf_counter()
    with progress_bar("[bold]claims[/] run", quiet) as progress:
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


@app.command()
def levers(
    seeds: Annotated[int, typer.Option(help="Seeds per level (the same for every level).")] = 10,
    weeks: Annotated[
        int | None, typer.Option(help="Weeks per run (default: the scenario's horizon).")
    ] = None,
    scenario: Annotated[str, typer.Option(help="Preset name or path to a .toml file.")] = "default",
    out: Annotated[
        Path, typer.Option("--out", help="Folder for levers.md, levers.parquet and the charts.")
    ] = Path("docs/validation"),
    lever: Annotated[
        list[str] | None,
        typer.Option("--lever", help="Run only this lever (repeatable; default: all of them)."),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Change a market parameter in every run: key=value."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Root seed the run seeds are spawned from.")] = 0,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: every core).")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Each lever's response for my company over seeds; exit 1 if a direction fails."""

    from experiments.levers import choose, run_levers
    from experiments.levers_report import write_report
    from sim.scenarios import ScenarioError, load_scenario

    _check_counts(seeds, weeks, seed, workers)
    try:
        chosen = choose(lever)
        overrides = dict(parse_assignment(a) for a in set_ or [])
        load_scenario(scenario)
    except (ParameterError, ScenarioError) as exc:
        raise fail(str(exc)) from None
    out = _out_folder(out)
    result, wall, report = _run_and_report(
        "levers",
        lambda progress: run_levers(
            chosen,
            seeds,
            weeks,
            scenario=scenario,
            overrides=overrides,
            workers=workers,
            root_seed=seed,
            progress=progress,
        ),
        write_report,
        out,
        quiet,
    )
    _print_levers(result, wall, report)


def _run_and_report(label: str, run, write_report, out: Path, quiet: bool):
    """Run a study under a progress bar, time it and write its report.

    ``run(progress)`` runs the study (``progress(done, total)`` moves the bar);
    ``write_report(result, out, wall)`` writes its page. Returns the result, the wall
    time and the report's path; a bad setting or an unwritable folder is one line.
    """
    import time

    from sim.scenarios import ScenarioError

    started = time.perf_counter()
    try:
        with progress_bar(f"[bold]{label}[/] weeks", quiet) as bar:
            task = bar.add_task(label, total=None)
            result = run(lambda done, total: bar.update(task, completed=done, total=total))
    except (ParameterError, ScenarioError) as exc:
        raise fail(str(exc)) from None
    wall = time.perf_counter() - started
    try:
        report = write_report(result, out, wall)
    except OSError as exc:
        raise fail(f"could not write the report in {str(out)!r}: {exc.strerror or exc}") from None
    return result, wall, report


def _check_counts(seeds: int, weeks: int | None, seed: int, workers: int | None) -> None:
    """One line for a count out of range, before anything runs."""
    if not 1 <= seeds <= 10_000:
        raise fail(f"--seeds {seeds} is not allowed; expected a whole number in [1, 10000]")
    if weeks is not None and not 1 <= weeks <= MAX_STEPS:
        raise fail(f"--weeks {weeks} is not allowed; expected a whole number in [1, {MAX_STEPS}]")
    if seed < 0:
        raise fail(f"--seed {seed} is not allowed; expected a whole number >= 0")
    if workers is not None and workers < 1:
        raise fail(f"--workers {workers} is not allowed; expected at least 1")


def _print_levers(result, wall: float, report: Path) -> None:
    from experiments.claims_report import yes_no
    from experiments.levers import checks, summarise

    verdicts = checks(summarise(result.frame), result.levers, result.frame)
    table = Table(
        title=f"Levers: {len(result.seeds)} seeds, {result.steps} weeks ({wall:.0f} s)",
        title_justify="left",
    )
    for col in ("lever", "motion", "outcome", "expected", "holds", "monotone", "diminishing", "z"):
        table.add_column(col, overflow="fold")
    for row in verdicts.itertuples():
        table.add_row(
            row.lever, row.strategy, row.outcome, row.expected, yes_no(row.holds),
            yes_no(row.monotone), yes_no(row.diminishing),
            "-" if row.z != row.z else f"{row.z:+.1f} ({row.pairs})",
        )  # fmt: skip
    console.print(table)
    held = int(verdicts["holds"].sum())
    console.print(
        f"{held} of {len(verdicts)} directions hold; report: {report}",
        markup=False,
        highlight=False,
    )
    for row in verdicts[~verdicts["holds"]].itertuples():
        err.print(
            Text.assemble(("FAIL", "bold red"), f" {row.lever}: {row.outcome} {row.expected}"),
            highlight=False,
        )
    if held < len(verdicts):
        raise typer.Exit(1)


@app.command(name="map")
def winner_map(
    virality: Annotated[
        str, typer.Option(help="My company's virality levels, comma-separated.")
    ] = "0.0005,0.002,0.008",
    seat_price: Annotated[
        str, typer.Option(help="My company's seat prices (USD a seat a month), comma-separated.")
    ] = "5,25,100",
    user_is_buyer: Annotated[
        str, typer.Option(help="The market's user_is_buyer levels, comma-separated.")
    ] = "0.2,1",
    seeds: Annotated[
        int, typer.Option(help="Seeds per motion and cell (the same everywhere).")
    ] = 10,
    weeks: Annotated[
        int | None, typer.Option(help="Weeks per run (default: the scenario's horizon).")
    ] = None,
    n_enterprises: Annotated[
        int | None, typer.Option(help="Enterprises in the market (default: the scenario's).")
    ] = None,
    scenario: Annotated[str, typer.Option(help="Preset name or path to a .toml file.")] = "default",
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Change a market parameter in every run: key=value."),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for winner_map.md, .parquet and .png.")
    ] = Path("docs/validation"),
    seed: Annotated[int, typer.Option(help="Root seed the run seeds are spawned from.")] = 0,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: every core).")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """The winner map: bottoms-up, direct or hybrid for my company, cell by cell."""

    from experiments.winner_map import Grid, parse_levels, run_map, winners
    from experiments.winner_map_report import write_report
    from sim.scenarios import ScenarioError, load_scenario

    _check_counts(seeds, weeks, seed, workers)
    try:
        grid = Grid(
            virality=parse_levels("virality", virality),
            seat_price=parse_levels("seat_price", seat_price),
            user_is_buyer=parse_levels("user_is_buyer", user_is_buyer),
        )
        overrides = dict(parse_assignment(a) for a in set_ or [])
        if n_enterprises is not None:
            overrides["n_enterprises"] = parse_assignment(f"n_enterprises={n_enterprises}")[1]
        if "user_is_buyer" in overrides:
            raise ParameterError(
                "--set user_is_buyer: it is an axis of the map; use --user-is-buyer"
            )
        load_scenario(scenario)
    except (ParameterError, ScenarioError) as exc:
        raise fail(str(exc)) from None
    out = _out_folder(out)
    result, wall, report = _run_and_report(
        "map",
        lambda progress: run_map(
            grid,
            seeds,
            weeks,
            scenario=scenario,
            overrides=overrides,
            workers=workers,
            root_seed=seed,
            progress=progress,
        ),
        write_report,
        out,
        quiet,
    )
    _print_map(winners(result.frame), result, wall, report)


def _print_map(table, result, wall: float, report: Path) -> None:
    from experiments.study import money
    from experiments.winner_map import MOTIONS, TIE

    out = Table(
        title=f"Winner map: {len(result.seeds)} seeds, {result.steps} weeks ({wall:.0f} s)",
        title_justify="left",
    )
    for col in ("user_is_buyer", "virality", "seat price", "winner", "wins",
                *(f"median {m}" for m in MOTIONS)):  # fmt: skip
        out.add_column(col, justify="left" if col == "winner" else "right")
    for row in table.itertuples():
        out.add_row(
            f"{row.user_is_buyer:g}", f"{row.virality:g}", f"{row.seat_price:g}",
            row.winner + (" (on the mean)" if row.by_mean else ""),
            "-" if row.winner == TIE else f"{row.win_share:.0%}",
            *(money(getattr(row, f"median_{m}")) for m in MOTIONS),
        )  # fmt: skip
    console.print(out)
    console.print(f"report: {report}", markup=False, highlight=False)


@app.command()
def company(
    seeds: Annotated[int, typer.Option(help="Seeds per option (the same for every option).")] = 20,
    weeks: Annotated[
        int | None, typer.Option(help="Weeks per run (default: the scenario's horizon).")
    ] = None,
    scenario: Annotated[str, typer.Option(help="Preset name or path to a .toml file.")] = "default",
    out: Annotated[
        Path, typer.Option("--out", help="Folder for company.md, the parquets and the charts.")
    ] = Path("docs/validation"),
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Change a market parameter in every run: key=value."),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Root seed the run seeds are spawned from (never used for tuning).")
    ] = 2026,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: every core).")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """The company-level checks: reps that pay, a demand curve, where each motion wins;
    exit 1 if an expectation fails."""

    from experiments.company_checks import CONDITIONS, run_company
    from experiments.company_report import checks, write_report
    from sim.scenarios import ScenarioError, load_scenario

    _check_counts(seeds, weeks, seed, workers)
    try:
        overrides = dict(parse_assignment(a) for a in set_ or [])
        fixed = sorted({k for c in CONDITIONS for k in c.market} & set(overrides))
        if fixed:
            raise ParameterError(
                f"--set {fixed[0]}: the checks set it market by market; leave it to them"
            )
        load_scenario(scenario)
    except (ParameterError, ScenarioError) as exc:
        raise fail(str(exc)) from None
    out = _out_folder(out)
    result, wall, report = _run_and_report(
        "company",
        lambda progress: run_company(
            seeds,
            weeks,
            scenario=scenario,
            overrides=overrides,
            workers=workers,
            root_seed=seed,
            progress=progress,
        ),
        write_report,
        out,
        quiet,
    )
    rows = checks(result)
    table = Table(
        title=f"Company checks: {len(result.seeds)} seeds, {result.steps} weeks ({wall:.0f} s)",
        title_justify="left",
    )
    for col in ("item", "expected", "measured", "holds"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(
            row["item"], row["expected"], row["measured"], "yes" if row["holds"] else "NO"
        )
    console.print(table)
    held = sum(r["holds"] for r in rows)
    console.print(
        f"{held} of {len(rows)} expectations hold; report: {report}", markup=False, highlight=False
    )
    for row in rows:
        if not row["holds"]:
            err.print(Text.assemble(("FAIL", "bold red"), f" {row['item']}: {row['expected']}"),
                      highlight=False)  # fmt: skip
    if held < len(rows):
        raise typer.Exit(1)


def _claims_study(chosen, seeds, size, weeks, workers, quiet, out: Path, robust: bool) -> None:
    """``claims --robust`` or ``claims --breakeven``: a study of the claims, not verdicts."""
    from experiments.io import write_text

    with progress_bar("[bold]claims[/] study", quiet) as progress:
        task = progress.add_task("runs", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        if robust:
            from experiments.claim_robust import robustness_markdown, run_robustness

            table = run_robustness(chosen, seeds, size, weeks, workers, advance)
            text, name = robustness_markdown(table, seeds), "claims_robust.md"
        else:
            from experiments.breakeven import run_breakeven
            from experiments.claim_list import CLAIMS

            claim = next(c for c in CLAIMS if c.key == "dual_motion")
            result = run_breakeven(
                claim, seeds, size=size, steps=weeks, workers=workers, progress=advance
            )
            text = (
                "# Dual motion: the breakeven price and ACV, seed by seed\n\n"
                f"Made by `salesweb claims --breakeven` over seeds {seeds[0]}-{seeds[-1]}: the "
                "focal company as a hybrid minus the same company bottoms-up, at each seat "
                "price (`experiments/breakeven.py`).\n\n" + result.summary()
            )
            name = "dual_motion_breakeven.md"
    write_text(out / name, text)
    console.print(text, markup=False, highlight=False)


if __name__ == "__main__":
    # `python -m experiments.cli`: run the module's own app, whose commands include those
    # registered by the modules below (importing them from here would import a second
    # copy of this file under its real name, half-initialised)
    from experiments.cli import app as registered

    registered()
else:
    # commands that live in their own modules register themselves on `app` when imported
    from experiments import cli_fit, cli_optimize, cli_research  # noqa: F401
