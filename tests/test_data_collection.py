"""Data collection: vendor rows for live vendors only, scalars per week, nothing per employee."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from agents.vendor import Vendor
from sim.model import MarketModel
from sim.reporting import VENDOR_REPORTERS
from tests.conftest import SMALL

# Cash runs out within weeks, so vendors exit and entrants arrive during the run.
HARSH = {**SMALL, "initial_cash": 60_000.0, "burn": 20_000.0, "entry_rate": 1.0, "entry_floor": 0.5}


def run_with_mesa_reference(steps: int) -> tuple[MarketModel, pd.DataFrame]:
    model = MarketModel(rng=5, **HARSH)
    reference = mesa.DataCollector(agenttype_reporters={Vendor: VENDOR_REPORTERS})
    reference.collect(model)
    for _ in range(steps):
        model.step()
        reference.collect(model)
    return model, reference.get_agenttype_vars_dataframe(Vendor)


def test_rows_are_mesas_for_live_vendors_and_the_week_of_exit():
    model, mesa_df = run_with_mesa_reference(30)
    exited = {v.unique_id: v.exited for v in model.vendor_list if not v.alive}
    assert exited, "the harsh market should make vendors exit"
    assert len(model.vendor_list) > model.n_vendors, "and entrants arrive"
    step = mesa_df.index.get_level_values("Step")
    agent = mesa_df.index.get_level_values("AgentID")
    exit_step = agent.map(lambda a: exited.get(a, float("inf")))
    expected = mesa_df[step <= exit_step]
    pd.testing.assert_frame_equal(model.vendor_dataframe(), expected)


def test_a_dead_vendor_has_no_row_after_its_exit_week():
    model, mesa_df = run_with_mesa_reference(30)
    ours = model.vendor_dataframe()
    assert len(ours) < len(mesa_df)
    rows_per_step = ours.groupby(level="Step").size()
    for step, rows in rows_per_step.items():
        live_or_exiting = [
            v
            for v in model.vendor_list
            if v.entered <= step and (v.exited is None or v.exited >= step)
        ]
        assert rows == len(live_or_exiting)
    assert model.steps == rows_per_step.index.max()


def test_a_week_of_data_does_not_grow_with_employees():
    """Every model-level figure is one scalar a week, in a market of any size."""
    sizes = {}
    for n_enterprises in (10, 80):
        model = MarketModel(rng=2, n_enterprises=n_enterprises, n_vendors=6)
        for _ in range(5):
            model.step()
        values = model.datacollector.model_vars
        assert all(len(v) == 6 for v in values.values())
        assert all(np.isscalar(x) for v in values.values() for x in v)
        sizes[model.n_employees] = sum(len(v) for v in values.values())
    assert len(set(sizes.values())) == 1 and len(sizes) == 2
