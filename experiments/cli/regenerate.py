"""``salesweb regenerate``: remake every seeded page of the docs, in order, resumably.

Registered on the ``salesweb`` typer app by one import at the bottom of
:mod:`experiments.cli`. The steps are :data:`experiments.regen_manifest.MANIFEST`; the
runner is :mod:`experiments.regenerate`. Bad input (an unknown step) prints one
``error:`` line and exits 2; a run in which a step failed exits 1.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from experiments.cli import app, console, fail


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 60 else f"{seconds:.0f} s"


def _writes(files: tuple[str, ...]) -> str:
    return files[0] + (f" +{len(files) - 1}" if len(files) > 1 else "")


def _list(steps) -> None:
    from experiments.regen_manifest import total_seconds
    from experiments.regen_state import State
    from experiments.regenerate import OUT, ROOT

    state = State(ROOT / OUT / "state.json")
    table = Table(title="Seeded pages, in the order salesweb regenerate remakes them",
                  title_justify="left")  # fmt: skip
    for col in ("#", "step", "time", "last run", "after", "writes", "command"):
        table.add_column(col, justify="right" if col in ("#", "time", "last run") else "left",
                         no_wrap=col != "command", overflow="fold")  # fmt: skip
    for i, step in enumerate(steps, 1):
        last = state.last_seconds(step.name)
        table.add_row(
            str(i), step.name, _minutes(step.seconds), "" if last is None else _minutes(last),
            ", ".join(step.after), _writes(step.writes), step.command,
        )  # fmt: skip
    console.width = max(console.width, 160)  # the commands read whole, not folded
    console.print(table)
    total = total_seconds(steps)
    console.print(
        f"{len(steps)} steps, about {total / 3600:.1f} h on this two-core machine "
        f"({total / 60:.0f} min; time sources: experiments/regen_manifest.py)",
        markup=False, highlight=False,
    )  # fmt: skip


@app.command()
def regenerate(
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Only this step (repeatable).")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="Start at this step and run those after it.")
    ] = None,
    list_: Annotated[
        bool, typer.Option("--list", help="List the steps, their commands and times; run none.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say which steps would run or be skipped.")
    ] = False,
    again: Annotated[
        bool,
        typer.Option("--again", help="Rerun steps already done at today's engine fingerprint."),
    ] = False,
) -> None:
    """Remake every seeded page of the docs (docs/validation, the docs' blocks, the README's
    study), in dependency order; an interrupted run resumes where it stopped."""
    from experiments.regenerate import PlanError, regenerate, select

    try:
        steps = select(only or (), start)
    except PlanError as exc:
        raise fail(str(exc)) from None
    if list_:
        _list(steps)
        return
    from experiments.fingerprint import engine_fingerprint

    fingerprint = engine_fingerprint()
    console.print(f"engine fingerprint {fingerprint}", markup=False, highlight=False)
    done = regenerate(
        steps, fingerprint, again=again, dry_run=dry_run,
        echo=lambda line: console.print(line, markup=False, highlight=False, soft_wrap=True),
    )  # fmt: skip
    verb = "would run" if dry_run else "ran"
    console.print(
        f"{verb} {len(done.ran)}, skipped {len(done.skipped)} (done), failed "
        f"{len(done.failed)}, not run {len(done.blocked)} (they read a failed step)",
        markup=False, highlight=False,
    )  # fmt: skip
    if done.failed or done.blocked:
        raise typer.Exit(1)
