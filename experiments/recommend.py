"""A recommendation from a decision study: which option, how sure, and at what risk.

A study (:mod:`experiments.study`) runs every option on the same seeds. This module
turns it into what a VP can act on, in the same words for ``salesweb study`` and the
browser's Decide tab:

* an **objective** the user picks (:data:`OBJECTIVES`): by default *worth* =
  5 x ARR + cash at the horizon (a SaaS company is commonly valued at a multiple of
  ARR; 5x is a mid-range public-market multiple, and cash is added because a company
  that burned it to buy ARR is worth less), subject to a **survival floor** (by default
  at least 80% of seeds alive at the horizon);
* a **ranking** of every option: those that meet the floor first, by their median over
  seeds (survival: by the share alive);
* **every pairwise comparison**, paired over the common seeds: wins out of N, the
  median of the paired differences and a bootstrap interval of that same median
  (survival: the difference of the shares alive and its bootstrap interval);
* a **verdict** naming the recommended option, or saying that the data cannot separate
  the top ones and roughly how many seeds would (an interval's width shrinks as
  1/sqrt(n), so n x (half-width / |median|)^2 seeds would make it exclude zero if the
  median held);
* **risks**: how often the recommended option dies, how low its cash falls, and whether
  the ranking changes between 2 and 5 years (weeks 104 and 260).

The bootstrap draws from its own seeded generator, so the same study gives the same
words everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from experiments.study import StudyResult, usd
from sim.params import ParameterError

WORTH_ARR_MULTIPLE = 5.0
"""Worth counts a dollar of ARR as five dollars of cash (a mid-range SaaS multiple)."""

DEFAULT_MIN_SURVIVAL = 0.8
CONFIDENCE = 0.95
N_BOOT = 2000
BOOT_SEED = 20_260_417
"""Seed of the bootstrap's own generator: the same study, the same interval everywhere."""

TWO_YEARS, FIVE_YEARS = 104, 260


@dataclass(frozen=True)
class Objective:
    """What the user wants most; ``per_seed(result, week)`` is (options, seeds)."""

    name: str
    label: str
    per_seed: Callable[[StudyResult, int], np.ndarray]
    is_money: bool = True


def alive_at(result: StudyResult, week: int) -> np.ndarray:
    """(options, seeds) booleans: the company had not exited by the end of ``week``."""
    exit_week = result.runs["exit_week"].to_numpy(dtype=float).reshape(len(result.options), -1)
    return ~(exit_week <= week)


OBJECTIVES: dict[str, Objective] = {
    o.name: o
    for o in (
        Objective(
            "worth",
            f"worth ({WORTH_ARR_MULTIPLE:g} x ARR + cash)",
            lambda r, w: WORTH_ARR_MULTIPLE * r.arr[:, :, w] + r.cash[:, :, w],
        ),
        Objective("arr", "ARR", lambda r, w: r.arr[:, :, w]),
        Objective("cash", "cash", lambda r, w: r.cash[:, :, w]),
        Objective("survival", "survival", lambda r, w: alive_at(r, w).astype(float), False),
    )
}


def check_objective(name: str, min_survival: float) -> Objective:
    """The objective called ``name``; a ParameterError on an unknown one or a bad floor."""
    if name not in OBJECTIVES:
        raise ParameterError(
            f"objective {name!r} is not known; expected one of {', '.join(OBJECTIVES)}"
        )
    if not (isinstance(min_survival, int | float) and 0.0 <= min_survival <= 1.0):
        raise ParameterError(
            f"min-survival {min_survival!r} is not allowed; expected a share from 0 to 1 (0.8 = 80%)"
        )
    return OBJECTIVES[name]


