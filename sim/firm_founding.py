"""Firm founding: a category whose market keeps adding firms.

The default market's enterprises are fixed when it is built, so the category's
greenfield runs out: by the fifth year nine in ten enterprises hold an agreement and the
reps' new business is the accounts that lapse and the displacements at renewal
(docs/investigations/launch_team.md, "Where the later new business comes from"). A real
category keeps adding buyers: new firms are founded (the US Business Dynamics
Statistics count establishment births at about 10% of establishments a year), and a
new firm buys the tools for the job.

With ``firm_founding_rate = g > 0`` the market is built with the firms it will have
after ``founding_years`` years, ``n_enterprises * (1 + g) ** founding_years`` (rounded),
and all but ``n_enterprises`` of them, drawn at random, are not founded yet. The k-th of
those is founded in the week the founded count ``n_enterprises * (1 + g) ** (week / 52)``
reaches ``n_enterprises + k``, so the market grows by ``g`` a year until the reserve is
used up. Until its founding week a firm is outside the market: nobody in it signs up
for a product or is invited to one (it is held out of self-service as an on-premises
firm is, :func:`hold_back`), its budget line for the category is shut (so no rep
touches its buyers and no agreement is signed), it cannot close (:mod:`sim.firm_demography`),
and the market's per-employee and per-buyer outputs leave it out
(:func:`founded_employees`). At its founding week its self-service and budget line open
and its buyers' attention is that of buyers nobody has prospected
(``receptivity_initial``) (:func:`found_firms`).

``firm_founding_rate = 0`` switches it off: the market is built as before and no random
number is drawn.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from agents.terms import YEAR

if TYPE_CHECKING:
    from sim.model import MarketModel
    from sim.population import Population

NOT_YET = np.iinfo(np.int32).max
"""A budget week no run reaches: the line of a firm not founded yet is shut."""


def reserve_size(p: dict) -> int:
    """Firms the market is built with beyond ``n_enterprises``, to be founded later."""
    rate = float(p.get("firm_founding_rate", 0.0))
    if rate <= 0:
        return 0
    n = int(p["n_enterprises"])
    return int(round(n * ((1.0 + rate) ** int(p["founding_years"]) - 1.0)))


def founding_weeks(n_start: int, n_reserve: int, rate: float) -> np.ndarray:
    """The week each of ``n_reserve`` firms is founded, in order: the k-th (from 1) when
    ``n_start * (1 + rate) ** (week / 52)`` reaches ``n_start + k`` (rounded up)."""
    k = np.arange(1, n_reserve + 1, dtype=np.float64)
    years = np.log1p(k / max(n_start, 1)) / math.log1p(rate)
    return np.ceil(YEAR * years - 1e-9).astype(np.int64)


def hold_back(model: MarketModel) -> None:
    """Choose the firms not founded yet (one random permutation) and keep them out of
    the market until their week. Sets ``model.ent_founded_week`` (0 for the firms there
    from the start) and, for :func:`found_firms`, each held firm's drawn on-premises
    flag and budget week."""
    pop: Population = model.population
    n_total = len(pop.ent_size)
    n_start = int(model.n_enterprises)
    model.ent_founded_week = np.zeros(n_total, dtype=np.int64)
    held = np.sort(model.rng.permutation(n_total)[: n_total - n_start])
    order = model.rng.permutation(len(held))  # which held firm is founded k-th
    weeks = founding_weeks(n_start, len(held), model.firm_founding_rate)
    model.ent_founded_week[held[order]] = weeks
    model.held_on_prem = pop.ent_on_prem[held].copy()
    model.held_firms = held
    pop.ent_on_prem[held] = True  # out of self-service, as an on-premises firm is
    pop.ent_budget_week[held] = NOT_YET


def found_firms(model: MarketModel) -> np.ndarray:
    """This week's foundings (none when off): their self-service and budget line open and
    their buyers' attention is fresh. Returns the enterprises founded this week."""
    if model.firm_founding_rate <= 0:
        return np.empty(0, dtype=np.int64)
    # called once a week (step 12), so this week's are those whose week is now
    founded = np.flatnonzero(model.ent_founded_week[model.held_firms] == model.steps)
    if not len(founded):
        return founded
    pop = model.population
    firms = model.held_firms[founded]
    pop.ent_on_prem[firms] = model.held_on_prem[founded]
    pop.ent_budget_week[firms] = model.steps  # a new firm buys the tools for the job
    for e in firms.tolist():
        pop.receptivity[model.committee_slice(e)] = model.receptivity_initial
    return firms


def founded(model: MarketModel) -> np.ndarray | None:
    """Whether each enterprise is in the market this week; ``None`` when founding is
    off (every enterprise is)."""
    if model.firm_founding_rate <= 0:
        return None
    return model.ent_founded_week <= model.steps


def market_size(model: MarketModel) -> tuple[int, int]:
    """(enterprises, employees) in the market this week: every one built when founding
    is off, else those of the firms founded so far (a sum over firms, not employees)."""
    firms = founded(model)
    if firms is None:
        return len(model.enterprises), int(model.n_employees)
    return int(np.count_nonzero(firms)), int(model.population.ent_size[firms].sum())


def founded_employees(model: MarketModel) -> np.ndarray | None:
    """Whether each employee's firm is in the market this week (``None`` when off)."""
    firms = founded(model)
    return None if firms is None else firms[model.population.emp_enterprise]
