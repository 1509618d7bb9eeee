"""The model reproduces known results in its limits (issue #3; MODEL.md "Checks against theory").

Fast tests check the formulas of :mod:`sim.theory` and one-step expectations of the
engine against them; the ``slow`` tests are the statistical checks over seeds (the
same runners as ``salesweb validate``, at a smaller size).

Tolerances (measured with the settings below; ``docs/theory.md`` has the numbers):

* Bass: the standard deviation of one run's share across seeds is at most 0.034 at
  any week (N = 1000, the steepest setting; 0.022 for p + q = 0.1), so the mean of 16
  seeds has a standard error of at most 0.0085; the bias of the mean against the
  recursion (Jensen's inequality, measured with 40 seeds) is below 0.001. The 0.02
  bound of the issue is therefore 2.4 standard errors at the single worst week of the
  steepest curve and more everywhere else; the largest deviations measured are
  0.003-0.007. The recursion itself is 0.008-0.05 from the continuous curve (the
  weekly step; docs/theory.md).
* Predator-prey: over 8 seeds of 8 periods each, a single seed's period estimate
  spreads by 13-15% (standard deviation) around the prediction, and the 8-seed
  estimate is 2-3% below it (211-214, 133, 96 weeks predicted; 207, 131, 93
  measured). With 4 seeds of 8 periods the standard error is about 7%, so the 20%
  bound is 2.5 standard errors beyond the bias.
* Networks: the mean over 8 seeds must never exceed the complete graph by more than 3
  standard errors of the difference, and must fall below it by more than 0.05
  somewhere (the measured shortfall is 0.09-0.12).

References
----------
Bass, F. M. (1969). A new product growth for model consumer durables. Management
Science 15(5), 215-227.
Fibich, G. and Gibori, R. (2010). Aggregate diffusion dynamics in agent-based models
with a spatial structure. Operations Research 58(5), 1450-1468.
Lotka, A. J. (1925). Elements of Physical Biology; Volterra, V. (1926). Nature 118.
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments.validate import (
    BASS_SETTINGS,
    PP_SETTINGS,
    pp_steps,
    run_bass,
    run_networks,
    run_predator_prey,
)
from sim import theory
from sim.model import MarketModel

BASS_N = 1000
BASS_SEEDS = range(16)
PP_SEEDS = range(4)
NET_SEEDS = range(8)

# ------------------------------------------------------------------ formulas (fast)


def test_bass_closed_form_solves_the_bass_equation():
    p, q = 0.02, 0.2
    t = np.linspace(0, 60, 6001)
    f = theory.bass_cdf(t, p, q)
    assert f[0] == 0.0
    slope = np.gradient(f, t)
    np.testing.assert_allclose(slope[1:-1], ((1 - f) * (p + q * f))[1:-1], atol=1e-6)
    assert theory.peak_time(theory.bass_cdf(np.arange(200), p, q), p, q) == pytest.approx(
        theory.bass_peak_time(p, q), abs=0.05
    )


def test_degree_mean_field_on_equal_degrees_is_the_bass_recursion():
    # everyone of degree k: k adopting colleagues per share, as the recursion's n
    p, v, k, steps = 0.01, 0.02, 12, 80
    hmf = theory.degree_mean_field(p, v, np.full(500, k), steps)
    assert hmf == pytest.approx(theory.bass_recursion(p, v, k, steps), abs=1e-12)


def test_unequal_degrees_spread_faster_at_first_than_equal_ones():
    # the same mean degree (10) and per-colleague virality; the well-connected are
    # persuaded first and persuade more (Pastor-Satorras and Vespignani 2001)
    p, v, steps = 0.002, 0.03, 60
    equal = theory.degree_mean_field(p, v, np.full(1000, 10), steps)
    spread = theory.degree_mean_field(p, v, np.repeat([2, 18], 500), steps)
    assert spread[20] > equal[20] + 0.01
    assert np.all(np.diff(spread) >= 0) and spread[-1] <= 1.0


def test_bass_recursion_tends_to_closed_form_as_hazards_shrink():
    """The weekly recursion is an Euler step: its gap to F(t) shrinks with p + q."""
    gaps = []
    for scale in (1.0, 0.5, 0.25):
        p, q, n = 0.02 * scale, 0.2 * scale, 100_000
        steps = int(10 / (p + q))
        rec = theory.bass_recursion(p, q / n, n, steps)
        gaps.append(np.abs(rec - theory.bass_cdf(np.arange(steps + 1), p, q)).max())
    assert gaps[0] > gaps[1] > gaps[2]
    assert gaps[2] < 0.015


def test_bass_overrides_realise_p_q_n():
    model = MarketModel.from_scenario("bass", rng=0, **theory.bass_overrides(0.02, 0.1, 300))
    assert model.n_employees == 300
    assert theory.bass_pq(model.marketing_reach, model.virality, model.n_employees) == (
        pytest.approx(0.02),
        pytest.approx(0.1),
    )


def test_bass_first_week_matches_recursion():
    """E[share after one week] = p exactly: no other mechanism adds or removes users."""
    p, q, n = 0.05, 0.1, 400
    shares = []
    for seed in range(30):
        model = MarketModel.from_scenario("bass", rng=seed, **theory.bass_overrides(p, q, n))
        model.step()
        shares.append(model.adoption_rate)
    se = np.sqrt(p * (1 - p) / n / 30)
    assert abs(np.mean(shares) - p) < 4 * se


def test_jacobian_trace_and_determinant_match_model_md():
    pp = theory.predator_prey_coefficients(theory.scenario_params("predator_prey"))
    r, _ = theory.equilibrium(pp)
    jac = theory.jacobian(pp)
    assert np.trace(jac) == pytest.approx(-pp.c / r)
    assert np.linalg.det(jac) == pytest.approx(pp.delta * pp.c * (1 - r))
    assert np.all(theory.eigenvalues(pp).real < 0)


def test_map_fixed_point_is_a_fixed_point():
    pp = theory.predator_prey_coefficients(theory.scenario_params("predator_prey"))
    r, y = theory.map_equilibrium(pp)
    traj = theory.mean_field_map(pp, r, y, 3000)
    # the first `delay` weeks have no hires (nothing in the pipeline), then it settles back
    np.testing.assert_allclose(traj[-1], [r, y], rtol=1e-3)


@pytest.mark.parametrize(
    "name, value",
    [
        ("receptivity_recovery", 0.02),
        ("touches_per_rep", 2),
        ("rep_hiring_rate", 2.0),
        ("rep_attrition", 0.05),
    ],
)
def test_overrides_move_the_predicted_period(name, value):
    base = theory.predicted_period("predator_prey")
    moved = theory.predicted_period("predator_prey", **{name: value})
    assert abs(moved - base) / base > 0.1


def test_touch_fatigue_scales_reps_not_the_period():
    """beta = f tau / B only sets Y*: the period depends on c, delta, gamma (MODEL.md)."""
    a = theory.predator_prey_coefficients(theory.scenario_params("predator_prey"))
    b = theory.predator_prey_coefficients(
        theory.scenario_params("predator_prey", touch_fatigue=0.25)
    )
    assert a.beta == pytest.approx(2 * b.beta, rel=0.02)
    assert theory.equilibrium(b)[1] == pytest.approx(2 * theory.equilibrium(a)[1], rel=0.05)
    assert theory.predicted_period("predator_prey", touch_fatigue=0.25) == pytest.approx(
        theory.predicted_period("predator_prey"), rel=0.05
    )


def test_outside_the_limit_is_refused():
    with pytest.raises(ValueError, match="rep_ramp_weeks"):
        theory.predator_prey_coefficients(
            theory.scenario_params("predator_prey", rep_ramp_weeks=13)
        )


def test_one_week_of_touches_matches_beta():
    """Mean receptivity after week 1 is c + (1 - c) R0 exp(-beta Y0), as derived."""
    params = theory.scenario_params("predator_prey")
    pp = theory.predator_prey_coefficients(params)
    r0, y0 = params["receptivity_initial"], params["initial_reps"]
    expected = pp.c + (1 - pp.c) * r0 * np.exp(-pp.beta / pp.spare * y0)  # spare = 1 at week 1
    got = []
    for seed in range(5):
        model = MarketModel.from_scenario("predator_prey", rng=seed)
        model.step()
        got.append(model.buyer_receptivity)
    # per buyer the drop is 0 or R0 (fatigue 1): sd of the mean ~ R0 sqrt(touched share / B)
    se = r0 * np.sqrt(y0 / pp.buyers / pp.buyers / len(got))
    assert abs(np.mean(got) - expected) < 4 * se + 1e-4


def test_measurement_recovers_a_known_period():
    rng = np.random.default_rng(0)
    # AR(2) with a damped cycle of period 50 weeks
    w, rho = 2 * np.pi / 50, 0.97
    x = np.zeros(4000)
    for t in range(2, len(x)):
        x[t] = 2 * rho * np.cos(w) * x[t - 1] - rho**2 * x[t - 2] + rng.standard_normal()
    assert theory.dominant_period(x) == pytest.approx(50, rel=0.05)
    assert theory.spectral_period(list(x.reshape(8, 500))) == pytest.approx(50, rel=0.15)
    assert theory.peak_lag(x[:-5], x[5:], 20) == -5


# -------------------------------------------------------------- statistical (slow)


@pytest.fixture(scope="module")
def bass_results():
    return [run_bass(p, q, BASS_N, BASS_SEEDS) for p, q in BASS_SETTINGS]


@pytest.mark.slow
def test_bass_mean_follows_recursion_and_closed_form(bass_results):
    assert len(bass_results) >= 3
    for b in bass_results:
        assert b.max_dev_recursion <= 0.02, (b.p, b.q, b.max_dev_recursion)
        if b.p + b.q <= 0.1:
            assert b.max_gap_closed_form <= 0.05, (b.p, b.q, b.max_gap_closed_form)
        # the weekly step's own cost: recursion vs continuous curve
        assert b.recursion_vs_closed_form < 0.1


@pytest.mark.slow
def test_bass_peak_time(bass_results):
    for b in bass_results:
        assert b.peak_error <= 0.10, (b.p, b.q, b.peak_sim, b.peak_recursion)
        if b.p + b.q <= 0.1:
            assert b.peak_error_closed_form <= 0.10


@pytest.fixture(scope="module")
def pp_results():
    return [
        run_predator_prey(label, ov, PP_SEEDS, steps=pp_steps(ov, periods=8))
        for label, ov in PP_SETTINGS.items()
    ]


@pytest.mark.slow
def test_predator_prey_settings_span_two_fold(pp_results):
    periods = [r.predicted for r in pp_results]
    assert len(periods) >= 3
    assert max(periods) >= 2 * min(periods)


@pytest.mark.slow
def test_predator_prey_oscillates_at_predicted_period(pp_results):
    for r in pp_results:
        assert r.oscillates, (r.label, r.measured)
        assert r.period_error <= 0.20, (r.label, r.period, r.predicted)


@pytest.mark.slow
def test_reps_peaks_lag_receptivity_peaks(pp_results):
    for r in pp_results:
        assert r.reps_lag, (r.label, r.measured["lag"], r.predicted)


@pytest.mark.slow
def test_networks_adopt_below_the_complete_graph_and_their_degree_mean_field():
    nets = run_networks(0.01, 0.2, BASS_N, NET_SEEDS)
    ex = nets.excess("small_world")
    assert nets.below("small_world"), (ex.max(), ex.min())  # equal degrees
    for net in ("hierarchy", "small_world"):
        exm = nets.excess_over_mean_field(net)
        assert nets.below_mean_field(net), (net, exm.max(), exm.min())


def test_validate_cli_refuses_a_file_as_out(tmp_path):
    from typer.testing import CliRunner

    from experiments.cli import app

    target = tmp_path / "report.md"
    target.write_text("x")
    result = CliRunner().invoke(app, ["validate", "--out", str(target), "--quiet"])
    assert result.exit_code == 2
    assert "is a file" in result.output
