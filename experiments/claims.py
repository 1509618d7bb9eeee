"""The essays' claims (MODEL.md, "What the seeds say") as paired experiments.

A :class:`Claim` names a scenario, one lever and its two values (the arms), a metric
read off each finished run, the sign the essay expects for ``left - right``, and a
mechanism-off counterfactual: overrides that switch off the mechanism the claim says
produces the effect. :func:`run_claims` runs both arms on the same seeds (seed ``i``
in both: common random numbers), with the mechanism on and off, in worker processes,
and returns a :class:`ClaimResult` per claim with the paired effects and the verdicts
(:mod:`experiments.paired`): the claim *holds* when the effect has the expected sign
and clears two standard errors, and its effect *vanishes* when, with the mechanism
off, it is within two standard errors of zero, below a fifth of its size, or of the
opposite sign. A claim may carry a ``baseline``: a counterfactual run inside each arm
whose metric is subtracted seed by seed (the same company with and without its reps).

The definitions are in :mod:`experiments.claim_list`, each meeting the standard of
:mod:`experiments.claim_standard` (the lever a decision of the focal company or a named
market, the switch a mechanism's parameter); ``salesweb claims`` runs them and writes
the report (:mod:`experiments.claims_report`).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from experiments.claim_metrics import Metric
from experiments.paired import PairedEffect, holds, vanishes

CONDITIONS = ("on", "off")
SIDES = ("left", "right")


@dataclass(frozen=True)
class Side:
    """One arm of a claim: its label, the lever's value (overrides) and, rarely, its metric.

    ``metric`` is set only when both arms read one run two ways (the same overrides):
    then each side names what it reads. ``scenario`` is set when the lever is a market
    (``lever_kind = "market"``): the arm then runs in that named preset instead of the
    claim's scenario, so a market condition is always a preset with a narrative.
    """

    label: str
    overrides: Mapping[str, Any] = field(default_factory=dict)
    metric: Metric | None = None
    scenario: str | None = None


@dataclass(frozen=True)
class Requirement:
    """A further bar the issue sets on a claim, checked on the mechanism-on arms' means.

    ``check(left_mean, right_mean) -> (met, text)``; a module-level function.
    """

    text: str
    check: Callable[[float, float], bool]


@dataclass(frozen=True)
class Claim:
    """A claim of the essays as a paired experiment.

    Parameters
    ----------
    key : str
        Short name, used for the chart's file name.
    title : str
        The claim in the essay's words.
    essay : str
        The seed essay it comes from (``"seed 003"``).
    scenario : str
        Preset the runs start from.
    lever : str
        What varies between the arms, in words ("the focal company's strategy").
    left, right : Side
        The two arms; ``left - right`` is the effect.
    metric : Metric
        What each run is measured by (unless a side has its own).
    expected_sign : int
        +1 if the essay expects ``left > right``, -1 if ``left < right``.
    mechanism : str
        The mechanism the claim says produces the effect.
    mechanism_off : dict
        Overrides applied to both arms (after the lever) to switch it off.
    steps : int or None
        Weeks per run; None: the scenario's ``horizon``.
    requirement : Requirement or None
        The issue's further bar on the arms (a ratio, a sign change).
    secondary : tuple of Metric
        Further lines reported with their paired effect, without a verdict.
    baseline : dict or None
        A counterfactual inside each arm. When set, every arm is also run with these
        overrides added (same seed, same lever, mechanism off in the off condition), and
        the arm's value is its run's metric minus the baseline run's (secondary lines
        read the lever's run alone): the lever then moves a difference, such as what
        adding a sales team is worth to one company at each price (the company with
        reps against the same company without, rivals unchanged).
    note : str
        What the preset holds fixed and why the metric is what it is.
    lever_kind : str
        ``"decision"``: something the focal company decides (its strategy, reps and when
        to hire them, price, marketing, qualification), set in the arms' ``focal`` spec;
        ``"market"``: a market condition an essay names, each arm a named preset
        (``Side.scenario``). The standard (:mod:`experiments.claim_standard`) checks it.
    lever_params : tuple of str
        The parameters the arms differ in (focal traits by their own name); the
        standard checks this against what the arms actually set.
    needs : tuple of str
        Parameters of the claim's scenario that state a market condition the claim
        needs (``("user_is_buyer",)``: the user can buy); the default market with them
        must keep its calibrated outputs in their bands.
    robust_to : tuple of str
        Three parameters the claim does not name, moved by +-25% by
        :mod:`experiments.claim_robust`; empty: the standard's first three candidates.
    """

    key: str
    title: str
    essay: str
    scenario: str
    lever: str
    left: Side
    right: Side
    metric: Metric
    expected_sign: int
    mechanism: str
    mechanism_off: Mapping[str, Any]
    steps: int | None = None
    requirement: Requirement | None = None
    secondary: tuple[Metric, ...] = ()
    baseline: Mapping[str, Any] | None = None
    note: str = ""
    lever_kind: str = ""
    lever_params: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    robust_to: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.expected_sign not in (-1, 1):
            raise ValueError(f"claim {self.key!r}: expected_sign must be +1 or -1")

    @property
    def switch_params(self) -> tuple[str, ...]:
        """The parameters the mechanism-off counterfactual sets."""
        return tuple(self.mechanism_off)

    def scenario_of(self, side: str) -> str:
        """The preset an arm runs in: its own (a market lever) or the claim's."""
        return getattr(self, side).scenario or self.scenario

    def metrics(self) -> dict[str, Metric]:
        """Every metric a run of this claim is read by: per side, then the secondary ones."""
        out = {side: getattr(self, side).metric or self.metric for side in SIDES}
        out.update({m.name: m for m in self.secondary})
        return out


