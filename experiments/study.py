"""A decision study: the focal company's options compared over seeds.

"Should my startup sell bottoms-up, direct or hybrid?" is answered by running each
option for the focal company (``MarketModel(focal=...)``) on the same seeds: option k
and option j on seed i share one rng seed (common random numbers), so the same rivals
enter the same market and a paired difference measures the option, not luck.

Seeds come from one root seed through :class:`numpy.random.SeedSequence` (as the
sweeps do): replicate i runs with ``SeedSequence(root).spawn(n)[i]`` turned into a
32-bit integer, so any single run is reproduced by ``salesweb simulate --seed S``.
Runs go to worker processes forked from a forkserver that imported the model once
(safe from a threaded server), kept between studies when the caller keeps the pool
(:mod:`experiments.study_pool`); a killed worker loses only its unfinished runs, which
are run again on a fresh pool.
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim import kpis
from sim.params import STRATEGIES, VENDOR_TRAITS, ParameterError
from sim.scenarios import load_scenario

if TYPE_CHECKING:
    from experiments.study_pool import WarmPool

CONFIDENCE = 0.95
"""Level of the t interval on paired differences."""

MAX_RETRIES = 2
"""Fresh pools started after a worker died, before the study gives up."""

FOCAL_KEYS: tuple[str, ...] = ("strategy", *VENDOR_TRAITS)


@dataclass(frozen=True)
class Option:
    """One plan for the focal company: a label and its settings (focal keys)."""

    label: str
    settings: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        inner = ", ".join(f"{k}={v}" for k, v in self.settings.items())
        return f"{self.label}: {inner}" if inner else self.label


def parse_option(text: str) -> Option:
    """``"hybrid early: strategy=hybrid, initial_reps=5"`` -> :class:`Option`.

    The label is what stands before the first colon; without a colon the text must be
    settings only and the label is the text itself. Keys are ``strategy`` and the
    vendor traits; values are validated as the model validates them.
    """
    label, sep, rest = text.partition(":")
    if not sep:
        first = text.replace(";", ",").split(",")[0]
        key = first.partition("=")[0].strip()
        if "=" in first and " " in key:  # "x strategy=direct": the label's colon is missing
            name, _, key = key.rpartition(" ")
            fixed = f"{name}: {key}={text.partition('=')[2]}"
            raise ParameterError(
                f"option {text.strip()!r} is missing the colon after the label: {fixed.strip()!r}"
            )
        label, rest = text.strip(), text
    label = label.strip()
    if not label:
        raise ParameterError(f"option {text!r}: give a label first, e.g. 'hybrid: strategy=hybrid'")
    settings: dict[str, Any] = {}
    for part in rest.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        key, eq, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not eq:
            if part in STRATEGIES:
                settings["strategy"] = part  # "hybrid" alone: that strategy
                continue
            raise ParameterError(
                f"option {label!r}: {part!r} is not key=value, e.g. initial_reps=5"
            )
        settings[key] = value
    return Option(label, check_settings(settings, f"option {label!r}"))


def check_settings(settings: Mapping[str, Any], who: str) -> dict[str, Any]:
    """Validate focal settings with the model's own rules (a ParameterError naming ``who``)."""
    from sim.vendor_specs import validate_vendor_spec

    return validate_vendor_spec(dict(settings), who)


def as_options(options: Sequence[Option | str] | Mapping[str, Mapping[str, Any]]) -> list[Option]:
    """Options from Option objects, ``"label: k=v"`` strings or a {label: settings} dict."""
    if isinstance(options, Mapping):
        items = [Option(str(k), check_settings(v, f"option {k!r}")) for k, v in options.items()]
    else:
        items = [
            o if isinstance(o, Option) else parse_option(str(o)) for o in options
        ]  # fmt: skip
    if not items:
        raise ParameterError("a study needs at least one option")
    labels = [o.label for o in items]
    dupes = sorted({x for x in labels if labels.count(x) > 1})
    if dupes:
        raise ParameterError(f"option labels must differ; repeated: {', '.join(dupes)}")
    return items


