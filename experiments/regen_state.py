"""What ``salesweb regenerate`` remembers: its state file and the pages' provenance.

The **state** (``runs/regenerate/state.json``) records each step's last attempt: exit
status, whether it counted as done, the engine fingerprint it ran at, its wall time and
log. A step is done when its last attempt succeeded at the current fingerprint, so an
interrupted run resumes where it stopped and a changed engine redoes everything.

The **provenance** (``docs/validation/provenance.json``, committed) records per step the
engine fingerprint (:func:`experiments.fingerprint.engine_fingerprint`) and commit its
pages were made at; ``tests/test_provenance.py`` names the pages whose fingerprint is
not today's. A fingerprint of ``"unknown"`` is a documented exception: the entry says
why (``unknown_because``) and the test lists it instead of passing it silently.

Both files are written whole or not at all (:func:`experiments.io.write_text`).
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from experiments.io import write_text

ROOT = Path(__file__).resolve().parents[1]
PROVENANCE = ROOT / "docs" / "validation" / "provenance.json"
UNKNOWN = "unknown"
ENGINE_PATHS = ("sim", "agents")
"""Where the engine lives: a commit with changes there is recorded as ``+changes``."""


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_json(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``, or ``{}`` if there is no file yet."""
    path = Path(path)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to ``path`` whole or not at all (a crash leaves the old file)."""
    write_text(path, json.dumps(data, indent=1, sort_keys=True) + "\n")


class State:
    """The state file of one output folder: ``{"steps": {name: last attempt}}``."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.data = read_json(self.path)
        self.data.setdefault("steps", {})

    def done(self, name: str, fingerprint: str) -> bool:
        last = self.data["steps"].get(name)
        return bool(last and last["ok"] and last["fingerprint"] == fingerprint)

    def tried(self, name: str) -> bool:
        """Whether this folder has any attempt of step ``name`` on record."""
        return name in self.data["steps"]

    def last_seconds(self, name: str) -> float | None:
        last = self.data["steps"].get(name)
        return last["seconds"] if last and last["ok"] else None

    def record(self, name: str, **attempt: Any) -> None:
        self.data["steps"][name] = {**attempt, "finished": now()}
        write_json(self.path, self.data)


def commit(root: Path = ROOT) -> str:
    """The short commit of ``root``, with ``+changes`` if the engine has uncommitted ones."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or UNKNOWN
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", *ENGINE_PATHS)
    return head + ("+changes" if dirty else "")


def record_provenance(path: Path, name: str, fingerprint: str, made_at: str) -> None:
    """Say in ``path`` that step ``name``'s pages were made now at ``fingerprint``."""
    data = read_json(path)
    steps = data.setdefault("steps", {})
    steps[name] = {"fingerprint": fingerprint, "commit": made_at, "made": now()}
    write_json(path, data)


def pages_made_at(provenance: dict[str, Any], name: str, fingerprint: str) -> str | None:
    """The commit step ``name``'s committed pages were made at, if that was at engine
    ``fingerprint``; else None."""
    entry = provenance.get("steps", {}).get(name)
    if entry is None or entry.get("fingerprint") != fingerprint:
        return None
    return str(entry.get("commit", UNKNOWN))


def stale_steps(provenance: dict[str, Any], names: list[str], fingerprint: str) -> dict:
    """``{"stale": [...], "unknown": {name: why}, "missing": [...], "unexplained": [...]}``
    for the steps ``names`` against today's ``fingerprint``."""
    recorded = provenance.get("steps", {})
    found: dict[str, Any] = {"stale": [], "unknown": {}, "missing": [], "unexplained": []}
    for name in names:
        entry = recorded.get(name)
        if entry is None:
            found["missing"].append(name)
        elif entry["fingerprint"] == UNKNOWN:
            why = entry.get("unknown_because", "").strip()
            if why:
                found["unknown"][name] = why
            else:
                found["unexplained"].append(name)
        elif entry["fingerprint"] != fingerprint:
            found["stale"].append(name)
    return found
