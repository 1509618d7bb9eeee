"""Robustness of a claim to +-25% moves (experiments/claim_robust.py) and the dual-motion
breakeven (experiments/breakeven.py): which parameters move, by how much, and what the
reports say, on hand-made claims and a tiny market."""

from __future__ import annotations

import math

import numpy as np
import pytest

from experiments.breakeven import Breakeven, crossing, run_breakeven
from experiments.claim_list import CLAIMS
from experiments.claim_metrics import Metric
from experiments.claim_robust import (
    Variant,
    moved,
    robust_params,
    robustness_markdown,
    run_robustness,
    variants_of,
)
from experiments.claim_standard import ROBUSTNESS_CANDIDATES
from experiments.claims import Claim, Side
from experiments.paired import PairedEffect

TINY = {"n_enterprises": 4, "enterprise_size_max": 80}


def _openness(model) -> float:
    return float(model.mean_openness)


def _claim(**kw) -> Claim:
    base = dict(
        key="tiny",
        title="tiny",
        essay="test",
        scenario="generational_shift",
        lever="x",
        lever_kind="decision",
        lever_params=("strategy",),
        left=Side("a", {"focal": {"strategy": "bottoms_up"}}),
        right=Side("b", {"focal": {"strategy": "hybrid"}}),
        metric=Metric("openness", _openness),
        expected_sign=1,
        mechanism="x",
        mechanism_off={"generational_change": False},
        steps=6,
    )
    return Claim(**{**base, **kw})


def test_the_three_moved_parameters_are_ones_the_claim_does_not_name():
    assert robust_params(_claim()) == ROBUSTNESS_CANDIDATES[:3]
    named = _claim(mechanism_off={"receptivity_recovery": 1.0}, needs=("base_win_rate",))
    assert robust_params(named) == ("n_enterprises", "user_churn", "marketing_reach")
    assert robust_params(_claim(robust_to=("burn", "quality", "seat_price"))) == (
        "burn",
        "quality",
        "seat_price",
    )


def test_a_parameter_at_zero_is_skipped():
    # 25% of nothing moves nothing
    assert "base_win_rate" not in robust_params(_claim(), {"base_win_rate": 0.0})


def test_every_claim_moves_three_parameters_outside_its_lever_and_switch():
    for c in CLAIMS:
        picked = set(robust_params(c))
        assert len(picked) == 3, c.key
        assert not picked & (set(c.lever_params) | set(c.switch_params) | set(c.needs)), c.key


def test_moves_are_a_quarter_either_way_within_range():
    assert moved("n_enterprises", 70, 0.75) == 52 and moved("n_enterprises", 70, 1.25) == 88
    assert moved("receptivity_recovery", 0.002, 1.25) == pytest.approx(0.0025)
    assert moved("base_win_rate", 0.9, 1.25) == 1.0  # a probability stays one


def test_variants_set_the_moved_value_in_both_arms_and_keep_the_lever():
    vs = variants_of(_claim(), {"n_enterprises": 40})
    assert len(vs) == 7 and vs[0][1] == ""  # as defined, then 3 x (-25%, +25%)
    claim, name, factor, value = vs[3]
    assert (name, factor, value) == ("n_enterprises", 0.75, 30)
    assert claim.left.overrides == {"n_enterprises": 30, "focal": {"strategy": "bottoms_up"}}
    assert claim.right.overrides["n_enterprises"] == 30
    assert len({v[0].key for v in vs}) == 7


def test_direction_kept_and_holds():
    up = PairedEffect(np.array([1.0, 1.2, 0.8, 1.1]))
    noisy = PairedEffect(np.array([1.0, -0.9, 0.7, -0.5]))
    assert Variant(_claim(), "", 1.0, None, up).holds
    v = Variant(_claim(), "burn", 1.25, 8750.0, noisy)
    assert v.direction_kept and not v.holds
    assert not Variant(_claim(expected_sign=-1), "", 1.0, None, up).direction_kept
    assert v.label == "burn +25% (8750)"


def test_a_tiny_robustness_run_reports_six_moves_per_claim():
    table = run_robustness([_claim()], [0, 1], size=TINY, workers=1)
    (variants,) = table.values()
    assert len(variants) == 7 and all(v.effect.n == 2 for v in variants)
    text = robustness_markdown(table, [0, 1])
    assert "| tiny |" in text and "of 6" in text


# ------------------------------------------------------------------ breakeven


def test_the_breakeven_is_where_the_edge_first_rises_through_zero():
    assert crossing([1, 2, 5, 10], [-2.0, -1.0, 1.0, 2.0]) == pytest.approx(3.5)
    assert math.isnan(crossing([1, 2, 5], [-3.0, -2.0, -1.0]))  # never pays in the ladder
    assert math.isnan(crossing([1, 2, 5], [1.0, 2.0, 3.0]))  # pays below the ladder
    assert crossing([1, 2, 5], [-1.0, np.nan, 2.0]) != crossing([1, 2, 5], [-1.0, 0.5, 2.0])


def test_the_breakeven_varies_across_seeds_and_says_so():
    b = Breakeven(
        prices=(1.0, 2.0, 5.0),
        seeds=[0, 1, 2],
        edges=np.array([[-2.0, 1.0, 3.0], [-2.0, -1.0, 2.0], [-1.0, -0.5, -0.1]]),
        acvs=np.array([[100.0, 200.0, 500.0]] * 3),
    )
    assert np.allclose(b.prices_at_zero[:2], [2.0 - 1.0 / 3.0, 3.0]) and np.isnan(
        b.prices_at_zero[2]
    )
    assert np.allclose(b.acvs_at_zero[:2], [166.66666, 300.0])
    assert "over 2 of 3 seeds" in b.summary()


def test_a_tiny_breakeven_run_fills_every_seed_and_price():
    claim = next(c for c in CLAIMS if c.key == "dual_motion")
    b = run_breakeven(claim, [0, 1], prices=(2.0, 40.0), size=TINY, steps=8, workers=1)
    assert b.edges.shape == (2, 2) and np.isfinite(b.edges).all()
