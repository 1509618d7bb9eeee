"""Sales Web explorer: the strategist's browser app (``make run``).

Pick a scenario, move a lever, press Play and watch CAC, ARR, adoption and the vendor
population respond. The page is our own Solara components on top of the engine's
public API (:mod:`sim`); charts are ECharts drawn in the browser (:mod:`gui.echart`)
because server-side matplotlib or Altair redraws are too slow for a step every
250 ms (STACK-NOTES.md).

State lives in module-level ``solara.reactive`` values, which Solara keeps per browser
session (per kernel), so two strategists never share a market. The model itself is
in a :class:`gui.state.Run` held by such a reactive value and stepped under its lock.
"""

from __future__ import annotations

import contextlib
import threading
import time
import warnings
from typing import Any

import numpy as np
import reacton.core
import solara
import solara.lab
from solara.alias import rv
from solara.server.kernel_context import get_current_context

from gui import charts
from gui.compare import Comparison, parse_seeds, run_comparison
from gui.controls import (
    consistency_errors,
    control_kind,
    effective_params,
    format_value,
    hint,
    label,
    parse_overrides,
    parse_seed,
    parse_value,
    slider_step,
)
from gui.echart import EChart
from gui.frame_sync import FrameEcho, FrameSync
from gui.json_table import JsonTable
from gui.network_view import main_vendor_codes, market_map_option, org_network_option
from gui.state import Run, to_csv_bytes, to_parquet_bytes
from sim.params import GROUPS, PARAMETERS, ParameterError, defaults
from sim.scenarios import Scenario, ScenarioError, load_scenario, preset_names


def _load_presets() -> dict[str, Scenario]:
    """Every shipped preset that loads; a broken file is reported, not fatal to the app."""
    out = {}
    for name in preset_names():
        try:
            out[name] = load_scenario(name)
        except (ScenarioError, ParameterError) as exc:
            warnings.warn(f"scenario {name!r} skipped: {exc}", stacklevel=1)
    return out


SCENARIOS = _load_presets()
"""Shipped presets, loaded once (immutable, safe to share between sessions)."""

# ---------------------------------------------------------------- per-session state
scenario_name = solara.reactive("default")
seed_text = solara.reactive("1")
pending = {name: solara.reactive(None) for name in PARAMETERS}
"""The user's parameter changes (None: the scenario's value), one reactive per control."""
input_errors = {name: solara.reactive("") for name in PARAMETERS}
raw_text = {name: solara.reactive(None) for name in PARAMETERS}
open_groups = solara.reactive([])  # indices of the parameter panels that are open
main_tab = solara.reactive(0)
run = solara.reactive(None)  # gui.state.Run
tick = solara.reactive(0)  # bumped after every step or rebuild; views read it
playing = solara.reactive(False)
play_stop = solara.reactive(None)  # threading.Event of the running play loop
speed = solara.reactive(10)  # target weeks per second
status = solara.reactive("")
run_error = solara.reactive("")
enterprise = solara.reactive(None)  # enterprise shown in the org network view
render_context = solara.reactive(None)  # the session's reacton render context (batching)
frame_sync = solara.reactive(None)  # gui.frame_sync.FrameSync: what the browser has drawn

MAX_SPEED = 30
PICKER_SIZE = 200  # enterprises listed in the org-network picker, biggest first
"""The speed slider's top value means: as fast as the page can draw."""


def scenario_base(name: str) -> dict[str, Any]:
    """Every parameter's value in scenario ``name`` before the user's changes."""
    return {**defaults(), **SCENARIOS[name].params}


def current_overrides() -> dict[str, Any]:
    """The user's changes that differ from the scenario."""
    base = scenario_base(scenario_name.value)
    return {n: r.value for n, r in pending.items() if r.value is not None and r.value != base[n]}


