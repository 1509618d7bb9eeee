"""Words for strategists: every label the page shows in plain words with its unit, and
the definition a hover shows, drawn from the one table of :mod:`sim.params`.

A parameter's label, unit and description live in :data:`sim.params.PARAMETERS`, the
vendor table's columns in :data:`sim.params.OUTPUTS`, choices' words in
:data:`sim.params.CHOICE_WORDS`; the CLI (``salesweb params``) and docs/parameters.md
read the same table, so the browser cannot drift from them. The raw name a scenario
file or the Compare tab takes stays in the hover text, never in a label.
"""

from __future__ import annotations

from typing import Any

from sim.params import OUTPUTS, PARAMETERS, Param, choice_label


def with_unit(label: str, unit: str) -> str:
    """``"reps at launch (reps)"``; the label alone when there is no unit."""
    return f"{label} ({unit})" if unit else label


def tooltip(p: Param) -> str:
    """A parameter's hover text: its definition, unit, allowed values and file key."""
    parts = [f"{p.label}: {p.description}"]
    if p.unit:
        parts.append(f"Unit: {p.unit}.")
    if p.kind == "choice":
        parts.append("One of: " + ", ".join(choice_label(c) for c in p.choices) + ".")
    elif p.kind in ("int", "float"):
        parts.append(f"Allowed: {p.allowed().split(' in ', 1)[1]}.")
    parts.append(f"In a scenario file and the Compare tab: {p.name}.")
    return " ".join(parts)


def choice_items(p: Param) -> list[dict[str, str]]:
    """A select's items: each value shown in words, stored as the model takes it."""
    return [{"text": choice_label(c), "value": c} for c in p.choices]


def setting_label(name: str) -> str:
    """A setting's name in words (``seed`` and unknown names as they are)."""
    p = PARAMETERS.get(name)
    return p.label if p is not None else name.replace("_", " ")


def column(name: str, sortable: bool = True) -> dict[str, Any]:
    """A vendor-table header: label with unit, the value key, and the hover definition."""
    t = OUTPUTS[name]
    text = with_unit(t.label, t.unit) if t.unit not in ("", "yes or no") else t.label
    head = {"text": text, "value": name, "tip": t.description}
    if not sortable:
        head["sortable"] = False
    return head
