"""The sidebar: scenario, seed, run controls, my company's levers, every parameter.

Controls are generated from :data:`sim.params.PARAMETERS` (labels, units, ranges);
the values live in :mod:`gui.session`. The focal company's levers sit on top in
plain words; the whole market's parameters are under "Advanced".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara
from solara.alias import rv

from experiments.idle_levers import idle_reason
from gui import session as s
from gui.controls import (
    consistency_errors,
    control_kind,
    format_value,
    hint,
    label,
    parse_value,
    slider_moved,
    slider_step,
)
from gui.copy_text import CopyText
from gui.frame_sync import FrameEcho
from gui.glossary import choice_items, setting_label, tooltip
from gui.scenario_file import run_scenario_toml
from sim.params import GROUPS, PARAMETERS, STRATEGIES, VENDOR_TRAITS, Param

FOCAL_LEVERS: tuple[str, ...] = tuple(
    k
    for k in (
        "initial_reps",
        "sales_start_week",
        "seat_price",
        "marketing_spend",
        "virality",
        "quality",
        "initial_cash",
    )
    if k in VENDOR_TRAITS
)
"""The focal company's levers shown on top (with its strategy): what a strategist moves."""

SPEEDS: tuple[int, ...] = (1, 2, 3, 5, s.MAX_SPEED)
"""Speed slider stops, weeks per second; the last is as fast as the page draws (5.5-7
weeks a second on a laptop, gui/README.md), so every stop plays at its own pace."""


@solara.component
def LeverInput(
    p: Param,
    value: Any,
    changed: bool,
    text: str | None,
    err: str,
    on_value: Callable[[Any], None],
    on_text: Callable[[str | None], None],
    on_error: Callable[[str], None],
    css: str,
    note: str = "",
    disabled: str = "",
):
    """One generated control: slider and/or text box, switch or select, with its label.

    ``disabled`` (a reason) greys the control and says why it acts on nothing.
    """

    def set_value(v):
        on_error("")
        on_text(None)
        on_value(v)

    def typed(raw):
        parsed, msg = parse_value(p, raw)
        if msg:
            on_text(raw)
            on_error(msg)
        else:
            set_value(parsed)

    kind = control_kind(p)
    lab = label(p) + (" •" if changed else "")
    with rv.Html(
        tag="div",
        class_=f"sw-param sw-param-{css}",
        style_="display: flex; flex-direction: column",
        attributes={"title": tooltip(p)},  # the glossary on hover
    ):
        if kind == "switch":
            solara.Switch(label=lab, value=bool(value), on_value=set_value)
        elif kind == "select":
            rv.Select(
                label=lab, v_model=value, items=choice_items(p), on_v_model=set_value, dense=True
            )
        else:
            solara.InputText(
                lab,
                value=text if text is not None else format_value(p, value),
                on_value=typed,
                error=err or False,
                message=disabled or (None if err else (note + hint(p))),
                dense=True,
                disabled=bool(disabled),
                classes=[f"sw-input-{css}"] + (["sw-lever-off"] if disabled else []),
            )
            if kind == "slider" and text is None and not disabled:
                step = slider_step(p)

                def slid(v):
                    # the slider snaps a drawn trait to a stop and reports it back
                    if slider_moved(v, value, step):
                        set_value(p.validate(v))

                rv.Slider(
                    v_model=value,
                    on_v_model=slid,
                    min=p.low,
                    max=p.high,
                    step=step,
                    dense=True,
                    hide_details=True,
                    class_=f"sw-slider-{css}",
                    style_="margin-top: -4px",
                    attributes={"aria-label": p.label},
                )
        if err and kind in ("switch", "select"):
            solara.Error(err, dense=True)


