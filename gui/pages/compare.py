"""Compare: two parameter sets, A and B, on the same seeds (common random numbers).

The logic (runs, means, end table) is :mod:`gui.compare`'s; this page holds the
inputs, runs the comparison in the background and shows what produced the result.
"""

from __future__ import annotations

import threading

import solara
from solara.alias import rv

from gui import charts
from gui import session as s
from gui.compare import Comparison, parse_seeds, run_comparison
from gui.controls import parse_overrides, parse_value
from gui.echart import EChart
from sim.params import PARAMETERS, ParameterError
from sim.scenarios import ScenarioError

compare_a = solara.reactive(
    "strategy_mix=0:1:0  # shares bottoms-up:direct:hybrid, every vendor direct"
)
compare_b = solara.reactive("strategy_mix=0:0:1  # every vendor hybrid")
compare_seeds = solara.reactive("1,2")
compare_weeks = solara.reactive("52")
compare_result = solara.reactive(None)
compare_inputs = solara.reactive("")  # what produced compare_result, in words
compare_progress = solara.reactive(0.0)
compare_error = solara.reactive("")
compare_cancel = solara.reactive(None)  # threading.Event of the running comparison


def describe_inputs(scenario: str, base: dict, a: dict, b: dict, seeds: list[int]) -> str:
    """The scenario, the sidebar's changes, A, B and the seeds, in one line."""

    def fmt(d: dict) -> str:
        def value(v):
            return ":".join(f"{x:g}" for x in v) if isinstance(v, tuple) else v

        return ", ".join(f"{k}={value(v)}" for k, v in d.items()) or "no changes"

    return (
        f"Scenario {scenario} with {fmt(base)} (sidebar); A: {fmt(a)}; B: {fmt(b)}; "
        f"seeds {', '.join(map(str, seeds))}."
    )


def start_comparison() -> None:
    """Run the comparison in a background thread (the page stays live); a new run cancels the old."""
    if compare_cancel.value is not None:
        compare_cancel.value.set()
    cancel = threading.Event()
    compare_cancel.set(cancel)

    def work():
        a, err_a = parse_overrides(compare_a.value)
        b, err_b = parse_overrides(compare_b.value)
        seeds, err_s = parse_seeds(compare_seeds.value)
        weeks, err_w = parse_value(PARAMETERS["horizon"], compare_weeks.value)
        errors = [
            e
            for e in (
                err_a and f"A: {err_a}",
                err_b and f"B: {err_b}",
                err_s,
                err_w and f"weeks: {err_w}",
            )
            if e
        ]
        if errors:
            compare_error.set("; ".join(errors))
            return
        compare_error.set("")
        compare_progress.set(0.001)
        base = s.current_overrides()
        try:
            result = run_comparison(
                s.scenario_name.value,
                base,
                a,
                b,
                seeds,
                weeks,
                progress=compare_progress.set,
                cancelled=cancel.is_set,
            )
        except (ParameterError, ScenarioError) as exc:
            compare_error.set(str(exc))
            return
        if result is not None:
            compare_inputs.set(describe_inputs(s.scenario_name.value, base, a, b, seeds))
            compare_result.set(result)

        compare_progress.set(1.0)

    s.in_background(work)


@solara.component
def CompareResults(result: Comparison):
    means = {"A": result.mean_history("A"), "B": result.mean_history("B")}
    rows = result.end_table()
    rv.Html(
        tag="div",
        class_="sw-compare-summary",
        children=[
            f"Week {result.weeks}, mean over seeds {', '.join(map(str, result.seeds))} "
            "(the same seeds for A and B: common random numbers). " + compare_inputs.value
        ],
    )
    rv.DataTable(
        headers=[{"text": h, "value": h} for h in ("metric", "A", "B", "B - A")],
        items=[
            {k: (f"{v:,.2f}" if isinstance(v, float) else v) for k, v in row.items()}
            for row in rows
        ],
        dense=True,
        hide_default_footer=True,
        class_="sw-compare-table",
    )
    with solara.Div(classes=["sw-grid"]):
        EChart(
            charts.overlay(means, "arr_total", "ARR (USD m)", 1e-6), "compare_arr", "ARR: A vs B"
        )
        EChart(
            charts.overlay(means, "cac_median", "CAC (USD k)", 1e-3),
            "compare_cac",
            "Median CAC: A vs B",
        )
        EChart(
            charts.overlay(means, "vendors_active", "vendors"),
            "compare_vendors",
            "Vendors alive: A vs B",
        )
        EChart(
            charts.overlay(means, "buyer_receptivity", "receptivity"),
            "compare_receptivity",
            "Buyer receptivity: A vs B",
        )


@solara.component
def Compare():
    rv.Html(
        tag="p",
        children=[
            "What if the whole market changed? Both runs start from the scenario and the "
            "changes in the sidebar; each adds its own key=value lines on top, and they act "
            "on every vendor (strategy_mix=0:0:1 makes every vendor hybrid, not only my "
            "company). To compare plans for my company alone, use Decide."
        ],
    )
    with solara.Row(gap="12px", style="flex-wrap: wrap"):
        for name, value in (("A", compare_a), ("B", compare_b)):
            with solara.Column(style="min-width: min(320px, 100%); flex: 1"):
                text = f"Run {name}: key=value per line"
                rv.Textarea(
                    label=text,
                    v_model=value.value,
                    on_v_model=value.set,
                    rows=3,
                    outlined=True,
                    hide_details=True,
                    class_=f"sw-compare-{name.lower()}",
                    attributes={"aria-label": text},
                )
    with solara.Row(gap="12px", style="align-items: center; flex-wrap: wrap"):
        seeds_err = parse_seeds(compare_seeds.value)[1]
        solara.InputText(
            "Seeds",
            value=compare_seeds,
            error=seeds_err or False,
            continuous_update=True,
            classes=["sw-compare-seeds"],
        )
        weeks_err = parse_value(PARAMETERS["horizon"], compare_weeks.value)[1]
        solara.InputText(
            "Weeks",
            value=compare_weeks,
            error=weeks_err or False,
            continuous_update=True,
            classes=["sw-compare-weeks"],
        )
        solara.Button(
            "Run comparison",
            color="primary",
            on_click=start_comparison,
        )
    if 0 < compare_progress.value < 1:
        solara.ProgressLinear(compare_progress.value * 100)
    if compare_error.value:
        solara.Error(compare_error.value, classes=["sw-compare-error"])
    if compare_result.value is not None:
        CompareResults(compare_result.value)
