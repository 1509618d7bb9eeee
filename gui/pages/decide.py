"""Decide: which plan for my company? Options compared over seeds, and a recommendation.

The study is :func:`experiments.study.study`, the same as ``salesweb study``: every
option runs on the same seeds (common random numbers) in worker processes, from the
sidebar's scenario, market changes and my company's settings; the root seed is the
sidebar's seed. It runs in a background thread, so the page stays live. Progress
starts at 0 for each study and the elapsed seconds tick while workers start; Cancel
says so and greys the previous result, as does any change to the form that the shown
result no longer matches. The results (``decide_results.py``) carry the
recommendation of :mod:`experiments.recommend`.
"""

from __future__ import annotations

import os
import threading
import time

import solara
from solara.alias import rv

from gui import recent, study_workers
from gui import session as s
from gui.controls import parse_seed, parse_value
from gui.limits import Cancelled, heavy_slots
from gui.pages.decide_results import OBJECTIVE_NAMES, DecideResults
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
objective = solara.reactive("worth")
min_survival_text = solara.reactive("80")
result = solara.reactive(None)  # experiments.study.StudyResult
result_form = solara.reactive(None)  # the form (options, seeds, weeks, seed...) that made it
progress = solara.reactive(0.0)
elapsed = solara.reactive(0.0)  # seconds since Run, ticking while the study runs
running = solara.reactive(False)
error = solara.reactive("")
note = solara.reactive("")
cancel_event = solara.reactive(None)
study_id = solara.reactive("")  # the shown study's id in gui.recent (and in the URL)


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


def form_key() -> tuple:
    """What a result depends on: the form, the sidebar's seed, scenario and changes."""
    return (
        options_text.value.strip(),
        seeds_text.value.strip(),
        weeks_text.value.strip(),
        s.seed_text.value.strip(),
        s.scenario_name.value,
        tuple(sorted((k, str(v)) for k, v in s.current_overrides().items())),
        tuple(sorted((k, str(v)) for k, v in (s.current_focal() or {}).items())),
    )


def parse_floor(text: str) -> tuple[float, str]:
    """The survival floor from a percentage box: ``"80"`` -> 0.8; a message if bad."""
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        return 0.8, f"survival floor: a percentage from 0 to 100, got {text.strip()!r}"
    if not 0 <= value <= 100:
        return 0.8, f"survival floor: a percentage from 0 to 100, got {text.strip()!r}"
    return value / 100, ""


def start() -> None:
    """Run the study in the background; a running one is cancelled first."""
    from experiments.study import study

    stop(quiet=True)
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
    from experiments.idle_levers import idle_notes

    notes = [
        n for o in options for n in idle_notes(o.label, {**(s.current_focal() or {}), **o.settings})
    ]
    note.set("Note: " + "; ".join(notes) if notes else "")
    cancel = threading.Event()
    cancel_event.set(cancel)
    progress.set(0.0)
    elapsed.set(0.0)
    running.set(True)
    key = form_key()
    scenario, overrides, focal = s.scenario_name.value, s.current_overrides(), s.current_focal()
    began = time.monotonic()

    def report(done: int, total: int) -> None:
        if cancel_event.value is cancel and not cancel.is_set():  # an old study says nothing
            progress.set(done / max(1, total))

    def tick() -> None:
        while not cancel.wait(0.5) and cancel_event.value is cancel and running.value:
            elapsed.set(time.monotonic() - began)

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
                    progress=report,
                    cancel=cancel,
                    root_seed=root,
                    overrides=overrides,
                    focal=focal or {},
                    pool=study_workers.pool(),  # kept by the server, warm
                )
            if out is not None and cancel_event.value is cancel:
                result.set(out)
                result_form.set(key)
                study_id.set(recent.remember(out))
        except Cancelled:
            pass
        except (ParameterError, ScenarioError, RuntimeError) as exc:
            error.set(str(exc))
        finally:
            if cancel_event.value is cancel:
                running.set(False)
                cancel.set()  # stops the ticker

    s.in_background(work)
    s.in_background(tick)


