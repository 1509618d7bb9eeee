"""Contracts: signing, bottoms-up conversion (mechanism 3) and renewals (mechanism 6).

One active contract per (enterprise, vendor) at most: ``model.contract_at[e, v]``
holds its id. A bigger contract replaces a smaller one (a team plan becomes an
enterprise agreement), and only the net increase counts as new bookings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import NO_PRODUCT
from sim.tables import CONTRACT_KINDS, ENTERPRISE, SELF_SERVE_ENTERPRISE, TEAM

if TYPE_CHECKING:
    from agents.vendor import Vendor
    from sim.model import MarketModel

WEEKS_PER_YEAR = 52


def committed_spend(model: MarketModel, e: int, exclude_vendor: int | None = None) -> float:
    """Annual value of enterprise ``e``'s active contracts (optionally without one vendor's)."""
    ids = model.contract_at[e]
    ids = ids[ids >= 0]
    if exclude_vendor is not None:
        ids = ids[model.contracts.vendor[ids] != exclude_vendor]
    return float(model.contracts.acv[ids].sum())


def sign(model: MarketModel, e: int, vendor: Vendor, kind: int, acv: float, seats: int) -> bool:
    """Sign (or upgrade to) a contract; returns False if the enterprise has no budget left."""
    v = vendor.index
    headroom = model.population.ent_budget[e] - committed_spend(model, e, exclude_vendor=v)
    acv = min(acv, headroom)
    if acv <= 0:
        return False
    old = int(model.contract_at[e, v])
    old_acv = 0.0
    if old >= 0:
        old_acv = float(model.contracts.acv[old])
        model.contracts.active[old] = False
    else:
        vendor.new_customers_total += 1
    cid = model.contracts.add(
        enterprise=e,
        vendor=v,
        kind=kind,
        acv=acv,
        seats=max(int(seats), 1),
        start=model.steps,
        renew_at=model.steps + WEEKS_PER_YEAR,
    )[0]
    model.contract_at[e, v] = cid
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
    pop = model.population
    sl = model.enterprise_slice(e)
    lose = (pop.emp_product[sl] == v) & pop.emp_mandated[sl]
    pop.emp_product[sl][lose] = NO_PRODUCT
    pop.emp_mandated[sl][lose] = False


def roll_out(model: MarketModel, e: int, vendor: Vendor) -> int:
    """After an enterprise win, a share of non-users become users by mandate.

    Returns the vendor's users in the enterprise afterwards (the contract's seats).
    """
    pop = model.population
    sl = model.enterprise_slice(e)
    idle = pop.emp_product[sl] == NO_PRODUCT
    chosen = idle & (model.rng.random(int(pop.ent_size[e])) < model.rollout_share)
    pop.emp_product[sl][chosen] = vendor.index
    pop.emp_mandated[sl][chosen] = True
    pop.emp_since[sl][chosen] = model.steps
    return int(np.count_nonzero(pop.emp_product[sl] == vendor.index))


def enterprise_acv(model: MarketModel, e: int, vendor: Vendor) -> float:
    """``acv_per_employee * n_e ** acv_elasticity * enterprise_uplift`` (MODEL.md step 5)."""
    size = float(model.population.ent_size[e])
    return model.acv_per_employee * size**model.acv_elasticity * vendor.enterprise_uplift


def bottoms_up_conversion(model: MarketModel) -> None:
    """Mechanism 3: team plans at ``team_plan_users``; the purchaser comes at the trigger share.

    A team plan is ``users * seat_price * 12`` a year (a small check, seed 001), bought
    at ``inbound_close_rate * user_is_buyer`` a week once the team is big enough. When
    the purchaser comes, a ``bottoms_up`` vendor closes inbound at
    ``inbound_close_rate`` a week an agreement for the seats in use at the enterprise
    tier (``* enterprise_uplift``: the support, security and compliance line items of
    seed 000); a ``hybrid`` vendor puts a rep on it instead, who sells the
    enterprise-wide contract (``acv_per_employee * n_e ** acv_elasticity * uplift``),
    faster (double stage hazard) and with the champion inside.

    Conversion is scaled by ``user_is_buyer``: where users are not the buyers,
    bottoms-up leads barely convert (seed 003).
    """
    rng = model.rng
    vendors = [v for v in model.alive_vendors() if v.tactic.self_serve]
    if not vendors:
        return
    codes = np.array([v.index for v in vendors])
    users = model.users_ev[:, codes]  # (enterprise, vendor) for self-serve vendors only
    buy_rate = model.inbound_close_rate * model.user_is_buyer
    # team plans: enough users, no contract yet; vendor by vendor, enterprise by enterprise
    teams = (users >= model.team_plan_users) & (model.contract_at[:, codes] < 0)
    col, ent = np.nonzero(teams.T)
    buy = rng.random(len(ent)) < buy_rate
    for c, e in zip(col[buy], ent[buy], strict=True):
        vendor, n = vendors[c], int(users[e, c])
        sign(model, int(e), vendor, TEAM, n * vendor.seat_price * 12.0, n)
    # the purchaser comes: enough of the enterprise uses it, no enterprise-wide deal
    sizes = model.population.ent_size[:, None]
    kind = model.contracts.kind_of(model.contract_at[:, codes])
    ripe = (users >= model.enterprise_trigger_share * sizes) & (users > 0)
    ripe &= (kind < SELF_SERVE_ENTERPRISE) & (model.opp_at[:, codes] < 0)
    col, ent = np.nonzero(ripe.T)
    if not len(ent):
        return
    by_rep = np.array([v.tactic.outbound and v.reps > 0 for v in vendors])[col]
    # a hybrid vendor puts a rep on it: an inbound opportunity that starts at "sell"
    calls = by_rep & (rng.random(len(ent)) < model.user_is_buyer)
    model.open_opportunities(ent[calls], codes[col[calls]], inbound=True)
    # otherwise the purchaser buys the enterprise tier (support, security, compliance)
    # for the seats in use: the enterprise price point of seed 000, without a rep.
    closes = ~by_rep & (rng.random(len(ent)) < buy_rate)
    for c, e in zip(col[closes], ent[closes], strict=True):
        vendor, n = vendors[c], int(users[e, c])
        tier = vendor.seat_price * 12.0 * vendor.enterprise_uplift
        sign(model, int(e), vendor, SELF_SERVE_ENTERPRISE, n * tier, n)


def renewals(model: MarketModel) -> None:
    """Mechanism 6: contracts due this week renew (and expand) or churn.

    Renewal probability ``renewal_base + (1 - renewal_base) * quality * min(1, usage)``
    with ``usage = users / seats``. Seat-priced contracts reprice to current users;
    an enterprise contract grows with ``usage`` above 1 (land and expand, seed 001).
    A product that does not work loses users, so it neither expands nor renews.
    """
    contracts = model.contracts
    due = contracts.active_ids()
    due = due[contracts.renew_at[due] <= model.steps]
    for cid in due:
        e, v = int(contracts.enterprise[cid]), int(contracts.vendor[cid])
        vendor = model.vendor_list[v]
        users = int(model.users_ev[e, v])
        usage = users / max(1, int(contracts.seats[cid]))
        p_renew = model.renewal_base + (1.0 - model.renewal_base) * vendor.quality * min(1.0, usage)
        kind = int(contracts.kind[cid])
        if users == 0 or model.rng.random() >= p_renew:
            end_contract(model, int(cid))
            model.log("churn", vendor, e, float(contracts.acv[cid]), contract=CONTRACT_KINDS[kind])
            continue
        old = float(contracts.acv[cid])
        if kind == ENTERPRISE:
            new = old * max(1.0, usage)
            contracts.seats[cid] = max(int(contracts.seats[cid]), users)
        else:
            tier = vendor.enterprise_uplift if kind == SELF_SERVE_ENTERPRISE else 1.0
            new = users * vendor.seat_price * 12.0 * tier
            contracts.seats[cid] = users
        headroom = model.population.ent_budget[e] - committed_spend(model, e, exclude_vendor=v)
        new = max(min(new, headroom), min(old, new))
        contracts.acv[cid] = new
        contracts.renew_at[cid] += WEEKS_PER_YEAR
        if new > old:
            book(model, vendor, new - old)
            model.log("expansion", vendor, e, new - old, contract=CONTRACT_KINDS[kind])
