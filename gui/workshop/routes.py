"""The workshop's place in the app: its routes under ``/workshop`` and its page style.

``gui/app.py`` adds :data:`routes` beside the explorer's; see :mod:`gui.workshop.links`
for what each address holds.
"""

from __future__ import annotations

import logging

import solara

from gui.workshop.debrief_view import SummaryPage
from gui.workshop.facilitator_page import HostPage
from gui.workshop.join_page import JoinPage
from gui.workshop.participant_page import TeamPage
from gui.workshop.reconnect import Reconnect
from gui.workshop.rooms_page import RoomsPage
from gui.workshop.screen_page import ScreenPage

log = logging.getLogger("gui.workshop")

CSS = """
.sw-ws-page { max-width: 1200px; width: 100%; box-sizing: border-box; padding: 8px; }
.sw-ws-card { max-width: 100%; }
.sw-ws-row { flex-wrap: wrap; gap: 8px; }
.sw-ws-round { font-weight: 600; margin: 4px 0 8px; }
.sw-ws-note { font-size: 12px; color: #555; }
.sw-ws-h3 { font-size: 16px; margin: 12px 0 4px; }
.sw-ws-joinpanel { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; }
.sw-ws-code-big { font-size: clamp(40px, 12vw, 72px); font-weight: 700; letter-spacing: 0.15em;
                  line-height: 1.1; }
.sw-ws-url { font-family: monospace; word-break: break-all; }
.sw-ws-qr svg { width: 180px; height: 180px; }
.sw-ws-settings-grid { display: grid; gap: 0 12px;
  grid-template-columns: repeat(auto-fill, minmax(min(220px, 100%), 1fr)); }
.sw-ws-report { margin: 8px 0; max-width: 100%; overflow-x: auto; }
.sw-ws-report-title { font-weight: 600; }
.sw-ws-teammates { font-size: 12px; color: #555; margin-top: 12px; word-break: break-word; }
.sw-ws-verdict p { margin: 4px 0; max-width: 80ch; }
.sw-ws-page .sw-json-table { max-width: 100%; overflow-x: auto; }
.sw-ws-page .v-btn { max-width: 100%; white-space: normal; }
.sw-ws-page .v-btn__content { white-space: normal; }
.sw-ws-page .sw-kpi-row { grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); }
.sw-ws-decision .v-input { margin-bottom: 6px; }
@media (max-width: 760px) {
  .sw-ws-page { padding: 4px; }
  .sw-ws-page .v-card { margin: 4px 0 !important; }
}
"""


PAGE_FAILED = (
    "Sorry: this page could not be drawn because of a problem on the server (it is logged "
    "for the facilitator). Reload the page; your team and the room are saved."
)


@solara.component
def WorkshopLayout(children=[]):  # noqa: B006 - Solara's signature
    """Every workshop page: its style, the reconnect watcher, and :func:`Boundary`."""
    solara.Title("Sales Web workshop")
    solara.Style(CSS)
    Reconnect()
    Boundary(children=children)


@solara.component
def Boundary(children=[], message: str = PAGE_FAILED):  # noqa: B006 - as a layout's
    """An error boundary: a page that fails while drawing shows ``message``.

    The explorer and the decision studio use it too (``gui/app.py``'s layout, with its
    own words), so no page of the app shows a traceback.

    Buttons have :mod:`gui.workshop.guard`; this catches what fails in drawing, so
    nobody sees a traceback there either. The details go to the server's log once.
    It holds nothing but the hook and the children, and shows one element when a child
    failed (measured: more made reacton loop re-rendering the failed child).
    """
    exception, _ = solara.use_exception()

    def report():
        if exception is not None:
            log.error("a page failed to draw", exc_info=exception)

    solara.use_effect(report, [id(exception)])
    if exception is not None:
        # one element only: a second one beside it (or a container) makes reacton
        # re-render the failed children in a loop
        solara.Error(message, classes=["sw-ws-page-failed"])
        return
    solara.Column(children=children, style="padding: 0; width: 100%")


routes = [
    solara.Route(path="/", component=JoinPage, label="Join"),
    solara.Route(path="team", component=TeamPage, label="Team"),
    solara.Route(path="host", component=HostPage, label="Facilitator"),
    solara.Route(path="summary", component=SummaryPage, label="Summary"),
    solara.Route(path="rooms", component=RoomsPage, label="Rooms"),
    # /workshop/ABCD/screen: Solara's router skips the code (no route matches it) and
    # matches "screen"; the page reads the code from the path
    solara.Route(path="screen", component=ScreenPage, label="Projector"),
]