def rebuild(reason: str) -> None:
    """Build a new model from the scenario, the user's changes and the seed.

    On bad input the old model keeps running and the message is shown beside Reset.
    """
    stop_play()
    seed, seed_err = parse_seed(seed_text.value)
    bad = {n: r.value for n, r in input_errors.items() if r.value}
    if seed_err or bad:
        names = ", ".join(["seed"] * bool(seed_err) + sorted(bad))
        run_error.set(f"Not rebuilt: fix {names} first.")
        return
    overrides = current_overrides()
    clash = consistency_errors(effective_params(SCENARIOS[scenario_name.value].params, overrides))
    if clash:
        run_error.set("Not rebuilt: " + "; ".join(f"{k}: {v}" for k, v in clash.items()))
        return
    try:
        new = Run.build(scenario_name.value, overrides, seed)
    except (ParameterError, ScenarioError) as exc:
        run_error.set(f"Not rebuilt: {exc}")
        return
    run_error.set("")
    run.set(new)
    enterprise.set(None)
    bump_tick()
    n = len(overrides)
    status.set(f"{reason}: seed {seed}, {n} change{'s' * (n != 1)} from the scenario.")


def bump_tick() -> None:
    """Tell every view that the model changed, in one render pass.

    Four components read ``tick``; left alone, Solara renders once per reader, and
    each pass reconciles the whole page. Entering the session's render context first
    makes it one batched pass (measured: about 4x less server time per step).
    """
    rc = render_context.value
    with rc if rc is not None else contextlib.nullcontext():
        tick.set(tick.value + 1)


def do_step() -> bool:
    """Advance one week; False if the run is over or the model failed (message shown)."""
    r = run.value
    if r is None:
        return False
    try:
        advanced = r.step(1)
    except Exception as exc:  # an engine bug must not take the page down with it
        stop_play()
        run_error.set(f"The model failed after week {r.steps}: {type(exc).__name__}: {exc}")
        return False
    if advanced:
        bump_tick()
    return bool(advanced)


# ---------------------------------------------------------------- controls
@solara.component
def ParamControl(name: str):
    """One generated control: slider and/or text box, switch, select or mix box."""
    p = PARAMETERS[name]
    base = scenario_base(scenario_name.value)
    value = pending[name].value if pending[name].value is not None else base[name]
    text = raw_text[name].value  # what the user typed, kept while it is invalid
    set_text = raw_text[name].set
    err = input_errors[name].value
    if name in ("enterprise_size_min", "enterprise_size_max") and not err:
        lo = pending["enterprise_size_min"].value
        hi = pending["enterprise_size_max"].value
        lo = base["enterprise_size_min"] if lo is None else lo
        hi = base["enterprise_size_max"] if hi is None else hi
        err = consistency_errors({"enterprise_size_min": lo, "enterprise_size_max": hi}).get(
            name, ""
        )
    changed = value != base[name]

    def set_value(v):
        input_errors[name].set("")
        set_text(None)
        pending[name].set(v)

    def on_text(raw):
        parsed, msg = parse_value(p, raw)
        if msg:
            set_text(raw)
            input_errors[name].set(msg)
        else:
            set_value(parsed)

    kind = control_kind(p)
    lab = label(p) + (" •" if changed else "")
    with solara.Column(gap="0px", classes=["sw-param", f"sw-param-{name}"]):
        if kind == "switch":
            solara.Switch(label=lab, value=bool(value), on_value=set_value)
        elif kind == "select":
            solara.Select(label=lab, value=value, values=list(p.choices), on_value=set_value)
        else:
            solara.InputText(
                lab,
                value=text if text is not None else format_value(p, value),
                on_value=on_text,
                error=err or False,
                message=None if err else hint(p),
                dense=True,
                classes=[f"sw-input-{name}"],
            )
            if kind == "slider" and text is None:
                rv.Slider(
                    v_model=value,
                    on_v_model=lambda v: set_value(p.validate(v)),
                    min=p.low,
                    max=p.high,
                    step=slider_step(p),
                    dense=True,
                    hide_details=True,
                    class_=f"sw-slider-{name}",
                    style_="margin-top: -4px",
                )
        if err and kind in ("switch", "select"):
            solara.Error(err, dense=True)


