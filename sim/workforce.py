"""Generational change (mechanism 11): employees leave and newcomers take their seat.

Each week an employee is replaced with probability ``1 / (52 * tenure_years)``. The
newcomer keeps the position (role, level, network ties and committee seat) but is a
new person: a fresh age for the role, openness drawn from a mean that has risen by
``openness_drift`` per year since the start, and, on a committee, the receptivity of
a buyer nobody has prospected (``receptivity_initial``). A self-serve user's product
leaves with them; a seat mandated by an enterprise agreement stays with the position
(IT provisions the standard tool for the newcomer), so turnover alone does not shrink
an agreement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.compiled import below
from sim.population import NO_PRODUCT, draw_ages, draw_openness, openness_means

if TYPE_CHECKING:
    from sim.model import MarketModel


def turnover(model: MarketModel) -> None:
    pop, rng = model.population, model.rng
    p = 1.0 / (52.0 * model.tenure_years)
    leavers = below(rng.random(model.n_employees), p)
    if not len(leavers):
        return
    age = draw_ages(pop.emp_level[leavers], rng)
    means = openness_means(
        age, model.openness_mean, model.openness_age_slope, model.steps / 52.0, model.openness_drift
    )
    pop.emp_age[leavers] = age
    pop.emp_openness[leavers] = draw_openness(means, model.openness_spread, rng)
    own = leavers[~pop.emp_mandated[leavers]]
    model.user_counts.removed(own, pop.emp_product[own])
    pop.emp_product[own] = NO_PRODUCT
    pop.emp_paid[own] = False
    pop.emp_since[own] = -1
    seats = model.emp_buyer[leavers]
    pop.receptivity[seats[seats >= 0]] = model.receptivity_initial
