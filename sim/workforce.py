"""Generational change (mechanism 11): employees leave and newcomers take their seat.

Each week an employee is replaced with probability ``1 / (52 * tenure_years)``. The
newcomer keeps the position (role, level, network ties and committee seat) but is a
new person: a fresh age for the role, openness drawn from a mean that has risen by
``openness_drift`` per year since the start, and, on a committee, the receptivity of
a buyer nobody has prospected (``receptivity_initial``). A self-serve user's product
leaves with them; a seat mandated by an enterprise agreement stays with the position
(IT provisions the standard tool for the newcomer), so turnover alone does not shrink
an agreement.

With ``newcomer_invites`` a newcomer with no product is invited into the self-serve
workspace most of their colleagues use and joins it with probability
``min(1, team_invites * openness)`` (:func:`join_team_tools`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.compiled_selfserve import apply_changes, with_joiners
from sim.compiled_skips import generator_pointers, successes
from sim.compiled_turnover import newcomer_ages, seat_newcomers, team_tools
from sim.population import AGE_MEAN, AGE_SD, NO_PRODUCT

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
    if model.newcomer_invites and model.team_invites > 0:  # draws only when on
        join_team_tools(model, leavers)


def join_team_tools(model: MarketModel, newcomers: np.ndarray) -> None:
    """``newcomer_invites``: a newcomer is invited into the tool their colleagues use.

    Each newcomer with no product (their seat was not mandated), in an enterprise that
    is not on-prem only, is invited into the product most of their network neighbours
    use among the alive vendors with a self-serve motion (ties: the lower vendor code;
    :func:`sim.compiled_turnover.team_tools`), and joins it with probability
    ``min(1, team_invites * openness)``, the newcomer's new openness: a team adds its
    new hire to its workspace, as a colleague is invited into a new one (mechanism
    1b). One uniform per invited newcomer, drawn only here. A joiner is recorded as a
    self-serve sign-up is (:func:`sim.compiled_selfserve.apply_changes`: the product
    from this week, a seat of the enterprise's agreement when it is that vendor's;
    :meth:`sim.user_counts.UserCounts.added`; the vendor's ``signups_total``); the
    colleague exposure's running sums see the change themselves (:mod:`sim.exposure`).
    Without it, openness speeds only the channels that lead away from the colleagues'
    tool (docs/investigations/generational_change.md).
    """
    pop = model.population
    self_serve = [v.index for v in model.alive_vendors() if v.tactic.self_serve]
    if not self_serve:
        return
    qualifies = np.zeros(model.vendor_capacity, dtype=bool)
    qualifies[self_serve] = True
    adj = pop.adjacency
    invitee, product = team_tools(
        newcomers,
        pop.emp_product,
        pop.emp_enterprise,
        pop.ent_on_prem,
        adj.indptr,
        adj.indices,
        qualifies,
    )
    if not len(invitee):
        return
    # the invitees who join, by mechanism 1b's rule (newcomers are ascending and each is
    # invited once, so no invitee is dropped as a second invitation)
    uniforms = model.rng.random(len(invitee))
    adopters, products = with_joiners(
        invitee[:0], product[:0], invitee, product, uniforms, pop.emp_openness,
        float(model.team_invites),
    )  # fmt: skip
    if not len(adopters):
        return
    apply_changes(
        adopters,
        products,
        adopters[:0],
        pop.emp_product,
        pop.emp_since,
        pop.emp_mandated,
        pop.emp_paid,
        pop.emp_enterprise,
        model.agreement_at,
        model.contracts.vendor,
        model.steps,
        NO_PRODUCT,
    )
    model.user_counts.added(adopters, products)
    signups = np.bincount(products, minlength=model.vendor_capacity)
    for code in np.flatnonzero(signups).tolist():
        model.vendor_list[code].signups_total += int(signups[code])
