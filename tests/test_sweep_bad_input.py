"""Bad specs and files: one ``error:`` line, exit 2, checked before anything is allocated.

Grid sizes are counted arithmetically (a ``num`` of a billion or a ``step`` of 1e-12
used to allocate gigabytes before the run cap was checked), nesting is bounded, special
files are named as such, every design point's memory is estimated at plan time, and a
run that runs out of memory is recorded as a failed run with its reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc

import pytest
from sweep_support import subprocess_env
from typer.testing import CliRunner

from experiments.cli import app
from experiments.sweep.spec import SpecError, load_spec


def _cli(*args):
    result = CliRunner().invoke(app, ["sweep", *map(str, args)])
    lines = result.output.strip().splitlines()
    return result.exit_code, lines


def _spec(tmp_path, text, name="spec.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        ("{ low = 0.0, high = 1.0, num = 1000000000 }", "num = 1,000,000,000 levels"),
        ("{ low = 0.0, high = 1.0, step = 1e-12 }", "gives 1,000,000,000,001 levels"),
        ("{ low = 0.0, high = 1.0, step = 5e-324 }", "levels; at most 1,000,000 runs"),
    ],
)
def test_huge_grids_are_refused_before_any_array_exists(tmp_path, vary, message):
    path = _spec(tmp_path, f"[vary]\nvirality = {vary}\n")
    tracemalloc.start()
    with pytest.raises(SpecError, match=message):
        load_spec(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20e6, f"{peak / 1e6:.0f} MB allocated to refuse it"


def test_a_grid_whose_product_overflows_int64_is_counted_exactly(tmp_path):
    # 7 parameters x 600 levels = 2.8e19 points: numpy's int64 product wraps around
    names = ["virality", "quality", "user_is_buyer", "touch_fatigue", "rep_attrition",
             "marketing_reach", "team_invites"]  # fmt: skip
    lines = "".join(f"{n} = {{ low = 0.0, high = 1.0, num = 600 }}\n" for n in names)
    with pytest.raises(SpecError, match="plans 27,993,600,000,000,000,000 runs"):
        load_spec(_spec(tmp_path, "[vary]\n" + lines))


def test_deep_nesting_in_a_spec_or_its_scenario_is_one_line(tmp_path):
    deep = "[" * 5000 + "]" * 5000
    code, lines = _cli(_spec(tmp_path, f"[base]\nvirality = {deep}\n"), "--out", tmp_path / "o")
    assert code == 2 and lines == [lines[0]] and "nested too deeply" in lines[0]
    _spec(tmp_path, f"[params]\nvirality = {deep}\n", "deep_scenario.toml")
    spec = _spec(tmp_path, '[sweep]\nscenario = "deep_scenario.toml"\n', "uses.toml")
    code, lines = _cli(spec, "--out", tmp_path / "o")
    assert code == 2 and len(lines) == 1
    assert "deep_scenario.toml: arrays or tables nested too deeply" in lines[0]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_special_files_are_named_as_such(tmp_path):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    big = tmp_path / "big.toml"
    with open(big, "wb") as f:
        f.truncate(2_000_000)  # sparse: no disk used
    cases = {
        "/dev/zero": "is a character device, not a file",
        str(fifo): "is a FIFO (named pipe), not a file",
        str(tmp_path): "is a directory; give a file",
        str(tmp_path / "missing.toml"): "does not exist",
        str(big): "is 2,000,000 bytes; at most 1,000,000 are read",
    }
    for path, words in cases.items():
        code, lines = _cli(path, "--out", tmp_path / "o")
        assert code == 2 and len(lines) == 1, (path, lines)
        assert lines[0].startswith("error: ") and words in lines[0], (path, lines)
    # --out, too
    code, lines = _cli(
        _spec(tmp_path, "[vary]\nvirality = [0.0, 0.1]\n", "ok.toml"), "--out", "/dev/zero"
    )
    assert code == 2 and lines == ["error: --out '/dev/zero' is a character device; give a folder"]
    # a scenario the spec points at, too
    os.symlink("/dev/zero", tmp_path / "zero.toml")
    spec = _spec(tmp_path, '[sweep]\nscenario = "zero.toml"\n', "uses.toml")
    code, lines = _cli(spec, "--out", tmp_path / "o")
    assert code == 2 and "scenario file" in lines[0] and "character device" in lines[0]


BIG = """[sweep]
steps = 2
[base]
enterprise_size_min = 1000
enterprise_size_max = 100000
[vary]
n_enterprises = [10, 2000, 5000]
"""


def test_points_over_the_memory_budget_are_shown_by_dry_run_and_refused(tmp_path):
    spec = _spec(tmp_path, BIG)
    code, lines = _cli(spec, "--out", tmp_path / "o", "--dry-run")
    assert code == 2
    assert lines[1].startswith("over the memory limit: point 1 needs about")
    assert lines[2].startswith("over the memory limit: point 2 needs about")
    assert lines[-1].startswith("error: 2 design points over the memory limit of 4 GB per run")
    code, lines = _cli(spec, "--out", tmp_path / "o")
    assert code == 2 and len(lines) == 1 and "(n_enterprises=2000)" in lines[0]
    assert not (tmp_path / "o").exists()
    code, lines = _cli(spec, "--out", tmp_path / "o", "--dry-run", "--memory-limit", "100")
    assert code == 0 and len(lines) == 1 and "3 to run" in lines[0]
    code, lines = _cli(spec, "--out", tmp_path / "o", "--memory-limit", "-1")
    assert code == 2 and lines == ["error: --memory-limit -1.0: expected a number of GB above 0"]


OOM = """
import json, resource, sys
from experiments.sweep.local import SerialEngine
from experiments.sweep.runner import run_sweep
from experiments.sweep.spec import parse_spec
import sim.model  # imported before the address space is capped
spec = parse_spec({"sweep": {"steps": 1}, "vary": {"n_enterprises": [3000]},
                   "base": {"enterprise_size_min": 2000, "enterprise_size_max": 2000}})
