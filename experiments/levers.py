"""Lever response: how my company's outcomes answer each lever it pulls.

A decision study only means something if the levers act like levers: more marketing
buys more users, more reps win more customers, better quality keeps them, more cash
keeps the company alive, and a higher price sells fewer seats for more each. Item 3 of
the model issue asks for each lever's response over seeds, with the direction every
outcome is expected to move; this module holds those expectations and checks them, so
a mechanism change that breaks a lever shows up as a failed direction, not as an odd
study result months later.

Every value of every lever is one option of a single decision study
(:func:`experiments.study.study`): all of them run on the same seeds (common random
numbers: the same rivals, the same market) in one worker pool, and only the focal
company's trait differs. The result is a tidy frame, one row per (lever, level, seed,
outcome).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.io import seeded_metadata
from sim.params import ParameterError

OUTCOMES: dict[str, str] = {
    "users": "users at the horizon",
    "users_peak": "most users in any week (before a death takes them away)",
    "customers": "paying enterprises at the horizon",
    "arr": "ARR at the horizon (USD)",
    "cash": "cash at the horizon (USD; at exit for a company that died)",
    "survived": "share of seeds alive at the horizon",
    "rep_spend": "rep cost paid over the run (USD)",
    "new_arr_per_rep_year": "new ARR booked per rep-year over the run (USD)",
    "launch_acv_per_rep_year": "ACV won per rep-year in the launch year (USD)",
    "nrr": "net revenue retention, last year",
    "logo_retention": "logo retention, last year",
}
"""Outcomes a lever may read: end figures of :func:`experiments.study.run_one`."""

RATES = frozenset({"survived"})
"""0/1 outcomes: their centre is the share of seeds (a median of 0s and 1s only says
which side of one half the share is), their band the share ± one standard error."""

DIRECTIONS = ("up", "down", "peak", "pays_back")


@dataclass(frozen=True)
class Expect:
    """How one outcome should answer the lever.

    ``up`` / ``down``: the top level's centre beats the bottom level's, and the centres
    move monotonically (ties allowed). ``peak``: the highest centre is at an interior
    level, rising to it and falling after. ``pays_back``: the centre at level ``at``
    beats the bottom level's. ``diminishing``: the gain per unit of lever falls from
    each level to the next (a concave response).
    """

    outcome: str
    direction: str
    diminishing: bool = False
    at: float | None = None

    def describe(self) -> str:
        if self.direction == "pays_back":
            text = f"higher at {self.at:g} than at the bottom level"
        else:
            text = {"up": "rises", "down": "falls", "peak": "peaks inside the range"}[
                self.direction
            ]
        return text + (", with diminishing returns" if self.diminishing else "")


@dataclass(frozen=True)
class Lever:
    """One focal trait, the levels it takes, the motion it needs and what it should move."""

    name: str
    values: tuple[float, ...]
    strategy: str
    outcomes: tuple[str, ...]
    expects: tuple[Expect, ...]
    claim: str
    unit: str = ""
    product: dict[str, Any] = field(default_factory=dict)
    """My company's other traits the claim is about (e.g. a product that converts)."""

    def label(self, value: float) -> str:
        return f"{self.name}={value:g}"

    def settings(self, value: float) -> dict[str, Any]:
        """My company's settings at one level: the lever's motion, its product and the trait."""
        return {"strategy": self.strategy, **self.product, self.name: value}


CONVERTING_PRODUCT: dict[str, Any] = {"virality": 0.004}
"""A product that converts: its users bring their colleagues (virality 0.004 a
colleague-week, eight times the reference), so a sign-up marketing buys grows into a team
that buys."""

