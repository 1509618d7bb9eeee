"""A small ECharts widget of our own, with a PNG button and a render timestamp.

Why not ``solara.FigureEcharts``: we need three things it lacks. A DOM button that
saves the chart as PNG in the browser (export without a second, server-side renderer),
a title bar, and a hook that records when ECharts has finished drawing
(``window.__swLastRender``), so a script can measure step-plus-redraw latency in the
browser. ECharts itself is loaded from Solara's offline asset cache
(``/_solara/cdn/echarts@5.4.0``), so the page needs no internet connection.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import ipyvuetify
import traitlets


class EchartWidget(ipyvuetify.VuetifyTemplate):
    """ECharts canvas that replaces its whole option on every change (no merge).

    The option travels as a JSON string, not a dict: reacton walks every nested
    value of an element's props on each render looking for child elements, and a
    network's option holds thousands of dicts; a string is one value (this cut the
    server side of a step from about 280 ms to a few tens of ms).
    """

    template_file = (__file__, "echart.vue")

    option_json = traitlets.Unicode("{}").tag(sync=True)
    name = traitlets.Unicode("chart").tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    height = traitlets.Int(260).tag(sync=True)
    clickable = traitlets.Bool(False).tag(sync=True)
    on_click = traitlets.Callable(None, allow_none=True)

    def vue_on_click(self, data: Any) -> None:
        if self.on_click is not None:
            self.on_click(data)


def EChart(
    option: dict,
    name: str,
    title: str = "",
    height: int = 260,
    on_click: Callable[[dict], None] | None = None,
):
    """Render an ECharts ``option`` dict; ``name`` is the PNG file name and test hook.

    A plain function, not a component, on purpose: a component's arguments are walked
    by reacton on every render, and the option dict can be large; only its JSON
    string reaches the element.
    """
    return EchartWidget.element(
        option_json=json.dumps(option, separators=(",", ":"), allow_nan=False),
        name=name,
        title=title or name,
        height=height,
        clickable=on_click is not None,
        on_click=on_click,
    )
