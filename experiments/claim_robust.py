"""Does a claim keep its direction when three parameters it does not name move by +-25%?

Why: a claim that holds only at the calibrated point is a fact about one parameter
set, not about the mechanism. A reviewer found careful qualification flipping sign at
+25% attention recovery or -25% market size; this module runs that check for every
claim. Each claim is run (mechanism on only: the direction is the question) at its own
settings and with each of three parameters it does not name (not its lever, its switch
or a market condition it needs) at 75% and 125% of the value the run would use, and
the report says in how many of the six the effect keeps the expected sign, and in how
many it still clears two standard errors.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from experiments.claim_standard import ROBUSTNESS_CANDIDATES
from experiments.claims import SIDES, Claim, merge_overrides, run_claims
from experiments.paired import PairedEffect, holds
from sim.params import PARAMETERS
from sim.scenarios import load_scenario

SHIFT = 0.25
"""How far each parameter moves: 25% either way."""


def base_value(claim: Claim, name: str, size: Mapping[str, Any]) -> Any:
    """The value a claim's run uses: ``size``'s, else its preset's, else the default."""
    if name in size:
        return size[name]
    return load_scenario(claim.scenario_of("left")).params.get(name, PARAMETERS[name].default)


def named_by(claim: Claim) -> set[str]:
    """What a claim names: its lever, its switch and the market conditions it needs."""
    return set(claim.lever_params) | set(claim.switch_params) | set(claim.needs)


def robust_params(claim: Claim, size: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """The claim's own ``robust_to``, else the first three candidates it does not name.

    A candidate at 0 in this claim's runs is skipped (25% of nothing moves nothing).
    """
    if claim.robust_to:
        return tuple(claim.robust_to)
    names = named_by(claim)
    picked = [
        p
        for p in ROBUSTNESS_CANDIDATES
        if p not in names and base_value(claim, p, size or {}) not in (0, 0.0)
    ]
    return tuple(picked[:3])


def moved(name: str, value: Any, factor: float) -> Any:
    """``value * factor`` within the parameter's range (rounded for an integer)."""
    p = PARAMETERS[name]
    out = float(value) * factor
    if p.kind == "int":
        out = int(round(out))
    lo = -math.inf if p.low is None else p.low
    hi = math.inf if p.high is None else p.high
    return type(out)(min(max(out, lo), hi))


@dataclass(frozen=True)
class Variant:
    """One run of a claim with one parameter moved (``param`` empty: as defined)."""

    claim: Claim
    param: str
    factor: float
    value: Any
    effect: PairedEffect

    @property
    def direction_kept(self) -> bool:
        return math.isfinite(self.effect.mean) and (
            math.copysign(1, self.effect.mean) == self.claim.expected_sign and self.effect.mean != 0
        )

    @property
    def holds(self) -> bool:
        return holds(self.effect, self.claim.expected_sign)

    @property
    def label(self) -> str:
        if not self.param:
            return "as defined"
        return f"{self.param} {self.factor - 1:+.0%} ({self.value:g})"


def variants_of(claim: Claim, size: Mapping[str, Any]) -> list[tuple[Claim, str, float, Any]]:
    """The claim as defined, then each robustness parameter at -25% and +25%."""
    out: list[tuple[Claim, str, float, Any]] = [(claim, "", 1.0, None)]
    for name in robust_params(claim, size):
        base = base_value(claim, name, size)
        for factor in (1 - SHIFT, 1 + SHIFT):
            value = moved(name, base, factor)
            sides = {
                s: dataclasses.replace(
                    getattr(claim, s),
                    overrides=merge_overrides({name: value}, getattr(claim, s).overrides),
                )
                for s in SIDES
            }
            key = f"{claim.key}@{name}x{factor:g}"
            out.append((dataclasses.replace(claim, key=key, **sides), name, factor, value))
    return out


def run_robustness(
    claims: Iterable[Claim],
    seeds: Sequence[int],
    size: Mapping[str, Any] | None = None,
    steps: int | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, list[Variant]]:
    """Every claim as defined and with each of its three parameters moved, mechanism on.

    Returns ``{claim key: [as defined, p1 -25%, p1 +25%, p2 -25%, ...]}``.
    """
    size = dict(size or {})
    plan = [(c, v) for c in claims for v in variants_of(c, size)]
    results = run_claims(
        [v[0] for _, v in plan],
        seeds,
        size=size,
        steps=steps,
        workers=workers,
        progress=progress,
        conditions=("on",),
    )
    out: dict[str, list[Variant]] = {}
    for (claim, (_, name, factor, value)), r in zip(plan, results, strict=True):
        on = PairedEffect.of(r.values["on"]["left"], r.values["on"]["right"])
        out.setdefault(claim.key, []).append(Variant(claim, name, factor, value, on))
    return out


def robustness_markdown(table: Mapping[str, list[Variant]], seeds: Sequence[int]) -> str:
    """One row per claim: the effect as defined and with each parameter moved."""
    from experiments.claims_report import fmt_effect

    lines = [
        "# Claims under +-25% moves of three parameters they do not name",
        "",
        f"Made by `salesweb claims --robust --seeds {len(seeds)}` over seeds {seeds[0]}-{seeds[-1]} "
        f"({len(seeds)} seeds), mechanism on. Each cell is the paired effect (left - right "
        "± SE); a cell in bold has lost the claim's direction, one in italics keeps it "
        "without clearing two standard errors. *Kept* counts the six moved runs that keep "
        "the direction, and of those, how many hold.",
        "",
        "| claim | as defined | moved | kept (hold) |",
        "| --- | --- | --- | --- |",
    ]
    for key, variants in table.items():
        base, rest = variants[0], variants[1:]
        cells = []
        for v in rest:
            text = f"{v.label}: {fmt_effect(v.effect)}"
            cells.append(text if v.holds else (f"*{text}*" if v.direction_kept else f"**{text}**"))
        kept = sum(v.direction_kept for v in rest)
        held = sum(v.holds for v in rest)
        lines.append(
            f"| {key} | {fmt_effect(base.effect)} | {'<br>'.join(cells)} "
            f"| {kept} of {len(rest)} ({held}) |"
        )
    return "\n".join(lines) + "\n"
