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


def test_the_deals_the_market_works_keep_the_calibrated_cycle():
    """Normalised over the market's qualification bar, the deals above it (those reps
    work) stay the reference cycle on average; those of every prospect stay longer."""
    effort = (np.arange(200_000) + 0.5) / 200_000
    h = np.full_like(effort, 0.1)
    for w in (0.3, 2 / 3, 0.9):
        for bar in (0.0, 0.4, 0.7):
            paced = paced_hazard(h, effort, w, bar)
            worked = effort > bar
            assert np.isclose(np.mean(1.0 / paced[worked]), 1.0 / 0.1, rtol=1e-3)
            if bar > 0:
                assert np.mean(1.0 / paced) > 1.0 / 0.1 * 1.01


def test_a_run_paces_each_outbound_deal_by_its_prospects_effort():
    """Within an enterprise, outbound deals differ in hazard exactly by their effort's
    factor (the wiring in MarketModel.open_opportunities); inbound deals keep theirs."""
    w = 2 / 3
    model = MarketModel(rng=3, n_enterprises=30, effort_pace_weight=w)
    for _ in range(30):
        model.step()
    pipe = model.pipeline
    out = ~pipe.inbound
    ent, hazard, effort = pipe.enterprise[out], pipe.hazard[out], pipe.effort[out]
    uncapped = hazard < 1.0
    varied = 0
    for e in np.unique(ent):
        rows = (ent == e) & uncapped
        if rows.sum() < 2:
            continue
        base = hazard[rows] / (1.0 + w * (2.0 * effort[rows] - 1.0))
        assert np.allclose(base, base[0]), "outbound hazard not the enterprise's times effort's"
        varied += int(np.ptp(hazard[rows]) > 0)
    assert varied > 0, "no enterprise's outbound deals differ in pace"
    assert np.all(pipe.effort[pipe.inbound] == 1.0)
