"""The step-time guard: a week more than 2x slower than the committed figure fails.

Times are CPU ratios against Mesa's VirusOnNetwork measured in the same process
(:mod:`experiments.bench_guard`), never absolute seconds, so the test holds on a
loaded machine. A genuine slowdown persists, noise does not: a size that looks too
slow is measured once more and fails only if it is too slow both times.
"""

from __future__ import annotations

import json

import pytest

from experiments import bench_guard
from experiments.bench_guard import COMMITTED, SIZES, measure, slower


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(COMMITTED.read_text())


@pytest.mark.parametrize("employees", sorted(SIZES))
def test_a_week_is_not_twice_as_slow_as_committed(employees: int, committed: dict) -> None:
    assert str(employees) in committed["sizes"], f"no committed figure for {employees}"
    weeks = SIZES[employees]
    for _attempt in range(2):
        now = {str(employees): measure(employees, weeks)}
        problems = slower(now, committed)
        if not problems:
            return
    pytest.fail("\n".join(problems))


def test_the_guard_flags_a_planted_slowdown(committed: dict) -> None:
    """Every week does its work three times: the guard must say so."""
    employees = min(SIZES)
    weeks = SIZES[employees]
    week = bench_guard._market_weeks(employees, weeks)
    for _attempt in range(2):  # as the guard itself, allow one noisy measurement
        planted = measure(employees, weeks, market=lambda: week() + week() + week())
        if slower({str(employees): planted}, committed):
            return
    pytest.fail(f"a 3x slower week passed the guard: {planted}")


def test_slower_compares_ratios_not_times() -> None:
    committed = {"commit": "abc", "sizes": {"2000": {"ratio": 1.0}}}
    assert not slower({"2000": {"ratio": 1.9}}, committed)
    (line,) = slower({"2000": {"ratio": 2.5}}, committed)
    assert "2.50x slower" in line and "abc" in line
    assert not slower({"5000": {"ratio": 9.0}}, committed)  # no figure for that size
