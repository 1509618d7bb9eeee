"""Two mechanisms that bear on whether a company keeps a sales team after the land grab
(docs/investigations/launch_team.md): a team that books its keep replaces its leavers
(``backfill_leavers``, :func:`sim.hiring.team_at_quota`), and buyers favour the vendor
their peers use (``installed_base_edge``, :func:`sim.selling.installed_base_factor`).
Both are off in every preset; these tests pin what each does when switched on."""

from __future__ import annotations

import numpy as np
import pytest

from sim import hiring
from sim.model import MarketModel
from sim.selling import installed_base_factor, win_probability

MARKET = {
    "n_enterprises": 30,
    "n_vendors": 3,
    "strategy_mix": (0, 1, 0),
    "entry_rate": 0.0,
    "initial_reps": 3,
    "initial_cash": 1e9,
    "rep_quota": 5.0,
    "layoff_floor": 1.0,
}


def _vendor_past_its_ramp(**params) -> tuple[MarketModel, object]:
    """A direct vendor whose reps have had time to ramp (layoffs may apply), with a
    plan of 5 reps of which 3 remain (two left since the last round)."""
    model = MarketModel(rng=5, **{**MARKET, **params})
    for _ in range(2 * model.hiring_interval + model.rep_ramp_weeks + 1):
        model.step()
    vendor = model.vendor_list[0]
    vendor.rep_cohorts = [[0, 3]]
    vendor.planned_reps = 5
    return model, vendor


def _book(vendor, per_rep_year_cost: float) -> None:
    """Give the vendor a trailing year of bookings at this multiple of its team's cost."""
    year = 52 * vendor.rep_cost * vendor.reps * per_rep_year_cost
    base = vendor._ledger[-1][0]
    weeks = vendor._ledger.maxlen - 1
    vendor._ledger.extend((base + year * (k + 1) / weeks, 0.0) for k in range(weeks))


@pytest.mark.parametrize("backfill, expected", [(True, 2.0), (False, 0.0)])
def test_a_team_that_books_its_keep_replaces_its_leavers(backfill, expected):
    """Booking 2x its cost (above the floor of 1, below the quota of 5): held at the plan
    of 5 with the switch on (2 hires), not backfilled without it."""
    model, vendor = _vendor_past_its_ramp(backfill_leavers=backfill, quota_on_new_business=False)
    _book(vendor, 2.0)
    assert hiring.layoffs(model, vendor) == 0, "2x the cost is above the floor of 1"
    assert hiring.team_at_quota(model, vendor) == pytest.approx(expected)


def test_a_team_below_its_floor_is_not_backfilled():
    model, vendor = _vendor_past_its_ramp(backfill_leavers=True, quota_on_new_business=False)
    _book(vendor, 0.5)
    assert hiring.layoffs(model, vendor) > 0
    assert hiring.team_at_quota(model, vendor) == 0.0


def test_a_team_above_quota_grows_past_its_plan_either_way():
    model, vendor = _vendor_past_its_ramp(backfill_leavers=True, quota_on_new_business=False)
    _book(vendor, 10.0)  # carries 3 x 10 / 5 = 6 reps: 3 more, capped at its size plus one
    assert hiring.team_at_quota(model, vendor) == pytest.approx(3.0)


def test_a_hiring_round_records_the_team_it_settled_on():
    """The plan is the launch team, then the team each round leaves (after its hires and
    cuts); between rounds leavers thin the team and the plan stays."""
    model = MarketModel(rng=5, **{**MARKET, "backfill_leavers": True, "rep_attrition": 0.05})
    vendor = model.vendor_list[0]
    assert vendor.planned_reps == vendor.reps == 3, "the launch team is the first plan"
    thinned = False
    while model.steps < 4 * model.hiring_interval:
        plan = vendor.planned_reps
        model.step()
        if model.steps % model.hiring_interval == 0:
            assert vendor.planned_reps == vendor.reps, f"round of week {model.steps}"
        else:
            assert vendor.planned_reps == plan, f"week {model.steps} is not a round"
            thinned |= vendor.reps < plan
    assert thinned, "no rep left between rounds: the test saw no leaver to replace"


def _market_with_a_leader(edge: float) -> MarketModel:
    model = MarketModel(rng=5, **{**MARKET, "installed_base_edge": edge})
    for _ in range(30):
        model.step()
    model.vendor_customers = np.array([30, 10, 2] + [0] * (len(model.vendor_customers) - 3))
    return model


def test_the_edge_favours_the_vendor_with_more_customers_than_its_rivals():
    model = _market_with_a_leader(1.0)
    factor = installed_base_factor(model, np.array([0, 1, 2]))
    typical = (30 + 10 + 2) / 3
    assert factor == pytest.approx([(1 + c) / (1 + typical) for c in (30, 10, 2)])
    assert factor[0] > 1 > factor[1] > factor[2]


@pytest.mark.parametrize("edge", [0.0, 0.5, 3.0])
def test_a_close_is_scaled_by_the_edge_and_capped(edge):
    base = _market_with_a_leader(0.0)
    model = _market_with_a_leader(edge)
    greenfield = int(np.flatnonzero(model.agreement_holders() < 0)[0])  # no switching cost
    enterprises = np.full(3, greenfield)
    vendors = np.array([0, 1, 2])
    effort = np.full(3, 1.0)
    plain = win_probability(base, enterprises, vendors, effort)
    scaled = win_probability(model, enterprises, vendors, effort)
    expected = np.minimum(1.0, plain * installed_base_factor(model, vendors) ** (edge > 0))
    assert scaled == pytest.approx(expected)
    assert scaled.max() <= 1.0
    if edge:
        assert scaled[2] < plain[2], "a vendor with fewer customers than its rivals loses some"
    if edge == 3.0:
        assert scaled[0] == 1.0, "the leader's chance is capped at a certain win"
