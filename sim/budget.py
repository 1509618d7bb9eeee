"""A market's memory budget, estimated from its parameters before anything is allocated.

Every parameter may be valid on its own while their product is not: 5,000 enterprises
of 100,000 employees are half a billion employees, one complete org network of 100,000
employees is five billion ties, 200 vendors with 1,000 reps making 1,000 touches each
draw 200 million touches in one week. Without a budget such a market dies of a
``MemoryError`` after minutes, or the kernel's OOM killer ends the process, and with it
every browser session of the server.

:func:`estimate` adds up what a market will hold at its peak: employees, org-network
ties, committee seats, the (enterprise, vendor) arrays, the per-week temporaries of
adoption and outbound, and the data collected over the run; the copies made while the
org network is built are freed before the first week, so they count only where they
exceed the week's temporaries (the peak is the larger of the build and a week). :func:`check` refuses a
market above the limit with a :class:`sim.params.ParameterError` naming the estimate,
its largest part and the limit. The limit is :data:`DEFAULT_LIMIT_GB` unless the caller
gives another: ``MarketModel(memory_limit_gb=8)``, ``salesweb simulate --memory-limit 8``,
or :func:`set_default_limit_gb`; the browser server gives each session a lower one
(``salesweb serve --session-memory-gb``).

Two dynamics grow after construction and are bounded here too: reps (hiring is capped
per vendor by :func:`rep_cap`, the reps whose touches fit in what the budget leaves)
and what accumulates week by week, whose growth depends on the dynamics more than on
the parameters (the contract and pipeline tables, the event log): :func:`check_step`
measures them after each week and stops a run whose next week would not fit;
:func:`refuse_step` refuses to run it anyway.

Where the numbers come from: the bytes per unit below are peak resident memory of fresh
processes building and stepping markets that stress one part each, divided by the
part's count and rounded up, and for the employees and ties of the default market the
arrays' bytes traced with ``tracemalloc`` at 100,000 and 1,000,000 employees (issue
22, ``python experiments/memory_parts.py``: at rest, while built, and a week's
temporaries). ``python
experiments/memory_budget.py`` prints the estimate next to the measured peak for each
case; at 1 and 3 million employees the estimate is 1.3 times the peak (it was 3.3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.firm_founding import reserve_size
from sim.params import ParameterError

if TYPE_CHECKING:
    from sim.model import MarketModel

GB = 1e9
DEFAULT_LIMIT_GB = 4.0
"""Limit of the API and the CLI unless told otherwise: a tenth of a 16-20 GB machine."""

EMPLOYEE_BYTES = 100
"""Per employee, at rest: the population's arrays (35 bytes), the CSR row pointers, the
colleague exposure and the model's per-employee state (79 bytes measured with
tracemalloc at 100,000 and 1,000,000 employees)."""
TIE_BYTES = 25
"""Per org-network tie, at rest: the symmetric CSR holds each tie twice, an int32 column
and a float64 weight each way (24 bytes)."""
TIE_BUILD_BYTES = 40
"""Per org-network tie, while the network is built and on top of what it holds at rest:
the edge list, the COO arrays and the CSR conversion's copies (35 bytes measured). Gone
before the first week, so it counts only where it exceeds the week's temporaries
(part ``org network while built``)."""
MASK_BYTES = 2
"""Per ordered pair of the largest complete org network (``numpy.triu_indices`` mask)."""
SEAT_BYTES = 100
"""Per buying-committee seat."""
CELL_BYTES = 50
"""Per (enterprise, vendor column): the pair arrays (brand, users, contracts, target
weights), float64 or int64 each."""
ADOPTION_EMPLOYEE_BYTES = 60
"""Per employee and week: the employee-wide temporaries of a week (adoption's draws and
bound, churn, turnover, recounts); 49-50 bytes measured at 100,000 and 1,000,000
employees, pairs below included."""
ADOPTION_BYTES = 40
"""Per (candidate, self-serve vendor) whose exact chances the adoption kernel reads:
the dense hazard arrays of those rows (:func:`exact_share` of the candidates)."""
TOUCH_BYTES = 80
"""Per outbound touch of one week (targets, buyers, draws, responses)."""
VENDOR_ROW_BYTES = 350
"""Per vendor and week in the vendor rows (nine Python values)."""
WEEK_ROW_BYTES = 4000
"""Per week: the model-level row of the DataCollector and the bookings history."""
EVENT_BYTES = 400
"""Per entry of the event log (a dict of eight values; about 280 bytes measured)."""
FIXED_BYTES = 20e6
"""Agents, scenario and the rest that does not grow with the market."""

_default_limit_gb = DEFAULT_LIMIT_GB


def default_limit_gb() -> float:
    """The limit used when a model is built without ``memory_limit_gb``."""
    return _default_limit_gb


def set_default_limit_gb(gb: float) -> None:
    """Change the process-wide default limit (for scripts that build many markets)."""
    global _default_limit_gb
    _default_limit_gb = check_limit(gb)


def check_limit(gb: Any) -> float:
    """Validate a limit in GB: a finite number above zero."""
    if isinstance(gb, bool) or not isinstance(gb, int | float) or not math.isfinite(gb) or gb <= 0:
        raise ParameterError(
            f"parameter 'memory_limit_gb': {gb!r} is not allowed; expected a number of GB above 0"
        )
    return float(gb)


@dataclass(frozen=True)
class Estimate:
    """Peak memory of a market by part, in bytes, and the facts the parts came from."""

    parts: dict[str, float]
    employees: int
    ties: int
    vendors_alive: int
    """Most vendors alive at once: ``max(n_vendors, max_vendors)``, fewer if entry is slow."""
    weeks: int

    @property
    def total(self) -> float:
        return float(sum(self.parts.values()))

    @property
    def touches(self) -> float:
        return self.parts["outbound touches"]

    def largest(self) -> str:
        return max(self.parts, key=self.parts.get)

    def describe(self) -> str:
        name = self.largest()
        return f"{_gb(self.total)} (largest part: {name}, {_gb(self.parts[name])})"


def _gb(nbytes: float) -> str:
    if nbytes >= 10 * GB:
        return f"{nbytes / GB:,.0f} GB"
    return f"{nbytes / GB:.3g} GB" if nbytes >= 0.01 * GB else f"{nbytes / 1e6:.3g} MB"


def size_quantiles(n: int, lo: int, hi: int) -> np.ndarray:
    """Enterprise sizes at the ``(i + 1/2) / n`` quantiles of the bounded Zipf law.

    A typical draw of ``n`` sizes (:func:`sim.population.draw_enterprise_sizes` uses the
    same inverse CDF), largest enterprise included, without drawing anything.
    """
    u = (np.arange(n) + 0.5) / n
    return np.floor(lo / (1.0 - u * (1.0 - lo / hi))).clip(lo, hi)


def expected_employees(n: int, lo: int, hi: int) -> float:
    """``n`` times the mean size plus three standard errors, at most ``n * hi``.

    Mean ``lo ln(hi/lo) / (1 - lo/hi)`` and second moment ``lo hi`` of the truncated
    Pareto(1) law (Axtell 2001); the margin covers a heavy-tailed draw.
    """
    if lo >= hi:
        return float(n * lo)
    mean = lo * math.log(hi / lo) / (1.0 - lo / hi)
    sd = math.sqrt(max(0.0, lo * hi - mean * mean))
    return float(min(n * hi, n * mean + 3.0 * sd * math.sqrt(n)))


def ties_per_enterprise(p: dict[str, Any], sizes: np.ndarray) -> np.ndarray:
    """Ties each org network is built with (before duplicates are dropped), by size.

    hierarchy: the reporting line, each team a clique (``(span - 1) / 2`` per person)
    and ``cross_team_ties / 2`` random ties per person; small world: ``k // 2`` per
    person; complete: every pair.
    """
    s = np.asarray(sizes, dtype=np.float64)
    pairs = s * (s - 1) / 2
    kind = p["org_network"]
    if kind == "complete":
        return pairs
    if kind == "small_world":
        k = np.minimum(p["small_world_k"], s - 1)
        return np.where(k < 2, pairs, s * (k // 2))
    span, extra = p["span_of_control"], p["cross_team_ties"]
    tree = np.minimum(pairs, s * (1 + (span - 1) / 2))
    return tree + s * extra / 2 + 3 * np.sqrt(s * extra / 2)


def max_entry_chance(p: dict[str, Any]) -> float:
    """Most entrants a week: one, with chance ``entry_rate`` times the market's pull.

    The pull is attractiveness capped at ``attractiveness_cap`` and at least
    ``entry_floor`` (:func:`sim.economics.entry`).
    """
    pull = max(p["attractiveness_cap"], p["entry_floor"])
    return min(1.0, p["entry_rate"] * pull)


def exact_share(p: dict[str, Any], ties_per_employee: float) -> float:
    """Bound on the expected share of candidates whose exact adoption chances are read.

    The adoption kernel reads a candidate's per-vendor chances when a uniform draw
    falls below ``openness * sum(reach * quality) + sum over user colleagues of
    virality * quality`` (:func:`sim.kernels.self_serve_adoption`); with openness,
    quality and brand at most 1, reach at most ``marketing_reach`` and every colleague
    a user, its mean is at most ``max_vendors * marketing_reach + mean degree *
    virality``, both times ``1 + vendor_heterogeneity`` for vendors drawn above the
    model's value. Before this bound the kernel read every (candidate, vendor) pair.
    """
    spread = 1.0 + p["vendor_heterogeneity"]
    vendors = max(p["n_vendors"], p["max_vendors"])
    degree = 2.0 * ties_per_employee
    return float(min(1.0, spread * (vendors * p["marketing_reach"] + degree * p["virality"])))


def weeks_bound(p: dict[str, Any], steps: int | None) -> int:
    """Weeks the estimate covers: the horizon, or more if the caller runs longer."""
    return max(int(p["horizon"]), int(steps or 0))


def estimate(
    p: dict[str, Any], sizes: np.ndarray | None = None, steps: int | None = None
) -> Estimate:
    """Peak memory of the market with parameters ``p`` (every parameter, validated).

    Parameters
    ----------
    p : dict
        Every parameter of :data:`sim.params.PARAMETERS`.
    sizes : int array, optional
        Enterprise sizes already drawn; without them a typical draw
        (:func:`size_quantiles`) scaled to :func:`expected_employees` stands in.
    steps : int, optional
        Weeks the caller will run if more than the horizon.

    Returns
    -------
    Estimate
        Bytes by part; the parts are added as if they peaked at once (an upper bound),
        except the network's build, which is over before the first week.
    """
    n_ent, lo, hi = p["n_enterprises"], p["enterprise_size_min"], p["enterprise_size_max"]
    n_ent += reserve_size(p)  # the firms founded later are built at the start
    if sizes is None:
        sizes = size_quantiles(n_ent, lo, hi)
        scale = max(1.0, expected_employees(n_ent, lo, hi) / max(1.0, sizes.sum()))
    else:
        scale = 1.0
    sizes = np.asarray(sizes, dtype=np.float64)
    employees = float(sizes.sum()) * scale
    per_ent = ties_per_enterprise(p, sizes)
    ties = float(per_ent.sum()) * scale
    biggest = int(np.argmax(sizes)) if len(sizes) else 0
    largest = float(sizes[biggest]) if len(sizes) else 0.0
    network = ties * TIE_BYTES
    building = ties * TIE_BUILD_BYTES
    if p["org_network"] == "complete":
        building += largest * largest * MASK_BYTES
    seats = float(np.minimum(sizes, p["committee_size"]).sum()) * scale

    weeks = weeks_bound(p, steps)
    n_v = p["n_vendors"]
    entry_chance = max_entry_chance(p)
    entrants = math.ceil(weeks * entry_chance)
    ever = n_v + entrants
    alive = min(max(n_v, p["max_vendors"]), ever)
    columns = max(8, 2 * ever)  # the pair arrays grow by doubling
    # every vendor ever is collected every week: n_v each week plus entrants so far
    # (an upper bound: sim.vendor_records keeps rows of live vendors only)
    vendor_rows = weeks * n_v + entry_chance * weeks * (weeks + 1) / 2
    heterogeneity = 1.0 + p["vendor_heterogeneity"]
    touches = n_v * p["initial_reps"] * p["touches_per_rep"] * heterogeneity
    week = {
        "self-serve adoption": employees
        * (
            ADOPTION_EMPLOYEE_BYTES
            + alive * ADOPTION_BYTES * exact_share(p, ties / max(employees, 1.0))
        ),
        "outbound touches": touches * TOUCH_BYTES,
    }
    parts = {
        "employees": employees * EMPLOYEE_BYTES,
        "org network": network,
        "committees": seats * SEAT_BYTES,
        "enterprise x vendor arrays": n_ent * columns * CELL_BYTES,
        **week,
        # the build's copies are freed before the first week: the peak is the larger of
        # the two, so only the build's excess over the week's temporaries is added
        "org network while built": max(0.0, building - sum(week.values())),
        "collected data": vendor_rows * VENDOR_ROW_BYTES + weeks * WEEK_ROW_BYTES,
        "fixed": FIXED_BYTES,
    }
    return Estimate(parts, int(employees), int(ties), int(alive), weeks)


def check(
    p: dict[str, Any],
    limit_gb: float | None = None,
    sizes: np.ndarray | None = None,
    steps: int | None = None,
) -> Estimate:
    """Return the estimate, or raise ParameterError if it exceeds ``limit_gb``.

    The message names the estimate, its largest part, the limit, and how to go on.
    """
    limit = check_limit(default_limit_gb() if limit_gb is None else limit_gb)
    est = estimate(p, sizes, steps)
    if est.total > limit * GB:
        drawn = " (for the enterprise sizes drawn with this seed)" if sizes is not None else ""
        raise ParameterError(
            f"market too big: estimated {est.describe()}{drawn} for {est.employees:,} employees, "
            f"{est.ties:,} ties and {est.weeks:,} weeks is above the memory limit of "
            f"{limit:g} GB; make the market smaller or raise the limit "
            "(memory_limit_gb=..., salesweb simulate --memory-limit GB)"
        )
    return est


@dataclass(frozen=True)
class Budget:
    """A built market's limit and estimate; what the week-by-week checks read."""

    limit_gb: float
    estimate: Estimate

    @property
    def touch_room(self) -> float:
        """Bytes left for one week's touches once everything else is counted."""
        return self.limit_gb * GB - (self.estimate.total - self.estimate.touches)


