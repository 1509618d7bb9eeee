"""The essays' claims (MODEL.md, "What the seeds say") as experiments over seeds.

Each claim runs its scenario preset in two arms (or reads one run two ways) on the
same seeds (common random numbers) and returns the per-seed figures and whether the
claim held on average. The tests in ``tests/test_claims.py`` call these with small
markets; a researcher can call them with larger ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.model import MarketModel
from sim.tables import TEAM


@dataclass
class ClaimResult:
    """Per-seed values of the two sides of a claim and whether it held on average."""

    claim: str
    left: str
    right: str
    left_values: list[float] = field(default_factory=list)
    right_values: list[float] = field(default_factory=list)

    @property
    def left_mean(self) -> float:
        return float(np.mean(self.left_values))

    @property
    def right_mean(self) -> float:
        return float(np.mean(self.right_values))

    @property
    def holds(self) -> bool:
        """The claim is ``left > right`` on average over seeds."""
        return self.left_mean > self.right_mean

    def __str__(self) -> str:
        return f"{self.claim}: {self.left}={self.left_mean:.4g} > {self.right}={self.right_mean:.4g} -> {self.holds}"


def run(scenario: str, seed: int, steps: int, **overrides) -> MarketModel:
    model = MarketModel.from_scenario(scenario, rng=seed, **overrides)
    for _ in range(steps):
        model.step()
    return model


def vendor_of(model: MarketModel, strategy: str):
    return next(v for v in model.vendor_list if v.strategy == strategy)


def compare(
    claim: str,
    seeds: list[int],
    left: tuple[str, str, dict, Callable[[MarketModel], float]],
    right: tuple[str, str, dict, Callable[[MarketModel], float]],
    steps: int,
    size: dict,
) -> ClaimResult:
    """Run both arms on the same seeds; each arm is (label, scenario, overrides, metric)."""
    result = ClaimResult(claim, left[0], right[0])
    cache: dict[tuple, MarketModel] = {}
    for seed in seeds:
        for arm, values in ((left, result.left_values), (right, result.right_values)):
            label, scenario, overrides, metric = arm
            key = (scenario, tuple(sorted(overrides.items())), seed)
            if key not in cache:
                cache[key] = run(scenario, seed, steps, **size, **overrides)
            values.append(float(metric(cache[key])))
    return result


def _cac(model: MarketModel, strategy: str | None = None) -> float:
    vendors = [v for v in model.vendor_list if strategy in (None, v.strategy)]
    spent = sum(v.sm_spend_total for v in vendors)
    won = sum(v.new_customers_total for v in vendors)
    return spent / max(won, 1)


def _self_serve_users(model: MarketModel) -> float:
    pop = model.population
    return float(np.count_nonzero((pop.emp_product >= 0) & ~pop.emp_mandated))


def _first_and_last_acv(model: MarketModel) -> tuple[float, float]:
    c = model.contracts
    first = c.acv[: c.n][c.kind[: c.n] == TEAM]
    active = c.active_ids()
    return (
        float(first.mean()) if len(first) else 0.0,
        float(c.acv[active].mean()) if len(active) else 0.0,
    )


def claims(seeds: list[int], steps: int = 156, n_enterprises: int = 80) -> list[ClaimResult]:
    """Every claim of MODEL.md "What the seeds say", at the given size."""
    size = {"n_enterprises": n_enterprises}
    users = lambda s: lambda m: vendor_of(m, s).users  # noqa: E731
    arr = lambda s: lambda m: arr_plus_cash(vendor_of(m, s))  # noqa: E731
    out = [
        compare(
            "viral collaboration product grows fastest bottoms-up (seed 000)",
            seeds,
            ("bottoms_up users", "yammer_viral", {}, users("bottoms_up")),
            ("direct users", "yammer_viral", {}, users("direct")),
            steps,
            size,
        ),
        compare(
            "infrastructure product does better direct (seed 000)",
            seeds,
            ("direct ARR+cash", "datastax_direct", {}, arr("direct")),
            ("bottoms_up ARR+cash", "datastax_direct", {}, arr("bottoms_up")),
            steps,
            size,
        ),
        compare(
            "a product that works expands (seed 001)",
            seeds,
            ("expansion, quality 0.9", "land_and_expand", {}, _expansion),
            ("expansion, quality 0.2", "land_and_expand", {"quality": 0.2}, _expansion),
            steps,
            size,
        ),
        compare(
            "bottoms-up checks start small and grow (seed 001)",
            seeds,
            (
                "mean ACV of active contracts",
                "land_and_expand",
                {},
                lambda m: _first_and_last_acv(m)[1],
            ),
            (
                "mean first team-plan ACV",
                "land_and_expand",
                {},
                lambda m: _first_and_last_acv(m)[0],
            ),
            steps,
            size,
        ),
        compare(
            "hiring sales before organic growth raises CAC (seed 003)",
            seeds,
            ("CAC, 10 reps from day one", "sales_too_early", {}, _cac),
            ("CAC, reps hired from bookings", "sales_too_early", {"initial_reps": 0}, _cac),
            steps,
            size,
        ),
        compare(
            "outbound erodes the brand and slows viral growth (seed 003)",
            seeds,
            (
                "self-serve users, no erosion",
                "golden_goose",
                {"brand_erosion": 0.0},
                _self_serve_users,
            ),
            ("self-serve users, erosion", "golden_goose", {}, _self_serve_users),
            steps,
            size,
        ),
        compare(
            "when the user is not the buyer, bottoms-up leads barely convert (seed 003)",
            seeds,
            (
                "paid share of ripe teams, user is buyer",
                "user_not_buyer",
                {"user_is_buyer": 1.0},
                _conversion,
            ),
            ("paid share of ripe teams, user is not buyer", "user_not_buyer", {}, _conversion),
            steps,
            size,
        ),
        compare(
            "dual motion pays when ACV covers both motions (seed 003)",
            seeds,
            (
                "hybrid - bottoms_up, high ACV",
                "dual_motion",
                {"seat_price": 40.0},
                _hybrid_edge,
            ),
            ("hybrid - bottoms_up, low ACV", "dual_motion", {}, _hybrid_edge),
            steps,
            size,
        ),
        compare(
            "careful qualification lowers CAC (seed 002)",
            seeds,
            ("CAC, no qualification", "careful_qualification", {"qualification": 0.0}, _cac),
            ("CAC, qualification 0.5", "careful_qualification", {}, _cac),
            steps,
            size,
        ),
        compare(
            "reps with their own network get more replies per touch (seed 002)",
            seeds,
            ("replies per touch, warm 0.5", "warm_network", {}, _replies_per_touch),
            (
                "replies per touch, warm 0",
                "warm_network",
                {"warm_intro_share": 0.0},
                _replies_per_touch,
            ),
            steps,
            size,
        ),
        compare(
            "reps with their own network win customers for less (seed 002)",
            seeds,
            ("CAC, warm 0", "warm_network", {"warm_intro_share": 0.0}, _cac),
            ("CAC, warm 0.5", "warm_network", {}, _cac),
            steps,
            size,
        ),
        compare(
            "openness rises as the workforce turns over (seed 000)",
            seeds,
            ("mean openness, drift", "generational_shift", {}, lambda m: m.mean_openness),
            (
                "mean openness, no drift",
                "generational_shift",
                {"openness_drift": 0.0},
                lambda m: m.mean_openness,
            ),
            steps,
            size,
        ),
    ]
    return out


def _conversion(model: MarketModel) -> float:
    """Share of (enterprise, vendor) teams big enough for a team plan that pay for one."""
    ripe = model.users_ev >= model.team_plan_users
    return float((ripe & (model.contract_at >= 0)).sum() / max(1, ripe.sum()))


def _expansion(model: MarketModel) -> float:
    return float(sum(e["value"] for e in model.events if e["event"] == "expansion"))


def _hybrid_edge(model: MarketModel) -> float:
    """How much more the hybrid vendor is worth (cash + ARR) than the bottoms-up one."""
    return arr_plus_cash(vendor_of(model, "hybrid")) - arr_plus_cash(vendor_of(model, "bottoms_up"))


def arr_plus_cash(vendor) -> float:
    return vendor.arr + vendor.cash if vendor.alive else vendor.cash


def _replies_per_touch(model: MarketModel) -> float:
    df = model.datacollector.get_model_vars_dataframe()
    return float(df["responses"].sum() / max(1, df["touches"].sum()))
