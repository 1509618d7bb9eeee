"""Build the customer side of the market: enterprises, employees and buyers as arrays.

Everything per employee or per buyer is a numpy array indexed by a global id, so
that the step kernels work on whole arrays (struct of arrays, as in Agents.jl).
The Mesa agents in :mod:`agents` are views onto these rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from agents.terms import BUYER_ROLES, NO_PRODUCT, ROLE_NAMES  # noqa: F401 (defined there)
from sim import budget
from sim.demand import draw_budget_weeks, draw_enterprise_values
from sim.firm_founding import reserve_size
from sim.networks import build_adjacency, enterprise_offsets, local_ids, org_edges, tree_depth

IC, MANAGER, EXECUTIVE = 0, 1, 2

# Mean age by role: the younger generation sits lower in the hierarchy (seed 000).
AGE_MEAN = np.array([33.0, 42.0, 50.0])
AGE_SD = np.array([8.0, 7.0, 6.0])


def draw_enterprise_sizes(n: int, lo: int, hi: int, rng: np.random.Generator) -> np.ndarray:
    """Sizes from a Zipf law P(S > s) ~ s^-1 truncated to ``[lo, hi]`` (Axtell 2001).

    Inverse CDF of the truncated Pareto(1): ``s = lo / (1 - u (1 - lo/hi))``.
    With the defaults (20, 5000) the mean is ``lo ln(hi/lo) / (1 - lo/hi)`` = 110.7.

    References
    ----------
    Axtell, R. L. (2001). Zipf distribution of U.S. firm sizes. Science 293.
    """
    u = rng.random(n)
    sizes = np.floor(lo / (1.0 - u * (1.0 - lo / hi))).astype(np.int64)
    return np.clip(sizes, lo, hi)


def openness_means(
    age: np.ndarray, openness_mean: float, age_slope: float, years: float, drift: float
) -> np.ndarray:
    """Mean openness by age: ``openness_mean + age_slope (40 - age)/10 + drift years``."""
    return openness_mean + age_slope * (40.0 - age) / 10.0 + drift * years


def draw_openness(means: np.ndarray, spread: float, rng: np.random.Generator) -> np.ndarray:
    """Openness from a Beta law with the given means; ``spread`` 0 means exactly the mean.

    The Beta's concentration is ``1/spread - 1`` (spread 0.2: concentration 4).
    """
    if spread <= 0:
        return np.clip(means, 0.0, 1.0)
    m = np.clip(means, 0.005, 0.995)
    kappa = 1.0 / spread - 1.0
    return rng.beta(m * kappa, (1.0 - m) * kappa)


def draw_committees(
    sizes: np.ndarray,
    offsets: np.ndarray,
    committee_size: np.ndarray,
    span: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Global ids of each enterprise's buying committee, enterprise after enterprise.

    The economic buyer is an executive (one of the top two levels: local ids below
    ``span + 1``); IT/security, procurement and stakeholders are drawn without
    replacement from everyone else. Drawing from ``size - 1`` ids and skipping the
    economic buyer's id makes the same draws as choosing from the list without them.
    """
    members = np.empty(int(committee_size.sum()), dtype=np.int64)
    at = 0
    for size, k, off in zip(sizes.tolist(), committee_size.tolist(), offsets.tolist(), strict=True):
        econ = int(rng.choice(min(size, span + 1)))
        members[at] = off + econ
        if k > 1:
            rest = rng.choice(size - 1, size=k - 1, replace=False)
            members[at + 1 : at + k] = off + rest + (rest >= econ)
        at += k
    return members


def committee_sizes(sizes: np.ndarray, p: dict) -> np.ndarray:
    """Reachable buyers per enterprise: ``committee_size`` per ``buying_unit_size`` employees.

    A firm of ``buying_unit_size`` employees has the deal committee of
    ``committee_size`` (Gartner: 6-10 buyers in a B2B purchase); a small business
    decides with fewer people (one or two in a firm of twenty) and a large one buys
    through several business units, each with its own committee that reps can reach
    (seed 004: reps prospect buyers, not firms). So buyers, and the attention they
    hold, grow with the firm. ``buying_unit_size = 0`` gives every enterprise
    ``committee_size`` buyers (the reference model). Never more than the employees.
    """
    if p["buying_unit_size"] <= 0:
        return np.minimum(sizes, p["committee_size"]).astype(np.int64)
    scaled = np.rint(p["committee_size"] * sizes / p["buying_unit_size"])
    return np.minimum(sizes, np.maximum(1, scaled)).astype(np.int64)


