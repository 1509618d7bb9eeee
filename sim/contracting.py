"""Contracts: pricing, signing, bottoms-up conversion (mechanism 3) and renewals (mechanism 6).

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
    challenger,
    committed_acv,
    idle_chosen,
    mandate,
    team_plan_seats,
)
from sim.compiled_deals import ripe_pairs, team_plan_pairs
from sim.compiled_purchasers import (
    buyers,
    first_purchasers,
    more_purchasers,
    purchaser_states,
)
from sim.deal_tables import powers
from sim.demand import budget_open, willing_one
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
    cid = int(
        model.contracts.add(
            enterprise=e,
            vendor=v,
            kind=kind,
            acv=acv,
            seats=max(int(seats), 1),
            start=model.steps,
            renew_at=model.steps + WEEKS_PER_YEAR,
        )[0]
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
    sl = model.enterprise_slice(e)
    lose = (pop.emp_product[sl] == v) & pop.emp_mandated[sl]
    pop.emp_product[sl][lose] = NO_PRODUCT
    model.user_counts.stale_row(e)  # users_ev[e] is recounted at the next settle
    pop.emp_mandated[sl][lose] = False
    release_team_seats(model, e, v)


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
    chosen = _rollout(model, e, share)
    mandate(pop.emp_product, pop.emp_mandated, pop.emp_since, chosen, vendor.index, model.steps)
    model.users_ev[e, vendor.index] += len(chosen)
    return len(chosen)


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


def draw_purchasers(model: MarketModel, ent: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Whether each (enterprise, vendor) team's purchaser ever comes forward.

    Drawn once per pair, the first time its team is big enough to buy, with
    probability ``user_is_buyer`` (seed 003: where users are not the buyers, the
    purchaser often never comes). Returns a boolean per pair.

    With ``purchaser_per_team`` a pair whose purchaser did not come gets one more
    draw for every further ``team_plan_users`` users: a purchaser comes by ``n``
    users with probability ``1 - (1 - user_is_buyer) ** (n // team_plan_users)``
    (each team of users has its own chance to hold someone who can buy).
    """
    if not len(ent):
        return np.zeros(0, dtype=bool)
    # three compiled steps (sim.compiled_purchasers) around the two draws
    purchaser, teams_drawn, users, rng = (
        model.purchaser,
        model.purchaser_teams,
        model.users_ev,
        model.rng,
    )
    ent, codes = np.asarray(ent, dtype=np.int64), np.asarray(codes, dtype=np.int64)
    per_team, team_users = bool(model.purchaser_per_team), int(model.team_plan_users)
    state, n_new = purchaser_states(purchaser, ent, codes)
    first = rng.random(n_new) if n_new else _NO_UNIFORMS
    more, n_retry, top = first_purchasers(
        purchaser,
        teams_drawn,
        users,
        ent,
        codes,
        state,
        first,
        float(model.user_is_buyer),
        per_team,
        team_users,
    )
    # one more chance for every further team of team_plan_users users (mechanism 3b)
    again = rng.random(n_retry) if n_retry else _NO_UNIFORMS
    chance = powers(1.0 - model.user_is_buyer, top + 1) if n_retry else _NO_UNIFORMS
    return more_purchasers(
        purchaser,
        teams_drawn,
        users,
        ent,
        codes,
        state,
        more,
        again,
        chance,
        team_users if per_team else 0,
    )


_NO_UNIFORMS = np.zeros(0)


def purchaser_threshold(model: MarketModel, enterprises=None) -> np.ndarray:
    """Users of one vendor at which each enterprise's (all, or those given) purchaser comes to it.

    ``enterprise_trigger_share * size`` (seed 000: once use is widespread), or
    ``enterprise_trigger_users`` where that is lower and set: a large firm's IT steps
    in at tens of users (single sign-on, administration, security review), not at a
    quarter of a 5,000-person firm.
    """
    sizes = model.population.ent_size
    if enterprises is not None:  # a renewal asks for one enterprise: not all of them
        sizes = sizes[enterprises]
    threshold = model.enterprise_trigger_share * sizes
    if model.enterprise_trigger_users > 0:
        threshold = np.minimum(threshold, model.enterprise_trigger_users)
    return threshold


