"""experiments/paired_cpu.py and draw_costs.py: the measurements docs/performance.md quotes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from experiments import draw_costs, paired_cpu

ROOT = Path(__file__).resolve().parents[1]


def test_pairs_print_each_ratio_and_the_median(capsys):
    argv = ["--before", str(ROOT), "--after", str(ROOT), "--enterprises", "3", "--weeks", "2"]
    assert paired_cpu.main([*argv, "--pairs", "1", "--core", "-1"]) == 0
    out = capsys.readouterr().out
    assert out.count("ratio ") == 1 and "median" in out and "1 pairs, record=full" in out


def test_lean_runs_are_timed_lean(capsys):
    """``--record none`` times what a study runs: the child builds ``record="none"``."""
    argv = ["--before", str(ROOT), "--after", str(ROOT), "--enterprises", "3", "--weeks", "2"]
    assert paired_cpu.main([*argv, "--pairs", "1", "--core", "-1", "--record", "none"]) == 0
    assert "1 pairs, record=none" in capsys.readouterr().out


def test_the_tree_that_runs_first_alternates(monkeypatch, tmp_path):
    """A load that rises over a pair must not always fall on the same tree."""
    (tmp_path / "sim").mkdir()
    (tmp_path / "sim" / "model.py").write_text("")
    ran = []

    def fake_run(tree, *args, **kwargs):
        ran.append("before" if tree == ROOT else "after")
        return {"employees": 1, "cpu": 1.0, "record": "full"}

    monkeypatch.setattr(paired_cpu, "run_child", fake_run)
    argv = ["--before", str(ROOT), "--after", str(tmp_path), "--pairs", "3", "--core", "-1"]
    assert paired_cpu.main(argv) == 0
    assert ran == ["before", "after", "after", "before", "before", "after"]


def test_calls_counts_python_calls_a_week(capsys):
    argv = ["--before", str(ROOT), "--after", str(ROOT), "--enterprises", "3", "--weeks", "2"]
    assert paired_cpu.main([*argv, "--pairs", "1", "--core", "-1", "--calls"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "calls a week" in x)
    before = float(re.search(r"before ([\d,]+)", line).group(1).replace(",", ""))
    assert before > 100  # a week of the model is hundreds of Python calls at least


def test_a_tree_without_the_model_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        paired_cpu.main(["--before", str(tmp_path), "--after", str(ROOT)])
    assert exit_.value.code == 2
    assert "holds no sim/model.py" in capsys.readouterr().err


def test_draw_costs_counts_the_uniforms_a_run_draws(capsys):
    assert draw_costs.main(["--enterprises", "3", "--weeks", "3"]) == 0
    out = capsys.readouterr().out
    assert "uniforms a week for generational change" in out and "CPU ms per run" in out
    n, users, candidates, leavers = draw_costs.draw_counts(3, 3)
    assert 0 < users < n and 0 < candidates < n and 0 < leavers < n