def study_seeds(n: int, root: int = 0) -> list[int]:
    """``n`` run seeds spawned from ``root`` (32-bit integers, the same for every option)."""
    if n < 1:
        raise ParameterError(f"seeds: {n} is not allowed; expected at least 1")
    children = np.random.SeedSequence(int(root)).spawn(int(n))
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


# ---------------------------------------------------------------------- one run
@dataclass
class RunOutcome:
    """What one (option, seed) run left: per-week focal series and end figures."""

    option: int
    replicate: int
    arr: np.ndarray  # focal ARR per week (week 0 included)
    cash: np.ndarray
    end: dict[str, float]
    reps: np.ndarray | None = None  # focal reps at the end of each week (week 0 included)
    rep_won: np.ndarray | None = None  # ACV of the deals its reps won in each week


_CANCEL: Any = None
"""This run's cancel flag (``is_set()``), set by the worker that runs it."""
_COUNTER: Any = None
"""This study's week counter (``get_lock()``, ``value``), set by the worker that runs it."""


def run_one(task: tuple[int, int, dict[str, Any], int]) -> RunOutcome | None:
    """Run one option on one seed; None if the study was cancelled meanwhile.

    Besides the weekly ARR and cash it keeps the weekly reps and the ACV of the deals
    its reps won each week (``won`` events, as :func:`experiments.calibration.new_acv_per_rep_cost`
    counts them), and what the lever studies read at the end: peak users, the rep cost
    paid and rep-years held (reps cost what the week's cash settlement charged), new ARR
    per rep-year over the run and the ACV its reps won per rep-year in the first year
    (the launch year, while a launch team's size is still the company's decision, not
    its hiring's), the ACV and count of rep-won deals, and last year's net revenue and
    logo retention (:func:`retention`).

    The model keeps no weekly table (``record="none"``, :data:`sim.reporting.RECORDS`):
    this run reads the focal vendor each week and the market's ARR once at the end
    (:meth:`sim.model.MarketModel.market_figures`), and the outcome is the same, bit for
    bit, as with full recording (tests/test_record.py), which ``record="full"`` in the
    task's keyword arguments asks for.
    """
    from sim.model import MarketModel

    option, replicate, kwargs, steps = task
    model = MarketModel(**{"record": "none", **kwargs})
    me = model.focal_vendor
    arr, cash = [me.arr], [me.cash]
    reps, rep_won, seen = [me.reps], [0.0], len(model.events)
    won_deals = 0
    cohort_week = steps - kpis.YEAR  # net revenue retention: accounts of a year before the end
    cohort = _accounts_arr(model) if cohort_week == 0 else None
    rep_weeks = rep_spend = launch_rep_weeks = 0.0
    users_peak = me.users
    for week in range(steps):
        if _CANCEL is not None and _CANCEL.is_set():
            return None
        if me.alive:  # the reps held now are the ones this week's cash settlement pays
            rep_weeks += me.reps
            rep_spend += me.reps * me.rep_cost
            if week < kpis.YEAR:
                launch_rep_weeks += me.reps
        model.step()
        if week + 1 == cohort_week:
            cohort = _accounts_arr(model)
        users_peak = max(users_peak, me.users)
        arr.append(me.arr)
        cash.append(me.cash)
        reps.append(me.reps)
        won = [
            e["value"]
            for e in model.events[seen:]
            if e["event"] == "won" and e["vendor"] == me.name
        ]
        seen = len(model.events)
        rep_won.append(float(sum(won)))
        won_deals += len(won)
        if _COUNTER is not None:  # every week: the browser's progress moves within a second
            with _COUNTER.get_lock():
                _COUNTER.value += 1
    cash_arr = np.asarray(cash)
    flows = np.diff(cash_arr)
    won, lost = me.deals_won, me.deals_lost
    spent, new_arr = me.trailing()
    market_arr = float(model.market_figures()["arr_total"])
    end = {
        "survived": float(me.alive),
        "exit_week": float(me.exited) if me.exited is not None else math.nan,
        "arr": float(arr[-1]),
        "arr_share": float(arr[-1]) / market_arr if market_arr > 0 else 0.0,
        "cash": float(cash_arr[-1]),
        "cash_min": float(cash_arr.min()),
        "cash_min_week": float(cash_arr.argmin()),
        "cash_burned": float(-flows[flows < 0].sum()),
        "cac_payback_months": float(me.cac_payback_months),
        "sm_spend_year": spent,
        "new_arr_year": new_arr,
        "nrr": kpis.net_revenue_retention(cohort, _accounts_arr(model))
        if cohort is not None and me.alive
        else math.nan,
        "win_rate": won / (won + lost) if won + lost else math.nan,
        "customers": float(me.customers),
        "users": float(me.users),
        "users_peak": float(users_peak),
        "reps": float(me.reps),
        "market_arr": market_arr,
        "rep_spend": rep_spend,
        "rep_years": rep_weeks / 52.0,
        "bookings": float(me.bookings_total),
        "new_arr_per_rep_year": float(me.bookings_total) / (rep_weeks / 52.0)
        if rep_weeks
        else math.nan,
        "launch_acv_per_rep_year": float(sum(rep_won[1 : kpis.YEAR + 1]))
        / (launch_rep_weeks / 52.0)
        if launch_rep_weeks
        else math.nan,
        "logo_retention": logo_retention(cohort, _accounts_arr(model)),
        "rep_cost": float(me.rep_cost),
        "rep_won_acv": float(sum(rep_won)),
        "rep_won_deals": float(won_deals),
    }
    return RunOutcome(
        option, replicate, np.asarray(arr), cash_arr, end, np.asarray(reps, dtype=float),
        np.asarray(rep_won),
    )  # fmt: skip