def bottoms_up_conversion(model: MarketModel) -> None:
    """Mechanism 3: team plans, then the purchaser comes for an agreement (seed 000).

    A team with ``team_plan_users`` users of a vendor and a purchaser who comes
    forward (:func:`draw_purchasers`) buys a team plan at ``inbound_close_rate`` a
    week, at list price for the purchaser's team (:func:`team_seats`: a small check,
    seed 001). When the
    users reach ``enterprise_trigger_share`` of an enterprise that holds no agreement
    of its own yet, the purchaser comes to the vendor: a ``bottoms_up`` vendor (or a
    hybrid before its sales start) closes inbound at ``inbound_close_rate`` a week an
    agreement for the seats in use at the enterprise tier; a hybrid with reps puts one
    on it instead (an inbound opportunity at the *sell* stage, with the champion
    inside, which may add a mandated rollout).

    With ``usage_opens_budget`` the purchaser who comes for an agreement opens the
    category's budget line if the enterprise has none yet: spend on self-serve plans
    and use at the trigger become a line item (shadow IT consolidated by IT).
    """
    vendors = [v for v in model.alive_vendors() if v.tactic.self_serve]
    if not vendors:
        return
    codes = np.array([v.index for v in vendors])
    # users_ev does not change in this mechanism (signing moves no user): the pairs are
    # read from it directly. Team plans: enough users, no contract of the vendor yet
    col, ent = team_plan_pairs(model.users_ev, codes, model.contract_at, model.team_plan_users)
    if len(ent):  # (no pair draws nothing: skipping the calls leaves the stream as it was)
        _team_plans(model, vendors, col, ent, codes)
    # the purchaser comes: enough of the enterprise uses it and no agreement is held
    col, ent = ripe_pairs(
        model.users_ev,
        codes,
        purchaser_threshold(model),
        model.team_plan_users,
        model.agreement_at,
        model.opp_at,
        model.cooloff_until,
        model.steps,
        budget_open(model),
        not model.usage_opens_budget,  # else an agreement needs the category's budget line
    )
    if not len(ent):
        return
    comes = draw_purchasers(model, ent, codes[col])
    col, ent = col[comes], ent[comes]
    if model.usage_opens_budget:  # shadow IT becomes a line item (mechanism 3d)
        weeks = model.population.ent_budget_week
        weeks[ent] = np.minimum(weeks[ent], model.steps)
    by_rep = np.array([v.tactic.outbound and v.reps > 0 for v in vendors], dtype=bool)[col]
    model.open_opportunities(ent[by_rep], codes[col[by_rep]], inbound=True)
    for k in _buyers(model, ~by_rep, ent, codes[col]).tolist():
        c, e = int(col[k]), int(ent[k])
        if model.agreement_at[e] >= 0:  # another vendor signed this week
            continue
        vendor, n = vendors[c], int(model.users_ev[e, codes[c]])
        acv = seat_acv(vendor, n, SELF_SERVE_ENTERPRISE, model.volume_discount)
        sign(model, e, vendor, SELF_SERVE_ENTERPRISE, acv, n)


def _team_plans(
    model: MarketModel, vendors: list, col: np.ndarray, ent: np.ndarray, codes: np.ndarray
) -> None:
    """Mechanism 3's team plans for the candidate pairs (``vendors[col]`` in ``ent``)."""
    rng = model.rng
    comes = draw_purchasers(model, ent, codes[col])
    pop = model.population
    # a plan on a card, if the seat is worth its price
    for k in _buyers(model, comes, ent, codes[col]).tolist():
        vendor, e = vendors[int(col[k])], int(ent[k])
        sl = model.enterprise_slice(e)
        own = np.flatnonzero((pop.emp_product[sl] == vendor.index) & ~pop.emp_mandated[sl])
        if not len(own):
            continue
        purchaser = sl.start + int(own[int(rng.integers(len(own)))])
        n = team_seats(model, e, vendor.index, purchaser)
        if not sign(model, e, vendor, TEAM, seat_acv(vendor, n, TEAM, 0.0), n):
            release_team_seats(model, e, vendor.index)


def _buyers(model: MarketModel, eligible: np.ndarray, ent: np.ndarray, ven: np.ndarray):
    """Positions of the eligible pairs that buy this week: a uniform each (drawn here, one
    per pair) below ``inbound_close_rate``, and :func:`sim.demand.willing`, in one
    compiled pass (:func:`sim.compiled_purchasers.buyers`)."""
    pop, traits = model.population, model.vendor_traits
    return buyers(
        eligible,
        model.rng.random(len(ent)),
        float(model.inbound_close_rate),
        ent,
        ven,
        traits("seat_price"),
        traits("quality"),
        model.users_ev,
        pop.ent_size,
        pop.ent_value,
        float(model.seat_value),
        float(model.usage_value),
    )


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
    for cid in due.tolist():
        e, v = int(contracts.enterprise[cid]), int(contracts.vendor[cid])
        vendor = model.vendor_list[v]
        kind = int(contracts.kind[cid])
        users = int(model.users_ev[e, v])
        old = float(contracts.acv[cid])
        usage = users / max(1, int(contracts.seats[cid]))
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
