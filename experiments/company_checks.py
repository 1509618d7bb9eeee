"""Company-level checks of the model issue: does a company in the model behave like one?

Three questions, each answered over seeds never used for tuning (the study's
:class:`numpy.random.SeedSequence` from root seed :data:`ROOT_SEED`; tuning used raw
seeds 101-120):

1. **Reps that pay.** In the default market reps win 2-8 times their loaded yearly cost
   in new ACV (weeks 52-260, :func:`experiments.calibration.new_acv_per_rep_cost`); a
   direct focal company at an enterprise seat price wins at least twice what its reps
   cost; hiring follows bookings, so a company that sells well ends with more reps than
   one that sells badly (the lever: the product's quality).
2. **A demand curve.** A focal hybrid at seat prices from 5 to 200 USD: customers fall
   as the price rises and ARR peaks at an interior price. The same prices again in a
   control market where every sales team is held (:data:`HELD_TEAMS`), which separates
   the buyers' answer to the price from the team the price's bookings pay for.
3. **Each motion wins where the essays put it.** In four markets the focal company runs
   as each motion on the same seeds; a run is worth ``5 x ARR + cash`` at the horizon
   (0 if it died, :func:`experiments.winner_map.worth`) and the essays' ordering of the
   median worths is checked.

Every focal option of one market runs in one :func:`experiments.study.study` (common
random numbers: option k and option j on seed i meet the same rivals and buyers). The
market's own ratio comes from runs of the scenario without a focal company on the same
seeds. Nothing here is tuned: the settings are the issue's, fixed before any run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration import REP_WINDOW
from experiments.io import seeded_metadata
from experiments.levers import Expect, verdict
from experiments.paired import PairedEffect
from experiments.winner_map import MOTIONS, worth

ROOT_SEED = 2026
"""Root of the report's seeds; tuning used raw seeds 101-120, never this sequence."""

REP_BAND = (2.0, 8.0)
"""New ACV won per rep-year over a rep's loaded yearly cost, weeks 52-260 (the issue)."""
FOCAL_REP_FLOOR = 2.0
"""A direct company at an enterprise price wins at least this many times its rep cost."""
REP_PRICES = (25.0, 60.0, 100.0)
ENTERPRISE_PRICE = 100.0
"""The price at which item 1's focal floor is checked (an enterprise ACV)."""
HIRING_PRICE = 25.0
HIRING = {"sells well": 0.9, "sells badly": 0.4}
"""Item 1's hiring lever: a direct company's quality at ``HIRING_PRICE``."""
DEMAND_PRICES = (5.0, 10.0, 25.0, 50.0, 100.0, 200.0)
DEFAULT = "default_market"
HELD = "held_teams"
HELD_TEAMS = {"rep_quota": 0.0, "rep_hiring_rate": 0.0, "rep_attrition": 0.0, "layoff_floor": 0.0}
"""Item 2's control market: nobody hires from bookings, lays off or loses a rep (the
switches of ``sales_web_fixed``). In the default market a hybrid's team is sized to what
it books, so a low price also buys a small team; held, only the buyers answer the price."""
HELD_FOCAL = {"initial_reps": 3, "initial_cash": 1e9}
"""My company in the control market: three reps, a small team like the one a hybrid of the
default market peaks at, and cash enough never to exit, so every price sells for the whole
run (set on tuning seeds 101-110 before the report's seeds ran)."""


@dataclass(frozen=True)
class Condition:
    """A market for item 3: my company's traits, the market's changes, what should win.

    ``beats`` lists (winner, loser) pairs of motions whose median worth the essays order;
    ``alive`` asks instead that every motion be alive: median ARR above 0 and survival
    at least one half; ``claim`` says what a market that compares no motions checks.
    """

    key: str
    title: str
    focal: dict[str, Any] = field(default_factory=dict)
    market: dict[str, Any] = field(default_factory=dict)
    beats: tuple[tuple[str, str], ...] = ()
    essays: str = ""
    alive: bool = False
    claim: str = ""

    def expected(self) -> str:
        if self.claim:  # a market that compares no motions says what it checks
            return self.claim
        if self.alive:
            return "every motion alive: median ARR > 0 and survival >= 50%"
        return "; ".join(f"{w} beats {lo}" for w, lo in self.beats)