@solara.component
def ParamPanels():
    """Parameters grouped as the engine groups them, each group a collapsible panel.

    Only open panels hold controls: every render pass walks the whole page, so 66
    idle controls would slow every step of the model.
    """
    with rv.ExpansionPanels(
        multiple=True,
        accordion=True,
        class_="sw-params",
        v_model=open_groups.value,
        on_v_model=lambda v: open_groups.set(list(v or [])),
    ):
        for i, group in enumerate(GROUPS):
            names = [n for n, p in PARAMETERS.items() if p.group == group]
            with rv.ExpansionPanel(class_=f"sw-group-{group}"):
                rv.ExpansionPanelHeader(children=[f"{group} ({len(names)})"])
                with rv.ExpansionPanelContent():
                    if i in open_groups.value:
                        for n in names:
                            ParamControl(n).key(f"{scenario_name.value}:{n}")


@solara.component
def ScenarioPicker():
    scen = SCENARIOS[scenario_name.value]

    def choose(name):
        if name == scenario_name.value:
            return
        scenario_name.set(name)
        for n in PARAMETERS:
            pending[n].set(None)
            input_errors[n].set("")
            raw_text[n].set(None)
        rebuild(f"Scenario {name}")

    solara.Select(
        label="Scenario",
        value=scenario_name.value,
        values=list(SCENARIOS),
        on_value=choose,
        classes=["sw-scenario"],
    )
    rv.Html(tag="div", class_="sw-title", children=[scen.title], style_="font-weight: 600")
    if scen.essay:
        rv.Html(tag="div", class_="sw-essay", children=[scen.essay], style_="color: #666")
    rv.Html(tag="p", class_="sw-narrative", children=[scen.narrative], style_="font-size: 13px")


@solara.component
def SeedInput():
    err = parse_seed(seed_text.value)[1]
    solara.InputText(
        "Seed",
        value=seed_text,
        error=err or False,
        message=None if err else "Same seed, same run.",
        dense=True,
        classes=["sw-seed"],
    )


def in_background(work) -> None:
    """Run ``work()`` in a daemon thread inside this session's kernel context.

    Why not ``solara.use_thread``: it cancels and joins the old thread when its
    dependencies change during a render, while the old thread waits for that render
    to finish setting a reactive value: a deadlock we hit with Play/Pause. A plain
    thread that only checks a stop event never blocks a render.
    """
    context = get_current_context()

    def runner():
        with context:
            work()

    threading.Thread(target=runner, daemon=True, name="salesweb-gui").start()


def play() -> None:
    """Start stepping in the background at the chosen speed until Pause or the horizon."""
    stop_play()
    stop = threading.Event()
    play_stop.set(stop)
    playing.set(True)

    context = get_current_context()

    def loop():
        unseen = 0  # weeks in a row the browser did not draw (tab closed or hidden)
        try:
            while not stop.is_set() and not context.closed_event.is_set():
                t0 = time.perf_counter()
                r = run.value
                if r is None or r.finished:
                    status.set("The run reached its horizon.")
                    break
                if not do_step():
                    break
                sync = frame_sync.value
                if sync is not None:  # wait until the browser has drawn this week
                    unseen = 0 if sync.wait_painted(tick.value, timeout=2.0) else unseen + 1
                if unseen >= 5:
                    status.set("Paused: the page stopped drawing (hidden or closed).")
                    break
                rate = speed.value
                wait = 0.0 if rate >= MAX_SPEED else 1.0 / rate
                stop.wait(max(0.005, wait - (time.perf_counter() - t0)))
        except Exception as exc:  # a failed redraw: say so and stop, never hang on Pause
            run_error.set(f"Play stopped: {type(exc).__name__}: {exc}")
        finally:
            if play_stop.value is stop:
                playing.set(False)

    in_background(loop)


def stop_play() -> None:
    if play_stop.value is not None:
        play_stop.value.set()
    playing.set(False)


@solara.component
def StepCounter():
    _ = tick.value
    r = run.value
    text = "building..." if r is None else f"Week {r.steps} of {r.model.horizon}"
    FrameEcho.element(frame=tick.value, sync=frame_sync.value)
    rv.Html(
        tag="div", class_="sw-step", children=[text], style_="font-size: 18px; font-weight: 600"
    )


