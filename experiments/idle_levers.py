"""Levers that act on nothing for a strategy, and why (the model's own rules).

Reps are hired only by a sales motion (``sim.economics.staff``: a vendor without an
outbound tactic hires none), so reps at launch and the week sales start do nothing for
a bottoms-up company. Marketing is paid by a self-serve motion unless the market sets
``marketing_all_motions`` (``sim.economics.settle``), so it does nothing for a direct
company by default. The seat price acts on every motion (it prices an enterprise
contract too, ``sim.contracting``). The browser greys such a lever with the reason;
``salesweb study`` and Decide add a note for an option that sets one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def idle_reason(name: str, strategy: str, marketing_all_motions: bool = False) -> str:
    """Why lever ``name`` acts on nothing for ``strategy``, or ''."""
    from agents.tactics import TACTICS

    tactic = TACTICS[strategy]
    if name in ("initial_reps", "sales_start_week") and not tactic.outbound:
        return "No effect: a bottoms-up company hires no reps."
    if name == "marketing_spend" and not tactic.self_serve and not marketing_all_motions:
        return "No effect: marketing is spent on self-serve sign-up, which direct has none of."
    return ""


def idle_notes(
    label: str, settings: Mapping[str, Any], marketing_all_motions: bool = False
) -> list[str]:
    """One note per setting of an option that acts on nothing for its strategy."""
    strategy = settings.get("strategy")
    if strategy is None:
        return []
    out = []
    for name in settings:
        reason = idle_reason(name, strategy, marketing_all_motions)
        if reason:
            out.append(f"option {label!r} sets {name}: {reason[len('No effect: ') :]}")
    return out
