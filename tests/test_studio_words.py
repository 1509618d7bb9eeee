"""Words for strategists: levers that act on nothing say why, the copied scenario file
names my company's changes, strategies read as words."""

from __future__ import annotations

import pytest

from experiments.idle_levers import idle_notes, idle_reason
from gui.sidebar import STRATEGY_WORDS
from gui.state import Run
from sim.params import STRATEGIES

SMALL = {"n_enterprises": 8, "enterprise_size_max": 120}


@pytest.mark.parametrize(
    ("name", "strategy", "all_motions", "idle"),
    [
        ("initial_reps", "bottoms_up", False, True),
        ("sales_start_week", "bottoms_up", False, True),
        ("initial_reps", "hybrid", False, False),
        ("marketing_spend", "direct", False, True),
        ("marketing_spend", "direct", True, False),
        ("marketing_spend", "bottoms_up", False, False),
        ("seat_price", "direct", False, False),  # it prices enterprise contracts too
    ],
)
def test_levers_that_act_on_nothing_say_why(name, strategy, all_motions, idle):
    reason = idle_reason(name, strategy, all_motions)
    assert bool(reason) == idle and (not idle or reason.startswith("No effect:"))


def test_idle_reps_really_hire_nobody():
    """The rule matches the model: a bottoms-up company with reps at launch hires none."""
    run = Run.build("default", SMALL, seed=4, focal={"strategy": "bottoms_up", "initial_reps": 10})
    run.step(30)
    assert run.model.focal_vendor.reps == 0


def test_strategies_read_as_words():
    assert set(STRATEGY_WORDS) == set(STRATEGIES)
    assert all("_" not in w for w in STRATEGY_WORDS.values())


def test_the_scenario_file_names_my_companys_changes():
    from gui.scenario_file import run_scenario_toml

    run = Run.build("default", SMALL, seed=2, focal={"initial_reps": 6, "strategy": "hybrid"})
    text = run_scenario_toml(run)
    assert "my company's initial_reps" in text and "my company's strategy" in text
    assert "changed: none" not in text


def test_an_option_that_sets_an_idle_lever_gets_a_note():
    notes = idle_notes("x", {"strategy": "bottoms_up", "initial_reps": 10, "seat_price": 20})
    assert notes == ["option 'x' sets initial_reps: a bottoms-up company hires no reps."]
    assert idle_notes("y", {"strategy": "hybrid", "initial_reps": 10}) == []


def test_every_number_has_a_unit_and_no_word_on_screen_is_a_raw_name():
    """The glossary the browser shows (labels, units, definitions, choices) is in words."""
    import re

    from gui.glossary import column, tooltip
    from sim.params import OUTPUTS, PARAMETERS, choice_label

    raw = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
    for p in PARAMETERS.values():
        assert p.kind not in ("int", "float") or p.unit, f"{p.name} has no unit"
        for text in (p.label, p.unit, p.description, *map(choice_label, p.choices)):
            assert not raw.search(text), f"{p.name}: {text!r}"
        assert tooltip(p).endswith(f": {p.name}.")  # the key a scenario file takes, on hover
        assert not re.search(r"\bseed \d", p.description)  # essays read "essay 003", not seeds
    for name, t in OUTPUTS.items():
        head = column(name)
        assert not raw.search(head["text"]) and head["tip"] == t.description
