"""ECharts options for the explorer's time-series views, built from plain data.

Every function takes the model's per-step history (``datacollector.model_vars``: a
dict of column -> list, one value per step) and returns an ECharts ``option`` dict.
They are pure functions so they can be unit-tested without a browser and reused by
the comparison view (which overlays two histories). Animation is off: the page
redraws every step and an animation would only add latency.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from experiments.palette import STRATEGY_COLORS
from sim.params import STRATEGIES, choice_label
from sim.tables import STAGES

VENDOR_PALETTE: tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#a55194", "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#8c6d31",
    "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1",
)  # fmt: skip
"""Vendor colours by product code (cycled): tab20-like, distinct on white."""

NO_PRODUCT_COLOR = "#bdbdbd"


def vendor_color(index: int) -> str:
    """Colour of the vendor with product code ``index``."""
    return VENDOR_PALETTE[index % len(VENDOR_PALETTE)]


def clean(values: Sequence[Any], digits: int = 6) -> list[float | None]:
    """JSON-safe numbers: NaN and infinities become None (a gap), floats are rounded."""
    out: list[float | None] = []
    for v in values:
        try:
            f = float(v)
        except (TypeError, ValueError):
            out.append(None)
            continue
        out.append(round(f, digits) if math.isfinite(f) else None)
    return out


def _base(
    steps: Sequence[int], y_name: str = "", y2_name: str | None = None, legend: bool = True
) -> dict:
    """A time-series option: weeks on a category axis (ECharts stacks only on categories)."""
    option: dict[str, Any] = {
        "animation": False,
        "grid": {"left": 64, "right": 56 if y2_name else 16, "top": 30, "bottom": 36},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "name": "week", "nameLocation": "middle", "nameGap": 22,
                  "boundaryGap": False, "data": [int(s) for s in steps]},
        "yAxis": [{"type": "value", "name": y_name, "nameLocation": "middle", "nameGap": 46}],
    }  # fmt: skip
    if legend:
        option["legend"] = {"top": 0, "type": "scroll"}
    if y2_name:
        option["yAxis"].append(
            {"type": "value", "name": y2_name, "min": 0, "max": 1, "nameLocation": "middle",
             "nameGap": 36}
        )  # fmt: skip
    return option


def _ys(values: Sequence[Any], scale: float = 1.0) -> list[float | None]:
    return clean([None if v is None else v * scale for v in values])


def _steps(history: Mapping[str, Sequence]) -> list[int]:
    n = len(next(iter(history.values()), []))
    return list(range(n))


def predator_prey(history: Mapping[str, Sequence]) -> dict:
    """Reps and vendors alive (left axis) against mean buyer receptivity (right axis)."""
    steps = _steps(history)
    option = _base(steps, "count", "receptivity")
    option["series"] = [
        {"name": "reps", "type": "line", "showSymbol": False, "color": "#c62828",
         "data": _ys(history["reps_total"])},
        {"name": "vendors alive", "type": "line", "showSymbol": False, "color": "#6a1b9a",
         "data": _ys(history["vendors_active"])},
        {"name": "buyer receptivity", "type": "line", "showSymbol": False, "yAxisIndex": 1,
         "color": "#00897b", "data": _ys(history["buyer_receptivity"])},
    ]  # fmt: skip
    return option


def phase_portrait(history: Mapping[str, Sequence]) -> dict:
    """Receptivity (prey) against reps (predators), one point per week, last one marked."""
    rec = clean(history["buyer_receptivity"])
    reps = clean(history["reps_total"])
    points = [[r, p] for r, p in zip(rec, reps, strict=False) if r is not None and p is not None]
    return {
        "animation": False,
        "grid": {"left": 56, "right": 16, "top": 30, "bottom": 34},
        "tooltip": {"trigger": "item"},
        "xAxis": {"type": "value", "name": "mean buyer receptivity", "nameLocation": "middle",
                  "nameGap": 22, "scale": True},
        "yAxis": {"type": "value", "name": "reps", "scale": True},
        "series": [
            {"name": "trajectory", "type": "line", "showSymbol": False, "color": "#455a64",
             "data": points},
            {"name": "now", "type": "scatter", "symbolSize": 10, "color": "#c62828",
             "data": points[-1:]},
        ],
    }  # fmt: skip


def arr_by_strategy(
    history: Mapping[str, Sequence], focal_arr: Sequence[float] | None = None
) -> dict:
    """ARR of each strategy's vendors, stacked (USD millions), and my company's, dashed.

    Only strategies some vendor has played so far are listed: a legend entry for a
    strategy nobody plays reads as a zero the market measured.
    """
    steps = _steps(history)
    option = _base(steps, "ARR (USD m)")
    present = [
        s
        for s in STRATEGIES
        if f"vendors_{s}" not in history or any(v for v in history[f"vendors_{s}"])
    ]
    option["series"] = [
        {"name": choice_label(s), "type": "line", "stack": "arr", "areaStyle": {}, "showSymbol": False,
         "color": STRATEGY_COLORS[s], "data": _ys(history[f"arr_{s}"], 1e-6)}
        for s in present
    ]  # fmt: skip
    if focal_arr is not None:
        option["series"].append(
            {"name": "my company", "type": "line", "showSymbol": False, "color": "#000",
             "lineStyle": {"type": "dashed", "width": 2}, "z": 5,
             "data": _ys(focal_arr, 1e-6)}
        )  # fmt: skip
    return option


def arr_by_motion(history: Mapping[str, Sequence]) -> dict:
    """Self-serve ARR (team plans, self-serve agreements) against enterprise-contract ARR."""
    steps = _steps(history)
    option = _base(steps, "ARR (USD m)")
    option["series"] = [
        {"name": "self-serve", "type": "line", "showSymbol": False, "color": "#2e7d32",
         "data": _ys(history["arr_self_serve"], 1e-6)},
        {"name": "enterprise", "type": "line", "showSymbol": False, "color": "#1565c0",
         "data": _ys(history["arr_enterprise"], 1e-6)},
    ]  # fmt: skip
    return option


def cac_chart(history: Mapping[str, Sequence]) -> dict:
    """Median customer acquisition cost over the vendors with a customer (USD thousands)."""
    steps = _steps(history)
    option = _base(steps, "CAC (USD k)", legend=False)
    option["series"] = [
        {"name": "median CAC", "type": "line", "showSymbol": False, "color": "#5d4037",
         "data": _ys(history["cac_median"], 1e-3)}
    ]  # fmt: skip
    return option


def adoption_by_vendor(
    vendor_users: Mapping[int, Sequence[int]],
    names: Mapping[int, str],
    n_employees: int | Sequence[int],
    top: int = 12,
    focal: int | None = None,
) -> dict:
    """Percent of the market's employees using each vendor's product, one line per vendor.

    ``n_employees`` is the market's employees, or one count per step (aligned to the
    last step) where firms join over the run.

    ``vendor_users`` maps product code -> users per step (aligned to the last step;
    a vendor that entered late has a shorter list). Only the ``top`` vendors by
    current users are drawn, so a long-running market stays readable; the ``focal``
    vendor (my company) is always drawn, with a thicker line.
    """
    n_steps = max((len(v) for v in vendor_users.values()), default=0)
    if isinstance(n_employees, int):
        per_step = [n_employees] * n_steps
    else:
        per_step = list(n_employees)[-n_steps:] if n_steps else []
        per_step = [per_step[0] if per_step else 1] * (n_steps - len(per_step)) + per_step
    ranked = sorted(vendor_users, key=lambda k: -(vendor_users[k][-1] if vendor_users[k] else 0))
    shown = set(ranked[:top]) | ({focal} if focal in vendor_users else set())
    series = []
    for code in sorted(shown):
        users = vendor_users[code]
        start = n_steps - len(users)
        series.append(
            {
                "name": names.get(code, str(code)),
                "type": "line",
                "showSymbol": False,
                "color": vendor_color(code),
                "lineStyle": {"width": 4 if code == focal else 1.5},
                "z": 5 if code == focal else 2,
                "data": [None] * start
                + [
                    round(100 * u / max(1, n), 4)
                    for u, n in zip(users, per_step[start:], strict=True)
                ],
            }
        )
    option = _base(list(range(n_steps)), "% of employees")
    option["series"] = series
    return option


def funnel(open_by_stage: Sequence[int], won: int, lost: int) -> dict:
    """Open opportunities per pipeline stage, then deals won and lost so far."""
    labels = [*STAGES, "won", "lost"]
    colors = ["#90caf9", "#64b5f6", "#42a5f5", "#1e88e5", "#2e7d32", "#c62828"]
    values = [int(v) for v in open_by_stage] + [int(won), int(lost)]
    return {
        "animation": False,
        "grid": {"left": 64, "right": 16, "top": 20, "bottom": 30},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {
            "type": "value",
            "name": "opportunities",
            "nameLocation": "middle",
            "nameGap": 46,
        },
        "series": [
            {
                "type": "bar",
                "name": "opportunities",
                "label": {"show": True, "position": "top"},
                "data": [
                    {"value": v, "itemStyle": {"color": c}}
                    for v, c in zip(values, colors, strict=True)
                ],
            }
        ],
    }


def overlay(
    histories: Mapping[str, Mapping[str, Sequence]],
    column: str,
    y_name: str,
    scale: float = 1.0,
) -> dict:
    """One line per labelled run for ``column`` (the comparison view's charts)."""
    colors = ["#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a"]
    n_steps = max((len(_steps(h)) for h in histories.values()), default=0)
    option = _base(list(range(n_steps)), y_name)
    option["series"] = []
    for i, (label, history) in enumerate(histories.items()):
        option["series"].append(
            {
                "name": label,
                "type": "line",
                "showSymbol": False,
                "color": colors[i % len(colors)],
                "data": _ys(history[column], scale),
            }
        )
    return option


OPTION_COLORS: tuple[str, ...] = ("#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828", "#00838f")
"""Colours of a study's options, in order."""


def fan(bands: Mapping[str, Sequence[Sequence[float]]], y_name: str, scale: float = 1.0) -> dict:
    """Median line and 10th-90th percentile band per option over the weeks.

    ``bands`` maps an option's label to three rows (p10, p50, p90) per week. The band
    is drawn as ECharts draws bands: an invisible p10 line with the p90 - p10 width
    stacked on it; the tooltip lists the medians only (a template over their indices).
    """
    n_steps = max((len(b[1]) for b in bands.values()), default=0)
    option = _base(list(range(n_steps)), y_name)
    series: list[dict] = []
    medians = []
    for i, (label, (p10, p50, p90)) in enumerate(bands.items()):
        color = OPTION_COLORS[i % len(OPTION_COLORS)]
        low = _ys(p10, scale)
        width = [None if a is None or b is None else round(b - a, 6)
                 for a, b in zip(low, _ys(p90, scale), strict=True)]  # fmt: skip
        series.append({"name": f"{label} 10%", "type": "line", "stack": f"band{i}",
                       "showSymbol": False, "lineStyle": {"opacity": 0}, "silent": True,
                       "data": low})  # fmt: skip
        series.append({"name": f"{label} 10-90%", "type": "line", "stack": f"band{i}",
                       "showSymbol": False, "lineStyle": {"opacity": 0}, "silent": True,
                       "areaStyle": {"color": color, "opacity": 0.15}, "data": width})  # fmt: skip
        medians.append(len(series))
        series.append({"name": label, "type": "line", "showSymbol": False, "color": color,
                       "lineStyle": {"width": 2}, "data": _ys(p50, scale)})  # fmt: skip
    option["series"] = series
    option["legend"] = {"top": 0, "type": "scroll", "data": [s["name"] for s in series[2::3]]}
    option["tooltip"] = {
        "trigger": "axis",
        "confine": True,
        "formatter": "week {b}<br/>median:<br/>"
        + "<br/>".join(f"{{a{i}}}: {{c{i}}}" for i in medians),
    }
    return option


def survival_bars(labels: Sequence[str], rates: Sequence[float]) -> dict:
    """Share of seeds in which my company is still alive at the horizon, per option."""
    return {
        "animation": False,
        "grid": {"left": 56, "right": 16, "top": 20, "bottom": 40},
        "tooltip": {"trigger": "axis", "confine": True},
        "xAxis": {"type": "category", "data": list(labels), "axisLabel": {"interval": 0}},
        "yAxis": {"type": "value", "min": 0, "max": 100, "name": "% of seeds alive",
                  "nameLocation": "middle", "nameGap": 36},
        "series": [{
            "type": "bar", "name": "survival (%)",
            "label": {"show": True, "position": "top", "formatter": "{c}%"},
            "data": [{"value": round(100 * float(r), 1),
                      "itemStyle": {"color": OPTION_COLORS[i % len(OPTION_COLORS)]}}
                     for i, r in enumerate(rates)],
        }],
    }  # fmt: skip