CONDITIONS: tuple[Condition, ...] = (
    Condition(
        "viral_collaboration",
        "a viral collaboration product at a low seat price where the user can buy",
        {"virality": 0.008, "collaborative": True, "seat_price": 10.0},
        {"user_is_buyer": 1.0},
        (("bottoms_up", "direct"),),
        "seed 000, seed 001",
    ),
    Condition(
        "infrastructure",
        "infrastructure at a high seat price where the user is not the buyer",
        {"virality": 0.0003, "collaborative": False, "seat_price": 100.0},
        {"user_is_buyer": 0.1},
        (("direct", "bottoms_up"),),
        "seed 000, seed 003",
    ),
    Condition(
        "viral_enterprise_price",
        "a viral product at an enterprise seat price",
        {"virality": 0.008, "collaborative": True, "seat_price": 100.0},
        {"user_is_buyer": 0.5},
        (("hybrid", "bottoms_up"), ("hybrid", "direct")),
        "seed 003",
    ),
    Condition(DEFAULT, "the default market", alive=True, essays="all five seeds"),
)
"""The markets where the motions are compared (item 3); the default one also holds the
demand curve and items 1's runs."""

DEMAND_CONTROL = Condition(
    HELD,
    "the default market with every sales team held",
    market=HELD_TEAMS,
    claim="customers fall and ARR peaks at an interior price",
)
"""Item 2's control: the demand curve again with teams that neither grow nor shrink."""

MARKETS: tuple[Condition, ...] = (*CONDITIONS, DEMAND_CONTROL)
"""Every market the checks run, one study each."""

DEMAND_ITEMS = {"demand": DEFAULT, "demand_held": HELD}
"""Item 2's curves: the item and the market (condition) it runs in."""


@dataclass(frozen=True)
class Plan:
    """One focal option: its label, the item and market it belongs to, its settings."""

    label: str
    item: str
    condition: str
    settings: dict[str, Any]


def plans(condition: Condition) -> list[Plan]:
    """The focal options run in ``condition``'s market; the default market also holds
    items 1 and 2 (reps that pay, hiring, the demand curve); the control market only the
    demand curve with the team held."""
    if condition.key == HELD:
        return [
            Plan(f"hybrid seat_price={p:g}", "demand_held", HELD,
                 {"strategy": "hybrid", "seat_price": p, **HELD_FOCAL})
            for p in DEMAND_PRICES
        ]  # fmt: skip
    out = [Plan(m, "motions", condition.key, {"strategy": m, **condition.focal}) for m in MOTIONS]
    if condition.key == DEFAULT:
        out += [
            Plan(
                f"direct seat_price={p:g}", "reps", DEFAULT, {"strategy": "direct", "seat_price": p}
            )
            for p in REP_PRICES
        ]
        out += [
            Plan(name, "hiring", DEFAULT,
                 {"strategy": "direct", "seat_price": HIRING_PRICE, "quality": q})
            for name, q in HIRING.items()
        ]  # fmt: skip
        out += [
            Plan(
                f"hybrid seat_price={p:g}",
                "demand",
                DEFAULT,
                {"strategy": "hybrid", "seat_price": p},
            )
            for p in DEMAND_PRICES
        ]
    return out


# ---------------------------------------------------------------------- the runs
@dataclass
class CompanyResult:
    """Every run: ``frame`` one row per run (market runs have item ``market``),
    ``weekly`` the focal company's reps, ARR and rep-won ACV per week."""

    frame: pd.DataFrame
    weekly: pd.DataFrame
    seeds: list[int]
    steps: int
    scenario: str
    overrides: dict[str, Any] = field(default_factory=dict)
    root_seed: int = ROOT_SEED

    def metadata(self) -> dict[str, Any]:
        conditions = {
            c.key: {"focal": c.focal, "market": c.market, "expected": c.expected()} for c in MARKETS
        }
        worth = "5 x ARR + cash at the horizon; 0 if the company died"
        return seeded_metadata(self, "salesweb company", {"conditions": conditions}, worth=worth)


