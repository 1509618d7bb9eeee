"""The essays' claims as paired experiments (``experiments/claims.py``).

Fast tests pin the statistics (paired effect, standard error, verdicts), the metrics
on hand-made inputs, the runner (common random numbers, the mechanism-off overrides,
a killed worker) and the report. The slow tests run every claim over 10 seeds in a
small market and assert that it holds, that its effect vanishes with its mechanism
off, and that it meets the issue's bar where the issue sets one. A claim that fails
there fails with its numbers in the message; it is not tuned until it passes.
"""

from __future__ import annotations

import dataclasses
import math
import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from experiments import claim_metrics as cm
from experiments.claim_list import CLAIMS
from experiments.claim_metrics import Metric
from experiments.claims import Claim, ClaimResult, Side, jobs_for, merge_overrides, run_claims
from experiments.claims_report import markdown, write_report
from experiments.paired import PairedEffect, holds, vanishes

# --------------------------------------------------------------------- statistics


def test_paired_effect_is_the_mean_difference_with_its_standard_error():
    e = PairedEffect.of([3.0, 5.0, 4.0, 6.0], [1.0, 2.0, 2.0, 2.0])  # differences 2, 3, 2, 4
    assert e.n == 4
    assert e.mean == pytest.approx(2.75)
    assert e.se == pytest.approx(np.std([2, 3, 2, 4], ddof=1) / 2.0)


def test_pairing_removes_what_the_arms_share():
    # seeds differ by thousands, the lever adds exactly 1: paired, there is no noise
    base = np.array([1000.0, 5000.0, 200.0, 9000.0, 40.0])
    e = PairedEffect.of(base + 1.0, base)
    assert e.mean == pytest.approx(1.0)
    assert e.se == pytest.approx(0.0, abs=1e-9)


def test_paired_effect_needs_one_value_per_seed_in_each_arm():
    with pytest.raises(ValueError, match="one value per seed"):
        PairedEffect.of([1.0, 2.0, 3.0], [1.0, 2.0])


def test_a_seed_undefined_in_either_arm_leaves_the_pair_out_of_both():
    e = PairedEffect.of([3.0, np.nan, 5.0, 9.0], [1.0, 2.0, 2.0, np.nan])
    assert e.differences.tolist() == [2.0, 3.0]  # seeds 0 and 2, still paired
    assert e.missing == 2


def test_standard_error_needs_two_seeds():
    assert math.isnan(PairedEffect.of([1.0], [0.0]).se)


