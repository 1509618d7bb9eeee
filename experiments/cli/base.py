"""The ``salesweb`` app itself: one-line errors, the consoles, the shared helpers.

Every command module imports from here (``app``, ``fail``, ``console``, ``progress_bar``);
``experiments/cli/__init__.py`` registers the commands on ``app``.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from experiments.io import (
    OutputError,
    check_writable_folder,
)
from sim.params import PARAMETERS

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
