"""The page's URL state and the server's recent studies, without a browser."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gui import recent
from gui.url_state import decode, encode

SCENARIOS = {"default": None, "yammer_viral": None}


def test_a_state_survives_its_url():
    q = encode("yammer_viral", 7, {"virality": 0.05, "strategy_mix": (0.0, 1.0, 0.0)},
               {"strategy": "hybrid", "initial_reps": 6}, 12, 2,
               {"options": "a: strategy=direct\nb: strategy=hybrid", "seeds": "3", "study": "x1"})  # fmt: skip
    state, problems = decode(q, SCENARIOS)
    assert problems == []
    assert state["scenario"] == "yammer_viral" and state["seed"] == 7 and state["week"] == 12
    assert state["tab"] == 2
    assert state["overrides"]["virality"] == pytest.approx(0.05)
    assert tuple(state["overrides"]["strategy_mix"]) == pytest.approx((0.0, 1.0, 0.0))
    assert state["focal"] == {"strategy": "hybrid", "initial_reps": 6}
    assert state["decide"]["options"] == "a: strategy=direct\nb: strategy=hybrid"
    assert state["decide"]["study"] == "x1"


def test_a_bad_link_is_refused_with_reasons():
    state, problems = decode(
        "scenario=nowhere&seed=x&set.virality=7&set.nope=1&my.strategy=sideways", SCENARIOS
    )
    assert "scenario" not in state and "seed" not in state and state["overrides"] == {}
    text = "; ".join(problems)
    for word in ("'nowhere'", "seed 'x'", "virality", "'nope' is not a parameter", "sideways"):
        assert word in text


def fake_result(n_seeds: int, steps: int):
    from experiments.study import Option, StudyResult

    arr = np.zeros((1, n_seeds, steps + 1))
    runs = pd.DataFrame({"option": ["a"] * n_seeds, "seed": range(n_seeds)})
    return StudyResult("default", [Option("a")], list(range(n_seeds)), 0, steps, {}, {},
                       arr, arr.copy(), runs)  # fmt: skip


def test_recent_studies_are_per_session_and_bounded(monkeypatch):
    recent.clear()
    ids = [recent.remember(fake_result(2, 10), session="s1") for _ in range(recent.PER_SESSION + 3)]
    other = recent.remember(fake_result(2, 10), session="s2")
    mine = recent.listing("s1")
    assert [e.study_id for e in mine] == ids[::-1][: recent.PER_SESSION]  # newest first
    assert recent.get(ids[0]) is None and recent.get(ids[-1]) is not None
    assert [e.study_id for e in recent.listing("s2")] == [other]
    assert recent.get(other) is not None  # a link works in any session
    big = fake_result(50, 260)
    monkeypatch.setattr(recent, "MAX_BYTES", 3 * recent._size(big))
    for _ in range(5):
        recent.remember(big, session="s3")
    assert sum(e.nbytes for e in recent._studies.values()) <= recent.MAX_BYTES
    recent.clear()


def test_every_tab_of_the_page_survives_its_url():
    import inspect

    import gui.app

    shown = inspect.getsource(gui.app).count("solara.lab.Tab(")
    for tab in range(shown):  # the fit-and-optimise tabs too, not only the first three
        state, problems = decode(encode("default", 1, {}, {}, 0, tab), SCENARIOS)
        assert problems == [] and state["tab"] == tab
