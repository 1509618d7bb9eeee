"""A workshop page that fails while drawing shows a sentence, never a traceback."""

from __future__ import annotations

import logging

import solara

from gui.workshop.routes import PAGE_FAILED, WorkshopLayout


@solara.component
def Broken():
    return int(float("inf"))  # OverflowError while drawing, as issue 20's parse did


def texts(widget) -> list[str]:
    found = []
    for child in getattr(widget, "children", None) or []:
        found += [child] if isinstance(child, str) else texts(child)
    return found


def test_a_page_that_fails_to_draw_shows_the_pages_words_and_logs_the_details(caplog):
    with caplog.at_level(logging.ERROR, logger="gui.workshop"):
        box, _ = solara.render(WorkshopLayout(children=[Broken()]), handle_error=False)
    shown = " ".join(texts(box))
    assert PAGE_FAILED in shown and "Traceback" not in shown and "Overflow" not in shown
    assert "OverflowError" in caplog.text


def test_a_page_that_draws_is_untouched():
    box, _ = solara.render(WorkshopLayout(children=[solara.Text("hello")]), handle_error=False)
    shown = " ".join(texts(box))
    assert "hello" in shown and PAGE_FAILED not in shown