def rep_cap(budget: Budget, touches_per_rep: float) -> int:
    """Most reps one vendor may have: the touches of that many reps, at every vendor
    alive, fit in what the budget leaves (:attr:`Budget.touch_room`).

    ``touch_room / (vendors alive * touches_per_rep * TOUCH_BYTES)``; a market the
    construction check accepted can always keep its starting reps.
    """
    per_vendor = budget.touch_room / max(1, budget.estimate.vendors_alive)
    cap = per_vendor / (max(1.0, float(touches_per_rep)) * TOUCH_BYTES)
    return int(min(max(cap, 0.0), 1e12))


class BudgetExceeded(ParameterError):
    """A market stopped for outgrowing its memory limit was asked for another week."""


def held_bytes(model: MarketModel) -> float:
    """Memory a running market holds now and will need for its next week, in bytes."""
    pop = model.population
    n_emp = model.n_employees
    cells = model.brand.size  # (enterprise, vendor column) pairs
    seats = len(pop.receptivity)
    tables = sum(col.nbytes for t in (model.pipeline, model.contracts) for col in t._cols.values())
    alive = model.alive_vendors()
    self_serve = sum(1 for v in alive if v.tactic.self_serve)
    share = exact_share(model.params, pop.adjacency.nnz / 2 / max(n_emp, 1))
    touches = sum(v.reps * v.touches_per_rep for v in alive if v.tactic.outbound)
    weeks = model.steps + 1
    rows = len(model.vendor_list) * weeks
    return float(
        n_emp * EMPLOYEE_BYTES
        + pop.adjacency.nnz / 2 * TIE_BYTES
        + cells * CELL_BYTES
        + seats * SEAT_BYTES
        + 2 * tables
        + n_emp * (ADOPTION_EMPLOYEE_BYTES + self_serve * ADOPTION_BYTES * share)
        + touches * TOUCH_BYTES
        + rows * VENDOR_ROW_BYTES
        + weeks * WEEK_ROW_BYTES
        + len(model.events) * EVENT_BYTES
        + FIXED_BYTES
    )


def check_step(model: MarketModel) -> None:
    """After a week: stop a market that would outgrow its limit in the next one.

    Sets ``model.running = False`` (Mesa's way of saying a run is over, which
    ``batch_run``, the CLI and the browser app obey) and ``model.memory_exceeded`` to
    the reason. Construction checked the horizon's worth of weeks; this catches a run
    far past the horizon and tables that grew beyond the estimate, with every week run
    so far intact.
    """
    plan: Budget | None = getattr(model, "memory_budget", None)
    if plan is None:
        return
    held = held_bytes(model)
    if held > plan.limit_gb * GB:
        model.running = False
        model.memory_exceeded = (
            f"market outgrew its memory limit after week {model.steps}: the next week needs "
            f"about {_gb(held)}, above {plan.limit_gb:g} GB; the weeks run so far are intact; "
            "raise the limit (memory_limit_gb=..., --memory-limit) or run fewer weeks"
        )


def refuse_step(model: MarketModel) -> None:
    """Before a week: raise BudgetExceeded if :func:`check_step` stopped this market."""
    reason = getattr(model, "memory_exceeded", None)
    if reason:
        raise BudgetExceeded(reason)
