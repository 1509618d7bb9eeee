"""The split of a market's rep-won ACV by what the enterprise held when the deal closed
(experiments/investigations/launch_team_new_business.py), which
docs/investigations/launch_team.md quotes to show that the category's greenfield runs
out after the land grab."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.investigations.launch_team_new_business import (
    COLUMNS,
    classify,
    one_market,
    yield_by_motion,
)

FIRST, LAPSED, DISPLACED = 1, 2, 3


def test_a_win_is_first_lapsed_or_displaced_by_what_the_enterprise_held():
    holder_before = np.array([-1, -1, 4, 2])
    ever_held = np.array([False, True, True, True])
    assert classify(holder_before, ever_held, 0, vendor=2) == FIRST
    assert classify(holder_before, ever_held, 1, vendor=2) == LAPSED
    assert classify(holder_before, ever_held, 2, vendor=2) == DISPLACED
    with pytest.raises(ValueError, match="whose agreement it holds"):
        classify(holder_before, ever_held, 3, vendor=2)


def test_the_three_sources_add_up_to_the_rep_won_acv_and_nothing_lapses_in_year_one():
    table = one_market(3, {"n_enterprises": 150}, years=2)
    assert table.shape == (2, len(COLUMNS))
    np.testing.assert_allclose(table[:, 1:4].sum(axis=1), table[:, 0], rtol=1e-9)
    assert table[0, 0] > 0
    assert table[0, LAPSED] == 0  # nothing churned before the first renewals
    assert table[0, FIRST] > table[0, DISPLACED]  # the land grab is greenfield
    assert np.all((table[:, 7] >= 0) & (table[:, 7] <= 1))


def test_the_yield_by_motion_counts_only_motions_with_reps_and_their_own_wins():
    sums = yield_by_motion(3, {"n_enterprises": 150}, years=2)
    assert {"direct", "hybrid"} <= set(sums)
    for motion, (won, rep_years, cost) in sums.items():
        assert won >= 0 and rep_years >= 0 and cost >= 0
        if motion == "bottoms_up":  # no reps, so no rep-won deals
            assert won == 0 and rep_years == 0
        else:
            assert rep_years > 0 and cost > 0
    assert sum(won for won, _, _ in sums.values()) > 0