@dataclass
class ClaimResult:
    """Per-seed values of every arm of a claim, and what they say.

    ``values[condition][name]`` holds one value per seed, where ``condition`` is
    ``"on"`` or ``"off"`` and ``name`` is ``"left"``, ``"right"``, or a secondary
    metric's name suffixed with ``"/left"`` or ``"/right"``.
    """

    claim: Claim
    seeds: list[int]
    values: dict[str, dict[str, np.ndarray]]
    steps: int | None = None

    def arm_mean(self, side: str, condition: str = "on") -> float:
        """Mean of one arm over the seeds where the metric is defined."""
        values = self.values[condition][side]
        return float(np.nanmean(values)) if np.isfinite(values).any() else math.nan

    def effect(self, condition: str = "on", name: str = "") -> PairedEffect:
        """Paired ``left - right`` over seeds: the claim's metric, or a secondary one."""
        vals = self.values[condition]
        if name:
            return PairedEffect.of(vals[f"{name}/left"], vals[f"{name}/right"])
        return PairedEffect.of(vals["left"], vals["right"])

    def to_frame(self):
        """Every value of every run, one row each: for re-analysis in pandas.

        Columns ``claim``, ``condition`` (``on``/``off``), ``seed``, ``side`` (``left``
        or ``right``), ``metric`` (the claim's metric or a secondary one) and ``value``
        (after any baseline is subtracted; NaN where a run left it undefined).
        """
        import pandas as pd

        rows = []
        for condition, named in self.values.items():
            for name, values in named.items():
                metric, _, side = name.rpartition("/")
                if not metric:  # the claim's own metric: named by its side alone
                    metric, side = self.claim.metric.name, name
                for seed, value in zip(self.seeds, values, strict=True):
                    rows.append((self.claim.key, condition, seed, side, metric, float(value)))
        return pd.DataFrame(rows, columns=["claim", "condition", "seed", "side", "metric", "value"])

    @property
    def on(self) -> PairedEffect:
        return self.effect("on")

    @property
    def off(self) -> PairedEffect:
        return self.effect("off")

    @property
    def interaction(self) -> PairedEffect:
        """On-effect minus off-effect, paired by seed: how much the mechanism contributes."""
        on, off = self.values["on"], self.values["off"]
        return PairedEffect.of(on["left"] - on["right"], off["left"] - off["right"])

    @property
    def holds(self) -> bool:
        return holds(self.on, self.claim.expected_sign)

    @property
    def vanishes(self) -> bool:
        return vanishes(self.on, self.off, self.claim.expected_sign)

    @property
    def requirement_met(self) -> bool | None:
        """The issue's further bar, on the arms' means; None when the claim has none."""
        req = self.claim.requirement
        if req is None:
            return None
        return bool(req.check(self.arm_mean("left"), self.arm_mean("right")))

    @property
    def passed(self) -> bool:
        """Holds, vanishes with the mechanism off, and meets the requirement if any."""
        return self.holds and self.vanishes and self.requirement_met is not False

    def __str__(self) -> str:
        c = self.claim
        req = "" if self.requirement_met is None else f", requirement met: {self.requirement_met}"
        return (
            f"{c.title}: {c.left.label} {self.arm_mean('left'):.4g} vs {c.right.label} "
            f"{self.arm_mean('right'):.4g}; effect {self.on} (off: {self.off}); "
            f"holds: {self.holds}, vanishes: {self.vanishes}{req}"
        )


