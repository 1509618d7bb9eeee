"""A run that keeps no weekly table (``MarketModel(record="none")``) is the same run.

``record="none"`` skips the model-level metrics, the data collector's row and the vendor
rows (:data:`sim.reporting.RECORDS`); the study's, the optimiser's and the fit's runs
use it. It must move no random draw and change no vendor figure: a study's run
(:func:`experiments.study.run_one`) returns the same outcome, every field and weekly
series, bit for bit, and the market's figures read at the end are the floats the full
run's last row holds. Reading what it does not keep is an error that says what to do.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from experiments.optimize.runs import run_plan
from experiments.study import RunOutcome, run_one
from sim.model import MarketModel
from sim.params import ParameterError
from sim.reporting import MODEL_COLUMNS
from sim.scenarios import load_scenario

SMALL = {"n_enterprises": 40, "enterprise_size_max": 300}
WEEKS = 104

# (scenario, focal settings, market changes, seed): the default market's three
# strategies (direct on a short runway exits after winning deals), and two presets,
# one viral and one whose market churns (entries and many exits, the focal company's
# among them); each seed is one where the focal company sells
CASES = {
    "default_bottoms_up": ("default", {"strategy": "bottoms_up"}, SMALL, 7),
    "default_direct_exits": (
        "default",
        {"strategy": "direct", "initial_cash": 400_000.0, "initial_reps": 6},
        SMALL,
        4,
    ),
    "default_hybrid": ("default", {"strategy": "hybrid"}, SMALL, 1),
    "sales_web_cycle": ("sales_web_cycle", None, {"n_enterprises": 25}, 1),
    # a seed whose company sells within WEEKS (2 since the stream changed; 4 before)
    "yammer_viral": ("yammer_viral", None, SMALL, 2),
}


def kwargs_of(case: str, record: str) -> dict:
    scenario, focal, market, seed = CASES[case]
    kw = load_scenario(scenario).model_kwargs(**market, rng=seed, record=record)
    if focal is not None:
        kw["focal"] = focal
    kw.setdefault("focal", {})  # run_one reads vendor 0 as the focal company
    return kw


def same(a: float, b: float) -> bool:
    """Equal floats, NaN equal to NaN (a figure undefined in both runs)."""
    return a == b or (math.isnan(a) and math.isnan(b))


def assert_same_outcome(lean: RunOutcome, full: RunOutcome) -> None:
    for name in ("arr", "cash", "reps", "rep_won"):
        a, b = getattr(lean, name), getattr(full, name)
        assert a.dtype == b.dtype and a.shape == b.shape, name
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert list(lean.end) == list(full.end)
    differ = {k: (lean.end[k], full.end[k]) for k in full.end if not same(lean.end[k], full.end[k])}
    assert not differ
    assert (lean.option, lean.replicate) == (full.option, full.replicate)


@pytest.mark.parametrize("case", list(CASES))
def test_a_study_run_is_the_same_with_and_without_weekly_tables(case):
    lean = run_one((0, 3, kwargs_of(case, "none"), WEEKS))
    full = run_one((0, 3, kwargs_of(case, "full"), WEEKS))
    assert lean is not None and full is not None
    assert_same_outcome(lean, full)
    assert full.arr.max() > 0  # not trivial: the company sold something
    if case in ("default_direct_exits", "sales_web_cycle"):
        assert not full.end["survived"] and full.end["exit_week"] < WEEKS


@pytest.mark.parametrize(
    ("case", "happens"),
    [("default_direct_exits", {"exit"}), ("sales_web_cycle", {"entry", "exit"})],
)
def test_every_vendor_and_the_random_stream_stay_in_step(case, happens):
    """Side by side, week by week: each vendor's figures, the events, the rng."""
    full = MarketModel(**kwargs_of(case, "full"))
    lean = MarketModel(**kwargs_of(case, "none"))
    for _ in range(WEEKS):
        full.step()
        lean.step()
        for name in ("vendor_arr", "vendor_users", "vendor_customers"):
            np.testing.assert_array_equal(getattr(lean, name), getattr(full, name), name)
        assert [(v.cash, v.reps, v.alive) for v in lean.vendor_list] == [
            (v.cash, v.reps, v.alive) for v in full.vendor_list
        ]
    assert lean.events == full.events
    # entrants widened the per-vendor arrays, exits ended contracts and churned users
    assert happens <= {e["event"] for e in full.events}
    assert lean.rng.bit_generator.state == full.rng.bit_generator.state

    # the market read at the end: the floats the full run holds and wrote last week
    figures = lean.market_figures()
    assert set(figures) == set(MODEL_COLUMNS) - {"net_revenue_retention"}
    row = full.datacollector.get_model_vars_dataframe().iloc[-1]
    for name, value in figures.items():
        assert same(value, getattr(full, name)), name
        assert same(value, row[name]), name
    assert all(same(figures[k], v) for k, v in full.market_figures().items())
    # and the study's run reads the market's ARR as the full run holds it
    outcome = run_one((0, 0, kwargs_of(case, "none"), WEEKS))
    assert outcome.end["market_arr"] == full.arr_total == row["arr_total"]


def test_the_optimiser_run_is_the_same_with_and_without_weekly_tables():
    kw = kwargs_of("default_direct_exits", "none")
    lean = run_plan((0, 0, kw, WEEKS))
    full = run_plan((0, 0, {**kw, "record": "full"}, WEEKS))
    assert lean.end == full.end and lean.weeks == full.weeks < WEEKS


def test_what_a_lean_run_does_not_keep_is_a_clear_error():
    model = MarketModel(rng=1, n_enterprises=5, record="none")
    model.step()
    assert model.vendor_list[0].arr >= 0  # vendors' figures are kept
    for name in ("datacollector", "vendor_records", "arr_total", "net_revenue_retention"):
        with pytest.raises(AttributeError, match="record='none'") as info:
            getattr(model, name)
        assert "record='full'" in str(info.value)
        assert not hasattr(model, name)
    with pytest.raises(AttributeError, match=r"market_figures\(\)\['arr_total'\]"):
        _ = model.arr_total
    with pytest.raises(AttributeError, match="accounts of every week of a year"):
        _ = model.net_revenue_retention
    with pytest.raises(AttributeError, match="vendor_records"):
        model.vendor_dataframe()
    with pytest.raises(AttributeError, match="no attribute 'not_a_thing'"):
        _ = model.not_a_thing
    assert "record='none'" in repr(model)


def test_full_recording_is_the_default_and_bad_values_are_refused():
    model = MarketModel(rng=1, n_enterprises=5)  # what the Explore tab and the CLI build
    assert model.record == "full" and "record" not in repr(model)
    assert len(model.datacollector.get_model_vars_dataframe()) == 1
    assert not math.isnan(model.arr_total)
    for bad in ("lean", "", None, 1):
        with pytest.raises(ParameterError, match="record: .* expected one of 'full', 'none'"):
            MarketModel(rng=1, n_enterprises=5, record=bad)
    lean = MarketModel.from_scenario("default", rng=1, n_enterprises=5, record="none")
    assert lean.record == "none"


def test_the_cpu_measurement_prints_each_pair_and_the_median(capsys):
    from experiments import record_cpu

    assert record_cpu.main(["--enterprises", "4", "--pairs", "2", "--steps", "2", "--phase"]) == 0
    out = capsys.readouterr().out
    assert "4 enterprises (load" in out and out.count("/") >= 2 and "ratio none/full median" in out
    assert "the week's outputs over a run: full" in out
    with pytest.raises(SystemExit) as exit_:
        record_cpu.main(["--pairs", "0"])
    assert exit_.value.code == 2
