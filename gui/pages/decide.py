"""Decide: which plan for my company? Options compared over seeds, with a verdict.

The study is :func:`experiments.study.study`, the same as ``salesweb study``: every
option runs on the same seeds (common random numbers) in worker processes, from the
sidebar's scenario, market changes and my company's settings. It runs in a
background thread, so the page stays live; it shows its progress and can be
cancelled.
"""

from __future__ import annotations

import os
import threading

import solara
from solara.alias import rv

from gui import charts
from gui import session as s
from gui.controls import parse_seed, parse_value
from gui.echart import EChart
from gui.json_table import JsonTable
from gui.limits import Cancelled, heavy_slots
from sim.params import PARAMETERS, VENDOR_TRAITS, ParameterError
from sim.scenarios import ScenarioError

MAX_OPTIONS = 6
MAX_SEEDS = 50
MAX_RUN_WEEKS = 40_000
"""A study in the browser server is bounded (it shares the machine with every session):
about 3 options x 50 seeds x 260 weeks, a minute or two on a laptop; `salesweb study`
has no such bound."""

PRESETS: dict[str, str] = {
    "The three strategies": (
        "bottoms-up: strategy=bottoms_up\ndirect: strategy=direct\nhybrid: strategy=hybrid"
    ),
    "Reps at launch 0 / 5 / 10": (
        "no reps: strategy=hybrid, initial_reps=0\n5 reps: strategy=hybrid, initial_reps=5\n"
        "10 reps: strategy=hybrid, initial_reps=10"
    ),
}
if "sales_start_week" in VENDOR_TRAITS:
    PRESETS["Start selling in week 0 / 26 / 52"] = (
        "sell at once: strategy=hybrid, sales_start_week=0\n"
        "after 6 months: strategy=hybrid, sales_start_week=26\n"
        "after a year: strategy=hybrid, sales_start_week=52"
    )

options_text = solara.reactive(PRESETS["The three strategies"])
seeds_text = solara.reactive("10")
weeks_text = solara.reactive("104")
result = solara.reactive(None)  # experiments.study.StudyResult
progress = solara.reactive(0.0)
running = solara.reactive(False)
error = solara.reactive("")
note = solara.reactive("")
cancel_event = solara.reactive(None)


def parse_inputs(text: str, seeds: str, weeks: str) -> tuple[list, int, int, list[str]]:
    """Options, seed count and weeks from the form; messages for what is wrong."""
    from experiments.study import parse_option

    errors, options = [], []
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    for n, line in enumerate(lines, start=1):
        try:
            options.append(parse_option(line))
        except ParameterError as exc:
            errors.append(f"line {n}: {exc}")
    if not errors and not 2 <= len(options) <= MAX_OPTIONS:
        errors.append(f"give 2 to {MAX_OPTIONS} options, one per line; got {len(options)}")
    n_seeds = int(seeds) if seeds.strip().isdigit() else 0
    if not 1 <= n_seeds <= MAX_SEEDS:
        errors.append(f"seeds: a whole number from 1 to {MAX_SEEDS}, got {seeds.strip()!r}")
    n_weeks, err = parse_value(PARAMETERS["horizon"], weeks)
    if err:
        errors.append(f"weeks: {err}")
    elif not errors and len(options) * n_seeds * n_weeks > MAX_RUN_WEEKS:
        errors.append(
            f"{len(options)} options x {n_seeds} seeds x {n_weeks} weeks is more than the "
            f"browser runs ({MAX_RUN_WEEKS:,} run-weeks); use fewer, or salesweb study"
        )
    return options, n_seeds, n_weeks or 0, errors


def start() -> None:
    """Run the study in the background; a running one is cancelled first."""
    from experiments.study import study

    stop()
    options, n_seeds, n_weeks, errors = parse_inputs(
        options_text.value, seeds_text.value, weeks_text.value
    )
    root, seed_err = parse_seed(s.seed_text.value)
    if seed_err:
        errors.append(f"sidebar {seed_err}")
    if errors:
        error.set("; ".join(errors))
        return
    error.set("")
    note.set("")
    cancel = threading.Event()
    cancel_event.set(cancel)
    running.set(True)
    progress.set(0.0)
    scenario, overrides, focal = s.scenario_name.value, s.current_overrides(), s.current_focal()

    def work():
        try:
            # one worker process per heavy-work slot: every core of an idle server, one
            # of a busy one (gui/limits.py), so other sessions keep their turns
            with heavy_slots(os.cpu_count() or 1, cancelled=cancel.is_set) as workers:
                out = study(
                    scenario,
                    options,
                    n_seeds,
                    n_weeks,
                    workers=workers,
                    progress=lambda done, total: progress.set(done / max(1, total)),
                    cancel=cancel,
                    root_seed=root,
                    overrides=overrides,
                    focal=focal or {},
                )
            if out is None:
                note.set("Cancelled: nothing changed.")
            else:
                result.set(out)
        except Cancelled:
            note.set("Cancelled: nothing changed.")
        except (ParameterError, ScenarioError, RuntimeError) as exc:
            error.set(str(exc))
        finally:
            if cancel_event.value is cancel:
                running.set(False)

    s.in_background(work)


def stop() -> None:
    if cancel_event.value is not None:
        cancel_event.value.set()
    running.set(False)