def _effect(mean: float, se: float, n: int = 10) -> PairedEffect:
    """Differences with exactly this mean and standard error."""
    z = np.array([1.0, -1.0] * (n // 2))
    return PairedEffect(mean + z * se * math.sqrt(n) / np.std(z, ddof=1))


@pytest.mark.parametrize(
    ("mean", "se", "sign", "expected"),
    [
        (1.0, 0.4, 1, True),  # 2.5 SE, right sign
        (1.0, 0.4, -1, False),  # wrong sign
        (-1.0, 0.4, -1, True),
        (1.0, 0.6, 1, False),  # 1.7 SE
        (1.0, 0.5, 1, False),  # exactly 2 SE is not more than 2 SE
    ],
)
def test_holds_needs_the_expected_sign_and_more_than_two_standard_errors(mean, se, sign, expected):
    e = _effect(mean, se)
    assert e.se == pytest.approx(se)
    assert holds(e, sign) is expected


def test_holds_rejects_a_bad_sign_and_nan():
    with pytest.raises(ValueError):
        holds(_effect(1.0, 0.1), 0)
    assert not holds(PairedEffect(np.array([np.nan, 1.0])), 1)


@pytest.mark.parametrize(
    ("off_mean", "off_se", "expected"),
    [
        (0.3, 0.2, True),  # within 2 SE of zero
        (1.5, 0.1, True),  # significant but below a fifth of the on-effect (10)
        (3.0, 0.1, False),  # significant and 30% of the on-effect
        (-3.0, 0.1, True),  # reversed: nothing in the claim's direction is left
        (-30.0, 0.1, True),  # however large
        (0.0, 0.0, True),  # identical arms
    ],
)
def test_vanishes_when_nothing_in_the_claims_direction_is_left(off_mean, off_se, expected):
    on = _effect(10.0, 1.0)
    off = _effect(off_mean, off_se) if off_se else PairedEffect(np.zeros(10))
    assert vanishes(on, off, expected_sign=1) is expected
    # the same numbers for a claim that expects a fall
    mirrored = _effect(-off_mean, off_se) if off_se else off
    assert vanishes(_effect(-10.0, 1.0), mirrored, expected_sign=-1) is expected


def test_vanishes_needs_a_direction():
    with pytest.raises(ValueError, match="expected_sign"):
        vanishes(_effect(1.0, 0.1), _effect(0.0, 0.1), expected_sign=0)


# ------------------------------------------------------------------------ metrics


def test_full_cycles_counts_each_rise_and_fall():
    t = np.arange(521)
    wave = 0.5 + 0.2 * np.sin(2 * np.pi * t / 100)  # peaks at 25, 125, ..., 425
    assert cm.full_cycles(wave, swing=0.05) == 5


def test_full_cycles_ignores_noise_and_a_monotone_path():
    rng = np.random.default_rng(0)
    assert cm.full_cycles(0.5 + 0.01 * rng.standard_normal(520), swing=0.05) == 0
    recovery = 1.0 - 0.5 * 0.98 ** np.arange(520)  # receptivity with no fatigue
    assert cm.full_cycles(recovery, swing=0.05) == 0
    t = np.arange(520)
    rising_with_ripples = 0.3 + 0.3 * t / 520 + 0.015 * np.sin(2 * np.pi * t / 40)
    assert cm.full_cycles(rising_with_ripples, swing=0.05) == 0  # dips smaller than the swing


def test_lead_correlations_peak_where_reps_follow_receptivity():
    t = np.arange(400)
    receptivity = np.sin(2 * np.pi * t / 150)
    reps = np.sin(2 * np.pi * (t - 30) / 150)  # reps 30 weeks behind
    lags = range(13, 105)
    cc = cm.lead_correlations(receptivity, reps, lags)
    assert lags[int(np.argmax(cc))] == 30
    assert cm.lead_correlations(np.ones(400), reps, lags).max() == 0.0  # flat: no coupling


def _events(*rows):
    keys = ("step", "event", "vendor", "enterprise", "value", "contract")
    return [dict(zip(keys, row, strict=False)) for row in rows]


def test_focal_rep_won_acv_averages_the_first_vendors_won_deals_only():
    model = SimpleNamespace(
        vendor_list=[SimpleNamespace(name="V00"), SimpleNamespace(name="V01")],
        events=_events(
            (3, "won", "V00", 1, 1000.0),
            (4, "won", "V01", 2, 9000.0),  # a rival's
            (5, "contract", "V00", 3, 7000.0, "team plan"),  # not won by a rep
            (6, "won", "V00", 4, 3000.0),
        ),
    )
    assert cm.focal_rep_won_acv(model) == pytest.approx(2000.0)
    model.events = model.events[1:2]
    assert math.isnan(cm.focal_rep_won_acv(model))


def test_account_histories_follow_contracts_expansions_churn_and_exit():
    model = SimpleNamespace(
        steps=200,
        events=_events(
            (10, "contract", "V00", 3, 300.0, "team plan"),
            (20, "contract", "V01", 3, 600.0, "team plan"),
            (40, "contract", "V00", 3, 2400.0, "self-serve enterprise agreement"),
            (62, "expansion", "V01", 3, 300.0, "team plan"),
            (72, "churn", "V01", 3, 900.0, "team plan"),
            (90, "exit", "V00", None, -5.0),
            (150, "contract", "V02", 5, 300.0, "team plan"),
        ),
    )
    h = cm.account_histories(model)
    assert h[(3, "V00")] == [
        (10, 300.0, "team plan"),
        (40, 2400.0, "self-serve enterprise agreement"),
        (90, 0.0, "exit"),
    ]
    assert h[(3, "V01")] == [(20, 600.0, "team plan"), (62, 900.0, "expansion"), (72, 0.0, "churn")]
    # a year after landing: V00 has upgraded (2400), V01 was lost at week 72 (0);
    # V02 landed less than a year before the end and is left out
    assert cm.account_cohort(model, "team plan").tolist() == [[300.0, 2400.0], [600.0, 0.0]]
    assert cm.first_team_plan_acv(model) == pytest.approx(450.0)
    assert cm.team_plan_acv_a_year_later(model) == pytest.approx(1200.0)
    assert cm.account_retention_at_one_year(model) == pytest.approx(2400.0 / 900.0)


def test_sales_cac_counts_each_teams_first_year_from_its_own_start():
    import pandas as pd

    # sales start at week 10 with a team that grows by a rep a week (w reps at week w);
    # a rep costs 100 a week; deals won at weeks 11, 62 and 63
    weeks = np.arange(121)
    reps = np.where(weeks >= 10, weeks, 0)
    frame = pd.DataFrame(
        {"reps": reps},
        index=pd.MultiIndex.from_arrays([weeks, [7] * 121], names=["Step", "AgentID"]),
    )
    vendor = SimpleNamespace(
        index=0, unique_id=7, rep_cost=100.0, sales_start=10, name="V00",
        tactic=SimpleNamespace(outbound=True),
    )  # fmt: skip
    model = SimpleNamespace(
        steps=120,
        vendor_list=[vendor],
        vendor_dataframe=lambda: frame,
        events=_events(
            (11, "won", "V00", 1, 1.0), (62, "won", "V00", 2, 1.0), (63, "won", "V00", 3, 1.0)
        ),
    )
    # first year: weeks 11..62 pay for the reps on the books at the end of weeks 10..61,
    # and two deals fall in it (week 63 is the second year)
    assert cm.first_year_sales_cac(model) == pytest.approx(sum(range(10, 62)) * 100 / 2)
    assert cm.sales_cac(model) == pytest.approx(sum(range(10, 120)) * 100 / 3)


# ------------------------------------------------------------------------- runner

TINY = {"n_enterprises": 4, "enterprise_size_max": 80}


def _openness(model) -> float:
    return float(model.mean_openness)


OPENNESS = Metric("mean openness", _openness)


def _tiny_claim(key="tiny", left=None, right=None, **kw) -> Claim:
    return Claim(
        key=key,
        title="tiny",
        essay="test",
        scenario="generational_shift",
        lever="openness_drift",
        left=Side("drift", left if left is not None else {"openness_drift": 0.05}),
        right=Side("none", right if right is not None else {"openness_drift": 0.0}),
        metric=kw.pop("metric", OPENNESS),
        expected_sign=1,
        mechanism="turnover",
        mechanism_off={"generational_change": False},
        steps=kw.pop("steps", 8),
        **kw,
    )


def test_jobs_run_both_arms_on_the_same_seeds_and_switch_off_after_the_lever():
    claim = _tiny_claim(left={"openness_drift": 0.05, "generational_change": True})
    jobs = jobs_for(claim, [3, 4], {"n_enterprises": 5}, None)
    assert len(jobs) == 8  # 2 conditions x 2 arms x 2 seeds
    by = {(j.condition, j.reads[0][0], j.seed): j for j in jobs}
    assert {s for (_, _, s) in by} == {3, 4}
    assert by[("on", "left", 3)].overrides["generational_change"] is True
    assert by[("off", "left", 3)].overrides["generational_change"] is False  # off wins
    assert by[("off", "left", 3)].overrides["openness_drift"] == 0.05  # the lever stays
    assert all(j.overrides["n_enterprises"] == 5 for j in jobs)


def test_sides_with_the_same_arm_read_one_run():
    claim = _tiny_claim(left={}, right={})
    jobs = jobs_for(claim, [1, 2], {}, None)
    assert len(jobs) == 4  # one run per condition and seed, read as left and right
    assert {name for name, _ in jobs[0].reads} == {"left", "right"}


def _burn(model) -> float:
    return float(model.vendor_list[0].burn)


def test_every_run_value_goes_to_one_tidy_frame():
    claim = _tiny_claim(secondary=(Metric("openness again", _openness),))
    (r,) = run_claims([claim], [0, 1, 2], size=TINY, workers=1)
    frame = r.to_frame()
    assert len(frame) == 2 * 2 * 2 * 3  # conditions x sides x metrics x seeds
    main = frame[(frame.metric == OPENNESS.name) & (frame.condition == "on")]
    left = main[main.side == "left"].sort_values("seed")["value"].to_numpy()
    right = main[main.side == "right"].sort_values("seed")["value"].to_numpy()
    assert (left - right).mean() == pytest.approx(r.on.mean)
    assert set(frame.metric) == {OPENNESS.name, "openness again"}


def test_a_baseline_run_is_subtracted_seed_by_seed():
    # each arm's value is its run's metric minus the same run with the baseline added
    claim = _tiny_claim(
        left={"vendors": [{"burn": 5_000.0}]},
        right={"vendors": [{"burn": 3_000.0}]},
        metric=Metric("first vendor's burn", _burn),
        baseline={"burn": 1_000.0, "vendors": [{"burn": 1_000.0}]},
        secondary=(Metric("first vendor's burn, lever run", _burn),),
    )
    jobs = jobs_for(claim, [0, 1], TINY, None)
    assert len(jobs) == 16  # 2 conditions x 2 arms x (run + baseline run) x 2 seeds
    (r,) = run_claims([claim], [0, 1], size=TINY, workers=1)
    assert r.values["on"]["left"].tolist() == [4_000.0, 4_000.0]
    assert r.values["on"]["right"].tolist() == [2_000.0, 2_000.0]
    # secondary lines read the lever's run alone
    assert r.values["on"]["first vendor's burn, lever run/left"].tolist() == [5_000.0] * 2
    assert not any(k.endswith("~baseline") for k in r.values["on"])


def test_a_market_arm_runs_in_its_own_preset():
    claim = _tiny_claim(left={}, right={})
    claim = dataclasses.replace(
        claim,
        left=Side("shift", {}, scenario="generational_shift"),
        right=Side("still", {}, scenario="same_generation"),
    )
    jobs = jobs_for(claim, [0], TINY, None)
    assert len(jobs) == 4  # distinct presets never share a run
    assert {(j.reads[0][0], j.scenario) for j in jobs} == {
        ("left", "generational_shift"),
        ("right", "same_generation"),
    }


def test_a_baseline_keeps_the_focal_decision_of_its_arm():
    # the dual-motion baseline: the same company at the same price, bottoms-up
    assert merge_overrides(
        {"n_enterprises": 5},
        {"focal": {"seat_price": 40.0, "strategy": "hybrid"}},
        {"focal": {"strategy": "bottoms_up"}},
    ) == {"n_enterprises": 5, "focal": {"seat_price": 40.0, "strategy": "bottoms_up"}}


def test_the_mechanism_on_alone_runs_half_the_runs():
    (r,) = run_claims([_tiny_claim()], [0, 1], size=TINY, workers=1, conditions=("on",))
    assert set(r.values) == {"on"} and r.on.n == 2
    with pytest.raises(ValueError, match="conditions"):
        run_claims([_tiny_claim()], [0, 1], size=TINY, workers=1, conditions=("of",))


def test_arms_may_set_vendors_one_by_one():
    claim = _tiny_claim(left={"vendors": [{"burn": 5_000.0}]}, right={"vendors": [{"burn": 2.0}]})
    jobs = jobs_for(claim, [0], TINY, None)
    assert {j.overrides["vendors"][0]["burn"] for j in jobs} == {5_000.0, 2.0}


def test_equal_arms_give_zero_differences_on_common_random_numbers():
    claim = _tiny_claim(left={"openness_drift": 0.02}, right={"openness_drift": 0.02})
    claim = _replace_metric_sides(claim)
    (r,) = run_claims([claim], [0, 1, 2], size=TINY, workers=1)
    assert np.all(r.on.differences == 0.0) and np.all(r.off.differences == 0.0)


def _replace_metric_sides(claim: Claim) -> Claim:
    """Give the two sides distinct overrides objects so they run separately."""
    left = dataclasses.replace(claim.left, overrides={**claim.left.overrides, "burn": 10_000.0})
    right = dataclasses.replace(claim.right, overrides={**claim.right.overrides, "burn": 10_000.5})
    return dataclasses.replace(claim, left=left, right=right)


def test_worker_processes_give_the_serial_answer():
    claims = [_tiny_claim("a"), _tiny_claim("b", steps=5)]
    serial = run_claims(claims, [0, 1], size=TINY, workers=1)
    pooled = run_claims(claims, [0, 1], size=TINY, workers=2)
    for s, p in zip(serial, pooled, strict=True):
        for cond in ("on", "off"):
            for name in ("left", "right"):
                assert np.array_equal(s.values[cond][name], p.values[cond][name])
    assert serial[0].holds is pooled[0].holds


def _die_once(model) -> float:
    """Kill the worker the first time any run reaches here (marker file from the env)."""
    marker = Path(os.environ["SALESWEB_TEST_DIE_ONCE"])
    if not marker.exists():
        marker.write_text("died")
        os._exit(1)
    return float(model.mean_openness)


def test_a_killed_worker_costs_no_finished_run(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESWEB_TEST_DIE_ONCE", str(tmp_path / "marker"))
    claim = dataclasses.replace(_tiny_claim(), metric=Metric("openness", _die_once))
    done = []
    (r,) = run_claims(
        [claim], [0, 1, 2], size=TINY, workers=2, progress=lambda d, t: done.append(d)
    )
    (ref,) = run_claims([_tiny_claim()], [0, 1, 2], size=TINY, workers=1)
    assert (tmp_path / "marker").exists()
    assert np.array_equal(r.values["on"]["left"], ref.values["on"]["left"])
    assert done[-1] == 12 and len(done) == 12  # every run counted once


def test_run_claims_rejects_too_few_or_repeated_seeds():
    with pytest.raises(ValueError, match="at least 2 seeds"):
        run_claims([_tiny_claim()], [0])
    with pytest.raises(ValueError, match="distinct"):
        run_claims([_tiny_claim()], [1, 1])


# ------------------------------------------------------------------------- report


def _result(key: str, on: list[float], off: list[float]) -> ClaimResult:
    claim = _tiny_claim(key)
    n = len(on)
    values = {
        "on": {"left": np.asarray(on) + 5.0, "right": np.full(n, 5.0)},
        "off": {"left": np.asarray(off) + 5.0, "right": np.full(n, 5.0)},
    }
    return ClaimResult(claim, list(range(n)), values, 8)


def test_report_writes_a_chart_per_claim_and_the_page(tmp_path):
    results = [_result("up", [1.0, 1.2, 0.9, 1.1], [0.0, 0.1, -0.1, 0.0])]
    results.append(_result("flat", [0.1, -0.2, 0.3, -0.1], [0.0, 0.0, 0.0, 0.0]))
    path = write_report(results, tmp_path, [0, 1, 2, 3], {"n_enterprises": 4}, 1.0)
    assert path == tmp_path / "claims.md"
    for key in ("up", "flat"):
        assert (tmp_path / f"claim_{key}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = path.read_text()
    assert "1 of 2 claims hold" in text
    assert "claim_up.png" in text and "claim_flat.png" in text
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files


def test_a_page_redrawn_from_its_table_is_the_page_the_run_wrote(tmp_path):
    from experiments.claims_report import redraw

    results = [_result("up", [1.0, 1.2, 0.9, 1.1], [0.0, 0.1, -0.1, 0.0])]
    page = write_report(results, tmp_path, [0, 1, 2, 3], {"n_enterprises": 4}, 37.0)
    written = page.read_text()
    page.write_text(written.replace("1 of 1 claims hold", "stale words"))
    assert redraw(tmp_path, [r.claim for r in results]) == page
    assert page.read_text() == written  # seeds, settings and the run's 37 s kept


def test_a_redraw_without_the_runs_time_or_its_claims_says_so(tmp_path):
    from experiments.claims_report import redraw

    results = [_result("up", [1.0, 1.2], [0.0, 0.1])]
    page = write_report(results, tmp_path, [0, 1], {}, 5.0)
    with pytest.raises(ValueError, match="holds none of today's claims"):
        redraw(tmp_path)  # the table's claim "up" is not one of today's
    page.write_text("a page from elsewhere\n")
    with pytest.raises(ValueError, match="does not say how long its runs took"):
        redraw(tmp_path, [r.claim for r in results])
    assert page.read_text() == "a page from elsewhere\n"


def test_a_failed_chart_leaves_the_old_report_whole(tmp_path, monkeypatch):
    import experiments.claims_report as report

    old = tmp_path / "claims.md"
    old.write_text("old report\n")

    def broken(result, path):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report, "plot_claim", broken)
    with pytest.raises(RuntimeError):
        write_report([_result("up", [1.0, 1.1], [0.0, 0.0])], tmp_path, [0, 1], {}, 1.0)
    assert old.read_text() == "old report\n"


def test_a_report_can_be_redrawn_from_its_runs_values():
    from experiments.claims_report import results_from_frame

    r = _result("up", [1.0, 1.2, np.nan, 1.1], [0.0, 0.1, -0.1, 0.0])
    (back,) = results_from_frame(r.to_frame(), [r.claim])
    assert back.seeds == r.seeds
    for cond in ("on", "off"):
        for side in ("left", "right"):
            assert np.array_equal(back.values[cond][side], r.values[cond][side], equal_nan=True)
    assert markdown([back], back.seeds, {}, 1.0) == markdown([r], r.seeds, {}, 1.0)


def test_numbers_are_short_and_float_rounding_is_no_spread():
    from experiments.claims_report import fmt, fmt_effect

    assert [fmt(x) for x in (0.0715, 881.4, -36_800.0, 5_390_000.0)] == [
        "0.0715",
        "881",
        "-36.8k",
        "5.39M",
    ]
    assert fmt_effect(PairedEffect(np.array([19_600.0, 19_600.0 + 1e-8]))) == "19.6k ± 0"


def test_report_says_when_the_lever_works_the_other_way_without_the_mechanism():
    r = _result("rev", [1.0, 1.1, 0.9, 1.0], [-1.0, -1.1, -0.9, -1.0])
    text = markdown([r], [0, 1, 2, 3], {}, 1.0)
    assert "works significantly the other way" in text


def test_report_gives_the_command_that_remakes_it():
    """A page made from some claims, or at another size, names the options that made it."""
    r = _result("rev", [1.0, 1.1, 0.9, 1.0], [-1.0, -1.1, -0.9, -1.0])
    made_by = next(
        line
        for line in markdown([r], [0, 1, 2, 3], {"n_enterprises": 70}, 1.0).splitlines()
        if line.startswith("Made by")
    )
    assert f"`salesweb claims --seeds 4 --enterprises 70 --claim {r.claim.key}`" in made_by


# ---------------------------------------------------------------------------- CLI


def _cli(*args):
    from typer.testing import CliRunner

    from experiments.cli import app

    return CliRunner().invoke(app, list(args))


def test_cli_claims_writes_the_report(tmp_path):
    out = tmp_path / "report"
    res = _cli(
        "claims", "--seeds", "2", "--claim", "generational_change", "--enterprises", "3",
        "--weeks", "6", "--workers", "1", "--quiet", "--out", str(out),
    )  # fmt: skip
    assert res.exit_code in (0, 1), res.output
    assert "generational_change" in res.output
    assert (out / "claims.md").exists() and (out / "claim_generational_change.png").exists()
    import pandas as pd

    runs = pd.read_parquet(out / "claims.parquet")
    assert set(runs["condition"]) == {"on", "off"} and set(runs["seed"]) == {0, 1}
    assert set(runs["side"]) == {"left", "right"} and set(runs["claim"]) == {"generational_change"}


def test_cli_claims_sets_a_parameter_in_every_run_and_says_so(tmp_path):
    out = tmp_path / "report"
    res = _cli(
        "claims", "--seeds", "2", "--claim", "generational_change", "--enterprises", "3",
        "--weeks", "4", "--workers", "1", "--quiet", "--out", str(out),
        "--set", "openness_drift=0.05",
    )  # fmt: skip
    assert res.exit_code in (0, 1), res.output
    text = (out / "claims.md").read_text()
    assert "--set openness_drift=0.05" in text and "`n_enterprises = 3`" in text
    # the arms are named markets; what --set gives every run is named once
    assert "a more open generation" in text and "the same generation" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--claim", "nope"), "is not a claim"),
        (("--seeds", "1"), "seeds"),
        (("--set", "user_is_buyr=1"), "did you mean 'user_is_buyer'"),
        (("--set", "user_is_buyer=2"), "user_is_buyer"),
        (("--set", "user_is_buyer"), "expected key=value"),
    ],
)
def test_cli_claims_bad_input_is_one_error_line(tmp_path, args, message):
    res = _cli("claims", "--out", str(tmp_path / "r"), *args)
    assert res.exit_code == 2
    assert message in res.output


def test_cli_claims_refuses_a_file_as_folder(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    res = _cli("claims", "--out", str(f))
    assert res.exit_code == 2 and "error:" in res.output


# ------------------------------------------------------- on-premise holdouts (seed 000)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(5))
def test_on_prem_enterprises_are_reached_only_by_direct_deals(seed):
    """No lever here: self-service cannot enter an on-premise enterprise, reps can."""
    from sim.model import MarketModel
    from sim.population import NO_PRODUCT
    from sim.tables import ENTERPRISE

    model = MarketModel.from_scenario("on_prem_holdouts", rng=seed, n_enterprises=60)
    for _ in range(104):
        model.step()
    pop, c = model.population, model.contracts
    on_prem = pop.ent_on_prem
    in_on_prem = on_prem[pop.emp_enterprise] & (pop.emp_product != NO_PRODUCT)
    assert not (in_on_prem & ~pop.emp_mandated).any()  # every user there was mandated
    signed = np.arange(c.n)
    assert (c.kind[signed][on_prem[c.enterprise[signed]]] == ENTERPRISE).all()
    assert on_prem[c.enterprise[signed]].any()  # and reps did reach some of them


# ------------------------------------------------------------ every claim, 10 seeds

BY_KEY = {c.key: c for c in CLAIMS}


@pytest.fixture
def results(claim_results) -> dict[str, ClaimResult]:
    """Every claim over 10 seeds in a small market (tests/conftest.py, run once a session)."""
    return claim_results


# Claims that fail at this test's size (10 seeds, 70 enterprises, 156 weeks), measured and
# left failing on purpose: a small effect, or a market too small for the mechanism, or a
# claim the model does not support at any size (docs/validation/claims.md has the full
# size). Not tests to tune; strict: the day one holds here, its test says so.
OPEN = "measured at this test's size"
KNOWN_FAILURES = {
    ("holds", "viral_goes_bottoms_up"): "at 70 enterprises the direct rival's reps reach most "
    "of the market first: going bottoms-up trails going direct by 0.37M +- 0.49M",
    ("holds", "sales_too_early"): "early reps cost 5.0k +- 2.6k more per first-year deal: "
    "the right direction, 1.9 SE at this size (at full size see docs/validation/claims.md)",
    ("holds", "careful_qualification"): "qualifying lowers the focal company's CAC by 49k +- "
    "34k: the right direction within noise at this size (at full size see "
    "docs/validation/claims.md)",
    ("holds", "golden_goose"): "the hybrid signs up 187 +- 107 fewer users than staying "
    "bottoms-up: the right direction, 1.8 SE at this size",
    ("holds", "generational_change"): "bottoms-up ARR 0.20M +- 0.15M higher with the more "
    "open generation: the right direction within noise at this size",
    ("holds", "superlinear_rare"): "counted by quarters, 0.30 of the default market's "
    "bottoms-up companies grow super-linearly and 0.475 of the exceptions' (-0.175 +- "
    "0.12): in markets of 70 enterprises a quarter's sign-ups double by chance",
    ("bar", "superlinear_rare"): "0.30 of the default market's bottoms-up companies grow "
    "super-linearly (bar: below 0.2): a small market's quarters are noisy",
    ("holds", "product_that_works_expands"): "net revenue retention at quality 0.9 against "
    "0.3 is +0.29 +- 0.49 higher, defined on 4 of 10 seeds (a retention needs a base of "
    "accounts a year ago): the right direction within noise",
}
"""Measured on 2026-12-06 at engine c850d0c44de5 (the generations at work: newcomers join
the team's tool, the purchaser follows the committee's generation; golden_goose and
warm_network no longer hold at this size, sales_too_early's preset reaches as far as its
category; the others' figures re-measured), ``run_claims(CLAIMS, CLAIM_SEEDS,
size=CLAIM_SIZE)`` of tests/conftest.py; each claim at full size, 40 seeds, is in
docs/validation/claims.md."""


def _reason(kind: str, key: str) -> str | None:
    if (kind, key) in KNOWN_FAILURES:
        return f"{OPEN}: {KNOWN_FAILURES[(kind, key)]}"
    return None


def _keys(kind: str, keys: list[str]) -> list:
    return [
        pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=reason))
        if (reason := _reason(kind, k))
        else k
        for k in keys
    ]


