"""Predator-prey cycles in a run: how buyers' receptivity leads the sales force.

Seed 004 ("The Sales Web") says vendors and buyers co-evolve: outbound pressure wears
buyers' attention down, vendors starve and exit, attention recovers and vendors
return. In a run this shows as receptivity (the prey) and reps (the predators)
oscillating with receptivity ahead. :func:`lead_lag` measures the lag at which
receptivity now best predicts reps later; :meth:`CycleStudy.cycles` counts full cycles.
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
    seeds: list[int], steps: int = 520, burn_in: int = 52, workers: int | None = None
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
    """Top: one seed's receptivity and reps over time. Bottom: lead-lag correlation, on and off."""
    from experiments.io import save_figure
    from experiments.validate import _plt

    plt = _plt()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), height_ratios=(3, 2))
    t = np.arange(study.steps + 1)
    arm = "fatigue on"
    top.plot(t, study.receptivity[arm][0], color="tab:green", label="buyers' receptivity")
    top.set_ylabel("mean receptivity", color="tab:green")
    top.set_xlabel("week")
    twin = top.twinx()
    twin.plot(t, study.reps[arm][0], color="tab:red", label="reps (all vendors)")
    twin.set_ylabel("reps", color="tab:red")
    top.set_title(
        f"sales_web_cycle, seed {study.seeds[0]}: receptivity (prey) and reps (predators)"
    )
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


def cycle_report(study: CycleStudy) -> str:
    """Markdown: per-arm lead-lag peaks and cycle counts, seed by seed."""
    lines = [
        "# Hares and foxes: the sales web cycle",
        "",
        f"`salesweb cycle` ran `sales_web_cycle` for {study.steps} weeks on seeds "
        f"{study.seeds[0]}-{study.seeds[-1]} with touch fatigue on (the preset) and off, "
        f"on the same seeds. After a {study.burn_in}-week burn-in, both series are detrended "
        "by a centred 157-week moving average; the lag is where the correlation of "
        "receptivity now with reps later peaks (0-156 weeks), and a cycle is a rise and a fall "
        f"of receptivity's quarterly moving average by at least {SWING} each.",
        "",
        "![sales web cycle](sales_web_cycle.png)",
        "",
        "| arm | median lag (weeks) | seeds with lag in 13-104 | median peak correlation "
        "| median cycles of receptivity | seeds with >= 2 cycles |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for arm in ARMS:
        lls = study.lead_lags(arm)
        lags = np.array([ll.lag for ll in lls])
        corr = np.array([ll.correlation for ll in lls])
        cyc = np.array(study.cycles(arm))
        n = len(lags)
        lines.append(
            f"| {arm} | {np.median(lags):.0f} | {np.sum((lags >= 13) & (lags <= 104))}/{n} "
            f"| {np.median(corr):.2f} | {np.median(cyc):.0f} | {np.sum(cyc >= 2)}/{n} |"
        )
    return "\n".join(lines) + "\n"
