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
    PEAK_START,
    CycleStudy,
    cross_correlation,
    cycle_report,
    detrend,
    lead_lag,
    receptivity_peaks,
    run_cycle_study,
    smooth,
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


# ------------------------------------------------------ the peak rule


def test_a_sine_with_three_clear_peaks_in_the_window_counts_three():
    t = np.arange(WEEKS + 1)
    # period 140, troughs at 104, 244, 384 and 524: peaks at 174, 314 and 454
    sine = 0.4 - 0.15 * np.cos(2 * np.pi * (t - PEAK_START) / 140)
    peaks = receptivity_peaks(sine)
    assert peaks.count == 3
    assert np.all(np.abs(peaks.weeks - np.array([174, 314, 454])) <= 1)
    assert peaks.threshold == pytest.approx(0.3 * 0.4, rel=0.05)


def test_white_noise_around_a_constant_counts_no_peak():
    rng = np.random.default_rng(7)
    counts = [
        receptivity_peaks(0.4 + 0.05 * rng.standard_normal(WEEKS + 1)).count for _ in range(20)
    ]
    assert sum(counts) <= 1  # noise with sd 0.05 (12% of the mean), smoothed, never rises 30%
    assert receptivity_peaks(np.full(WEEKS + 1, 0.97)).count == 0  # flat: no edge artefact


def test_peaks_must_rise_thirty_percent_of_the_mean_on_both_sides():
    t = np.arange(WEEKS + 1)
    small = 0.4 - 0.05 * np.cos(2 * np.pi * (t - PEAK_START) / 140)  # rises 0.10 < 0.12
    assert receptivity_peaks(small).count == 0
    # a peak that rises on one side only (a step up then a plateau) does not count
    step = np.where(t < 300, 0.2, 0.6)
    assert receptivity_peaks(step).count == 0


def test_peaks_before_week_104_are_the_launch_transient_and_not_counted():
    t = np.arange(WEEKS + 1)
    early = np.where(t < 100, 0.4 - 0.2 * np.cos(2 * np.pi * t / 50), 0.2)
    assert receptivity_peaks(early).count == 0
    assert receptivity_peaks(early, start=0).count >= 1


def test_smoothing_is_a_centred_moving_average_without_padding():
    x = np.arange(20.0)
    sm = smooth(x, 9)
    assert len(sm) == 12 and sm[0] == pytest.approx(4.0)  # week 4 = mean of weeks 0-8


@pytest.mark.slow
def test_the_cycle_preset_repeats_and_without_fatigue_it_does_not():
    """Measured first (seeds 1-3, the preset's own 200 enterprises): 4, 2 and 4 peaks."""
    from sim.model import MarketModel

    def peaks(seed, **over):
        model = MarketModel.from_scenario("sales_web_cycle", rng=seed, **over)
        for _ in range(520):
            model.step()
        return receptivity_peaks(
            model.datacollector.get_model_vars_dataframe()["buyer_receptivity"].to_numpy()
        ).count

    assert sum(peaks(s) >= 2 for s in (1, 2, 3)) >= 2
    assert peaks(1, touch_fatigue=0.0) == 0


# ------------------------------------------- the switches the cycle preset turns on


def test_entry_strategy_makes_every_entrant_take_the_category_motion():
    from sim.model import MarketModel

    model = MarketModel(
        rng=3,
        n_enterprises=20,
        n_vendors=2,
        entry_rate=1.0,
        entry_floor=1.0,
        mutation=1.0,
        entry_strategy="direct",
        horizon=30,
    )
    for _ in range(30):
        model.step()
    entrants = [v for v in model.vendor_list if v.entered > 0]
    assert len(entrants) >= 10
    assert {v.strategy for v in entrants} == {"direct"}


def test_attractiveness_tenure_reads_only_incumbents_of_that_age():
    from sim import economics
    from sim.model import MarketModel

    model = MarketModel(rng=3, n_enterprises=20, n_vendors=3, attractiveness_tenure=10)
    assert economics.market_attractiveness(model) == 0.0  # nobody has a track record yet
    for vendor in model.alive_vendors():
        vendor.entered = -10  # in the market for ten weeks
    model.vendor_list[0]._ledger.append((13 * 31_800.0, 0.0))  # a quarter's bookings, one vendor
    typical = model.burn + model.marketing_spend + model.initial_reps * model.rep_cost
    expected = 13 * 31_800.0 / 13 / 3 / typical
    assert economics.market_attractiveness(model) == pytest.approx(expected)
    model.vendor_list[2].entered = -5  # too young: left out of the average
    assert economics.market_attractiveness(model) == pytest.approx(expected * 3 / 2)
