"""The search's saved work: runs stop at the focal company's exit, trials are pruned on
their first seeds (recorded as such), and a killed search with pruned trials resumes."""

from __future__ import annotations

import math

import numpy as np
import optuna
import pandas as pd
import pytest
from test_optimize import TINY, small_plan

from experiments.fit.simulate import Market
from experiments.fit.space import parse_dims
from experiments.optimize.pruning import Pruning
from experiments.optimize.run import optimize
from experiments.optimize.runs import END_FIGURES, run_plan
from experiments.optimize.search import SearchSpec, open_study, search, trials_frame
from experiments.study import run_one, study_seeds

DYING = [
    {"initial_cash": 100_000.0, "initial_reps": 10, "strategy": "direct"},
    {"initial_cash": 300_000.0, "initial_reps": 6, "strategy": "hybrid"},
]


@pytest.mark.parametrize("plan", [*DYING, {"strategy": "bottoms_up"}])
def test_a_run_stopped_at_the_exit_returns_what_the_full_run_does(plan):
    """Same figures as the study's full 40-week run; a company that exits stops early."""
    market = Market.of("default", TINY)
    for seed in (1, 2):
        kwargs = market.kwargs(plan, seed)
        short = run_plan((0, 0, kwargs, 40))
        full = run_one((0, 0, kwargs, 40)).end
        assert short.end == {k: full[k] for k in END_FIGURES}
        if full["survived"]:
            assert short.weeks == 40
        else:  # the planted fault 'stop while the company is short of cash' fails here
            assert short.weeks == full["exit_week"] < 40


class FakeRunner:
    """A market in a formula: worth peaks at seat_price 50, seeds shift every plan
    alike (common random numbers), a seat price above 150 dies on every seed."""

    workers = 1
    weeks = 0

    def __init__(self, fail_after: int | None = None):
        self.jobs: list[tuple[float, int]] = []
        self.fail_after = fail_after

    def run_jobs(self, jobs, seeds):
        if self.fail_after is not None and len(self.jobs) >= self.fail_after:
            raise KeyboardInterrupt  # the search killed mid-way
        assert len(self.jobs) + len(jobs) <= 40 * 10, "more runs than 40 trials x 10 seeds"
        out = []
        for plan, i in jobs:
            price = plan["seat_price"]
            self.jobs.append((price, i))
            dies = price > 150
            worth = 1e6 - 4e5 * math.log(price / 50) ** 2 + 1e5 * np.sin(seeds[i]) + 1e3 * i
            out.append({"survived": 0.0 if dies else 1.0, "exit_week": 5.0 if dies else math.nan,
                        "arr": 0.0 if dies else worth / 5, "cash": -1.0 if dies else 0.0})  # fmt: skip
        return out


def fake_search(folder, trials, prune="wilcoxon", runner=None, min_survival=0.8):
    dims = parse_dims(["seat_price=5..200:log"], "--lever")
    spec = SearchSpec("default", ("seat_price=5..200:log",), ("worth",), min_survival,
                      tuple(study_seeds(10, 4)), 26, prune=prune)  # fmt: skip
    study = open_study(folder, spec, 4)
    runner = runner or FakeRunner()
    search(study, spec, dims, runner, trials, batch=4)
    return study, spec, runner


def test_pruned_trials_ran_their_first_seeds_and_are_recorded_as_pruned(tmp_path):
    study, spec, runner = fake_search(tmp_path, 40)
    frame = trials_frame(study, spec)
    assert len(frame) == 40 and set(frame["state"]) == {"complete", "pruned"}
    done = frame[frame["state"] == "complete"]
    pruned = frame[frame["state"] == "pruned"]
    assert (done["seeds_used"] == 10).all() and set(pruned["seeds_used"]) <= {4, 7}
    assert len(pruned) >= 10 and not pruned["feasible"].any()
    for row in frame.itertuples():  # the seeds it used are the first ones, each run once
        ran = sorted(i for p, i in runner.jobs if p == row.lever_seat_price)
        assert ran == list(range(row.seeds_used)) and list(row.seeds) == list(
            spec.seeds[: len(ran)]
        )
    assert len(runner.jobs) == frame["seeds_used"].sum() < 40 * 10
    # every plan that dies is stopped by the floor at its first stage, never completed
    dead = frame[frame["lever_seat_price"] > 150]
    assert len(dead) and (dead["pruned_by"] == "survival floor").all()
    assert (dead["seeds_used"] == 4).all()

    # a trial the test pruned is worse than the best complete one (the seeds shift both alike)
    def off(price):
        return np.abs(np.log(np.asarray(price, float) / 50))

    by_wilcoxon = pruned[pruned["pruned_by"] == "wilcoxon"]
    best_price = done.loc[done["objective_worth"].idxmax(), "lever_seat_price"]
    assert len(by_wilcoxon) and (off(by_wilcoxon["lever_seat_price"]) > off(best_price)).all()
    best = study.best_trial
    assert best.state == optuna.trial.TrialState.COMPLETE and best.user_attrs["seeds_used"] == 10


