"""Decision studies: options on common random numbers, paired differences, exports."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.io import read_metadata, read_table
from experiments.study import (
    Option,
    money,
    paired_difference,
    parse_option,
    study,
    study_seeds,
)
from sim.params import ParameterError

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"n_enterprises": 15, "enterprise_size_max": 300}
OPTIONS = ["bu: strategy=bottoms_up", "direct: strategy=direct", "hybrid: strategy=hybrid"]


def small_study(**kwargs):
    args = {"options": OPTIONS, "seeds": 3, "steps": 12, "workers": 1, "overrides": SMALL}
    args.update(kwargs)
    return study("default", **args)


def test_seeds_are_spawned_from_the_root_and_shared_by_every_option():
    assert study_seeds(3, 7) == study_seeds(3, 7) != study_seeds(3, 8)
    assert study_seeds(4, 7)[:3] == study_seeds(3, 7)
    result = small_study()
    by_option = result.runs.groupby("option", sort=False)["seed"].apply(list)
    assert [list(s) for s in by_option] == [result.seeds] * 3
    assert result.runs["option"].tolist() == ["bu"] * 3 + ["direct"] * 3 + ["hybrid"] * 3


def test_an_option_equal_to_the_first_differs_by_exactly_zero():
    result = small_study(options=["a: strategy=direct", "b: strategy=direct"])
    np.testing.assert_array_equal(result.arr[0], result.arr[1])
    row = result.summary().loc["b"]
    assert row["arr_vs_first_mean"] == 0 and row["arr_vs_first_better"] == 0
    from experiments.recommend import recommend

    assert "b looks even with a" in recommend(result).text()


def test_a_study_run_is_the_model_run_with_that_seed():
    from sim.model import MarketModel

    result = small_study()
    seed = result.seeds[1]
    model = MarketModel.from_scenario("default", rng=seed, focal={"strategy": "direct"}, **SMALL)
    arr = [model.focal_vendor.arr]
    for _ in range(12):
        model.step()
        arr.append(model.focal_vendor.arr)
    np.testing.assert_array_equal(result.arr[1, 1], arr)


def test_workers_do_not_change_the_result():
    one = small_study()
    two = small_study(workers=2)
    pd.testing.assert_frame_equal(one.runs, two.runs)
    np.testing.assert_array_equal(one.cash, two.cash)


def test_summary_and_verdict_have_every_column():
    result = small_study()
    s = result.summary()
    for col in ("survival_rate", "arr_p10", "arr_median", "arr_p90", "cash_burned_median",
                "cash_min_median", "cac_payback_months_median", "arr_share_median",
                "arr_vs_first_ci_low", "arr_vs_first_ci_high"):  # fmt: skip
        assert col in s.columns, col
    assert list(s.index) == ["bu", "direct", "hybrid"]
    assert s.loc["bu", "arr_vs_first_mean"] == 0
    med = (result.runs.query("option == 'direct'")["arr"].to_numpy()
           - result.runs.query("option == 'bu'")["arr"].to_numpy())  # fmt: skip
    assert s.loc["direct", "arr_vs_first_median"] == pytest.approx(np.median(med))
    bands = result.bands("cash")
    assert bands["bu"].shape == (3, 13) and (bands["bu"][0] <= bands["bu"][2]).all()


def test_paired_difference_matches_the_t_interval():
    from scipy import stats

    a = np.array([3.0, 5.0, 4.0, 8.0])
    b = np.array([1.0, 1.0, 2.0, 2.0])
    d = paired_difference(a, b)
    res = stats.ttest_rel(a, b).confidence_interval(0.95)
    assert d["mean"] == pytest.approx(3.5)
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((res.low, res.high))
    assert d["better"] == 4 and d["worse"] == 0
    assert np.isnan(paired_difference(np.array([1.0]), np.array([0.0]))["ci_low"])


def test_money_is_short_and_signed():
    assert money(2_100_000, sign=True) == "+2.1M"
    assert money(-350_000) == "-350k"
    assert money(999_900) == "1.0M" and money(12) == "12"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x: reps=3", "'reps' is not a vendor trait"),
        ("x: strategy=sideways", "strategy 'sideways' is not allowed"),
        ("x: initial_reps=lots", "parameter 'initial_reps'"),
        (": strategy=direct", "give a label"),
        ("x: initial_reps", "not key=value"),
        ("x strategy=direct", "missing the colon after the label: 'x: strategy=direct'"),
        ("early reps initial_reps=5, strategy=hybrid", "'early reps: initial_reps=5"),
    ],
)
def test_bad_options_are_refused(text, message):
    with pytest.raises(ParameterError, match=message):
        parse_option(text)


def test_option_syntax():
    assert parse_option("hybrid") == Option("hybrid", {"strategy": "hybrid"})
    opt = parse_option("early reps: strategy=hybrid, initial_reps=5; seat_price=30")
    assert opt.settings == {"strategy": "hybrid", "initial_reps": 5, "seat_price": 30.0}
    with pytest.raises(ParameterError, match="repeated: a"):
        small_study(options=["a: strategy=direct", "a: strategy=hybrid"])


def test_cancel_returns_none_promptly():
    cancel = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        if done > 0:
            cancel.set()

    assert small_study(progress=progress, cancel=cancel, workers=2, steps=400) is None
    assert seen and seen[-1] < 9 * 400


def test_a_killed_worker_loses_nothing():
    """SIGKILL one worker mid-study: its runs are redone, the result is unchanged."""
    expected = small_study(steps=60)
    killed = []

    def progress(done, total):
        if done > 0 and not killed:
            children = [c for c in mp.active_children() if c.pid and c.is_alive()]
            if children:
                os.kill(children[0].pid, signal.SIGKILL)
                killed.append(children[0].pid)

    result = small_study(steps=60, workers=2, progress=progress)
    assert killed
    pd.testing.assert_frame_equal(result.runs, expected.runs)


def run_cli(*args, tmp_path):
    return subprocess.run(
        [sys.executable, "-c", "from experiments.cli import app; app()", "study", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_cli_writes_both_tables_with_their_inputs(tmp_path, suffix):
    out = tmp_path / f"study{suffix}"
    proc = run_cli(
        "--option", "bu: strategy=bottoms_up", "--option", "d: strategy=direct",
        "--seeds", "2", "--steps", "8", "--workers", "1", "--seed", "5",
        "--set", "n_enterprises=15", "--out", str(out), "--quiet", tmp_path=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    said = ("Recommended: ", "The data cannot separate", "No recommendation")
    assert any(x in proc.stdout for x in said), proc.stdout
    per_option = read_table(out)
    per_seed = read_table(out.with_name(f"study_seeds{suffix}"))
    assert list(per_option.index) == ["bu", "d"] and len(per_seed) == 4
    for path in (out, out.with_name(f"study_seeds{suffix}")):
        meta = read_metadata(path)
        assert meta["scenario"] == "default" and meta["root_seed"] == 5
        assert meta["seeds"] == study_seeds(2, 5) and meta["steps"] == 8
        assert meta["options"][1] == {"label": "d", "settings": {"strategy": "direct"}}
        assert meta["overrides"] == {"n_enterprises": 15}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--option", "x: reps=2"], "'reps' is not a vendor trait"),
        (["--option", "x: strategy=up"], "strategy 'up' is not allowed"),
        (["--option", "x: strategy=direct", "--seeds", "0"], "--seeds 0"),
        (["--option", "x: strategy=direct", "--scenario", "nowhere"], "unknown scenario"),
        (["--option", "x: strategy=direct", "--out", "/nonexistent/a.csv"], "does not exist"),
        (["--option", "x: strategy=direct", "--set", "n_vendors=0"], "n_vendors >= 1"),
        (["--option", "x: strategy=direct", "--seed", "-1"], "--seed -1"),
        ([], "give at least one --option"),
        (["--option", "x strategy=direct"], "missing the colon after the label"),
    ],
)
def test_cli_bad_input_is_one_error_line(args, message, tmp_path):
    proc = run_cli(*args, "--steps", "2", tmp_path=tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], proc.stderr


def test_cancel_stops_a_run_in_this_process_midway():
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 5  # a few weeks into the first run

    assert small_study(cancel=cancelled, steps=400) is None
    assert len(calls) < 20  # checked each week, stopped at once
