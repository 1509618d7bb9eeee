"""salesweb report: charts and report.md; sensitivity indices right on known functions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from experiments.cli import app
from experiments.sweep.charts import winner_table
from experiments.sweep.design import build_design
from experiments.sweep.local import SerialEngine
from experiments.sweep.runner import run_sweep
from experiments.sweep.sensitivity import analyze
from experiments.sweep.spec import parse_spec

PNG = b"\x89PNG\r\n\x1a\n"


def synthetic(kind: str, samples: int, **design):
    spec = parse_spec(
        {
            "sweep": {"replicates": 2, "root_seed": 3},
            "design": {"kind": kind, "samples": samples, **design},
            "vary": {"virality": {"low": 0.0, "high": 0.1}, "quality": {"low": 0.2, "high": 0.9}},
        }
    )
    unit = build_design(spec).unit
    # y = 10 u0 + u1 at every point; the two replicates add noise that cancels in their mean
    rows = [
        {"point": i, "replicate": r, "y": 10 * u[0] + u[1] + (1 if r else -1) * 2 * np.cos(i)}
        for i, u in enumerate(unit)
        for r in range(2)
    ]
    return spec, unit, pd.DataFrame(rows)


def test_morris_elementary_effects_of_a_linear_function_are_its_slopes():
    spec, unit, summary = synthetic("morris", 10)
    table = analyze(spec, unit, summary, "y").table
    assert table.loc["virality", "mu_star"] == pytest.approx(10)
    assert table.loc["quality", "mu_star"] == pytest.approx(1)
    # the noise dummy moves nothing here: the replicates' noise cancels in their mean
    assert table["sigma"].to_numpy() == pytest.approx([0, 0, 0], abs=1e-9)
    assert table.loc["(noise dummy)", "mu_star"] == pytest.approx(0, abs=1e-9)


def test_sobol_indices_of_an_additive_function_are_its_variance_shares():
    spec, unit, summary = synthetic("sobol", 256)
    table = analyze(spec, unit, summary, "y").table
    # Var(10 u0) : Var(u1) = 100 : 1
    assert table.loc["virality", "S1"] == pytest.approx(100 / 101, abs=0.05)
    assert table.loc["virality", "ST"] == pytest.approx(100 / 101, abs=0.05)
    assert table.loc["quality", "ST"] == pytest.approx(1 / 101, abs=0.01)
    assert (table.loc[["virality", "quality"], "S1_conf"] > 0).all()
    assert table.loc["(noise dummy)", "ST"] == pytest.approx(0, abs=1e-9)


def test_sensitivity_needs_every_point():
    spec, unit, summary = synthetic("morris", 4)
    assert analyze(spec, unit, summary[summary["point"] != 3], "y") is None


def test_winner_table_picks_the_highest_mean_in_each_cell():
    summary = pd.DataFrame(
        {
            "virality": [0.0, 0.0, 0.1, 0.1, 0.1],
            "user_is_buyer": [1.0, 1.0, 1.0, 1.0, 1.0],
            "arr_direct": [5.0, 6.0, 1.0, 9.0, 0.0],
            "arr_bottoms_up": [1.0, 7.0, 4.0, 2.0, 3.0],
        }
    )
    candidates = {"direct": "arr_direct", "bottoms_up": "arr_bottoms_up"}
    table = winner_table(summary, "virality", "user_is_buyer", candidates).set_index("x")
    assert table.loc[0.0, "winner"] == "direct"  # means 5.5 against 4
    assert table.loc[0.0, "share"] == 0.5  # it won one of the two runs outright
    # one big run makes direct the winner on the mean (3.33 against 3) though
    # bottoms-up won two of the three runs: the share says so
    assert table.loc[0.1, "winner"] == "direct"
    assert table.loc[0.1, "share"] == pytest.approx(1 / 3)


def test_report_of_a_morris_sweep_writes_every_chart(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(
        """
[sweep]
name = "tiny-morris"
steps = 8
root_seed = 5
[design]
kind = "morris"
samples = 3
[base]
n_enterprises = 10
enterprise_size_max = 150
[vary]
virality = { low = 0.0, high = 0.1 }
rep_attrition = { low = 0.005, high = 0.05, log = true }
[keep]
every = 2
[report]
outputs = ["arr_total", "adoption_rate", "arr_direct"]
"""
    )
    from experiments.sweep import load_spec

    run_sweep(load_spec(spec), tmp_path / "out", SerialEngine())
    result = CliRunner().invoke(app, ["report", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    report = tmp_path / "out" / "report"
    text = (report / "report.md").read_text()
    pngs = sorted(p.name for p in report.glob("*.png"))
    assert pngs == [
        "against_rep_attrition.png",
        "against_virality.png",
        "sensitivity_morris.png",
        "series_by_virality.png",
        "winner_virality_rep_attrition.png",
    ]
    for name in pngs:
        assert f"]({name})" in text
        assert (report / name).read_bytes()[:8] == PNG
    indices = pd.read_csv(report / "sensitivity_morris.csv")
    assert set(indices["output"]) <= {"arr_total", "adoption_rate", "arr_direct"}
    assert {"mu_star", "mu_star_conf", "sigma"} <= set(indices.columns)
    assert "| adoption_rate |" in text
    assert np.isfinite(indices["mu_star"]).all()
    assert not list(report.glob(".*"))  # no temporary file left


def test_report_errors_are_one_line(tmp_path):
    result = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2 and result.output.startswith("error:")
    assert "holds no sweep" in result.output


def test_series_groups_never_split_runs_of_one_value():
    from experiments.sweep.charts import series_groups

    values = pd.Series(np.repeat([0.0, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16], 5))
    groups, labels = series_groups(values)
    assert len(labels) == 4
    assert (groups.groupby(values).nunique() == 1).all()  # one group per value
    assert labels == ["0 to 0.005", "0.01 to 0.02", "0.04 to 0.08", "0.16"]
    few, few_labels = series_groups(pd.Series([0.1, 0.2, 0.1]))
    assert few_labels == ["0.1", "0.2"] and list(few) == ["0.1", "0.2", "0.1"]
