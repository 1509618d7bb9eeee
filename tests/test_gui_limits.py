"""The browser server's guards: session memory limit, turns at heavy work, the seed field."""

from __future__ import annotations

import threading
import time
import tracemalloc

import pytest

from gui import limits
from gui.compare import parse_seeds, run_comparison
from gui.server import ServerError, server_env
from gui.state import Run
from sim.params import ParameterError


@pytest.fixture
def one_slot():
    limits.configure(1)
    yield
    limits.configure(limits.heavy_jobs())


def test_seed_ranges_are_counted_before_they_are_expanded():
    tracemalloc.start()
    try:
        seeds, err = parse_seeds("1-100000000")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seeds == [] and "at most 20" in err
    assert peak < 1e6, f"{peak / 1e6:.0f} MB to refuse a range"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1, 2,5-7", ([1, 2, 5, 6, 7], None)),
        ("0-19", (list(range(20)), None)),
        ("0-20", "at most 20"),
        ("1," * 30, "at most 20"),
        ("7-3", "runs backwards"),
        ("9" * 5000, "not a whole number"),
        ("-1", "not a whole number"),
        ("x", "not a whole number"),
        ("", "at least one seed"),
    ],
)
def test_seed_field(text, expected):
    seeds, err = parse_seeds(text)
    if isinstance(expected, tuple):
        assert (seeds, err) == expected
    else:
        assert seeds == [] and expected in err


def test_a_session_market_above_the_session_limit_is_refused(monkeypatch):
    monkeypatch.setenv(limits.MEMORY_ENV, "0.05")
    with pytest.raises(ParameterError, match="memory limit of 0.05 GB"):
        Run.build("default", {"n_enterprises": 1000}, seed=1)
    with pytest.raises(ParameterError, match="memory limit of 0.05 GB"):
        run_comparison("default", {}, {"n_enterprises": 1000}, {}, seeds=[1], weeks=5)
    assert Run.build("default", {"n_enterprises": 5}, seed=1).model.memory_budget.limit_gb == 0.05


def test_heavy_work_takes_turns(one_slot):
    """With one slot, a second build waits until the first gives its slot back."""
    order = []
    holding = threading.Event()

    def first():
        with limits.heavy_slot():
            holding.set()
            time.sleep(0.5)
            order.append("first done")

    t = threading.Thread(target=first)
    t.start()
    holding.wait(5)
    assert limits.busy() == 1
    Run.build("default", {"n_enterprises": 3}, seed=1)
    order.append("build done")
    t.join()
    assert order == ["first done", "build done"]
    assert limits.busy() == 0


def test_a_comparison_waiting_for_a_slot_can_be_cancelled(one_slot):
    cancel = threading.Event()
    with limits.heavy_slot():
        threading.Timer(0.3, cancel.set).start()
        result = run_comparison(
            "default", {"n_enterprises": 5}, {}, {}, seeds=[1], weeks=3, cancelled=cancel.is_set
        )
    assert result is None and limits.busy() == 0


@pytest.fixture
def two_slots():
    limits.configure(2)
    yield
    limits.configure(limits.heavy_jobs())


def test_a_study_takes_every_free_slot_and_gives_them_all_back(two_slots):
    with limits.heavy_slots(8) as held:
        assert held == 2 and limits.busy() == 2
    assert limits.busy() == 0
    # another session is building a market
    with limits.heavy_slot(), limits.heavy_slots(8) as held:
        assert held == 1 and limits.busy() == 2
    assert limits.busy() == 0
    with limits.heavy_slots(1) as held:  # never more than asked
        assert held == 1


def test_a_study_waiting_for_its_first_slot_can_be_cancelled(one_slot):
    cancel = threading.Event()
    with limits.heavy_slot():
        threading.Timer(0.3, cancel.set).start()
        with pytest.raises(limits.Cancelled), limits.heavy_slots(4, cancelled=cancel.is_set):
            pass
    assert limits.busy() == 0


def test_strategy_mix_moves_a_scenario_that_names_its_vendors():
    """Compare in yammer_viral: all bottoms-up against all direct is not B - A = 0."""
    result = run_comparison(
        "yammer_viral",
        {"n_enterprises": 30},
        {"strategy_mix": "1:0:0"},
        {"strategy_mix": "0:1:0"},
        seeds=[1],
        weeks=20,
    )
    vendors = result.mean_history("A")["vendors_bottoms_up"][-1]
    assert vendors == 2 and result.mean_history("B")["vendors_direct"][-1] == 2
    assert result.mean_history("A")["users"][-1] != result.mean_history("B")["users"][-1]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"session_memory_gb": 0}, "--session-memory-gb"),
        ({"session_memory_gb": float("nan")}, "--session-memory-gb"),
        ({"heavy_jobs": 0}, "--heavy-jobs"),
        ({"assets": "/nonexistent"}, "offline front-end is missing"),
    ],
)
def test_server_flags_are_checked(kwargs, fragment):
    with pytest.raises(ServerError, match=fragment):
        server_env(**kwargs)


def test_server_flags_reach_the_app():
    env = server_env(session_memory_gb=0.25, heavy_jobs=3)
    assert env[limits.MEMORY_ENV] == "0.25" and env[limits.JOBS_ENV] == "3"


def test_the_server_maps_large_blocks_unless_the_user_set_the_allocator(monkeypatch):
    """glibc's settings that let a closed session's markets go back to the system
    (gui.server.MALLOC_SETTINGS; tests/browser/test_sessions.py measures it)."""
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    env = server_env()
    assert env["MALLOC_MMAP_THRESHOLD_"] == str(2**20)
    assert env["MALLOC_TRIM_THRESHOLD_"] == str(2**28)
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")
    assert server_env()["MALLOC_MMAP_THRESHOLD_"] == "65536"


def test_a_session_run_stopped_by_its_budget_says_why():
    """The page shows the reason (Run.step raises); the week run stays recorded."""
    from sim import budget

    run = Run.build("default", {"n_enterprises": 5}, seed=1)
    run.model.memory_budget = budget.Budget(1e-4, run.model.memory_budget.estimate)
    with pytest.raises(budget.BudgetExceeded, match="outgrew its memory limit after week 1"):
        run.step(1)
    assert run.steps == 1 and run.finished and len(run.history()["arr_total"]) == 2
