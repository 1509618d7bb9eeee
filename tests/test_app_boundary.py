"""The explorer and studio pages: a failure while drawing or in a button shows a sentence.

Issue 20 item 1 asks it of every workshop and studio page; the workshop's own layout is
tested in tests/test_workshop_boundary.py, the app's layout (every page) here.
"""

from __future__ import annotations

import logging

import ipyvuetify as v
import solara

from gui.app import APP_FAILED, Layout
from tests.test_workshop_boundary import Broken, texts


@solara.component
def FailingButton():
    def fail():
        raise ZeroDivisionError("a bug in a handler")

    return solara.Button("Compare", on_click=fail)


def test_a_page_that_fails_to_draw_shows_a_sentence(caplog):
    with caplog.at_level(logging.ERROR, logger="gui.workshop"):
        box, _ = solara.render(Layout(children=[Broken()]), handle_error=False)
    shown = " ".join(texts(box))
    assert APP_FAILED in shown and "Traceback" not in shown and "Overflow" not in shown
    assert "OverflowError" in caplog.text


def test_a_button_that_fails_shows_a_sentence_not_a_traceback(caplog):
    box, rc = solara.render(Layout(children=[FailingButton()]), handle_error=False)
    button = rc.find(v.Btn, children=["Compare"]).widget
    with caplog.at_level(logging.ERROR, logger="gui.workshop"):
        button.click()
    shown = " ".join(texts(box))
    assert APP_FAILED in shown and "ZeroDivision" not in shown
    assert "a bug in a handler" in caplog.text
