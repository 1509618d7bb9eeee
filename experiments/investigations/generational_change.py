"""Why a more open generation yields less bottoms-up revenue (claim ``generational_change``).

Issue 16, point 7. The claim compares preset ``generational_shift`` (newcomers' openness
rises 0.04 a year) with ``same_generation`` (it does not); on the reporting seeds the
more open market ends with *less* bottoms-up ARR. This script runs both presets, and the
mechanism-off market (no turnover), on tuning seeds only, and prints where users and
revenue sit year by year: users by whether their (enterprise, vendor) pair pays, ARR
by contract kind, contract counts, churn by reason, what turnover removes, vendors
alive, and the share of each enterprise held by its leading product.

    PYTHONPATH=. python -m experiments.investigations.generational_change [--seeds 101-120]

Instruments the run by wrapping three module functions (the model calls them through
their modules): ``sim.workforce.turnover`` (what leavers held), ``sim.renewals.renewals``
with ``renewal_probability`` and ``willing_one`` (why a due contract ended). The
wrappers read state and draw nothing, so the runs are the presets' own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
from collections import Counter

import numpy as np

from experiments.investigations import parse_seeds

ARMS = {
    "open": ("generational_shift", {}),
    "same": ("same_generation", {}),
    "off": ("same_generation", {"generational_change": False}),
}
"""The claim's two markets, and the market with turnover off (the claim's switch)."""

KINDS = ("team", "ss_agr", "ent_agr")

_probe: Counter = Counter()


def _install_probes() -> None:
    """Wrap turnover and renewals to count what the leavers held and why contracts end."""
    from sim import renewals, workforce

    if getattr(workforce.turnover, "_probed", False):
        return
    turnover, renew = workforce.turnover, renewals.renewals
    probability, willing = renewals.renewal_probability, renewals.willing_one

    def probed_turnover(model):
        pop = model.population
        before = pop.emp_product.copy()
        mandated, paid = pop.emp_mandated.copy(), pop.emp_paid.copy()
        turnover(model)
        lost = (before >= 0) & (pop.emp_product < 0)
        _probe["leaver_users"] += int(lost.sum())
        _probe["leaver_paid_team_seat"] += int((lost & paid).sum())
        held = lost.nonzero()[0]
        ent, ven = pop.emp_enterprise[held], before[held]
        has = model.contract_at[ent, ven] >= 0
        _probe["leaver_users_of_a_paying_pair"] += int(has.sum())
        agr = model.agreement_at[ent]
        vend = model.contracts.vendor
        on_agr = (agr >= 0) & (vend[np.maximum(agr, 0)] == ven) if len(vend) else agr < -1
        _probe["leaver_on_ss_agreement_not_mandated"] += int((on_agr & ~mandated[held]).sum())

    def probed_renewals(model):
        c = model.contracts
        due = c.active_ids()
        due = due[c.renew_at[due] <= model.steps]
        _probe["due"] += len(due)
        renew(model)

    def probed_probability(model, quality, usage):
        _probe["drawn"] += 1
        return probability(model, quality, usage)

    def probed_willing(model, e, vendor):
        ok = willing(model, e, vendor)
        _probe["asked_willing"] += 1
        _probe["unwilling"] += int(not ok)
        return ok

    from sim.model import MarketModel

    phase, invites = MarketModel._self_serve_phase, MarketModel._invites

    def probed_phase(model):
        """Where this week's adopters go: the agreement's vendor, a rival of it, the
        enterprise's leading product (most users) or another one."""
        pop = model.population
        before = pop.emp_product.copy()
        lead = model.users_ev.argmax(axis=1) if model.users_ev.shape[1] else None
        phase(model)
        new = np.flatnonzero((before < 0) & (pop.emp_product >= 0))
        if not len(new) or lead is None:
            return
        ent, ven = pop.emp_enterprise[new], pop.emp_product[new]
        agr = model.agreement_at[ent]
        vend = model.contracts.vendor
        holder = np.where(agr >= 0, vend[np.maximum(agr, 0)] if len(vend) else -1, -1)
        _probe["adopt"] += len(new)
        _probe["adopt_to_agreement_vendor"] += int(((agr >= 0) & (holder == ven)).sum())
        _probe["adopt_to_rival_of_agreement"] += int(((agr >= 0) & (holder != ven)).sum())
        none = agr < 0
        _probe["adopt_no_agr_to_leader"] += int((none & (lead[ent] == ven)).sum())
        _probe["adopt_no_agr_to_other"] += int((none & (lead[ent] != ven)).sum())

    def probed_invites(model, adopters, products):
        n = len(adopters)
        out = invites(model, adopters, products)
        _probe["invite_joiners"] += len(out[0]) - n
        return out

    MarketModel._self_serve_phase = probed_phase
    MarketModel._invites = probed_invites
    probed_turnover._probed = True
    workforce.turnover = probed_turnover
    renewals.renewals = probed_renewals
    renewals.renewal_probability = probed_probability
    renewals.willing_one = probed_willing


