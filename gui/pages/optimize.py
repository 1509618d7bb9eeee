"""Optimize: search my company's levers for its best plan, checked on held-out seeds.

The search is :func:`experiments.optimize.run.optimize` (``salesweb optimize``) on the
sidebar's scenario, market changes and my company's settings, in a background thread
that holds the server's heavy-work slots (one worker process per slot) and stops at
Cancel between batches of trials. Its folder is a temporary one the page forgets.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import solara
from solara.alias import rv

from gui import session as s
from gui.job import Job
from gui.json_table import JsonTable
from gui.limits import Cancelled, heavy_slots, session_memory_gb
from sim.params import ParameterError
from sim.scenarios import ScenarioError

MAX_RUN_WEEKS = 60_000
"""(trials x seeds + 4 arms x held-out seeds) x weeks the browser runs: a few minutes."""

LEVERS = "initial_reps=0..10\nseat_price=5..200:log\nstrategy=bottoms_up|direct|hybrid"

levers_text = solara.reactive(LEVERS)
objective = solara.reactive("worth")
survival_text = solara.reactive("0.8")
trials_text = solara.reactive("20")
seeds_text = solara.reactive("4")
weeks_text = solara.reactive("104")
result = solara.reactive(None)  # best.json as a dict
job = Job()
progress, error, note = job.progress, job.error, job.note


def parse_form() -> tuple[dict, list[str]]:
    """The search's inputs from the form, and messages for what is wrong."""
    from experiments.fit.space import parse_dims

    errors: list[str] = []
    form: dict = {}
    lines = [ln.strip() for ln in levers_text.value.splitlines() if ln.strip()]
    try:
        form["dims"] = parse_dims(lines, "lever")
    except ParameterError as exc:
        errors.append(str(exc))
    for key, text, low, high in (("trials", trials_text, 2, 200), ("seeds", seeds_text, 2, 20),
                                 ("weeks", weeks_text, 4, 520)):  # fmt: skip
        v = text.value.strip()
        if v.isdigit() and low <= int(v) <= high:
            form[key] = int(v)
        else:
            errors.append(f"{key}: a whole number from {low} to {high}, got {v!r}")
    try:
        form["survival"] = float(survival_text.value)
        if not 0 <= form["survival"] <= 1:
            raise ValueError
    except ValueError:
        errors.append(f"survival floor: a share from 0 to 1, got {survival_text.value.strip()!r}")
    if not errors:
        held_out = 4 * max(10, form["seeds"])  # the plan and three plain strategies
        weeks = (form["trials"] * form["seeds"] + held_out) * form["weeks"]
        if weeks > MAX_RUN_WEEKS:
            errors.append(
                f"{form['trials']} trials x {form['seeds']} seeds x {form['weeks']} weeks is more "
                f"than the browser runs ({MAX_RUN_WEEKS:,} run-weeks); use fewer, or salesweb optimize"
            )
    return form, errors


def start() -> None:
    from experiments.fit.simulate import Market
    from experiments.optimize.run import Plan, optimize

    job.stop()
    form, errors = parse_form()
    try:
        market = Market.of(
            s.scenario_name.value,
            {
                **s.current_overrides(),
                "memory_limit_gb": session_memory_gb(),
            },  # the session's budget
            s.current_focal() or {},
        )
    except (ParameterError, ScenarioError) as exc:
        errors.append(str(exc))
    if errors:
        error.set("; ".join(errors))
        return
    result.set(None)
    cancel = job.begin()

    def work():
        folder = Path(tempfile.mkdtemp(prefix="salesweb-optimize-"))
        with job.outcome(cancel, cleanup=lambda: shutil.rmtree(folder, ignore_errors=True)):
            with heavy_slots(os.cpu_count() or 1, cancelled=cancel.is_set) as workers:
                plan = Plan(market, form["dims"], (objective.value,), form["survival"],
                            form["trials"], form["seeds"], max(10, form["seeds"]), form["weeks"],
                            0, workers)  # fmt: skip
                doc = optimize(plan, folder, cancelled=cancel.is_set,
                               progress=lambda stage, d, t: progress.set(f"{stage}: {d} of {t}"))  # fmt: skip
            if doc is None:
                raise Cancelled
            result.set(doc)

    s.in_background(work)


