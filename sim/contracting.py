"""Contracts: pricing, signing, seats and budgets; what mechanisms 3 to 6 sign with.

Bottoms-up conversion (mechanism 3) is :mod:`sim.conversion`, renewals (mechanism 6)
:mod:`sim.renewals`; both sign, end and reprice through this module.

Two levels of contract exist in an enterprise, as in seed 000:

* **team plans** (``TEAM``): a team pays seat price for the seats it uses; several
  vendors' team plans may coexist;
* **the enterprise agreement** (``SELF_SERVE_ENTERPRISE`` when the purchaser buys the
  enterprise tier for the seats in use, ``ENTERPRISE`` when a rep sells it with a
  mandated rollout): an enterprise standardises, so it holds **at most one** agreement
  in the category at a time (``model.agreement_at[e]``). A rival displaces it at
  renewal, by winning a deal in the renewal window or by having more users inside.

``model.contract_at[e, v]`` holds the vendor's active contract in the enterprise (a
team plan or the agreement). A bigger contract replaces the vendor's smaller one (a
team plan becomes an agreement) and only the net increase counts as new bookings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.compiled_contracts import (
    committed_acv,
    end_mandates,
    idle_chosen,
    mandate,
    rollout_mandate,
    team_plan_seats,
)
from sim.population import NO_PRODUCT
from sim.tables import CONTRACT_KINDS, ENTERPRISE, SELF_SERVE_ENTERPRISE, TEAM

if TYPE_CHECKING:
    from agents.vendor import Vendor
    from sim.model import MarketModel

WEEKS_PER_YEAR = 52
MONTHS_PER_YEAR = 12.0
AGREEMENT_KINDS = (SELF_SERVE_ENTERPRISE, ENTERPRISE)


def seat_acv(vendor: Vendor, seats: int, kind: int, volume_discount: float) -> float:
    """Annual price of ``seats`` seats: list price, times the uplift for an agreement.

    ``seats * seat_price * 12 * uplift * seats ** -volume_discount``; a team plan pays
    list price (no uplift, no discount). The uplift buys the support, security and
    compliance line items of seed 000; the discount is the volume discount a
    purchaser negotiates (``volume_discount``; 1,000 seats at 0.05 pay 71% of list).
    """
    seats = max(int(seats), 0)
    annual = seats * vendor.seat_price * MONTHS_PER_YEAR
    if kind == TEAM or seats == 0:
        return float(annual)
    return float(annual * vendor.enterprise_uplift * seats ** (-volume_discount))


def committed_spend(model: MarketModel, e: int, exclude_vendor: int | None = None) -> float:
    """Annual value of enterprise ``e``'s active contracts (optionally without one vendor's)."""
    exclude = -1 if exclude_vendor is None else int(exclude_vendor)
    # acv[ids].sum() in one compiled pass, in numpy's order of additions
    return committed_acv(model.contract_at[e], model.contracts.vendor, model.contracts.acv, exclude)


def headroom(model: MarketModel, e: int, vendor_index: int) -> float:
    """What enterprise ``e`` can still pay this vendor within its category budget."""
    return float(model.population.ent_budget[e]) - committed_spend(
        model, e, exclude_vendor=vendor_index
    )


def sign(model: MarketModel, e: int, vendor: Vendor, kind: int, acv: float, seats: int) -> bool:
    """Sign (or upgrade to) a contract; returns False if the enterprise has no budget left.

    Signing an agreement ends a rival's agreement in the enterprise first (the
    enterprise standardises on one vendor), so its budget is freed for the newcomer.
    """
    v = vendor.index
    if kind in AGREEMENT_KINDS:
        held = int(model.agreement_at[e])
        if held >= 0 and int(model.contracts.vendor[held]) != v:
            rival = model.vendor_list[int(model.contracts.vendor[held])]
            end_contract(model, held)
            model.log("displaced", rival, e, float(model.contracts.acv[held]), by=vendor.name)
    acv = min(acv, headroom(model, e, v))
    if acv <= 0:
        return False
    old = int(model.contract_at[e, v])
    old_acv = 0.0
    if old >= 0:
        old_acv = float(model.contracts.acv[old])
        model.contracts.active[old] = False
        if kind != TEAM:  # an agreement covers every user: the team plan's seats lapse
            release_team_seats(model, e, v)
    else:
        vendor.new_customers_total += 1
    cid = model.contracts.add_one(
        e, v, kind, acv, max(int(seats), 1), model.steps, model.steps + WEEKS_PER_YEAR
    )
    model.contract_at[e, v] = cid
    if kind in AGREEMENT_KINDS:
        model.agreement_at[e] = cid
    book(model, vendor, max(0.0, acv - old_acv))
    model.log("contract", vendor, e, acv, contract=CONTRACT_KINDS[kind])
    return True


def book(model: MarketModel, vendor: Vendor, amount: float) -> None:
    """Record new annual contract value (bookings) for a vendor and the market."""
    vendor.bookings_since_hiring += amount
    vendor.bookings_total += amount
    model.step_bookings += amount


def end_contract(model: MarketModel, cid: int) -> None:
    """End a contract; users who had the product by mandate lose it."""
    e, v = int(model.contracts.enterprise[cid]), int(model.contracts.vendor[cid])
    model.contracts.active[cid] = False
    model.contract_at[e, v] = -1
    if model.agreement_at[e] == cid:
        model.agreement_at[e] = -1
    pop = model.population
    # lose = product == v & mandated; product[lose] = NO_PRODUCT; mandated[lose] = False;
    # then release_team_seats: one compiled pass over the enterprise's employees
    off, size = int(pop.ent_offset[e]), int(pop.ent_size[e])
    end_mandates(pop.emp_product, pop.emp_mandated, pop.emp_paid, off, size, v, NO_PRODUCT)
    model.user_counts.stale_row(e)  # users_ev[e] is recounted at the next settle


def release_team_seats(model: MarketModel, e: int, v: int) -> None:
    """The vendor's users in ``e`` no longer hold team-plan seats."""
    pop = model.population
    sl = model.enterprise_slice(e)
    pop.emp_paid[sl] &= pop.emp_product[sl] != v


