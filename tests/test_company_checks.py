"""The company checks (`salesweb company`): the machinery, not the model's numbers.

One tiny run (12 enterprises, 2 seeds, 30 weeks) checks the frames' shapes and the
report's files; hand-made data check the worth of a dead company and the ordering
checker, with a planted fault it must catch.
"""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from experiments.company_checks import (
    CONDITIONS,
    DEFAULT,
    HELD,
    HELD_FOCAL,
    MARKETS,
    Condition,
    _focal_frame,
    alive_holds,
    motion_table,
    ordering_holds,
    plans,
    run_company,
    win_shares,
)
from experiments.io import read_metadata
from experiments.winner_map import MOTIONS

TINY = {"n_enterprises": 12, "enterprise_size_max": 300}
SEEDS, WEEKS = 2, 30


@pytest.fixture(scope="module")
def tiny():
    return run_company(SEEDS, WEEKS, overrides=TINY, workers=1)


def test_every_option_of_every_market_runs_on_the_same_seeds(tiny):
    f = tiny.frame
    focal = sum(len(plans(c)) for c in MARKETS)
    assert len(f) == SEEDS * (1 + focal)
    assert (f["item"] == "market").sum() == SEEDS
    runs = f[f["item"] != "market"]
    assert runs.groupby(["condition", "option"])["seed"].apply(sorted).map(tuple).nunique() == 1
    assert sorted(runs["seed"].unique()) == sorted(tiny.seeds)
    assert set(runs["item"]) == {"motions", "reps", "hiring", "demand", "demand_held"}
    # the control market's teams are held: my company keeps its reps every week
    held = tiny.weekly[tiny.weekly["condition"] == HELD]
    assert len(held) and (held["reps"] == HELD_FOCAL["initial_reps"]).all()
    # the market's user_is_buyer is the condition's; the focal traits are the option's
    vc = runs[runs["condition"] == "viral_collaboration"]
    assert (vc["user_is_buyer"] == 1.0).all() and (vc["seat_price"] == 10.0).all()
    assert len(tiny.weekly) == SEEDS * focal * (WEEKS + 1)
    assert tiny.weekly.groupby(["condition", "option", "seed"]).size().eq(WEEKS + 1).all()
    alive = runs["survived"] > 0
    assert np.allclose(
        runs.loc[alive, "worth"], 5 * runs.loc[alive, "arr"] + runs.loc[alive, "cash"]
    )
    assert (runs.loc[~alive, "worth"] == 0).all()


def test_report_writes_every_run_the_charts_and_the_page(tiny, tmp_path):
    from experiments.company_report import checks, load_result, markdown, write_report

    path = write_report(tiny, tmp_path, 1.0)
    names = {p.name for p in tmp_path.iterdir()}
    assert {"company.md", "company.parquet", "company_weekly.parquet", "company_rep_ratio.png",
            "company_hiring.png", "company_demand.png", "company_motions.png"} <= names  # fmt: skip
    back = pd.read_parquet(tmp_path / "company.parquet")
    assert len(back) == len(tiny.frame)
    meta = read_metadata(tmp_path / "company.parquet")
    assert meta["kind"] == "salesweb company" and meta["seeds"] == tiny.seeds
    text = path.read_text()
    rows = checks(tiny)
    assert f"of {len(rows)} expectations hold" in text
    assert "salesweb company --seeds 2 --weeks 30 --set n_enterprises=12" in text
    assert all(isinstance(r["holds"], bool) for r in rows)
    again, wall = load_result(tmp_path)  # the page can be redrawn from the parquets alone
    assert again.seeds == tiny.seeds and markdown(again, wall) == text


