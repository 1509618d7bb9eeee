"""The compiled output passes (sim/compiled_outputs.py) against the numpy code they
replaced, kept here as the reference.

Whole runs are checked by tests/test_record.py and tests/test_bit_identical.py (every
weekly figure, hashed); these reach what the golden markets rarely do: enterprises with
no employee, agreements of every kind, two contracts of one account (the numpy sum of
duplicates), accounts of exited vendors, and no contract at all.
"""

from __future__ import annotations

import math
from collections import deque
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sim import kpis, reporting
from sim.compiled_outputs import (
    account_arr,
    freemium_counts_by_enterprise,
    market_counts,
    retained_accounts,
    vendor_outcomes,
)
from sim.economics import marketing_this_week
from sim.model import MarketModel
from sim.tables import ENTERPRISE, SELF_SERVE_ENTERPRISE, ContractBook
from sim.vendor_records import ARRAY_OUTCOMES, VendorRecords
from tests import compiled_reference

KEY = reporting._PAIR_KEY


def employees(seed: int, n_ent: int = 25, codes: int = 5):
    """Contiguous enterprises (some empty), products, flags and agreements."""
    rng = np.random.default_rng(seed)
    size = rng.integers(0, 40, n_ent)
    offset = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
    n = int(size.sum())
    contracts = ContractBook()
    contracts.add(
        enterprise=rng.integers(0, n_ent, 30).astype(np.int32),
        vendor=rng.integers(0, codes, 30).astype(np.int32),
        kind=rng.integers(0, 3, 30).astype(np.int8),
        acv=rng.random(30),
        seats=1,
        start=0,
        renew_at=52,
    )
    agreement_at = np.where(rng.random(n_ent) < 0.6, rng.integers(0, 30, n_ent), -1)
    return {
        "product": rng.integers(-1, codes, n).astype(np.int32),
        "mandated": rng.random(n) < 0.3,
        "paid": rng.random(n) < 0.3,
        "enterprise": np.repeat(np.arange(n_ent, dtype=np.int32), size),
        "offset": offset,
        "size": size.astype(np.int64),
        "agreement_at": agreement_at.astype(np.int64),
        "contracts": contracts,
    }


@pytest.mark.parametrize("seed", range(5))
def test_freemium_counts_are_the_per_employee_pass(seed):
    w = employees(seed)
    c, held = w["contracts"], w["agreement_at"]
    holder = np.where(held >= 0, c.vendor[np.maximum(held, 0)], -1).astype(np.int64)
    expected = compiled_reference.freemium_counts(
        w["product"], w["mandated"], w["paid"], w["enterprise"], holder,
        c.kind_of(held), ENTERPRISE, SELF_SERVE_ENTERPRISE,
    )  # fmt: skip
    got = freemium_counts_by_enterprise(
        w["product"], w["mandated"], w["paid"], w["offset"], w["size"], held,
        c.vendor, c.kind, ENTERPRISE, SELF_SERVE_ENTERPRISE,
    )  # fmt: skip
    assert got == expected and min(expected) > 0


def reference_accounts(ids, contracts):
    """The accounts of sim.reporting.net_revenue_retention as it was (numpy)."""
    keys = contracts.enterprise[ids].astype(np.int64) * KEY + contracts.vendor[ids]
    order = np.argsort(keys, kind="stable")
    keys, acv = keys[order], contracts.acv[ids][order]
    first = np.empty(len(keys), dtype=bool)
    first[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    start = np.flatnonzero(first)
    keys = keys[start]
    acv = np.add.reduceat(acv, start) if len(acv) else acv
    return keys, acv


def reference_retention(keys, acv, old_keys, old_acv, alive):
    survivors = alive[old_keys % KEY]
    old_keys, old_acv = old_keys[survivors], old_acv[survivors]
    now = np.zeros(len(old_keys))
    if len(keys):
        pos = np.minimum(np.searchsorted(keys, old_keys), len(keys) - 1)
        still = keys[pos] == old_keys
        now[still] = acv[pos][still]
    return old_acv, now


def book(rng, n, n_ent, codes):
    contracts = ContractBook()
    if not n:
        return contracts
    contracts.add(
        enterprise=rng.integers(0, n_ent, n).astype(np.int32),
        vendor=rng.integers(0, codes, n).astype(np.int32),
        kind=np.zeros(n, dtype=np.int8),
        acv=rng.random(n) * 1e5,
        seats=1,
        start=0,
        renew_at=52,
    )
    return contracts


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(0, 60),
    n_ent=st.integers(1, 40),
    codes=st.integers(1, 6),
)
def test_property_accounts_and_retention_are_numpys(seed, n, n_ent, codes):
    """Any contracts, duplicates included: the same keys and ACV (a duplicate is left
    to numpy's sum); any year-old accounts: the same (then, now)."""
    rng = np.random.default_rng(seed)
    contracts = book(rng, n, n_ent, codes)
    ids = np.flatnonzero(rng.random(n) < 0.8)
    keys, acv, unique = account_arr(ids, contracts.enterprise, contracts.vendor, contracts.acv, KEY)
    exp_keys, exp_acv = reference_accounts(ids, contracts)
    assert unique == (len(exp_keys) == len(ids))
    if unique:
        assert np.array_equal(keys, exp_keys) and np.array_equal(acv, exp_acv)
    else:
        keys, acv = reporting._sum_runs(keys, acv)
        assert np.array_equal(keys, exp_keys) and np.array_equal(acv, exp_acv)
    old_keys, old_acv = reference_accounts(np.flatnonzero(rng.random(n) < 0.7), contracts)
    alive = rng.random(codes) < 0.7
    then, now = retained_accounts(keys, acv, old_keys, old_acv, alive, KEY)
    exp_then, exp_now = reference_retention(keys, acv, old_keys, old_acv, alive)
    assert np.array_equal(then, exp_then) and np.array_equal(now, exp_now)


