"""Invariants over random parameters (hypothesis): they hold whatever the market."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.model import MarketModel
from sim.population import NO_PRODUCT

markets = st.fixed_dictionaries(
    {
        "n_enterprises": st.integers(1, 12),
        "n_vendors": st.integers(0, 6),
        "enterprise_size_max": st.integers(20, 300),
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
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=markets, seed=st.integers(0, 2**32 - 1))
def test_market_invariants(params, seed):
    model = MarketModel(rng=seed, **params)
    pop = model.population
    for _ in range(30):
        cash_before = {v.index: v.cash for v in model.alive_vendors()}
        model.step()
        # each step, each vendor's cash change equals revenue minus costs
        for v in model.vendor_list:
            if v.index in cash_before and (v.alive or v.exited == model.steps):
                assert np.isclose(v.cash - cash_before[v.index], v.revenue - v.costs)
        # one product per employee: a single code in [-1, n_vendors)
        assert pop.emp_product.min() >= NO_PRODUCT
        assert pop.emp_product.max() < len(model.vendor_list)
        # no self-serve user in an on_prem_only enterprise
        on_prem_users = pop.ent_on_prem[pop.emp_enterprise] & (pop.emp_product != NO_PRODUCT)
        assert not (on_prem_users & ~pop.emp_mandated).any()
        # nobody uses the product of a vendor that has exited
        dead = [v.index for v in model.vendor_list if not v.alive]
        assert not np.isin(pop.emp_product, dead).any()
        # ARR equals the sum of active contracts
        active = model.contracts.active_ids()
        assert np.isclose(model.arr_total, model.contracts.acv[active].sum())
        assert np.isclose(sum(v.arr for v in model.vendor_list), model.arr_total)
        # counts never negative, receptivity a probability
        for name in (
            "users",
            "reps_total",
            "customers",
            "pipeline_open",
            "deals_won",
            "deals_lost",
        ):
            assert getattr(model, name) >= 0
        assert all(v.reps >= 0 for v in model.vendor_list)
        assert ((pop.receptivity >= 0) & (pop.receptivity <= 1)).all()
        # at most one active contract per (enterprise, vendor)
        pairs = model.contracts.enterprise[active] * 10_000 + model.contracts.vendor[active]
        assert len(np.unique(pairs)) == len(pairs)