@solara.component
def RunControls():
    StepCounter()
    with solara.Row(gap="4px", style="flex-wrap: wrap"):
        if playing.value:
            solara.Button("Pause", on_click=stop_play, color="warning")
        else:
            solara.Button("Play", on_click=play, color="primary")
        solara.Button("Step", on_click=do_step, disabled=playing.value)
        solara.Button("Reset", on_click=lambda: rebuild("Reset"))
    rv.Slider(
        v_model=speed.value,
        on_v_model=lambda v: speed.set(int(v)),
        min=1,
        max=MAX_SPEED,
        step=1,
        label="Speed",
        thumb_label=True,
        hide_details=True,
        class_="sw-speed",
    )
    rv.Html(
        tag="div",
        children=["weeks per second" if speed.value < MAX_SPEED else "as fast as possible"],
        style_="font-size: 12px; color: #666",
    )
    if run_error.value:
        solara.Error(run_error.value, dense=True, classes=["sw-run-error"])
    elif status.value:
        rv.Html(tag="div", class_="sw-status", children=[status.value], style_="font-size: 12px")
    PendingNote()


@solara.component
def PendingNote():
    overrides = current_overrides()
    r = run.value
    applied = r.overrides if r is not None else {}
    waiting = {k: v for k, v in overrides.items() if applied.get(k) != v}
    waiting.update({k: None for k in applied if k not in overrides})
    if waiting:
        rv.Html(
            tag="div",
            class_="sw-pending",
            children=[f"Changed, not applied: {', '.join(sorted(waiting))}. Press Reset."],
            style_="font-size: 12px; color: #e65100",
        )


@solara.component
def Sidebar():
    with solara.Column(gap="8px", style="width: 360px; min-width: 360px; padding: 8px"):
        ScenarioPicker()
        SeedInput()
        RunControls()
        ParamPanels()


# ---------------------------------------------------------------- views
@solara.component
def TimeSeriesViews():
    _ = tick.value
    r = run.value
    if r is None:
        return
    h = r.history()
    names = {v.index: v.name for v in r.model.vendor_list}
    with solara.Div(classes=["sw-grid"]):
        EChart(
            charts.predator_prey(h),
            "predator_prey",
            "Predators and prey: reps, vendors, receptivity",
        )
        EChart(charts.phase_portrait(h), "phase_portrait", "Phase portrait: receptivity vs reps")
        EChart(charts.arr_by_strategy(h), "arr_by_strategy", "ARR by strategy (stacked)")
        EChart(charts.arr_by_motion(h), "arr_by_motion", "Self-serve vs enterprise ARR")
        EChart(
            charts.adoption_by_vendor(r.vendor_users, names, r.model.n_employees),
            "adoption_by_vendor",
            "Adoption by vendor",
        )
        EChart(charts.cac_chart(h), "cac", "Median CAC")
        won = int(sum(h["deals_won"]))
        lost = int(sum(h["deals_lost"]))
        EChart(
            charts.funnel(r.open_by_stage(), won, lost),
            "funnel",
            "Funnel: open by stage, won, lost",
        )


def _default_enterprise(r: Run) -> int:
    """A mid-sized enterprise (the largest with at most 400 employees): readable, quick."""
    sizes = r.model.population.ent_size
    fits = [(int(s), e) for e, s in enumerate(sizes) if s <= 400]
    return max(fits)[1] if fits else int(sizes.argmin())