def _accounts_arr(model: Any) -> np.ndarray:
    """The focal company's ARR in each enterprise now (its accounts), USD a year."""
    c, me = model.contracts, model.focal_vendor
    ids = c.active_ids()
    mine = ids[c.vendor[ids] == me.index]
    return np.bincount(c.enterprise[mine], weights=c.acv[mine], minlength=len(model.enterprises))


def logo_retention(then: np.ndarray | None, now: np.ndarray) -> float:
    """Share of the accounts that paid a year before the end still paying now.

    NaN with no such account; a company that exited since keeps none (0).
    """
    if then is None or not (then > 0).any():
        return math.nan
    return float((now[then > 0] > 0).mean())


# ---------------------------------------------------------------------- the study
@dataclass
class StudyResult:
    """Every run of a study, with the inputs that produced it.

    ``arr``, ``cash``, ``reps`` (the focal company's reps at the end of each week) and
    ``rep_won`` (the ACV its reps won in each week) are arrays of shape
    (options, seeds, steps + 1).
    """

    scenario: str
    options: list[Option]
    seeds: list[int]
    root_seed: int
    steps: int
    overrides: dict[str, Any]
    base_focal: dict[str, Any]
    arr: np.ndarray
    cash: np.ndarray
    runs: pd.DataFrame  # one row per (option, seed)
    reps: np.ndarray | None = None
    rep_won: np.ndarray | None = None

    @property
    def labels(self) -> list[str]:
        return [o.label for o in self.options]

    def metadata(self) -> dict[str, Any]:
        """The inputs, JSON-ready: scenario, market changes, base focal, options, seeds."""
        return {
            "kind": "salesweb study",
            "scenario": self.scenario,
            "overrides": {k: _jsonable(v) for k, v in self.overrides.items()},
            "focal": {k: _jsonable(v) for k, v in self.base_focal.items()},
            "options": [
                {"label": o.label, "settings": {k: _jsonable(v) for k, v in o.settings.items()}}
                for o in self.options
            ],
            "root_seed": self.root_seed,
            "seeds": self.seeds,
            "steps": self.steps,
        }

    def inputs_line(self) -> str:
        """The inputs in one line, for any page or report that shows the result."""
        changes = ", ".join(f"{k}={_short(v)}" for k, v in self.overrides.items())
        focal = ", ".join(f"{k}={v}" for k, v in self.base_focal.items())
        return (
            f"Scenario {self.scenario}"
            + (f" with {changes}" if changes else "")
            + (f"; my company {focal}" if focal else "")
            + f"; {len(self.seeds)} seed{'s' * (len(self.seeds) != 1)} from root seed {self.root_seed}"
            + f" (run seeds {', '.join(map(str, self.seeds[:5]))}{', ...' if len(self.seeds) > 5 else ''})"
            + f"; {self.steps} weeks; options: "
            + "; ".join(o.describe() for o in self.options)
        )

    def summary(self) -> pd.DataFrame:
        """One row per option: the odds and the paired difference to the first option."""
        rows = []
        first = self.runs[self.runs["option"] == self.labels[0]].sort_values("replicate")
        for option in self.options:
            r = self.runs[self.runs["option"] == option.label].sort_values("replicate")
            payback = r["cac_payback_months"].dropna()  # NaN: no new ARR in the last year
            no_spend = (r["sm_spend_year"] <= 0) & (r["new_arr_year"] > 0)
            nrr = r["nrr"].dropna()
            row: dict[str, Any] = {
                "option": option.label,
                "settings": option.describe(),
                "seeds": len(r),
                "survival_rate": r["survived"].mean(),
                "arr_p10": r["arr"].quantile(0.1),
                "arr_median": r["arr"].median(),
                "arr_p90": r["arr"].quantile(0.9),
                "cash_burned_median": r["cash_burned"].median(),
                "cash_min_median": r["cash_min"].median(),
                "cash_min_p10": r["cash_min"].quantile(0.1),
                "cac_payback_months_median": payback.median() if len(payback) else math.nan,
                "cac_payback_seeds": len(payback),
                "cac_payback_no_spend_seeds": int(no_spend.sum()),
                "nrr_median": nrr.median() if len(nrr) else math.nan,
                "nrr_seeds": len(nrr),
                "arr_share_median": r["arr_share"].median(),
            }
            for metric in ("arr", "survived", "cash_burned", "arr_share"):
                d = paired_difference(r[metric].to_numpy(), first[metric].to_numpy())
                for key, value in d.items():
                    row[f"{metric}_vs_first_{key}"] = value
            rows.append(row)
        return pd.DataFrame(rows).set_index("option")

    def bands(self, metric: str = "arr") -> dict[str, np.ndarray]:
        """Per option, an array (3, steps + 1): 10th, 50th and 90th percentile per week."""
        data = getattr(self, metric)
        return {
            label: np.percentile(data[k], [10, 50, 90], axis=0)
            for k, label in enumerate(self.labels)
        }


