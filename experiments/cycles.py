"""Predator-prey cycles in a run: how buyers' receptivity leads the sales force.

Seed 004 ("The Sales Web") says vendors and buyers co-evolve: outbound pressure wears
buyers' attention down, vendors starve and exit, attention recovers and vendors
return. In a run this shows as receptivity (the prey) and reps (the predators)
oscillating with receptivity ahead. :func:`lead_lag` measures the lag at which
receptivity now best predicts reps later; :func:`receptivity_peaks` counts the peaks of
the model issue's rule ("a cycle that repeats"); :func:`recovery_half_life` measures how
fast attention recovers once the reps are gone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from experiments.claim_metrics import SWING, full_cycles


def _standardise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def detrend(x: np.ndarray, window: int) -> np.ndarray:
    """``x`` minus its centred moving average over ``window`` weeks (edges padded)."""
    x = np.asarray(x, dtype=np.float64)
    if window <= 1 or len(x) < window:
        return x - x.mean()
    kernel = np.ones(window) / window
    padded = np.pad(x, (window // 2, window - 1 - window // 2), mode="edge")
    return x - np.convolve(padded, kernel, mode="valid")


# ------------------------------------------------------------ the issue's peak rule

PEAK_START, PEAK_END = 104, 520  # weeks: after the launch transient, to the horizon
PEAK_RISE = 0.3  # each peak rises this share of the series' mean above its troughs
PEAK_SMOOTH = 9  # weeks: the centred moving average the peaks are read on


def smooth(x: np.ndarray, window: int = PEAK_SMOOTH) -> np.ndarray:
    """Centred ``window``-week moving average, defined where the window is full.

    Entry ``i`` of the result is the mean of ``x[i : i + window]``, centred on week
    ``i + window // 2``; no padding, so the ends are never pulled towards zero or held flat.
    """
    x = np.asarray(x, dtype=np.float64)
    if window <= 1 or len(x) < window:
        return x.copy()
    return np.convolve(x, np.ones(window) / window, mode="valid")


@dataclass(frozen=True)
class Peaks:
    """Peaks of receptivity that satisfy the rule, in weeks of the run."""

    weeks: np.ndarray  # week of each qualifying peak
    rises: np.ndarray  # each peak's rise above the higher of its two troughs
    threshold: float  # PEAK_RISE x the mean of the smoothed series in the window

    @property
    def count(self) -> int:
        return len(self.weeks)


def receptivity_peaks(
    x: np.ndarray,
    start: int = PEAK_START,
    end: int = PEAK_END,
    rise: float = PEAK_RISE,
    window: int = PEAK_SMOOTH,
) -> Peaks:
    """The model issue's rule: peaks of ``x`` (one value a week, week 0 first) in weeks
    ``start``-``end``, each rising at least ``rise`` times the series' mean there above the
    troughs on either side.

    ``x`` is first smoothed by a centred ``window``-week moving average (9 weeks, about two
    months): receptivity is a mean over all buyers, but touches arrive in Poisson bursts and
    a rep's pipeline opens and closes in weeks, which leaves wiggles of a few hundredths;
    two months is far shorter than a boom and bust (a year or more), so a true peak loses
    almost nothing. A peak's rise is its topographic prominence
    (:func:`scipy.signal.find_peaks`): the height above the higher of the two troughs
    that separate it from higher ground on each side (or from the window's ends), so a
    peak counts only if it rises by the threshold above the trough before it and above the
    trough after it. Weeks are those of the run, so the smoothed series covers
    ``start``-``end`` where a full window fits.
    """
    from scipy.signal import find_peaks

    x = np.asarray(x, dtype=np.float64)
    half = window // 2 if window > 1 else 0
    sm = smooth(x, window)
    weeks = np.arange(len(sm)) + half  # the week each smoothed value is centred on
    keep = (weeks >= start) & (weeks <= end)
    sm, weeks = sm[keep], weeks[keep]
    if len(sm) < 3:
        return Peaks(np.array([], dtype=int), np.array([]), float("nan"))
    threshold = rise * float(sm.mean())
    idx, props = find_peaks(sm, prominence=threshold)
    return Peaks(weeks[idx], np.asarray(props["prominences"], dtype=float), threshold)


def cross_correlation(x: np.ndarray, y: np.ndarray, max_lag: int) -> np.ndarray:
    """``corr(x[t], y[t + lag])`` for ``lag = 0 .. max_lag`` (y lags x for positive lags)."""
    x, y = _standardise(x), _standardise(y)
    n = len(x)
    out = np.full(max_lag + 1, np.nan)
    for lag in range(min(max_lag, n - 2) + 1):
        a, b = x[: n - lag], y[lag:]
        if a.std() > 0 and b.std() > 0:
            out[lag] = float(np.corrcoef(a, b)[0, 1])
    return out


@dataclass(frozen=True)
class LeadLag:
    """Where receptivity now best predicts the sales force later."""

    lag: int  # weeks
    correlation: float
    correlations: np.ndarray


def lead_lag(receptivity: np.ndarray, reps: np.ndarray, max_lag: int = 156) -> LeadLag:
    """The lag (weeks) of the peak of ``corr(receptivity[t], reps[t + lag])``."""
    cc = cross_correlation(receptivity, reps, max_lag)
    lag = int(np.nanargmax(cc))
    return LeadLag(lag=lag, correlation=float(cc[lag]), correlations=cc)


# ---------------------------------------------------------------------------- a study


@dataclass
class CycleStudy:
    """Per-seed paths of ``sales_web_cycle`` with touch fatigue on and off."""

    seeds: list[int]
    steps: int
    burn_in: int
    receptivity: dict[str, np.ndarray]  # arm -> (seeds, steps + 1)
    reps: dict[str, np.ndarray]
    vendors: dict[str, np.ndarray]

    def lead_lags(self, arm: str, max_lag: int = 156, window: int = 157) -> list[LeadLag]:
        """Lead-lag of receptivity over reps per seed, after burn-in, both detrended."""
        b = self.burn_in
        return [
            lead_lag(detrend(r[b:], window), detrend(y[b:], window), max_lag)
            for r, y in zip(self.receptivity[arm], self.reps[arm], strict=True)
        ]

    def peaks(self, arm: str) -> list[Peaks]:
        """Qualifying receptivity peaks per seed (:func:`receptivity_peaks`)."""
        return [receptivity_peaks(r) for r in self.receptivity[arm]]

    def cycles(self, arm: str) -> list[int]:
        """Full cycles of receptivity per seed, after burn-in: a rise and a fall of
        :data:`experiments.claim_metrics.SWING` each, as the co-evolution claim counts them
        (an absolute swing: noise never counts, however flat the series)."""
        return [full_cycles(r[self.burn_in :], SWING) for r in self.receptivity[arm]]


ARMS = {"fatigue on": {}, "fatigue off": {"touch_fatigue": 0.0}}


def _cycle_run(job: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    seed, steps, overrides = job
    from sim.model import MarketModel

    model = MarketModel.from_scenario("sales_web_cycle", rng=seed, **overrides)
    for _ in range(steps):
        model.step()
    df = model.datacollector.get_model_vars_dataframe()
    vendors = (df["vendors_direct"] + df["vendors_hybrid"]).to_numpy()
    return df["buyer_receptivity"].to_numpy(), df["reps_total"].to_numpy(float), vendors


def run_cycle_study(
    seeds: list[int], steps: int = 520, burn_in: int = PEAK_START, workers: int | None = None
) -> CycleStudy:
    """Run ``sales_web_cycle`` on ``seeds`` with touch fatigue on and off (same seeds),
    on ``workers`` processes (default: every core)."""
    import os

    from experiments.validate import _map

    jobs = [(s, steps, overrides) for overrides in ARMS.values() for s in seeds]
    rows = _map(_cycle_run, jobs, workers or os.cpu_count() or 1)
    out: dict[str, dict[str, np.ndarray]] = {"r": {}, "y": {}, "v": {}}
    for i, arm in enumerate(ARMS):
        arm_rows = rows[i * len(seeds) : (i + 1) * len(seeds)]
        out["r"][arm] = np.array([r for r, _, _ in arm_rows])
        out["y"][arm] = np.array([y for _, y, _ in arm_rows])
        out["v"][arm] = np.array([v for _, _, v in arm_rows])
    return CycleStudy(seeds, steps, burn_in, out["r"], out["y"], out["v"])


def plot_cycle_study(study: CycleStudy, path) -> None:
    """Top: one seed's receptivity (its qualifying peaks marked) and reps over time.
    Bottom: lead-lag correlation, touch fatigue on and off."""
    from experiments.io import save_figure
    from experiments.validate import _plt

    plt = _plt()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), height_ratios=(3, 2))
    t = np.arange(study.steps + 1)
    arm = "fatigue on"
    r = study.receptivity[arm][0]
    peaks = receptivity_peaks(r)
    top.axvspan(0, PEAK_START, color="gray", alpha=0.1, label="launch transient")
    top.plot(t, r, color="tab:green", lw=0.8, alpha=0.6, label="buyers' receptivity")
    sm = smooth(r)
    top.plot(
        t[PEAK_SMOOTH // 2 : PEAK_SMOOTH // 2 + len(sm)],
        sm,
        color="tab:green",
        label=f"its {PEAK_SMOOTH}-week moving average",
    )
    top.plot(
        peaks.weeks,
        sm[peaks.weeks - PEAK_SMOOTH // 2],
        "v",
        color="black",
        ms=8,
        label=f"{peaks.count} qualifying peaks (rise >= {peaks.threshold:.3f})",
    )
    top.set_ylabel("mean receptivity", color="tab:green")
    top.set_ylim(0, 1)
    top.set_xlabel("week")
    twin = top.twinx()
    twin.plot(t, study.reps[arm][0], color="tab:red", lw=0.9, label="reps (all vendors)")
    twin.set_ylabel("reps", color="tab:red")
    top.set_title(
        f"sales_web_cycle, seed {study.seeds[0]}: receptivity (prey) and reps (predators)"
    )
    top.legend(fontsize=7, loc="upper left")
    for name, color in (("fatigue on", "tab:blue"), ("fatigue off", "tab:gray")):
        cc = np.array([ll.correlations for ll in study.lead_lags(name)])
        lags = np.arange(cc.shape[1])
        mean = np.nanmean(cc, axis=0)
        lo, hi = np.nanpercentile(cc, [10, 90], axis=0)
        bottom.fill_between(lags, lo, hi, color=color, alpha=0.15)
        bottom.plot(lags, mean, color=color, label=f"{name} (mean, 10-90% of seeds)")
    bottom.axvspan(13, 104, color="tab:orange", alpha=0.08, label="a quarter to two years")
    bottom.axhline(0, color="black", lw=0.5)
    bottom.set_xlabel("lag (weeks): receptivity now, reps later")
    bottom.set_ylabel("correlation (detrended)")
    bottom.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def cycle_report(study: CycleStudy, recoveries: list[Recovery] | None = None) -> str:
    """Markdown: qualifying peaks and reps' lag per seed, both arms; recovery half-lives."""
    b = study.burn_in
    lines = [
        "# Hares and foxes: the sales web cycle",
        "",
        f"`salesweb cycle` ran `sales_web_cycle` for {study.steps} weeks on seeds "
        f"{study.seeds[0]}-{study.seeds[-1]} with touch fatigue on (the preset) and off, "
        "on the same seeds.",
        "",
        f'**The rule** (model issue, "a cycle that repeats"): in weeks {PEAK_START}-'
        f"{PEAK_END}, after the launch transient, buyers' receptivity peaks at least three "
        f"times, each peak rising at least {PEAK_RISE:.0%} of the series' mean above the "
        "troughs on either side. `experiments/cycles.py: receptivity_peaks` reads the peaks "
        f"on a centred {PEAK_SMOOTH}-week moving average (week-to-week wiggles of touches "
        "and pipelines are a few hundredths; a boom and bust lasts a year or more) and "
        "counts those whose prominence (height above the higher of the troughs that "
        "separate it from higher ground, or from the window's ends, on each side) is at "
        f"least {PEAK_RISE} x the mean. **Reps' lag**: after week {b}, both series "
        "detrended by a centred 157-week moving average, the lag (0-156 weeks) where "
        "the correlation of receptivity now with reps later peaks.",
        "",
        "![sales web cycle](sales_web_cycle.png)",
        "",
        "| arm | seeds with >= 3 peaks | median peaks | mean peaks | median lag of reps "
        "(weeks) | seeds with lag in 13-104 | median peak correlation |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    per_seed = {}
    for arm in ARMS:
        lls = study.lead_lags(arm)
        lags = np.array([ll.lag for ll in lls])
        corr = np.array([ll.correlation for ll in lls])
        pk = np.array([p.count for p in study.peaks(arm)])
        per_seed[arm] = (pk, lags)
        n = len(lags)
        lines.append(
            f"| {arm} | {np.sum(pk >= 3)}/{n} ({np.mean(pk >= 3):.0%}) | {np.median(pk):.1f} "
            f"| {pk.mean():.2f} | {np.median(lags):.0f} "
            f"| {np.sum((lags >= 13) & (lags <= 104))}/{n} | {np.median(corr):.2f} |"
        )
    lines += [
        "",
        "Per seed (fatigue on: peaks, the weeks of the peaks, reps' lag; fatigue off: peaks):",
        "",
        "| seed | peaks | peak weeks | lag (weeks) | peaks, fatigue off |",
        "| --- | --- | --- | --- | --- |",
    ]
    on = study.peaks("fatigue on")
    for i, seed in enumerate(study.seeds):
        weeks = ", ".join(str(int(w)) for w in on[i].weeks)
        lines.append(
            f"| {seed} | {on[i].count} | {weeks} | {per_seed['fatigue on'][1][i]} "
            f"| {per_seed['fatigue off'][0][i]} |"
        )
    if recoveries:
        lines += [
            "",
            "## How fast attention recovers once pressure eases",
            "",
            f"Each market runs to week {recoveries[0].off_week}; then every rep leaves and "
            "none is hired (no hiring, no entry, no sales starts), and the mean "
            "receptivity over the next weeks is fitted by `R(t) = R_inf - (R_inf - R_0) "
            "exp(-k t)` (`experiments/cycles.py: recovery_half_life`); the half-life is "
            "`ln 2 / k`. The documented half-life is `ln 2 / -ln(1 - receptivity_recovery)`, "
            "about `ln 2 / receptivity_recovery`: what recovery alone gives.",
            "",
            "![recovery](sales_web_recovery.png)",
            "",
            "| market | seed | receptivity when the reps leave | fitted half-life (weeks) "
            "| fitted level R_inf | documented half-life (weeks) |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for rec in recoveries:
            lines.append(
                f"| {rec.scenario} | {rec.seed} | {rec.receptivity[rec.off_week]:.3f} "
                f"| {rec.half_life:.0f} | {rec.level:.3f} | {rec.documented:.0f} |"
            )
        lines += [
            "",
            "Recovery alone is what `sales_web_cycle` shows (half-life = documented, "
            "`ln 2 / receptivity_recovery`). In the default market generational change also "
            "acts: it replaces committee members (about one in `52 * tenure_years` a week) "
            "with buyers at `receptivity_initial`, so mean receptivity moves a little faster "
            "than recovery alone, towards a level between `receptivity_initial` and 1. "
            "Where `background_touches` is on, other categories keep wearing attention, "
            "and once this category's reps are gone receptivity settles within weeks at "
            "about `c / (c + background_touches * touch_fatigue)`.",
        ]
    return "\n".join(lines) + "\n"


# -------------------------------------------------------------- recovery half-life


@dataclass(frozen=True)
class Recovery:
    """Receptivity after every rep is gone at week ``off_week``, and its fitted recovery.

    The fit is ``R(t) = R_inf - (R_inf - R_0) exp(-k t)``, ``t`` weeks since the reps
    left; ``half_life = ln 2 / k``. ``documented`` is the half-life the parameters state,
    ``ln 2 / -ln(1 - receptivity_recovery)`` (about ``ln 2 / receptivity_recovery``),
    which holds when nothing but this category's reps wears attention down.
    """

    scenario: str
    seed: int
    off_week: int
    receptivity: np.ndarray  # weekly, from week 0 to off_week + weeks
    rate: float  # k, per week
    level: float  # R_inf
    half_life: float  # weeks
    documented: float  # weeks


def documented_half_life(receptivity_recovery: float) -> float:
    """Weeks for the gap to full attention to halve, ``ln 2 / -ln(1 - c)``, with no touches."""
    if receptivity_recovery <= 0:
        return float("inf")
    return float(np.log(2.0) / -np.log1p(-receptivity_recovery))


def fit_recovery(r: np.ndarray) -> tuple[float, float]:
    """``(k, R_inf)`` of ``R(t) = R_inf - (R_inf - R_0) exp(-k t)`` fitted to ``r`` (weekly)."""
    from scipy.optimize import curve_fit

    r = np.asarray(r, dtype=np.float64)
    t = np.arange(len(r), dtype=np.float64)

    def curve(t, k, level):
        return level - (level - r[0]) * np.exp(-k * t)

    (k, level), _ = curve_fit(curve, t, r, p0=(0.01, 1.0), bounds=([1e-6, 0.0], [5.0, 1.0]))
    return float(k), float(level)


def recovery_half_life(
    scenario: str, seed: int, off_week: int = PEAK_START, weeks: int = 312, **overrides
) -> Recovery:
    """Run ``scenario`` to ``off_week``, then let every rep go and hire none (no entry,
    no hiring, no sales starts), and fit how buyers' mean receptivity recovers."""
    from sim.model import MarketModel

    model = MarketModel.from_scenario(scenario, rng=seed, **overrides)
    path = [float(model.population.receptivity.mean())]
    for week in range(off_week + weeks):
        if week == off_week:  # pressure eased: the category's sales force is gone
            for name in ("entry_rate", "rep_hiring_rate", "rep_quota", "min_reps"):
                setattr(model, name, type(getattr(model, name))(0))
            for vendor in model.vendor_list:
                vendor.rep_cohorts = []
                vendor.sales_start = -1  # no starting team hired later either
        model.step()
        path.append(float(model.population.receptivity.mean()))
    r = np.array(path)
    k, level = fit_recovery(r[off_week:])
    return Recovery(
        scenario,
        seed,
        off_week,
        r,
        k,
        level,
        float(np.log(2.0) / k),
        documented_half_life(model.receptivity_recovery),
    )


def plot_recovery(recoveries: list[Recovery], path) -> None:
    """Receptivity before and after the reps leave, with each fitted recovery curve."""
    from experiments.io import save_figure
    from experiments.validate import _plt

    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    colors = ("tab:blue", "tab:orange", "tab:green", "tab:red")
    for rec, color in zip(recoveries, colors, strict=False):
        t = np.arange(len(rec.receptivity))
        ax.plot(t, rec.receptivity, color=color, lw=1.2, label=f"{rec.scenario}, seed {rec.seed}")
        tt = np.arange(len(rec.receptivity) - rec.off_week)
        r0 = rec.receptivity[rec.off_week]
        fit = rec.level - (rec.level - r0) * np.exp(-rec.rate * tt)
        ax.plot(
            tt + rec.off_week,
            fit,
            color=color,
            ls="--",
            lw=1,
            label=f"fit: half-life {rec.half_life:.0f} weeks to {rec.level:.2f} "
            f"(ln 2 / recovery: {rec.documented:.0f})",
        )
    ax.axvline(recoveries[0].off_week, color="black", lw=0.6)
    ax.text(recoveries[0].off_week + 3, 0.02, "every rep leaves", fontsize=8)
    ax.axhspan(0, 0, color="none")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("week")
    ax.set_ylabel("buyers' mean receptivity")
    ax.set_title("How fast attention recovers once the sales force is gone")
    ax.legend(fontsize=8, loc="center right")
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)
