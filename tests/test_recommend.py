"""The recommendation: ranking, every pair, the survival floor, the horizon check, words.

Most tests build a study result by hand (known numbers, no simulation), so each rule
is checked on a case where the right answer is obvious; one test runs the CLI."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.recommend import (
    BOOT_SEED,
    N_BOOT,
    OBJECTIVES,
    Pair,
    bootstrap_interval,
    recommend,
)
from experiments.study import Option, StudyResult
from sim.params import ParameterError

ROOT = Path(__file__).resolve().parents[1]


def fake(arr_end: dict[str, list[float]], cash_end=None, exits=None, steps=30, arr_2y=None):
    """A study with ARR ramping linearly to ``arr_end`` (per option, per seed).

    ``cash_end`` defaults to 1M everywhere; ``exits`` gives per option a list of exit
    weeks (NaN: alive); ``arr_2y`` sets ARR at week 104 (for the horizon check).
    """
    labels = list(arr_end)
    n = len(next(iter(arr_end.values())))
    ramp = np.linspace(0, 1, steps + 1)
    arr = np.array([[np.asarray(v)[i] * ramp for i in range(n)] for v in arr_end.values()])
    if arr_2y is not None:
        for k, label in enumerate(labels):
            arr[k, :, 104] = arr_2y[label]
    cash = np.full_like(arr, 1e6)
    if cash_end is not None:
        for k, label in enumerate(labels):
            cash[k, :, -1] = cash_end[label]
    rows = []
    for k, label in enumerate(labels):
        for i in range(n):
            ex = (exits or {}).get(label, [math.nan] * n)[i]
            rows.append({"option": label, "replicate": i, "seed": 100 + i,
                         "survived": float(math.isnan(ex)), "exit_week": ex,
                         "cash_min": float(cash[k, i].min())})  # fmt: skip
    return StudyResult(
        scenario="default", options=[Option(x) for x in labels], seeds=[100 + i for i in range(n)],
        root_seed=0, steps=steps, overrides={}, base_focal={}, arr=arr, cash=cash,
        runs=pd.DataFrame(rows),
    )  # fmt: skip


def test_a_clear_winner_is_recommended_with_every_pair():
    rng = np.random.default_rng(1)
    base = rng.uniform(1e6, 3e6, 20)
    res = fake({"a": base, "b": base + 1e6, "c": base + 2e6})
    rec = recommend(res)
    assert rec.best == "c" and rec.separated
    assert [r["option"] for r in rec.ranking] == ["c", "b", "a"]
    assert {(p.a, p.b) for p in rec.pairs} == {("c", "b"), ("c", "a"), ("b", "a")}
    cb = next(p for p in rec.pairs if (p.a, p.b) == ("c", "b"))
    assert (cb.wins, cb.n) == (20, 20)
    assert cb.difference == pytest.approx(5e6)  # worth = 5 x ARR + cash
    text = rec.text()
    assert "Recommended: c." in text and "b: better in 20 of 20 seeds" in text
    assert "a: better in 20 of 20 seeds" in text


def test_the_interval_is_a_bootstrap_of_the_median_of_paired_differences():
    rng = np.random.default_rng(2)
    a = rng.uniform(0, 1e6, 15)
    b = a + rng.normal(0, 2e5, 15) + np.where(np.arange(15) < 3, 5e6, 0)  # 3 outliers
    rec = recommend(fake({"a": a, "b": b}), objective="arr")
    p = rec.pairs[0]
    d = (b - a) if p.a == "b" else (a - b)
    assert p.difference == pytest.approx(np.median(d))  # not the mean (outliers pull it)
    assert abs(np.mean(d) - np.median(d)) > 5e5
    lo, hi = bootstrap_interval(d, np.median, np.random.default_rng(BOOT_SEED), N_BOOT)
    assert (p.ci_low, p.ci_high) == pytest.approx((lo, hi))
    assert lo <= np.median(d) <= hi
    assert recommend(fake({"a": a, "b": b}), objective="arr").text() == rec.text()


def test_top_options_too_close_to_call_say_how_many_seeds_would_separate_them():
    rng = np.random.default_rng(3)
    a = rng.uniform(1e6, 2e6, 10)
    b = a + rng.normal(2e4, 2e5, 10)
    rec = recommend(fake({"a": a, "b": b}), objective="arr")
    assert not rec.separated
    p = rec.pairs[0]
    near = p.difference - p.ci_low if p.difference > 0 else p.ci_high - p.difference
    assert rec.seeds_needed == math.ceil(10 * (near / abs(p.difference)) ** 2)
    assert rec.seeds_needed > 10
    assert "The data cannot separate" in rec.text()
    assert f"Roughly {rec.seeds_needed:,} seeds" in rec.text() or "More than 10,000" in rec.text()


def test_a_lopsided_interval_never_asks_for_fewer_seeds_than_were_run():
    # the README's study of 2026-12-05: median +9.0M, interval -0.58M to +14.5M, 10 seeds;
    # its half-width (7.5M) is below the difference, its side towards zero (9.58M) is not
    p = Pair("hybrid", "direct", n=10, wins=7, losses=3, ties=0, difference=9.0e6,
             ci_low=-0.581e6, ci_high=14.5e6)  # fmt: skip
    assert p.seeds_to_separate() == math.ceil(10 * (9.581 / 9.0) ** 2) == 12
    below = Pair("a", "b", n=10, wins=3, losses=7, ties=0, difference=-2.0, ci_low=-9.0,
                 ci_high=0.5)  # fmt: skip
    assert below.seeds_to_separate() == 16  # its side towards zero: -2 to 0.5, (2.5 / 2)^2 x 10
    # an interval just reaching zero: still more seeds than were run
    assert Pair("a", "b", 10, 6, 4, 0, 1.0, -0.01, 5.0).seeds_to_separate() == 11


def test_identical_options_are_called_even():
    a = np.linspace(1e6, 2e6, 8)
    rec = recommend(fake({"a": a, "b": a.copy()}))
    assert not rec.separated and rec.seeds_needed is None
    assert "more seeds may never separate them" in rec.text()


def test_the_survival_floor_keeps_a_fragile_leader_out():
    a = np.full(10, 1e6)
    b = np.full(10, 5e6)
    exits = {"b": [50.0] * 5 + [math.nan] * 5}  # b dies in half the seeds
    res = fake({"a": a, "b": b}, exits=exits, steps=60)
    rec = recommend(res)
    assert rec.best == "a"
    assert "b has a higher median worth" in rec.text() and "below the 80% floor" in rec.text()
    assert recommend(res, min_survival=0.5).best == "b"
    assert recommend(res, objective="survival").best == "a"
    risk = recommend(res, min_survival=0.5).text()
    assert "Risk: b runs out of cash in 5 of 10 seeds (50% alive)" in risk


def test_no_option_meets_the_floor():
    exits = {"a": [10.0] * 6 + [math.nan] * 4, "b": [10.0] * 8 + [math.nan] * 2}
    rec = recommend(fake({"a": np.ones(10), "b": np.ones(10)}, exits=exits))
    assert rec.best is None
    assert "No recommendation" in rec.text() and "The most robust is a (40% alive)" in rec.text()


def test_a_ranking_that_flips_between_two_and_five_years_is_flagged():
    n = 10
    res = fake(
        {"fast": np.full(n, 1e6), "slow": np.full(n, 3e6)}, steps=260,
        arr_2y={"fast": np.full(n, 2e6), "slow": np.full(n, 1e5)},
    )  # fmt: skip
    rec = recommend(res, objective="arr")
    assert rec.ranking_2y == ["fast", "slow"] and rec.ranking_5y == ["slow", "fast"]
    assert "Warning: the ranking changes between 2 and 5 years" in rec.text()
    steady = fake({"fast": np.full(n, 1e6), "slow": np.full(n, 3e6)}, steps=260)
    assert "The ranking is the same at 2 years" in recommend(steady, objective="arr").text()
    short = fake({"fast": np.full(n, 1e6), "slow": np.full(n, 3e6)}, steps=104)
    assert "Could not check whether the ranking changes" in recommend(short).text()


def test_objectives_rank_differently():
    n = 10
    res = fake({"grow": np.full(n, 3e6), "hoard": np.full(n, 1e6)},
               cash_end={"grow": np.full(n, 1e5), "hoard": np.full(n, 12e6)})  # fmt: skip
    assert recommend(res, "arr").best == "grow"
    assert recommend(res, "cash").best == "hoard"
    assert recommend(res, "worth").best == "hoard"  # 5 x 1M + 12M > 5 x 3M + 0.1M
    with pytest.raises(ParameterError, match="objective 'growth' is not known"):
        recommend(res, "growth")
    with pytest.raises(ParameterError, match="min-survival"):
        recommend(res, "arr", 1.5)
    assert set(OBJECTIVES) == {"worth", "arr", "cash", "survival"}


def test_the_recommended_option_is_never_behind_another_on_the_paired_median():
    rng = np.random.default_rng(5)
    base = rng.uniform(1e6, 2e6, 12)
    # c has the highest median on its own, yet loses to b in most paired seeds
    res = fake({"b": base + 1e5, "c": np.where(np.arange(12) < 5, base + 2e6, base)})
    rec = recommend(res, "arr")
    for p in rec.pairs:
        if p.b == rec.ranking[0]["option"]:
            assert p.difference <= 0


def test_study_cli_writes_the_same_words_to_json_and_markdown(tmp_path):
    out = tmp_path / "s.csv"
    cmd = [sys.executable, "-c", "from experiments.cli import app; app()", "study",
           "--seeds", "3", "--steps", "8", "--workers", "1", "--quiet",
           "--set", "n_enterprises=10", "--set", "enterprise_size_max=200",
           "--option", "bu: strategy=bottoms_up", "--option", "direct: strategy=direct",
           "--objective", "arr", "--min-survival", "0.5", "--out", str(out)]  # fmt: skip
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**__import__("os").environ, "COLUMNS": "300"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "s.json").read_text())
    text = report["recommendation"]["text"]
    assert text.splitlines()[0] in done.stdout and text.splitlines()[1] in done.stdout
    assert report["recommendation"]["objective"] == "arr"
    assert set(report["tables"]) == {"ranking", "pairs", "summary", "runs"}
    assert len(report["tables"]["runs"]) == 6 and report["seeds"] == report["seeds"][:3]
    md = (tmp_path / "s.md").read_text()
    assert text.splitlines()[1] in md and "s_charts.png" in md and "s_pairs.png" in md
    for png in ("s_charts.png", "s_pairs.png"):
        assert (tmp_path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = subprocess.run(cmd[:-4] + ["--objective", "growth"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "error: --objective 'growth' is not known; expected one of worth, arr, cash, survival"
    ]


def test_one_seed_asks_for_more_instead_of_calling_options_even():
    rec = recommend(fake({"a": np.array([2e6]), "b": np.array([1e6]), "c": np.array([1e6])}))
    text = rec.text()
    assert "One seed gives no interval: run more seeds." in text
    assert "even with" not in text and "1 seed," in text and "1 of 1 seed " in text
