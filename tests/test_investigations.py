"""The investigation scripts (experiments/investigations) still import and parse their
options against today's code: their reports (docs/investigations) name them as the way
to rerun each measurement, so a rename elsewhere must not leave them broken."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import experiments.investigations as package

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(m.name for m in pkgutil.iter_modules(package.__path__))


def test_there_are_investigations_and_each_has_a_report_or_a_parent():
    reports = {p.stem for p in (ROOT / "docs" / "investigations").glob("*.md")}
    assert MODULES
    for name in MODULES:  # qualification_claims belongs to qualification's report
        assert any(name.startswith(r) for r in reports), f"{name}: no docs/investigations report"


@pytest.mark.parametrize("name", MODULES)
def test_an_investigation_imports(name):
    module = importlib.import_module(f"experiments.investigations.{name}")
    assert callable(module.main)


@pytest.mark.parametrize(
    "name",
    [m for m in MODULES if "argparse" in (Path(package.__path__[0]) / f"{m}.py").read_text()],
)
def test_an_investigation_parses_its_options(name):
    done = subprocess.run(
        [sys.executable, "-m", f"experiments.investigations.{name}", "--help"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage" in done.stdout