def test_duplicate_accounts_are_summed_as_numpy_summed():
    """Three contracts of one account: numpy's reduceat, not the loop's order."""
    contracts = ContractBook()
    contracts.add(
        enterprise=np.array([3, 1, 3, 3], dtype=np.int32),
        vendor=np.array([2, 0, 2, 2], dtype=np.int32),
        kind=np.zeros(4, dtype=np.int8),
        acv=np.array([0.1, 5.0, 0.2, 0.3]),
        seats=1,
        start=0,
        renew_at=52,
    )
    ids = np.arange(4)
    keys, acv, unique = account_arr(ids, contracts.enterprise, contracts.vendor, contracts.acv, KEY)
    assert not unique
    keys, acv = reporting._sum_runs(keys, acv)
    exp_keys, exp_acv = reference_accounts(ids, contracts)
    assert np.array_equal(keys, exp_keys) and np.array_equal(acv, exp_acv)


def test_net_revenue_retention_of_a_run_is_the_numpy_figure():
    """Every week of a run where a direct vendor on a short runway wins deals and exits
    (tests/test_record.py's case): the model's figure against the old code's."""
    model = MarketModel.from_scenario(
        "default",
        rng=3,
        n_enterprises=40,
        enterprise_size_max=300,
        focal={"strategy": "direct", "initial_cash": 400_000.0, "initial_reps": 6},
    )
    history = deque(maxlen=reporting.NRR_WINDOW + 1)
    defined = 0
    for _ in range(120):
        model.step()
        ids = model.contracts.active_ids()
        history.append(reference_accounts(ids, model.contracts))
        expected = math.nan
        if len(history) > reporting.NRR_WINDOW:
            alive = model.vendor_traits("alive", bool)
            keys, acv = history[-1]
            expected = kpis.net_revenue_retention(
                *reference_retention(keys, acv, *history[0], alive)
            )
        got = model.net_revenue_retention
        assert got == expected or (math.isnan(got) and math.isnan(expected))
        defined += not math.isnan(got)
    assert defined > 30
    assert any(not v.alive for v in model.vendor_list)  # accounts of the exited left out


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 80), codes=st.integers(1, 9))
def test_property_vendor_outcomes_are_the_bincounts(seed, n, codes):
    """Any contracts (none active included): numpy's two bincounts and the column sums,
    for ARR (divided by 1) and for a week's revenue (divided by 52)."""
    rng = np.random.default_rng(seed)
    contracts = book(rng, n, 10, codes)
    contracts.active[:] = rng.random(n) < 0.6
    users_ev = rng.integers(0, 50, (7, codes))
    ids = contracts.active_ids()
    for per in (1.0, 52.0):
        weights = contracts.acv[ids] if per == 1.0 else contracts.acv[ids] / per
        got_ids, arr, customers, users = vendor_outcomes(
            contracts.active, contracts.vendor, contracts.acv, users_ev, per
        )
        assert np.array_equal(got_ids, ids)
        assert np.array_equal(arr, np.bincount(contracts.vendor[ids], weights, minlength=codes))
        assert np.array_equal(customers, np.bincount(contracts.vendor[ids], minlength=codes))
        assert np.array_equal(users, users_ev.sum(axis=0)) and users.dtype == np.int64


