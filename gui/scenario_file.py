"""The explorer's run as a scenario file ("copy as scenario file").

``salesweb simulate --scenario FILE`` reproduces the run bit for bit: the file holds
every parameter the model was built with, the focal company's settings, the
scenario's hand-set vendors and the seed (:func:`sim.scenarios.writing.scenario_toml`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.scenarios.writing import scenario_toml

if TYPE_CHECKING:
    from gui.state import Run


def run_scenario_toml(run: Run) -> str:
    """TOML for the settings of ``run`` (applied ones, not pending changes)."""
    m = run.model
    scen_focal = run.scenario.focal or {}
    mine = sorted(k for k, v in (run.focal or {}).items() if scen_focal.get(k) != v)
    changes = ", ".join(sorted(run.overrides) + [f"my company's {k}" for k in mine]) or "none"
    return scenario_toml(
        m.params,
        title=f"{run.scenario.title} (copied from the explorer)",
        narrative=f"Scenario {run.scenario.name}, seed {run.seed}; changed: {changes}.",
        seed=run.seed,
        focal=m.focal_spec,
        vendors=run.scenario.vendors,
    )