LEVERS: dict[str, Lever] = {
    lever.name: lever
    for lever in (
        Lever(
            "marketing_spend",
            (0, 1_000, 2_000, 5_000, 10_000, 20_000),
            "bottoms_up",
            ("users", "users_peak", "customers", "arr", "cash", "survived"),
            (
                Expect("users", "up", diminishing=True),
                Expect("users_peak", "up", diminishing=True),
                Expect("customers", "up"),
                Expect("arr", "up"),
                Expect("cash", "pays_back", at=2_000),
            ),
            "More marketing buys more users with diminishing returns, and pays back at "
            "modest spend for a product that converts (here a product whose users bring "
            "colleagues: virality 0.004 a colleague-week; at the default "
            "virality a bottoms-up company's sign-ups barely convert and marketing only "
            "shortens its runway, docs/validation/levers.md shows both).",
            "USD a week",
            product=CONVERTING_PRODUCT,
        ),
        Lever(
            "virality",
            (0.0, 0.0005, 0.001, 0.002, 0.004, 0.008),
            "bottoms_up",
            ("users", "users_peak", "customers", "arr", "cash", "survived"),
            (
                Expect("users", "up"),
                Expect("users_peak", "up"),
                Expect("customers", "up"),
                Expect("arr", "up"),
            ),
            "More virality spreads use further.",
            "per colleague-week",
        ),
        Lever(
            "initial_reps",
            (1, 2, 3, 5, 8, 12),
            "direct",
            (
                "customers",
                "arr",
                "rep_spend",
                "launch_acv_per_rep_year",
                "new_arr_per_rep_year",
                "survived",
            ),
            (
                Expect("customers", "up", diminishing=True),
                Expect("arr", "up"),
                Expect("rep_spend", "up"),
                Expect("launch_acv_per_rep_year", "down"),
            ),
            "More reps win more customers with diminishing returns (buyers' attention is "
            "shared): each rep of a bigger launch team wins less in the launch year, the "
            "year the team's size is the decision. Afterwards hiring follows bookings and "
            "the teams converge: on tuning root 101 (20 seeds) every launch team from 1 to "
            "12 reps averages 1.0-1.15 reps from week 156, and its reps win 2 to 5 times "
            "less per rep-year after the first year than in it (4.6 for a team of one, 2.2 "
            "for twelve; `PYTHONPATH=. python -m "
            "experiments.investigations.launch_team`). New ARR per rep-year over the whole "
            "run is therefore shown without a verdict: it mixes the two yields in "
            "proportions the launch team sets, and rose from 1 to 5 reps on root 0 and on "
            "root 101 when this page expected it to fall.",
            "reps",
        ),
        Lever(
            "quality",
            (0.3, 0.5, 0.7, 0.85, 1.0),
            "hybrid",
            ("arr", "nrr", "logo_retention", "users", "customers", "survived"),
            (Expect("arr", "up"), Expect("nrr", "up"), Expect("logo_retention", "up")),
            "Better quality raises ARR and retention.",
            "score",
        ),
        Lever(
            "initial_cash",
            (250_000, 500_000, 1_000_000, 2_000_000, 4_000_000),
            "bottoms_up",
            ("survived", "cash", "arr"),
            (Expect("survived", "up"),),
            "More cash raises survival, for a company whose revenue comes slowly: a bottoms-up "
            "company (a hybrid's reps bring revenue within months, and it survived at 0.9-1 "
            "from 250k up on root 0: a ceiling, not a lever).",
            "USD",
        ),
        Lever(
            "seat_price",
            (5, 10, 25, 50, 100, 200),
            "hybrid",
            ("customers", "arr", "users", "cash", "survived"),
            (Expect("customers", "down"), Expect("arr", "peak")),
            "Customers fall as the price rises, and ARR peaks at an interior price (a demand curve).",
            "USD a seat a month",
        ),
    )
}


def choose(names: Sequence[str] | None) -> list[Lever]:
    """The levers named (all of them for none), in the order given, or a ParameterError."""
    if not names:
        return list(LEVERS.values())
    unknown = [n for n in names if n not in LEVERS]
    if unknown:
        raise ParameterError(
            f"--lever {unknown[0]!r} is not a lever; expected one of {', '.join(LEVERS)}"
        )
    return [LEVERS[n] for n in dict.fromkeys(names)]


