"""The page's state in its URL: a reload or a pasted link restores the same run.

The query string holds what reproduces what the strategist sees: the scenario, the
seed, the market changes (``set.NAME=VALUE``) and my company's settings
(``my.NAME=VALUE``) the run was built with, the week reached, the tab, and on Decide
the form, objective, survival floor and the id of the shown study
(:mod:`gui.recent` keeps it on the server). Values are written and read with the
sidebar's own formatting and validation (:mod:`gui.controls`), so a hand-edited link
gets the same messages as the boxes.

The browser side (``url_state.vue``) replaces the URL (no history entry per week) and,
while there are unapplied lever changes or a study is running, asks before the page is
left (the browser's own "leave site?" question).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import ipyvuetify
import traitlets

from gui.controls import format_value, parse_value
from sim.params import PARAMETERS, STRATEGIES

TABS = ("explore", "compare", "decide", "my-data", "optimize")


class UrlStateWidget(ipyvuetify.VuetifyTemplate):
    template_file = (__file__, "url_state.vue")

    query = traitlets.Unicode("").tag(sync=True)
    dirty = traitlets.Bool(False).tag(sync=True)


def UrlState(query: str, dirty: bool):
    """Keep the browser's URL at ``query``; ask before leaving when ``dirty``."""
    return UrlStateWidget.element(query=query, dirty=dirty)


def _fmt(name: str, value) -> str:
    if name == "strategy":
        return str(value)
    return format_value(PARAMETERS[name], value)


def encode(
    scenario: str, seed: int, overrides: dict, focal: dict, week: int, tab: int,
    decide: dict | None = None,
) -> str:  # fmt: skip
    """The query string for this state (stable order, so equal states give equal URLs)."""
    pairs = [("scenario", scenario), ("seed", str(seed)), ("week", str(week)),
             ("tab", TABS[tab] if 0 <= tab < len(TABS) else TABS[0])]  # fmt: skip
    pairs += [(f"set.{k}", _fmt(k, v)) for k, v in sorted(overrides.items())]
    pairs += [(f"my.{k}", _fmt(k, v)) for k, v in sorted(focal.items())]
    pairs += [(k, str(v)) for k, v in (decide or {}).items() if v not in (None, "")]
    return urlencode(pairs)


def decode(query: str, scenarios) -> tuple[dict, list[str]]:
    """Parse a query string into a state dict and messages for what was refused.

    The dict has ``scenario``, ``seed`` (int), ``week`` (int), ``tab`` (index),
    ``overrides`` and ``focal`` (validated values) and ``decide`` (the raw form fields).
    Nothing unknown or invalid is applied; each refusal is one message.
    """
    state: dict = {"overrides": {}, "focal": {}, "decide": {}}
    problems: list[str] = []
    for key, raw in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        if key == "scenario":
            if raw in scenarios:
                state["scenario"] = raw
            else:
                problems.append(f"scenario {raw!r} is not one of the presets")
        elif key in ("seed", "week"):
            if raw.isdigit():
                state[key] = int(raw)
            else:
                problems.append(f"{key} {raw!r} is not a whole number")
        elif key == "tab":
            if raw in TABS:
                state["tab"] = TABS.index(raw)
        elif key.startswith(("set.", "my.")):
            group, name = key.split(".", 1)
            if name == "strategy" and group == "my":
                if raw in STRATEGIES:
                    state["focal"]["strategy"] = raw
                else:
                    problems.append(f"my company's strategy {raw!r} is not one of {STRATEGIES}")
                continue
            if name not in PARAMETERS:
                problems.append(f"{name!r} is not a parameter")
                continue
            value, err = parse_value(PARAMETERS[name], raw)
            if err:
                problems.append(f"{name}: {err}")
            else:
                state["overrides" if group == "set" else "focal"][name] = value
        elif key in ("study", "options", "seeds", "weeks", "objective", "floor"):
            state["decide"][key] = raw
    return state, problems
