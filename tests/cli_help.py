"""Every ``salesweb`` command's ``--help``, in one deterministic text.

``python tests/cli_help.py`` prints it; ``--write`` stores it as ``tests/data/cli_help.txt``,
the snapshot ``tests/test_cli_help.py`` holds the CLI to (the split of ``experiments/cli``
into a package changed no user-visible help, issue 21). Width and colour are pinned
(100 columns, no colour) so the text does not depend on the terminal.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SNAPSHOT = Path(__file__).resolve().parent / "data" / "cli_help.txt"
ENV = {"COLUMNS": "100", "TERMINAL_WIDTH": "100", "NO_COLOR": "1", "TERM": "dumb"}


def helps() -> dict[str, str]:
    """``{"": top-level help, "simulate": simulate's help, ...}`` with pinned width."""
    os.environ.update(ENV)
    import typer.main
    from typer.testing import CliRunner

    from experiments.cli import app

    group = typer.main.get_command(app)
    runner = CliRunner()
    out = {"": runner.invoke(app, ["--help"], env=ENV).output}
    for name in sorted(group.commands):
        out[name] = runner.invoke(app, [name, "--help"], env=ENV).output
    return out


def text(found: dict[str, str]) -> str:
    return "".join(f"=== salesweb {name} --help\n{body}" for name, body in found.items())


def parse(snapshot: str) -> dict[str, str]:
    """The inverse of :func:`text`."""
    found: dict[str, str] = {}
    for chunk in snapshot.split("=== salesweb ")[1:]:
        head, _, body = chunk.partition("\n")
        found[head.removesuffix("--help").strip()] = body
    return found


if __name__ == "__main__":
    current = text(helps())
    if "--write" in sys.argv:
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(current)
    else:
        sys.stdout.write(current)