# ------------------------------------------------------------------------ runs


@dataclass(frozen=True)
class RunJob:
    """One model run of one claim and what to read from it (picklable for the workers)."""

    claim_key: str
    condition: str
    seed: int
    scenario: str
    overrides: Mapping[str, Any]
    steps: int | None
    reads: tuple[tuple[str, Metric], ...]  # (value name, metric)


def run_job(job: RunJob) -> dict[str, float]:
    """Build and run one market, return every value the job reads from it."""
    from sim.model import MarketModel

    model = MarketModel.from_scenario(job.scenario, rng=job.seed, **job.overrides)
    for _ in range(job.steps or model.horizon):
        model.step()
    return {name: metric(model) for name, metric in job.reads}


def merge_overrides(*layers: Mapping[str, Any]) -> dict[str, Any]:
    """Overrides laid over each other, later layers winning; ``focal`` specs merge key by key.

    A baseline that sets the focal company's strategy keeps the price the lever set for
    it: ``{"focal": {"seat_price": 40}}`` then ``{"focal": {"strategy": "bottoms_up"}}``
    is a bottoms-up company at 40.
    """
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if key == "focal" and isinstance(out.get(key), Mapping) and isinstance(value, Mapping):
                out[key] = {**out[key], **value}
            else:
                out[key] = value
    return out


def jobs_for(
    claim: Claim,
    seeds: Iterable[int],
    size: Mapping[str, Any],
    steps: int | None,
    conditions: Iterable[str] = CONDITIONS,
) -> list[RunJob]:
    """The runs a claim needs: per condition and seed, one run per distinct arm.

    Both sides share a run when their scenario and overrides are equal (one run read
    two ways); nothing is shared between claims or conditions.
    """
    metrics = claim.metrics()
    jobs = []
    for condition in conditions:
        off = dict(claim.mechanism_off) if condition == "off" else {}
        groups: dict[str, list[str]] = {}
        for side in SIDES:
            # repr: overrides may hold lists (per-vendor specs), which do not hash
            key = repr((claim.scenario_of(side), sorted(getattr(claim, side).overrides.items())))
            groups.setdefault(key, []).append(side)
        for sides in groups.values():
            lever = getattr(claim, sides[0]).overrides
            reads = []
            for side in sides:
                reads.append((side, metrics[side]))
                reads += [(f"{m.name}/{side}", m) for m in claim.secondary]
            runs = [(merge_overrides(size, lever, off), tuple(reads))]
            if claim.baseline is not None:
                # only the claim's metric is a difference; secondary lines read the lever's run
                based = tuple((side + BASELINE, metrics[side]) for side in sides)
                runs.append((merge_overrides(size, lever, claim.baseline, off), based))
            for overrides, run_reads in runs:
                for seed in seeds:
                    jobs.append(
                        RunJob(
                            claim.key,
                            condition,
                            int(seed),
                            claim.scenario_of(sides[0]),
                            overrides,
                            steps or claim.steps,
                            run_reads,
                        )
                    )
    return jobs


BASELINE = "~baseline"
"""Suffix of a value read from a claim's baseline run (subtracted, then dropped)."""


def _subtract_baselines(values: dict[str, list[float]]) -> dict[str, np.ndarray]:
    """Each value minus its baseline run's value of the same seed, where there is one."""
    out = {k: np.asarray(v, dtype=float) for k, v in values.items() if not k.endswith(BASELINE)}
    for name in out:
        if name + BASELINE in values:
            out[name] = out[name] - np.asarray(values[name + BASELINE], dtype=float)
    return out


def default_workers() -> int:
    """Every core of the machine."""
    return max(1, os.cpu_count() or 1)