@solara.component
def NetworkAndMap():
    _ = tick.value
    r = run.value
    if r is None:
        return
    m = r.model
    pop = m.population
    e = enterprise.value if enterprise.value is not None else _default_enterprise(r)
    names = [v.name for v in m.vendor_list]
    ent = m.enterprises[e]
    sl = ent.employee_slice
    positions, edges, segments, all_ties = r.layout(e)
    with r.lock:
        products = pop.emp_product[sl].copy()
        main = ent.main_vendor
        champ = ent.champion(main) if main is not None else None
        committee = ent.committee
        buyers = [b.employee.index - sl.start for b in committee]
        roles = [b.committee_role for b in committee]
        codes = main_vendor_codes(pop.emp_enterprise, pop.emp_product, len(pop.ent_size))
    option = org_network_option(
        positions,
        edges,
        products,
        names,
        buyers,
        None if champ is None else champ.index - sl.start,
        roles,
        segments,
    )
    # the picker lists the biggest enterprises (a market can have thousands; the map
    # can pick any of them) and always the one shown
    biggest = np.argsort(-pop.ent_size, kind="stable")[:PICKER_SIZE].tolist()
    if e not in biggest:
        biggest.append(e)
    labels = {f"E{i} ({int(pop.ent_size[i])} employees)": i for i in biggest}
    by_size = list(labels)
    current = f"E{e} ({int(pop.ent_size[e])} employees)"

    def pick(text):
        if text in labels:
            enterprise.set(labels[text])

    def map_click(data):
        name = str(data.get("name", ""))
        if name.startswith("E") and name[1:].isdigit() and int(name[1:]) < len(pop.ent_size):
            enterprise.set(int(name[1:]))

    with solara.Div(classes=["sw-grid"]):
        with solara.Column(gap="0px"):
            solara.Select(
                "Enterprise",
                value=current,
                values=by_size,
                on_value=pick,
                dense=True,
                classes=["sw-enterprise"],
            )
            champ_text = (
                f"champion of {main.name}: employee {champ.index - sl.start}"
                if champ is not None
                else "no users yet, no champion"
            )
            rv.Html(
                tag="div",
                class_="sw-org-note",
                children=[
                    f"{'on-premise only; ' if ent.on_prem_only else ''}main vendor: "
                    f"{main.name if main else 'none'}; {champ_text}. Diamonds: buying committee."
                    + ("" if all_ties else " Too many ties to draw: a spanning tree of them.")
                ],
                style_="font-size: 12px; color: #555",
            )
            EChart(option, "org_network", f"Org network of E{e}", height=380)
        EChart(
            market_map_option(pop.ent_size, codes, names, pop.ent_on_prem, e, r.market_positions()),
            "market_map",
            "Market map: enterprises by employees, coloured by main vendor (click one)",
            height=430,
            on_click=map_click,
        )


VENDOR_HEADERS = [
    {"text": "vendor", "value": "vendor"},
    {"text": "strategy", "value": "strategy"},
    {"text": "ARR (USD)", "value": "arr"},
    {"text": "cash (USD)", "value": "cash"},
    {"text": "CAC (USD)", "value": "cac"},
    {"text": "reps", "value": "reps"},
    {"text": "customers", "value": "customers"},
    {"text": "users", "value": "users"},
    {"text": "alive", "value": "alive"},
]
EVENT_HEADERS = [
    {"text": h, "value": h, "sortable": False}
    for h in ("week", "event", "vendor", "strategy", "enterprise", "detail")
]


@solara.component
def Tables():
    _ = tick.value
    r = run.value
    if r is None:
        return
    with solara.Div(classes=["sw-grid", "sw-tables"]):
        with solara.Column(gap="0px", classes=["sw-vendor-table"]):
            rv.Html(
                tag="div", children=["Vendors (click a header to sort)"], class_="sw-chart-title"
            )
            rows = r.vendor_rows()
            JsonTable(
                VENDOR_HEADERS, rows, css_class="sw-vendors", height=320 if len(rows) > 10 else 0
            )
        with solara.Column(gap="0px", classes=["sw-event-log"]):
            rv.Html(
                tag="div",
                children=["Event log: deals won and lost, entries, exits, strategy switches"],
                class_="sw-chart-title",
            )
            JsonTable(
                EVENT_HEADERS,
                r.event_rows(limit=100),
                css_class="sw-events",
                no_data_text="no events yet",
            )


@solara.component
def Downloads():
    r = run.value
    if r is None:
        return
    stem = f"salesweb_{r.scenario.name}_seed{r.seed}"
    tables = (("model", "Model data", r.model_frame), ("vendors", "Vendor data", r.vendor_frame))
    formats = (("csv", "CSV", to_csv_bytes), ("parquet", "Parquet", to_parquet_bytes))
    with solara.Row(gap="6px", style="flex-wrap: wrap", classes=["sw-downloads"]):
        for tag, title, frame in tables:
            for ext, fmt, encode in formats:
                solara.FileDownload(
                    lambda frame=frame, encode=encode: encode(frame()),
                    f"{stem}_{tag}.{ext}",
                    label=f"{title} ({fmt})",
                )
    rv.Html(
        tag="div",
        children=["Each chart has its own PNG button."],
        style_="font-size: 12px; color: #666",
    )


