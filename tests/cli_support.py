"""Helper for the CLI's bad-input tests of the studies (levers, map, company)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def assert_refused_in_one_line(command: str, args: list[str], message: str, out: Path) -> None:
    """``salesweb COMMAND --out OUT ARGS`` exits 2 with one ``error:`` line holding
    ``message``, no traceback, and writes nothing in ``out``."""
    run = subprocess.run(
        [sys.executable, "-m", "experiments.cli", command, "--out", str(out), *args],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2, run.stderr
    assert message in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert not list(out.iterdir())
