"""salesweb bench: figures for every case, JSON written whole, bad options refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from experiments.bench import BenchError, enterprises_for, mean_enterprise_size, targets
from sim.params import defaults
from sim.population import draw_enterprise_sizes
from sim.scenarios import load_scenario


def cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "experiments.cli", *args], capture_output=True, text=True, cwd=cwd
    )


def test_mean_enterprise_size_is_the_size_laws():
    p = defaults()
    sizes = draw_enterprise_sizes(
        200_000, p["enterprise_size_min"], p["enterprise_size_max"], np.random.default_rng(0)
    )
    se = sizes.std() / np.sqrt(len(sizes))
    assert abs(sizes.mean() - mean_enterprise_size()) < 4 * se


def test_a_million_employees_is_about_nine_thousand_enterprises():
    assert 8_900 <= enterprises_for(1_000_000) <= 9_200
    with pytest.raises(BenchError, match="n_enterprises limit"):
        enterprises_for(2_000_000_000)


def test_targets_name_each_limit_and_whether_it_holds():
    million = {
        "target_employees": 1_000_000,
        "build_s": 5.0,
        "step_ms_median": 120.0,
        "step_ms_max": 200.0,
        "peak_memory_gb": 1.0,
    }
    result = {"markets": [million], "ratio": 31.0}
    got = targets(result)
    assert got["1M step_ms_median <= 100"] is False
    assert got["1M build_s <= 20"] is True
    assert got["100k throughput >= 30x VirusOnNetwork"] is True
    assert got["100k throughput >= 100x VirusOnNetwork"] is False


def test_the_median_run_is_the_middle_cpu_time_and_keeps_them_all():
    from experiments.bench import median_run

    runs = [
        {"cpu_s": 0.6, "n": 1},
        {"error": "killed"},
        {"cpu_s": 0.4, "n": 2},
        {"cpu_s": 0.5, "n": 3},
    ]
    assert median_run(runs) == {"cpu_s": 0.5, "n": 3, "cpu_s_runs": [0.4, 0.5, 0.6]}
    assert median_run([{"error": "killed"}]) == {"error": "killed"}


def test_the_twenty_thousand_run_is_timed_by_its_cpu_over_260_weeks():
    twenty = {"cpu_s": 0.3, "steps": 260}
    got = targets({"markets": [], "ratio": None, "twenty_thousand": twenty})
    assert got == {"20k run of 260 weeks <= 0.25 s of CPU": False}
    twenty["cpu_s"] = 0.2
    assert targets({"markets": [], "ratio": None, "twenty_thousand": twenty}) == {
        "20k run of 260 weeks <= 0.25 s of CPU": True
    }
    twenty["steps"] = 3  # a shortened bench says nothing of the target
    assert targets({"markets": [], "ratio": None, "twenty_thousand": twenty}) == {}


def test_ten_million_targets_are_issue_22s():
    huge = {"target_employees": 10_000_000, "build_s": 61.0, "step_ms_median": 900.0,
            "peak_memory_gb": 5.0}  # fmt: skip
    got = targets({"markets": [huge], "ratio": None})
    assert got == {
        "10M build_s <= 60": False,
        "10M step_ms_median <= 1000": True,
        "10M peak_memory_gb <= 8": True,
    }


def test_the_ten_million_case_runs_last_under_its_own_limit(monkeypatch):
    """``--ten-million WEEKS`` appends a market of HUGE_SIZE employees, 50 vendors,
    that many weeks and an 8 GB limit (a small HUGE_SIZE here)."""
    from experiments import bench

    calls = []
    monkeypatch.setattr(bench, "HUGE_SIZE", 2_000)
    monkeypatch.setattr(bench, "pin_to_one_core", lambda core: 0)
    monkeypatch.setattr(bench, "machine", lambda: {})
    monkeypatch.setattr(
        bench, "run_case", lambda case, **kw: calls.append((case, kw)) or {"error": "not run"}
    )
    result = bench.run_bench((1_500,), steps=2, huge_weeks=3)
    case, kw = calls[-1]
    assert case == "market" and kw["steps"] == 3 and kw["memory_limit_gb"] == 8.0
    assert kw["n_enterprises"] == enterprises_for(2_000) and kw["n_vendors"] == 50
    assert [m["target_employees"] for m in result["markets"]] == [1_500, 2_000]
    calls.clear()
    assert [m["target_employees"] for m in bench.run_bench((1_500,))["markets"]] == [1_500]


@pytest.mark.slow  # minutes: in make test (CI), not make test-quick (docs/performance.md)
def test_bench_runs_every_case_and_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    args = ["bench", "--sizes", "1500,3000", "--steps", "3", "--peer-nodes", "300",
            "--study-seeds", "2"]  # fmt: skip
    done = cli(*args, "--peer-steps", "2", "--json", str(out))
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    assert result["peer"]["agent_steps_per_s"] > 0
    default_size = load_scenario("default").params["n_enterprises"]
    assert result["default_scenario"]["steps"] == 260
    assert result["default_scenario"]["enterprises"] == default_size
    twenty = result["twenty_thousand"]
    assert len(twenty["cpu_s_runs"]) == 3 and twenty["cpu_s"] == twenty["cpu_s_runs"][1]
    assert twenty["steps"] == 3 and 15_000 < twenty["employees"] < 25_000 and twenty["cpu_s"] > 0
    assert "default scenario at" in done.stdout
    assert [m["target_employees"] for m in result["markets"]] == [1500, 3000]
    for m in result["markets"]:
        assert m["steps"] == 3 and m["step_ms_max"] >= m["step_ms_median"] > 0
        assert "1-2 self-serve adoption, user churn" in m["profile_ms_per_step"]
        assert 0 < m["peak_memory_gb"] < 3
    assert set(result["guard"]["sizes"]) == {"2000", "20000"}
    study = result["study"]
    assert (study["runs"], study["steps"], study["cores"]) == (6, 3, os.cpu_count())
    assert study["cli_wall_s"] > study["warm_wall_s"] > 0 and study["run_cpu_s"] > 0
    assert study["repeats"] == 3 and len(study["cli_walls_s"]) == len(study["warm_walls_s"]) == 3
    assert study["cli_wall_s"] == sorted(study["cli_walls_s"])[1]  # the median
    assert "salesweb study" in done.stdout
    assert result["commit"] and "guard, 2,000 employees" in done.stdout
    assert "Mesa VirusOnNetwork" in done.stdout and "Where a step's time goes" in done.stdout
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sizes", "lots"], "expected employees as integers"),
        (["--sizes", "0"], "at least 1 employee"),
        (["--sizes", "9000000"], "above its default limit of 4 GB"),
        (["--sizes", "2000000000"], "n_enterprises limit"),
        (["--ten-million", "-1"], "--ten-million"),
        (["--json", "no/such/folder/b.json"], "not a file in an existing folder"),
        (["--core", "999"], "not one of the cores"),
    ],
)
def test_bad_bench_options_get_one_error_line(args, message, tmp_path):
    done = cli(
        "bench", "--sizes", "1000", "--steps", "1", "--peer-nodes", "100", *args, cwd=tmp_path
    )
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error:") and message in done.stderr
    assert "Traceback" not in done.stderr


def test_the_machine_record_says_which_processor_beyond_its_name():
    from experiments.bench import cpu_identity

    ident = cpu_identity()
    if not Path("/proc/cpuinfo").exists():  # not Linux: nothing to read, nothing made up
        assert ident == {}
        return
    assert ident["family"].isdigit() and ident["model"].isdigit()
    assert float(ident["bogomips"]) > 0


def test_the_throughput_ratio_is_the_median_of_pairs_run_in_turn():
    """One pair's ratio swings with the peer's speed; the target reads the median pair."""
    from experiments.bench import throughput_ratio

    pairs = [
        {"ratio_s": r, "ratio_cpu_s": r + 1, "peer_agent_steps_per_s": 1.0,
         "employee_steps_per_s": r}
        for r in (120.0, 80.0, 95.0)
    ]  # fmt: skip
    result = {"markets": [], "peer": {"error": "not read"}, "throughput_pairs": pairs}
    assert throughput_ratio(result) == 95.0
    assert throughput_ratio(result, per="cpu_s") == 96.0


def test_the_study_is_timed_on_a_market_that_holds_its_employees_from_week_0():
    """The study's market is sized like the bench's other cases: with the default
    market's firm founding on, n_enterprises for 20,000 employees would build 1.6 times
    as many; the command a user would type carries the same settings."""
    from experiments.bench import SIZED
    from experiments.bench_study import EMPLOYEES, study_command, study_market
    from sim.firm_founding import market_size
    from sim.model import MarketModel
    from sim.scenarios import load_scenario

    market = study_market()
    assert market["firm_founding_rate"] == SIZED["firm_founding_rate"] == 0.0
    model = MarketModel(rng=1, **load_scenario("default").model_kwargs(**market))
    _, employees = market_size(model)
    assert employees == model.n_employees  # every employee built is in the market
    assert 0.8 * EMPLOYEES < employees < 1.2 * EMPLOYEES
    cmd = study_command(20, 260, market)
    sets = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--set"]
    assert sorted(sets) == sorted(f"{k}={v}" for k, v in market.items())
