"""A room's market: one shared simulation, built from the settings, played round by round.

The market is a plain :class:`sim.MarketModel`. Teams steer vendors ``0 .. n_teams-1``
(each a focal-style vendor, marked ``steered``); every team starts equal: the
scenario's own values of every vendor trait, no draw around them, and the room's start
strategy. The scenario's named vendors (``[[vendors]]``) and the rest of its market
follow as the computer vendors, which play the model's own tactics; entrants arrive as
the model lets them.

Everything in a market is a function of (settings, number of teams, seed, and the
sequence of purchases and decisions), applied in one canonical order per round:

1. research purchases, in the order they were made (cash paid at once);
2. decisions, in team order (:func:`gui.workshop.decisions.apply`);
3. ``weeks_per_round`` model steps.

The room plays live in exactly this order (a purchase is paid when it is bought, and
decisions wait for the advance), so replaying the saved sequence rebuilds the same
market bit for bit (:mod:`gui.workshop.persistence`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from gui.kpis import FocalTrack
from gui.workshop import decisions as dec
from gui.workshop.settings import RoomSettings, SettingsError, market_kwargs
from sim.model import MarketModel
from sim.params import VENDOR_TRAITS, ParameterError, defaults
from sim.scenarios import ScenarioError, load_scenario

PRACTICE_STREAM = 1
"""The practice market's seed is ``SeedSequence([seed, 1])``: same kind of market, other draws."""


def practice_seed(seed: int) -> int:
    """Seed of the practice round's market (a different market from the game's)."""
    return int(np.random.SeedSequence([seed, PRACTICE_STREAM]).generate_state(1)[0])


@dataclass(frozen=True)
class Purchase:
    """A study bought by a team in a round (its report is recomputed on replay)."""

    team: int
    study: str

    def to_dict(self) -> dict[str, Any]:
        return {"team": self.team, "study": self.study}


class RoomMarket:
    """The model of one room plus a per-week record of every team's vendor.

    Parameters
    ----------
    settings : RoomSettings
        The room's settings.
    n_teams : int
        Teams in the room (vendors ``0 .. n_teams-1``).
    practice : bool
        Build the practice market (another seed, :func:`practice_seed`).

    Raises
    ------
    SettingsError
        The settings give a market the model refuses (size, memory limit).
    """

    def __init__(self, settings: RoomSettings, n_teams: int, practice: bool = False):
        self.settings = settings
        self.n_teams = n_teams
        self.practice = practice
        self.seed = practice_seed(settings.seed) if practice else settings.seed
        scenario = load_scenario(settings.scenario)
        size = market_kwargs(settings, n_teams)
        base = {**defaults(), **scenario.params, **size}
        team = {"strategy": settings.start_strategy, **{t: base[t] for t in VENDOR_TRAITS}}
        team["sales_start_week"] = 0  # a team starts selling when it decides to
        specs = [dict(team) for _ in range(n_teams)]
        specs += [dict(v) for v in scenario.vendors][: settings.computer_vendors]
        try:
            kwargs = scenario.model_kwargs(rng=self.seed, vendors=specs, focal=None, **size)
            self.model = MarketModel(**kwargs)
        except (ParameterError, ScenarioError, MemoryError) as exc:
            raise SettingsError(f"the room's market cannot be built: {exc}") from None
        self.model.scenario_name = scenario.name
        self.teams = self.model.vendor_list[:n_teams]
        for vendor in self.teams:
            vendor.steered = True
        self.tracks = [FocalTrack(self.model, vendor=v) for v in self.teams]
        self.rounds_played = 0
        self._record()

    # ------------------------------------------------------------------ playing
    def pay_for_research(self, team: int, price: float) -> None:
        """Take a study's price from the team's cash (refused if the cash is not there)."""
        vendor = self.teams[team]
        if not vendor.alive:
            raise dec.DecisionError(f"your company ran out of cash in week {vendor.exited}")
        if price > vendor.cash:
            raise dec.DecisionError(
                f"a study costs {price:,.0f} USD and you have {vendor.cash:,.0f} USD"
            )
        vendor.cash -= price

    def validate(self, team: int, decision: dec.Decision) -> dec.Decision:
        """Check a team's decision against the limits and its vendor now."""
        return dec.validate(decision, self.teams[team], self.settings.limits)

    def play_round(self, decisions: dict[int, dec.Decision]) -> None:
        """Apply ``decisions`` (team -> decision) in team order, then run one round.

        A decision that no longer fits (its vendor exited) is skipped: the market
        cannot act for a company that is gone.
        """
        for team in sorted(decisions):
            vendor = self.teams[team]
            try:
                d = dec.validate(decisions[team], vendor, self.settings.limits)
            except dec.DecisionError:
                continue
            dec.apply(self.model, vendor, d)
        for _ in range(self.settings.weeks_per_round):
            if not self.model.running:
                break
            self.model.step()
            self._record()
        self.rounds_played += 1

    def sync_cash(self, team: int) -> None:
        """The team's cash as of now in its week's record (after a purchase between weeks).

        The KPI cards read the record and the leaderboard the vendor: a study paid
        between two weeks must show in both (issue 20), and in the exports.
        """
        self.tracks[team].cash[-1] = float(self.teams[team].cash)

    def _record(self) -> None:
        for track in self.tracks:
            track.record()

    # ------------------------------------------------------------------ reading
    @property
    def week(self) -> int:
        return int(self.model.steps)

    def history(self) -> dict[str, list]:
        """Model-level columns per week (the DataCollector's), copied."""
        return {k: list(v) for k, v in self.model.datacollector.model_vars.items()}

    def fingerprint(self) -> dict[str, Any]:
        """Everything that makes two markets the same, as plain values (tests compare it)."""
        m, pop = self.model, self.model.population
        return {
            "week": m.steps,
            "rng": m.rng.bit_generator.state,
            # bytes, so NaN (no deal closed yet) compares equal to itself: bit for bit
            "history": {k: np.asarray(v, dtype=float).tobytes() for k, v in self.history().items()},
            "vendors": [
                (
                    v.name,
                    v.strategy,
                    v.cash,
                    v.quality,
                    v.marketing_spend,
                    v.seat_price,
                    [list(c) for c in v.rep_cohorts],
                    v.alive,
                    v.arr,
                    v.users,
                    v.customers,
                    v.deals_won,
                    v.deals_lost,
                    v.touches_total,
                )
                for v in m.vendor_list
            ],  # fmt: skip
            "emp_product": pop.emp_product.tobytes(),
            "receptivity": pop.receptivity.tobytes(),
            "contracts": m.contracts.acv[m.contracts.active_ids()].tobytes(),
            "events": len(m.events),
        }