soft, hard = resource.getrlimit(resource.RLIMIT_AS)
used = int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (used + 400_000_000, hard))
outcome = run_sweep(spec, sys.argv[1], SerialEngine(), memory_limit_gb=50)
print(json.dumps({"failed": outcome.failed}))
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_a_run_out_of_memory_is_a_failed_run_with_its_reason(tmp_path):
    # --memory-limit 50 lets a 6-million-employee market past the budget; the OS
    # (here an address-space limit) then refuses the memory mid-build
    out = subprocess.run(
        [sys.executable, "-c", OOM, str(tmp_path / "o")],
        capture_output=True, text=True, env=subprocess_env(), timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"failed": 1}
    (record,) = (tmp_path / "o" / "failed").glob("*.json")
    error = json.loads(record.read_text())["error"]
    assert error.startswith("out of memory: ") and "\n" not in error


OOM_CLI = """
import resource, sys
import sim.model, experiments.cli  # imported before the address space is capped
if __name__ == "__main__":
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    used = int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (used + 400_000_000, hard))
    sys.argv = ["salesweb", *sys.argv[1:]]
    experiments.cli.app()
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_out_of_memory_in_a_worker_process_of_the_cli_is_a_failed_run(tmp_path):
    # the CLI's default engine: a worker process (it inherits the capped address space)
    # meets the OS limit; the sweep records the run as failed and ends without a traceback
    script = _spec(tmp_path, OOM_CLI, "oom_cli.py")
    spec = _spec(tmp_path, "[sweep]\nsteps = 1\n[base]\nenterprise_size_min = 2000\n"
                 "enterprise_size_max = 2000\n[vary]\nn_enterprises = [3000]\n")  # fmt: skip
    out = subprocess.run(
        [sys.executable, str(script), "sweep", str(spec), "--out", str(tmp_path / "o"),
         "--memory-limit", "50", "--workers", "1"],
        capture_output=True, text=True, env=subprocess_env(), timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert out.returncode == 1, out.stderr[-2000:]
    assert "0 computed, 0 reused, 1 failed" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr
    (record,) = (tmp_path / "o" / "failed").glob("*.json")
    assert json.loads(record.read_text())["error"].startswith("out of memory: ")


def test_the_docs_dry_runs_print_what_the_docs_show(tmp_path, monkeypatch):
    """Every ``$ salesweb sweep ... --dry-run`` or refused sweep in docs/sweeps.md, run on
    the spec the doc names (a file of the repository, or a ```toml block of the doc
    headed by its name)."""
    import re
    import shlex
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "sweeps.md").read_text()
    blocks = {m.group(1): m.group(0) for m in re.finditer(r"# (\S+\.toml).*?(?=```)", doc, re.S)}
    shown = re.findall(r"^\$ salesweb (sweep .*)\n((?:[^$`\n].*\n)+)", doc, re.M)
    shown = [(c, o) for c, o in shown if c.endswith("--dry-run") or o.startswith("error:")]
    assert len(shown) >= 3
    for command, output in shown:
        args = shlex.split(command)[1:]
        spec = args[0]
        if (root / spec).is_file():
            args[0] = str(root / spec)
        else:  # named as the doc names it, in the folder the command runs in
            _spec(tmp_path, blocks[spec], spec)
        monkeypatch.chdir(tmp_path)
        code, lines = _cli(*args)
        assert lines == output.strip().splitlines(), command
        assert code == (2 if output.strip().splitlines()[-1].startswith("error:") else 0)
