"""Remake every seeded page, in order, resumably: the engine of ``salesweb regenerate``.

Each step of :data:`experiments.regen_manifest.MANIFEST` runs as a niced subprocess from
the repository root, its output in a log under ``runs/regenerate/logs/``, one line on
the console when it starts and one when it ends. A step succeeds when it exits 0 (or 1,
for a step whose exit 1 is a finding) *and* rewrote every file it lists; then the state
file and ``docs/validation/provenance.json`` say so, each written whole.

A step already done at the current engine fingerprint is skipped, so a run that was
interrupted resumes where it stopped; so is, in a folder with no attempt of it on record
(a fresh checkout), a step whose committed pages ``provenance.json`` says were made at
that fingerprint. ``--again`` remakes either. A failed step is reported with its log's path and
the run goes on; a step that reads a failed one (``after``) is not run. Folders a step
would otherwise reuse (``scratch``) are moved aside under ``runs/regenerate/set-aside/``,
never deleted.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from experiments.regen_manifest import MANIFEST, Step
from experiments.regen_state import (
    PROVENANCE,
    ROOT,
    State,
    commit,
    now,
    pages_made_at,
    read_json,
    record_provenance,
)

OUT = Path("runs/regenerate")
NICE = 10


class PlanError(ValueError):
    """An unknown step name in ``--only`` or ``--from``."""


@dataclass
class Outcome:
    """What one run did: the names of the steps by what became of them."""

    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def select(
    only: Sequence[str] = (), start: str | None = None, manifest: Sequence[Step] = MANIFEST
) -> list[Step]:
    """The steps to run, in manifest order: ``only`` these, or from ``start`` on."""
    names = [s.name for s in manifest]
    for name in [*only, *([start] if start else [])]:
        if name not in names:
            raise PlanError(f"{name!r} is not a step; expected one of {', '.join(names)}")
    chosen = list(manifest)
    if start:
        chosen = chosen[names.index(start) :]
    if only:
        chosen = [s for s in chosen if s.name in only]
    return chosen


def argv(command: str) -> list[str]:
    """``salesweb ...`` and ``python ...`` as this interpreter runs them."""
    words = shlex.split(command)
    if words[0] == "salesweb":
        return [sys.executable, "-m", "experiments.cli", *words[1:]]
    if words[0] == "python":
        return [sys.executable, *words[1:]]
    return words


def set_aside(step: Step, root: Path, out: Path) -> None:
    """Move the step's scratch folders out of its way (kept, never deleted)."""
    for folder in step.scratch:
        src = root / folder
        if src.exists():
            dst = out / "set-aside" / f"{step.name}-{now().replace(':', '')}" / src.name
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)


def signatures(step: Step, root: Path) -> dict[str, tuple[int, int, int] | None]:
    """Each file of ``step.writes`` as (inode, mtime in ns, size), or None if absent.

    Compared before and after a step instead of an mtime against the step's start: the
    file system stamps files with a coarse clock (a few milliseconds), so a page written
    in the tick the step started looked rewritten (CI saw it in
    tests/test_regenerate.py). A page written whole is a new file (a new inode), one
    written in place a later mtime or another size.
    """
    found: dict[str, tuple[int, int, int] | None] = {}
    for name in step.writes:
        path = root / name
        st = path.stat() if path.is_file() else None
        found[name] = None if st is None else (st.st_ino, st.st_mtime_ns, st.st_size)
    return found


def unwritten(step: Step, root: Path, before: dict[str, tuple[int, int, int] | None]) -> list[str]:
    """The files of ``step.writes`` absent now or unchanged since ``before`` (:func:`signatures`)."""
    now = signatures(step, root)
    return [name for name in step.writes if now[name] is None or now[name] == before[name]]


