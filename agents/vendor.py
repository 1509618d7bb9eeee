"""Vendor: the predator. A Mesa agent with a product, a go-to-market tactic and cash."""

from __future__ import annotations

from collections import deque
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from agents.tactics import TACTICS, Tactic
from agents.terms import YEAR, cac_payback_months
from agents.trait_arrays import add_trait_properties

if TYPE_CHECKING:
    from sim.model import MarketModel


PAYBACK_WEEKS = YEAR  # CAC payback is measured over the trailing year


@add_trait_properties
class Vendor(mesa.Agent):
    """A software vendor.

    Traits (``quality``, ``virality``, ``marketing_spend``, ...) are plain attributes a
    workshop team or a scenario may set. Market outcomes (``arr``, ``users``,
    ``customers``) are read from arrays the model refreshes each step.

    The traits and ``alive`` are properties (:mod:`agents.trait_arrays`): setting one
    drops the model's cached array of it, so ``model.vendor_traits`` stays current.

    Reps are held as cohorts ``[(hired_step, count), ...]`` so that a new rep ramps
    linearly to full productivity over ``rep_ramp_weeks``.

    ``focal`` marks the strategist's own company (``MarketModel(focal=...)``).
    ``steered`` marks a vendor whose people decide for it (a workshop team): the model
    then neither hires reps for it nor switches its strategy (mechanisms 8 and 10);
    everything else (selling, contracts, cash, attrition, exit) acts on it as on any
    vendor.
    """

    focal: bool = False
    steered: bool = False

    def __init__(self, model: MarketModel, index: int, strategy: str, traits: dict[str, Any]):
        super().__init__(model)
        self.index = index
        self.name = f"V{index:02d}"
        self.tactic: Tactic = TACTICS[strategy]
        self.quality: float = traits["quality"]
        self.virality: float = traits["virality"]
        self.collaborative: bool = traits["collaborative"]
        self.marketing_spend: float = traits["marketing_spend"]
        self.marketing_reach: float = traits["marketing_reach"]
        self.seat_price: float = traits["seat_price"]
        self.enterprise_uplift: float = traits["enterprise_uplift"]
        self.rep_cost: float = traits["rep_cost"]
        self.touches_per_rep: int = traits["touches_per_rep"]
        self.rep_capacity: int = traits["rep_capacity"]
        self.burn: float = traits["burn"]
        self.cash: float = traits["initial_cash"]
        self.initial_reps: int = traits["initial_reps"]
        self.sales_start_week: int = traits["sales_start_week"]
        self.qualification: float = traits["qualification"]
        # the share of its reps' touches that are warm introductions (whom it hires)
        self.warm_intro_share: float = traits["warm_intro_share"]
        # the week its sales motion starts (its first reps are hired then)
        self.sales_start: int = model.steps + self.sales_start_week
        # the team it meant to have after its last hiring round (sim.hiring: backfill)
        self.planned_reps = 0
        self.rep_cohorts = []
        if self.tactic.outbound and self.initial_reps > 0 and self.sales_start_week == 0:
            # reps present at the start are ramped; entrants' reps ramp from now
            start = model.steps - (0 if model.steps else model.rep_ramp_weeks)
            self.hire(int(self.initial_reps), start)
        self.alive = True
        self.entered = model.steps
        self.exited: int | None = None
        # flows, reset or accumulated by the model
        self.revenue = 0.0  # recognised this step
        self.costs = 0.0  # spent this step
        self.bookings_since_hiring = 0.0
        self.bookings_total = 0.0
        self.rep_won_total = 0.0  # ACV of the deals its reps won (new business)
        self.sm_spend_total = 0.0  # sales and marketing, the numerator of CAC
        self.new_customers_total = 0
        self.signups_total = 0  # users who signed up on their own (self-serve adoption)
        self.deals_won = 0
        self.deals_lost = 0
        self.touches_total = 0
        # (bookings_total, sm_spend_total) at the end of each of the last 52 weeks
        self._ledger: deque[tuple[float, float]] = deque([(0.0, 0.0)], maxlen=PAYBACK_WEEKS + 1)
        self._rep_won_ledger: deque[float] = deque([0.0], maxlen=PAYBACK_WEEKS + 1)

    # -- strategy -------------------------------------------------------------------
    def _set_strategy(self, name: str) -> None:
        if name not in TACTICS:
            raise ValueError(f"unknown strategy {name!r}; expected one of {', '.join(TACTICS)}")
        self.tactic = TACTICS[name]

    # read every week by the records and the event log: a C-level getter, no Python frame
    strategy = property(
        attrgetter("tactic.name"), _set_strategy, doc="The tactic's name (settable)."
    )

    # -- reps -----------------------------------------------------------------------
    @property
    def rep_cohorts(self) -> list[list[int]]:
        """``[[hired_step, count], ...]``; assign a new list to change it (the setter
        keeps :attr:`reps` in step), never mutate it in place from outside."""
        return self._rep_cohorts

    @rep_cohorts.setter
    def rep_cohorts(self, cohorts: list[list[int]]) -> None:
        self._rep_cohorts = cohorts
        self._reps = sum(c for _, c in cohorts)

    reps = property(
        attrgetter("_reps"),
        doc="""Reps on the payroll, kept as a running count.

        A week reads it some hundred times (capacity, costs, runway, hiring, the
        records) and it changes only when reps are hired, leave or the cohorts are
        replaced, so it is updated there instead of summed over the cohorts per read,
        and read by a C-level getter (no Python frame).
        """,
    )

    def effective_reps(self, step: int, ramp_weeks: int) -> float:
        """Reps weighted by ramp: a rep hired ``w`` weeks ago counts ``min(1, w/ramp)``."""
        if ramp_weeks <= 0:
            return float(self.reps)
        # min(1.0, w) as a conditional (no call per cohort): w, or 1.0 unless w < 1.0
        return sum(
            c * (w if (w := (step - h) / ramp_weeks) < 1.0 else 1.0) for h, c in self._rep_cohorts
        )

    def hire(self, count: int, step: int) -> None:
        if count > 0:
            self._rep_cohorts.append([step, int(count)])
            self._reps += int(count)
            self.planned_reps = self._reps

    def lose_reps(self, count: int, rng: np.random.Generator) -> None:
        """Remove ``count`` reps drawn at random across cohorts."""
        if count <= 0 or not self.rep_cohorts:
            return
        sizes = np.array([c for _, c in self.rep_cohorts])
        count = min(count, int(sizes.sum()))
        gone = rng.multivariate_hypergeometric(sizes, count)
        for cohort, g in zip(self._rep_cohorts, gone, strict=True):
            cohort[1] -= int(g)
        self.rep_cohorts = [c for c in self._rep_cohorts if c[1] > 0]

    # -- outcomes -------------------------------------------------------------------
    @property
    def arr(self) -> float:
        return float(self.model.vendor_arr[self.index])

    @property
    def users(self) -> int:
        return int(self.model.vendor_users[self.index])

    @property
    def customers(self) -> int:
        return int(self.model.vendor_customers[self.index])

    @property
    def cac(self) -> float:
        """Customer acquisition cost: sales and marketing spent per new customer so far.

        NaN until the first customer.
        """
        if self.new_customers_total == 0:
            return float("nan")
        return self.sm_spend_total / self.new_customers_total

    def close_week(self) -> None:
        """Record this week's running totals for the trailing-year figures."""
        self._ledger.append((self.bookings_total, self.sm_spend_total))
        self._rep_won_ledger.append(self.rep_won_total)

    def bookings_over(self, weeks: int) -> float:
        """New annual contract value booked over the last ``weeks`` weeks (at most 52)."""
        back = min(weeks, len(self._ledger) - 1)
        return self._ledger[-1][0] - self._ledger[-1 - back][0]

    def rep_won_over(self, weeks: int) -> float:
        """ACV of the deals its reps won over the last ``weeks`` weeks (at most 52)."""
        back = min(weeks, len(self._rep_won_ledger) - 1)
        return self._rep_won_ledger[-1] - self._rep_won_ledger[-1 - back]

    def sales_bookings_over(self, weeks: int) -> float:
        """What its sales capacity is planned on: every booking, or with
        ``quota_on_new_business`` only what its reps won (:mod:`sim.hiring`)."""
        if self.model.quota_on_new_business:
            return self.rep_won_over(weeks)
        return self.bookings_over(weeks)

    def trailing(self) -> tuple[float, float]:
        """``(S&M spend, new ARR)`` over the trailing year (since entry if younger).

        New ARR is what :func:`sim.contracting.book` records: a new contract's ACV
        (less the team plan it replaces) and the increase of a contract at renewal,
        new logos and expansion alike; contraction and churn do not subtract. A vendor
        that exited keeps the figures of its last year alive.
        """
        (b0, s0), (b1, s1) = self._ledger[0], self._ledger[-1]
        return s1 - s0, b1 - b0

    @property
    def cac_payback_months(self) -> float:
        """Months of gross profit on new ARR it takes to earn back sales and marketing.

        ``S&M spend / (new ARR * gross_margin / 12)`` over the trailing year
        (:meth:`trailing`; :func:`agents.terms.cac_payback_months`): the SaaS benchmark
        definition (median about 18 months, 2024 surveys). NaN when no new ARR was
        booked in the year; 0 when there was new ARR and no spend.
        """
        spent, booked = self.trailing()
        return cac_payback_months(spent, booked, self.model.gross_margin)

    def __repr__(self) -> str:
        state = "alive" if self.alive else f"exited@{self.exited}"
        return f"Vendor({self.name}, {self.strategy}, arr={self.arr:,.0f}, cash={self.cash:,.0f}, reps={self.reps}, {state})"