def run_claims(
    claims: Iterable[Claim],
    seeds: Iterable[int],
    size: Mapping[str, Any] | None = None,
    steps: int | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    retries: int = 2,
    conditions: Iterable[str] = CONDITIONS,
) -> list[ClaimResult]:
    """Run every claim on the same seeds, mechanism on and off, in worker processes.

    Parameters
    ----------
    claims : iterable of Claim
    seeds : iterable of int
        Seed ``i`` serves both arms (common random numbers).
    size : dict, optional
        Overrides applied to every run before the lever (for example
        ``{"n_enterprises": 70}`` for a small market).
    steps : int, optional
        Weeks per run for every claim (default: each claim's own).
    workers : int, optional
        Worker processes (default: every core; 1 runs in this process).
    progress : callable, optional
        ``progress(done, total)`` after each run.
    retries : int
        Times a broken worker pool (a worker killed) is restarted for the runs not
        yet done; finished runs are kept.
    conditions : iterable of str
        ``("on", "off")`` (default), or ``("on",)`` alone where only the direction of
        the effect is wanted (robustness): half the runs. Then ``result.off`` is empty.

    Returns
    -------
    list of ClaimResult, in the order of ``claims``.
    """
    claims, seeds = list(claims), [int(s) for s in seeds]
    if len(seeds) < 2:
        raise ValueError("a paired effect needs at least 2 seeds (10 or more to judge a claim)")
    if len(set(seeds)) != len(seeds):
        raise ValueError("seeds must be distinct")
    if len({c.key for c in claims}) != len(claims):
        raise ValueError("claim keys must be unique")
    conditions = tuple(conditions)
    if not conditions or set(conditions) - set(CONDITIONS):
        raise ValueError(f"conditions must be among {CONDITIONS}, got {conditions!r}")
    jobs = [j for c in claims for j in jobs_for(c, seeds, size or {}, steps, conditions)]
    outputs = _map(jobs, workers or default_workers(), progress, retries)
    results = []
    for claim in claims:
        values: dict[str, dict[str, list[float]]] = {c: {} for c in conditions}
        for job, out in zip(jobs, outputs, strict=True):
            if job.claim_key != claim.key:
                continue
            for name, value in out.items():
                values[job.condition].setdefault(name, [math.nan] * len(seeds))
                values[job.condition][name][seeds.index(job.seed)] = value
        arrays = {c: _subtract_baselines(d) for c, d in values.items()}
        results.append(ClaimResult(claim, seeds, arrays, steps or claim.steps))
    return results


def _map(
    jobs: list[RunJob],
    workers: int,
    progress: Callable[[int, int], None] | None,
    retries: int,
) -> list[dict[str, float]]:
    """Run the jobs, in order of the list; a killed worker's runs are run again."""
    results: list[dict[str, float] | None] = [None] * len(jobs)
    done = 0

    def finished(i: int, value: dict[str, float]) -> None:
        nonlocal done
        results[i] = value
        done += 1
        if progress is not None:
            progress(done, len(jobs))

    if workers <= 1:
        for i, job in enumerate(jobs):
            finished(i, run_job(job))
        return results  # type: ignore[return-value]
    # fork: workers start at once with the engine imported and can run functions
    # defined anywhere (a test module, a script without a __main__ guard). Python 3.12
    # warns when the parent has threads; the workers only run the single-threaded
    # step loop, so the warning is silenced here.
    ctx = multiprocessing.get_context("fork")
    for attempt in range(retries + 1):
        pending = [i for i, r in enumerate(results) if r is None]
        if not pending:
            break
        broken = False
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*use of fork\\(\\) may lead to deadlocks")
            with ProcessPoolExecutor(
                max_workers=min(workers, len(pending)), mp_context=ctx
            ) as pool:
                futures: dict[Future, int] = {pool.submit(run_job, jobs[i]): i for i in pending}
                while futures:
                    ready, _ = wait(futures, return_when=FIRST_COMPLETED)
                    for fut in ready:
                        i = futures.pop(fut)
                        if isinstance(fut.exception(), BrokenProcessPool):
                            broken = True  # run again in a fresh pool; finished runs stay
                        else:
                            finished(i, fut.result())
        if broken and attempt == retries:
            raise BrokenProcessPool(
                f"worker processes died {retries + 1} times; "
                f"{sum(r is None for r in results)} of {len(jobs)} runs not done"
            )
    return results  # type: ignore[return-value]
