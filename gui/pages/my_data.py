"""My data: upload a company's monthly history, fit the model to it, use the fitted company.

The fit is :func:`experiments.fit.infer.fit` (``salesweb fit``), on the sidebar's
scenario, market changes and my company's settings, in a background thread that holds
the server's heavy-work slots and can be cancelled between ABC generations. Its size is
bounded for a shared server (:data:`MAX_CANDIDATE_WEEKS`); ``salesweb fit`` has no
such bound. "Use the fitted company" puts the estimates into the sidebar's settings
and rebuilds the market, so Explore and Decide run the fitted company.
"""

from __future__ import annotations

import io

import pandas as pd
import solara
from solara.alias import rv

from gui import charts
from gui import session as s
from gui.echart import EChart
from gui.glossary import setting_label
from gui.job import Job
from gui.json_table import JsonTable
from gui.limits import Cancelled, heavy_slots, session_memory_gb
from sim.params import PARAMETERS, ParameterError
from sim.scenarios import ScenarioError

MAX_CANDIDATE_WEEKS = 400_000
"""Population x generations x 3 (candidates tried per accepted one) x seeds x weeks:
about ten minutes of one core at the default market."""
GUI_DRAWS = 10
"""Posterior draws behind the band and the forecast in the page (40 on the command line)."""

csv_text = solara.reactive("")
fit_names = solara.reactive("virality,seat_price,marketing_spend")
population_text = solara.reactive("20")
generations_text = solara.reactive("2")
seeds_text = solara.reactive("1")
result = solara.reactive(None)  # (doc, history, draws)
job = Job()
progress, error, note = job.progress, job.error, job.note


def read_history(text: str):
    """The pasted or uploaded CSV, checked: (History, "") or (None, message)."""
    from experiments.fit.history import HistoryError, check_history

    if not text.strip():
        return (
            None,
            "upload or paste a history first (month, and any of arr, customers, users, reps, sm_spend, cash)",
        )
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, skipinitialspace=True, comment="#")
        return check_history(raw, "your history"), ""
    except HistoryError as exc:
        return None, str(exc)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        return None, f"your history is not a readable CSV ({str(exc).splitlines()[-1]})"


def on_file(info: dict) -> None:
    data = info.get("data") or b""
    try:
        csv_text.set(data.decode("utf-8-sig"))
        error.set("")
    except UnicodeDecodeError:
        error.set(f"{info.get('name', 'the file')} is not a text CSV (UTF-8)")


def load_example() -> None:
    from experiments.fit.examples import FOLDER

    csv_text.set((FOLDER / "example_history.csv").read_text())


def _number(text: str, name: str, low: int, high: int, errors: list[str]) -> int:
    if text.strip().isdigit() and low <= int(text) <= high:
        return int(text)
    errors.append(f"{name}: a whole number from {low} to {high}, got {text.strip()!r}")
    return low


def start() -> None:
    from experiments.fit.infer import fit
    from experiments.fit.report import draw_runs, fit_json
    from experiments.fit.simulate import Market
    from experiments.fit.space import parse_dims

    job.stop()
    errors: list[str] = []
    history, msg = read_history(csv_text.value)
    if msg:
        errors.append(msg)
    population = _number(population_text.value, "population", 10, 100, errors)
    generations = _number(generations_text.value, "generations", 1, 6, errors)
    seeds = _number(seeds_text.value, "seeds", 1, 5, errors)
    try:
        dims = parse_dims([fit_names.value], "fit")
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
    if history is not None and not errors:
        weeks = int(history.weeks[-1])
        if population * generations * 3 * seeds * weeks > MAX_CANDIDATE_WEEKS:
            errors.append(
                "that fit is larger than the browser runs; use a smaller population, fewer "
                "generations or seeds, or salesweb fit"
            )
    if errors:
        error.set("; ".join(errors))
        return
    cancel = job.begin()

    def work():
        with job.outcome(cancel):
            with heavy_slots(1, cancelled=cancel.is_set):
                post = fit(history, market, dims, population=population, generations=generations,
                           seeds=seeds, workers=1, cancelled=cancel.is_set,
                           progress=lambda d, t: progress.set(f"generation {d} of {t} done"))  # fmt: skip
                if post is None or cancel.is_set():
                    raise Cancelled
                progress.set("running the fitted company forward")
                draws = draw_runs(post, market, history, draws=GUI_DRAWS)
            settings = {"population": population, "generations": generations, "seeds": seeds}
            result.set((fit_json(post, history, market, draws, settings), history, draws))

    s.in_background(work)


