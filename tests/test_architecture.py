"""The rooms keep their directions (docs/architecture.md, issue 21).

Read from the code with ``ast`` by ``tools/import_graph.py``: no room imports a room it
may not (``ALLOWED``: cli > gui > experiments > sim > agents), ``gui`` uses only the
modules ``experiments.PUBLIC`` names, and no two rooms import each other, directly or
round a circle. Type-only imports (under ``if TYPE_CHECKING:``) do not count; imports
inside functions do. The checker itself is tested on a small tree where each rule is
broken once, so it cannot pass by reading nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import import_graph as graph  # noqa: E402

SIM_AGENTS = {"sim", "agents"}


@pytest.fixture(scope="module")
def found():
    return graph.edges()


def test_the_code_keeps_the_rules(found):
    assert len(found) > 200  # it read the code
    assert graph.broken_rules(found, graph.public_experiments()) == []


def test_no_circle_between_rooms(found):
    assert graph.room_cycles(graph.room_arrows(found)) == []


def test_sim_and_agents_go_one_way(found):
    """sim builds the agents; agents import sim for types only (docs/architecture.md)."""
    pair = [e for e in found if {graph.room(e.source), graph.room(e.target)} == SIM_AGENTS]
    assert graph.broken_rules(pair, ()) == []
    assert graph.room_cycles(graph.room_arrows(pair)) == []


def test_experiments_never_imports_gui(found):
    assert not [e for e in found if graph.room(e.source) == "experiments"
                and graph.room(e.target) == "gui"]  # fmt: skip


def test_public_modules_exist():
    known = graph.modules()
    assert all(m in known for m in graph.public_experiments())


def test_the_doc_names_every_public_module():
    doc = (ROOT / "docs" / "architecture.md").read_text()
    assert all(f"`{m}`" in doc for m in graph.public_experiments())


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_checker_sees_each_kind_of_broken_rule(tmp_path):
    _write(tmp_path, {
        "sim/__init__.py": "",
        "sim/model.py": "from agents.vendor import Vendor\n",
        "agents/__init__.py": "",
        "agents/vendor.py": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from sim.model import MarketModel\n"
            "def f():\n    from sim import model\n"  # lazy: still a run-time import
        ),
        "experiments/__init__.py": "",
        "experiments/study.py": "",
        "experiments/secret.py": "from ..gui import app\n",  # relative import
        "experiments/cli/__init__.py": "import gui.app\nfrom experiments import study\n",
        "gui/__init__.py": "",
        "gui/app.py": "from experiments.study import x\nfrom experiments.secret import y\n",
    })  # fmt: skip
    found = graph.edges(tmp_path)
    broken = graph.broken_rules(found, ("experiments", "experiments.study"))
    assert broken == [
        "agents/vendor.py:5: agents imports sim (sim.model)",
        "experiments/secret.py:1: experiments imports gui (gui.app)",
        "gui/app.py:2: gui imports experiments.secret, not in experiments.PUBLIC",
    ]
    assert [e.type_only for e in found if e.source == "agents.vendor"] == [True, False]
    assert graph.room_cycles(graph.room_arrows(found)) == [
        ("agents", "sim"),
        ("experiments", "gui"),
    ]  # and cli, above both, is in no circle