def stop(quiet: bool = False) -> None:
    """Cancel the running study; say so unless a new one replaces it at once."""
    was_running = running.value
    if cancel_event.value is not None:
        cancel_event.value.set()
    running.set(False)
    progress.set(0.0)
    if was_running and not quiet:
        note.set(
            "Cancelled: the study stopped and nothing was kept."
            + (" The results below are from the previous study." if result.value else "")
        )


def stale_reason() -> str:
    """Why the shown result no longer matches the form, or ''."""
    if result.value is None:
        return ""
    if note.value.startswith("Cancelled"):
        return "Cancelled: these results are from the previous study, not the form above."
    if result_form.value is not None and result_form.value != form_key():
        return (
            "The inputs changed since these results were made: they show the previous "
            "inputs (listed below). Press Run study to update them."
        )
    return ""


@solara.component
def Decide():
    rv.Html(
        tag="p",
        children=[
            "Which plan for my company? Each option runs on the same seeds (the same rivals, "
            "the same luck), from the scenario, the sidebar's market changes and my company's "
            "settings; the sidebar's seed is the root the study's seeds are drawn from. Each "
            "line is 'label: key=value, ...' with keys strategy and my company's levers "
            "(salesweb params)."
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
    floor, floor_err = parse_floor(min_survival_text.value)
    with solara.Row(gap="12px", style="align-items: center; flex-wrap: wrap"):
        solara.InputText("Seeds", value=seeds_text, continuous_update=True,
                         classes=["sw-decide-seeds"])  # fmt: skip
        solara.InputText("Weeks", value=weeks_text, continuous_update=True,
                         classes=["sw-decide-weeks"])  # fmt: skip
        solara.Select("What matters most", values=list(OBJECTIVE_NAMES), value=objective,
                      classes=["sw-decide-objective"])  # fmt: skip
        solara.InputText("Alive in at least (% of seeds)", value=min_survival_text,
                         continuous_update=True, classes=["sw-decide-floor"])  # fmt: skip
        if running.value:
            solara.Button("Cancel", on_click=stop, color="warning")
        else:
            solara.Button("Run study", on_click=start, color="primary")
    if running.value:
        share = progress.value
        what = (
            f"Running: {share:.0%} of the weeks done, {elapsed.value:.0f} s"
            if share > 0
            else f"Starting the worker processes: {elapsed.value:.0f} s (0% of the weeks)"
        )
        rv.Html(tag="div", class_="sw-decide-progress", children=[what])
        solara.ProgressLinear(share * 100 if share > 0 else True)
    if floor_err:
        solara.Error(floor_err, classes=["sw-decide-error"])
    if error.value:
        solara.Error(error.value, classes=["sw-decide-error"])
    if note.value:
        rv.Html(tag="div", class_="sw-decide-note", children=[note.value],
                style_="font-weight: 600")  # fmt: skip
    if result.value is not None:
        DecideResults(result.value, objective.value, floor, stale_reason())
    Recent()


def show(entry_id: str) -> bool:
    """Show a kept study (from the Recent panel or a link); False if the server lost it."""
    res = recent.get(entry_id)
    if res is None:
        return False
    result.set(res)
    result_form.set(None)  # shown as it was made; its inputs are listed above it
    study_id.set(entry_id)
    note.set("")
    return True


@solara.component
def Recent():
    """This browser session's recent studies (kept on the server, newest first)."""
    entries = recent.listing()
    if not entries:
        return
    with (
        solara.Details("Recent studies", expand=True),
        solara.Column(gap="2px", classes=["sw-recent"]),
    ):
        for e in entries:
            with solara.Row(gap="8px", style="align-items: center; flex-wrap: wrap"):
                solara.Button("Show", small=True, text=True, classes=["sw-recent-show"],
                              on_click=lambda i=e.study_id: show(i),
                              disabled=e.study_id == study_id.value)  # fmt: skip
                rv.Html(tag="span", class_="sw-recent-line", children=[e.line()],
                        style_="font-size: 12px")  # fmt: skip