SUMMARY_HEADERS = [
    {"text": t, "value": v}
    for t, v in (
        ("option", "option"),
        ("survival", "survival"),
        ("ARR p10", "arr_p10"),
        ("ARR median", "arr_median"),
        ("ARR p90", "arr_p90"),
        ("cash burned (median)", "burned"),
        ("lowest cash (median)", "cash_min"),
        ("CAC payback, months", "payback"),
        ("net revenue retention", "nrr"),
        ("ARR share", "share"),
        ("ARR vs first (95% CI)", "diff"),
    )
]


def summary_rows(res) -> list[dict]:
    from experiments.study import money, nrr_text, payback_text

    rows = []
    for label, r in res.summary().iterrows():
        lo, hi = r["arr_vs_first_ci_low"], r["arr_vs_first_ci_high"]
        rows.append(
            {
                "option": label,
                "survival": f"{r['survival_rate']:.0%}",
                "arr_p10": money(r["arr_p10"]),
                "arr_median": money(r["arr_median"]),
                "arr_p90": money(r["arr_p90"]),
                "burned": money(r["cash_burned_median"]),
                "cash_min": money(r["cash_min_median"]),
                "payback": payback_text(r, len(res.seeds)),
                "nrr": nrr_text(r, len(res.seeds)),
                "share": f"{r['arr_share_median']:.1%}",
                "diff": "baseline"
                if label == res.labels[0]
                else f"{money(r['arr_vs_first_mean'], sign=True)} "
                f"({money(lo, sign=True)} to {money(hi, sign=True)})",
            }
        )
    return rows


@solara.component
def DecideResults(res):
    rv.Html(tag="div", class_="sw-decide-inputs", children=[res.inputs_line()],
            style_="font-size: 12px; color: #444")  # fmt: skip
    rv.Html(tag="div", class_="sw-verdict", children=[res.verdict()],
            style_="font-weight: 600; margin: 6px 0")  # fmt: skip
    JsonTable(SUMMARY_HEADERS, summary_rows(res), css_class="sw-decide-table", height=0)
    with solara.Div(classes=["sw-grid"]):
        EChart(charts.fan(res.bands("arr"), "ARR (USD m)", 1e-6), "decide_arr",
               "My company's ARR: median and 10-90% of seeds")  # fmt: skip
        EChart(charts.fan(res.bands("cash"), "cash (USD m)", 1e-6), "decide_cash",
               "My company's cash: median and 10-90% of seeds")  # fmt: skip
        EChart(charts.survival_bars(res.labels, res.summary()["survival_rate"].tolist()),
               "decide_survival", f"Alive at week {res.steps}, % of seeds")  # fmt: skip
    with solara.Row(gap="6px", style="flex-wrap: wrap"):
        solara.FileDownload(lambda: _parquet(res, res.summary()), "study.parquet",
                            label="Per option (Parquet)")  # fmt: skip
        solara.FileDownload(lambda: _parquet(res, res.runs), "study_seeds.parquet",
                            label="Per seed (Parquet)")  # fmt: skip


def _parquet(res, df) -> bytes:
    import io
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from experiments.io import METADATA_KEY

    table = pa.Table.from_pandas(df)
    meta = {
        **(table.schema.metadata or {}),
        METADATA_KEY.encode(): json.dumps(res.metadata()).encode(),
    }
    buf = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(meta), buf)
    return buf.getvalue()


@solara.component
def Decide():
    rv.Html(
        tag="p",
        children=[
            "Which plan for my company? Each option runs on the same seeds (the same rivals, "
            "the same luck), from the scenario, the sidebar's market changes and my company's "
            "settings; each line is 'label: key=value, ...' with keys strategy and my company's "
            "levers (salesweb params)."
        ],
    )
    with solara.Row(gap="6px", style="flex-wrap: wrap"):
        for name, text in PRESETS.items():
            solara.Button(name, on_click=lambda text=text: options_text.set(text), outlined=True,
                          small=True, classes=["sw-decide-preset"])  # fmt: skip
    rv.Textarea(
        label="Options, one per line",
        v_model=options_text.value,
        on_v_model=options_text.set,
        rows=4,
        outlined=True,
        hide_details=True,
        class_="sw-decide-options",
        attributes={"aria-label": "Options, one per line"},
    )
    with solara.Row(gap="12px", style="align-items: center; flex-wrap: wrap"):
        solara.InputText("Seeds", value=seeds_text, continuous_update=True,
                         classes=["sw-decide-seeds"])  # fmt: skip
        solara.InputText("Weeks", value=weeks_text, continuous_update=True,
                         classes=["sw-decide-weeks"])  # fmt: skip
        if running.value:
            solara.Button("Cancel", on_click=stop, color="warning")
        else:
            solara.Button("Run study", on_click=start, color="primary")
    if running.value:
        rv.Html(tag="div", class_="sw-decide-progress",
                children=[f"Running: {progress.value:.0%} of the weeks done"])  # fmt: skip
        solara.ProgressLinear(max(1.0, progress.value * 100))
    if error.value:
        solara.Error(error.value, classes=["sw-decide-error"])
    if note.value:
        rv.Html(tag="div", class_="sw-decide-note", children=[note.value])
    if result.value is not None:
        DecideResults(result.value)
