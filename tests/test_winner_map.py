"""The winner map (`salesweb map`): cells, worth, the winner logic and bad grids."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_support import assert_refused_in_one_line

from experiments.io import read_metadata
from experiments.winner_map import (
    MOTIONS,
    SINGLE,
    TIE,
    Grid,
    MapResult,
    parse_levels,
    run_map,
    winners,
    worth,
)
from sim.params import ParameterError

TINY = {"n_enterprises": 12, "enterprise_size_max": 300}


def cell_rows(u: float, v: float, p: float, worths: dict[str, list[float]]) -> list[dict]:
    return [
        {
            "user_is_buyer": u,
            "virality": v,
            "seat_price": p,
            "motion": m,
            "seed": seed,
            "arr": 0.0,
            "cash": w,
            "survived": 1.0,
            "worth": w,
        }  # fmt: skip
        for m, ws in worths.items()
        for seed, w in enumerate(ws)
    ]


def hand_map() -> pd.DataFrame:
    rows = cell_rows(  # hybrid has the highest median; direct the highest mean (one outlier)
        0.2, 0.001, 25,
        {"bottoms_up": [1, 1, 1, 1], "direct": [0, 0, 0, 100], "hybrid": [2, 3, 0.5, 2]},
    )  # fmt: skip
    rows += cell_rows(  # everyone dead: nothing to choose
        0.2, 0.001, 100, {"bottoms_up": [0, 0, 0, 0], "direct": [0, 0, 0, 0], "hybrid": [0] * 4}
    )
    rows += cell_rows(  # equal medians (3), direct's mean is higher; seed 0 a three-way tie
        1.0, 0.001, 25,
        {"bottoms_up": [5, 4, 2, 1], "direct": [5, 1, 0, 20], "hybrid": [5, 3, 3, 0]},
    )  # fmt: skip
    return pd.DataFrame(rows)


def test_the_winner_has_the_highest_median_not_the_highest_mean():
    table = winners(hand_map()).set_index(["user_is_buyer", "seat_price"])
    row = table.loc[(0.2, 25)]
    assert row["winner"] == "hybrid" and row["median_hybrid"] == 2 and not row["by_mean"]
    assert row["mean_direct"] > row["mean_hybrid"]  # the planted outlier does not decide
    assert row["win_share"] == 0.5  # best on seeds 0 and 1
    assert row["wins_direct"] == 0.25 and row["wins_bottoms_up"] == 0.25


def test_equal_medians_go_to_the_higher_mean_and_all_equal_is_a_tie():
    table = winners(hand_map()).set_index(["user_is_buyer", "seat_price"])
    assert table.loc[(0.2, 100), "winner"] == TIE and np.isnan(table.loc[(0.2, 100), "win_share"])
    row = table.loc[(1.0, 25)]
    assert row["winner"] == "direct" and row["by_mean"]
    assert not table.loc[(0.2, 100), "by_mean"]  # a tie is not a win on the mean
    assert row["median_direct"] == row["median_hybrid"] == row["median_bottoms_up"] == 3
    # seed 0: a three-way tie gives a third to each; seeds 1-3: bottoms_up, hybrid, direct
    assert row["win_share"] == pytest.approx((1 / 3 + 1) / 4)
    assert row["wins_bottoms_up"] == pytest.approx((1 / 3 + 1) / 4)
    shares = [row[f"wins_{m}"] for m in MOTIONS]
    assert sum(shares) == pytest.approx(1)


def test_one_motion_only_leaves_the_hybrid_out_of_the_choice_and_the_shares():
    table = winners(hand_map(), SINGLE).set_index(["user_is_buyer", "seat_price"])
    row = table.loc[(0.2, 25)]  # with the hybrid in, the hybrid wins this cell
    assert row["winner"] == "bottoms_up" and row["win_share"] == 0.75  # direct: seed 3 only
    assert "median_hybrid" not in table.columns
    assert row["wins_bottoms_up"] + row["wins_direct"] == pytest.approx(1)
    from experiments.winner_map_report import paired_worth

    e = paired_worth(hand_map(), "bottoms_up", "direct")[(0.2, 0.001, 25.0)]
    assert list(e.differences) == [1, 1, 1, -99]


def test_a_cell_missing_a_run_is_refused():
    frame = hand_map()
    planted = frame.drop(frame.index[(frame["motion"] == "direct") & (frame["seed"] == 2)][0])
    with pytest.raises(ValueError, match="every motion must run on the same seeds"):
        winners(planted)
    moved = frame.copy()
    moved.loc[moved.index[0], "seed"] = 99  # one run on another seed: not paired
    with pytest.raises(ValueError, match="same seeds"):
        winners(moved)


def test_a_dead_company_is_worth_nothing_and_a_live_one_five_arr_plus_cash():
    got = worth([100.0, 100.0], [50.0, -5.0], [1.0, 0.0])
    np.testing.assert_array_equal(got, [550.0, 0.0])


def test_the_map_runs_every_motion_in_every_cell_on_the_same_seeds():
    grid = Grid(virality=(0.0005,), seat_price=(5.0, 25.0), user_is_buyer=(0.2, 1.0))
    seen = []
    result = run_map(
        grid, 2, 6, overrides=TINY, workers=1, progress=lambda d, t: seen.append((d, t))
    )
    f = result.frame
    assert len(f) == grid.cells * len(MOTIONS) * 2
    cells = f.groupby(["user_is_buyer", "virality", "seat_price"])
    assert cells.ngroups == grid.cells
    assert all(sorted(g["motion"].unique()) == sorted(MOTIONS) for _, g in cells)
    assert set(
        f.groupby(["user_is_buyer", "motion"])["seed"].apply(lambda s: tuple(sorted(set(s))))
    ) == {tuple(sorted(result.seeds))}
    np.testing.assert_array_equal(f["worth"], worth(f["arr"], f["cash"], f["survived"]))
    assert len(winners(f)) == grid.cells
    done = [d for d, _ in seen]
    assert done == sorted(done) and seen[-1][0] == seen[-1][1]  # one bar over both levels


def test_report_writes_every_run_the_chart_and_the_page(tmp_path):
    from experiments.winner_map_report import write_report

    grid = Grid(virality=(0.001,), seat_price=(25.0, 100.0), user_is_buyer=(0.2, 1.0))
    frame = hand_map()
    frame = pd.concat(  # the fourth cell: bottoms_up wins every seed
        [frame, pd.DataFrame(cell_rows(1.0, 0.001, 100, {"bottoms_up": [9] * 4,
                                                         "direct": [1] * 4, "hybrid": [2] * 4}))],
        ignore_index=True,
    )  # fmt: skip
    result = MapResult(grid, frame, [0, 1, 2, 3], 104, "default", {"n_enterprises": 40})
    page = write_report(result, tmp_path, 3.0)
    text = page.read_text()
    assert (
        "salesweb map --seeds 4 --weeks 104 --virality 0.001 --seat-price 25,100 --n-enterprises 40"
        in text
    )
    assert "## user_is_buyer = 0.2" in text and "## user_is_buyer = 1" in text
    assert "| 0.001 | 100 | bottoms_up | 100% |" in text and "| 0.001 | 100 | tie | - |" in text
    assert "| 0.001 | 25 | direct (on the mean) | 33% |" in text
    assert (tmp_path / "winner_map.png").stat().st_size > 10_000
    assert (tmp_path / "winner_map_single.png").stat().st_size > 10_000
    assert "## If one motion only: bottoms_up or direct" in text
    assert "Cells won: bottoms_up 2, direct 1, tie 1 (of 4)" in text
    assert "| 0.001 | 25 | bottoms_up | 75% | 1 | 0 | -24 ± 25 (z -1.0) |" in text
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "winner_map.parquet"), frame)
    assert read_metadata(tmp_path / "winner_map.parquet")["grid"]["seat_price"] == [25.0, 100.0]


def test_levels_are_parsed_and_checked_like_the_parameter():
    assert parse_levels("virality", "0.0005, 0.002") == (0.0005, 0.002)
    with pytest.raises(ParameterError, match="--user-is-buyer: parameter 'user_is_buyer'"):
        parse_levels("user_is_buyer", "0.2,1.5")
    with pytest.raises(ParameterError, match="repeated"):
        parse_levels("seat_price", "5,5.0")
    with pytest.raises(ParameterError, match="expected numbers separated by commas"):
        parse_levels("seat_price", "5,,25")
    with pytest.raises(ParameterError, match="give at least one value"):
        Grid(virality=())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--virality", "0.001,lots"], "--virality: parameter 'virality': 'lots' is not allowed"),
        (["--seat-price", ""], "--seat-price '': expected numbers separated by commas"),
        (["--user-is-buyer", "0.2,0.2"], "--user-is-buyer: 0.2 repeated"),
        (["--set", "user_is_buyer=0.5"], "it is an axis of the map; use --user-is-buyer"),
        (["--seeds", "0"], "--seeds 0 is not allowed"),
        (["--n-enterprises", "0"], "n_enterprises"),
    ],
)
def test_cli_refuses_a_bad_grid_with_one_line(args, message, tmp_path):
    assert_refused_in_one_line("map", args, message, tmp_path)
