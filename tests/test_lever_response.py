"""Lever response (`salesweb levers`): the machinery, and each lever's direction at test size."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from cli_support import assert_refused_in_one_line

from experiments.io import read_metadata
from experiments.levers import (
    LEVERS,
    OUTCOMES,
    Expect,
    Lever,
    LeverResult,
    adjacent_steps,
    checks,
    choose,
    first_and_last_gain,
    run_levers,
    summarise,
    verdict,
)
from sim.model import MarketModel
from sim.params import VENDOR_TRAITS, ParameterError

TINY = {"n_enterprises": 15, "enterprise_size_max": 300}

# ---------------------------------------------------------------------- the checker


def test_a_rising_response_holds_and_is_monotone():
    up = Expect("users", "up")
    assert verdict([0, 1, 2, 3], [1, 2, 2, 5], up) == {
        "holds": True,
        "monotone": True,
        "diminishing": None,
    }


def test_a_planted_dip_breaks_monotone_but_not_the_direction():
    got = verdict([0, 1, 2, 3], [1, 4, 3, 5], Expect("users", "up"))
    assert got["holds"] and got["monotone"] is False


def test_a_planted_reversal_fails_the_direction():
    assert not verdict([0, 1, 2], [5, 4, 3], Expect("users", "up"))["holds"]
    assert verdict([0, 1, 2], [5, 4, 3], Expect("users", "down"))["monotone"]
    assert not verdict([0, 1, 2], [3, 3, 3], Expect("users", "up"))["holds"]  # flat: no


def test_a_peak_must_be_inside_the_range():
    peak = Expect("arr", "peak")
    assert verdict([5, 25, 100], [1, 3, 2], peak) == {
        "holds": True,
        "monotone": True,
        "diminishing": None,
    }
    assert not verdict([5, 25, 100], [1, 2, 3], peak)["holds"]  # still rising at the top
    assert not verdict([5, 25, 100], [3, 2, 1], peak)["holds"]
    two_peaks = verdict([1, 2, 3, 4, 5], [1, 3, 2, 3.5, 1], peak)
    assert two_peaks["holds"] and two_peaks["monotone"] is False


def test_payback_compares_the_modest_level_with_the_bottom():
    pays = Expect("cash", "pays_back", at=2_000)
    assert verdict([0, 1_000, 2_000, 5_000], [10, 5, 11, 0], pays)["holds"]
    assert not verdict([0, 1_000, 2_000, 5_000], [10, 50, 9, 80], pays)["holds"]


def test_diminishing_returns_need_falling_gains_per_unit():
    concave = Expect("users", "up", diminishing=True)
    # gains per unit: 10, 5, 1 -> diminishing; 1, 5, 10 -> increasing returns
    assert verdict([0, 1, 2, 4], [0, 10, 15, 17], concave)["diminishing"] is True
    assert verdict([0, 1, 2, 4], [0, 1, 6, 26], concave)["diminishing"] is False
    # uneven spacing counts per unit of lever, not per step
    assert verdict([0, 1, 11], [0, 10, 20], concave)["diminishing"] is True


def test_levels_without_a_value_are_left_out_and_two_are_needed():
    up = Expect("nrr", "up")
    assert verdict([0, 1, 2], [math.nan, 0.5, 0.9], up)["holds"]
    assert not verdict([0, 1, 2], [math.nan, math.nan, 0.9], up)["holds"]


def test_an_unknown_lever_is_one_clear_error():
    with pytest.raises(ParameterError, match="'nope' is not a lever; expected one of"):
        choose(["quality", "nope"])
    assert [lv.name for lv in choose(["quality", "quality"])] == ["quality"]
    assert [lv.name for lv in choose(None)] == list(LEVERS)


def test_every_lever_reads_known_outcomes_and_expects_only_what_it_reads():
    for lever in LEVERS.values():
        assert set(lever.outcomes) <= set(OUTCOMES), lever.name
        assert {e.outcome for e in lever.expects} <= set(lever.outcomes), lever.name
        assert lever.name in VENDOR_TRAITS and list(lever.values) == sorted(lever.values)
        assert len(lever.values) >= 5, "a response curve needs levels to show its shape"


# ---------------------------------------------------------------------- statistics


def hand_frame() -> pd.DataFrame:
    rows = []
    for level, users, alive in (
        (0.0, [1, 2, 3, 10], [1, 1, 0, 0]),
        (1.0, [4, 5, 6, 7], [1, 1, 1, 0]),
    ):
        for seed, (u, a) in enumerate(zip(users, alive, strict=True)):
            rows += [
                {"lever": "x", "level": level, "seed": seed, "outcome": "users", "value": u},
                {"lever": "x", "level": level, "seed": seed, "outcome": "survived", "value": a},
            ]
    return pd.DataFrame(rows)


def test_summary_is_the_median_and_quartiles_and_a_share_for_survival():
    s = summarise(hand_frame()).set_index(["level", "outcome"])
    users = s.loc[(0.0, "users")]
    assert users["centre"] == 2.5 and users["low"] == 1.75 and users["high"] == 4.75
    assert users["mean"] == 4 and users["se"] == pytest.approx(np.std([1, 2, 3, 10], ddof=1) / 2)
    alive = s.loc[(1.0, "survived")]
    assert alive["centre"] == 0.75 and alive["low"] == pytest.approx(0.75 - alive["se"])


def test_checks_sort_levels_and_name_each_expectation():
    lever = Lever("x", (0.0, 1.0), "hybrid", ("users", "survived"),
                  (Expect("users", "up"), Expect("survived", "up")), "claim")  # fmt: skip
    frame = hand_frame().iloc[::-1]  # levels out of order
    got = checks(summarise(frame), [lever]).set_index("outcome")
    assert got.loc["users", "holds"] and got.loc["survived", "holds"]
    assert got.loc["users", "expected"] == "rises"


def test_paired_z_compares_the_two_levels_seed_by_seed():
    lever = Lever("x", (0.0, 1.0), "hybrid", ("users",), (Expect("users", "up"),), "claim")
    rows = [
        {"lever": "x", "level": lv, "seed": seed, "outcome": "users", "value": v}
        for lv, values in ((0.0, [1, 2, 3, 4]), (1.0, [2, 4, 4, 6]))
        for seed, v in enumerate(values)
    ]
    frame = pd.DataFrame(rows)
    got = checks(summarise(frame), [lever], frame).iloc[0]
    assert got["z"] == pytest.approx(1.5 / (np.std([1, 2, 1, 2], ddof=1) / 2)) and got["pairs"] == 4
    down = dataclasses.replace(lever, expects=(Expect("users", "down"),))
    assert checks(summarise(frame), [down], frame).iloc[0]["z"] < 0
    alike = frame.assign(value=frame["value"].where(frame["level"] == 0, frame["seed"] + 2.0))
    assert checks(summarise(alike), [lever], alike).iloc[0]["z"] == math.inf  # every seed +1


def test_adjacent_steps_pair_each_level_with_the_next_on_the_same_seed():
    lever = Lever("x", (0.0, 1.0, 2.0), "hybrid", ("users",), (Expect("users", "up"),), "c")
    values = {0.0: [1, 2, 3, 4], 1.0: [2, 4, 4, 6], 2.0: [1, 4, 5, 6]}
    frame = pd.DataFrame(
        {"lever": "x", "level": lv, "seed": seed, "outcome": "users", "value": v}
        for lv, vs in values.items()
        for seed, v in enumerate(vs)
    )
    steps = adjacent_steps(frame, lever)
    assert list(zip(steps["low"], steps["high"], strict=True)) == [(0.0, 1.0), (1.0, 2.0)]
    first, second = steps.iloc[0], steps.iloc[1]
    assert first["mean"] == pytest.approx(1.5)  # +1, +2, +1, +2
    assert first["se"] == pytest.approx(np.std([1, 2, 1, 2], ddof=1) / 2)
    assert (first["up"], first["pairs"]) == (4, 4)
    assert second["mean"] == pytest.approx(0.0) and second["up"] == 1  # -1, 0, +1, 0


def test_first_and_last_gain_pair_each_seeds_slopes_per_unit_of_lever():
    """Uneven levels (0, 1, 3, 7): the gains are per unit of lever, and each seed's first
    slope is paired with its own last slope (a concave response falls)."""
    lever = Lever("x", (0.0, 1.0, 3.0, 7.0), "direct", ("customers",),
                  (Expect("customers", "up", diminishing=True),), "c")  # fmt: skip
    values = {0.0: [0, 0, 0], 1.0: [10, 8, 12], 3.0: [14, 12, 15], 7.0: [18, 12, 19]}
    frame = pd.DataFrame(
        {"lever": "x", "level": lv, "seed": seed, "outcome": "customers", "value": v}
        for lv, vs in values.items()
        for seed, v in enumerate(vs)
    )
    g = first_and_last_gain(frame, lever, "customers")
    assert g["steps"] == ((0.0, 1.0), (3.0, 7.0))
    assert g["first"]["mean"] == pytest.approx(10.0)  # 10, 8, 12 per unit
    assert g["last"]["mean"] == pytest.approx((1.0 + 0.0 + 1.0) / 3)  # 4/4, 0/4, 4/4
    assert list(g["fall"].differences) == pytest.approx([9.0, 8.0, 11.0])
    assert g["fall"].z > 0
    with pytest.raises(ValueError, match="three levels"):
        first_and_last_gain(frame[frame["level"] <= 1.0], lever, "customers")


# ---------------------------------------------------------------------- the runs


def test_frame_has_a_row_per_lever_level_seed_and_outcome():
    two = [
        dataclasses.replace(LEVERS["quality"], values=(0.5, 0.9)),
        dataclasses.replace(LEVERS["initial_reps"], values=(1, 4)),
    ]
    result = run_levers(two, 2, 6, overrides=TINY, workers=1)
    f = result.frame
    assert list(f.columns) == ["lever", "level", "seed", "outcome", "value"]
    assert len(f) == sum(len(lv.values) * 2 * len(lv.outcomes) for lv in two)
    assert f["value"].dtype == float and f["level"].dtype == float
    for lv in two:
        mine = f[f["lever"] == lv.name]
        assert sorted(mine["level"].unique()) == [float(v) for v in lv.values]
        assert set(mine["outcome"]) == set(lv.outcomes)
    # common random numbers: every level of every lever ran on the same seeds
    by_level = f.groupby(["lever", "level"])["seed"].apply(lambda s: sorted(set(s)))
    assert all(seeds == sorted(result.seeds) for seeds in by_level)


@pytest.mark.parametrize("name", ["marketing_spend", "initial_reps", "seat_price"])
def test_levels_of_a_lever_meet_the_same_rivals_on_a_seed(name):
    lever = LEVERS[name]
    low, high = (
        MarketModel(rng=11, focal=lever.settings(v), **TINY)
        for v in (lever.values[0], lever.values[-1])
    )
    assert getattr(low.focal_vendor, name) != getattr(high.focal_vendor, name)
    for a, b in zip(low.vendor_list[1:], high.vendor_list[1:], strict=True):
        assert a.strategy == b.strategy
        assert all(getattr(a, t) == getattr(b, t) for t in ("quality", "virality", "seat_price",
                                                            "marketing_spend", "rep_cost", "burn"))  # fmt: skip
        assert a.cash == b.cash and a.reps == b.reps
    np.testing.assert_array_equal(low.population.ent_size, high.population.ent_size)
    np.testing.assert_array_equal(low.population.emp_openness, high.population.emp_openness)


def test_report_writes_the_frame_a_chart_per_lever_and_the_page(tmp_path):
    from experiments.levers_report import write_report

    lever = Lever("quality", (0.5, 0.9), "hybrid", ("users", "survived"),
                  (Expect("users", "up"),), "Better quality.", "score")  # fmt: skip
    frame = hand_frame().replace({"lever": {"x": "quality"}, "level": {0.0: 0.5, 1.0: 0.9}})
    result = LeverResult([lever], frame, [0, 1, 2, 3], 104, "default", {"n_enterprises": 50})
    page = write_report(result, tmp_path, 12.0)
    text = page.read_text()
    assert "salesweb levers --seeds 4 --weeks 104 --lever quality --set n_enterprises=50" in text
    assert "| quality | hybrid | users | rises | yes | yes | - | +1.0 (4) |" in text
    assert "paired z within ±2 (not yet told apart from noise" in text  # d = 3, 3, 3, -3
    assert "| users | +1.5 ± 1.5 (3 of 4) |" in text  # the one step, paired: 3, 3, 3, -3
    assert (tmp_path / "levers_quality.png").stat().st_size > 10_000
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "levers.parquet"), frame)
    assert read_metadata(tmp_path / "levers.parquet")["levers"]["quality"]["values"] == [0.5, 0.9]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lever", "charm"], "--lever 'charm' is not a lever; expected one of"),
        (["--seeds", "0"], "--seeds 0 is not allowed"),
        (["--weeks", "0"], "--weeks 0 is not allowed"),
        (["--set", "viralty=0.1"], "did you mean 'virality'"),
        (["--scenario", "nope"], "unknown scenario 'nope'"),
    ],
)
def test_cli_refuses_bad_input_with_one_line(args, message, tmp_path):
    assert_refused_in_one_line("levers", args, message, tmp_path)


# ---------------------------------------------------------------------- directions
# The expectations at test size: a small market, two years, four seeds. Each
# up/down direction compares the bottom level with the top one, so only those run
# (with the payback level, and every level of a lever whose outcome should peak).

SIZE = {"n_enterprises": 150, "n_vendors": 3}  # the default market's vendors per enterprise
WEEKS, SEEDS = 156, 4
SIZE_FOR = {"initial_reps": {"n_enterprises": 300, "n_vendors": 6}}
"""A lever whose top level the test-size market cannot feed runs in the smallest market
that can. Measured on 2026-12-06 (survival only, chosen before the directions were read):
a direct company launched with 12 reps ran out of cash in 2 of the 4 seeds at 150
enterprises and survived in 4 of 4 at 300 (6 vendors: the default market's vendors per
enterprise); the full-size page survives in 40 of 40."""

_AT_TEST_SIZE = (
    "measured on this commit: does not hold at test size (150 enterprises, 3 vendors, 156 "
    "weeks, 4 seeds); the full-size response is in docs/validation/levers.md"
)
_NOISE_AT_TEST_SIZE = (
    _AT_TEST_SIZE + ". Measured on 2026-12-05, when the draws by skipping changed the "
    "random stream (sim.compiled_skips): {what}; it held on the stream before, so at 4 "
    "seeds this direction is within noise; the levers page reads it at 40 (paired z +3.9)"
)
KNOWN_FAILING = {
    ("quality", "logo_retention"): _AT_TEST_SIZE + ". Measured on 2026-12-06 when the "
    "default market came to found firms over the run: at quality 0.3 the hybrid company "
    "holds 7-10 accounts and keeps all of them on each of the 4 seeds (retention 1.00), "
    "at quality 1.0 it holds 83-110 and keeps 0.93-0.97; the levers page reads it over "
    "the 24 of 40 seeds where both levels have accounts a year before the end (paired z "
    "+6.6)",
    ("marketing_spend", "cash"): _NOISE_AT_TEST_SIZE.format(
        what="cash at 2,000 a week against none, median 752k vs 780k, while the paired "
        "differences are -45k, -12k, +38k and +230k (mean +52k)"
    ),
}
"""Directions that fail on the model of this commit at test size. Strict: when a model
change makes one hold, its XPASS fails the suite, and the entry is to be deleted."""


def direction_levels(lever: Lever) -> Lever:
    if any(e.direction == "peak" for e in lever.expects):
        return lever
    keep = {lever.values[0], lever.values[-1], *(e.at for e in lever.expects if e.at is not None)}
    return dataclasses.replace(lever, values=tuple(v for v in lever.values if v in keep))


@pytest.fixture(scope="module")
def directions() -> pd.DataFrame:
    levers = [direction_levels(lv) for lv in LEVERS.values()]
    together = [lv for lv in levers if lv.name not in SIZE_FOR]
    frames = [run_levers(together, SEEDS, WEEKS, overrides=SIZE, workers=2).frame]
    for lever in (lv for lv in levers if lv.name in SIZE_FOR):
        size = SIZE_FOR[lever.name]
        frames.append(run_levers([lever], SEEDS, WEEKS, overrides=size, workers=2).frame)
    frame = pd.concat(frames, ignore_index=True)
    return checks(summarise(frame), levers).set_index(["lever", "outcome"])


EXPECTED = [
    pytest.param(
        lever.name,
        e.outcome,
        id=f"{lever.name}-{e.outcome}",
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN_FAILING[(lever.name, e.outcome)])]
        if (lever.name, e.outcome) in KNOWN_FAILING
        else [],
    )
    for lever in LEVERS.values()
    for e in lever.expects
]


@pytest.mark.slow  # statistical, minutes: in make test (CI), not make test-quick
@pytest.mark.parametrize(("lever", "outcome"), EXPECTED)
def test_each_lever_moves_its_outcome_the_expected_way(directions, lever, outcome):
    row = directions.loc[(lever, outcome)]
    assert row["holds"], f"{lever}: {outcome} should be {row['expected']} ({row['strategy']})"


# ---------------------------------------------------------------------- launch-year yield
def test_launch_year_yield_is_the_first_years_rep_won_acv_over_its_rep_years():
    """The reps lever's per-rep outcome reads weeks 0-52 only: the rep-won ACV of weeks
    1-52 over the rep-years paid in weeks 0-51 (reps at the start of each week)."""
    from experiments.fit.simulate import Market
    from experiments.study import run_one

    market = Market.of("default", {"n_enterprises": 30, "enterprise_size_max": 300})
    checked = 0
    for seed in (1, 2, 3):
        out = run_one((0, 0, market.kwargs({"strategy": "direct", "initial_reps": 4}, seed), 80))
        if not out.end["survived"] or out.rep_won[1:53].sum() == 0:
            continue
        rep_years = out.reps[:52].sum() / 52.0
        expected = out.rep_won[1:53].sum() / rep_years
        assert out.end["launch_acv_per_rep_year"] == pytest.approx(expected)
        # the whole run's yield also counts weeks 53-80, so the two differ
        assert out.end["launch_acv_per_rep_year"] != pytest.approx(out.end["new_arr_per_rep_year"])
        checked += 1
    assert checked  # at least one seed sold in its first year


def test_a_company_without_reps_has_no_launch_year_yield():
    from experiments.fit.simulate import Market
    from experiments.study import run_one

    market = Market.of("default", {"n_enterprises": 15, "enterprise_size_max": 300})
    out = run_one((0, 0, market.kwargs({"strategy": "bottoms_up"}, 1), 60))
    assert math.isnan(out.end["launch_acv_per_rep_year"])