def run_company(
    seeds: int,
    steps: int | None = None,
    *,
    scenario: str = "default",
    overrides: Mapping[str, Any] | None = None,
    workers: int | None = None,
    root_seed: int = ROOT_SEED,
    progress: Callable[[int, int], None] | None = None,
) -> CompanyResult:
    """Run the market on its own and every focal option of every condition on the same seeds."""
    from experiments.study import study, study_seeds
    from sim.params import defaults
    from sim.scenarios import load_scenario

    overrides = dict(overrides or {})
    run_seeds = study_seeds(seeds, root_seed)
    steps = int(steps or load_scenario(scenario).model_kwargs(**overrides).get("horizon", 260))
    runs_total = len(run_seeds) * (1 + sum(len(plans(c)) for c in MARKETS))
    done_runs = [0]

    def report(done: int, total: int) -> None:  # a study's weeks, on the whole report's scale
        if progress is not None and total:
            progress((done_runs[0] * steps) + done, runs_total * steps)

    frames, weekly = [_market_runs(scenario, run_seeds, steps, overrides, workers)], []
    done_runs[0] += len(run_seeds)
    report(0, 1)
    for cond in MARKETS:
        options = plans(cond)
        result = study(
            scenario,
            {p.label: p.settings for p in options},
            run_seeds,
            steps,
            workers=workers,
            progress=report,
            root_seed=root_seed,
            overrides={**overrides, **cond.market},
        )
        assert result is not None  # nothing cancels it
        done_runs[0] += len(options) * len(run_seeds)
        market = {
            **defaults(),
            **load_scenario(scenario).model_kwargs(**{**overrides, **cond.market}),
        }
        frames.append(_focal_frame(result, options, cond, market["user_is_buyer"]))
        weekly.append(_weekly(result, options))
    frame = pd.concat(frames, ignore_index=True)
    return CompanyResult(
        frame, pd.concat(weekly, ignore_index=True), run_seeds, steps,
        scenario, overrides, int(root_seed),
    )  # fmt: skip


def _market_runs(scenario, seeds, steps, overrides, workers) -> pd.DataFrame:
    """The scenario without a focal company: calibration's outputs per seed."""
    from experiments.calibration import run_outputs

    args = [(scenario, s, steps, overrides) for s in seeds]
    if workers == 1:
        rows = [run_outputs(*a) for a in args]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            rows = list(pool.map(run_outputs, *zip(*args, strict=True)))
    out = pd.DataFrame(rows)
    out.insert(0, "seed", np.asarray(seeds, dtype=np.int64))
    out.insert(0, "option", "market")
    out.insert(0, "condition", DEFAULT)
    out.insert(0, "item", "market")
    return out


def _focal_frame(
    result, options: Sequence[Plan], cond: Condition, user_is_buyer: float
) -> pd.DataFrame:
    runs = result.runs.copy()
    by_label = {p.label: p for p in options}
    lo, hi = REP_WINDOW
    k_of = {label: k for k, label in enumerate(result.labels)}
    rows = []
    for row in runs.itertuples(index=False):
        plan = by_label[row.option]
        k, i = k_of[row.option], row.replicate
        rep_weeks = float(result.reps[k, i, lo : hi + 1].sum())
        won = float(result.rep_won[k, i, lo : hi + 1].sum())
        rows.append(
            {
                "item": plan.item,
                "condition": cond.key,
                "option": row.option,
                "strategy": plan.settings["strategy"],
                "seat_price": float(plan.settings.get("seat_price", math.nan)),
                "quality": float(plan.settings.get("quality", math.nan)),
                "virality": float(plan.settings.get("virality", math.nan)),
                "collaborative": float(plan.settings.get("collaborative", math.nan)),
                "user_is_buyer": float(user_is_buyer),
                "seed": int(row.seed),
                "worth": float(worth(row.arr, row.cash, row.survived)),
                "acv_per_rep_cost_run": _ratio(row.rep_won_acv, row.rep_spend),
                "acv_per_rep_cost_window": _ratio(won, rep_weeks * row.rep_cost),
                "reps_peak": float(result.reps[k, i].max()),
            }
        )
    extra = pd.DataFrame(rows)
    keep = [c for c in runs.columns if c not in ("option", "seed", "replicate")]
    return pd.concat([extra, runs[keep].reset_index(drop=True)], axis=1)