@solara.component
def ParamControl(name: str):
    """A market parameter's control (the scenario's value until the user changes it)."""
    p = PARAMETERS[name]
    base = s.scenario_base(s.scenario_name.value)
    value = s.pending[name].value if s.pending[name].value is not None else base[name]
    err = s.input_errors[name].value
    if name in ("enterprise_size_min", "enterprise_size_max") and not err:
        lo = s.pending["enterprise_size_min"].value
        hi = s.pending["enterprise_size_max"].value
        lo = base["enterprise_size_min"] if lo is None else lo
        hi = base["enterprise_size_max"] if hi is None else hi
        err = consistency_errors({"enterprise_size_min": lo, "enterprise_size_max": hi}).get(
            name, ""
        )
    LeverInput(
        p,
        value,
        value != base[name],
        s.raw_text[name].value,
        err,
        s.pending[name].set,
        s.raw_text[name].set,
        s.input_errors[name].set,
        name,
    )


@solara.component
def ParamPanels():
    """Parameters grouped as the engine groups them, each group a collapsible panel.

    Only open panels hold controls: every render pass walks the whole page, so 66
    idle controls would slow every step of the model.
    """
    rv.Html(
        tag="div",
        class_="sw-advanced-title",
        children=["Advanced: the whole market"],
        style_="font-weight: 600; margin-top: 4px",
    )
    with rv.ExpansionPanels(
        multiple=True,
        accordion=True,
        class_="sw-params",
        v_model=s.open_groups.value,
        on_v_model=lambda v: s.open_groups.set(list(v or [])),
    ):
        for i, group in enumerate(GROUPS):
            names = [n for n, p in PARAMETERS.items() if p.group == group]
            with rv.ExpansionPanel(class_=f"sw-group-{group}"):
                rv.ExpansionPanelHeader(
                    children=[f"{GROUP_WORDS.get(group, group)}: {len(names)} settings"]
                )
                with rv.ExpansionPanelContent():
                    if i in s.open_groups.value:
                        for n in names:
                            ParamControl(n).key(f"{s.scenario_name.value}:{n}")


def _focal_value(name: str) -> tuple[Any, str]:
    """The focal company's current value of ``name`` and where it comes from."""
    if s.focal_pending[name].value is not None:
        return s.focal_pending[name].value, ""
    scen = s.SCENARIOS[s.scenario_name.value].focal or {}
    if name in scen:
        return scen[name], "Set by the scenario. "
    r = s.run.value
    me = r.model.focal_vendor if r is not None else None
    if me is not None:
        current = me.strategy if name == "strategy" else me.traits[name]
        if isinstance(current, float):
            current = float(f"{current:.4g}")  # shown rounded; set it to fix it exactly
        return current, ""  # drawn for this seed: said once, above the levers
    return s.scenario_base(s.scenario_name.value).get(name, STRATEGIES[0]), ""


GROUP_WORDS = {
    "market": "the market",
    "enterprises": "enterprises (buyers)",
    "employees": "employees and their networks",
    "product": "products",
    "self_serve": "self-serve sign-up",
    "demand": "demand and budgets",
    "direct": "direct sales (reps)",
    "contracts": "contracts and renewals",
    "vendors": "vendors entering and leaving",
    "run": "the run",
}
"""The Advanced panels' headings in words (``sim.params`` groups)."""

STRATEGY_WORDS = {
    "bottoms_up": "bottoms-up (self-serve sign-up, no reps)",
    "direct": "direct (sales reps, no self-serve)",
    "hybrid": "hybrid (self-serve and reps)",
}