def test_without_pruning_every_trial_runs_every_seed(tmp_path):
    study, spec, runner = fake_search(tmp_path, 12, prune="none")
    frame = trials_frame(study, spec)
    assert (frame["state"] == "complete").all() and len(runner.jobs) == 12 * 10


def test_a_killed_search_with_pruned_trials_resumes_where_it_stopped(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        fake_search(tmp_path, 30, runner=FakeRunner(fail_after=120))
    study, spec, _ = fake_search(tmp_path, 30)  # reopened: the kill's trials are failed
    states = [t.state for t in study.trials]
    told = [s for s in states if s != optuna.trial.TrialState.FAIL]
    assert len(told) == 30 and optuna.trial.TrialState.FAIL in states
    frame = trials_frame(study, spec)
    assert len(frame) == 30 and (frame["state"] == "pruned").any()
    fresh = open_study(tmp_path, spec, 4)  # a third run has nothing left to do
    runner = FakeRunner()
    search(fresh, spec, parse_dims(["seat_price=5..200:log"], "--lever"), runner, 30, batch=4)
    assert runner.jobs == []


def test_pruning_stages():
    assert Pruning("wilcoxon", 10, 0.8).checkpoints() == [4, 7, 10]
    assert Pruning("halving", 10, 0.8).checkpoints() == [2, 4, 8, 10]
    assert Pruning("none", 10, 0.8).checkpoints() == [10]
    floor = Pruning("wilcoxon", 10, 0.8)  # at most 2 exits in 10 seeds
    assert not floor.cannot_meet_floor(2) and floor.cannot_meet_floor(3)


def test_a_real_search_prunes_and_writes_the_pruned_rows(tmp_path):
    """The default market, tiny: pruned rows reach trials.parquet and best.json counts them."""
    doc = optimize(
        small_plan(trials=6, seeds=5, steps=13, held_out_seeds=2, min_survival=1.0), tmp_path
    )
    frame = pd.read_parquet(tmp_path / "trials.parquet")
    assert doc["trials"] == len(frame) == 6
    assert doc["pruned"] == int((frame["state"] == "pruned").sum())
    assert doc["search_runs"] == frame["seeds_used"].sum()
    assert frame.loc[frame["state"] == "complete", "seeds_used"].eq(5).all()
    if doc["settings"] is not None:
        assert frame.set_index("trial").loc[doc["trial"], "state"] == "complete"


def test_a_pareto_search_prunes_nothing_and_gives_its_front(tmp_path):
    plan = small_plan(objectives=("worth", "survival"), trials=4, seeds=5, steps=13,
                      held_out_seeds=2, min_survival=1.0)  # fmt: skip
    doc = optimize(plan, tmp_path)
    frame = pd.read_parquet(tmp_path / "trials.parquet")
    assert doc["prune"] == "none" and doc["pruned"] == 0 and len(doc["pareto"]) >= 1
    assert (frame["state"] == "complete").all() and (frame["seeds_used"] == 5).all()


def test_the_prune_check_prose_reads_its_table():
    """docs/optimize.md's reading of the prune check (regenerated by
    experiments.optimize_prune_check) says what the table shows: halving's plan never
    distinguishably worse, and how often Wilcoxon's is behind and where it is worse."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "optimize.md").read_text("utf-8")
    table = doc.split("<!-- begin prune-check -->")[1].split("<!-- end prune-check -->")[0]
    rows = re.findall(
        r"^\| (\d+) \| (wilcoxon|halving) \| \d+ \| \d+ \| [^|]+ \| ([-+]?[\d.]+[kM]?) "
        r"\(([-+]?[\d.]+[kM]?) to ([-+]?[\d.]+[kM]?)\) \|$",
        table,
        re.M,
    )

    def usd(text: str) -> float:
        scale = {"k": 1e3, "M": 1e6}.get(text[-1], 1.0)
        return float(text.rstrip("kM")) * scale

    halving = [r for r in rows if r[1] == "halving"]
    wilcoxon = [r for r in rows if r[1] == "wilcoxon"]
    assert len(halving) == len(wilcoxon) == 6
    assert all(usd(high) >= 0 for *_, high in halving)  # never wholly below zero
    behind = sum(usd(mean) < 0 for _, _, mean, _, _ in wilcoxon)
    worse = [root for root, _, _, _, high in wilcoxon if usd(high) < 0]
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
    prose = " ".join(doc.split("<!-- end prune-check -->")[1].split())
    assert f"Wilcoxon's is behind on {words[behind]} of the six" in prose
    assert f"distinguishably worse on {words[len(worse)]} (root seed {', '.join(worse)})" in prose
