"""salesweb fit: history checks, ranges, the distance, and recovery of known values."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from experiments.fit.history import HistoryError, check_history, load_history
from experiments.fit.infer import distance, fit
from experiments.fit.simulate import Market, synthetic_history
from experiments.fit.space import parse_dim, parse_dims
from sim.params import ParameterError

TINY = {"n_enterprises": 30, "enterprise_size_max": 300}


def run_cli(capsys, *args) -> tuple[int, str, str]:
    from experiments.cli import app

    with pytest.raises(SystemExit) as info:
        app(list(args))
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def history_file(tmp_path, text: str):
    path = tmp_path / "h.csv"
    path.write_text(text)
    return path


GOOD = "month,arr,cash\n" + "".join(f"{m},{1000 * m},{100000 - 5000 * m}\n" for m in range(1, 9))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (GOOD.replace("arr", "revenue"), "unknown column 'revenue'"),
        ("month,arr\n1,0\n2,5\n3,9\n4,10\n5,12\n", "5 months; at least 6"),
        (GOOD.replace("3,3000", "3,-3000"), "negative ARR (-3000) in month 3"),
        (GOOD.replace("\n4,", "\n2,"), "months are not increasing"),
        (GOOD.replace("\n4,", "\n3,"), "months are not increasing (row 4: 3 after 3)"),
        (GOOD.replace("5,5000", "5,lots"), "arr in month 5 is 'lots', not a number"),
        ('month,arr\n1,"0\n2,5\n', "not a readable CSV"),
        ("month,arr\n" + "".join(f"x{m},1\n" for m in range(8)), "neither a number nor a YYYY-MM"),
        ("arr,cash\n" + "1,2\n" * 8, "no 'month' column"),
        ("month\n" + "".join(f"{m}\n" for m in range(1, 9)), "nothing to fit to"),
    ],
)
def test_bad_histories_are_refused_in_one_line(tmp_path, text, fragment):
    with pytest.raises(HistoryError) as info:
        load_history(history_file(tmp_path, text))
    message = str(info.value)
    assert fragment in message and "\n" not in message


def test_calendar_months_count_from_the_first_row_and_blanks_stay_missing(tmp_path):
    text = "month,arr,users\n" + "".join(
        f"2024-{m:02d},{m * 10},{'' if m == 3 else m}\n" for m in range(1, 8)
    )
    h = load_history(history_file(tmp_path, text))
    assert list(h.months) == [1, 2, 3, 4, 5, 6, 7]
    assert list(h.weeks[:3]) == [4, 9, 13]
    assert np.isnan(h.data["users"][2]) and h.data["arr"][6] == 70


def test_shipped_template_and_example_load():
    from experiments.fit.examples import FOLDER

    assert load_history(FOLDER / "template.csv").columns == [
        "arr", "customers", "users", "reps", "sm_spend", "cash"
    ]  # fmt: skip
    assert len(load_history(FOLDER / "example_history.csv").months) == 18


def test_example_history_is_what_the_model_writes():
    from experiments.fit.examples import FOLDER, example_frame

    shipped = pd.read_csv(FOLDER / "example_history.csv", comment="#")
    pd.testing.assert_frame_equal(shipped, example_frame(), check_dtype=False)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("seat_price=200..5", "low end must be below"),
        ("seat_price=0..5:log", "log range needs a low end above 0"),
        ("seat_price=5..200:ln", "unknown scale"),
        ("seat_prize", "did you mean 'seat_price'"),
        ("quality=0..2", "expected a number in [0, 1]"),
        ("strategy=direct|viral", "'viral' is not allowed"),
        ("rep_attrition", "no default range"),
        ("collaborative=0..1", "bool parameter cannot"),
    ],
)
def test_bad_ranges_are_refused_in_one_line(text, fragment):
    with pytest.raises(ParameterError) as info:
        parse_dim(text)
    assert fragment in str(info.value)


def test_ranges_map_to_unit_and_back():
    d = parse_dim("seat_price=5..200:log")
    assert d.log and d.focal and d.from_unit(0.5) == pytest.approx(np.sqrt(5 * 200))
    assert d.to_unit(d.from_unit(0.3)) == pytest.approx(0.3)
    reps = parse_dim("initial_reps=0..20")
    assert reps.value(reps.from_unit(0.52)) == 10 and isinstance(reps.value(3.4), int)
    assert not parse_dim("seat_value").focal
    assert [d.name for d in parse_dims(["virality,quality", "burn=1..2"])] == [
        "virality",
        "quality",
        "burn",
    ]


def test_distance_is_zero_on_the_history_and_grows_with_the_miss():
    h = check_history(pd.DataFrame({"month": range(1, 7), "arr": [0, 10, 20, 40, 80, 160]}))
    same = {"arr": h.data["arr"].to_numpy()}
    assert distance(same, h) == 0
    off = [distance({"arr": same["arr"] * f}, h) for f in (1.1, 1.5, 3.0)]
    assert 0 < off[0] < off[1] < off[2]


@pytest.mark.slow  # minutes: in make test (CI), not make test-quick (docs/performance.md)
def test_recovery_of_known_values_at_a_small_size():
    """Histories the model writes for known settings are fitted back: the truth sits in
    the 90% interval in most cases, and the interval is narrower than the prior for a
    parameter the history pins down (marketing spend shows in S&M spend and cash)."""
    market = Market.of("default", TINY, {"strategy": "bottoms_up"})
    dims = parse_dims(["marketing_spend=500..20000:log,burn=2000..30000:log"])
    truths = [
        (1000.0, 5000.0),
        (3000.0, 15000.0),
        (8000.0, 3000.0),
        (15000.0, 25000.0),
        (2000.0, 9000.0),
    ]
    inside, narrow = 0, 0
    for case, (spend, burn) in enumerate(truths):
        truth = {"marketing_spend": spend, "burn": burn}
        h = synthetic_history(market, truth, 100 + case, 6, ["sm_spend", "cash"])
        post = fit(h, market, dims, population=15, generations=3, seeds=1, root_seed=case)
        s = post.summary()
        inside += all(s[k]["low"] <= v <= s[k]["high"] for k, v in truth.items())
        narrow += s["marketing_spend"]["width_vs_prior"] < 0.4  # S&M spend pins it down
    assert inside >= 4, inside
    assert narrow >= 4, narrow


def test_cli_refuses_bad_input_with_one_line(capsys, tmp_path):
    bad = history_file(tmp_path, GOOD.replace("3,3000", "3,-3000"))
    code, _, err = run_cli(
        capsys, "fit", "--history", str(bad), "--fit", "virality", "--out", str(tmp_path / "o")
    )
    assert code == 2 and err.strip().startswith("error:") and len(err.strip().splitlines()) == 1
    good = history_file(tmp_path, GOOD)
    code, _, err = run_cli(
        capsys,
        "fit",
        "--history",
        str(good),
        "--fit",
        "virality,virality",
        "--out",
        str(tmp_path / "o"),
    )
    assert code == 2 and "given twice" in err


@pytest.mark.slow  # minutes: in make test (CI), not make test-quick (docs/performance.md)
def test_cli_writes_the_fit_folder(capsys, tmp_path):
    market = Market.of("default", TINY)
    h = synthetic_history(market, {"marketing_spend": 4000.0}, 5, 6, ["arr", "sm_spend", "cash"])
    path = tmp_path / "h.csv"
    h.frame().to_csv(path, index=False)
    out = tmp_path / "fit"
    code, stdout, err = run_cli(capsys, "fit", "--history", str(path), "--fit", "marketing_spend=500..20000:log",
                "--set", "n_enterprises=30", "--set", "enterprise_size_max=300", "--out", str(out),
                "--population", "10", "--generations", "1", "--seeds", "1", "--draws", "10",
                "--workers", "1", "--quiet")  # fmt: skip
    assert code == 0, err
    doc = json.loads((out / "fit.json").read_text())
    p = doc["parameters"]["marketing_spend"]
    assert p["low"] <= p["estimate"] <= p["high"]
    assert doc["history"]["months"] == 6 and doc["distance"]["tolerances"]
    post = pd.read_parquet(out / "posterior.parquet")
    assert len(post) == 10 and post["weight"].sum() == pytest.approx(1)
    for chart in ("fit.png", "forecast.png"):
        assert (out / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote" in stdout and "fit.json" in stdout


def test_the_recovery_prose_reads_the_recovery_table():
    """docs/fit.md's reading of its recovery table (regenerated by
    experiments.fit_recovery) counts the table's intervals that hold the truth, and
    the widths it quotes are the table's."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "fit.md").read_text(encoding="utf-8")
    table = doc.split("<!-- begin recovery -->")[1].split("<!-- end recovery -->")[0]
    rows = re.findall(r"^\| \d+ \| (\w+) \|.*\| (yes|NO) \| (\d+)% \|$", table, re.M)
    held = sum(inside == "yes" for _, inside, _ in rows)
    prose = " ".join(doc.split("<!-- end recovery -->")[1].split())
    assert f"Reading it: {held} of {len(rows)} intervals hold the truth." in prose
    widths = {}
    for name, _, width in rows:
        widths.setdefault(name, []).append(int(width))
    for name, words in (
        ("marketing_spend", "pin marketing spend to"),
        ("seat_price", "seat price to"),
    ):
        low, high = min(widths[name]), max(widths[name])
        assert f"{words} {low}-{high}%" in prose, name
    low, high = min(widths["virality"]), max(widths["virality"])
    assert f"its intervals span {low}-{high}% of the prior" in prose
