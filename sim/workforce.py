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

from sim.compiled_turnover import generator_pointers, replace_leavers
from sim.population import AGE_MEAN, AGE_SD

if TYPE_CHECKING:
    from sim.model import MarketModel


def turnover(model: MarketModel) -> None:
    """Mechanism 11 for one week: draw the leavers and seat their successors.

    One compiled pass (:func:`sim.compiled_turnover.replace_leavers`) makes the draws
    numpy made here before (a uniform per employee, then each leaver's age by role,
    :func:`sim.population.draw_ages`, then openness, :func:`sim.population.draw_openness`,
    around :func:`sim.population.openness_means`) from the model's generator, in the
    same order, and writes the same arrays.
    """
    pop = model.population
    _, own, products = replace_leavers(
        generator_pointers(model.rng),
        float(1.0 / (52.0 * model.tenure_years)),
        pop.emp_level,
        AGE_MEAN,
        AGE_SD,
        float(model.openness_mean),
        float(model.openness_age_slope),
        float(model.openness_drift * (model.steps / 52.0)),
        float(model.openness_spread),
        pop.emp_age,
        pop.emp_openness,
        pop.emp_mandated,
        pop.emp_product,
        pop.emp_paid,
        pop.emp_since,
        model.emp_buyer,
        pop.receptivity,
        float(model.receptivity_initial),
    )
    model.user_counts.removed(own, products)
