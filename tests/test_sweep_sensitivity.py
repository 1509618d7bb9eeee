"""Sensitivity right by default: common random numbers, a noise floor, convergence.

The inert parameter: ``adoption_threshold`` acts only on collaborative products
(``sim/kernels.py``), so with ``collaborative = false`` it changes nothing. Under the
old default (a seed per point) it still changed every run's random draws and was
credited with their noise; under the new default it must get a total index whose
interval covers 0, and the report must say it sits within the noise floor.
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments.sweep.convergence import convergence_table, sample_sizes
from experiments.sweep.dataset import load
from experiments.sweep.design import NOISE_DUMMY, build_design, count_points
from experiments.sweep.local import SerialEngine
from experiments.sweep.runner import plan_runs, run_sweep
from experiments.sweep.sensitivity import analyze, noise_floor, noise_warnings
from experiments.sweep.spec import parse_spec

OUTPUTS = ("adoption_rate", "arr_total")


def _spec(kind: str = "sobol", samples: int = 8, **sweep):
    return parse_spec(
        {
            "sweep": {"name": "inert", "replicates": 1, "root_seed": 7, "steps": 20, **sweep},
            "design": {"kind": kind, "samples": samples},
            "base": {"n_enterprises": 15, "enterprise_size_max": 80, "collaborative": False},
            "vary": {
                "adoption_threshold": {"low": 1, "high": 6},
                "virality": {"low": 0.0, "high": 0.05},
                "marketing_reach": {"low": 0.0005, "high": 0.02},
            },
            "keep": {"series": False},
            # the report charts these two, not the ~30 outputs a run has (each panel of
            # a report figure costs about 0.25 s of Matplotlib on the CI host)
            "report": {"outputs": list(OUTPUTS)},
        }
    )


def _indices(spec, folder):
    run_sweep(spec, folder, SerialEngine())
    data = load(folder)
    unit = build_design(spec).unit
    return {o: analyze(spec, unit, data.summary, o) for o in OUTPUTS}, data, unit


@pytest.fixture(scope="module")
def common(tmp_path_factory):
    """The default-seeded Sobol' sweep, run once for the tests that read it."""
    folder = tmp_path_factory.mktemp("common")
    spec = _spec()
    indices, data, unit = _indices(spec, folder)
    return spec, folder, indices, data, unit


def test_ranking_designs_default_to_common_seeding_and_a_noise_dummy():
    sobol, morris, grid = _spec(), _spec("morris", 4), parse_spec({"vary": {"virality": [0, 0.1]}})
    assert (sobol.seeding, morris.seeding, grid.seeding) == ("common", "common", "independent")
    assert sobol.design.dummy and morris.design.dummy and not grid.design.dummy
    assert count_points(sobol) == 8 * (3 + 1 + 2) == len(build_design(sobol).points)
    assert count_points(morris) == 4 * (3 + 1 + 1) == len(build_design(morris).points)
    # the dummy changes the random stream only: points of one Saltelli block share it
    points, runs = plan_runs(sobol)
    streams = build_design(sobol).streams
    block = 3 + 1 + 2
    assert len(set(streams[:block])) == 2  # A and the AB_i share a stream, B and AB_dummy another
    assert runs[0].task.seed == runs[1].task.seed  # A and AB_1: common random numbers
    assert runs[0].task.seed != runs[block - 1].task.seed


def test_an_inert_parameter_gets_a_total_index_whose_interval_covers_zero(common, tmp_path):
    after = common[2]
    for output, ind in after.items():
        row = ind.table.loc["adoption_threshold"]
        assert row["ST"] - row["ST_conf"] <= 0 <= row["ST"] + row["ST_conf"], output
        assert NOISE_DUMMY in ind.table.index and noise_floor(ind) > 0
        warned = noise_warnings(ind, "common")
        assert any("adoption_threshold" in w and "noise floor" in w for w in warned), output
    # the old default: a seed per point credits the draws' noise to the inert parameter
    before, _, _ = _indices(_spec(seeding="independent"), tmp_path / "independent")
    assert all(before[o].table.loc["adoption_threshold", "ST"] > 0 for o in OUTPUTS)


def test_convergence_uses_the_first_blocks_of_the_design(common):
    spec, _, full, data, unit = common
    assert sample_sizes(spec) == [2, 4, 8]
    table = convergence_table(spec, unit, data.summary, "adoption_rate")
    assert sorted(table["N"].unique()) == [2, 4, 8]
    at_n = table[table["N"] == 8].set_index("parameter")["index"]
    np.testing.assert_allclose(at_n, full["adoption_rate"].table["ST"].loc[at_n.index])
    # N/2 is the analysis of the first half of the points
    half = analyze(spec, unit[: len(unit) // 2], data.summary[data.summary.point < len(unit) // 2],
                   "adoption_rate")  # fmt: skip
    at_half = table[table["N"] == 4].set_index("parameter")["index"]
    np.testing.assert_allclose(at_half, half.table["ST"].loc[at_half.index])


def test_the_sum_of_total_indices_far_above_one_is_warned():
    import pandas as pd

    from experiments.sweep.sensitivity import Indices

    table = pd.DataFrame(
        {"S1": [0.1, 0.1], "S1_conf": [0.1, 0.1], "ST": [0.9, 0.8], "ST_conf": [0.1, 0.1]},
        index=["a", "b"],
    )
    warned = noise_warnings(Indices("sobol", "y", table), "independent")
    assert len(warned) == 1 and "sum to 1.70" in warned[0] and 'seeding = "common"' in warned[0]
    assert not noise_warnings(Indices("sobol", "y", table.assign(ST=[0.6, 0.5])))


@pytest.mark.parametrize("kind", ["grid", "lhs"])
def test_dummy_is_refused_outside_ranking_designs(kind):
    from experiments.sweep.spec import SpecError

    design = {"kind": kind, "dummy": True} | ({"samples": 4} if kind == "lhs" else {})
    with pytest.raises(SpecError, match="dummy is for sobol and morris"):
        parse_spec({"design": design, "vary": {"virality": [0.0, 0.1]}})


def test_the_report_shows_the_noise_floor_its_warnings_and_the_convergence_chart(common):
    from typer.testing import CliRunner

    from experiments.cli import app

    _, folder, *_ = common
    result = CliRunner().invoke(app, ["report", str(folder), "--out", str(folder / "rep")])
    assert result.exit_code == 0, result.output
    text = (folder / "rep" / "report.md").read_text()
    assert "Seeding: common (common random numbers" in text
    assert "The noise floor is the upper end of the noise dummy's interval" in text
    assert "- **warning**: adoption_rate: adoption_threshold" in text
    assert "### Convergence" in text and "first 2, 4, 8 base samples" in text
    chart = folder / "rep" / "convergence_sobol.png"
    assert "](convergence_sobol.png)" in text and chart.read_bytes()[:4] == b"\x89PNG"


def test_the_docs_quote_the_warning_threshold():
    from pathlib import Path

    from experiments.sweep.sensitivity import SUM_ST_LIMIT

    doc = (Path(__file__).resolve().parents[1] / "docs" / "sweeps.md").read_text()
    assert f"sum of total-order indices above {SUM_ST_LIMIT:g}" in doc
