"""Users per (enterprise, vendor) kept by changes (sim/user_counts.py) equal a full recount.

The step no longer recounts ``users_ev`` from every employee three times a week; it
settles the changes it was told about. Each settle must give exactly the full
recount (``sim.compiled.count_users``) at that point of the step, or the mechanisms
would read other numbers than before (tests/test_bit_identical.py checks whole runs;
this checks every settle of runs that make every kind of change: sign-ups, invites,
churn, leavers, ended contracts, exits). The loops are checked against numpy on
edge cases (no product, all on-prem, an empty list, a row recounted twice).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import user_counts
from sim.compiled import count_users, self_serve_candidates, users_of
from sim.model import MarketModel

N, N_ENT, CODES = 300, 9, 4


@pytest.fixture
def world():
    rng = np.random.default_rng(11)
    product = rng.integers(-1, CODES, N).astype(np.int32)
    sizes = rng.multinomial(N - N_ENT, np.ones(N_ENT) / N_ENT) + 1
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    enterprise = np.repeat(np.arange(N_ENT), sizes).astype(np.int32)
    return rng, product, enterprise, offsets, sizes.astype(np.int64)


def test_shift_is_numpys_add_at(world):
    rng, product, enterprise, _, _ = world
    counts = rng.integers(0, 50, (N_ENT, CODES)).astype(np.int64)
    ids = rng.integers(0, N, 80).astype(np.int64)  # repeats: a cell shifted twice
    products = rng.integers(-1, CODES, 80).astype(np.int64)  # -1: no product, no shift
    expected = counts.copy()
    keep = products >= 0
    np.add.at(expected, (enterprise[ids[keep]], products[keep]), -1)
    user_counts.shift_users(counts, enterprise, ids, products, -1)
    assert np.array_equal(counts, expected)
    user_counts.shift_users(counts, enterprise, ids[:0], products[:0], 1)  # nothing
    assert np.array_equal(counts, expected)


def test_recount_rows_is_the_full_recount_of_those_rows(world):
    rng, product, enterprise, offsets, sizes = world
    full = count_users(enterprise, product, N_ENT, CODES)
    counts = rng.integers(0, 99, (N_ENT, CODES)).astype(np.int64)  # stale everywhere
    rows = np.array([0, 4, N_ENT - 1], dtype=np.int64)
    product[offsets[4] : offsets[4] + sizes[4]] = -1  # a row with no user at all
    full[4] = 0
    user_counts.recount_rows(counts, product, offsets, sizes, rows)
    assert np.array_equal(counts[rows], full[rows])
    others = np.setdiff1d(np.arange(N_ENT), rows)
    assert not np.array_equal(counts[others], full[others])  # untouched rows stay stale


@pytest.mark.parametrize("case", ["mixed", "nobody", "everybody", "all_on_prem"])
def test_users_and_candidates_are_the_two_passes(world, case):
    rng, product, enterprise, offsets, sizes = world
    on_prem = rng.random(N_ENT) < 0.3
    if case == "nobody":
        product[:] = -1
    elif case == "everybody":
        product[:] = 2
    elif case == "all_on_prem":
        on_prem[:] = True
    users, candidates = user_counts.users_and_candidates(product, offsets, sizes, on_prem)
    assert np.array_equal(users, users_of(product))
    assert np.array_equal(candidates, self_serve_candidates(product, enterprise, on_prem))
    assert users.dtype == candidates.dtype == np.int64


def _checked_model(**params) -> tuple[MarketModel, list[str]]:
    """A model whose every settle is compared with a full recount at that point."""
    model = MarketModel(**params)
    settle = model._settle_users
    seen: list[str] = []

    def checked(first: bool = False, last: bool = False) -> None:
        settle(first=first, last=last)
        pop = model.population
        full = count_users(
            pop.emp_enterprise, pop.emp_product, len(pop.ent_size), model.vendor_capacity
        )
        assert np.array_equal(model.users_ev, full), (
            f"week {model.steps}, first={first}, last={last}"
        )
        seen.append("first" if first else "last" if last else "middle")

    model._settle_users = checked
    return model, seen


@pytest.mark.parametrize(
    ("params", "events"),
    [
        # exits (a column zeroed), displacements and churned contracts (rows recounted);
        # the seed is one whose market has all three (10 since the stream changed)
        ({"rng": 10, "n_enterprises": 20}, {"exit", "displaced", "churn"}),
        # team invites and generational change with a fast turnover
        (
            {"rng": 6, "n_enterprises": 20, "team_invites": 1.0, "tenure_years": 0.5},
            {"displaced", "churn"},
        ),  # fmt: skip
    ],
)
def test_every_settle_is_a_full_recount(params, events):
    model, seen = _checked_model(**params)
    for _ in range(104):
        model.step()
    # the run made the changes the settles must follow
    assert events <= {e["event"] for e in model.events}
    assert seen.count("first") == seen.count("middle") == seen.count("last") == 104


def test_changes_made_between_steps_are_settled():
    """An ended contract or a leaver between two steps (a caller, a test) is counted at the
    next week's first settle, as the recount counted it."""
    model, _ = _checked_model(rng=9, n_enterprises=20)
    for _ in range(60):
        model.step()
    from sim import contracting, workforce

    ids = model.contracts.active_ids()
    assert len(ids)
    contracting.end_contract(model, int(ids[0]))
    workforce.turnover(model)
    model.step()  # the checked settles assert


def test_a_callers_users_ev_is_its_own_and_its_writes_are_dropped():
    """The first settle hands the week's starting counts over as a new ``users_ev``: a
    caller that kept last week's array keeps its numbers (its own writes included), and
    what it wrote is not counted; a week stopped before its last settle is recounted."""
    model, seen = _checked_model(rng=9, n_enterprises=20)
    for _ in range(30):
        model.step()
    held = model.users_ev
    held[:, : model.vendor_capacity] += 7  # a caller's write between two steps
    kept = held.copy()
    model.step()  # the checked settles assert the full recount
    assert model.users_ev is not held
    assert np.array_equal(held, kept)
    model._settle_users(first=True)  # a week that stops before its last settle
    model.step()
    assert seen[-3:] == ["first", "middle", "last"]


def test_a_settle_in_place_changes_base_and_one_without_leaves_it(world):
    """The settles after the first change ``users_ev`` in place; the first makes a new
    array and leaves the week's starting counts as they were, pending changes or none."""
    _, product, enterprise, offsets, sizes = world
    pop = type("Population", (), {})()
    pop.emp_enterprise, pop.ent_offset, pop.ent_size = enterprise, offsets, sizes
    for in_place in (False, True):
        for pending in (False, True):
            pop.emp_product = product.copy()
            kept = user_counts.UserCounts(pop)
            base = kept.count(CODES)
            start = base.copy()
            if pending:  # two users stop, one enterprise is recounted
                gone = np.flatnonzero(pop.emp_product >= 0)[:2]
                kept.removed(gone, pop.emp_product[gone])
                pop.emp_product[gone] = -1
                kept.stale_row(3)
            got = kept.settle(base, in_place=in_place)
            assert (got is base) == in_place
            assert np.array_equal(got, count_users(enterprise, pop.emp_product, N_ENT, CODES))
            assert np.array_equal(got, start) != pending
            if not in_place:
                assert np.array_equal(base, start)  # untouched
            assert not (kept._added or kept._removed or kept._rows or kept._columns)
