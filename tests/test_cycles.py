"""The sales web cycle study (``experiments/cycles.py``, ``salesweb cycle``).

Hand-made paths pin what the study measures: the lag at which receptivity now best
predicts reps later, the detrending that keeps a slow drift from posing as a lead, and
the cycle count, which must not count noise. One small real study checks the runner
and the report end to end.
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments.cycles import (
    ARMS,
    CycleStudy,
    cross_correlation,
    cycle_report,
    detrend,
    lead_lag,
    run_cycle_study,
)

WEEKS = 520


def _study(receptivity: np.ndarray, reps: np.ndarray, burn_in: int = 0) -> CycleStudy:
    paths = {arm: receptivity[None, :] for arm in ARMS}
    return CycleStudy(
        seeds=[0],
        steps=len(receptivity) - 1,
        burn_in=burn_in,
        receptivity=paths,
        reps={arm: reps[None, :] for arm in ARMS},
        vendors={arm: np.ones((1, len(receptivity))) for arm in ARMS},
    )


def test_lead_lag_finds_how_far_reps_follow_receptivity():
    t = np.arange(WEEKS)
    receptivity = 0.5 + 0.2 * np.sin(2 * np.pi * t / 150)
    reps = 40 + 10 * np.sin(2 * np.pi * (t - 35) / 150)  # reps 35 weeks behind
    ll = lead_lag(receptivity, reps, max_lag=100)
    assert ll.lag == 35
    assert ll.correlation == pytest.approx(1.0, abs=0.01)
    assert len(ll.correlations) == 101


def test_cross_correlation_of_a_constant_is_undefined_not_a_number_that_misleads():
    cc = cross_correlation(np.ones(100), np.arange(100.0), 10)
    assert np.all(np.isnan(cc))


def test_detrending_removes_a_slow_drift_and_keeps_the_cycle():
    t = np.arange(WEEKS)
    cycle = 0.1 * np.sin(2 * np.pi * t / 52)
    drifting = 0.3 + t / WEEKS + cycle
    d = detrend(drifting, 157)
    inner = slice(157, WEEKS - 157)  # away from the padded edges
    assert abs(d[inner].mean()) < 0.01
    assert np.corrcoef(d[inner], cycle[inner])[0, 1] > 0.95


def test_cycles_count_swings_of_receptivity_and_never_noise():
    t = np.arange(WEEKS + 1)
    rng = np.random.default_rng(4)
    wave = _study(0.5 + 0.1 * np.sin(2 * np.pi * t / 150), np.ones(WEEKS + 1))
    noise = _study(0.5 + 0.005 * rng.standard_normal(WEEKS + 1), np.ones(WEEKS + 1))
    assert wave.cycles("fatigue on") == [4]  # peaks at weeks 38, 188, 338 and 488
    assert noise.cycles("fatigue on") == [0]


def test_the_burn_in_is_left_out_of_the_cycle_count():
    t = np.arange(WEEKS + 1)
    early_swings = np.where(t < 200, 0.5 + 0.1 * np.sin(2 * np.pi * t / 60), 0.5)
    assert _study(early_swings, np.ones(WEEKS + 1)).cycles("fatigue on")[0] >= 2
    assert _study(early_swings, np.ones(WEEKS + 1), burn_in=220).cycles("fatigue on") == [0]


def test_a_small_study_runs_both_arms_on_the_same_seeds_and_reports_them():
    study = run_cycle_study([1, 2], steps=40, burn_in=4, workers=1)
    for arm in ARMS:
        assert study.receptivity[arm].shape == (2, 41)
        assert study.reps[arm].shape == (2, 41)
    # without fatigue nobody's attention wears down, so mean receptivity never falls
    off = study.receptivity["fatigue off"]
    assert np.all(np.diff(off, axis=1) >= -1e-12)
    assert np.any(np.diff(study.receptivity["fatigue on"], axis=1) < 0)
    text = cycle_report(study)
    assert "| fatigue on |" in text and "| fatigue off |" in text
    assert "seeds 1-2" in text