def fake_study(survived: list[float], cash: list[float], arr: list[float]):
    """A study result of one option on len(survived) seeds, built by hand."""
    n = len(survived)
    runs = pd.DataFrame(
        {"option": "direct", "replicate": range(n), "seed": range(n), "survived": survived,
         "cash": cash, "arr": arr, "rep_won_acv": 0.0, "rep_spend": 1.0, "rep_cost": 1.0,
         "reps": 1.0}
    )  # fmt: skip
    weeks = np.ones((1, n, 5))
    return SimpleNamespace(runs=runs, labels=["direct"], reps=weeks, rep_won=0 * weeks)


def test_a_dead_company_is_worth_nothing_whatever_its_cash():
    plan = plans(CONDITIONS[-1])[1]
    res = fake_study([1.0, 0.0], [100.0, 5_000.0], [10.0, 1_000.0])
    f = _focal_frame(res, [plan], CONDITIONS[-1], 0.2)
    assert f["worth"].tolist() == [150.0, 0.0]


def motion_frame(condition: str, worths: dict[str, list[float]], survived=None) -> pd.DataFrame:
    rows = []
    for m, ws in worths.items():
        for seed, w in enumerate(ws):
            alive = 1.0 if survived is None else survived[m][seed]
            rows.append({"item": "motions", "condition": condition, "option": m, "seed": seed,
                         "worth": w, "arr": w / 10, "survived": alive})  # fmt: skip
    return pd.DataFrame(rows)


def test_the_ordering_checker_catches_a_planted_fault():
    cond = Condition("c", "hybrid first", beats=(("hybrid", "bottoms_up"), ("hybrid", "direct")))
    good = {"bottoms_up": [1, 2, 3], "direct": [0, 1, 5], "hybrid": [2, 3, 4]}
    t = motion_table(motion_frame("c", good), cond)
    assert t["holds"] and t["per_motion"].loc["hybrid", "median_worth"] == 3
    assert t["effects"][("hybrid", "direct")].mean == pytest.approx(1.0)
    # plant a fault: direct's median rises above hybrid's on one seed's worth
    bad = {**good, "direct": [0, 4, 5]}
    assert not motion_table(motion_frame("c", bad), cond)["holds"]
    # equal medians are not a win
    assert not ordering_holds({"hybrid": 2.0, "direct": 2.0, "bottoms_up": 0.0}, cond.beats)
    assert ordering_holds({"hybrid": 2.0, "direct": 1.0, "bottoms_up": 0.0}, cond.beats)


def test_every_motion_alive_needs_arr_and_half_the_seeds():
    cond = Condition(DEFAULT, "the default market", alive=True)
    worths = {m: [10.0, 20.0, 30.0, 40.0] for m in MOTIONS}
    assert motion_table(motion_frame(DEFAULT, worths), cond)["holds"]
    half = {m: [1, 1, 1, 1] for m in MOTIONS} | {"direct": [1, 0, 0, 1]}
    assert motion_table(motion_frame(DEFAULT, worths, half), cond)["holds"]  # half is enough
    quarter = half | {"direct": [1, 0, 0, 0]}
    assert not motion_table(motion_frame(DEFAULT, worths, quarter), cond)["holds"]
    assert alive_holds({"a": 1.0, "b": 1.0}, {"a": 0.5, "b": 0.5})
    assert not alive_holds({"a": 1.0, "b": 0.0}, {"a": 1.0, "b": 1.0})
    assert not alive_holds({"a": 1.0, "b": 1.0}, {"a": 1.0, "b": 0.45})


def test_win_shares_split_ties():
    w = pd.DataFrame({"a": [1.0, 2.0, 0.0], "b": [1.0, 1.0, 0.0], "c": [0.0, 0.0, 0.0]})
    s = win_shares(w)
    assert s["a"] == pytest.approx((0.5 + 1 + 1 / 3) / 3) and s.sum() == pytest.approx(1.0)


def test_cli_refuses_a_market_parameter_the_checks_set(tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", "from experiments.cli import app; app()", "company",
         "--seeds", "1", "--set", "user_is_buyer=0.5", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "user_is_buyer" in run.stderr
