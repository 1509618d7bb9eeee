"""``salesweb sweep`` and ``report``: seeded sweeps (docs/sweeps.md) and their charts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from experiments.cli.base import console, err, fail
from sim.params import ParameterError


def sweep(
    spec: Annotated[
        Path | None, typer.Argument(help="Sweep spec (.toml). With --resume it may be left out.")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Sweep folder (created).")] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=0, help="Worker processes (default: every core; 0: in this process)."),
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Run on Dask: tcp://HOST:PORT of a scheduler, or 'local'.")
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
    from experiments.io import folder_problem

    problem = folder_problem(out, "--resume: sweep folder")
    if problem is not None:
        raise SpecError(problem)
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
