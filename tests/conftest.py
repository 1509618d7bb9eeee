"""Shared fixtures: small seeded markets, built fresh for every test that asks."""

from __future__ import annotations

import pytest

from sim.model import MarketModel

SMALL = {"n_enterprises": 25, "enterprise_size_max": 400}


@pytest.fixture
def small_model() -> MarketModel:
    """A 25-enterprise market, seed 7, not yet stepped."""
    return MarketModel(rng=7, **SMALL)