def run_one(step: Step, root: Path, log: Path) -> int:
    """Run the step's command niced, its output to ``log``; its exit status. Ctrl-C
    stops the command's whole process group (its workers too) before it goes on up."""
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "100", "PYTHONUNBUFFERED": "1"}
    with open(log, "w", encoding="utf-8") as sink:
        sink.write(f"$ {step.command}\n")
        sink.flush()
        child = subprocess.Popen(
            ["nice", "-n", str(NICE), *argv(step.command)], cwd=root, env=env,
            stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            return child.wait()
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
            child.wait()
            raise


def regenerate(
    steps: Sequence[Step],
    fingerprint: str,
    *,
    root: Path = ROOT,
    out: Path = OUT,
    provenance: Path | None = None,
    again: bool = False,
    dry_run: bool = False,
    echo: Callable[[str], None] = print,
) -> Outcome:
    """Run ``steps`` in order at engine ``fingerprint``; see the module's docstring."""
    out = root / out
    provenance = root / PROVENANCE.relative_to(ROOT) if provenance is None else provenance
    (out / "logs").mkdir(parents=True, exist_ok=True)
    state, done, head_commit = State(out / "state.json"), Outcome(), commit(root)
    committed = read_json(provenance)
    for i, step in enumerate(steps, 1):
        head = f"[{i}/{len(steps)}] {step.name}"
        needs = [n for n in step.after if n in done.failed + done.blocked]
        if needs:
            done.blocked.append(step.name)
            echo(f"{head}: not run, it reads {', '.join(needs)}, which did not succeed")
        elif state.done(step.name, fingerprint) and not again:
            done.skipped.append(step.name)
            echo(f"{head}: done at engine {fingerprint}, skipped")
        elif (
            not again
            and not state.tried(step.name)
            and (pages := pages_made_at(committed, step.name, fingerprint))
        ):
            # a fresh checkout: no attempt here, but the committed pages were made on this
            # engine (provenance.json), so there is nothing to remake
            done.skipped.append(step.name)
            echo(f"{head}: its pages were made at engine {fingerprint} ({pages}), skipped")
        elif dry_run:
            done.ran.append(step.name)
            echo(f"{head}: would run `{step.command}` (about {step.seconds / 60:.0f} min)")
        else:
            _attempt(step, head, fingerprint, root, out, provenance, state, head_commit, done, echo)
    return done


def _attempt(
    step, head, fingerprint, root, out, provenance, state, head_commit, done, echo
) -> None:
    log = out / "logs" / f"{step.name}-{now().replace(':', '')}.log"
    echo(f"{head}: `{step.command}` (about {step.seconds / 60:.0f} min), log {log}")
    set_aside(step, root, out)
    before, started = signatures(step, root), time.perf_counter()
    code = run_one(step, root, log)
    seconds = time.perf_counter() - started
    missing = unwritten(step, root, before)
    ok = (code == 0 or (code == 1 and step.findings_exit)) and not missing
    state.record(step.name, ok=ok, exit=code, fingerprint=fingerprint, seconds=round(seconds, 1),
                 log=str(log))  # fmt: skip
    if ok:
        record_provenance(provenance, step.name, fingerprint, head_commit)
        done.ran.append(step.name)
        finding = " (exit 1: a finding, the page says which)" if code == 1 else ""
        then = f"; then {step.then}" if step.then else ""
        echo(f"{head}: done in {seconds:.0f} s{finding}{then}")
        return
    done.failed.append(step.name)
    why = f"exit {code}"
    if missing and (code == 0 or (code == 1 and step.findings_exit)):
        why += f", did not rewrite {', '.join(missing)}"
    echo(f"{head}: FAILED ({why}) after {seconds:.0f} s; log {log}")


def remake_command(names: Sequence[str], manifest: Sequence[Step] = MANIFEST) -> str:
    """The one command that remakes the steps ``names`` (every step: no ``--only``)."""
    if set(names) >= {s.name for s in manifest}:
        return "salesweb regenerate"
    return "salesweb regenerate " + " ".join(f"--only {n}" for n in names)


def stale_message(
    stale: Sequence[str],
    fingerprint: str,
    also: Sequence[str] = (),
    manifest: Sequence[Step] = MANIFEST,
) -> str:
    """Which pages were made on another engine than ``fingerprint``, and the one command
    that remakes them (with the steps ``also``: those of unknown engine)."""
    steps = [s for s in manifest if s.name in stale]
    more = [s for s in manifest if s.name in stale or s.name in also]
    pages = "; ".join(
        f"{s.name} ({s.writes[0]}" + (f" and {len(s.writes) - 1} more)" if s.writes[1:] else ")")
        for s in steps
    )
    return (
        f"{len(steps)} seeded step(s) were made on another engine than today's ({fingerprint}), "
        f"so their pages are stale: {pages}. Remake them with "
        f"`{remake_command([s.name for s in more], manifest)}` (about "
        f"{sum(s.seconds for s in more) / 3600:.1f} h; docs/architecture.md)."
    )