def _weekly(result, options: Sequence[Plan]) -> pd.DataFrame:
    n_opt, n_seed, n_week = result.reps.shape
    return pd.DataFrame(
        {
            "condition": options[0].condition,
            "option": np.repeat(result.labels, n_seed * n_week),
            "seed": np.tile(np.repeat(np.asarray(result.seeds, dtype=np.int64), n_week), n_opt),
            "week": np.tile(np.arange(n_week), n_opt * n_seed),
            "reps": result.reps.reshape(-1),
            "arr": result.arr.reshape(-1),
            "rep_won": result.rep_won.reshape(-1),
        }
    )


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den > 0 else math.nan


# ---------------------------------------------------------------------- statistics
def spread(values: Any) -> dict[str, float]:
    """Median, quartiles, mean, standard error and count of the finite values."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    n = len(v)
    if not n:
        return {"median": math.nan, "p25": math.nan, "p75": math.nan,
                "mean": math.nan, "se": math.nan, "n": 0}  # fmt: skip
    p25, med, p75 = np.percentile(v, [25, 50, 75])
    se = float(v.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    return {"median": float(med), "p25": float(p25), "p75": float(p75),
            "mean": float(v.mean()), "se": se, "n": n}  # fmt: skip


def wide(frame: pd.DataFrame, condition: str, column: str, options: Sequence[str]) -> pd.DataFrame:
    """``column`` per seed (rows) and option (columns) in one condition, seeds paired."""
    part = frame[(frame["condition"] == condition) & frame["option"].isin(options)]
    table = part.pivot(index="seed", columns="option", values=column)
    missing = [o for o in options if o not in table.columns]
    if missing or table.isna().all(axis=0).any():
        raise ValueError(f"{condition}: no runs of {', '.join(missing) or 'some option'}")
    return table[list(options)]


def market_ratio(frame: pd.DataFrame) -> dict[str, Any]:
    """Item 1's market claim: new ACV per rep-year over a rep's cost, mean ± SE over seeds."""
    s = spread(frame.loc[frame["item"] == "market", "acv_per_rep_cost"])
    s["holds"] = bool(REP_BAND[0] <= s["mean"] <= REP_BAND[1])
    return s


def rep_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Item 1 per seat price: the focal direct company's rep-won ACV over its rep cost
    (whole run and weeks 52-260), its mean rep-won deal, survival and ARR."""
    rows = []
    for p in REP_PRICES:
        r = frame[(frame["item"] == "reps") & (frame["seat_price"] == p)]
        run, win = spread(r["acv_per_rep_cost_run"]), spread(r["acv_per_rep_cost_window"])
        deal = spread(r["rep_won_acv"] / r["rep_won_deals"].where(r["rep_won_deals"] > 0))
        rows.append(
            {
                "seat_price": p,
                **{f"run_{k}": v for k, v in run.items()},
                **{f"window_{k}": v for k, v in win.items()},
                "deal_mean": deal["mean"], "deal_se": deal["se"], "deal_n": deal["n"],
                "rep_won_acv_median": float(r["rep_won_acv"].median()),
                "rep_spend_median": float(r["rep_spend"].median()),
                "survival": float(r["survived"].mean()),
                "arr_median": float(r["arr"].median()),
            }
        )  # fmt: skip
    return pd.DataFrame(rows)


