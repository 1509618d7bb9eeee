"""Sales Web explorer: the strategist's browser app (``make run``).

Pick a scenario, move a lever, press Play and watch my company's KPIs, ARR, adoption
and the vendor population respond (Explore); compare two settings (Compare); or
compare plans for my company over many seeds and read the verdict (Decide). The page
is our own Solara components on top of the engine's public API (:mod:`sim`); charts
are ECharts drawn in the browser (:mod:`gui.echart`) because server-side matplotlib or
Altair redraws are too slow for a step every 250 ms (STACK-NOTES.md).

Per-session state and the actions on it are in :mod:`gui.session`, the sidebar in
:mod:`gui.sidebar`, each tab in :mod:`gui.pages`. This module lays out the page.
"""

from __future__ import annotations

import reacton.core
import solara
import solara.lab
from solara.alias import rv

from gui.frame_sync import FrameSync
from gui.pages.compare import Compare
from gui.pages.decide import Decide
from gui.pages.explore import Explore
from gui.pages.my_data import MyData
from gui.pages.optimize import Optimize
from gui.restore import current_query, restore, unsaved
from gui.session import (  # noqa: F401 - the session's state, as tests and scripts read it
    SCENARIOS,
    do_step,
    frame_sync,
    main_tab,
    rebuild,
    render_context,
    run,
    run_error,
    scenario_name,
    tick,
)
from gui.sidebar import SidebarBottom, SidebarTop
from gui.solara_fixes import fix_navigator_template
from gui.study_workers import warm_if_serving
from gui.url_state import UrlState
from gui.workshop.routes import Boundary, WorkshopLayout
from gui.workshop.routes import routes as workshop_routes
from sim.scenarios import load_scenario

fix_navigator_template()
warm_if_serving()  # the server keeps a warm pool of study workers (gui/study_workers.py)

CSS = """
.sw-layout { display: flex; align-items: flex-start; width: 100%; }
.sw-sidebar { width: 360px; min-width: 360px; padding: 8px; }
.sw-main { flex: 1; min-width: 0; padding: 8px; }
.sw-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(440px, 100%), 1fr));
           gap: 10px; margin-bottom: 10px; width: 100%; }
.sw-tables { grid-template-columns: minmax(0, 1fr); }
.sw-json-table, .sw-compare-table { max-width: 100%; overflow-x: auto; }
.sw-params .v-expansion-panel-content__wrap { padding: 0 8px 8px; }
.sw-param { margin-bottom: 10px !important; }
.sw-param .v-messages { font-size: 11px; min-height: 0; }
.sw-param .v-text-field__details { overflow: visible; min-height: 0; height: auto; }
.sw-param .v-input__slot { margin-bottom: 2px; }
.sw-param .v-text-field { padding-top: 16px; margin-top: 0; }
.sw-speed .v-slider__tick-label { font-size: 11px; }
@media (max-width: 760px) {
  .sw-layout { flex-direction: column; }
  /* on a phone: Play/Reset (sticky), my company's levers, the tabs, then the rest */
  .sw-layout > .sw-sidebar.d-flex, .sw-side-top.d-flex, .sw-side-bottom.d-flex {
    display: contents !important; }
  .sw-layout > * { width: 100%; box-sizing: border-box; }
  .sw-run-sticky { order: 1; position: sticky; top: 0; z-index: 6; background: #fff;
                   padding: 6px 8px; box-shadow: 0 2px 4px rgba(0,0,0,0.15); }
  .sw-g-run { order: 2; padding: 0 8px; }
  .sw-g-levers { order: 3; padding: 8px; }
  .sw-main { order: 4; padding: 4px; }
  .sw-g-scenario { order: 5; padding: 8px; }
  .sw-g-seed { order: 6; padding: 0 8px; }
  .sw-g-file { order: 7; padding: 8px; }
  .sw-g-params { order: 8; padding: 8px; }
  .v-slide-group__prev, .v-slide-group__next { display: none !important; }
  /* a wide table scrolls sideways: say so */
  .sw-json-table.sw-scroll-x::before, .sw-vendor-table::before, .sw-compare-table::before {
    content: "scroll sideways for more columns \\2192"; display: block; font-size: 11px;
    color: #666; margin: 2px 0; }
  .sw-json-table .v-data-table__wrapper { box-shadow: inset -10px 0 8px -8px rgba(0,0,0,0.35); }
}
"""


@solara.component
def Page():
    solara.Title("Sales Web explorer")
    solara.Style(CSS)

    rc = reacton.core.get_render_context()
    search = solara.use_router().search or ""

    def first_build():
        render_context.set(rc)
        if frame_sync.value is None:
            frame_sync.set(FrameSync())
        if run.value is None and not restore(search):  # a reload or a link: its state
            rebuild("Started")

    solara.use_effect(first_build, [])
    UrlSync()
    with solara.Div(classes=["sw-layout"]):
        with solara.Column(gap="8px", classes=["sw-sidebar"]):
            SidebarTop()
            SidebarBottom()
        with (
            solara.Column(classes=["sw-main"]),
            solara.lab.Tabs(value=main_tab),
        ):
            # only the visible tab is rendered: each render pass walks the whole page
            with solara.lab.Tab("Explore"):
                if main_tab.value == 0:
                    Explore()
            with solara.lab.Tab("Compare"):
                if main_tab.value == 1:
                    Compare()
            with solara.lab.Tab("Decide"):
                if main_tab.value == 2:
                    Decide()
            with solara.lab.Tab("My data"):  # issue 18: gui/pages/my_data.py
                if main_tab.value == 3:
                    MyData()
            with solara.lab.Tab("Optimize"):  # issue 18: gui/pages/optimize.py
                if main_tab.value == 4:
                    Optimize()


@solara.component
def UrlSync():
    """The URL follows the page (each week, tab, lever applied, study shown)."""
    _ = tick.value  # a step or rebuild changes the week
    UrlState(current_query(), unsaved())


@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's signature
    """No app bar or drawer: the page lays itself out (sidebar + views)."""
    workshop = solara.use_router().parts[:1] == ["workshop"]
    title = "Sales Web workshop" if workshop else "Sales Web: explore an enterprise software market"
    with solara.Column(style="padding: 0; width: 100%"):
        rv.Html(
            tag="h2",
            children=[title],
            style_="margin: 8px 12px 0; font-size: clamp(18px, 4vw, 24px)",
        )
        # a failure while drawing or in a button shows a sentence, never a traceback
        Boundary(children=children, message=APP_FAILED)


APP_FAILED = (
    "Sorry: this page could not be drawn because of a problem on the server (it is logged). "
    "Reload the page: its link keeps your scenario and settings."
)


routes = [
    solara.Route(path="/", component=Page, layout=Layout),
    # /workshop: rooms where teams steer vendors of one shared market (gui/workshop)
    solara.Route(path="workshop", layout=WorkshopLayout, children=workshop_routes),
]

__all__ = ["Page", "Layout", "load_scenario", "routes"]
