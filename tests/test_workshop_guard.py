"""No traceback reaches a workshop page: typed numbers and event handlers (no browser).

The browser fuzz (tests/browser/test_workshop_fuzz.py) types the same values into the
real pages; these tests pin the two pieces it relies on, quickly.
"""

from __future__ import annotations

import logging

import pytest

from gui.workshop.guard import guarded, unexpected_message
from gui.workshop.room import RoomError
from gui.workshop.views import MAX_NUMBER_TEXT, parse_number

HOSTILE = ["nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "1_000", "",
           "x" * 10_000, "<svg onload=alert(1)>", "12🙂", "\u202e5\u202c", "٣e٤٠٠", "0x10",
           "1e-400e"]  # fmt: skip


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("integer", [False, True])
def test_hostile_text_gets_the_forms_message_naming_the_field(text, integer):
    with pytest.raises(RoomError, match=r"^reps to hire: "):
        parse_number("reps to hire", text, integer=integer)


def test_plain_numbers_read_as_people_type_them():
    assert parse_number("x", "12,000") == 12000.0
    assert parse_number("x", " $25 ") == 25.0
    assert parse_number("x", "3", integer=True) == 3
    assert parse_number("x", "1e3", integer=True) == 1000
    value = parse_number("x", "-0")
    assert value == 0 and str(value) == "0.0"  # not -0.0
    with pytest.raises(RoomError, match="whole number"):
        parse_number("x", "2.5", integer=True)
    assert parse_number("x", "9" * MAX_NUMBER_TEXT) > 0


def test_a_refusal_is_shown_in_its_own_words_and_nothing_is_raised():
    seen = []

    def refuse():
        raise RoomError("reps to hire: 'nan' is not a number")

    assert guarded(refuse, seen.append, "submitting")() is None
    assert seen == ["reps to hire: 'nan' is not a number"]


def test_an_unforeseen_error_is_logged_and_the_page_gets_a_sentence(caplog):
    seen, ok = [], []

    def crash(value):
        return int(float(value))  # OverflowError on "inf": the bug of issue 20

    run = guarded(crash, seen.append, "submitting the decision", lambda: ok.append(1))
    with caplog.at_level(logging.ERROR, logger="gui.workshop"):
        assert run("inf") is None
    assert seen == [unexpected_message("submitting the decision")]
    assert "Traceback" not in seen[0] and "OverflowError" not in seen[0]
    assert "OverflowError" in caplog.text  # the details are in the server log
    assert not ok
    assert run("7") == 7 and ok == [1]
