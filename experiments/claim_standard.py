"""The standard every claim meets (docs/claims.md, "The standard"), as checks over a Claim.

Why: the essays' claims are experiments only if the lever is something a company
decides or a market an essay names, and the mechanism the claim credits is switched
off by a parameter the lever does not touch. Otherwise the claim restates the model:
vary ``brand_erosion`` and measure what erosion removes, and the "effect" is the
parameter's definition; switch off the lever itself and the two arms are one run;
freeze everything but the price and the effect is the same accounting identity on
every seed. These checks make each of those mistakes fail a test instead of a review.

:func:`violations` reads a claim's definition (no runs); :func:`identity_violations`
reads its per-seed results (an effect with no spread across seeds is an identity).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from experiments.claims import SIDES, Claim, ClaimResult
from sim.scenarios import load_scenario, preset_names

LEVER_KINDS = ("decision", "market")

DECISIONS = frozenset(
    {
        "strategy",  # bottoms-up, direct or both
        "initial_reps",  # how many reps
        "sales_start_week",  # when to hire them
        "seat_price",  # price
        "marketing_spend",  # marketing
        "qualification",  # which prospects the reps chase
        "warm_intro_share",  # whom it hires: reps who bring their own network
        "quality",  # the product it builds: one that works, or not
    }
)
"""What the focal company decides: the levers a ``decision`` claim may set, in its
``focal`` spec only (the rivals are the market)."""

NEVER_LEVERS = frozenset(
    {
        # attention
        "touch_fatigue",
        "receptivity_recovery",
        "receptivity_initial",
        "warm_intro_boost",
        "warm_engagement",
        "brand_erosion",
        # the deal
        "base_win_rate",
        "effort_win_weight",
        "champion_boost",
        "committee_drag",
        "displacement_win_factor",
        "lost_deal_cooloff_weeks",
        "sales_cycle_weeks",
        "cycle_size_elasticity",
        "hybrid_user_preference",
        "inbound_speedup",
        "rep_cost",
        "rep_ramp_weeks",
        # the purchaser and the contract
        "user_is_buyer",
        "enterprise_trigger_share",
        "team_plan_users",
        "inbound_close_rate",
        "renewal_base",
        "expansion_rollout",
        "rollout_share",
        "volume_discount",
        "renewal_window_weeks",
        # adoption
        "marketing_reach",
        "marketing_saturation",
        "adoption_threshold",
        "user_churn",
        "generational_change",
        # entry and adaptation
        "entry_floor",
        "attractiveness_cap",
        "mutation",
        "switch_rate",
        "switch_margin",
    }
)
"""Mechanism parameters: how strongly a mechanism acts (what each claim's mechanism
reads). No company decides them and no essay names them as a market, so no claim's
lever may set them; the mechanism-off switches set them instead."""

SWITCHABLE = frozenset({"virality", "rep_hiring_rate"})
"""Parameters a switch may set that are not mechanism parameters alone: a product's
virality (an essay names viral and infrastructure products, so a market may set it; set
to 0 it switches colleague contagion off) and the hiring rate (a market's hiring policy;
the dual-motion switch scales it with the reps' cost so the team stays the same). Every
other switch parameter must be in :data:`NEVER_LEVERS`."""

ROBUSTNESS_CANDIDATES = (
    "receptivity_recovery",
    "n_enterprises",
    "base_win_rate",
    "user_churn",
    "marketing_reach",
    "burn",
    "touches_per_rep",
    "inbound_close_rate",
)
"""Parameters a claim is moved along by +-25% when it names none of them
(:mod:`experiments.claim_robust`): the first three it does not name. The first two are
the ones a reviewer found careful qualification flipping on."""


# ------------------------------------------------------------------- what the arms set


def _flat(scenario: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Every setting of one arm: its preset's parameters and vendor specs, then its overrides.

    Focal traits are keyed ``focal.<trait>`` (a preset's first ``[[vendors]]`` is the
    focal vendor too), other vendors ``vendors[i].<trait>``.
    """
    preset = load_scenario(scenario)
    out: dict[str, Any] = dict(preset.params)
    vendors = list(overrides.get("vendors", preset.vendors))
    # as the model does: the focal spec (the override's, else the preset's) over vendor 0
    focal = {**(vendors[0] if vendors else {}), **overrides.get("focal", preset.focal or {})}
    for i, spec in enumerate(vendors[1:], start=1):
        out.update({f"vendors[{i}].{k}": v for k, v in spec.items()})
    out.update({f"focal.{k}": v for k, v in focal.items()})
    out.update({k: v for k, v in overrides.items() if k not in ("focal", "vendors")})
    return out


def lever_changes(claim: Claim) -> set[str]:
    """The settings that differ between the two arms (``focal.``/``vendors[i].`` prefixed)."""
    left, right = (_flat(claim.scenario_of(s), getattr(claim, s).overrides) for s in SIDES)
    missing = object()
    return {k for k in left.keys() | right.keys() if left.get(k, missing) != right.get(k, missing)}


def param_name(key: str) -> str:
    """``focal.seat_price`` -> ``seat_price``; ``vendors[1].quality`` -> ``quality``."""
    return key.rpartition(".")[2]


# ----------------------------------------------------------------------- the checks


def violations(claim: Claim) -> list[str]:
    """Every way the claim's definition breaks the standard (empty: it meets it)."""
    out = []
    kind = claim.lever_kind
    if kind not in LEVER_KINDS:
        return [f"lever_kind {kind!r} is not one of {LEVER_KINDS}"]
    changes = lever_changes(claim)
    lever = {param_name(k) for k in changes}
    if not changes:
        out.append("the arms set nothing different: there is no lever")
    if set(claim.lever_params) != lever:
        out.append(
            f"lever_params {sorted(claim.lever_params)} but the arms differ in {sorted(lever)}"
        )
    if kind == "decision":
        if any(getattr(claim, s).scenario for s in SIDES):
            out.append("a decision is taken in one market: the sides may not name their own preset")
        others = sorted(k for k in changes if not k.startswith("focal."))
        if others:
            out.append(f"a decision is the focal company's: the arms also differ in {others}")
        undecided = sorted(lever - DECISIONS)
        if undecided:
            out.append(f"{undecided} is not a company's decision (DECISIONS)")
    else:
        presets = set(preset_names())
        names = [getattr(claim, s).scenario for s in SIDES]
        if not all(n in presets for n in names) or names[0] == names[1]:
            out.append(f"a market lever is two named presets; the sides name {names}")
        if claim.left.overrides != claim.right.overrides:
            out.append("a market lever differs only in its presets, not in overrides")
    forbidden = sorted(lever & NEVER_LEVERS)
    if forbidden:
        out.append(f"the lever sets mechanism parameters {forbidden} (NEVER_LEVERS)")
    switch = set(claim.switch_params)
    if not switch:
        out.append("no mechanism-off switch")
    if switch & lever:
        out.append(f"the switch {sorted(switch & lever)} is the lever")
    if switch & DECISIONS:
        out.append(f"the switch sets {sorted(switch & DECISIONS)}, a decision, not a mechanism")
    elif switch - NEVER_LEVERS - SWITCHABLE:
        out.append(
            f"the switch sets {sorted(switch - NEVER_LEVERS - SWITCHABLE)}, not mechanism "
            "parameters (NEVER_LEVERS)"
        )
    if switch & {"focal", "vendors"}:
        out.append("the switch acts on the whole market, not on one vendor's spec")
    unset = [
        p for p in claim.needs for s in SIDES if p not in load_scenario(claim.scenario_of(s)).params
    ]
    if unset:
        out.append(f"needs {sorted(set(unset))}, which its preset does not set (a named market)")
    return out


def _all_equal(differences: np.ndarray) -> bool:
    d = differences[np.isfinite(differences)]
    return len(d) > 1 and bool(np.allclose(d, d[0], rtol=1e-9, atol=0.0))


def identity_violations(result: ClaimResult) -> list[str]:
    """An effect that is the same on every seed is an identity, not a test.

    Mechanism on, the per-seed differences must not all be equal. Mechanism off, they
    must not all be equal either, except all exactly zero: a lever that acts only
    through the mechanism gives the same run in both arms once it is off.
    """
    out = []
    for condition, named in result.values.items():
        d = named["left"] - named["right"]
        if not _all_equal(d):
            continue
        if condition == "off" and np.all(d[np.isfinite(d)] == 0.0):
            continue
        out.append(f"mechanism {condition}: every seed gives {d[np.isfinite(d)][0]:.6g}")
    return out
