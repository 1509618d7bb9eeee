"""Scenario discovery and exports: a safe --where, PRIM and CART boxes, tables out.

PRIM and CART are checked on a table whose answer is known (the condition holds where
``x1 > 0.6 and x2 < 0.3``); the exports on a tiny real sweep, read back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sweep_support import write_spec
from typer.testing import CliRunner

from experiments.cli import app
from experiments.discover import discover, winner_column
from experiments.where import WhereError, evaluate

TABLE = pd.DataFrame(
    {"x": [0.1, 0.5, 0.9], "winner": ["direct", "hybrid", "direct"], "ok": [True, False, True]}
)


@pytest.mark.parametrize(
    ("expr", "mask"),
    [
        ("winner == 'direct'", [1, 0, 1]),
        ("x > 0.2 and winner != 'hybrid'", [0, 0, 1]),
        ("0.2 < x <= 0.9", [0, 1, 1]),
        ("not (x < 0.3) or ok", [1, 1, 1]),
        ("winner in ['hybrid', 'none']", [0, 1, 0]),
        ("x * 10 - 1 >= 4", [0, 1, 1]),
        ("ok == true", [1, 0, 1]),
    ],
)
def test_where_selects_rows(expr, mask):
    assert evaluate(expr, TABLE).tolist() == [bool(m) for m in mask]


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("__import__('os').system('true')", "is not allowed"),
        ("x.__class__", "is not allowed"),
        ("[c for c in x]", "is not allowed"),
        ("lambda: 1", "is not allowed"),
        ("x[0] > 1", "is not allowed"),
        ("winer == 'direct'", "no column 'winer'; did you mean 'winner'?"),
        ("winner == 3", "compares text with a number"),
        ("x + 1", "is not true or false"),
        ("x >", "not an expression"),
        ("(" * 400 + "x" + ")" * 400 + " > 1", "nested"),
        ("-" * 1900 + "x > 1", "nested too deeply"),
        ("x > 1 and " * 400 + "x > 1", "characters; at most"),
        ("", "give a boolean expression"),
    ],
)
def test_where_refuses_in_one_line(expr, message):
    with pytest.raises(WhereError) as info:
        evaluate(expr, TABLE)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_winner_column_names_ties_and_nobody():
    summary = pd.DataFrame(
        {"arr_bottoms_up": [5.0, 1.0, 0.0, 2.0], "arr_direct": [1.0, 3.0, 0.0, 2.0],
         "arr_hybrid": [0.0, 2.0, 0.0, 1.0]}
    )  # fmt: skip
    assert winner_column(summary).tolist() == ["bottoms_up", "direct", "none", "tie"]


def test_prim_and_cart_find_a_known_box():
    rng = np.random.default_rng(5)
    x = pd.DataFrame({"x1": rng.random(600), "x2": rng.random(600), "x3": rng.random(600)})
    x["hit"] = (x.x1 > 0.6) & (x.x2 < 0.3)
    found = discover(x, ["x1", "x2", "x3"], "hit")
    box = found.prim
    assert set(box.limits) == {"x1", "x2"}
    assert box.limits["x1"][0] == pytest.approx(0.6, abs=0.1) and box.limits["x1"][1] is None
    assert box.limits["x2"][1] == pytest.approx(0.3, abs=0.1) and box.limits["x2"][0] is None
    assert box.density >= 0.8 and box.coverage >= 0.8
    best = found.leaves[0]
    assert set(best.limits) == {"x1", "x2"} and best.density >= 0.9 and best.coverage >= 0.9
    words = found.sentence()
    x1, x2 = box.limits["x1"][0], box.limits["x2"][1]
    assert words.startswith(
        f"hit holds in {box.density:.0%} of runs where x1 > {x1:.3g} and x2 <= {x2:.3g}"
    )
    assert f"covering {box.coverage:.0%} of the runs where it holds" in words
    traj = found.trajectory
    assert traj["chosen"].sum() == 1 and traj["coverage"].iloc[0] == 1.0


def _sweep(tmp_path):
    from experiments.sweep import load_spec
    from experiments.sweep.local import SerialEngine
    from experiments.sweep.runner import run_sweep

    run_sweep(load_spec(write_spec(tmp_path, replicates=2, n=4, size=30, steps=4)),
              tmp_path / "s", SerialEngine())  # fmt: skip
    return tmp_path / "s"


def test_discover_and_export_from_the_command_line(tmp_path):
    import experiments

    folder = _sweep(tmp_path)
    runner = CliRunner()
    res = runner.invoke(app, ["discover", str(folder), "--where", "virality > 0.05"])
    assert res.exit_code == 0, res.output
    assert "virality > 0.05 holds in 100% of runs where virality > 0" in res.output
    assert (folder / "discover" / "discover.md").exists()
    assert (folder / "discover" / "peeling_trajectory.png").read_bytes()[:4] == b"\x89PNG"
    summary, series = experiments.load(folder)
    for fmt in ("csv", "parquet", "netlogo-table"):
        res = runner.invoke(app, ["export", str(folder), "--format", fmt])
        assert res.exit_code == 0, res.output
    out = folder / "export"
    csv = pd.read_csv(out / "summary.csv")
    assert list(csv.columns) == list(summary.columns) and len(csv) == len(summary) == 8
    pd.testing.assert_frame_equal(pd.read_parquet(out / "series.parquet"), series)
    table = pd.read_csv(out / "tiny-table.csv", skiprows=6)
    assert list(table.columns[:4]) == ["[run number]", "virality", "rep_attrition", "[step]"]
    assert len(table) == len(series) and table["[run number]"].nunique() == 8
    assert not list(out.glob(".*"))  # no temporary left behind


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "{dir}", "--format", "xls"], "--format 'xls' is not allowed"),
        (["export", "/dev/zero"], "sweep folder '/dev/zero' is a character device; give a folder"),
        (["report", "/dev/zero"], "sweep folder '/dev/zero' is a character device; give a folder"),
        (["discover", "{dir}/manifest.json", "--where", "x > 1"], "is a file; give a folder"),
        (["export", "{tmp}/nowhere"], "does not exist"),
        (["sweep", "--resume", "--out", "/dev/zero"], "'/dev/zero' is a character device"),
        (["discover", "{dir}", "--where", "open('x')"], "is not allowed"),
        (["discover", "{dir}", "--where", "virality > 5"], "holds in no run of 8"),
        (["discover", "{tmp}", "--where", "x > 1"], "holds no sweep"),
    ],
)
def test_research_commands_refuse_in_one_line(tmp_path, args, message):
    folder = _sweep(tmp_path)
    args = [a.format(dir=folder, tmp=tmp_path) for a in args]
    res = CliRunner().invoke(app, args)
    lines = res.output.strip().splitlines()
    assert res.exit_code == 2 and len(lines) == 1 and message in lines[0], res.output


def test_the_winner_map_discovery_in_the_docs_is_what_its_runs_give():
    """docs/sweeps.md quotes discovery on the committed winner-map runs: recomputed here."""
    from experiments.discover_example import DOC, MAP_END, MAP_START, winner_map_section

    text = DOC.read_text()
    quoted = text[text.index(MAP_START) : text.index(MAP_END) + len(MAP_END)]
    assert quoted == winner_map_section(), "regenerate: python experiments/discover_example.py"


def test_discover_reads_the_runs_of_salesweb_map(tmp_path):
    from experiments.winner_map import MOTIONS, seed_winners

    cells = [(u, v, p) for u in (0.2, 1.0) for v in (0.001, 0.01) for p in (5.0, 50.0)]
    rows = []
    for (u, v, p), seed in [(c, s) for c in cells for s in range(4)]:
        for m in MOTIONS:  # direct is worth the most where user_is_buyer = 0.2 and p = 50
            best = "direct" if (u, p) == (0.2, 50.0) else "hybrid"
            worth = 0.0 if seed == 3 and v == 0.001 else (2.0 if m == best else 1.0)
            rows.append((u, v, p, m, seed, worth))
    runs = pd.DataFrame(rows, columns=["user_is_buyer", "virality", "seat_price", "motion",
                                       "seed", "worth"])  # fmt: skip
    table = seed_winners(runs)
    assert len(table) == 32 and table["winner"].value_counts().to_dict() == {
        "hybrid": 21, "direct": 7, "none": 4}  # fmt: skip
    path = tmp_path / "winner_map.parquet"
    runs.to_parquet(path)
    res = CliRunner().invoke(app, ["discover", str(path), "--where", "winner == 'direct'"])
    assert res.exit_code == 0, res.output
    assert "holds in 100% of runs where user_is_buyer <= 0.6 and seat_price > 27.5" in res.output
    assert (tmp_path / "winner_map_discover" / "discover.md").exists()
    runs.drop(columns="worth").to_parquet(path)
    res = CliRunner().invoke(app, ["discover", str(path), "--where", "winner == 'direct'"])
    lines = res.output.strip().splitlines()
    assert res.exit_code == 2 and lines == [
        f"error: {str(path)!r}: not the runs of salesweb map: no column worth"]  # fmt: skip
