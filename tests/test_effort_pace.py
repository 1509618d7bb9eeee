"""The prospect's effort sets an outbound deal's pace (seed 002, ``effort_pace_weight``)."""

import numpy as np

from sim.model import MarketModel
from sim.selling import paced_hazard


def test_mean_stay_is_kept_and_effort_orders_the_pace():
    """A deal of unknown (uniform) effort stays the reference cycle on average;
    the least engaged prospect moves at (1 - w) / (1 + w) of the most engaged one's pace."""
    effort = (np.arange(200_000) + 0.5) / 200_000
    h = np.full_like(effort, 0.1)
    for w in (0.3, 2 / 3, 0.9):
        paced = paced_hazard(h, effort, w)
        assert np.isclose(np.mean(1.0 / paced), 1.0 / 0.1, rtol=1e-3)
        assert np.isclose(paced[0] / paced[-1], (1 - w) / (1 + w), rtol=1e-3)
    assert paced_hazard(np.array([0.9]), np.array([1.0]), 0.9)[0] == 1.0  # capped


def test_pace_reads_effort_only_for_outbound_deals():
    model = MarketModel(rng=3, n_enterprises=30, effort_pace_weight=2 / 3)
    for _ in range(20):
        model.step()
    pipe = model.pipeline
    out = ~pipe.inbound
    assert out.any()
    base = model.sales_cycle_weeks  # enterprises differ in size: compare within one
    e = pipe.enterprise[out]
    first = e == e[0]
    if first.sum() > 1:
        h, eff = pipe.hazard[out][first], pipe.effort[out][first]
        assert np.all(np.diff(h[np.argsort(eff)]) >= 0)
    assert base > 0