# ------------------------------------------------------------------ pairwise
@dataclass(frozen=True)
class Pair:
    """Option ``a`` against option ``b`` over the common seeds (``a - b``)."""

    a: str
    b: str
    n: int
    wins: int
    losses: int
    ties: int
    difference: float  # median of paired differences (survival: difference of shares alive)
    ci_low: float
    ci_high: float

    @property
    def separated(self) -> bool:
        return self.ci_low > 0 or self.ci_high < 0

    def seeds_to_separate(self) -> int | None:
        """Seeds that would make the interval exclude zero if the difference held; None if 0.

        The interval narrows as one over the root of the seeds. What must shrink below
        the difference is its side towards zero (difference minus low end, or high end
        minus difference), not its half-width: a bootstrap interval of a median is often
        lopsided (the README's study, 2026-12-05: median +9.0M, interval -0.58M to
        +14.5M, whose half-width 7.5M gave 8 seeds, fewer than the 10 run). While the
        interval holds zero that side is longer than the difference, so the answer is
        always more seeds than were run.
        """
        if self.separated:
            return self.n
        if self.difference == 0 or not math.isfinite(self.ci_low + self.ci_high):
            return None
        near = (
            self.difference - self.ci_low if self.difference > 0 else self.ci_high - self.difference
        )
        return int(math.ceil(self.n * (near / abs(self.difference)) ** 2))


def bootstrap_interval(
    d: np.ndarray, stat: Callable[..., Any], rng: np.random.Generator, n_boot: int = N_BOOT
) -> tuple[float, float]:
    """Percentile bootstrap interval (``CONFIDENCE``) of ``stat`` of ``d``, resampling seeds."""
    n = len(d)
    if n < 2:
        return math.nan, math.nan
    samples = stat(d[rng.integers(0, n, size=(n_boot, n))], axis=1)
    tail = (1 - CONFIDENCE) / 2 * 100
    lo, hi = np.percentile(samples, [tail, 100 - tail])
    return float(lo), float(hi)


def compare(
    label_a: str, a: np.ndarray, label_b: str, b: np.ndarray, survival: bool,
    rng: np.random.Generator,
) -> Pair:  # fmt: skip
    """Paired comparison of per-seed values ``a`` and ``b`` (same seeds, same order)."""
    d = np.asarray(a, float) - np.asarray(b, float)
    d = d[np.isfinite(d)]
    stat = np.mean if survival else np.median
    lo, hi = bootstrap_interval(d, stat, rng)
    return Pair(
        label_a, label_b, len(d), int((d > 0).sum()), int((d < 0).sum()), int((d == 0).sum()),
        float(stat(d)) if len(d) else math.nan, lo, hi,
    )  # fmt: skip


# ------------------------------------------------------------------ the recommendation
@dataclass
class Recommendation:
    """The ranking, every pair, the verdict and the risks of one study on one objective."""

    objective: str
    objective_label: str
    min_survival: float
    week: int
    seeds: int
    ranking: list[dict[str, Any]]
    pairs: list[Pair]
    best: str | None
    separated: bool
    seeds_needed: int | None
    lines: list[str] = field(default_factory=list)
    ranking_2y: list[str] | None = None
    ranking_5y: list[str] | None = None
    survival_2y: dict[str, float] | None = None
    survival_5y: dict[str, float] | None = None

    def text(self) -> str:
        """The verdict, risks and horizon check: one paragraph per line."""
        return "\n".join(self.lines)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["pairs"] = [asdict(p) | {"separated": p.separated} for p in self.pairs]
        out["text"] = self.text()
        return _finite(out)


def _finite(x: Any) -> Any:
    """NaN and infinity as None, so the JSON is valid JSON."""
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    if isinstance(x, float | np.floating):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, np.integer | np.bool_):
        return x.item()
    return x


def rank(result: StudyResult, objective: Objective, min_survival: float, week: int) -> list[int]:
    """Option indices, best first.

    Options alive in at least ``min_survival`` of seeds come first. Within each group an
    option ranks by how many others it beats on the paired statistic (the median of the
    paired differences; survival: the difference of shares alive), then by its own
    median, then by its median worth. Ranking on the paired statistic keeps the order
    consistent with the pairwise table: a median of differences can have the opposite
    sign of a difference of medians.
    """
    values = objective.per_seed(result, week)
    survival = alive_at(result, week).mean(axis=1)
    stat = np.mean if objective.name == "survival" else np.median
    centre = stat(values, axis=1)
    worth = np.median(OBJECTIVES["worth"].per_seed(result, week), axis=1)  # tie-break
    eligible = survival >= min_survival - 1e-12
    n = len(result.options)
    beats = [
        sum(1 for j in range(n) if j != k and eligible[j] == eligible[k]
            and stat(values[k] - values[j]) > 0)
        for k in range(n)
    ]  # fmt: skip
    return sorted(range(n), key=lambda k: (not eligible[k], -beats[k], -centre[k], -worth[k]))