def hiring_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Item 1's hiring lever: per decision, reps at the start, peak and end, what its
    reps won, survival; the paired effect of the first decision over the second."""
    labels = list(HIRING)
    rows = []
    for label in labels:
        r = frame[(frame["condition"] == DEFAULT) & (frame["option"] == label)]
        rows.append(
            {
                "option": label,
                "quality": HIRING[label],
                "reps_end": spread(r["reps"]),
                "reps_peak_median": float(r["reps_peak"].median()),
                "rep_won": spread(r["rep_won_acv"]),
                "survival": float(r["survived"].mean()),
                "arr_median": float(r["arr"].median()),
            }
        )
    return pd.DataFrame(rows).set_index("option")


def hiring_effects(frame: pd.DataFrame) -> dict[str, PairedEffect]:
    """Paired effects (sells well minus sells badly) on end reps and rep-won ACV."""
    well, badly = HIRING
    out = {}
    for column in ("reps", "rep_won_acv", "arr"):
        w = wide(frame, DEFAULT, column, [well, badly])
        out[column] = PairedEffect.of(w[well].to_numpy(), w[badly].to_numpy())
    return out


def more(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """``a`` above ``b`` on the median, or on the mean where the medians are equal."""
    if a["median"] != b["median"]:
        return bool(a["median"] > b["median"])
    return bool(a["mean"] > b["mean"])


def demand_table(frame: pd.DataFrame, item: str = "demand") -> pd.DataFrame:
    """One of item 2's curves per seat price: customers and ARR (median, quartiles, mean,
    SE), the rep-years the company paid for (mean, SE) and survival."""
    rows = []
    for p in DEMAND_PRICES:
        r = frame[(frame["item"] == item) & (frame["seat_price"] == p)]
        rows.append(
            {"seat_price": p, "customers": spread(r["customers"]), "arr": spread(r["arr"]),
             "rep_years": spread(r["rep_years"]), "survival": float(r["survived"].mean())}
        )  # fmt: skip
    return pd.DataFrame(rows)


def demand_verdicts(frame: pd.DataFrame, item: str = "demand") -> dict[str, Any]:
    """Customers fall with price (top against bottom, and monotone); where ARR peaks,
    and the paired z of the peak against each neighbour."""
    table = demand_table(frame, item)
    prices = table["seat_price"].to_numpy()
    customers = [c["median"] for c in table["customers"]]
    arr = np.array([a["median"] for a in table["arr"]])
    falls = verdict(prices, customers, Expect("customers", "down"))
    peak = verdict(prices, arr, Expect("arr", "peak"))
    top = int(np.argmax(arr))
    labels = [f"hybrid seat_price={p:g}" for p in prices]
    w = wide(frame, DEMAND_ITEMS[item], "arr", labels)
    neighbours = {}
    for j in (top - 1, top + 1):
        if 0 <= j < len(prices):
            neighbours[float(prices[j])] = PairedEffect.of(
                w[labels[top]].to_numpy(), w[labels[j]].to_numpy()
            )
    where = (
        "interior"
        if 0 < top < len(prices) - 1
        else ("lowest price" if top == 0 else "highest price")
    )
    return {"customers_fall": falls, "arr_peak": peak, "peak_price": float(prices[top]),
            "peak_where": where, "neighbours": neighbours}  # fmt: skip


def win_shares(worths: pd.DataFrame) -> pd.Series:
    """Share of seeds on which each column is worth the most (a tie of k gives 1/k each)."""
    v = worths.to_numpy(dtype=float)
    best = v == v.max(axis=1, keepdims=True)
    return pd.Series((best / best.sum(axis=1, keepdims=True)).mean(axis=0), index=worths.columns)


def ordering_holds(medians: Mapping[str, float], beats: Sequence[tuple[str, str]]) -> bool:
    """Every (winner, loser) pair has the winner's median strictly above the loser's."""
    return all(medians[w] > medians[lo] for w, lo in beats)


def alive_holds(arr_medians: Mapping[str, float], survival: Mapping[str, float]) -> bool:
    """Every motion has median ARR above 0 and survival of at least one half."""
    return all(arr_medians[m] > 0 and survival[m] >= 0.5 for m in arr_medians)


def motion_table(frame: pd.DataFrame, condition: Condition) -> dict[str, Any]:
    """Item 3 in one market: per motion median and mean worth, win share, survival,
    median ARR; the paired effects between the motions compared; the verdict."""
    motions = list(MOTIONS)
    worths = wide(frame, condition.key, "worth", motions)
    arr = wide(frame, condition.key, "arr", motions)
    alive = wide(frame, condition.key, "survived", motions)
    shares = win_shares(worths)
    per = pd.DataFrame(
        {"median_worth": worths.median(), "mean_worth": worths.mean(), "win_share": shares,
         "survival": alive.mean(), "median_arr": arr.median()}
    )  # fmt: skip
    effects = {
        (w, lo): PairedEffect.of(worths[w].to_numpy(), worths[lo].to_numpy())
        for w, lo in condition.beats
    }
    if condition.alive:
        holds = alive_holds(per["median_arr"].to_dict(), per["survival"].to_dict())
    else:
        holds = ordering_holds(per["median_worth"].to_dict(), condition.beats)
    return {"per_motion": per, "effects": effects, "holds": holds, "seeds": len(worths)}