def snapshot(model) -> dict[str, float]:
    """The quantities of one week: users by where they sit, ARR by kind, vendors."""
    from sim.conversion import purchaser_threshold

    pop, c = model.population, model.contracts
    prod, mand = pop.emp_product, pop.emp_mandated
    out: dict[str, float] = {}
    out["openness"] = float(pop.emp_openness.mean())
    out["users"] = float((prod >= 0).sum())
    out["self_serve_users"] = float(((prod >= 0) & ~mand).sum())
    out["mandated"] = float(mand.sum())
    out["team_paid_users"] = float(pop.emp_paid.sum())
    ids = c.active_ids()
    strategies = np.array([v.strategy for v in model.vendor_list])
    bu = strategies[c.vendor[ids]] == "bottoms_up"
    for k, name in enumerate(KINDS):
        sel = ids[(c.kind[ids] == k) & bu]
        out[f"arr_{name}"] = float(c.acv[sel].sum())
        out[f"n_{name}"] = float(len(sel))
        out[f"seats_{name}"] = float(c.seats[sel].sum())
    out["arr_bu"] = float(model.arr_bottoms_up)
    for strat in ("direct", "hybrid"):
        mine = strategies[c.vendor[ids]] == strat
        out[f"arr_{strat}"] = float(c.acv[ids[mine]].sum())
        out[f"agreements_{strat}"] = float((mine & (c.kind[ids] != 0)).sum())
    # users by their pair: pays (any contract) or free, and how big the free pair is
    u = model.users_ev
    paying = model.contract_at >= 0
    out["users_in_paying_pairs"] = float(u[paying].sum())
    free = np.where(paying, 0, u)
    thr = purchaser_threshold(model)[:, None]
    small = free < model.team_plan_users
    ripe = free >= thr
    out["free_users_pair_lt5"] = float(free[small].sum())
    out["free_users_pair_5_to_trigger"] = float(free[~small & ~ripe].sum())
    out["free_users_pair_ripe"] = float(free[ripe & (free > 0)].sum())
    # why a ripe free pair has not signed: purchaser never came, or a rival's agreement
    rp = ripe & (free > 0)
    never = model.purchaser == -1
    out["free_users_ripe_purchaser_never"] = float(free[rp & never].sum())
    held = (model.agreement_at >= 0)[:, None]
    out["free_users_ripe_rival_agreement"] = float(free[rp & ~never & held].sum())
    # concentration: the leading product's share of an enterprise's users
    tot = u.sum(axis=1)
    has = tot > 0
    out["leader_share"] = float((u.max(axis=1)[has] / tot[has]).mean()) if has.any() else 0.0
    out["vendors_ge5_per_ent"] = float((u >= model.team_plan_users).sum(axis=1).mean())
    out["ents_with_agreement"] = float((model.agreement_at >= 0).sum())
    alive = [v for v in model.vendor_list if v.alive]
    out["alive"] = float(len(alive))
    out["alive_bu"] = float(sum(v.strategy == "bottoms_up" for v in alive))
    out["alive_other"] = out["alive"] - out["alive_bu"]
    out["users_of_other"] = float(
        sum(int((prod == v.index).sum()) for v in alive if v.strategy != "bottoms_up")
    )
    out["vendors_ever"] = float(len(model.vendor_list))
    out["arr_per_user"] = out["arr_bu"] / max(out["users"], 1.0)
    out["paying_share_of_users"] = out["users_in_paying_pairs"] / max(out["users"], 1.0)
    for key, value in _probe.items():
        out[f"cum_{key}"] = float(value)
    return out


def event_counts(model, upto: int) -> dict[str, float]:
    """Cumulative events up to week ``upto``: contracts signed, churn, displacement, by kind."""
    out: Counter = Counter()
    for ev in model.events:
        if ev["step"] > upto:
            break
        kind = ev.get("contract", "")
        tag = {"team plan": "team", "self-serve enterprise agreement": "ss_agr"}.get(kind, kind)
        out[f"ev_{ev['event']}" + (f"_{tag}" if tag else "")] += 1
    return {k: float(v) for k, v in out.items()}


def run_one(args: tuple) -> tuple[str, int, list[dict[str, float]]]:
    """One arm on one seed (with further overrides): a snapshot every year (and week 0)."""
    arm, seed, extra = args
    from sim.model import MarketModel

    _install_probes()
    _probe.clear()
    scenario, overrides = ARMS[arm]
    model = MarketModel.from_scenario(scenario, rng=seed, **{**overrides, **extra})
    rows = [snapshot(model)]
    while model.running:
        model.step()
        if model.steps % 52 == 0:
            rows.append(snapshot(model))
    for year, row in enumerate(rows):
        row.update(event_counts(model, 52 * year))
    return arm, seed, rows


