"""The compiled generational change (sim/compiled_turnover.py) against the numpy code it
replaced, kept here as the reference.

The pass draws from the model's generator itself, so each check runs the reference
and the pass on two generators of one seed and asks for the same arrays, bit for bit,
and the same generator state afterwards (the same draws, in number and order). Whole
runs are checked by tests/test_bit_identical.py; these reach what the golden markets
rarely do: no leaver, everyone leaving, spread 0 (no Beta draw), a Beta with both
parameters below one (Johnk's algorithm), ages clipped at both ends, a leaver with a
committee seat, mandated seats, and generators other than PCG64.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import workforce
from sim.population import draw_ages, draw_openness, openness_means

N = 300


def world(seed: int, n: int = N) -> dict[str, np.ndarray]:
    """Employee arrays typed as the model's: int8 levels, int32 products and weeks."""
    rng = np.random.default_rng(seed)
    buyer = np.full(n, -1, dtype=np.int64)
    seats = rng.choice(n, size=n // 5, replace=False)
    buyer[seats] = np.arange(len(seats))
    return {
        "level": rng.integers(0, 3, n).astype(np.int8),
        "age": rng.uniform(21, 67, n),
        "openness": rng.random(n),
        "mandated": rng.random(n) < 0.3,
        "product": rng.integers(-1, 4, n).astype(np.int32),
        "paid": rng.random(n) < 0.2,
        "since": rng.integers(-1, 50, n).astype(np.int32),
        "buyer": buyer,
        "receptivity": rng.random(len(seats)),
    }


def skipped_successes(rng, p, n):
    """sim.compiled_skips.successes in numpy: a geometric gap from each success to the
    next, one uniform each (and one that passes ``n``)."""
    if n <= 0 or p <= 0.0:
        return np.empty(0, dtype=np.int64)
    if p >= 1.0:
        return np.arange(n, dtype=np.int64)
    log_stay, found, at = np.log1p(-p), [], -1.0
    while True:
        at = at + 1.0 + np.floor(np.log1p(-rng.random()) / log_stay)
        if at >= n:
            return np.array(found, dtype=np.int64)
        found.append(int(at))


def reference(w, rng, tenure, mean, slope, steps, drift, spread, initial):
    """sim.workforce.turnover in numpy; returns (leavers, own, products)."""
    p = 1.0 / (52.0 * tenure)
    years = steps / 52.0
    leavers = skipped_successes(rng, p, len(w["level"]))
    if not len(leavers):
        return leavers, leavers, leavers
    age = draw_ages(w["level"][leavers], rng)
    means = openness_means(age, mean, slope, years, drift)
    w["age"][leavers] = age
    w["openness"][leavers] = draw_openness(means, spread, rng)
    own = leavers[~w["mandated"][leavers]]
    products = w["product"][own].astype(np.int64)
    w["product"][own] = -1
    w["paid"][own] = False
    w["since"][own] = -1
    seats = w["buyer"][leavers]
    w["receptivity"][seats[seats >= 0]] = initial
    return leavers, own, products


class Removed:
    """A model's user counts, as turnover reports to them: the (ids, products) removed."""

    def __init__(self) -> None:
        self.calls: list[tuple[np.ndarray, np.ndarray]] = []

    def removed(self, ids, products) -> None:
        self.calls.append((ids, products))


def compiled(w, rng, tenure, mean, slope, steps, drift, spread, initial):
    """sim.workforce.turnover now, on a stand-in model over the same arrays."""
    pop = SimpleNamespace(
        emp_level=w["level"],
        emp_age=w["age"],
        emp_openness=w["openness"],
        emp_mandated=w["mandated"],
        emp_product=w["product"],
        emp_paid=w["paid"],
        emp_since=w["since"],
        receptivity=w["receptivity"],
    )
    model = SimpleNamespace(
        population=pop,
        rng=rng,
        n_employees=len(w["level"]),
        tenure_years=tenure,
        openness_mean=mean,
        openness_age_slope=slope,
        openness_drift=drift,
        steps=steps,
        openness_spread=spread,
        emp_buyer=w["buyer"],
        receptivity_initial=initial,
        newcomer_invites=False,
        user_counts=Removed(),
    )
    found = []
    real = workforce.successes
    with patch.object(workforce, "successes", lambda *a: found.append(real(*a)) or found[-1]):
        workforce.turnover(model)
    calls = model.user_counts.calls
    assert len(calls) <= 1
    leavers = found[0]
    own, products = calls[0] if calls else (leavers, leavers)
    return leavers, own, products


def same_state(a, b) -> bool:
    """Bit generator states equal (MT19937's holds an array)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_state(a[k], b[k]) for k in a)
    return bool(np.array_equal(a, b))


def check_same(seed, p, mean=0.3, slope=0.05, years=2.5, drift=0.01, spread=0.2, bits=None):
    """Both versions on copies of one world and generators of one seed: equal results,
    equal arrays, and equal generator states afterwards."""
    make = bits or np.random.PCG64
    r_ref, r_new = np.random.Generator(make(seed)), np.random.Generator(make(seed))
    w_ref = world(seed)
    w_new = {k: v.copy() for k, v in w_ref.items()}
    tenure = 1.0 / (52.0 * p) if p > 0 else float("inf")  # the model's parameters
    args = (tenure, mean, slope, round(years * 52), drift, spread, 0.3)
    expected = reference(w_ref, r_ref, *args)
    got = compiled(w_new, r_new, *args)
    for e, g in zip(expected, got, strict=True):
        assert g.dtype == np.int64 and np.array_equal(e, g)
    for name in w_ref:
        assert w_ref[name].dtype == w_new[name].dtype
        assert np.array_equal(w_ref[name], w_new[name]), name  # bit for bit
    assert same_state(r_ref.bit_generator.state, r_new.bit_generator.state)
    assert np.array_equal(r_ref.random(5), r_new.random(5))  # the stream goes on as one
    return expected


@pytest.mark.parametrize("seed", range(6))
def test_a_week_is_the_numpy_week(seed):
    leavers, own, _ = check_same(seed, p=0.05)
    assert len(leavers) > 3 and 0 < len(own) < len(leavers)  # mandated seats stay


def test_no_leaver_draws_only_the_uniforms():
    leavers, _, _ = check_same(1, p=0.0)
    assert len(leavers) == 0


def test_everyone_leaving_clips_ages_at_both_ends():
    """p 1: all leave; wide role spreads put ages beyond 21 and 67."""
    leavers, _, _ = check_same(2, p=1.0)
    assert len(leavers) == N


def test_spread_zero_draws_no_beta_and_clips_means_to_one():
    check_same(3, p=0.2, spread=0.0)
    check_same(3, p=0.2, spread=0.0, mean=0.99, slope=0.3, years=30.0, drift=0.1)


def test_beta_below_one_and_other_bit_generators():
    """Spread 0.9: kappa 1/9, both Beta parameters below one (Johnk's algorithm); and the
    C interface of other bit generators (MT19937's next_double is not PCG64's)."""
    check_same(4, p=0.3, spread=0.9)
    # Beta(0.00056, 0.11): numpy's Johnk step returns where U ** (1 / a) underflows to 0
    # (Numba's port rejects and draws again: the draws must stay numpy's)
    check_same(0, p=0.75, mean=0.0, slope=0.0, years=0.0, drift=0.0, spread=0.9)
    for bits in (np.random.MT19937, np.random.Philox, np.random.SFC64):
        check_same(5, p=0.3, bits=bits)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    p=st.floats(0.0, 1.0),
    mean=st.floats(0.0, 1.0),
    slope=st.floats(0.0, 0.3),
    years=st.floats(0.0, 40.0),
    drift=st.floats(-0.1, 0.1),
    spread=st.sampled_from([0.0, 0.05, 0.2, 0.5, 0.9]),
)
def test_property_any_week_is_the_numpy_week(seed, p, mean, slope, years, drift, spread):
    check_same(seed, p, mean, slope, years, drift, spread)


_SIGNATURES = r"""
import json
from sim import compiled_outputs, compiled_turnover
from sim.model import MarketModel
def signatures():
    return {
        f"{m.__name__}.{n}": len(f.signatures)
        for m in (compiled_turnover, compiled_outputs)
        for n, f in vars(m).items()
        if hasattr(f, "signatures")
    }
# newcomer_invites on: its pass (team_tools) is compiled by the warm-up too
model = MarketModel.from_scenario("default", rng=5, n_enterprises=15, newcomer_invites=True)
before = signatures()
for _ in range(60):  # past a year: net revenue retention compares accounts
    model.step()
print(json.dumps([before, signatures()]))
"""


def test_warm_up_compiles_what_a_run_calls():
    """In a fresh process, building a market compiles this helper's passes (turnover's
    and the outputs': sim.compiled.warm_up calls this module's warm-up) and a run of
    more than a year compiles nothing more."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", _SIGNATURES], capture_output=True, text=True, env=env, check=True
    )
    before, after = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(before) == 8 and set(before.values()) == {1}, before  # leavers: compiled_skips
    assert after == before