def draw_ages(level: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Ages by role (level) from a clipped normal law."""
    return np.clip(rng.normal(AGE_MEAN[level], AGE_SD[level]), 21.0, 67.0)


@dataclass
class Population:
    """The customer side of the market as arrays.

    Attributes are grouped by prefix: ``ent_`` per enterprise, ``emp_`` per
    employee, ``buyer_`` per committee seat. ``adjacency`` is the symmetric CSR
    org network over all employees (enterprises are disconnected blocks).
    """

    ent_size: np.ndarray
    ent_offset: np.ndarray
    ent_on_prem: np.ndarray
    ent_budget: np.ndarray
    ent_value: np.ndarray  # what a seat is worth here, as a factor (sim.demand)
    ent_budget_week: np.ndarray  # week the category's budget line opens (sim.demand)
    ent_committee_offset: np.ndarray
    ent_committee_size: np.ndarray
    emp_enterprise: np.ndarray
    emp_depth: np.ndarray
    emp_level: np.ndarray
    emp_age: np.ndarray
    emp_openness: np.ndarray
    emp_product: np.ndarray
    emp_mandated: np.ndarray
    emp_paid: np.ndarray
    emp_since: np.ndarray
    buyer_employee: np.ndarray
    buyer_enterprise: np.ndarray
    buyer_role: np.ndarray
    receptivity: np.ndarray
    adjacency: sp.csr_array

    @property
    def n_employees(self) -> int:
        return len(self.emp_enterprise)

    @property
    def degree(self) -> np.ndarray:
        return np.diff(self.adjacency.indptr)


def build_population(
    p: dict, rng: np.random.Generator, memory_limit_gb: float | None = None
) -> Population:
    """Draw enterprises, their org networks, employees and committees from parameters ``p``.

    Roles, levels and networks are computed across all enterprises at once
    (:mod:`sim.networks`); only the few random draws made per enterprise (cross-team
    ties, committees) loop over enterprises, never over employees.

    With ``memory_limit_gb``, the drawn enterprise sizes are checked against the memory
    budget (:func:`sim.budget.check`) before any employee or tie is allocated: a heavy
    tail can draw an enterprise far above the typical one.
    """
    n_ent = p["n_enterprises"] + reserve_size(p)  # with the firms founded later
    sizes = draw_enterprise_sizes(n_ent, p["enterprise_size_min"], p["enterprise_size_max"], rng)
    if memory_limit_gb is not None:
        budget.check(p, memory_limit_gb, sizes=sizes)
    offsets = enterprise_offsets(sizes)
    n = int(sizes.sum())
    on_prem = rng.random(n_ent) < p["on_prem_share"]

    emp_enterprise = np.repeat(np.arange(n_ent, dtype=np.int32), sizes)
    span = p["span_of_control"]
    local = local_ids(sizes)
    depth = tree_depth(local, span)
    # leaves are individual contributors; the top two levels are executives
    is_manager = local * span + 1 < np.repeat(sizes, sizes)
    level = np.where(depth <= 1, EXECUTIVE, np.where(is_manager, MANAGER, IC)).astype(np.int8)
    del local, is_manager
    edges = org_edges(
        p["org_network"],
        sizes,
        span=span,
        cross_team_ties=p["cross_team_ties"],
        cross_team_locality=p["cross_team_locality"],
        small_world_k=p["small_world_k"],
        small_world_p=p["small_world_p"],
        rng=rng,
    )
    adjacency = build_adjacency(edges, n)
    del edges
    age = draw_ages(level, rng)
    openness = draw_openness(
        openness_means(age, p["openness_mean"], p["openness_age_slope"], 0.0, 0.0),
        p["openness_spread"],
        rng,
    )
    committee_size = committee_sizes(sizes, p)
    buyer_employee = draw_committees(sizes, offsets, committee_size, span, rng)
    committee_offset = enterprise_offsets(committee_size)
    buyer_role = np.minimum(
        np.arange(len(buyer_employee)) - np.repeat(committee_offset, committee_size),
        len(BUYER_ROLES) - 1,
    ).astype(np.int8)
    buyer_enterprise = np.repeat(np.arange(n_ent), committee_size)
    # drawn last, so the enterprises, networks and committees above are those of a
    # market without demand (the draws before are unchanged)
    # (each only when its mechanism is on, so a market without it draws nothing more)
    value = np.ones(n_ent)
    if p["seat_value"] > 0 and p["value_spread"] > 0:
        value = draw_enterprise_values(n_ent, p["value_spread"], rng)
    budget_week = np.zeros(n_ent, dtype=np.int64)
    if p["budget_open_share"] < 1:
        budget_week = draw_budget_weeks(n_ent, p["budget_open_share"], p["budget_line_growth"], rng)

    return Population(
        ent_size=sizes,
        ent_offset=offsets,
        ent_on_prem=on_prem,
        ent_budget=sizes * p["budget_per_employee"],
        ent_value=value,
        ent_budget_week=budget_week,
        ent_committee_offset=committee_offset,
        ent_committee_size=committee_size,
        emp_enterprise=emp_enterprise,
        emp_depth=depth,
        emp_level=level,
        emp_age=age,
        emp_openness=openness,
        emp_product=np.full(n, NO_PRODUCT, dtype=np.int32),
        emp_mandated=np.zeros(n, dtype=bool),
        emp_paid=np.zeros(n, dtype=bool),
        emp_since=np.full(n, -1, dtype=np.int32),
        buyer_employee=buyer_employee,
        buyer_enterprise=buyer_enterprise,
        buyer_role=buyer_role,
        receptivity=np.full(len(buyer_employee), p["receptivity_initial"], dtype=np.float64),
        adjacency=adjacency,
    )