def _fmt(x: float) -> str:
    a = abs(x)
    if a >= 1e6:
        return f"{x / 1e6:.2f}M"
    if a >= 1e4:
        return f"{x / 1e3:.1f}k"
    if a >= 100:
        return f"{x:.0f}"
    return f"{x:.3g}"


def table(results, key: str, years: list[int]) -> str:
    """Mean per arm by year, and the paired open - same difference with its SE."""
    arms = list(results)
    lines = [f"\n{key}", "year | " + " | ".join(arms) + " | open-same ± SE"]
    for y in years:
        vals = {
            a: np.array([results[a][s][y].get(key, 0.0) for s in sorted(results[a])]) for a in arms
        }
        d = vals["open"] - vals["same"]
        se = d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else float("nan")
        cells = " | ".join(_fmt(vals[a].mean()) for a in arms)
        lines.append(f"{y:>4} | {cells} | {_fmt(d.mean())} ± {_fmt(se)}")
    return "\n".join(lines)


KEYS = (
    "openness",
    "users",
    "self_serve_users",
    "mandated",
    "team_paid_users",
    "users_in_paying_pairs",
    "paying_share_of_users",
    "free_users_pair_lt5",
    "free_users_pair_5_to_trigger",
    "free_users_pair_ripe",
    "free_users_ripe_purchaser_never",
    "free_users_ripe_rival_agreement",
    "arr_bu",
    "arr_team",
    "arr_ss_agr",
    "arr_direct",
    "arr_hybrid",
    "agreements_direct",
    "agreements_hybrid",
    "users_of_other",
    "n_team",
    "n_ss_agr",
    "seats_team",
    "seats_ss_agr",
    "arr_per_user",
    "ents_with_agreement",
    "leader_share",
    "vendors_ge5_per_ent",
    "alive",
    "alive_bu",
    "alive_other",
    "vendors_ever",
    "cum_adopt",
    "cum_adopt_to_agreement_vendor",
    "cum_adopt_to_rival_of_agreement",
    "cum_adopt_no_agr_to_leader",
    "cum_adopt_no_agr_to_other",
    "cum_invite_joiners",
    "cum_leaver_users",
    "cum_leaver_paid_team_seat",
    "cum_leaver_users_of_a_paying_pair",
    "cum_leaver_on_ss_agreement_not_mandated",
    "cum_due",
    "cum_drawn",
    "cum_unwilling",
    "ev_contract_team",
    "ev_contract_ss_agr",
    "ev_churn_team",
    "ev_churn_ss_agr",
    "ev_displaced",
    "ev_expansion_ss_agr",
    "ev_contraction_ss_agr",
    "ev_exit",
    "ev_entry",
)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="101-120", help="tuning seeds only (101-120)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--arms", default=",".join(ARMS), help="which of " + ", ".join(ARMS))
    ap.add_argument(
        "--purchaser-openness",
        type=float,
        default=None,
        help="the purchaser's generation, an elasticity (default: the preset's, 1; 0 is off)",
    )
    ap.add_argument("--years", default="1,2,3,4,5,6,8,10")
    ap.add_argument("--save", default="", help="write the rows to this .npz-free JSON file")
    ap.add_argument(
        "--newcomer-invites",
        choices=("on", "off"),
        default=None,
        help="newcomers join the team's tool (default: the preset's, on)",
    )
    a = ap.parse_args(argv)
    seeds = parse_seeds(a.seeds)
    assert all(101 <= s <= 120 for s in seeds), "tuning seeds 101-120 only"
    arms = a.arms.split(",")
    if not {"open", "same"} <= set(arms) or set(arms) - set(ARMS):
        ap.error(f"--arms: open and same (the tables are their difference), and only {list(ARMS)}")
    extra: dict = {}  # the preset's switches unless set here
    if a.purchaser_openness is not None:
        extra["purchaser_openness"] = a.purchaser_openness
    if a.newcomer_invites is not None:
        extra["newcomer_invites"] = a.newcomer_invites == "on"
    jobs = [(arm, s, extra) for s in seeds for arm in arms]
    results: dict[str, dict[int, list]] = {arm: {} for arm in arms}
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(a.workers) as pool:
        for arm, seed, rows in pool.imap_unordered(run_one, jobs):
            results[arm][seed] = rows
    if a.save:
        import json

        with open(a.save, "w") as f:
            json.dump({arm: {str(s): r for s, r in d.items()} for arm, d in results.items()}, f)
    years = [int(y) for y in a.years.split(",")]
    print(
        f"seeds {seeds[0]}-{seeds[-1]} ({len(seeds)}), {extra}, arms: "
        + ", ".join(f"{k} = {v[0]} {v[1] or ''}" for k, v in ARMS.items())
    )
    for key in KEYS:
        print(table(results, key, years))


if __name__ == "__main__":
    os.nice(0)
    main()
