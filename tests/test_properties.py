"""Invariants over random parameters (hypothesis): they hold whatever the market.

The markets vary every lever that moves money or people: size bounds, rep cost (zero
included), hiring rate, interval and runway, entry and adaptation. The invariants
(``tests/invariants.py``) compare the model's bookkeeping by two routes, so a fault in
one route fails them.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invariants import cash_snapshot, check_week

from sim.model import MarketModel


@st.composite
def size_bounds(draw) -> dict[str, int]:
    lo = draw(st.integers(1, 60))
    return {"enterprise_size_min": lo, "enterprise_size_max": draw(st.integers(lo, 300))}


markets = st.fixed_dictionaries(
    {
        "n_enterprises": st.integers(1, 12),
        "n_vendors": st.integers(0, 6),
        "on_prem_share": st.floats(0, 1),
        "org_network": st.sampled_from(["hierarchy", "small_world", "complete"]),
        "strategy_mix": st.tuples(st.floats(0.1, 1), st.floats(0, 1), st.floats(0, 1)),
        "virality": st.floats(0, 0.2),
        "marketing_reach": st.floats(0, 0.05),
        "touch_fatigue": st.floats(0, 0.5),
        "initial_cash": st.floats(0, 5e6),
        "brand_erosion": st.floats(0, 0.2),
        "collaborative": st.booleans(),
        "qualification": st.floats(0, 0.9),
        "entry_rate": st.floats(0, 0.5),
        "adaptive_strategies": st.booleans(),
        "user_churn": st.floats(0, 0.2),
        "rep_cost": st.one_of(st.just(0.0), st.floats(0, 20_000)),
        "rep_hiring_rate": st.floats(0, 10),
        "hiring_interval": st.integers(1, 26),
        "min_runway_weeks": st.one_of(st.just(0.0), st.floats(0, 104)),
        "base_win_rate": st.floats(0, 1),
        "sales_cycle_weeks": st.floats(1, 30),
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=markets, sizes=size_bounds(), seed=st.integers(0, 2**32 - 1))
def test_market_invariants(params, sizes, seed):
    model = MarketModel(rng=seed, **params, **sizes)
    for _ in range(30):
        before = cash_snapshot(model)
        model.step()
        check_week(model, before)
