"""The sweep folder: nothing lost, nothing computed twice, failures recorded, files whole.

These tests run the serial engine (in this process) on 10-enterprise markets; the
engines' own tests are in test_sweep_engines.py.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sweep_support import comparable, write_spec

import experiments
from experiments.sweep import load_spec
from experiments.sweep.local import SerialEngine
from experiments.sweep.runner import run_sweep
from experiments.sweep.store import Store, StoreError, write_atomic


def mtimes(folder):
    return {p.name: p.stat().st_mtime_ns for p in (folder / "summary").glob("part-*.parquet")}


def test_a_second_sweep_of_the_same_spec_reuses_every_run(tmp_path):
    spec = load_spec(write_spec(tmp_path))
    out = tmp_path / "out"
    first = run_sweep(spec, out, SerialEngine())
    assert (first.total, first.computed, first.reused) == (8, 8, 0)
    before, data = mtimes(out), experiments.load(out)
    again = run_sweep(spec, out, SerialEngine())
    assert (again.computed, again.reused) == (0, 8)
    assert mtimes(out) == before  # not one part rewritten
    pd.testing.assert_frame_equal(experiments.load(out).summary, data.summary)


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # inside dask.dataframe, not ours
def test_results_are_a_dataset(tmp_path):
    spec = load_spec(write_spec(tmp_path))
    out = tmp_path / "out"
    run_sweep(spec, out, SerialEngine())
    summary, series = experiments.load(out)
    assert len(summary) == 8 and summary["run_key"].is_unique
    assert list(summary.columns[:6]) == [
        "point",
        "replicate",
        "run_key",
        "seed",
        "virality",
        "rep_attrition",
    ]
    assert {"arr_total", "arr_total_mean", "adoption_rate"} <= set(summary.columns)
    assert sorted(series["step"].unique()) == [0, 3, 6]  # every 3 steps and the last
    assert len(series) == 8 * 3
    raw = pd.read_parquet(out / "summary")
    assert len(raw) == 8 and set(raw["run_key"]) == set(summary["run_key"])
    assert len(pd.read_parquet(out / "series")) == 24
    import dask.dataframe as dd

    assert len(dd.read_parquet(out / "summary").compute()) == 8

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["spec"]["name"] == "tiny" and manifest["root_seed"] == 11
    assert manifest["counts"] == {"done": 8, "failed": 0, "pending": 0}
    assert {"mesa", "numpy", "python", "salesweb"} <= set(manifest["versions"])
    assert {r["status"] for r in manifest["runs"]} == {"done"} and len(manifest["runs"]) == 8


def test_outputs_are_read_from_the_model_not_a_list(tmp_path, monkeypatch):
    import sim.model

    reporters = {**sim.model.MODEL_REPORTERS, "brand_new_output": lambda m: 42.0}
    monkeypatch.setattr(sim.model, "MODEL_REPORTERS", reporters)
    spec = load_spec(write_spec(tmp_path, replicates=1))
    run_sweep(spec, tmp_path / "out", SerialEngine())
    data = experiments.load(tmp_path / "out")
    assert (data.summary["brand_new_output"] == 42.0).all()
    assert "brand_new_output" in data.outputs and "brand_new_output" in data.series


def test_a_folder_holding_another_spec_is_refused_unless_extended(tmp_path):
    out = tmp_path / "out"
    run_sweep(load_spec(write_spec(tmp_path, "a.toml")), out, SerialEngine())
    wider = load_spec(write_spec(tmp_path, "b.toml", virality="[0.0, 0.1, 0.2]"))
    with pytest.raises(StoreError, match="holds another sweep .*--extend"):
        run_sweep(wider, out, SerialEngine())
    outcome = run_sweep(wider, out, SerialEngine(), extend=True)
    assert (outcome.total, outcome.reused, outcome.computed) == (12, 8, 4)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["history"][0]["spec"]["vary"][0]["levels"] == [0.0, 0.1]
    assert len(experiments.load(out).summary) == 12


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    from sim.model import MarketModel

    step = MarketModel.step

    def step_that_breaks(model):
        if model.virality == 0.1 and model.rep_attrition == 0.05 and model.steps > 2:
            raise FloatingPointError("the market blew up")
        step(model)

    monkeypatch.setattr(MarketModel, "step", step_that_breaks)
    spec = load_spec(write_spec(tmp_path))
    out = tmp_path / "out"
    outcome = run_sweep(spec, out, SerialEngine())
    assert (outcome.computed, outcome.failed) == (6, 2)
    data = experiments.load(out)
    assert len(data.summary) == 6 and len(data.failures) == 2
    assert (data.failures["error"] == "FloatingPointError: the market blew up").all()
    assert data.failures["traceback"].str.contains("step_that_breaks").all()
    assert json.loads((out / "manifest.json").read_text())["counts"]["failed"] == 2

    again = run_sweep(spec, out, SerialEngine())  # failed runs stay failed ...
    assert (again.computed, again.skipped_failed) == (0, 2)
    monkeypatch.setattr(MarketModel, "step", step)
    retried = run_sweep(spec, out, SerialEngine(), retry_failed=True)  # ... until retried
    assert (retried.computed, retried.failed) == (2, 0)
    data = experiments.load(out)
    assert len(data.summary) == 8 and data.failures.empty


def test_two_sweeps_cannot_write_into_one_folder(tmp_path):
    spec = load_spec(write_spec(tmp_path))
    holder = Store(tmp_path / "out")
    holder.open()
    try:
        with pytest.raises(StoreError, match="another sweep is writing"):
            run_sweep(spec, tmp_path / "out", SerialEngine())
    finally:
        holder.close()
    assert run_sweep(spec, tmp_path / "out", SerialEngine()).computed == 8


def test_a_folder_with_foreign_files_is_refused(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "thesis.tex").write_text("mine")
    with pytest.raises(StoreError, match="not empty and holds no sweep"):
        run_sweep(load_spec(write_spec(tmp_path)), tmp_path / "out", SerialEngine())


def test_a_write_that_fails_half_way_leaves_no_file(tmp_path):
    target = tmp_path / "part-x.parquet"

    def half(tmp):
        with open(tmp, "w") as fh:
            fh.write("PAR1 half a file")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, half)
    assert list(tmp_path.iterdir()) == []


def test_engines_agree_with_serial_on_a_reused_subset(tmp_path):
    """Reused runs are the same rows a fresh sweep computes (keys are content, not order)."""
    small = load_spec(write_spec(tmp_path, "a.toml", virality="[0.1]"))
    full = load_spec(write_spec(tmp_path, "b.toml"))
    run_sweep(small, tmp_path / "x", SerialEngine())
    run_sweep(full, tmp_path / "x", SerialEngine(), extend=True)
    run_sweep(full, tmp_path / "y", SerialEngine())
    a, b = experiments.load(tmp_path / "x"), experiments.load(tmp_path / "y")
    pd.testing.assert_frame_equal(comparable(a.summary), comparable(b.summary))
    pd.testing.assert_frame_equal(a.series, b.series)


def test_a_stored_seed_reproduces_its_run_by_hand(tmp_path):
    from sim.model import MarketModel

    run_sweep(load_spec(write_spec(tmp_path)), tmp_path / "out", SerialEngine())
    row = experiments.load(tmp_path / "out").summary.iloc[5]
    model = MarketModel.from_scenario(
        "default",  # the spec's scenario
        rng=int(row["seed"]),
        n_enterprises=10,
        enterprise_size_max=150,
        virality=row["virality"],
        rep_attrition=row["rep_attrition"],
    )
    for _ in range(int(row["steps"])):
        model.step()
    last = model.datacollector.get_model_vars_dataframe().iloc[-1]
    assert last["arr_total"] == row["arr_total"] and last["users"] == row["users"]


def test_every_column_of_a_sweep_is_documented(tmp_path):
    """Each column of experiments.load's tables is named in SweepData's docstring or is a
    parameter (docs/parameters.md); each output also has a row in docs/sweeps.md."""
    import re
    from pathlib import Path

    from experiments.sweep.dataset import SweepData
    from sim.params import PARAMETERS, STRATEGIES

    spec = load_spec(write_spec(tmp_path, replicates=1, steps=2))
    run_sweep(spec, tmp_path / "out", SerialEngine())
    summary, series = experiments.load(tmp_path / "out")
    root = Path(__file__).resolve().parents[1]
    sweeps = (root / "docs" / "sweeps.md").read_text()
    outputs = sweeps[sweeps.index("### The outputs") :].split("\n## ", 1)[0]
    params = (root / "docs" / "parameters.md").read_text()

    def named(text: str) -> set[str]:
        names = set(re.findall(r"`+([A-Za-z_<>]+)`+", text))
        return names | {n.replace("<strategy>", s) for n in names for s in STRATEGIES}

    from experiments.sweep.dataset import META

    in_doc, in_outputs = named(SweepData.__doc__), named(outputs)
    undocumented = set()
    for column in [*summary.columns, *series.columns]:
        if column in PARAMETERS:
            ok = f"`{column}`" in params
        elif column in META:
            ok = column in in_doc
        else:  # an output, or a statistic of one
            base = re.sub(r"_(mean|min|max)$", "", column)
            ok = base in in_doc and base in in_outputs
        if not ok:
            undocumented.add(column)
    assert not undocumented, f"document these columns: {sorted(undocumented)}"
