"""Between the session and its URL: the query for what is on screen, and a restore.

:func:`current_query` reads the session (the run as built, the week, the tab, Decide's
form and shown study); :func:`restore` applies a query at page start: the scenario,
seed and changes, a rebuild, the tab, Decide's form and study, then the weeks are
stepped again in the background (a seed reproduces a run bit for bit, so the same
week shows the same market). :func:`unsaved` says when leaving would lose something.
"""

from __future__ import annotations

from gui import session as s
from gui.url_state import decode, encode


def _user_focal(r) -> dict:
    """My company's settings the user chose (the run's, less the scenario's own)."""
    scen = s.SCENARIOS[r.scenario.name].focal or {}
    return {k: v for k, v in (r.focal or {}).items() if scen.get(k) != v}


def current_query() -> str:
    """The URL query for the session as it is now ('' before the first build)."""
    from gui.pages import decide as d

    r = s.run.value
    if r is None:
        return ""
    form = None
    if s.main_tab.value == 2 or d.study_id.value:
        form = {
            "options": d.options_text.value.strip(),
            "seeds": d.seeds_text.value.strip(),
            "weeks": d.weeks_text.value.strip(),
            "objective": d.objective.value,
            "floor": d.min_survival_text.value.strip(),
            "study": d.study_id.value,
        }
    return encode(r.scenario.name, r.seed, r.overrides, _user_focal(r), r.steps,
                  s.main_tab.value, form)  # fmt: skip


def unsaved() -> bool:
    """Lever changes not yet applied, or a study still running: a reload would lose them."""
    from gui.pages import decide as d

    r = s.run.value
    if d.running.value:
        return True
    if r is None:
        return False
    if s.seed_text.value.strip() != str(r.seed) or s.current_overrides() != r.overrides:
        return True
    return _user_focal_pending() != _user_focal(r)


def _user_focal_pending() -> dict:
    scen = s.SCENARIOS[s.scenario_name.value].focal or {}
    focal = s.current_focal() or {}
    return {k: v for k, v in focal.items() if scen.get(k) != v}


def restore(query: str) -> bool:
    """Apply ``query`` (from the URL at page start); False if it holds no state."""
    from gui.pages import decide as d

    state, problems = decode(query or "", s.SCENARIOS)
    if "scenario" not in state and "seed" not in state:
        return False
    if "scenario" in state:
        s.scenario_name.set(state["scenario"])
    s.clear_changes()
    if "seed" in state:
        s.seed_text.set(str(state["seed"]))
    for k, v in state["overrides"].items():
        s.pending[k].set(v)
    for k, v in state["focal"].items():
        s.focal_pending[k].set(v)
    form = state["decide"]
    for key, box in (("options", d.options_text), ("seeds", d.seeds_text),
                     ("weeks", d.weeks_text), ("floor", d.min_survival_text)):  # fmt: skip
        if key in form:
            box.set(form[key])
    if form.get("objective") in ("worth", "arr", "cash", "survival"):
        d.objective.set(form["objective"])
    s.main_tab.set(state.get("tab", 0))
    s.rebuild("Restored from the link")
    if form.get("study") and not d.show(form["study"]):
        d.note.set(
            "The study in this link is no longer kept on the server (it keeps each "
            "browser's recent studies until it restarts); its inputs are in the form: "
            "press Run study to run it again, on the same seeds."
        )
    week = state.get("week", 0)
    if problems:
        s.run_error.set("Not restored from the link: " + "; ".join(problems) + ".")
    if week > 0 and s.run.value is not None:
        _step_to(week)
    return True


def _step_to(week: int) -> None:
    """Step the new run to ``week`` in the background, then redraw once."""
    r = s.run.value
    s.status.set(f"Restoring week {week} from the link...")

    def work():
        try:
            r.step(max(0, week - r.steps))
        except Exception as exc:  # the model's own failure: say so, keep the page
            s.run_error.set(f"Restoring stopped at week {r.steps}: {type(exc).__name__}: {exc}")
            return
        if s.run.value is r:
            s.bump_tick()
            s.status.set(f"Restored from the link: week {r.steps}, seed {r.seed}.")

    s.in_background(work)
