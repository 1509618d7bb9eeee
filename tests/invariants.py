"""Invariants every market keeps after every week, shared by the property and fuzz tests.

Each is checked against the model's own bookkeeping by a second route (the contract
table against the per-pair contract ids, the users count against the employees'
product codes), so a fault in either route shows.
"""

from __future__ import annotations

import numpy as np

from sim.firm_founding import founded_employees
from sim.population import NO_PRODUCT


def cash_snapshot(model) -> dict[int, float]:
    """Each alive vendor's cash before a step."""
    return {v.index: v.cash for v in model.alive_vendors()}


def check_week(model, cash_before: dict[int, float]) -> None:
    """Assert every invariant after one step; ``cash_before`` from :func:`cash_snapshot`."""
    pop, contracts = model.population, model.contracts
    # each vendor's cash moved by exactly revenue minus costs (to float precision: a
    # 1e-5 burn on 1e10 of cash is a few units in the last place)
    for v in model.vendor_list:
        if v.index in cash_before and (v.alive or v.exited == model.steps):
            scale = max(1.0, abs(v.cash), abs(cash_before[v.index]))
            delta = v.cash - cash_before[v.index]
            assert np.isclose(delta, v.revenue - v.costs, atol=1e-12 * scale + 1e-8), v
    # one product code per employee, of a vendor that exists and is alive
    assert pop.emp_product.min() >= NO_PRODUCT
    assert pop.emp_product.max() < len(model.vendor_list)
    dead = [v.index for v in model.vendor_list if not v.alive]
    assert not np.isin(pop.emp_product, dead).any()
    # no self-serve user in an on-premise enterprise, only mandated ones
    on_prem_users = pop.ent_on_prem[pop.emp_enterprise] & (pop.emp_product != NO_PRODUCT)
    assert not (on_prem_users & ~pop.emp_mandated).any()
    # users: the reported count is the employees on a product, per vendor and in total
    on_product = pop.emp_product[pop.emp_product >= 0]
    per_vendor = np.bincount(on_product, minlength=len(model.vendor_list))
    assert model.users == len(on_product)
    assert [v.users for v in model.vendor_list] == per_vendor[: len(model.vendor_list)].tolist()
    in_market = founded_employees(model)  # a firm not founded yet is outside the market
    employees = model.n_employees if in_market is None else int(in_market.sum())
    assert np.isclose(model.adoption_rate, len(on_product) / max(1, employees))
    users_here = np.bincount(pop.emp_enterprise[pop.emp_product >= 0], minlength=len(pop.ent_size))
    assert (users_here <= pop.ent_size).all()
    # contracts: the active rows are exactly the ids held per (enterprise, vendor)
    active = contracts.active_ids()
    held = model.contract_at[model.contract_at >= 0]
    assert sorted(held.tolist()) == sorted(active.tolist())
    e, v = np.nonzero(model.contract_at >= 0)
    ids = model.contract_at[e, v]
    assert (contracts.enterprise[ids] == e).all() and (contracts.vendor[ids] == v).all()
    # ARR, per vendor and in total, is the value of the contracts held per pair
    arr_by_pair = np.zeros(model.contract_at.shape)
    arr_by_pair[e, v] = contracts.acv[ids]
    assert np.isclose(model.arr_total, arr_by_pair.sum())
    for vendor in model.vendor_list:
        assert np.isclose(vendor.arr, arr_by_pair[:, vendor.index].sum()), vendor
    # no enterprise spends more than its budget
    assert (arr_by_pair.sum(axis=1) <= pop.ent_budget * (1 + 1e-9) + 1e-6).all()
    # counts never negative, receptivity a probability, opportunities one per pair
    for name in ("reps_total", "customers", "pipeline_open", "deals_won", "deals_lost"):
        assert getattr(model, name) >= 0, name
    assert all(v.reps >= 0 for v in model.vendor_list)
    assert ((pop.receptivity >= 0) & (pop.receptivity <= 1)).all()
    open_ids = model.pipeline.active_ids()
    assert sorted(model.opp_at[model.opp_at >= 0].tolist()) == sorted(open_ids.tolist())