def paired_difference(values: np.ndarray, baseline: np.ndarray) -> dict[str, float]:
    """Mean, t interval, median and counts of ``values - baseline`` over paired seeds.

    The t interval (``CONFIDENCE``) treats seeds as independent replicates of the
    paired difference; with one seed, or no spread, it is NaN or a point.
    """
    d = np.asarray(values, dtype=float) - np.asarray(baseline, dtype=float)
    d = d[np.isfinite(d)]
    n = len(d)
    mean = float(d.mean()) if n else math.nan
    if n >= 2:
        from scipy import stats  # here, not at the top: the study's workers never need it

        half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * d.std(ddof=1) / math.sqrt(n))
        lo, hi = mean - half, mean + half
    else:
        lo = hi = math.nan
    return {
        "mean": mean,
        "ci_low": lo,
        "ci_high": hi,
        "median": float(np.median(d)) if n else math.nan,
        "better": float((d > 0).sum()),
        "worse": float((d < 0).sum()),
    }


def payback_text(row: Mapping[str, Any], seeds: int) -> str:
    """A summary row's CAC payback for a table: the median and the seeds it leaves out.

    The median is over the seeds where payback is defined (new ARR in the last year);
    seeds where it is undefined, and seeds where it is 0 because the company spent
    nothing on sales and marketing in the year, are counted in words.
    """
    defined, free = int(row["cac_payback_seeds"]), int(row["cac_payback_no_spend_seeds"])
    if not defined:
        return "n/a: no new ARR"
    notes = [f"n/a in {seeds - defined}"] if defined < seeds else []
    notes += [f"no S&M spend in {free}"] if free else []
    median = f"{row['cac_payback_months_median']:,.0f}"
    return f"{median} ({', '.join(notes)} of {seeds} seeds)" if notes else median