# ---------------------------------------------------------------------- the runs
@dataclass
class LeverResult:
    """Every run's outcomes as a tidy frame, with the inputs that produced them."""

    levers: list[Lever]
    frame: pd.DataFrame  # lever, level, seed, outcome, value
    seeds: list[int]
    steps: int
    scenario: str
    overrides: dict[str, Any] = field(default_factory=dict)
    root_seed: int = 0

    def metadata(self) -> dict[str, Any]:
        levers = {
            lv.name: {"values": list(lv.values), "strategy": lv.strategy} for lv in self.levers
        }
        return seeded_metadata(self, "salesweb levers", {"levers": levers})


def run_levers(
    levers: Sequence[Lever],
    seeds: int,
    steps: int | None = None,
    *,
    scenario: str = "default",
    overrides: Mapping[str, Any] | None = None,
    workers: int | None = None,
    root_seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> LeverResult:
    """Run every level of every lever for the focal company on the same ``seeds``."""
    from experiments.study import Option, study

    if not levers:
        raise ParameterError("give at least one lever")
    options, where = [], {}
    for lever in levers:
        for value in lever.values:
            label = lever.label(value)
            options.append(Option(label, lever.settings(value)))
            where[label] = (lever.name, float(value))
    result = study(
        scenario,
        options,
        seeds,
        steps,
        workers=workers,
        progress=progress,
        root_seed=root_seed,
        overrides=dict(overrides or {}),
    )
    assert result is not None  # nothing cancels it
    frame = tidy(result.runs, where, {lv.name: lv.outcomes for lv in levers})
    return LeverResult(
        list(levers), frame, result.seeds, result.steps, result.scenario,
        dict(overrides or {}), root_seed,
    )  # fmt: skip


def tidy(
    runs: pd.DataFrame, where: Mapping[str, tuple[str, float]], outcomes: Mapping[str, Sequence]
) -> pd.DataFrame:
    """A study's runs (one row per option and seed) as rows of (lever, level, seed,
    outcome, value), keeping each lever's own outcomes."""
    parts = []
    for label, (lever, level) in where.items():
        rows = runs[runs["option"] == label]
        long = rows.melt(id_vars=["seed"], value_vars=list(outcomes[lever]), var_name="outcome")
        long.insert(0, "level", level)
        long.insert(0, "lever", lever)
        parts.append(long)
    frame = pd.concat(parts, ignore_index=True)
    frame["value"] = frame["value"].astype(float)
    frame["seed"] = frame["seed"].astype(np.int64)
    return frame[["lever", "level", "seed", "outcome", "value"]]


# ---------------------------------------------------------------------- statistics
def summarise(frame: pd.DataFrame) -> pd.DataFrame:
    """Per lever, level and outcome: centre (median, or share for a rate), quartiles
    (share ± SE for a rate), mean, standard error and seeds with a value."""

    def one(values: pd.Series) -> pd.Series:
        v = values.dropna().to_numpy()
        n = len(v)
        mean = float(v.mean()) if n else math.nan
        se = float(v.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        if values.name in RATES:
            centre, low, high = mean, mean - (se if n > 1 else 0), mean + (se if n > 1 else 0)
        else:
            centre, low, high = (
                (float(np.median(v)), *map(float, np.percentile(v, [25, 75])))
                if n
                else (math.nan,) * 3
            )
        return pd.Series(
            {"centre": centre, "low": low, "high": high, "mean": mean, "se": se, "n": n}
        )

    rows = []
    for (lever, level, outcome), g in frame.groupby(["lever", "level", "outcome"], sort=False):
        stats = one(g["value"].rename(outcome))
        rows.append({"lever": lever, "level": level, "outcome": outcome, **stats})
    return pd.DataFrame(rows)


def verdict(levels: Sequence[float], centres: Sequence[float], expect: Expect) -> dict[str, Any]:
    """Whether ``centres`` (one per level, levels ascending) move as ``expect`` says.

    Returns ``holds`` (the direction: top against bottom, the interior peak, or the
    payback), ``monotone`` (every step in that direction, ties allowed; None where it
    does not apply) and ``diminishing`` (None unless expected). Levels whose centre is
    NaN (an outcome undefined on every seed) are left out; with fewer than two left,
    nothing holds.
    """
    x = np.asarray(levels, dtype=float)
    y = np.asarray(centres, dtype=float)
    keep = np.isfinite(y)
    x, y = x[keep], y[keep]
    out: dict[str, Any] = {"holds": False, "monotone": None, "diminishing": None}
    if len(y) < 2:
        return out
    steps = np.diff(y)
    if expect.direction in ("up", "down"):
        sign = 1.0 if expect.direction == "up" else -1.0
        out["holds"] = bool(sign * (y[-1] - y[0]) > 0)
        out["monotone"] = bool(out["holds"] and np.all(sign * steps >= 0))
    elif expect.direction == "peak":
        top = int(np.argmax(y))
        out["holds"] = bool(0 < top < len(y) - 1 and y[top] > max(y[0], y[-1]))
        out["monotone"] = bool(
            out["holds"] and np.all(steps[:top] >= 0) and np.all(steps[top:] <= 0)
        )
    elif expect.direction == "pays_back":
        at = np.flatnonzero(np.isclose(x, float(expect.at)))
        out["holds"] = bool(len(at) and y[at[0]] > y[0])
    else:
        raise ValueError(f"unknown direction {expect.direction!r}; expected one of {DIRECTIONS}")
    if expect.diminishing and out["holds"]:
        slopes = steps / np.diff(x)
        out["diminishing"] = bool(np.all(np.diff(slopes) <= 0))
    return out


def checks(
    summary: pd.DataFrame, levers: Sequence[Lever], frame: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per (lever, expected outcome): the expectation and its verdict, and with
    the runs' ``frame`` the paired z of the comparison (:func:`paired_z`)."""
    rows = []
    for lever in levers:
        for expect in lever.expects:
            s = summary[(summary["lever"] == lever.name) & (summary["outcome"] == expect.outcome)]
            s = s.sort_values("level")
            row = {
                "lever": lever.name,
                "strategy": lever.strategy,
                "outcome": expect.outcome,
                "expected": expect.describe(),
                **verdict(s["level"].to_numpy(), s["centre"].to_numpy(), expect),
            }
            if frame is not None:
                mine = frame[(frame["lever"] == lever.name) & (frame["outcome"] == expect.outcome)]
                row["z"], row["pairs"] = paired_z(mine, s, expect)
            rows.append(row)
    return pd.DataFrame(rows)


def adjacent_steps(frame: pd.DataFrame, lever: Lever) -> pd.DataFrame:
    """Each expected outcome's paired step from every level to the next.

    The verdicts read medians, which over a few tens of seeds can dip between two
    levels whose true centres rise. Each step here is the mean over seeds of the
    difference (same seed, next level minus this one) with its standard error, and how
    many seeds moved up, so that a reader can tell a dip within the noise from a
    response that turns. Rows: ``outcome, low, high, mean, se, up, pairs``.
    """
    rows = []
    mine = frame[frame["lever"] == lever.name]
    for expect in lever.expects:
        wide = mine[mine["outcome"] == expect.outcome].pivot(
            index="seed", columns="level", values="value"
        )
        levels = sorted(wide.columns)
        for low, high in zip(levels[:-1], levels[1:], strict=False):
            d = (wide[high] - wide[low]).dropna().to_numpy(dtype=float)
            n = len(d)
            se = float(d.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
            rows.append(
                {
                    "outcome": expect.outcome,
                    "low": low,
                    "high": high,
                    "mean": float(d.mean()) if n else math.nan,
                    "se": se,
                    "up": int((d > 0).sum()),
                    "pairs": n,
                }
            )
    return pd.DataFrame(rows, columns=["outcome", "low", "high", "mean", "se", "up", "pairs"])


def first_and_last_gain(frame: pd.DataFrame, lever: Lever, outcome: str) -> dict[str, Any]:
    """The gain per unit of lever in the first step (lowest level to the next) and in the
    last (the level below the top to the top), per seed, and their paired difference.

    The ``diminishing`` verdict asks the medians to flatten at every step, which over a
    few tens of seeds one noisy step can break; this pairs each seed's first slope with
    its own last slope, so returns that fall show as a positive difference well clear
    of its standard error. Returns ``first`` and ``last`` (mean ± SE dicts) and
    ``fall`` (a :class:`~experiments.paired.PairedEffect`: first minus last).
    """
    from experiments.paired import PairedEffect

    mine = frame[(frame["lever"] == lever.name) & (frame["outcome"] == outcome)]
    wide = mine.pivot(index="seed", columns="level", values="value")
    x = sorted(wide.columns)
    if len(x) < 3:
        raise ValueError(f"{lever.name}: a first and a last step need three levels or more")
    first = ((wide[x[1]] - wide[x[0]]) / (x[1] - x[0])).to_numpy(dtype=float)
    last = ((wide[x[-1]] - wide[x[-2]]) / (x[-1] - x[-2])).to_numpy(dtype=float)
    fall = PairedEffect.of(first, last)

    def mean_se(v: np.ndarray) -> dict[str, float]:
        v = v[np.isfinite(v)]
        se = float(v.std(ddof=1) / math.sqrt(len(v))) if len(v) > 1 else math.nan
        return {"mean": float(v.mean()) if len(v) else math.nan, "se": se}

    return {"first": mean_se(first), "last": mean_se(last), "fall": fall,
            "steps": ((x[0], x[1]), (x[-2], x[-1]))}  # fmt: skip


def paired_z(runs: pd.DataFrame, summary: pd.DataFrame, expect: Expect) -> tuple[float, int]:
    """How sure the comparison behind ``holds`` is: the mean over seeds of the paired
    difference (same seed, two levels) in the expected direction, over its standard
    error. Top against bottom for up and down, the payback level against the bottom,
    and for a peak the smaller of the highest centre against either end. Positive:
    the expected way; infinite when every seed moves by the same amount, NaN with fewer
    than two seeds or no difference at all. Returned with the seeds it pairs (those with
    a value at both levels)."""
    wide = runs.pivot(index="seed", columns="level", values="value")
    levels = summary.dropna(subset=["centre"]).sort_values("level")["level"].to_numpy()
    if len(levels) < 2:
        return math.nan, 0

    def z(low: float, high: float, sign: float = 1.0) -> tuple[float, int]:
        d = (sign * (wide[high] - wide[low])).dropna().to_numpy()
        if len(d) < 2 or not d.any():
            return math.nan, len(d)
        if d.std(ddof=1) == 0:  # every seed moved by the same amount: as sure as can be
            return math.copysign(math.inf, d.mean()), len(d)
        return float(d.mean() / (d.std(ddof=1) / math.sqrt(len(d)))), len(d)

    if expect.direction in ("up", "down"):
        return z(levels[0], levels[-1], 1.0 if expect.direction == "up" else -1.0)
    if expect.direction == "pays_back":
        at = [lv for lv in levels if math.isclose(lv, float(expect.at))]
        return z(levels[0], at[0]) if at else (math.nan, 0)
    centres = summary.set_index("level").loc[levels, "centre"].to_numpy()
    top = levels[int(np.argmax(centres))]
    if top in (levels[0], levels[-1]):
        return math.nan, 0
    return min(z(levels[0], top), z(levels[-1], top), key=lambda zn: zn[0])
