"""Measure step-plus-redraw latency in the browser (used by a script and a browser test).

The clock runs in the page: ``t0`` just before the Step button's click, the end at the
last on-screen DOM change or the last finished ECharts draw of an on-screen chart
(``window.__swLastRender``, set by :mod:`gui.echart`) before the page goes quiet for
300 ms. So the figure is what the strategist sees: the websocket round trip, the model
step, the server-side render, the widget updates and the browser's drawing of every
view in the window. Views scrolled out of sight catch up when the browser is idle;
measure with a viewport tall enough for every view to count them all.
"""

from __future__ import annotations

import statistics
from typing import Any

MEASURE_STEP_JS = """
async (week) => {
  const btn = [...document.querySelectorAll('button')]
      .find(b => b.innerText.trim().toUpperCase() === 'STEP');
  let last = 0;
  const onScreen = (node) => {
    const el = node.nodeType === 1 ? node : node.parentElement;
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight && r.width > 0;
  };
  const obs = new MutationObserver((muts) => {
    for (const m of muts) {
      if (m.attributeName === 'data-rendered') continue;  // charts report via __swLastRender
      if (onScreen(m.target)) { last = performance.now(); return; }
    }
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true,
                              attributes: true});
  const sleep = (ms) => new Promise(r => setTimeout(r, ms));
  const t0 = performance.now();
  window.__swLastRender = 0;
  btn.click();
  const target = 'Week ' + week + ' of';
  while (!document.querySelector('.sw-step').innerText.includes(target)) {
    if (performance.now() - t0 > 30000) { obs.disconnect(); return -1; }
    await sleep(2);
  }
  const counter = performance.now() - t0;
  while (performance.now() - Math.max(last, window.__swLastRender || 0) < 300) await sleep(10);
  obs.disconnect();
  return {total: Math.max(last, window.__swLastRender || 0) - t0, counter: counter};
}
"""


def measure_steps(page: Any, n: int = 20) -> dict[str, float]:
    """Click Step ``n`` times on a loaded page; return latency statistics in ms.

    The page must show the explorer with every chart drawn, at ``Week k``; the
    measurement continues from there.
    """
    import re

    text = page.locator(".sw-step").inner_text()
    week = int(re.search(r"Week (\d+)", text).group(1))
    totals, counters = [], []
    for i in range(1, n + 1):
        out = page.evaluate(MEASURE_STEP_JS, week + i)
        if out == -1:
            raise RuntimeError(f"step {week + i} did not appear within 30 s")
        totals.append(out["total"])
        counters.append(out["counter"])
    totals.sort()
    return {
        "steps": n,
        "median_ms": statistics.median(totals),
        "p90_ms": totals[min(n - 1, int(0.9 * n))],
        "max_ms": totals[-1],
        "median_counter_ms": statistics.median(counters),
    }