def nrr_text(row: Mapping[str, Any], seeds: int) -> str:
    """A summary row's net revenue retention: the median over the seeds where it is defined.

    Undefined for a company that exited, in a run shorter than a year, or below the
    minimum base (:func:`sim.kpis.net_revenue_retention`); those seeds are counted.
    """
    defined = int(row["nrr_seeds"])
    if not defined:
        return "n/a"
    median = f"{row['nrr_median']:.0%}"
    return f"{median} (n/a in {seeds - defined} of {seeds} seeds)" if defined < seeds else median


def money(x: float, sign: bool = False) -> str:
    """``2_100_000`` -> ``"2.1M"``, ``-350_000`` -> ``"-350k"`` (``"+2.1M"`` with ``sign``)."""
    if not math.isfinite(x):
        return "n/a"
    prefix = "+" if sign and x > 0 else ("-" if x < 0 else "")
    a = abs(x)
    if a >= 999_950_000:
        body = f"{a / 1e9:.1f}B"
    elif a >= 999_500:
        body = f"{a / 1e6:.1f}M"
    elif a >= 999.5:
        body = f"{a / 1e3:.0f}k"
    else:
        body = f"{a:.0f}"
    return prefix + body


def usd(x: float, sign: bool = False) -> str:
    """Money with its currency: ``usd(2_100_000)`` -> ``"$2.1M"``, ``-$350k``, ``+$1.2M``.

    The same rounding as :func:`money` (k below a million, M below a billion).
    """
    body = money(x, sign=sign)
    if body == "n/a":
        return body
    return body[0] + "$" + body[1:] if body[0] in "+-" else "$" + body