@pytest.mark.slow
@pytest.mark.parametrize("key", _keys("holds", list(BY_KEY)))
def test_claim_holds(results, key):
    assert results[key].holds, str(results[key])


@pytest.mark.slow
@pytest.mark.parametrize("key", _keys("vanishes", list(BY_KEY)))
def test_claim_vanishes_with_its_mechanism_off(results, key):
    assert results[key].vanishes, str(results[key])


@pytest.mark.slow
@pytest.mark.parametrize("key", _keys("bar", [c.key for c in CLAIMS if c.requirement]))
def test_claim_meets_the_issues_bar(results, key):
    assert results[key].requirement_met, str(results[key])


@pytest.mark.slow  # minutes: in make test (CI), not make test-quick (docs/performance.md)
def test_the_worked_example_of_docs_claims_runs_and_holds():
    from experiments.claim_example import MARKET, SEEDS, WEEKS, claim
    from experiments.claim_standard import violations

    assert violations(claim) == []  # the docs' example meets the standard it teaches
    (r,) = run_claims([claim], SEEDS, size=MARKET, steps=WEEKS)  # what the docs print
    assert r.holds and r.vanishes, str(r)
    assert np.all(r.values["off"]["left"] == r.values["off"]["right"])  # no reach bought


def test_seed_directions_count_each_sign_and_test_the_count():
    """The report's line beside the mean: a heavy-tailed metric (warm_network's CAC: 27 of
    40 seeds lower, the mean higher) shows in how many seeds the claim's direction held."""
    from experiments.claims_report import seed_directions
    from experiments.paired import PairedEffect

    e = PairedEffect(np.array([-1.0, -2.0, -3.0, 0.0, 50.0]))
    assert e.signs(-1) == (3, 1, 1) and e.signs(+1) == (1, 3, 1)
    assert e.sign_test_p(-1) == pytest.approx(0.625)  # 3 of 4 untied: binomial, two-sided
    assert e.mean > 0  # the mean goes the other way: one extreme seed
    assert seed_directions(e, -1) == (
        "Seeds with the claimed sign (mechanism on): 3 of 5; the other sign 1, tied 1 "
        "(sign test, two-sided p = 0.62; the verdicts read the mean)."
    )
    many = PairedEffect(np.array([-1.0] * 27 + [1.0] * 13))
    assert many.sign_test_p(-1) == pytest.approx(0.0385, abs=5e-4)
    assert seed_directions(PairedEffect(np.zeros(3)), 1).endswith("the other sign 0, tied 3.")
