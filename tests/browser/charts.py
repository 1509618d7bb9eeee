"""Reading what ECharts draws, from a chart that is live when it is read.

A chart's Vue component can be remounted while a test reads it (a study finishing, a
tab re-rendering): for a moment the old canvas is still in the page with its ECharts
instance disposed, and ``getOption()`` answers ``null``. Reading the first matching
element once therefore races the re-render (CI saw it: ``Cannot read properties of
null (reading 'series')`` in the Decide test). :func:`chart_eval` waits for a chart
that is not disposed and has an option, then evaluates on that one.
"""

from __future__ import annotations

_ON_LIVE_CHART = """([name, body, until]) => {
  const run = eval(body);
  for (const el of document.querySelectorAll(`[data-chart=${name}] .sw-chart-canvas`)) {
    const chart = el.__swChart;
    if (!chart || chart.isDisposed() || !chart.getOption()) continue;
    const value = run(chart);
    return until && !value ? null : {value};
  }
  return null;
}"""


def chart_eval(page, chart: str, body: str, until: bool = False, timeout: float = 30_000):
    """``body`` (a JS function of the ECharts instance) on a live ``chart``; its JSON value.

    With ``until``, wait further until ``body`` answers something truthy.
    """
    args = [chart, body, until]
    handle = page.wait_for_function(_ON_LIVE_CHART, arg=args, timeout=timeout)
    return handle.json_value().get("value")


def chart_option(page, chart: str) -> dict:
    """The option a live ``chart`` is drawing."""
    return chart_eval(page, chart, "c => c.getOption()")