@solara.component
def FocalLevers():
    """My company's strategy and its six to eight levers, in plain words with units."""
    r = s.run.value
    me = r.model.focal_vendor if r is not None else None
    title = f"My company ({me.name})" if me is not None else "My company"
    rv.Html(tag="div", class_="sw-levers-title", children=[title], style_="font-weight: 600")
    rv.Html(tag="div", class_="sw-levers-note", style_="font-size: 12px; color: #555",
            children=["Levers neither you nor the scenario set are drawn at random for this "
                      "seed (shown rounded); type a value to fix one."])  # fmt: skip
    strategy, _ = _focal_value("strategy")
    rv.Select(
        label="go-to-market strategy" + (" •" if s.focal_pending["strategy"].value else ""),
        v_model=strategy,
        items=[{"text": STRATEGY_WORDS[k], "value": k} for k in STRATEGIES],
        on_v_model=s.focal_pending["strategy"].set,
        class_="sw-focal-strategy",
    )
    marketing_all = s.scenario_base(s.scenario_name.value).get("marketing_all_motions", False)
    chosen = (
        s.pending["marketing_all_motions"].value if "marketing_all_motions" in s.pending else None
    )
    if chosen is not None:
        marketing_all = chosen
    for name in FOCAL_LEVERS:
        value, note = _focal_value(name)
        LeverInput(
            PARAMETERS[name],
            value,
            s.focal_pending[name].value is not None,
            s.focal_raw[name].value,
            s.focal_errors[name].value,
            s.focal_pending[name].set,
            s.focal_raw[name].set,
            s.focal_errors[name].set,
            f"focal-{name}",
            note,
            idle_reason(name, strategy, bool(marketing_all)),
        ).key(f"{s.scenario_name.value}:focal:{name}")


@solara.component
def ScenarioPicker():
    scen = s.SCENARIOS[s.scenario_name.value]

    def choose(name):
        if name == s.scenario_name.value:
            return
        s.scenario_name.set(name)
        s.clear_changes()
        s.rebuild(f"Scenario {name}")

    rv.Select(  # titles in words; the preset's file name is the value (and the URL's)
        label="Scenario",
        v_model=s.scenario_name.value,
        items=[{"text": sc.title, "value": n} for n, sc in s.SCENARIOS.items()],
        on_v_model=choose,
        dense=True,
        # every preset in the menu: without "auto" Vuetify 2 renders the first 20 and the
        # rest only as the menu is scrolled, out of reach of the keyboard and of a search
        menu_props={"auto": True},
        class_="sw-scenario",
        attributes={"title": f"Preset scenario (salesweb simulate --scenario {scen.name})"},
    )
    rv.Html(tag="div", class_="sw-title", children=[scen.title], style_="font-weight: 600")
    if scen.essay:
        rv.Html(tag="div", class_="sw-essay", children=[f"essay: {scen.essay}"],
                style_="color: #666")  # fmt: skip
    rv.Html(tag="p", class_="sw-narrative", children=[scen.narrative], style_="font-size: 13px")


@solara.component
def SeedInput():
    from gui.controls import parse_seed

    err = parse_seed(s.seed_text.value)[1]
    solara.InputText(
        "Seed",
        value=s.seed_text,
        error=err or False,
        message=None if err else "Same seed, same run.",
        dense=True,
        classes=["sw-seed"],
    )


@solara.component
def StepCounter():
    _ = s.tick.value
    r = s.run.value
    text = "building..." if r is None else f"Week {r.steps} of {r.model.horizon}"
    FrameEcho.element(frame=s.tick.value, sync=s.frame_sync.value)
    rv.Html(
        tag="div", class_="sw-step", children=[text], style_="font-size: 18px; font-weight: 600"
    )


def speed_text(speed: int, playing: bool, rate: float) -> str:
    """What the speed slider means, and what Play gets while it plays."""
    target = "as fast as the page draws" if speed >= s.MAX_SPEED else f"{speed} weeks per second"
    got = f"; now {rate:g} weeks/s" if playing and rate > 0 else ""
    return f"Speed: {target}{got}"


@solara.component
def RunButtons():
    """The week and Play/Step/Reset: kept in sight (sticky) on a phone."""
    with solara.Column(gap="2px", classes=["sw-run-sticky"]):
        StepCounter()
        with solara.Row(gap="4px", style="flex-wrap: wrap"):
            if s.playing.value:
                solara.Button("Pause", on_click=s.stop_play, color="warning")
            else:
                solara.Button("Play", on_click=s.play, color="primary")
            # after Pause the loop may still be finishing a week: Step waits for it, or it
            # would advance two weeks from the one shown
            solara.Button(
                "Step", on_click=s.do_step, disabled=s.playing.value or s.loop_alive.value
            )
            solara.Button("Reset", on_click=lambda: s.rebuild("Reset"))


