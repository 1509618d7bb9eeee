"""Bad input gets one clear line naming what is wrong and what is allowed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.model import MarketModel
from sim.params import ParameterError
from sim.scenarios import ScenarioError, load_scenario


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"rep_attrition": 1.5},
            "'rep_attrition': 1.5 is not allowed; expected a number in [0, 1]",
        ),
        ({"n_enterprises": 2.5}, "expected an integer"),
        ({"org_network": "ring"}, "one of hierarchy, small_world, complete"),
        ({"rep_atrition": 0.1}, "did you mean 'rep_attrition'"),
        ({"enterprise_size_min": 600, "enterprise_size_max": 500}, "must not exceed"),
        ({"strategy_mix": "1:2"}, "three non-negative shares"),
        ({"collaborative": "maybe"}, "true or false"),
        ({"vendors": [{"strategy": "viral"}]}, "strategy 'viral'"),
    ],
)
def test_api_rejects_bad_parameters(kwargs, message):
    with pytest.raises(ParameterError) as info:
        MarketModel(
            rng=1, n_enterprises=2, **kwargs
        ) if "n_enterprises" not in kwargs else MarketModel(rng=1, **kwargs)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_scenario_suggests():
    with pytest.raises(ScenarioError, match="did you mean 'yammer_viral'"):
        load_scenario("yammer_viarl")


def test_malformed_toml(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[params\nvirality = ")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(bad)
    wrong = tmp_path / "wrong.toml"
    wrong.write_text("[params]\nviralty = 0.1\n")
    with pytest.raises(ParameterError, match="wrong.toml.*did you mean 'virality'"):
        load_scenario(wrong)


def cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "experiments.cli", *args], capture_output=True, text=True, cwd=cwd
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "rep_attrition=2"], "expected a number in [0, 1]"),
        (["--set", "virality"], "expected key=value"),
        (["--set", "viralty=0.1"], "did you mean 'virality'"),
        (["--scenario", "nope"], "unknown scenario 'nope'"),
        (["--out", "run.xlsx"], "use .parquet or .csv"),
        (
            ["--set", "enterprise_size_min=900", "--set", "enterprise_size_max=100"],
            "must not exceed",
        ),
    ],
)
def test_cli_exits_2_with_one_line(args, message, tmp_path):
    result = cli("simulate", "--steps", "2", *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_writes_atomically_and_keeps_old_file_on_failure(tmp_path):
    out = tmp_path / "run.csv"
    ok = cli(
        "simulate",
        "--steps",
        "3",
        "--seed",
        "1",
        "--set",
        "n_enterprises=5",
        "--out",
        str(out),
        "--quiet",
    )
    assert ok.returncode == 0, ok.stderr
    df = pd.read_csv(out, index_col=0)
    assert len(df) == 4 and "arr_total" in df.columns
    assert (tmp_path / "run_vendors.csv").exists()
    before = out.read_bytes()
    bad = cli("simulate", "--steps", "3", "--set", "quality=7", "--out", str(out))
    assert bad.returncode == 2
    assert out.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_cli_parquet_and_lists(tmp_path):
    out = tmp_path / "run.parquet"
    ok = cli("simulate", "--steps", "2", "--set", "n_enterprises=4", "--out", str(out), "--quiet")
    assert ok.returncode == 0, ok.stderr
    assert len(pd.read_parquet(out)) == 3
    assert "ARR (USD)" in ok.stdout
    assert "yammer_viral" in cli("scenarios").stdout
    assert "rep_attrition" in cli("params").stdout


def test_every_preset_loads_and_runs():
    from sim.scenarios import list_scenarios

    for scenario in list_scenarios():
        assert scenario.title and scenario.narrative
        model = MarketModel.from_scenario(scenario.name, rng=1, n_enterprises=3)
        model.step()


def test_parameter_docs_are_generated_from_the_registry():
    from pathlib import Path

    from sim.params import markdown_table

    docs = Path(__file__).resolve().parent.parent / "docs" / "parameters.md"
    assert docs.read_text() == markdown_table(), (
        "run: salesweb params --markdown > docs/parameters.md"
    )


# ---------------------------------------------------------------- issue 8: hostile input
def run_cli(capsys, *args) -> tuple[int, str, str]:
    """Run the CLI in this process: (exit status, stdout, stderr)."""
    from experiments.cli import app

    with pytest.raises(SystemExit) as info:
        app(list(args))
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def assert_one_error_line(code: int, err: str, *fragments: str) -> None:
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def scenario_file(tmp_path, name: str, content: bytes | str):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(path)


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (b"\x00\x01\xff\xfe", ["is not UTF-8 text"]),
        (b"[params]\nvirality = 0.1\n# caf\xe9\n", ["is not UTF-8 text"]),
        ('[[vendors]]\nstrategy = ["direct"]\n', ["strategy ['direct'] is not allowed", "one of"]),
        ("vendors = [1, 2]\n", ["[[vendors]] an array of tables"]),
        ("", ["empty; expected a [scenario] table"]),
        ('[scenario]\ntitel = "x"\n', ["unknown key(s) ['titel'] in [scenario]", "title"]),
        ("[scenario]\n[foo]\n", ["allowed: [scenario], [params], [[vendors]]"]),
        ("[[vendors]]\nquality = 7\n[params]\nn_vendors = 2\n", ["'quality': 7", "[0, 1]"]),
    ],
    ids=[
        "binary",
        "latin-1",
        "strategy list",
        "vendors ints",
        "empty",
        "scenario key",
        "section",
        "trait",
    ],
)
def test_cli_bad_scenario_file_is_one_line(capsys, tmp_path, content, fragments):
    path = scenario_file(tmp_path, "bad.toml", content)
    code, _, err = run_cli(capsys, "simulate", "--scenario", path, "--steps", "1", "--quiet")
    assert_one_error_line(code, err, *fragments)


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["simulate", "--seed", "-1"], ["--seed -1", "non-negative integer"]),
        (["simulate", "--steps", "-5"], ["--steps -5", "[1, 5200]"]),
        (["simulate", "--steps", "100000"], ["--steps 100000", "[1, 5200]"]),
        (["simulate", "--steps", "abc"], ["'--steps'", "integer"]),
        (["simulate", "--bogus"], ["No such option: --bogus"]),
        (["simulate", "--set", "strategy_mix=a:b:c"], ["'a:b:c'", "bottoms_up:direct:hybrid"]),
        (["simulate", "--memory-limit", "0"], ["'memory_limit_gb': 0.0", "above 0"]),
        (
            ["simulate", "--set", "n_enterprises=5000"]
            + ["--set", "enterprise_size_min=100000", "--set", "enterprise_size_max=100000"],
            ["market too big: estimated", "memory limit of 4 GB", "--memory-limit"],
        ),
        (["validate", "--out", "v", "--seeds", "1000000000000"], ["[5, 100]"]),
        (["validate", "--out", "/proc/report"], ["cannot write in folder '/proc'"]),
    ],
    ids=[
        "seed",
        "steps negative",
        "steps huge",
        "steps text",
        "unknown option",
        "emoji-like mix",
        "memory limit",
        "too big",
        "validate seeds",
        "validate out",
    ],
)
def test_cli_bad_option_is_one_line(capsys, tmp_path, monkeypatch, args, fragments):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, *args)
    assert_one_error_line(code, err, *fragments)


def test_cli_scenario_directory_is_named_as_such(capsys, tmp_path):
    code, _, err = run_cli(capsys, "simulate", "--scenario", str(tmp_path), "--steps", "1")
    assert_one_error_line(code, err, "is a directory")


@pytest.mark.parametrize("where", ["out is a folder", "vendors is a folder", "proc"])
def test_cli_unwritable_output_is_refused_before_the_run(capsys, tmp_path, where):
    out = tmp_path / "run.csv"
    if where == "out is a folder":
        out.mkdir()
    elif where == "vendors is a folder":
        out.write_text("old")
        (tmp_path / "run_vendors.csv").mkdir()
    else:
        out = Path("/proc/run.csv")
    code, stdout, err = run_cli(
        capsys, "simulate", "--steps", "2", "--set", "n_enterprises=3", "--out", str(out)
    )
    assert_one_error_line(code, err, "--out")
    assert "ARR" not in stdout  # refused before the run, not after it
    if where == "vendors is a folder":
        assert out.read_text() == "old"


def test_output_files_get_the_umask_mode(capsys, tmp_path):
    import os

    old = os.umask(0o027)
    try:
        code, _, err = run_cli(
            capsys, "simulate", "--steps", "2", "--set", "n_enterprises=3", "--quiet",
            "--out", str(tmp_path / "run.parquet"),
        )  # fmt: skip
    finally:
        os.umask(old)
    assert code == 0, err
    for name in ("run.parquet", "run_vendors.parquet"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o640, name


def test_the_two_tables_are_replaced_together_or_not_at_all(tmp_path, monkeypatch):
    """If the vendor table cannot be put in place, the old weekly table comes back."""
    import os

    from experiments import io

    weeks, vendors = tmp_path / "run.csv", tmp_path / "run_vendors.csv"
    io.write_tables({weeks: pd.DataFrame({"week": [1]}), vendors: pd.DataFrame({"v": [1]})})
    before = weeks.read_bytes(), vendors.read_bytes()
    real_replace = os.replace

    def failing(src, dst):
        if Path(dst) == vendors:
            raise PermissionError(13, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(io.os, "replace", failing)
    with pytest.raises(PermissionError):
        io.write_tables({weeks: pd.DataFrame({"week": [2]}), vendors: pd.DataFrame({"v": [2]})})
    assert (weeks.read_bytes(), vendors.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.csv", "run_vendors.csv"]


def test_rich_markup_in_a_message_is_printed_as_typed(capsys):
    from experiments.cli import fail

    fail("allowed: [scenario], [params], [[vendors]]; a:b:c [bold]x[/]")
    err = capsys.readouterr().err
    assert err.strip() == "error: allowed: [scenario], [params], [[vendors]]; a:b:c [bold]x[/]"


def test_a_run_stopped_by_its_memory_limit_keeps_its_weeks(tmp_path, monkeypatch, capsys):
    """The budget stops the run; the CLI still writes the weeks it ran and says why."""
    from sim import budget

    def tiny_after_week_2(model):
        if model.steps == 2:
            model.memory_budget = budget.Budget(1e-4, model.memory_budget.estimate)
        real_check(model)

    real_check = budget.check_step
    monkeypatch.setattr(budget, "check_step", tiny_after_week_2)
    out = tmp_path / "run.csv"
    code, _, err = run_cli(
        capsys,
        "simulate",
        "--steps",
        "10",
        "--set",
        "n_enterprises=3",
        "--quiet",
        "--out",
        str(out),
    )
    assert_one_error_line(code, err, "outgrew its memory limit after week 2", "run.csv")
    assert len(pd.read_csv(out, index_col=0)) == 3  # weeks 0, 1, 2


@pytest.mark.parametrize(
    ("kwargs", "fragments"),
    [
        ({"rng": -1}, ["'rng': -1", "non-negative integer"]),
        ({"rng": "x"}, ["'rng': 'x'"]),
        ({"rng": 1.5}, ["'rng': 1.5"]),
        ({"vendors": 3}, ["'vendors': 3", "list of dicts"]),
        ({"vendors": [1]}, ["'vendors': [1]", "list of dicts"]),
        ({"vendors": [{"strategy": ["direct"]}]}, ["strategy ['direct']", "one of"]),
        ({"memory_limit_gb": "lots"}, ["'memory_limit_gb': 'lots'"]),
        (
            {"n_vendors": 1, "vendors": [{"strategy": "direct"}], "strategy_mix": "1:0:0"},
            ["'strategy_mix'", "would have no effect", "fix the strategy of all 1"],
        ),
    ],
)
def test_api_bad_values_name_parameter_value_and_allowed(kwargs, fragments):
    with pytest.raises(ParameterError) as info:
        MarketModel(n_enterprises=2, **kwargs)
    assert isinstance(info.value, ValueError) and "\n" not in str(info.value)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_api_scenario_that_is_not_a_name_or_path():
    with pytest.raises(ScenarioError, match="None is not allowed; expected a preset name"):
        MarketModel.from_scenario(None)


def test_huge_but_finite_strategy_shares_are_normalised():
    model = MarketModel(rng=1, n_enterprises=2, strategy_mix=(1e308, 1e308, 1))
    strategies = [v.strategy for v in model.vendor_list]
    assert strategies.count("bottoms_up") == strategies.count("direct") == 6


def test_strategy_mix_acts_where_the_scenario_names_each_vendor():
    """yammer_viral's [[vendors]] name both strategies; an overriding mix reassigns them."""
    for mix, strategies in (("1:0:0", ["bottoms_up"] * 2), ("0:1:0", ["direct"] * 2)):
        model = MarketModel.from_scenario("yammer_viral", rng=1, strategy_mix=mix)
        assert [v.strategy for v in model.vendor_list] == strategies
    plain = MarketModel.from_scenario("yammer_viral", rng=1)
    assert [v.strategy for v in plain.vendor_list] == ["bottoms_up", "direct"]


# ------------------------------------------------- reports and charts: whole or nothing


def test_a_report_write_that_fails_leaves_the_old_file_and_no_debris(tmp_path):
    from experiments import io

    target = tmp_path / "report.md"
    target.write_text("old")

    def half_then_fail(tmp):
        tmp.write_text("half a rep")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        io.write_atomic(target, half_then_fail)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_reports_and_charts_get_the_umask_mode(tmp_path):
    import os

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from experiments import io

    old = os.umask(0o027)
    try:
        io.write_text(tmp_path / "report.md", "text")
        fig = plt.figure()
        io.save_figure(fig, tmp_path / "chart.png")
        plt.close(fig)
    finally:
        os.umask(old)
    assert (tmp_path / "report.md").read_text() == "text"
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for name in ("report.md", "chart.png"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o640, name


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--max-sessions", "0"], "--max-sessions '0': expected an integer >= 1"),
        (["--session-cull", "banana"], "--session-cull 'banana': expected a duration"),
    ],
)
def test_cli_serve_session_limits_are_one_line_naming_the_option(args, fragment):
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", "from experiments.cli import app; app()", "serve", *args,
         "--facilitator-password", "chalk"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2
    assert fragment in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