def use_plan() -> None:
    """Put the best plan's levers into the sidebar (my company; market levers as changes)."""
    from sim.params import PARAMETERS

    for name, value in result.value["settings"].items():
        if name in s.focal_pending:
            s.focal_pending[name].set(value)
        elif name in PARAMETERS:
            s.pending[name].set(value)
    s.rebuild("Best plan")
    note.set("The best plan is in the sidebar: Explore and Decide now run it.")


def plan_words(settings: dict) -> str:
    """A plan in the sidebar's words: "reps at launch 3, strategy bottoms-up"."""
    from gui.glossary import setting_label
    from sim.params import choice_label

    def value(v):
        return f"{v:.4g}" if isinstance(v, float) else choice_label(v) if isinstance(v, str) else v

    return ", ".join(f"{setting_label(k)} {value(v)}" for k, v in settings.items())


def strategy_words(text: str) -> str:
    """The held-out check's arm names ("plain bottoms_up") in words."""
    from sim.params import STRATEGIES, choice_label

    for name in STRATEGIES:
        text = text.replace(name, choice_label(name))
    return text


HEADERS = [{"text": t, "value": v} for t, v in (
    ("arm", "arm"), ("mean (USD)", "mean"), ("survival (share of seeds alive)", "survival"),
    ("best plan minus arm (95% CI)", "diff"))]  # fmt: skip


@solara.component
def OptimizeResults(doc):
    from experiments.optimize.run import describe_held_out

    if doc["settings"] is None:
        solara.Error(doc["verdict"], classes=["sw-opt-error"])
        return
    settings = plan_words(doc["settings"])
    rv.Html(tag="div", class_="sw-opt-best", children=[
        f"Best plan (trial {doc['trial']} of {doc['trials']}, {doc.get('pruned', 0)} stopped "
        f"early as clearly worse): {settings}"])  # fmt: skip
    rows = [dict(zip(("arm", "mean", "survival", "diff"), (strategy_words(r[0]), *r[1:]), strict=True))
            for r in describe_held_out(doc["held_out"])]  # fmt: skip
    JsonTable(HEADERS, rows, css_class="sw-opt-table", height=0)
    rv.Html(
        tag="div",
        class_="sw-opt-verdict",
        children=[strategy_words(doc["verdict"])],
        style_="font-weight: 600; margin: 6px 0",
    )
    solara.Button("Use this plan", on_click=use_plan, color="primary", classes=["sw-opt-use"])


@solara.component
def Optimize():
    rv.Html(tag="p", children=[
        "Search my company's levers for the plan that does best (Optuna), every plan on the "
        "same seeds; the best one is then re-run against the three plain strategies on fresh "
        "seeds, so a lucky plan is not sold as a good one (docs/optimize.md). One lever per "
        "line: name=lo..hi, name=lo..hi:log or name=a|b|c."])  # fmt: skip
    rv.Textarea(label="Levers, one per line", v_model=levers_text.value, on_v_model=levers_text.set,
                rows=3, outlined=True, hide_details=True, class_="sw-opt-levers",
                attributes={"aria-label": "Levers, one per line"})  # fmt: skip
    with solara.Row(gap="12px", style="align-items: center; flex-wrap: wrap"):
        solara.Select("Objective", values=["worth", "arr", "cash"], value=objective)
        solara.InputText(
            "Survival floor (share of seeds alive, 0 to 1)",
            value=survival_text,
            continuous_update=True,
            classes=["sw-opt-floor"],
        )
        solara.InputText(
            "Trials", value=trials_text, continuous_update=True, classes=["sw-opt-trials"]
        )
        solara.InputText(
            "Seeds", value=seeds_text, continuous_update=True, classes=["sw-opt-seeds"]
        )
        solara.InputText(
            "Weeks", value=weeks_text, continuous_update=True, classes=["sw-opt-weeks"]
        )
        job.start_or_cancel("Search", start)
    job.status("sw-opt", "Searching")
    if result.value is not None:
        OptimizeResults(result.value)
