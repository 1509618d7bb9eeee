"""Bad input gets one clear line naming what is wrong and what is allowed."""

from __future__ import annotations

import subprocess
import sys

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
