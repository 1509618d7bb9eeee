"""A warm introduction's prospect engages more (seed 002; docs/model.md, "Warm introductions").

The engagement is a transform of the uniform a cold prospect's effort is drawn from, so
the random stream is the same with it on or off: the first week's outbound
opportunities are the same pairs with the same uniforms, and only the warm ones' effort
differs, by exactly ``u ** (1 / warm_intro_boost)``.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import MarketModel
from sim.selling import warm_effort

SMALL = {"n_enterprises": 60, "initial_reps": 3}


def first_week(seed: int, **params) -> MarketModel:
    model = MarketModel.from_scenario("default", rng=seed, **SMALL, **params)
    model.step()
    return model


def outbound(model: MarketModel) -> tuple[np.ndarray, np.ndarray]:
    pipe = model.pipeline
    ids = np.flatnonzero(~pipe.inbound[: pipe.n])
    order = np.argsort(pipe.enterprise[ids] * 10_000 + pipe.vendor[ids], kind="stable")
    ids = ids[order]
    return pipe.enterprise[ids] * 10_000 + pipe.vendor[ids], pipe.effort[ids]


def test_warm_effort_is_the_most_engaged_of_boost_strangers():
    u = np.random.default_rng(7).random(200_000)
    assert np.array_equal(warm_effort(u, 1.0), u)
    warm = warm_effort(u, 3.0)
    assert np.all((warm >= u) & (warm < 1.0))
    assert warm.mean() == pytest.approx(3 / 4, abs=0.003)  # E[max of 3 uniforms]
    assert np.mean(warm <= 0.4) == pytest.approx(0.4**3, abs=0.003)


@pytest.mark.parametrize("seed", [3, 11])
def test_every_warm_prospect_engages_more_on_the_same_draws(seed):
    """All touches warm: every outbound prospect's effort is the cold one's ``u ** (1/3)``."""
    cold = first_week(seed, warm_intro_share=1.0, warm_engagement=False)
    warm = first_week(seed, warm_intro_share=1.0, warm_engagement=True)
    pairs_cold, effort_cold = outbound(cold)
    pairs_warm, effort_warm = outbound(warm)
    assert len(pairs_cold) >= 5  # the week opened outbound deals to compare
    assert np.array_equal(pairs_cold, pairs_warm)
    np.testing.assert_allclose(effort_warm, effort_cold ** (1 / 3), rtol=1e-12)
    assert cold.rng.bit_generator.state == warm.rng.bit_generator.state


def test_cold_touches_and_a_boost_of_one_leave_effort_uniform():
    """No warm touch, or a warm touch worth a cold one: the engagement changes nothing."""
    base = outbound(first_week(5, warm_intro_share=0.0, warm_engagement=False))
    for params in ({"warm_intro_share": 0.0}, {"warm_intro_share": 1.0, "warm_intro_boost": 1.0}):
        on = outbound(first_week(5, warm_engagement=True, **params))
        off = outbound(first_week(5, warm_engagement=False, **params))
        assert np.array_equal(on[0], off[0]) and np.array_equal(on[1], off[1]), params
    assert len(base[0]) >= 5