@solara.component
def RunControls():
    stop = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - s.speed.value))
    text = speed_text(s.speed.value, s.playing.value, s.play_rate.value)
    rv.Slider(
        v_model=stop,
        on_v_model=lambda v: s.speed.set(SPEEDS[int(v)]),
        min=0,
        max=len(SPEEDS) - 1,
        step=1,
        ticks="always",
        tick_labels=[str(v) for v in SPEEDS[:-1]] + ["max"],
        hide_details=True,
        class_="sw-speed",
        attributes={"aria-label": text},
    )
    rv.Html(tag="div", class_="sw-speed-text", children=[text], style_="font-size: 12px")
    if s.run_error.value:
        solara.Error(s.run_error.value, dense=True, classes=["sw-run-error"])
    elif s.status.value:
        rv.Html(tag="div", class_="sw-status", children=[s.status.value], style_="font-size: 12px")
    PendingNote()


def waiting_changes(r, overrides: dict, focal: dict | None, seed_text: str) -> list[str]:
    """Names of the settings changed since the run was built (Reset applies them)."""
    from gui.controls import parse_seed

    applied = r.overrides if r is not None else {}
    waiting = {k for k, v in overrides.items() if applied.get(k) != v}
    waiting |= {k for k in applied if k not in overrides}
    shown = (r.focal or {}) if r is not None else {}
    focal = focal or {}
    waiting = {setting_label(k) for k in waiting}
    waiting |= {
        f"my company's {setting_label(k)}"
        for k in set(focal) | set(shown)
        if focal.get(k) != shown.get(k)
    }
    seed, err = parse_seed(seed_text)
    if r is not None and err is None and seed != r.seed:
        waiting.add("seed")
    return sorted(waiting)


@solara.component
def PendingNote():
    waiting = waiting_changes(
        s.run.value, s.current_overrides(), s.current_focal(), s.seed_text.value
    )
    if waiting:
        rv.Html(
            tag="div",
            class_="sw-pending",
            children=[f"Changed, not applied: {', '.join(waiting)}. Press Reset."],
            style_="font-size: 12px; color: #b34700",
        )


@solara.component
def ScenarioFile():
    """The run's settings as a scenario file: copy it, or save it."""
    r = s.run.value
    if r is None:
        return
    text = run_scenario_toml(r)
    with solara.Row(gap="6px", style="flex-wrap: wrap; align-items: center"):
        CopyText(text, "Copy as scenario file", css_class="sw-copy-scenario")
        solara.FileDownload(
            text.encode("utf-8"),
            f"salesweb_{r.scenario.name}_seed{r.seed}.toml",
            label="Save scenario file",
        )


@solara.component
def SidebarTop():
    """Scenario, seed and run controls (on a phone: Play/Reset first, sticky)."""
    with solara.Column(gap="8px", classes=["sw-side-top"]):
        with solara.Column(gap="4px", classes=["sw-g-scenario"]):
            ScenarioPicker()
        with solara.Column(gap="4px", classes=["sw-g-seed"]):
            SeedInput()
        RunButtons()
        with solara.Column(gap="4px", classes=["sw-g-run"]):
            RunControls()


@solara.component
def SidebarBottom():
    """The scenario file, my company's levers and the market's parameters (on a phone:
    my company's levers right under Play/Reset, the rest after the tabs)."""
    with solara.Column(gap="8px", classes=["sw-side-bottom"]):
        with solara.Column(gap="4px", classes=["sw-g-file"]):
            ScenarioFile()
        with solara.Column(gap="4px", classes=["sw-g-levers"]):
            FocalLevers()
        with solara.Column(gap="4px", classes=["sw-g-params"]):
            ParamPanels()