def team_seats(model: MarketModel, e: int, v: int, purchaser: int | None = None) -> int:
    """Seats of the vendor's team plan in ``e``: its paid users and their colleagues on it.

    A team plan pays for a team, not for every user in the enterprise (seed 001: the
    check starts small). At purchase the team is the purchaser and the colleagues
    (network neighbours) who use the product; at each renewal it adds the colleagues
    of its paid users who have started using the product since (land and expand
    through the org network). Users who left the product hold no seat.
    Marks the seats in ``emp_paid`` and returns their number.
    """
    pop, adj = model.population, model.population.adjacency
    off = int(pop.ent_offset[e])
    return team_plan_seats(  # one compiled pass (sim.compiled_contracts)
        adj.indptr,
        adj.indices,
        pop.emp_product,
        pop.emp_paid,
        off,
        int(pop.ent_size[e]),
        v,
        -1 if purchaser is None else purchaser - off,
        model.team_plan_scope == "workspace",
    )


def provision(model: MarketModel, e: int, vendor: Vendor, share: float) -> int:
    """Roll the vendor's product out to ``share`` of the non-users of ``e`` (by mandate).

    Returns how many employees were provisioned.
    """
    pop = model.population
    # _rollout and mandate in one compiled pass (the same uniforms: one per employee)
    uniforms = model.rng.random(int(pop.ent_size[e]))
    n = rollout_mandate(
        pop.emp_product,
        pop.emp_mandated,
        pop.emp_since,
        int(pop.ent_offset[e]),
        uniforms,
        float(share),
        NO_PRODUCT,
        vendor.index,
        model.steps,
    )
    model.users_ev[e, vendor.index] += n
    return n


def _rollout(model: MarketModel, e: int, share: float) -> np.ndarray:
    """The non-users of ``e`` a mandate reaches: ``idle & (u < share)``, one uniform per
    employee of ``e`` (:func:`sim.compiled_contracts.idle_chosen`)."""
    pop = model.population
    uniforms = model.rng.random(int(pop.ent_size[e]))
    return idle_chosen(pop.emp_product, int(pop.ent_offset[e]), uniforms, float(share), NO_PRODUCT)


def sell_agreement(model: MarketModel, e: int, vendor: Vendor) -> bool:
    """A rep's won deal: an agreement for the users plus a mandated rollout.

    The purchaser mandates the product for ``rollout_share`` of the non-users; the
    agreement is priced by every seat it covers (users and mandated) at the
    enterprise tier (:func:`seat_acv`) within the budget. If the budget cannot pay,
    nothing is signed and nobody is mandated.
    """
    pop = model.population
    chosen = _rollout(model, e, model.rollout_share)  # (drawn before a rival is displaced)
    seats = int(model.users_ev[e, vendor.index]) + len(chosen)
    acv = seat_acv(vendor, max(seats, 1), ENTERPRISE, model.volume_discount)
    if not sign(model, e, vendor, ENTERPRISE, acv, max(seats, 1)):
        return False
    mandate(pop.emp_product, pop.emp_mandated, pop.emp_since, chosen, vendor.index, model.steps)
    model.users_ev[e, vendor.index] = seats
    return True
