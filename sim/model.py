"""MarketModel: the enterprise software market as a Mesa model.

One step is one week. The order of a step is docs/model.md's, mechanism by mechanism:
see :meth:`MarketModel.step`. Employees and buyers are arrays
(:class:`sim.population.Population`); vendors and enterprises are Mesa agents.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from agents.enterprise import Enterprise
from agents.trait_arrays import alive_vendors, trait_array
from agents.vendor import Vendor
from sim import (
    budget,
    compiled_deals,
    contracting,
    conversion,
    economics,
    firm_demography,
    firm_founding,
    hiring,
    renewals,
    selling,
    shakeout,
    workforce,
)
from sim.compiled import invitations, warm_up
from sim.compiled_selfserve import apply_changes, with_joiners
from sim.compiled_touches import holders
from sim.deal_tables import opening_hazards
from sim.exposure import ColleagueExposure
from sim.kernels import self_serve_adoption, user_churn
from sim.params import (
    PARAMETERS,
    POLICY_TRAITS,
    STRATEGIES,
    VENDOR_TRAITS,
    check_consistency,
    defaults,
    validate_params,
)
from sim.population import NO_PRODUCT, build_population
from sim.reporting import (
    MODEL_REPORTERS,
    NOT_KEPT,
    VENDOR_REPORTERS,
    check_record,
    compute_metrics,
    market_figures,
    not_kept,
    refresh_vendor_outcomes,
)
from sim.seeds import check_rng
from sim.step_clock import StepClock
from sim.tables import ContractBook, Pipeline
from sim.user_counts import UserCounts, users_and_candidates
from sim.vendor_records import ModelCollector, VendorRecords
from sim.vendor_specs import check_mix_acts, focal_spec, validate_vendor_specs

# Traits that are probabilities stay in [0, 1] when drawn with heterogeneity.
_UNIT_TRAITS = {"quality", "virality", "marketing_reach"}


class MarketModel(mesa.Model):
    """An enterprise software market: vendors (predators) and buyers' attention (prey).

    Every parameter of :data:`sim.params.PARAMETERS` is a keyword argument with its
    default, and readable on the model under its own name (``model.rep_attrition``).

    Parameters
    ----------
    rng : int, numpy Generator or None
        Mesa's seed convention; the same ``rng`` reproduces a run bit for bit.
    vendors : list of dict, optional
        Per-vendor settings for the first vendors: ``{"strategy": "hybrid",
        "quality": 0.9, ...}`` with keys from :data:`sim.params.VENDOR_TRAITS`.
        Unset traits are drawn around the model-level value.
    focal : dict, optional
        Makes vendor 0 the focal company ("my company", ``model.focal_vendor``):
        ``{"strategy": "hybrid", "initial_reps": 5}`` with keys ``strategy`` and
        :data:`sim.params.VENDOR_TRAITS`. Its other traits are drawn as usual, and all of
        them are drawn whatever the dict sets, so two focal settings on one seed see the
        same rivals and the same random stream (common random numbers). ``None``
        changes nothing.
    memory_limit_gb : float, optional
        Refuse a market whose estimated peak memory is above this many GB
        (:mod:`sim.budget`); default :func:`sim.budget.default_limit_gb`.
    record : {"full", "none"}
        What a week keeps for its reader (:data:`sim.reporting.RECORDS`). ``"full"``
        (the default): the model-level metrics as attributes (``model.arr_total``), the
        data collector's weekly row and the vendor rows. ``"none"``: none of them, only
        each vendor's ``arr``, ``users`` and ``customers`` (entry reads the ARR), for a
        run that reads vendors as it goes and the market once at the end
        (:meth:`market_figures`), as a study's run does; the same draws, the same vendor
        figures, less CPU. Reading what it does not keep raises an AttributeError that
        says so.
    **params
        Any parameter of :data:`sim.params.PARAMETERS`.

    Examples
    --------
    >>> model = MarketModel(rng=1, n_enterprises=20)
    >>> for _ in range(10):
    ...     model.step()
    >>> model.datacollector.get_model_vars_dataframe().shape[0]
    11
    """

    def __init__(
        self,
        rng: Any = None,
        vendors: list[dict] | None = None,
        focal: dict | None = None,
        memory_limit_gb: float | None = None,
        record: str = "full",
        **params: Any,
    ):
        check_rng(rng)
        super().__init__(rng=rng)
        self.record = check_record(record)
        values = defaults()
        values.update(validate_params(params))
        check_consistency(values)
        self.params: dict[str, Any] = values
        for name, value in values.items():
            setattr(self, name, value)
        self.vendor_specs = validate_vendor_specs(vendors, values["n_vendors"])
        check_mix_acts(params, self.vendor_specs, values["n_vendors"])
        self.focal_spec = focal_spec(focal, values["n_vendors"])
        if self.focal_spec is not None:
            first = self.vendor_specs[0] if self.vendor_specs else {}
            self.vendor_specs[:1] = [{**first, **self.focal_spec}]
        self.focal_vendor: Vendor | None = None
        limit = budget.check_limit(
            budget.default_limit_gb() if memory_limit_gb is None else memory_limit_gb
        )
        budget.check(values, limit)  # before anything is allocated
        warm_up()  # compiled kernels loaded (or compiled) here, once a process, not in a step
        compiled_deals.warm_up()  # and the per-deal ones (outbound touches)

        self.population = build_population(values, self.rng, memory_limit_gb=limit)
        if self.firm_founding_rate > 0:  # (no draw when off)
            firm_founding.hold_back(self)  # the firms founded later wait outside the market
        self.memory_budget = budget.Budget(limit, budget.estimate(values, self.population.ent_size))
        self.memory_exceeded: str | None = None  # why the budget stopped the run, if it did
        pop = self.population
        self.n_employees = pop.n_employees
        self.median_enterprise_size = float(np.median(pop.ent_size))
        self.max_degree = int(pop.degree.max(initial=0))  # bounds adoption (sim.kernels)
        self.enterprises = [Enterprise(self, e) for e in range(len(pop.ent_size))]
        # colleagues' virality summed per employee, kept between weeks (sim.exposure)
        self.colleague_exposure = ColleagueExposure(pop.adjacency)
        self.emp_buyer = np.full(self.n_employees, -1, dtype=np.int64)
        self.emp_buyer[pop.buyer_employee] = np.arange(len(pop.buyer_employee))
        # the committees' generation at the start, what purchaser_openness compares with
        # (sim.conversion.purchaser_chance)
        seats_openness = pop.emp_openness[pop.buyer_employee]
        self.committee_openness_start = float(seats_openness.mean()) if len(seats_openness) else 1.0

        self.vendor_list: list[Vendor] = []
        self.vendor_capacity = 0
        n_ent = len(pop.ent_size)
        self.brand = np.ones((n_ent, 0))
        self.contract_at = np.full((n_ent, 0), -1, dtype=np.int64)
        self.opp_at = np.full((n_ent, 0), -1, dtype=np.int64)
        self.purchaser = np.zeros((n_ent, 0), dtype=np.int8)  # 0 undrawn, 1 comes, -1 never
        self.purchaser_teams = np.zeros((n_ent, 0), dtype=np.int32)  # teams drawn for
        self.cooloff_until = np.zeros((n_ent, 0), dtype=np.int32)
        self.users_ev = np.zeros((n_ent, 0), dtype=np.int64)
        # users_ev as the last week's end left it, and the changes since (sim.user_counts)
        self._users_settled = self.users_ev
        self.user_counts = UserCounts(pop)
        self.agreement_at = np.full(n_ent, -1, dtype=np.int64)  # the one agreement, or -1
        self.contracts = ContractBook()
        self.pipeline = Pipeline()
        self.events: list[dict] = []  # the full history; the GUI shows the newest
        self.bookings_history: list[float] = []
        self.step_clock: StepClock | None = None
        self._reset_step_flows()

        for strategy, spec in zip(self._initial_strategies(), self._padded_specs(), strict=True):
            if self.focal_spec is not None and self.focal_vendor is None:
                spec = {**self.draw_traits(), **spec}  # every trait drawn: same stream
                self.focal_vendor = self.add_vendor(strategy, spec)
                self.focal_vendor.focal = True
                self.focal_vendor.traits = spec  # what it started with, drawn or set
            else:
                self.add_vendor(strategy, spec)

        if self.record == "full":
            self.datacollector = ModelCollector.for_reporters(MODEL_REPORTERS)
            self.vendor_records = VendorRecords(VENDOR_REPORTERS)  # live vendors only
        self._refresh_users()
        self._record_week()

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_scenario(cls, name_or_path: str | Path, **overrides: Any) -> MarketModel:
        """Build a model from a preset name (``"default"``) or a TOML file, plus overrides."""
        from sim.scenarios import load_scenario

        scenario = load_scenario(name_or_path)
        kwargs = scenario.model_kwargs(**overrides)  # the scenario's seed if rng is None
        model = cls(**kwargs)
        model.scenario_name = scenario.name
        return model

    def _initial_strategies(self) -> list[str]:
        """Strategies of the starting vendors: per-vendor specs first, then the mix.

        The mix is turned into counts by largest remainder, so a third each of 12
        vendors is exactly 4/4/4; the order is shuffled by the model's rng.
        """
        specs = [s["strategy"] for s in self.vendor_specs if "strategy" in s]
        n_free = self.n_vendors - len(specs)
        shares = np.asarray(self.strategy_mix) * n_free
        counts = np.floor(shares).astype(int)
        remainder = n_free - counts.sum()
        counts[np.argsort(-(shares - counts), kind="stable")[:remainder]] += 1
        free = [s for s, c in zip(STRATEGIES, counts, strict=True) for _ in range(c)]
        self.rng.shuffle(free)
        it = iter(free)
        return [spec.get("strategy") or next(it) for spec in self._padded_specs()]

    def _padded_specs(self) -> list[dict]:
        return list(self.vendor_specs) + [{}] * (self.n_vendors - len(self.vendor_specs))

    def draw_traits(self, spec: dict | None = None) -> dict[str, Any]:
        """A vendor's own traits: the spec's values, else drawn around the model level.

        Each numeric trait is the model-level value times a lognormal factor of
        spread ``vendor_heterogeneity`` and mean 1 (probabilities clipped to [0, 1]);
        policies (:data:`sim.params.POLICY_TRAITS`) are taken as they are.
        """
        spec = spec or {}
        h = self.vendor_heterogeneity
        traits = {}
        for name in VENDOR_TRAITS:
            base = self.params[name]
            if name in spec:
                traits[name] = spec[name]
            elif isinstance(base, bool) or h == 0 or name in POLICY_TRAITS:
                traits[name] = base
            else:
                value = base * float(np.exp(h * self.rng.standard_normal() - h * h / 2))
                if name in _UNIT_TRAITS:
                    value = min(1.0, value)
                if PARAMETERS[name].kind == "int":
                    value = max(1 if name == "rep_capacity" else 0, int(round(value)))
                traits[name] = value
        return traits

    def add_vendor(self, strategy: str, spec: dict | None = None) -> Vendor:
        """Create a vendor (at the start or as an entrant) and widen the per-pair arrays."""
        index = len(self.vendor_list)
        if index >= self.vendor_capacity:
            grow = max(8, self.vendor_capacity)
            self.vendor_capacity += grow
            pad = ((0, 0), (0, grow))
            self.brand = np.pad(self.brand, pad, constant_values=1.0)
            self.contract_at = np.pad(self.contract_at, pad, constant_values=-1)
            self.opp_at = np.pad(self.opp_at, pad, constant_values=-1)
            self.purchaser = np.pad(self.purchaser, pad)
            self.purchaser_teams = np.pad(self.purchaser_teams, pad)
            self.cooloff_until = np.pad(self.cooloff_until, pad)
            handed_over = self._users_settled is self.users_ev  # (_settle_users)
            self.users_ev = np.pad(self.users_ev, pad)
            self._users_settled = self.users_ev if handed_over else np.pad(self._users_settled, pad)
            # per-vendor outcomes of the last step: an entrant has none yet
            for name in ("vendor_arr", "vendor_users", "vendor_customers"):
                if hasattr(self, name):
                    setattr(self, name, np.pad(getattr(self, name), (0, grow)))
        vendor = Vendor(self, index, strategy, self.draw_traits(spec))
        hiring.fit_to_cap(self, vendor)  # no vendor starts above its memory budget's rep cap
        self.vendor_list.append(vendor)
        return vendor

    # ------------------------------------------------------------------ helpers
    def alive_vendors(self) -> list[Vendor]:
        """The vendors alive, in vendor order (kept until one exits or enters:
        :func:`agents.trait_arrays.alive_vendors`)."""
        return alive_vendors(self)

    def enterprise_slice(self, e: int) -> slice:
        off = int(self.population.ent_offset[e])
        return slice(off, off + int(self.population.ent_size[e]))

    def committee_slice(self, e: int) -> slice:
        """Enterprise ``e``'s buying-committee seats (rows of ``population.receptivity``)."""
        first = int(self.population.ent_committee_offset[e])
        return slice(first, first + int(self.population.ent_committee_size[e]))

    def log(
        self,
        kind: str,
        vendor: Vendor | None,
        enterprise: int | None = None,
        value: Any = None,
        **extra,
    ):
        """Append an event (deal won or lost, entry, exit, switch, ...) to ``model.events``."""
        self.events.append(
            {
                "step": self.steps,
                "event": kind,
                "vendor": vendor.name if vendor else None,
                "strategy": vendor.strategy if vendor else None,
                "enterprise": enterprise,
                "value": value,
                **extra,
            }
        )

    def open_opportunities(
        self,
        enterprises: np.ndarray,
        vendors: np.ndarray,
        inbound: bool,
        *,
        free: bool = False,
        warm: np.ndarray | None = None,
    ):
        """Open one opportunity per (enterprise, vendor) pair that has none open.

        Its weekly hazard is the enterprise's :func:`sim.selling.stage_hazard` (times
        ``inbound_speedup`` for an inbound one, capped at 1), read from
        :func:`sim.deal_tables.opening_hazards`. ``free=True``: the caller passes only
        distinct pairs with none open (:func:`sim.compiled_touches.touch_week` does), so
        they are not checked again. ``warm``: per outbound pair, whether a warm
        introduction opened it; its prospect's effort is :func:`sim.selling.warm_effort`.
        """
        enterprises = np.asarray(enterprises, dtype=np.int64)
        vendors = np.asarray(vendors, dtype=np.int64)
        if not free:
            keep = self.opp_at[enterprises, vendors] < 0
            enterprises, vendors = enterprises[keep], vendors[keep]
        if not len(enterprises):
            return
        outbound, inbound_hazard = opening_hazards(self)
        k = len(enterprises)
        effort = 1.0 if inbound else self.rng.random(k)
        if (
            warm is not None
            and self.warm_engagement
            and self.warm_intro_boost != 1.0
            and warm.any()
        ):
            effort[warm] = selling.warm_effort(effort[warm], float(self.warm_intro_boost))
        hazard = (inbound_hazard if inbound else outbound)[enterprises]
        if not inbound and self.effort_pace_weight > 0:
            hazard = selling.paced_hazard(
                hazard, effort, float(self.effort_pace_weight), float(self.qualification)
            )
        ids = self.pipeline.add(
            enterprise=enterprises,
            vendor=vendors,
            stage=2 if inbound else 0,
            opened=self.steps,
            effort=effort,
            inbound=inbound,
            hazard=hazard,
        )
        self.opp_at[enterprises, vendors] = ids
        self.step_opportunities += k

    def close_opportunities(self, ids: np.ndarray) -> None:
        """Take opportunities out of the pipeline (won, lost or dropped)."""
        self.pipeline.active[ids] = False
        self.opp_at[self.pipeline.enterprise[ids], self.pipeline.vendor[ids]] = -1

    def exit_vendor(self, vendor: Vendor, **why) -> None:
        """A vendor out of cash exits: its contracts end, its users churn, its reps go.

        ``why`` goes on the ``exit`` event (``reason="shakeout"``, :mod:`sim.shakeout`)."""
        vendor.alive = False
        vendor.exited = self.steps
        v = vendor.index
        for cid in self.contract_at[:, v][self.contract_at[:, v] >= 0]:
            contracting.end_contract(self, int(cid))
        self.close_opportunities(self.opp_at[:, v][self.opp_at[:, v] >= 0])
        pop = self.population
        gone = pop.emp_product == v
        pop.emp_product[gone] = NO_PRODUCT
        self.user_counts.stale_column(v)
        pop.emp_mandated[gone] = False
        pop.emp_paid[gone] = False
        vendor.rep_cohorts = []
        self.log("exit", vendor, None, vendor.cash, **why)

    def _refresh_users(self) -> None:
        """Users per (enterprise, vendor): a full recount, one compiled pass over every
        employee (the build, and code that changed products outside a step)."""
        self.users_ev = self.user_counts.count(self.vendor_capacity)
        self._users_settled = self.users_ev.copy()

    def _settle_users(self, first: bool = False, last: bool = False) -> None:
        """Users per (enterprise, vendor) as a full recount would give them, from the
        changes since the last one (:mod:`sim.user_counts`), where the step recounted.

        The first settle of a week starts from the counts the last week ended with (what
        a mechanism or a caller wrote into ``users_ev`` between two steps is dropped, as
        a recount dropped it); the others from ``users_ev``, which rollouts and won
        agreements keep up to date where they are made.

        One copy a week, not two: the last settle copies the week's counts into a
        private array, which nobody else holds, and the next first settle settles that
        array in place and makes it the new ``users_ev`` (a new array all the same: a
        caller that kept last week's keeps its numbers). Where the private array already
        is ``users_ev`` (a model with no vendor yet, or a week stopped by an error
        before its last settle, whose starting counts were handed over) the counts are
        recounted from every employee instead: what the settle gives in every other
        case, a full recount.
        """
        if first:
            if self._users_settled is self.users_ev:
                self.users_ev = self.user_counts.count(self.vendor_capacity)
            else:
                self.users_ev = self.user_counts.settle(self._users_settled, in_place=True)
            self._users_settled = self.users_ev  # handed over: copied again at the last
        else:  # nobody keeps users_ev between two mechanisms: changed in place
            self.user_counts.settle(self.users_ev, in_place=True)
        if last:
            self._users_settled = self.users_ev.copy()

    def _reset_step_flows(self) -> None:
        self.step_bookings = 0.0
        self.step_deals_won = 0
        self.step_deals_lost = 0
        self.step_disqualified = 0
        self.step_opportunities = 0
        self.step_touches = 0
        self.step_responses = 0

    def agreement_holders(self) -> np.ndarray:
        """Vendor code holding each enterprise's agreement, ``-1`` where none is held
        (one compiled pass, :func:`sim.compiled_touches.holders`)."""
        return holders(self.agreement_at, self.contracts.vendor)

    def vendor_traits(self, attr: str, dtype=np.float64) -> np.ndarray:
        """One trait of every vendor ever (alive or not), indexed by vendor code.

        Cached until a trait changes (:func:`agents.trait_arrays.trait_array`).
        """
        return trait_array(self, attr, dtype)

    # ------------------------------------------------------------------ the step
    def step(self) -> None:
        """Advance the market one week, mechanisms 1 to 12 of docs/model.md in order."""
        budget.refuse_step(self)  # a market that outgrew its memory limit stays stopped
        clock = self.step_clock  # None unless a profiler asked (sim.step_clock)
        if clock:
            clock.start()
        self._reset_step_flows()
        marketing_paid = self._self_serve_phase()  # 1-2: adoption and user churn
        self._settle_users(first=True)
        if clock:
            clock("1-2 self-serve adoption, user churn")
        conversion.bottoms_up_conversion(self)  # 3
        if clock:
            clock("3 bottoms-up conversion")
        selling.outbound_touches(self)  # 4
        if clock:
            clock("4 outbound touches")
        selling.advance_pipeline(self)  # 5
        self._settle_users()
        if clock:
            clock("5 pipeline")
        renewals.renewals(self)  # 6
        if clock:
            clock("6 renewals")
        self._recover()  # 7
        economics.settle_cash(self, marketing_paid)  # 8: cash and exit
        economics.staff(self)  # 8: sales start, attrition and hiring
        self.bookings_history.append(self.step_bookings)
        economics.entry(self)  # 9
        shakeout.shake_out(self)  # 9: sub-scale vendors close (off in every preset)
        economics.adapt(self)  # 10
        if clock:
            clock("7-10 recovery, cash, staff, entry, adaptation")
        if self.generational_change:
            workforce.turnover(self)  # 11
        firm_demography.close_and_found(self)  # 12 (timed with 11; off in every preset)
        firm_founding.found_firms(self)  # 12: new firms join the market (off in every preset)
        self._settle_users(last=True)
        if clock:
            clock("11 generational change")
        self._record_week()
        budget.check_step(self)  # stops the run (running = False) if next week would not fit
        if clock:
            clock("outputs and data collection")
        if self.steps >= self.horizon:
            self.running = False

    def _self_serve_phase(self) -> dict[int, float]:
        """Mechanisms 1 and 2. Returns the week's marketing of the self-serve vendors by
        vendor code: what buys their reach now and what :func:`sim.economics.settle_cash`
        charges them (nothing in between changes it)."""
        pop = self.population
        quality = self.vendor_traits("quality")
        collaborative = self.vendor_traits("collaborative", bool)
        if not len(quality):
            return {}
        # users and candidates in one pass (churn is applied after adoption, so both
        # lists are of this week's starting products)
        users, candidates = users_and_candidates(
            pop.emp_product, pop.ent_offset, pop.ent_size, pop.ent_on_prem
        )
        churned = user_churn(
            self.rng,
            adjacency=pop.adjacency,
            product=pop.emp_product,
            user_churn_rate=self.user_churn,
            quality=quality,
            collaborative=collaborative,
            users=users,
        )
        self_serve = [v for v in self.alive_vendors() if v.tactic.self_serve]
        marketing_paid = {}
        if self_serve:
            codes = np.array([v.index for v in self_serve])
            reach = []
            for v in self_serve:
                spend = marketing_paid[v.index] = economics.marketing_this_week(self, v)
                reach.append(economics.reach_of(self, v, spend))
            adopters, products = self_serve_adoption(
                self.rng,
                candidates=candidates,
                adjacency=pop.adjacency,
                product=pop.emp_product,
                openness=pop.emp_openness,  # read in place (by_employee)
                brand=self.brand[:, codes] if self.brand_erosion > 0 else None,
                brand_row=pop.emp_enterprise,
                by_employee=True,
                vendors=codes,
                reach=np.array(reach),
                quality=quality[codes],
                virality=self.vendor_traits("virality")[codes],
                collaborative=collaborative[codes],
                adoption_threshold=self.adoption_threshold,
                n_vendor_codes=self.vendor_capacity,
                exposure=self.colleague_exposure,
                read_rows=True,  # where that reads few edges: no running sums
                max_degree=self.max_degree,
            )
            if self.team_invites > 0:  # a new workspace invites the team (mechanism 1b)
                adopters, products = self._invites(adopters, products)
            if len(adopters):
                signups = np.bincount(products, minlength=self.vendor_capacity).tolist()
                for v in self_serve:
                    v.signups_total += signups[v.index]
        else:
            adopters = products = churned[:0]
        # adopters take their product (inside an enterprise that holds the vendor's
        # agreement as a seat of it: IT provisions the standard tool, not a free
        # sign-up); churned users lose theirs
        gone = apply_changes(
            adopters,
            products,
            churned,
            pop.emp_product,
            pop.emp_since,
            pop.emp_mandated,
            pop.emp_paid,
            pop.emp_enterprise,
            self.agreement_at,
            self.contracts.vendor,
            self.steps,
            NO_PRODUCT,
        )
        self.user_counts.added(adopters, products)
        self.user_counts.removed(churned, gone)
        return marketing_paid

    def _invites(self, adopters: np.ndarray, products: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mechanism 1b: a user who starts a workspace brings colleagues at once.

        An adopter none of whose colleagues uses the product starts a workspace and
        invites them; each colleague with no product (and not adopting this week) joins
        with probability ``min(1, team_invites * openness)``: people join a tool their
        team asks them into, as far as they are open to a new one. A colleague invited
        into two workspaces joins the first. Returns the adopters with the invitees.
        """
        pop = self.population
        if not len(adopters):
            return adopters, products
        adj = pop.adjacency
        invitee, product = invitations(adopters, products, pop.emp_product, adj.indptr, adj.indices)
        uniforms = self.rng.random(len(invitee))
        return with_joiners(
            adopters,
            products,
            invitee,
            product,
            uniforms,
            pop.emp_openness,
            float(self.team_invites),
        )

    def _recover(self) -> None:
        """Mechanism 7: receptivity and brand recover towards 1 at ``receptivity_recovery``.

        Before recovering, buyers' attention is worn by the other categories' vendors:
        ``background_touches`` touches a buyer a week, each using ``touch_fatigue``,
        taken at their expectation ``exp(-background_touches * touch_fatigue)`` for a
        Poisson number of touches (no random draw): buyers are oversubscribed by the
        whole software industry, not by this category alone (seed 003).
        """
        c = self.receptivity_recovery
        if self.background_touches > 0:
            self.population.receptivity *= np.exp(-self.background_touches * self.touch_fatigue)
        self.population.receptivity += c * (1.0 - self.population.receptivity)
        if self.brand_erosion > 0:
            self.brand += c * (1.0 - self.brand)

    # ------------------------------------------------------------------ outputs
    def _record_week(self) -> None:
        """The week's outputs: each vendor's figures always (the mechanisms read them),
        the model-level metrics and the weekly rows only with ``record="full"``."""
        if self.record == "full":
            compute_metrics(self)
            self.datacollector.collect(self)
            self.vendor_records.collect(self)
        else:
            refresh_vendor_outcomes(self)

    def market_figures(self) -> dict[str, float]:
        """The model-level figures of this week, computed now, whatever ``record`` is.

        Every :data:`sim.reporting.MODEL_COLUMNS` but ``net_revenue_retention``, each the
        float a ``record="full"`` run holds as an attribute (``model.arr_total``) and
        writes in its last weekly row (:func:`sim.reporting.market_figures`): how a
        ``record="none"`` run reads the market at its end.
        """
        return market_figures(self)

    def __getattr__(self, name: str) -> Any:
        # only reached when an attribute is missing: no cost to a run that has it
        if name in NOT_KEPT and self.__dict__.get("record") == "none":
            raise AttributeError(not_kept(name), name=name, obj=self)
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}", name=name, obj=self
        )

    def event_dataframe(self):
        """The full event history (deals, contracts, churn, entry, exit, ...) as a DataFrame."""
        import pandas as pd

        columns = ["step", "event", "vendor", "strategy", "enterprise", "value"]
        df = pd.DataFrame(self.events)
        if df.empty:
            return pd.DataFrame(columns=columns)
        for col in df.columns.difference(columns):  # contract kind, detail, ...
            df[col] = df[col].astype("string")
        df["value"] = pd.to_numeric(df["value"], errors="coerce")
        df["enterprise"] = df["enterprise"].astype("Int64")
        return df

    def vendor_dataframe(self):
        """Vendor-level data per step (index: step, vendor id) as a pandas DataFrame.

        One row per vendor alive at the end of the step; an exiting vendor has one last
        row (``alive`` False) in the week it exits (:class:`sim.vendor_records.VendorRecords`).
        """
        return self.vendor_records.dataframe()

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.params.items() if v != PARAMETERS[k].default}
        if self.record != "full":
            changed["record"] = self.record
        inner = ", ".join(f"{k}={v!r}" for k, v in changed.items())
        return f"MarketModel({inner})"


def _signature() -> inspect.Signature:
    """Explicit keyword signature, so batch_run, SolaraViz and help() see every parameter."""
    kw = inspect.Parameter.KEYWORD_ONLY
    params = [
        inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("rng", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None),
        inspect.Parameter("vendors", kw, default=None),
        inspect.Parameter("focal", kw, default=None),
        inspect.Parameter("memory_limit_gb", kw, default=None),
        inspect.Parameter("record", kw, default="full"),
    ]
    params += [inspect.Parameter(name, kw, default=p.default) for name, p in PARAMETERS.items()]
    return inspect.Signature(params)


MarketModel.__init__.__signature__ = _signature()
