"""Each claim of MODEL.md "What the seeds say" holds on average over 10 seeds.

A claim compares two arms on common random numbers (the same seeds), and the test
asserts the mean over seeds. The tolerance is the seed-to-seed variance: measured over
these 10 seeds, the paired difference of every claim is at least 3.4 standard errors
from zero (careful qualification 3.4, warm-network CAC 4.3, brand erosion 5.9, all
others above 10), so none of these passes on a lucky seed. The CAC claims hold the
sales team fixed in their presets: with hiring from bookings, a cheaper customer buys
more reps and CAC moves much less.
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments.claims import claims, run
from sim.population import NO_PRODUCT
from sim.tables import ENTERPRISE

SEEDS = list(range(1, 11))
FEW_SEEDS = SEEDS[:5]  # for the slower single-arm checks


@pytest.fixture(scope="module")
def results():
    return {r.claim: r for r in claims(SEEDS, steps=156, n_enterprises=80)}


CLAIMS = [
    "viral collaboration product grows fastest bottoms-up (seed 000)",
    "infrastructure product does better direct (seed 000)",
    "a product that works expands (seed 001)",
    "bottoms-up checks start small and grow (seed 001)",
    "hiring sales before organic growth raises CAC (seed 003)",
    "outbound erodes the brand and slows viral growth (seed 003)",
    "when the user is not the buyer, bottoms-up leads barely convert (seed 003)",
    "dual motion pays when ACV covers both motions (seed 003)",
    "careful qualification lowers CAC (seed 002)",
    "reps with their own network get more replies per touch (seed 002)",
    "reps with their own network win customers for less (seed 002)",
    "openness rises as the workforce turns over (seed 000)",
]


@pytest.mark.slow
@pytest.mark.parametrize("claim", CLAIMS)
def test_claim_holds_on_average(results, claim):
    result = results[claim]
    assert len(result.left_values) == len(SEEDS)
    assert result.holds, str(result)


@pytest.mark.slow  # the `results` fixture runs every claim over 10 seeds (25 s)
def test_dual_motion_changes_sign_with_acv(results):
    r = results["dual motion pays when ACV covers both motions (seed 003)"]
    assert r.left_mean > 0 > r.right_mean, str(r)


@pytest.mark.slow
@pytest.mark.parametrize("seed", FEW_SEEDS)
def test_on_prem_enterprises_reached_only_by_direct_deals(seed):
    model = run("on_prem_holdouts", seed, 104, n_enterprises=60)
    pop, c = model.population, model.contracts
    on_prem = pop.ent_on_prem
    # no self-serve user: every user in an on-prem enterprise got the product by mandate
    in_on_prem = on_prem[pop.emp_enterprise] & (pop.emp_product != NO_PRODUCT)
    assert not (in_on_prem & ~pop.emp_mandated).any()
    # every contract ever signed with an on-prem enterprise is a rep-closed deal
    signed = np.arange(c.n)
    assert (c.kind[signed][on_prem[c.enterprise[signed]]] == ENTERPRISE).all()
    # and direct sales did reach some of them
    assert on_prem[c.enterprise[signed]].any()


@pytest.mark.slow
def test_sales_web_cycle_boom_bust_and_return():
    """Seed 004: receptivity falls, vendors exit, receptivity recovers, vendors return."""
    recovered = exits = returns = 0
    for seed in FEW_SEEDS:
        model = run("sales_web_cycle", seed, 260, n_enterprises=80)
        df = model.datacollector.get_model_vars_dataframe()
        r = df["buyer_receptivity"].to_numpy()
        trough = int(np.argmin(r))
        assert r[trough] < 0.5 * r[0], "outbound pressure depletes receptivity"
        recovered += r[trough:].max() > r[trough] + 0.05
        events = [e["event"] for e in model.events]
        exits += "exit" in events
        first_exit = (
            next(e["step"] for e in model.events if e["event"] == "exit")
            if "exit" in events
            else None
        )
        returns += first_exit is not None and any(
            e["event"] == "entry" and e["step"] > first_exit for e in model.events
        )
    assert exits == len(FEW_SEEDS)
    assert recovered >= 4 and returns >= 4, (recovered, returns)
