"""One colour per go-to-market strategy, shared by the browser and the written reports.

It lives here, below both, so that a strategy looks the same in ``gui/`` (which imports
this public module) and in ``experiments/sweep/charts.py`` without ``experiments/``
importing ``gui/`` (docs/architecture.md).
"""

from __future__ import annotations

STRATEGY_COLORS: dict[str, str] = {
    "bottoms_up": "#2e7d32",
    "direct": "#1565c0",
    "hybrid": "#ef6c00",
}
"""One colour per go-to-market strategy, used in every view."""
