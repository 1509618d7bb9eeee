"""A sales motion keeps a seat (``min_reps``): a direct company that lost its last rep
hires one at the next hiring round while cash allows, instead of never selling again
(docs/model.md, "Why a sales motion keeps one seat")."""

from __future__ import annotations

import pytest

from sim import economics
from sim.model import MarketModel


def _reps_after_losing_the_team(
    monkeypatch, min_reps: int, cash: float | None = None
) -> tuple[int, int]:
    """The focal direct company loses every rep in week 1 and runs to just after the first
    hiring round, where bookings hire and cut nobody (the deals its pipeline still held
    would otherwise hire at quota); returns (reps then, the round's week)."""
    monkeypatch.setattr(economics.hiring, "hires", lambda model, vendor, rng: 0)
    monkeypatch.setattr(economics.hiring, "layoffs", lambda model, vendor: 0)
    focal = {"strategy": "direct"}
    if cash is not None:
        focal["initial_cash"] = cash
    model = MarketModel.from_scenario(
        "default", rng=11, n_enterprises=120, min_reps=min_reps, focal=focal
    )
    vendor = model.vendor_list[0]
    model.step()
    assert vendor.reps >= 1, "the focal direct company starts with a seller"
    vendor.lose_reps(vendor.reps, model.rng)
    round_week = model.hiring_interval * (model.steps // model.hiring_interval + 1)
    while model.steps < round_week:
        model.step()
    assert vendor.alive
    return vendor.reps, round_week


def test_the_default_market_keeps_a_seat():
    assert MarketModel.from_scenario("default", rng=0, n_enterprises=50).min_reps == 1


def test_a_company_that_lost_its_last_rep_rehires_one(monkeypatch):
    reps, week = _reps_after_losing_the_team(monkeypatch, min_reps=1)
    assert reps == 1, f"no seller after the hiring round of week {week}"


def test_without_the_seat_a_company_that_books_nobody_stays_without_a_seller(monkeypatch):
    reps, _ = _reps_after_losing_the_team(monkeypatch, min_reps=0)
    assert reps == 0


@pytest.mark.parametrize("min_reps", [1, 3])
def test_the_seat_is_not_hired_without_cash(monkeypatch, min_reps):
    """A company that cannot keep half a year of runway with one more rep hires none."""
    reps, _ = _reps_after_losing_the_team(monkeypatch, min_reps=min_reps, cash=150_000.0)
    assert reps == 0


def test_the_seats_kept_are_min_reps(monkeypatch):
    reps, _ = _reps_after_losing_the_team(monkeypatch, min_reps=3)
    assert reps == 3
