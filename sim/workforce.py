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

import numpy as np

from sim.compiled_skips import generator_pointers, successes
from sim.compiled_turnover import newcomer_ages, seat_newcomers
from sim.population import AGE_MEAN, AGE_SD

if TYPE_CHECKING:
    from sim.model import MarketModel


def turnover(model: MarketModel) -> None:
    """Mechanism 11 for one week: draw the leavers and seat their successors.

    The leavers are drawn by skipping from one to the next (a geometric gap each,
    :func:`sim.compiled_skips.successes`: the law of a uniform per employee, with a
    draw per leaver), then each leaver's
    age by role (:func:`sim.population.draw_ages`: a standard normal each, scaled in
    :func:`sim.compiled_turnover.newcomer_ages`), then openness around
    :func:`sim.population.openness_means` (:func:`sim.population.draw_openness`: a Beta
    each, or the clipped mean with no spread); the arrays are written by
    :func:`sim.compiled_turnover.seat_newcomers`.
    """
    pop, rng = model.population, model.rng
    p = float(1.0 / (52.0 * model.tenure_years))
    leavers = successes(generator_pointers(rng), p, model.n_employees)
    if not len(leavers):
        return
    spread = float(model.openness_spread)
    means, a, b = newcomer_ages(
        leavers,
        rng.standard_normal(len(leavers)),
        pop.emp_level,
        AGE_MEAN,
        AGE_SD,
        float(model.openness_mean),
        float(model.openness_age_slope),
        float(model.openness_drift * (model.steps / 52.0)),
        spread,
        pop.emp_age,
    )
    openness = rng.beta(a, b) if spread > 0 else np.clip(means, 0.0, 1.0)
    own, products = seat_newcomers(
        leavers,
        openness,
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
