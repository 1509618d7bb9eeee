"""``salesweb regenerate`` on a fake manifest of cheap commands (no real study runs).

Resume after an interruption, ``--only`` and ``--from``, a failed step (reported with its
log, the run goes on, a step that reads it is not run, nothing written is lost), a step
that exits 0 without rewriting its page, and the state file written whole or not at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from experiments import regen_state, regenerate
from experiments.regen_manifest import Step
from experiments.regenerate import PlanError, select

FP = "fingerprint1"


def writer(name: str, page: str, extra: str = "") -> Step:
    """A step whose command appends a line to ``page`` (and to ``count.txt``)."""
    code = (
        f"import pathlib; p = pathlib.Path({page!r}); "
        f"p.write_text(p.read_text() + 'x' if p.exists() else 'x'); "
        f"c = pathlib.Path('count.txt'); c.write_text((c.read_text() if c.exists() else '') "
        f"+ {name!r} + ' '); {extra}"
    )
    return Step(name, f'python -c "{code}"', (page,), 1.0, "test")


def fake_manifest() -> list[Step]:
    return [
        writer("a", "a.md"),
        writer("b", "b.md"),
        Step("c", writer("c", "c.md").command, ("c.md",), 1.0, "test", after=("b",)),
        writer("d", "d.md"),
    ]


def run(tmp_path: Path, steps, **kw) -> tuple[regenerate.Outcome, list[str]]:
    lines: list[str] = []
    done = regenerate.regenerate(
        steps, kw.pop("fingerprint", FP), root=tmp_path, out=Path("runs/regenerate"),
        provenance=tmp_path / "provenance.json", echo=lines.append, **kw,
    )  # fmt: skip
    return done, lines


def ran(tmp_path: Path) -> list[str]:
    return (tmp_path / "count.txt").read_text().split()


def test_a_run_writes_pages_state_provenance_and_logs(tmp_path):
    done, lines = run(tmp_path, fake_manifest())
    assert done.ran == ["a", "b", "c", "d"] and not done.failed
    assert ran(tmp_path) == ["a", "b", "c", "d"]
    state = json.loads((tmp_path / "runs/regenerate/state.json").read_text())
    assert state["steps"]["a"]["ok"] and state["steps"]["a"]["fingerprint"] == FP
    assert Path(state["steps"]["a"]["log"]).read_text().startswith('$ python -c "import')
    prov = json.loads((tmp_path / "provenance.json").read_text())
    assert sorted(prov["steps"]) == ["a", "b", "c", "d"] and prov["steps"]["d"]["fingerprint"] == FP
    assert len(lines) == 8 and lines[0].startswith("[1/4] a: `python -c")


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path, monkeypatch):
    steps = fake_manifest()
    real = regenerate.run_one

    def interrupted_at_c(step, root, log):
        if step.name == "c":
            raise KeyboardInterrupt
        return real(step, root, log)

    monkeypatch.setattr(regenerate, "run_one", interrupted_at_c)
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, steps)
    monkeypatch.setattr(regenerate, "run_one", real)
    done, lines = run(tmp_path, steps)
    assert done.skipped == ["a", "b"] and done.ran == ["c", "d"]
    assert ran(tmp_path) == ["a", "b", "c", "d"]  # a and b ran once
    assert "done at engine fingerprint1, skipped" in lines[0]
    done, _ = run(tmp_path, steps, fingerprint="fingerprint2")  # a new engine redoes all
    assert done.ran == ["a", "b", "c", "d"]
    done, _ = run(tmp_path, steps[:1], fingerprint="fingerprint2", again=True)
    assert done.ran == ["a"]


def test_only_and_from_choose_steps_in_manifest_order(tmp_path):
    steps = fake_manifest()
    assert [s.name for s in select(["d", "a"], None, steps)] == ["a", "d"]
    assert [s.name for s in select((), "c", steps)] == ["c", "d"]
    assert [s.name for s in select(["a", "d"], "b", steps)] == ["d"]
    with pytest.raises(PlanError, match="'e' is not a step; expected one of a, b, c, d"):
        select(["e"], None, steps)
    with pytest.raises(PlanError, match="'z' is not a step"):
        select((), "z", steps)
    done, _ = run(tmp_path, select(["b"], None, steps))
    assert ran(tmp_path) == ["b"] and done.ran == ["b"]


def test_dry_run_runs_nothing(tmp_path):
    done, lines = run(tmp_path, fake_manifest(), dry_run=True)
    assert done.ran == ["a", "b", "c", "d"] and not (tmp_path / "count.txt").exists()
    assert lines[0].startswith("[1/4] a: would run `python -c")
    assert not (tmp_path / "provenance.json").exists()


def test_a_failed_step_is_reported_and_the_run_goes_on(tmp_path):
    steps = fake_manifest()
    (tmp_path / "b.md").write_text("old page")
    steps[1] = writer("b", "b.md", "raise SystemExit(3)")
    done, lines = run(tmp_path, steps)
    assert done.failed == ["b"] and done.blocked == ["c"] and done.ran == ["a", "d"]
    failed = next(line for line in lines if "FAILED" in line)
    assert failed.startswith("[2/4] b: FAILED (exit 3) after ")
    log = Path(failed.split("; log ")[1])
    assert log.is_file() and log.parent == tmp_path / "runs/regenerate/logs"
    assert "[3/4] c: not run, it reads b, which did not succeed" in lines
    assert (tmp_path / "a.md").read_text() == "x"  # nothing written is lost
    assert (tmp_path / "b.md").read_text() == "old pagex"  # what b wrote stays for a look
    prov = json.loads((tmp_path / "provenance.json").read_text())
    assert sorted(prov["steps"]) == ["a", "d"]
    state = json.loads((tmp_path / "runs/regenerate/state.json").read_text())
    assert state["steps"]["b"]["ok"] is False and state["steps"]["b"]["exit"] == 3
    done, _ = run(tmp_path, fake_manifest())  # fixed: only b and c run again
    assert done.ran == ["b", "c"] and done.skipped == ["a", "d"]


def test_exit_0_without_rewriting_the_page_fails_and_exit_1_can_be_a_finding(tmp_path):
    lazy = Step("lazy", 'python -c "pass"', ("lazy.md",), 1.0, "test")
    (tmp_path / "lazy.md").write_text("old")
    finding = Step("finding", writer("f", "f.md", "raise SystemExit(1)").command, ("f.md",),
                   1.0, "test", findings_exit=True)  # fmt: skip
    crash = Step("crash", writer("g", "g.md", "raise SystemExit(1)").command, ("g.md",), 1.0, "t")
    done, lines = run(tmp_path, [lazy, finding, crash])
    assert done.failed == ["lazy", "crash"] and done.ran == ["finding"]
    assert "FAILED (exit 0, did not rewrite lazy.md)" in lines[1]
    assert "done in" in lines[3] and "exit 1: a finding" in lines[3]


def test_scratch_folders_are_set_aside_not_deleted(tmp_path):
    (tmp_path / "runs/old").mkdir(parents=True)
    (tmp_path / "runs/old/journal.log").write_text("an older engine's trials")
    step = writer("s", "s.md")
    step = Step("s", step.command, ("s.md",), 1.0, "test", scratch=("runs/old",))
    run(tmp_path, [step])
    assert not (tmp_path / "runs/old").exists()
    kept = list((tmp_path / "runs/regenerate/set-aside").rglob("journal.log"))
    assert [p.read_text() for p in kept] == ["an older engine's trials"]


def test_the_state_file_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    path = tmp_path / "state.json"
    state = regen_state.State(path)
    state.record("a", ok=True, exit=0, fingerprint=FP, seconds=1.0, log="a.log")
    before = path.read_text()
    real = Path.write_text

    def half_then_crash(self, text, *args, **kwargs):
        real(self, text[: len(text) // 2], *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", half_then_crash)
    with pytest.raises(OSError):
        state.record("b", ok=True, exit=0, fingerprint=FP, seconds=1.0, log="b.log")
    monkeypatch.undo()
    assert path.read_text() == before
    assert regen_state.State(path).done("a", FP)
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary left
    regen_state.record_provenance(tmp_path / "p.json", "a", FP, "abc1234")
    monkeypatch.setattr(Path, "write_text", half_then_crash)
    with pytest.raises(OSError):
        regen_state.record_provenance(tmp_path / "p.json", "b", FP, "abc1234")
    monkeypatch.undo()
    assert list(json.loads((tmp_path / "p.json").read_text())["steps"]) == ["a"]


def test_a_fresh_checkout_skips_the_steps_whose_committed_pages_are_current(tmp_path):
    """No state here, but provenance.json says a and b were made on this engine: a clone
    of a regenerated repository has nothing to remake there, and says why."""
    (tmp_path / "provenance.json").write_text(json.dumps({"steps": {
        "a": {"fingerprint": FP, "commit": "abc1234", "made": "t"},
        "b": {"fingerprint": "older", "commit": "0ld0000", "made": "t"},
    }}))  # fmt: skip
    done, lines = run(tmp_path, fake_manifest())
    assert done.skipped == ["a"] and done.ran == ["b", "c", "d"]
    assert lines[0] == f"[1/4] a: its pages were made at engine {FP} (abc1234), skipped"
    done, _ = run(tmp_path / "again", fake_manifest(), again=True)
    assert done.ran == ["a", "b", "c", "d"]


def test_a_failed_attempt_here_outranks_the_committed_pages(tmp_path):
    """A step that failed in this folder may have rewritten some of its pages: it runs
    again, whatever provenance.json says."""
    steps = [Step("a", 'python -c "raise SystemExit(3)"', ("a.md",), 1.0, "test")]
    (tmp_path / "provenance.json").write_text(
        json.dumps({"steps": {"a": {"fingerprint": FP, "commit": "abc1234", "made": "t"}}})
    )
    (tmp_path / "runs/regenerate").mkdir(parents=True)
    regen_state.State(tmp_path / "runs/regenerate/state.json").record(
        "a", ok=False, exit=3, fingerprint=FP, seconds=0.1, log="x"
    )
    done, _ = run(tmp_path, steps)
    assert done.failed == ["a"] and not done.skipped