def use_fitted() -> None:
    """Put the estimates into the sidebar (my company's settings, market changes), rebuild."""
    doc = result.value[0]
    for name, p in doc["parameters"].items():
        if name in s.focal_pending:
            s.focal_pending[name].set(p["estimate"])
        elif name in PARAMETERS:
            s.pending[name].set(p["estimate"])
    s.rebuild("Fitted company")
    note.set("The fitted company is in the sidebar: Explore and Decide now run it.")


PARAM_HEADERS = [{"text": t, "value": v} for t, v in (
    ("parameter", "name"), ("estimate", "estimate"), ("90% interval", "interval"),
    ("prior", "prior"), ("pinned down by the history?", "identifiable"))]  # fmt: skip


def fit_chart(history, draws, column: str) -> dict:
    """The history (dots) on the 10-90% band of runs from the posterior, then the forecast."""
    from experiments.fit.report import LABELS

    option = charts.fan({"fitted runs": draws.band(column)}, LABELS.get(column, column))
    months = len(draws.months)
    dots = [None] * months
    for m, v in zip(history.months, history.data[column], strict=True):
        dots[int(m) - 1] = None if pd.isna(v) else float(v)
    option["series"].append({"name": "your history", "type": "scatter", "symbolSize": 6,
                             "color": "#000", "data": dots})  # fmt: skip
    option["xAxis"]["data"] = [int(m) for m in draws.months]
    option["xAxis"]["name"] = "month since launch"
    option["tooltip"] = {"trigger": "axis", "confine": True}
    return option


@solara.component
def FitResults(doc, history, draws):
    rows = [
        {"name": setting_label(n), "estimate": f"{p['estimate']:.4g}", "interval": f"{p['low']:.4g} to {p['high']:.4g}",
         "prior": p["prior"], "identifiable": "yes" if p["identifiable"] else "no: about as wide as the prior"}
        for n, p in doc["parameters"].items()
    ]  # fmt: skip
    JsonTable(PARAM_HEADERS, rows, css_class="sw-fit-table", height=0)
    for w in doc["warnings"]:
        rv.Html(tag="div", class_="sw-fit-warning", children=[w], style_="color: #a60")
    from experiments.fit.report import LABELS  # the history's columns in words, with units

    inside = ", ".join(f"{LABELS.get(c, c)} {v:.0%}" for c, v in doc["history_inside_band"].items())
    rv.Html(
        tag="div",
        class_="sw-fit-inside",
        children=[f"Your months inside the fitted 10-90% band: {inside}"],
    )
    solara.Button(
        "Use the fitted company", on_click=use_fitted, color="primary", classes=["sw-fit-use"]
    )
    with solara.Div(classes=["sw-grid"]):
        for c in history.columns:
            EChart(fit_chart(history, draws, c), f"fit_{c}",
                   f"{LABELS.get(c, c)}: your history, the fitted band, and 24 months on")  # fmt: skip


@solara.component
def MyData():
    rv.Html(tag="p", children=[
        "Bring your company's monthly history (a CSV with month and any of arr, customers, "
        "users, reps, sm_spend, cash; docs/fit.md). The model is fitted to it by approximate "
        "Bayesian computation on the sidebar's scenario: each parameter gets an estimate and a "
        "90% interval."])  # fmt: skip
    solara.FileDrop(label="Drop a history CSV here", on_file=on_file, lazy=False)
    with solara.Row(gap="6px"):
        solara.Button("Load the example history", on_click=load_example, outlined=True, small=True)
    rv.Textarea(label="History (CSV)", v_model=csv_text.value, on_v_model=csv_text.set, rows=5,
                outlined=True, hide_details=True, class_="sw-fit-csv",
                attributes={"aria-label": "History (CSV)"})  # fmt: skip
    with solara.Row(gap="12px", style="align-items: center; flex-wrap: wrap"):
        solara.InputText(
            "Parameters to fit", value=fit_names, continuous_update=True, classes=["sw-fit-names"]
        )
        solara.InputText(
            "Population", value=population_text, continuous_update=True, classes=["sw-fit-pop"]
        )
        solara.InputText(
            "Generations", value=generations_text, continuous_update=True, classes=["sw-fit-gen"]
        )
        solara.InputText(
            "Seeds", value=seeds_text, continuous_update=True, classes=["sw-fit-seeds"]
        )
        job.start_or_cancel("Fit", start)
    job.status("sw-fit", "Fitting")
    if result.value is not None:
        FitResults(*result.value)