def recommend(
    result: StudyResult, objective: str = "worth", min_survival: float = DEFAULT_MIN_SURVIVAL
) -> Recommendation:
    """Rank the options of ``result`` on ``objective`` and say which to choose.

    Parameters
    ----------
    result : StudyResult
        A finished study (options x common seeds).
    objective : str
        ``worth`` (5 x ARR + cash), ``arr``, ``cash`` or ``survival``, at the horizon.
    min_survival : float
        Share of seeds (0-1) an option must survive to be recommended; ignored for the
        ``survival`` objective, which ranks on it.

    Returns
    -------
    Recommendation
    """
    from experiments.recommend_words import describe

    obj = check_objective(objective, min_survival)
    floor = 0.0 if obj.name == "survival" else float(min_survival)
    week = result.steps
    rng = np.random.default_rng(BOOT_SEED)
    values = obj.per_seed(result, week)
    alive = alive_at(result, week)
    order = rank(result, obj, floor, week)
    labels = result.labels
    runs = result.runs
    ranking = []
    for place, k in enumerate(order, start=1):
        mine = runs[runs["option"] == labels[k]]
        survivors = mine[mine["survived"] > 0]
        ranking.append(
            {
                "rank": place,
                "option": labels[k],
                "median": float(
                    values[k].mean() if obj.name == "survival" else np.median(values[k])
                ),
                "survival": float(alive[k].mean()),
                "meets_floor": bool(alive[k].mean() >= floor - 1e-12),
                "deaths": int((~alive[k]).sum()),
                "cash_low_p10_survivors": float(survivors["cash_min"].quantile(0.1))
                if len(survivors)
                else math.nan,
            }
        )
    pairs = [
        compare(labels[i], values[i], labels[j], values[j], obj.name == "survival", rng)
        for n, i in enumerate(order)
        for j in order[n + 1 :]
    ]
    best = ranking[0]["option"] if ranking[0]["meets_floor"] else None
    rivals = [p for p in pairs if p.a == best and _meets(ranking, p.b)] if best else []
    unseparated = [p for p in rivals if not p.separated]
    needs = [p.seeds_to_separate() for p in unseparated if p.seeds_to_separate() is not None]
    rec = Recommendation(
        objective=obj.name,
        objective_label=obj.label,
        min_survival=floor,
        week=week,
        seeds=len(result.seeds),
        ranking=ranking,
        pairs=pairs,
        best=best,
        separated=best is not None and not unseparated,
        seeds_needed=max(needs) if needs else None,
    )
    if week >= FIVE_YEARS:
        rec.ranking_2y = [labels[k] for k in rank(result, obj, floor, TWO_YEARS)]
        rec.ranking_5y = [labels[k] for k in rank(result, obj, floor, FIVE_YEARS)]
        for name, w in (("survival_2y", TWO_YEARS), ("survival_5y", FIVE_YEARS)):
            shares = alive_at(result, w).mean(axis=1).tolist()
            setattr(rec, name, dict(zip(labels, shares, strict=True)))
    rec.lines = describe(rec, obj, unseparated, rivals)
    return rec


def _meets(ranking: list[dict[str, Any]], label: str) -> bool:
    return next(r["meets_floor"] for r in ranking if r["option"] == label)


def pair_text(p: Pair, is_money: bool) -> str:
    """``"better in 17 of 20 seeds (median +$1.2M, 95% interval ...)"``."""
    fmt = (lambda x: usd(x, sign=True)) if is_money else (lambda x: f"{x * 100:+.0f} points")
    what = "median" if is_money else "survival"
    interval = (
        f"{CONFIDENCE:.0%} interval {fmt(p.ci_low)} to {fmt(p.ci_high)}"
        if math.isfinite(p.ci_low)
        else "too few seeds for an interval"
    )
    even = f", {p.ties} even" if p.ties else ""
    seeds = "seed" if p.n == 1 else "seeds"
    return f"better in {p.wins} of {p.n} {seeds}{even} ({what} {fmt(p.difference)}, {interval})"
