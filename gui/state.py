"""One browser session's run: the model, its lock, and what the views need per step.

A :class:`Run` is created per session (kept in a per-kernel ``solara.reactive``),
never at module level: module-level Python objects are shared by every session of
the Solara server (STACK-NOTES.md), and two strategists must not step each other's
market. The play loop (a background thread) and button clicks (the websocket thread)
both step the model, so every access that mutates it holds :attr:`Run.lock`.

A session's market is built under the session's memory limit and while holding a
heavy-work slot (:mod:`gui.limits`), so one participant's huge market is refused and
many Resets at once take turns.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gui.kpis import FocalTrack
from gui.limits import heavy_slot, session_memory_gb
from gui.network_view import bubble_layout, drawn_edges, radial_tree_layout, tie_segments
from sim.budget import BudgetExceeded
from sim.firm_founding import market_size
from sim.model import MarketModel
from sim.params import choice_label
from sim.scenarios import Scenario, load_scenario

SHOWN_EVENTS = ("won", "lost", "entry", "exit", "switch")
"""Event kinds the event log shows (the model also logs contracts, churn, hires...)."""


@dataclass
class Run:
    """A model built from a scenario, parameter changes and a seed, plus view caches."""

    scenario: Scenario
    overrides: dict[str, Any]
    seed: int
    focal: dict[str, Any] | None = None  # MarketModel(focal=...): vendor 0 is "my company"
    model: MarketModel = field(init=False, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    vendor_users: dict[int, list[int]] = field(default_factory=dict, init=False, repr=False)
    employees_in_market: list[int] = field(default_factory=list, init=False, repr=False)
    """Employees of the firms in the market at each step (firms founded over the run
    join it), the denominator of the adoption chart."""
    _layouts: dict[int, tuple[np.ndarray, np.ndarray, list, bool]] = field(
        default_factory=dict, init=False, repr=False
    )

    _market_positions: np.ndarray | None = field(default=None, init=False, repr=False)
    track: FocalTrack | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        extra = {} if self.focal is None else {"focal": self.focal}
        kwargs = self.scenario.model_kwargs(
            rng=self.seed, memory_limit_gb=session_memory_gb(), **extra, **self.overrides
        )
        with heavy_slot():
            self.model = MarketModel(**kwargs)
        self.model.scenario_name = self.scenario.name
        if self.model.focal_vendor is not None:
            self.track = FocalTrack(self.model)
        self._record()

    @classmethod
    def build(
        cls,
        scenario_name: str,
        overrides: dict[str, Any],
        seed: int,
        focal: dict[str, Any] | None = None,
    ) -> Run:
        """Build a run; raises ParameterError / ScenarioError on bad input."""
        return cls(load_scenario(scenario_name), dict(overrides), int(seed), focal)

    # ------------------------------------------------------------------ stepping
    def step(self, n: int = 1) -> int:
        """Advance ``n`` weeks (fewer if the run has ended); return weeks advanced."""
        done = 0
        with self.lock:
            for _ in range(n):
                if not self.model.running:
                    break
                self.model.step()
                self._record()
                done += 1
        if getattr(self.model, "memory_exceeded", None):  # the page shows why it stopped
            raise BudgetExceeded(self.model.memory_exceeded)
        return done

    def _record(self) -> None:
        """Append each live vendor's users (adoption by vendor) and the employees in the
        market, one value per step."""
        m = self.model
        self.employees_in_market.append(market_size(m)[1])
        if self.track is not None:
            self.track.record()
        for v in m.vendor_list:
            if v.alive or v.index in self.vendor_users:
                self.vendor_users.setdefault(v.index, []).append(v.users if v.alive else 0)

    @property
    def steps(self) -> int:
        return int(self.model.steps)

    @property
    def finished(self) -> bool:
        return not self.model.running

    # ------------------------------------------------------------------ views' data
    def history(self) -> dict[str, list]:
        """Model-level columns per step (a copy, safe to read while the model steps)."""
        with self.lock:
            return {k: list(v) for k, v in self.model.datacollector.model_vars.items()}

    def layout(self, enterprise: int) -> tuple[np.ndarray, np.ndarray, list, bool]:
        """(positions, drawn edges, their segments, all ties drawn?) of one org network.

        Computed once per enterprise and cached.

        The org network does not change while the model runs (only who uses what), so
        switching back to an enterprise or stepping costs no layout work.
        """
        if enterprise not in self._layouts:
            pop = self.model.population
            sl = self.model.enterprises[enterprise].employee_slice
            block = pop.adjacency[sl, sl]
            positions = radial_tree_layout(block, pop.emp_depth[sl])
            edges = drawn_edges(block, pop.emp_depth[sl])
            all_ties = len(edges) == block.nnz // 2
            self._layouts[enterprise] = (
                positions,
                edges,
                tie_segments(positions, edges),
                all_ties,
            )
        return self._layouts[enterprise]

    def market_positions(self) -> np.ndarray:
        """Bubble-map positions of the enterprises (sizes never change: computed once)."""
        if self._market_positions is None:
            self._market_positions = bubble_layout(self.model.population.ent_size)
        return self._market_positions

    def open_by_stage(self) -> list[int]:
        """Open opportunities in each pipeline stage."""
        from sim.tables import STAGES

        with self.lock:
            ids = self.model.pipeline.active_ids()
            stages = self.model.pipeline.stage[ids]
        return np.bincount(stages, minlength=len(STAGES))[: len(STAGES)].tolist()

    def vendor_rows(self) -> list[dict[str, Any]]:
        """One row per vendor ever in the market, for the sortable vendor table."""
        rows = []
        with self.lock:
            for v in self.model.vendor_list:
                cac = v.cac
                rows.append(
                    {
                        "vendor": v.name,
                        "strategy": choice_label(v.strategy),
                        "arr": round(v.arr),
                        "cash": round(v.cash),
                        "cac": round(cac) if np.isfinite(cac) else None,
                        "reps": int(v.reps),
                        "customers": int(v.customers),
                        "users": int(v.users),
                        "alive": "yes" if v.alive else "no",
                    }
                )
        return rows

    def event_rows(self, limit: int = 200) -> list[dict[str, Any]]:
        """The newest deals won/lost, entries, exits and strategy switches, newest first."""
        out = []
        with self.lock:
            events = list(self.model.events)
        for ev in reversed(events):
            if ev["event"] not in SHOWN_EVENTS:
                continue
            value = ev.get("value")
            detail = ev.get("detail") or ""
            if ev["event"] == "won" and value is not None:
                detail = f"ACV ${float(value):,.0f}"
            elif ev["event"] == "exit" and value is not None:
                detail = f"cash ${float(value):,.0f}"
            out.append(
                {
                    "week": int(ev["step"]),
                    "event": ev["event"],
                    "vendor": ev.get("vendor") or "",
                    "strategy": choice_label(ev["strategy"]) if ev.get("strategy") else "",
                    "enterprise": "" if ev.get("enterprise") is None else f"E{ev['enterprise']}",
                    "detail": detail,
                }
            )
            if len(out) >= limit:
                break
        return out

    # ------------------------------------------------------------------ export
    def model_frame(self) -> pd.DataFrame:
        """Model-level data per week, with the scenario, seed and week as columns."""
        with self.lock:
            df = self.model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        df.insert(0, "week", range(len(df)))
        df.insert(0, "seed", self.seed)
        df.insert(0, "scenario", self.scenario.name)
        return df

    def vendor_frame(self) -> pd.DataFrame:
        """Vendor-level data per week (name, strategy, cash, ARR, users, ...)."""
        with self.lock:
            df = self.model.vendor_dataframe().reset_index()
        df = df.rename(columns={"Step": "week", "AgentID": "agent_id"})
        df["week"] = df["week"].astype(int)
        return df


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV bytes of a frame (UTF-8, no index)."""
    return df.to_csv(index=False).encode("utf-8")


def to_parquet_bytes(df: pd.DataFrame) -> bytes:
    """Parquet bytes of a frame (pyarrow)."""
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()