@settings(max_examples=200, deadline=None)
@given(
    spend=st.one_of(st.floats(-1e6, 1e6), st.integers(-10, 10**6)),
    cash=st.floats(allow_nan=True, allow_infinity=True, width=64),
    weeks=st.sampled_from([0.0, 1.0, 26.0, 13]),
    fixed=st.floats(-1e6, 1e6),
)
@example(spend=100.0, cash=math.nan, weeks=26.0, fixed=0.0)  # max(0.0, nan) is 0.0
@example(spend=100.0, cash=-0.0, weeks=26.0, fixed=0.0)  # max(0.0, -0.0) is 0.0
@example(spend=7, cash=1e9, weeks=13, fixed=0.0)  # an int plan comes back a float
def test_property_the_marketing_rule_is_min_of_max(spend, cash, weeks, fixed):
    """sim.economics.marketing_this_week without its min/max calls: the same value and
    type as ``float(min(spend, max(0.0, cash / weeks - fixed)))`` (NaN cash included)."""
    vendor = SimpleNamespace(
        marketing_spend=spend,
        steered=False,
        reps=0,
        rep_cost=0.0,
        burn=fixed,
        revenue=0.0,
        cash=cash,
    )
    model = SimpleNamespace(marketing_runway_weeks=weeks)
    got = marketing_this_week(model, vendor)
    if weeks <= 0 or spend <= 0:
        expected = spend
    else:
        expected = float(min(spend, max(0.0, cash / weeks - (0 * 0.0 + fixed - 0.0))))
    assert type(got) is type(expected)
    assert got == expected or (math.isnan(got) and math.isnan(expected))
    assert math.copysign(1.0, got) == math.copysign(1.0, expected)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 80), n_ent=st.integers(1, 30))
def test_property_market_counts_are_the_numpy_masks(seed, n, n_ent):
    """Any contracts and agreements: the arrays numpy summed (so the same sums) and the
    counts of sim.reporting.market_figures' masks."""
    rng = np.random.default_rng(seed)
    contracts = book(rng, n, n_ent, 4)
    if n:
        contracts.kind[:] = rng.integers(0, 3, n)
    ids = np.flatnonzero(rng.random(n) < 0.7)
    ent_size = rng.integers(1, 500, n_ent)
    agreement_at = np.where(rng.random(n_ent) < 0.4, 0, -1).astype(np.int64)
    acv, acv_kind, customers, employees, agreements = market_counts(
        ids, contracts.enterprise, contracts.kind, contracts.acv, ent_size, agreement_at, ENTERPRISE
    )
    assert np.array_equal(acv, contracts.acv[ids])
    expected_kind = contracts.acv[ids][contracts.kind[ids] == ENTERPRISE]
    assert np.array_equal(acv_kind, expected_kind)
    assert float(acv_kind.sum()) == float(expected_kind.sum())
    paying = np.zeros(n_ent, dtype=bool)
    paying[contracts.enterprise[ids]] = True
    assert customers == int(np.count_nonzero(paying))
    assert employees == int(ent_size[paying].sum())
    assert agreements == int(np.count_nonzero(agreement_at >= 0))


def test_vendor_rows_read_from_arrays_are_the_properties():
    """Every week of a run with an exit, the rows' arr, users and customers (read from the
    model's arrays, sim.vendor_records.ARRAY_OUTCOMES) are what the properties return,
    of the same types; and a reporter list of one array column or none still records."""
    model = MarketModel.from_scenario(
        "default",
        rng=3,
        n_enterprises=40,
        enterprise_size_max=300,
        focal={"strategy": "direct", "initial_cash": 400_000.0, "initial_reps": 6},
    )
    records = model.vendor_records
    only_arr, only_name = VendorRecords({"arr": "arr"}), VendorRecords({"name": "name"})
    for _ in range(60):
        before = len(records)
        model.step()
        only_arr.collect(model)
        only_name.collect(model)
        rows = records.dataframe().iloc[before:]
        by_id = {v.unique_id: v for v in model.vendor_list}
        vendors = [by_id[i] for i in rows.index.get_level_values(1)]
        for column in ARRAY_OUTCOMES:
            expected = [getattr(v, column) for v in vendors]
            got = rows[column].tolist()
            assert got == expected and [type(x) for x in got] == [type(x) for x in expected]
            assert records._values[records.columns.index(column)][before:] == expected
    assert any(not v.alive for v in model.vendor_list) and any(rows["users"] > 0)
    frame = model.vendor_dataframe()
    frame = frame[frame.index.get_level_values(0) >= 1]  # the model's records start at week 0
    assert only_arr.dataframe()["arr"].tolist() == frame["arr"].tolist()
    assert only_name.dataframe()["name"].tolist() == frame["name"].tolist()
