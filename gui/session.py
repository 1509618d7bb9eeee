"""One browser session's market: the sidebar's settings, the run, and what changes them.

State lives in module-level ``solara.reactive`` values, which Solara keeps per browser
session (per kernel), so two strategists never share a market. The model itself is
in a :class:`gui.state.Run` held by such a reactive value and stepped under its lock.
Every page reads from here; only the actions below (rebuild, step, play) change it.
"""

from __future__ import annotations

import contextlib
import threading
import time
import warnings
from typing import Any

import solara
from solara.server.kernel_context import get_current_context

from gui.controls import consistency_errors, effective_params, parse_seed
from gui.frame_sync import FrameSync  # noqa: F401 - the type frame_sync holds
from gui.state import Run
from sim.params import PARAMETERS, VENDOR_TRAITS, ParameterError, defaults
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

FOCAL_KEYS: tuple[str, ...] = ("strategy", *VENDOR_TRAITS)

scenario_name = solara.reactive("default")
seed_text = solara.reactive("1")
pending = {name: solara.reactive(None) for name in PARAMETERS}
"""The user's parameter changes (None: the scenario's value), one reactive per control."""
input_errors = {name: solara.reactive("") for name in PARAMETERS}
raw_text = {name: solara.reactive(None) for name in PARAMETERS}
focal_pending = {name: solara.reactive(None) for name in FOCAL_KEYS}
"""The user's settings for the focal company (None: the scenario's, else drawn)."""
focal_errors = {name: solara.reactive("") for name in FOCAL_KEYS}
focal_raw = {name: solara.reactive(None) for name in FOCAL_KEYS}
open_groups = solara.reactive([])  # indices of the parameter panels that are open
main_tab = solara.reactive(0)
run = solara.reactive(None)  # gui.state.Run
tick = solara.reactive(0)  # bumped after every step or rebuild; views read it
playing = solara.reactive(False)
play_stop = solara.reactive(None)  # threading.Event of the running play loop
loop_alive = solara.reactive(False)  # the play loop has not yet finished its last week
speed = solara.reactive(5)  # target weeks per second
play_rate = solara.reactive(0.0)  # weeks per second Play achieved lately
status = solara.reactive("")
run_error = solara.reactive("")
enterprise = solara.reactive(None)  # enterprise shown in the org network view
render_context = solara.reactive(None)  # the session's reacton render context (batching)
frame_sync = solara.reactive(None)  # gui.frame_sync.FrameSync: what the browser has drawn

MAX_SPEED = 30
"""The speed slider's top value means: as fast as the page can draw."""


def scenario_base(name: str) -> dict[str, Any]:
    """Every parameter's value in scenario ``name`` before the user's changes."""
    return {**defaults(), **SCENARIOS[name].params}


def current_overrides() -> dict[str, Any]:
    """The user's changes that differ from the scenario."""
    base = scenario_base(scenario_name.value)
    return {n: r.value for n, r in pending.items() if r.value is not None and r.value != base[n]}


def current_focal() -> dict[str, Any] | None:
    """Settings of the focal company: the scenario's ``[focal]`` plus the user's changes.

    None when the market has no vendor to be the focal company.
    """
    n_vendors = pending["n_vendors"].value
    if n_vendors is None:
        n_vendors = scenario_base(scenario_name.value)["n_vendors"]
    if n_vendors < 1:
        return None
    focal = dict(SCENARIOS[scenario_name.value].focal or {})
    focal.update({k: r.value for k, r in focal_pending.items() if r.value is not None})
    return focal


def clear_changes() -> None:
    """Forget every parameter and focal change (a new scenario starts clean)."""
    for n in PARAMETERS:
        pending[n].set(None)
        input_errors[n].set("")
        raw_text[n].set(None)
    for n in FOCAL_KEYS:
        focal_pending[n].set(None)
        focal_errors[n].set("")
        focal_raw[n].set(None)


def rebuild(reason: str) -> None:
    """Build a new model from the scenario, the user's changes and the seed.

    On bad input the old model keeps running and the message is shown beside Reset.
    """
    stop_play()
    seed, seed_err = parse_seed(seed_text.value)
    from gui.glossary import setting_label

    bad = {setting_label(n): r.value for n, r in input_errors.items() if r.value}
    bad.update(
        {f"my company's {setting_label(n)}": r.value for n, r in focal_errors.items() if r.value}
    )
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
        new = Run.build(scenario_name.value, overrides, seed, current_focal())
    except (ParameterError, ScenarioError) as exc:
        run_error.set(f"Not rebuilt: {exc}")
        return
    run_error.set("")
    run.set(new)
    enterprise.set(None)
    bump_tick()
    n = len(overrides) + len(new.focal or {})
    status.set(f"{reason}: seed {seed}, {n} change{'s' * (n != 1)} from the scenario.")


def bump_tick() -> None:
    """Tell every view that the model changed, in one render pass.

    Several components read ``tick``; left alone, Solara renders once per reader, and
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
    loop_alive.set(True)

    context = get_current_context()

    def loop():
        unseen = 0  # weeks in a row the browser did not draw (tab closed or hidden)
        started, weeks = time.perf_counter(), 0
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
                weeks += 1
                if weeks % 5 == 0:  # what the strategist gets, shown beside the slider
                    play_rate.set(round(weeks / (time.perf_counter() - started), 1))
        except Exception as exc:  # a failed redraw: say so and stop, never hang on Pause
            run_error.set(f"Play stopped: {type(exc).__name__}: {exc}")
        finally:
            if play_stop.value is stop:  # not a newer loop's: Play again restarts both
                playing.set(False)
                loop_alive.set(False)  # Step may run now: no week of this loop is in flight

    in_background(loop)


def stop_play() -> None:
    if play_stop.value is not None:
        play_stop.value.set()
    playing.set(False)
