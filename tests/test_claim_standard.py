"""The standard over CLAIMS (docs/claims.md, "The standard"; experiments/claim_standard.py).

Every claim's lever is a decision of the focal company or a named market, its switch
is a mechanism parameter and not the lever, and its effect varies across seeds. The
claims the standard replaced are kept here as planted faults: each must fail it with
the reason a reviewer gave.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from experiments.claim_list import CLAIMS
from experiments.claim_metrics import Metric
from experiments.claim_standard import (
    DECISIONS,
    NEVER_LEVERS,
    ROBUSTNESS_CANDIDATES,
    SWITCHABLE,
    identity_violations,
    lever_changes,
    violations,
)
from experiments.claims import Claim, ClaimResult, Side
from sim.params import PARAMETERS
from sim.scenarios import load_scenario

BY_KEY = {c.key: c for c in CLAIMS}


@pytest.mark.parametrize("key", list(BY_KEY))
def test_every_claim_meets_the_standard(key):
    assert violations(BY_KEY[key]) == []


def test_the_lists_name_parameters_and_do_not_overlap():
    assert DECISIONS - {"strategy"} <= set(PARAMETERS)
    assert set(NEVER_LEVERS) <= set(PARAMETERS)
    assert set(ROBUSTNESS_CANDIDATES) <= set(PARAMETERS)
    assert not DECISIONS & NEVER_LEVERS
    assert not SWITCHABLE & (NEVER_LEVERS | DECISIONS)


def test_every_switch_is_a_mechanism_no_lever_sets():
    levers = {p for c in CLAIMS for p in c.lever_params}
    for c in CLAIMS:
        assert not set(c.switch_params) & set(c.lever_params), c.key
    assert not levers & NEVER_LEVERS


def test_the_seed_003_rarity_claim_is_there():
    c = BY_KEY["superlinear_rare"]
    assert c.left.scenario == "default" and c.requirement is not None


# ---------------------------------------------------------- faults the standard catches


def _metric(model) -> float:
    return float(model.mean_openness)


M = Metric("m", _metric)


def _claim(**kw) -> Claim:
    base = dict(
        key="fault",
        title="fault",
        essay="test",
        scenario="golden_goose",
        lever="x",
        lever_kind="decision",
        lever_params=("strategy",),
        left=Side("a", {"focal": {"strategy": "hybrid"}}),
        right=Side("b", {"focal": {"strategy": "bottoms_up"}}),
        metric=M,
        expected_sign=-1,
        mechanism="x",
        mechanism_off={"brand_erosion": 0.0},
    )
    return Claim(**{**base, **kw})


def test_a_well_formed_claim_passes():
    assert violations(_claim()) == []


def test_the_old_golden_goose_varied_the_mechanism_it_measured():
    old = _claim(
        lever_params=("brand_erosion",),
        left=Side("erosion 0.05", {"brand_erosion": 0.05}),
        right=Side("no erosion", {"brand_erosion": 0.0}),
        mechanism_off={"touches_per_rep": 0},
    )
    found = " ".join(violations(old))
    assert "not a company's decision" in found
    assert "NEVER_LEVERS" in found
    assert "the focal company's" in found  # a market-wide parameter, not the company's


def test_the_old_user_not_buyer_varied_the_purchaser_itself():
    old = _claim(
        scenario="user_not_buyer",
        lever_kind="market",
        lever_params=("user_is_buyer",),
        left=Side("0.1", {"user_is_buyer": 0.1}),
        right=Side("1.0", {"user_is_buyer": 1.0}),
        mechanism_off={"inbound_close_rate": 0.0},
    )
    found = " ".join(violations(old))
    assert "two named presets" in found and "NEVER_LEVERS" in found


def test_a_switch_that_is_the_lever_is_caught():
    fault = _claim(
        lever_params=("warm_intro_share",),
        left=Side("warm", {"focal": {"warm_intro_share": 0.5}}),
        right=Side("cold", {"focal": {"warm_intro_share": 0.0}}),
        mechanism_off={"warm_intro_share": 0.0},
    )
    assert any("is the lever" in v for v in violations(fault))


def test_a_switch_that_is_no_mechanism_parameter_is_caught():
    # the old golden goose switched outbound touches off: a rep's workload, not erosion
    fault = _claim(mechanism_off={"touches_per_rep": 0})
    assert any("not mechanism parameters" in v for v in violations(fault))


def test_a_switch_that_is_a_decision_is_caught():
    fault = _claim(mechanism_off={"seat_price": 1.0})
    assert any("a decision, not a mechanism" in v for v in violations(fault))


def test_declared_lever_params_must_be_what_the_arms_set():
    fault = _claim(lever_params=("seat_price",))
    assert lever_changes(fault) == {"focal.strategy"}
    assert any("but the arms differ in ['strategy']" in v for v in violations(fault))


def test_a_decision_changes_only_the_focal_company():
    fault = _claim(right=Side("b", {"focal": {"strategy": "bottoms_up"}, "n_vendors": 3}))
    assert any("also differ in ['n_vendors']" in v for v in violations(fault))


def test_a_market_lever_is_two_named_presets():
    good = _claim(
        lever_kind="market",
        lever_params=("n_vendors",),
        left=Side("crowded", {}, scenario="oversubscribed"),
        right=Side("default", {}, scenario="default"),
        mechanism_off={"touch_fatigue": 0.0},
    )
    assert violations(good) == []
    same = dataclasses.replace(good, right=Side("same", {}, scenario="oversubscribed"))
    assert any("two named presets" in v for v in violations(same))


def test_a_needed_condition_must_be_a_named_market():
    fault = _claim(needs=("user_is_buyer",))  # golden_goose does not set it
    assert any("which its preset does not set" in v for v in violations(fault))
    assert violations(dataclasses.replace(fault, scenario="yammer_viral")) == []


def test_an_unknown_lever_kind_is_caught():
    assert violations(_claim(lever_kind="parameter")) != []


# ---------------------------------------------------------------- identities


def _result(on_left, on_right, off_left, off_right) -> ClaimResult:
    values = {
        "on": {"left": np.asarray(on_left, float), "right": np.asarray(on_right, float)},
        "off": {"left": np.asarray(off_left, float), "right": np.asarray(off_right, float)},
    }
    return ClaimResult(_claim(), [0, 1, 2], values)


def test_an_effect_equal_on_every_seed_is_an_identity():
    # the old dual motion: a - b / price on every seed, whatever the seed's weather
    r = _result([10.0, 20.0, 30.0], [-43.3, -33.3, -23.3], [1.0, 2.0, 3.0], [0.0, 1.0, 2.5])
    assert identity_violations(r) == ["mechanism on: every seed gives 53.3"]


def test_identical_arms_with_the_mechanism_off_are_allowed_a_constant_is_not():
    varied = ([1.0, 2.0, 4.0], [0.0, 0.5, 1.0])
    assert identity_violations(_result(*varied, [5.0, 6.0, 7.0], [5.0, 6.0, 7.0])) == []
    const = _result(*varied, [15.0, 16.0, 17.0], [1.0, 2.0, 3.0])
    assert identity_violations(const) == ["mechanism off: every seed gives 14"]


def test_a_nan_seed_does_not_hide_an_identity():
    r = _result([3.0, np.nan, 5.0], [1.0, 0.0, 3.0], [1.0, 2.0, 3.0], [0.0, 0.0, 0.0])
    assert identity_violations(r) == ["mechanism on: every seed gives 2"]


# --------------------------------------- every claim at a small size: no identities


@pytest.mark.slow
@pytest.mark.parametrize("key", list(BY_KEY))
def test_no_claim_is_an_identity(claim_results, key):
    """``claim_results`` (tests/conftest.py): 10 seeds, 70 enterprises, shared with test_claims."""
    assert identity_violations(claim_results[key]) == [], str(claim_results[key])


# ------------------------------------------- a needed condition is a calibrated market

CALIBRATION_SEEDS = [1, 2, 3]


def _needed_conditions() -> list[tuple[str, object]]:
    """Every (parameter, value) a claim needs that the default market does not have."""
    out = set()
    for c in CLAIMS:
        for name in c.needs:
            for side in ("left", "right"):
                value = load_scenario(c.scenario_of(side)).params[name]
                if value != PARAMETERS[name].default:
                    out.add((name, value))
    return sorted(out)


def _calibrated(overrides: dict) -> dict[str, float]:
    from concurrent.futures import ProcessPoolExecutor

    from experiments.calibration import run_outputs

    args = [("default", s, 260, overrides) for s in CALIBRATION_SEEDS]
    with ProcessPoolExecutor() as pool:
        rows = list(pool.map(run_outputs, *zip(*args, strict=True)))
    return {k: float(np.nanmean([r[k] for r in rows])) for k in rows[0]}


@pytest.fixture(scope="module")
def default_outputs() -> dict[str, float]:
    return _calibrated({})


NEEDED: dict[tuple[str, object], str] = {
    ("user_is_buyer", 1.0): "measured on 2026-12-05 with the effort pace on: where every "
    "purchaser comes, self-serve conversion is 0.228 at seeds 1-3 (the default 0.129, band "
    "0.02-0.10) and 0.226 +- 0.010 on tuning seeds 101-120 (0.217 without the pace); new "
    "ACV per rep cost is 1.98 at seeds 1-3 (band 2-8; the default 2.23) but 2.28 +- 0.05 on "
    "tuning seeds, in band. The viral claims' market is not a calibrated one",
}
"""Conditions measured out of band (an expected failure, with the numbers)."""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param(*nv, marks=pytest.mark.xfail(strict=True, reason=NEEDED[nv]))
        if nv in NEEDED
        else nv
        for nv in _needed_conditions()
    ],
)
def test_a_needed_condition_keeps_the_calibrated_outputs_in_their_bands(
    default_outputs, name, value
):
    from experiments.calibration import BANDS

    got = _calibrated({name: value})
    out = [
        f"{b.column} {got[b.column]:.3g} (default {default_outputs[b.column]:.3g}, band "
        f"{b.low:g}-{b.high:g})"
        for b in BANDS
        if _outside(b, got[b.column]) > _outside(b, default_outputs[b.column])
    ]
    assert out == [], f"default market with {name} = {value}: " + "; ".join(out)


def _outside(band, value: float) -> float:
    """How far ``value`` lies outside ``band`` (0 inside). Three seeds are noisy, so the
    default itself may sit just outside a band it holds over 20 seeds; the condition must
    then be no further out, rather than the band being left unread. An undefined output
    (NaN) is as far out as can be, as the old in-band test counted it out."""
    if math.isnan(value):
        return math.inf
    return max(band.low - value, value - band.high, 0.0)
