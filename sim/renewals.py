"""Renewals (mechanism 6): contracts due this week renew, repriced to their use, or churn.

Land and expand (seed 001): a product that works is rolled out further and grows with
its use; one that does not loses users, shrinks and churns; an agreement whose
enterprise uses a rival's product more is displaced (seed 000). Repricing, ending and
booking go through :mod:`sim.contracting`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.compiled_contracts import challenger
from sim.contracting import (
    AGREEMENT_KINDS,
    WEEKS_PER_YEAR,
    book,
    end_contract,
    headroom,
    provision,
    seat_acv,
    team_seats,
)
from sim.conversion import purchaser_threshold
from sim.demand import willing_one
from sim.tables import CONTRACT_KINDS, TEAM

if TYPE_CHECKING:
    from sim.model import MarketModel


def renewal_probability(model: MarketModel, quality: float, usage: float) -> float:
    """``renewal_base + (1 - renewal_base) * quality * min(1, usage)`` (mechanism 6)."""
    return model.renewal_base + (1.0 - model.renewal_base) * quality * min(1.0, usage)


def _challenger(model: MarketModel, e: int, incumbent: int) -> int:
    """The alive self-serve rival with more users in ``e`` than the incumbent, or -1.

    It must be ripe itself (users at the trigger share): the purchaser standardises on
    what people use (seed 000).
    """
    users = model.users_ev[e]
    best = challenger(users, incumbent)  # np.argmax with the incumbent's count set to -1
    most = -1 if best == incumbent else int(users[best])
    if best < 0 or most <= users[incumbent]:
        return -1
    rival = model.vendor_list[best]
    ripe = most >= purchaser_threshold(model, e)
    return best if rival.alive and rival.tactic.self_serve and ripe else -1


def renewals(model: MarketModel) -> None:
    """Mechanism 6: contracts due this week renew (repriced to their use) or churn.

    A contract renews with :func:`renewal_probability`, ``usage = users / seats``.
    An agreement that renews is first rolled out to a further
    ``expansion_rollout * quality`` of the enterprise's non-users (land and expand:
    the purchaser extends a product that works to more departments, seed 001).
    It is repriced to the seats in use (:func:`seat_acv`; a team plan's seats are
    its team's, :func:`team_seats`): it expands with use and
    contracts when users leave (land and expand, seed 001; a product that does not
    work loses users, so it shrinks and churns). An agreement whose enterprise uses a
    rival's product more than its own is displaced: it ends, and the rival's
    purchaser comes next week (:func:`_challenger`).
    """
    contracts = model.contracts
    due = contracts.active_ids()
    due = due[contracts.renew_at[due] <= model.steps]
    # the due contracts' columns as Python scalars, one numpy call a column instead of
    # five a contract: a contract's row changes only in its own iteration below
    columns = (
        contracts.enterprise,
        contracts.vendor,
        contracts.kind,
        contracts.acv,
        contracts.seats,
    )
    rows = zip(due.tolist(), *(c[due].tolist() for c in columns), strict=True)
    for cid, e, v, kind, old, seats in rows:
        vendor = model.vendor_list[v]
        users = int(model.users_ev[e, v])
        usage = users / max(1, seats)
        if (
            users == 0  # (before the draw: a contract nobody uses draws nothing)
            or model.rng.random() >= renewal_probability(model, vendor.quality, usage)
            or not willing_one(model, e, vendor)  # is a seat still worth its price?
        ):
            end_contract(model, cid)
            model.log("churn", vendor, e, old, contract=CONTRACT_KINDS[kind])
            continue
        if kind in AGREEMENT_KINDS:
            rival = _challenger(model, e, v)
            if rival >= 0:
                end_contract(model, cid)
                model.log("displaced", vendor, e, old, by=model.vendor_list[rival].name)
                continue
        if kind == TEAM:
            users = team_seats(model, e, v)
            if users == 0:
                end_contract(model, cid)
                model.log("churn", vendor, e, old, contract=CONTRACT_KINDS[kind])
                continue
        if kind in AGREEMENT_KINDS:
            # land and expand (seed 001): a product that works is rolled out further
            users += provision(model, e, vendor, model.expansion_rollout * vendor.quality)
        discount = model.volume_discount if kind in AGREEMENT_KINDS else 0.0
        new = min(seat_acv(vendor, users, kind, discount), headroom(model, e, v))
        if new <= 0:  # the budget is spent on rivals' contracts
            end_contract(model, cid)
            model.log("churn", vendor, e, old, contract=CONTRACT_KINDS[kind])
            continue
        contracts.acv[cid] = new
        contracts.seats[cid] = users
        contracts.renew_at[cid] += WEEKS_PER_YEAR
        if new > old:
            book(model, vendor, new - old)
            model.log("expansion", vendor, e, new - old, contract=CONTRACT_KINDS[kind])
        elif new < old:
            model.log("contraction", vendor, e, new - old, contract=CONTRACT_KINDS[kind])
