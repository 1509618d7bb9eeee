"""salesweb optimize: levers, a small search end to end, resuming, the held-out verdict."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from experiments.fit.simulate import Market
from experiments.fit.space import parse_dims
from experiments.optimize.heldout import held_out
from experiments.optimize.run import Plan, optimize, parse_objectives
from experiments.optimize.runs import Runner
from experiments.optimize.search import JOURNAL
from sim.params import ParameterError

TINY = {"n_enterprises": 30, "enterprise_size_max": 300}


def run_cli(capsys, *args) -> tuple[int, str, str]:
    from experiments.cli import app

    with pytest.raises(SystemExit) as info:
        app(list(args))
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def small_plan(**kw) -> Plan:
    market = Market.of("default", TINY)
    dims = parse_dims(
        ["initial_reps=0..6", "seat_price=5..200:log", "strategy=bottoms_up|direct|hybrid"],
        "--lever",
    )
    base = dict(market=market, dims=dims, objectives=("worth",), trials=4, seeds=2,
                held_out_seeds=3, steps=26, root_seed=3, workers=1)  # fmt: skip
    return Plan(**{**base, **kw})


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--lever", "seat_price=5..200:lg"], "unknown scale"),
        (["--lever", "strategy=direct|viral"], "'viral' is not allowed"),
        (
            ["--lever", "seat_price=5..200", "--objective", "profit"],
            "objective 'profit' is not allowed",
        ),
        (["--lever", "seat_price=5..200", "--objectives", "survival,worth"], "survival is a floor"),
        (["--lever", "seat_price=5..200", "--min-survival", "1.5"], "--min-survival 1.5"),
        (["--lever", "seat_price=5..200", "--set", "seat_price=9"], "also fixed by --set"),
        (["--lever", "seat_price=5..200", "--from-fit", "nowhere"], "no fit.json"),
        (["--lever", "seat_price=5..200", "--prune", "hyperband"], "--prune 'hyperband' is not"),
    ],
)
def test_cli_refuses_bad_input_with_one_line(capsys, tmp_path, args, fragment):
    code, _, err = run_cli(capsys, "optimize", "--out", str(tmp_path / "o"), *args)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
    assert fragment in lines[0]


def test_objectives_parse():
    assert parse_objectives("arr", None) == ("arr",)
    assert parse_objectives("worth", "worth,survival") == ("worth", "survival")
    with pytest.raises(ParameterError):
        parse_objectives("worth", "worth,worth")


def test_a_small_search_writes_its_folder_and_checks_on_fresh_seeds(tmp_path):
    doc = optimize(small_plan(), tmp_path)
    saved = json.loads((tmp_path / "best.json").read_text())
    assert saved["settings"] == doc["settings"] and set(saved["settings"]) == {
        "initial_reps",
        "seat_price",
        "strategy",
    }
    assert 0 <= saved["survival"] <= 1 and saved["trials"] == 4
    trials = pd.read_parquet(tmp_path / "trials.parquet")
    assert len(trials) == 4 and saved["objective"] == pytest.approx(trials["objective_worth"].max())
    check = saved["held_out"]
    assert not set(check["seeds"]) & set(saved["search_seeds"])
    assert set(check["arms"]) == {"best plan", "plain bottoms_up", "plain direct", "plain hybrid"}
    assert check["verdict"].startswith(
        "The best plan beats" if check["beats_best_plain"] else "The best plan does NOT"
    )
    for chart in ("convergence.png", "importance.png"):
        assert (tmp_path / chart).read_bytes()[:4] == b"\x89PNG"


def test_common_random_numbers_make_a_plan_score_the_same_twice():
    with Runner(Market.of("default", TINY), 26) as runner:
        a, b = runner.run([{"seat_price": 30.0}, {"seat_price": 30.0}], [11, 12])
        c = runner.run([{"seat_price": 30.0}], [13, 12])[0]
    assert a == b and a[1] == c[1] and a[0] != c[0]


def test_a_killed_search_resumes_where_it_stopped(tmp_path):
    from experiments.optimize.search import SearchSpec, open_study  # noqa: F401

    optimize(small_plan(trials=3), tmp_path)
    first = pd.read_parquet(tmp_path / "trials.parquet")
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    storage = JournalStorage(JournalFileBackend(str(tmp_path / JOURNAL)))
    optuna.load_study(
        study_name="salesweb-optimize", storage=storage
    ).ask()  # a trial a kill left running
    doc = optimize(small_plan(trials=5), tmp_path)
    after = pd.read_parquet(tmp_path / "trials.parquet")
    assert doc["trials"] == 5 and len(after) == 5
    pd.testing.assert_frame_equal(after.iloc[:3, :4], first.iloc[:3, :4])  # kept, not rerun
    study = optuna.load_study(study_name="salesweb-optimize", storage=storage)
    assert study.trials[3].state == optuna.trial.TrialState.FAIL  # the stale trial is failed
    with pytest.raises(ParameterError, match="holds a search with other settings"):
        optimize(small_plan(trials=5, seeds=3), tmp_path)


class FakeRunner:
    """Ends with a fixed worth per arm and seed: the verdict's arithmetic alone."""

    def __init__(self, worth: dict[str, list[float]]):
        self.worth = worth

    def run(self, plans, seeds):
        keys = ["plan"] + [p["strategy"] for p in plans[1:]]
        return [[{"arr": 0.0, "cash": w, "survived": 1.0} for w in self.worth[k]] for k in keys]


@pytest.mark.parametrize("margin", [5.0, 0.5, -5.0])
def test_the_verdict_says_plainly_when_the_plan_does_not_win(margin):
    """A plan ahead on average but inside the noise (margin 0.5, swings of +-4.5) does not win."""
    base = list(100 + np.arange(10.0))
    swing = [4.5, -4.5] * 5
    worth = {
        "plan": [b + margin + s for b, s in zip(base, swing, strict=True)],
        "bottoms_up": [b - 50 for b in base],
        "direct": base,
        "hybrid": [b - 20 for b in base],
    }
    check = held_out(FakeRunner(worth), {"strategy": "direct"}, list(range(10)), "worth", 0.0)
    assert check["best_plain"] == "plain direct"
    assert check["arms"]["plain direct"]["plan_minus_mean"] == pytest.approx(margin)
    assert check["beats_best_plain"] == (margin == 5.0)
    assert ("does NOT beat" in check["verdict"]) == (margin != 5.0)
    assert ("it is worse on fresh seeds: choose plain direct" in check["verdict"]) == (margin < 0)


def test_from_fit_draws_the_market_from_the_posterior_per_replicate(tmp_path):
    doc = {"kind": "salesweb fit", "scenario": "default", "overrides": TINY, "focal": {},
           "parameters": {"marketing_spend": {"estimate": 3000.0}}}  # fmt: skip
    (tmp_path / "fit.json").write_text(json.dumps(doc))
    pd.DataFrame({"marketing_spend": [1000.0, 20000.0], "weight": [0.5, 0.5]}).to_parquet(
        tmp_path / "posterior.parquet"
    )
    out = tmp_path / "opt"
    d = optimize(small_plan(trials=2, seeds=4, from_fit=str(tmp_path)), out)
    from experiments.optimize.run import _draws

    draws = _draws(str(tmp_path), 4, 3)
    assert {x["marketing_spend"] for x in draws} <= {1000.0, 20000.0} and len(
        {x["marketing_spend"] for x in draws}
    ) == 2
    assert d["from_fit"] == str(tmp_path)