@solara.component
def Explore():
    TimeSeriesViews()
    NetworkAndMap()
    Tables()
    Downloads()


# ---------------------------------------------------------------- compare
compare_a = solara.reactive("strategy_mix=0:1:0  # every vendor direct")
compare_b = solara.reactive("strategy_mix=0:0:1  # every vendor hybrid")
compare_seeds = solara.reactive("1,2")
compare_weeks = solara.reactive("52")
compare_result = solara.reactive(None)
compare_progress = solara.reactive(0.0)
compare_error = solara.reactive("")
compare_cancel = solara.reactive(None)  # threading.Event of the running comparison


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
        try:
            result = run_comparison(
                scenario_name.value,
                current_overrides(),
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
            compare_result.set(result)

        compare_progress.set(1.0)

    in_background(work)


@solara.component
def CompareResults(result: Comparison):
    means = {"A": result.mean_history("A"), "B": result.mean_history("B")}
    rows = result.end_table()
    rv.Html(
        tag="div",
        class_="sw-compare-summary",
        children=[
            f"Week {result.weeks}, mean over seeds {', '.join(map(str, result.seeds))} "
            "(the same seeds for A and B: common random numbers)."
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
            "What if we went hybrid instead of direct? Both runs start from the scenario and "
            "the changes in the sidebar; each adds its own key=value lines on top."
        ],
    )
    with solara.Row(gap="12px", style="flex-wrap: wrap"):
        with solara.Column(style="min-width: 320px; flex: 1"):
            solara.InputTextArea(
                "Run A: key=value per line", value=compare_a, rows=3, continuous_update=True
            )
        with solara.Column(style="min-width: 320px; flex: 1"):
            solara.InputTextArea(
                "Run B: key=value per line", value=compare_b, rows=3, continuous_update=True
            )
    with solara.Row(gap="12px", style="align-items: center"):
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


# ---------------------------------------------------------------- page
CSS = """
.sw-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr));
           gap: 10px; margin-bottom: 10px; width: 100%; }
.sw-tables { grid-template-columns: minmax(640px, 1fr); }
.sw-params .v-expansion-panel-content__wrap { padding: 0 8px 8px; }
.sw-param { margin-bottom: 10px !important; }
.sw-param .v-messages { font-size: 11px; min-height: 0; }
.sw-param .v-text-field__details { overflow: visible; min-height: 0; height: auto; }
.sw-param .v-input__slot { margin-bottom: 2px; }
.sw-param .v-text-field { padding-top: 16px; margin-top: 0; }
"""


@solara.component
def Page():
    solara.Title("Sales Web explorer")
    solara.Style(CSS)

    rc = reacton.core.get_render_context()

    def first_build():
        render_context.set(rc)
        if frame_sync.value is None:
            frame_sync.set(FrameSync())
        if run.value is None:
            rebuild("Started")

    solara.use_effect(first_build, [])
    with solara.Row(gap="0px", style="align-items: flex-start; width: 100%"):
        Sidebar()
        with (
            solara.Column(style="flex: 1; min-width: 0; padding: 8px"),
            solara.lab.Tabs(value=main_tab),
        ):
            # only the visible tab is rendered: each render pass walks the whole page
            with solara.lab.Tab("Explore"):
                if main_tab.value == 0:
                    Explore()
            with solara.lab.Tab("Compare"):
                if main_tab.value == 1:
                    Compare()


@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's signature
    """No app bar or drawer: the page lays itself out (sidebar + views)."""
    with solara.Column(style="padding: 0; width: 100%"):
        rv.Html(
            tag="h2",
            children=["Sales Web: explore an enterprise software market"],
            style_="margin: 8px 12px 0",
        )
        solara.Column(children=children, style="padding: 0")


__all__ = ["Page", "Layout", "load_scenario"]