def _jsonable(v: Any) -> Any:
    if isinstance(v, tuple):
        return [float(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    return v


def _short(v: Any) -> str:
    if isinstance(v, tuple):
        return ":".join(f"{x:.3g}" for x in v)
    return str(v)


def study(
    scenario: str,
    options: Sequence[Option | str] | Mapping[str, Mapping[str, Any]],
    seeds: int | Sequence[int],
    steps: int | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | Callable[[], bool] | None = None,
    *,
    root_seed: int = 0,
    overrides: Mapping[str, Any] | None = None,
    focal: Mapping[str, Any] | None = None,
    pool: WarmPool | None = None,
) -> StudyResult | None:
    """Run every option for the focal company on the same seeds.

    Parameters
    ----------
    scenario : str
        Preset name or scenario file; its ``[focal]`` table is the base every option
        starts from.
    options : sequence or mapping
        :class:`Option` objects, ``"label: key=value, ..."`` strings, or
        ``{label: {key: value}}``; keys are ``strategy`` and the vendor traits.
    seeds : int or sequence of int
        How many seeds (spawned from ``root_seed``), or the run seeds themselves.
    steps : int, optional
        Weeks per run (default: the scenario's horizon).
    workers : int, optional
        Worker processes (default: every core); 1 runs in this process.
    progress : callable, optional
        ``progress(weeks_done, weeks_total)``, called from the calling thread.
    cancel : threading.Event or callable, optional
        Set (or returning True) to stop; the study then returns None.
    root_seed : int
        Root of the seed sequence.
    overrides : mapping, optional
        Market parameters changed from the scenario (the same for every option).
    focal : mapping, optional
        Focal settings every option starts from (over the scenario's ``[focal]``).
    pool : experiments.study_pool.WarmPool, optional
        Kept worker processes to run on (``workers`` of them at once); without it a
        pool is started for this study and stopped after it.

    Returns
    -------
    StudyResult or None
        None if cancelled. Raises ParameterError / ScenarioError before any run on
        bad input.
    """
    scen = load_scenario(scenario)
    opts = as_options(options)
    base_focal = check_settings({**(scen.focal or {}), **(focal or {})}, "my company")
    overrides = dict(overrides or {})
    base = scen.model_kwargs(**overrides)
    steps = int(steps if steps is not None else base.get("horizon", 260))
    if steps < 1:
        raise ParameterError(f"steps: {steps} is not allowed; expected at least 1")
    run_seeds = study_seeds(seeds, root_seed) if isinstance(seeds, int) else [int(s) for s in seeds]
    if not run_seeds:
        raise ParameterError("seeds: give at least one seed")
    tasks = []
    for k, option in enumerate(opts):
        settings = check_settings({**base_focal, **option.settings}, f"option {option.label!r}")
        for i, seed in enumerate(run_seeds):
            tasks.append((k, i, {**base, "focal": settings, "rng": seed}, steps))
    # validate every option's market before spending time on any (tiny build, no steps)
    markets = [tasks[k * len(run_seeds)][2] for k in range(len(opts))]
    if pool is not None and pool.checks_markets:
        pool.check_markets(markets)
    else:
        for kw in markets:
            check_market(kw)

    is_cancelled = cancel.is_set if isinstance(cancel, threading.Event) else cancel
    outcomes = _execute(tasks, workers, progress, is_cancelled, steps, pool)
    if outcomes is None:
        return None
    n_opt, n_seed = len(opts), len(run_seeds)
    arr = np.zeros((n_opt, n_seed, steps + 1))
    cash = np.zeros((n_opt, n_seed, steps + 1))
    reps = np.zeros((n_opt, n_seed, steps + 1))
    rep_won = np.zeros((n_opt, n_seed, steps + 1))
    rows = []
    for o in outcomes:
        arr[o.option, o.replicate] = o.arr
        cash[o.option, o.replicate] = o.cash
        reps[o.option, o.replicate] = o.reps
        rep_won[o.option, o.replicate] = o.rep_won
        rows.append(
            {"option": opts[o.option].label, "replicate": o.replicate,
             "seed": run_seeds[o.replicate], **o.end}
        )  # fmt: skip
    runs = pd.DataFrame(rows)
    runs["option"] = pd.Categorical(runs["option"], categories=[o.label for o in opts])
    runs = runs.sort_values(["option", "replicate"]).reset_index(drop=True)
    runs["option"] = runs["option"].astype(str)
    return StudyResult(
        scenario=scen.name,
        options=opts,
        seeds=run_seeds,
        root_seed=int(root_seed),
        steps=steps,
        overrides=overrides,
        base_focal=base_focal,
        arr=arr,
        cash=cash,
        runs=runs,
        reps=reps,
        rep_won=rep_won,
    )


def check_market(kwargs: Mapping[str, Any]) -> None:
    """Build a one-enterprise market of a run's ``kwargs`` (no step): raises what the
    run would raise on its parameters, at once."""
    from sim.model import MarketModel

    MarketModel(**{**kwargs, "n_enterprises": 1, "vendors": None})


def _execute(
    tasks: list[tuple],
    workers: int | None,
    progress: Callable[[int, int], None] | None,
    cancelled: Callable[[], bool] | None,
    steps: int,
    pool: WarmPool | None = None,
) -> list[RunOutcome] | None:
    """Run ``tasks`` on ``pool`` (at most ``workers`` at once), or on a pool made for
    this study and stopped after it, or here when one worker is asked for."""
    total = len(tasks) * steps
    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    if workers == 1 and pool is None:
        return _execute_here(tasks, progress, cancelled, total)
    from experiments.study_pool import WarmPool

    own = pool is None
    pool = WarmPool(workers) if pool is None else pool
    try:
        return pool.run(tasks, workers, progress, cancelled, total, MAX_RETRIES)
    finally:
        if own:
            pool.shutdown()


class _Flag:
    """``is_set()`` over a callable, so run_one checks a cancel in this process too."""

    def __init__(self, check: Callable[[], bool]):
        self.is_set = check


class _LocalCounter:
    """The workers' shared week counter, in this process: reports progress as it counts."""

    def __init__(self, progress: Callable[[int, int], None] | None, total: int):
        self._value, self._progress, self._total = 0, progress, total

    def get_lock(self) -> contextlib.nullcontext:
        return contextlib.nullcontext()

    @property
    def value(self) -> int:
        return self._value

    @value.setter
    def value(self, v: int) -> None:
        self._value = v
        if self._progress is not None:
            self._progress(min(v, self._total), self._total)


def _execute_here(tasks, progress, cancelled, total) -> list[RunOutcome] | None:
    global _CANCEL, _COUNTER
    out = []
    _CANCEL = _Flag(cancelled) if cancelled is not None else None
    _COUNTER = _LocalCounter(progress, total)
    try:
        for task in tasks:
            result = run_one(task)
            if result is None or (cancelled is not None and cancelled()):
                return None
            out.append(result)
    finally:
        _CANCEL = _COUNTER = None
    return out
