"""``salesweb validate``: the model against theory, with charts and a report.

Three checks, each run over several seeds at a larger size than the tests:

* **Bass limit** (scenario ``bass``): the mean adopted share against the weekly
  mean-field recursion (within 0.02 at every step), against the continuous Bass
  curve (within 0.05 where ``p + q <= 0.1`` per week) and the time of peak adoption
  (within 10%).
* **Predator-prey limit** (scenario ``predator_prey``): reps and receptivity
  oscillate, the period measured from the autocorrelation is within 20% of
  :func:`sim.theory.predicted_period`, and reps' peaks lag receptivity's, for three
  settings whose predicted periods differ by more than 2x.
* **Networks**: with the same per-person hazards, adoption on ``small_world`` (equal
  degrees) stays below the complete graph (Fibich and Gibori 2010), and adoption on
  ``hierarchy`` and ``small_world`` stays below its degree mean field (the same degrees
  with no structure, :func:`sim.theory.degree_mean_field`): clustering slows the spread.

:func:`run_validation` writes ``bass.png``, ``predator_prey.png``, ``networks.png``
and ``validation.md`` into a folder and returns the pass or fail of every check. The
runners (:func:`run_bass`, :func:`run_predator_prey`, :func:`run_networks`) are also
what ``tests/test_theory.py`` calls, at a smaller size.

References
----------
Bass, F. M. (1969). A new product growth for model consumer durables. Management
Science 15(5), 215-227.
Fibich, G. and Gibori, R. (2010). Aggregate diffusion dynamics in agent-based models
with a spatial structure. Operations Research 58(5), 1450-1468.
Lotka, A. J. (1925). Elements of Physical Biology. Williams and Wilkins.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from experiments.io import save_figure, write_text
from sim import theory
from sim.model import MarketModel
from sim.params import defaults
from sim.population import build_population

# --------------------------------------------------------------------------- settings

BASS_SETTINGS: tuple[tuple[float, float], ...] = ((0.03, 0.07), (0.015, 0.06), (0.04, 0.25))
"""Bass ``(p, q)`` per week checked; the third has ``p + q > 0.1`` (recursion only)."""

PP_SETTINGS: dict[str, dict[str, Any]] = {
    "slow (scenario as shipped)": {},
    "medium (2 touches per rep)": {"touches_per_rep": 2},
    "fast (attrition 0.2, hiring 3, recovery 0.015)": {
        "rep_attrition": 0.2,
        "rep_hiring_rate": 3.0,
        "receptivity_recovery": 0.015,
    },
}
"""Overrides of ``predator_prey`` whose predicted periods span more than 2x (211, 132, 94 weeks)."""

NETWORKS = ("complete", "hierarchy", "small_world")

BASS_RECURSION_TOL = 0.02
BASS_CLOSED_FORM_TOL = 0.05
BASS_PEAK_TOL = 0.10
PERIOD_TOL = 0.20


def _workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _map(fn: Callable, jobs: list, workers: int | None) -> list:
    """Run ``fn`` over ``jobs`` in worker processes (in order); serially if one worker."""
    workers = _workers() if workers is None else workers
    if workers <= 1 or len(jobs) <= 1:
        return [fn(j) for j in jobs]
    # fork: workers start at once with the engine imported, and work from any caller
    # (a script without a __main__ guard, pytest). Python 3.12 warns when the parent
    # has threads (BLAS, pyarrow pools); the workers only run the single-threaded
    # step loop, so the warning is silenced here rather than in every caller.
    ctx = multiprocessing.get_context("fork")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*use of fork\\(\\) may lead to deadlocks")
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=ctx) as pool:
            return list(pool.map(fn, jobs))


# ------------------------------------------------------------------------------ Bass


@dataclass
class BassResult:
    """Adopted share of several seeds against the recursion and the closed form."""

    p: float
    q: float
    n: int
    runs: np.ndarray  # (seeds, steps + 1)
    recursion: np.ndarray
    closed_form: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        return self.runs.mean(axis=0)

    @property
    def max_dev_recursion(self) -> float:
        return float(np.abs(self.mean - self.recursion).max())

    @property
    def max_gap_closed_form(self) -> float:
        """Largest gap between the simulated mean and the continuous Bass curve."""
        return float(np.abs(self.mean - self.closed_form).max())

    @property
    def recursion_vs_closed_form(self) -> float:
        """Largest gap between the weekly recursion and the continuous curve (the step's cost)."""
        return float(np.abs(self.recursion - self.closed_form).max())

    @property
    def max_sd(self) -> float:
        """Largest standard deviation of one run's share across seeds, over the weeks."""
        return float(self.runs.std(axis=0, ddof=1).max()) if len(self.runs) > 1 else 0.0

    @property
    def peak_sim(self) -> float:
        return theory.peak_time(self.mean, self.p, self.q)

    @property
    def peak_theory(self) -> float:
        return theory.bass_peak_time(self.p, self.q)

    @property
    def peak_recursion(self) -> float:
        return theory.peak_time(self.recursion, self.p, self.q)

    @property
    def peak_error(self) -> float:
        """Relative error of the simulated peak time against the weekly recursion's."""
        return abs(self.peak_sim - self.peak_recursion) / self.peak_recursion

    @property
    def peak_error_closed_form(self) -> float:
        return abs(self.peak_sim - self.peak_theory) / self.peak_theory

    @property
    def closed_form_applies(self) -> bool:
        return self.p + self.q <= 0.1 + 1e-12


def _bass_job(job: tuple) -> np.ndarray:
    seed, steps, overrides = job
    model = MarketModel.from_scenario("bass", rng=seed, **overrides)
    for _ in range(steps):
        model.step()
    return model.datacollector.get_model_vars_dataframe()["adoption_rate"].to_numpy()


def bass_steps(p: float, q: float) -> int:
    """Weeks to run a Bass setting: until the curve is within 1% of saturation."""
    return int(np.ceil(np.log(100.0 * (1 + q / p)) / (p + q))) + 5


def run_bass(
    p: float,
    q: float,
    n: int,
    seeds: Iterable[int],
    steps: int | None = None,
    workers: int | None = None,
) -> BassResult:
    """Run the ``bass`` scenario at Bass ``(p, q)`` on ``n`` people for each seed."""
    steps = steps or bass_steps(p, q)
    overrides = theory.bass_overrides(p, q, n)
    runs = _map(_bass_job, [(s, steps, overrides) for s in seeds], workers)
    return BassResult(
        p=p,
        q=q,
        n=n,
        runs=np.array(runs),
        recursion=theory.bass_recursion(p, q / n, n, steps),
        closed_form=theory.bass_cdf(np.arange(steps + 1), p, q),
    )


# -------------------------------------------------------------------- predator-prey


@dataclass
class PredatorPreyResult:
    """Receptivity and reps of several seeds of one ``predator_prey`` setting."""

    label: str
    overrides: dict[str, Any]
    receptivity: np.ndarray  # (seeds, steps + 1)
    reps: np.ndarray
    burn_in: int
    predicted: float
    predicted_ode: float
    predicted_lag: float
    equilibrium: tuple[float, float]
    mean_field: np.ndarray  # (steps + 1, 2) from the scenario's starting point
    measured: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        r = self.receptivity[:, self.burn_in :]
        y = self.reps[:, self.burn_in :]
        lag_window = int(self.predicted / 2)
        self.measured = {
            "period_receptivity": theory.dominant_period(list(r)),
            "period_reps": theory.dominant_period(list(y)),
            "spectral_receptivity": theory.spectral_period(list(r)),
            "spectral_reps": theory.spectral_period(list(y)),
            "lag": float(
                np.mean([theory.peak_lag(a, b, lag_window) for a, b in zip(r, y, strict=True)])
            ),
            "acf_min_receptivity": _acf_trough(r),
            "acf_min_reps": _acf_trough(y),
            "period_sd_seeds": _robust_sd([theory.dominant_period(s) for s in r]),
            "mean_receptivity": float(r.mean()),
            "mean_reps": float(y.mean()),
        }

    @property
    def period(self) -> float:
        """Measured period: mean of the receptivity and reps estimates."""
        return 0.5 * (self.measured["period_receptivity"] + self.measured["period_reps"])

    @property
    def period_error(self) -> float:
        return abs(self.signed_error)

    @property
    def signed_error(self) -> float:
        """(measured - predicted) / predicted."""
        return (self.period - self.predicted) / self.predicted

    @property
    def oscillates(self) -> bool:
        """Both series have an autocorrelation that swings clearly negative, then back."""
        return (
            self.measured["acf_min_receptivity"] < -0.2
            and self.measured["acf_min_reps"] < -0.2
            and np.isfinite(self.period)
        )

    @property
    def reps_lag(self) -> bool:
        """Reps peak after receptivity, by less than half a period."""
        return 0 < self.measured["lag"] < self.predicted / 2


def _robust_sd(values: list[float]) -> float:
    """Spread of per-seed estimates, ``0.741 * IQR`` (a single failed fit does not blow it up)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) < 2:
        return float("nan")
    q1, q3 = np.percentile(v, [25, 75])
    return float(0.741 * (q3 - q1))


def _acf_trough(runs: np.ndarray) -> float:
    acf = np.mean([theory.autocorrelation(s, len(s) // 2) for s in runs], axis=0)
    return float(acf.min())


def _pp_job(job: tuple) -> tuple[np.ndarray, np.ndarray]:
    seed, steps, overrides = job
    model = MarketModel.from_scenario("predator_prey", rng=seed, **overrides)
    for _ in range(steps):
        model.step()
    df = model.datacollector.get_model_vars_dataframe()
    return df["buyer_receptivity"].to_numpy(), df["reps_total"].to_numpy(dtype=float)


def pp_steps(overrides: dict[str, Any], periods: float = 10.0, burn_in: int = 200) -> int:
    """Weeks to run a setting: a burn-in plus ``periods`` predicted periods."""
    return burn_in + int(periods * theory.predicted_period("predator_prey", **overrides))


def run_predator_prey(
    label: str,
    overrides: dict[str, Any],
    seeds: Iterable[int],
    steps: int | None = None,
    burn_in: int = 200,
    workers: int | None = None,
) -> PredatorPreyResult:
    """Run ``predator_prey`` with ``overrides`` for each seed and measure the cycle."""
    steps = steps or pp_steps(overrides, burn_in=burn_in)
    params = theory.scenario_params("predator_prey", **overrides)
    pp = theory.predator_prey_coefficients(params)
    results = _map(_pp_job, [(s, steps, overrides) for s in seeds], workers)
    return PredatorPreyResult(
        label=label,
        overrides=overrides,
        receptivity=np.array([r for r, _ in results]),
        reps=np.array([y for _, y in results]),
        burn_in=burn_in,
        predicted=theory.predicted_period("predator_prey", **overrides),
        predicted_ode=theory.predicted_period("predator_prey", method="ode", **overrides),
        predicted_lag=theory.predicted_lag(pp),
        equilibrium=theory.map_equilibrium(pp),
        mean_field=theory.mean_field_map(
            pp, params["receptivity_initial"], params["initial_reps"], steps
        ),
    )


# ------------------------------------------------------------------------- networks


@dataclass
class NetworkResult:
    """Adoption with the same per-person hazards on the three org networks."""

    p: float
    q: float
    n: int
    curves: dict[str, np.ndarray]  # network -> (seeds, steps + 1)
    mean_degree: dict[str, float]
    mean_field: dict[str, np.ndarray]  # network -> degree mean field, (steps + 1,)

    def mean(self, network: str) -> np.ndarray:
        return self.curves[network].mean(axis=0)

    def excess(self, network: str) -> np.ndarray:
        """Mean share on ``network`` minus the complete graph's, week by week."""
        return self.mean(network) - self.mean("complete")

    def tolerance(self, network: str) -> np.ndarray:
        """Three standard errors of the difference of means, week by week."""
        se2 = sum(
            self.curves[k].var(axis=0, ddof=1) / len(self.curves[k]) for k in (network, "complete")
        )
        return 3.0 * np.sqrt(se2)

    def below(self, network: str) -> bool:
        """Never above the complete graph by more than noise, and clearly below somewhere."""
        ex = self.excess(network)
        return bool(np.all(ex <= self.tolerance(network) + 1e-9) and ex.min() < -0.05)

    def excess_over_mean_field(self, network: str) -> np.ndarray:
        """Mean share on ``network`` minus its degree mean field, week by week."""
        return self.mean(network) - self.mean_field[network]

    def below_mean_field(self, network: str) -> bool:
        """Never above the network's degree mean field by more than three standard errors
        of the mean, and clearly below it somewhere (clustering slows the spread)."""
        runs = self.curves[network]
        se = runs.std(axis=0, ddof=1) / np.sqrt(len(runs))
        ex = self.excess_over_mean_field(network)
        return bool(np.all(ex <= 3.0 * se + 1e-9) and ex.min() < -0.02)


def degrees(network: str, n: int, seed: int = 0) -> np.ndarray:
    """Each person's degree in an ``n``-person enterprise's org network of this kind."""
    if network == "complete":
        return np.full(n, n - 1)
    params = defaults() | theory.scenario_params("bass", org_network=network)
    params.update(enterprise_size_min=n, enterprise_size_max=n)
    pop = build_population(params, np.random.default_rng(seed))
    return np.asarray(pop.degree)


def mean_degree(network: str, n: int, seed: int = 0) -> float:
    """Mean degree of an ``n``-person enterprise's org network of this kind."""
    return float(degrees(network, n, seed).mean())


def _net_job(job: tuple) -> np.ndarray:
    seed, steps, overrides = job
    model = MarketModel.from_scenario("bass", rng=seed, **overrides)
    for _ in range(steps):
        model.step()
    return model.datacollector.get_model_vars_dataframe()["adoption_rate"].to_numpy()


def run_networks(
    p: float,
    q: float,
    n: int,
    seeds: Iterable[int],
    steps: int | None = None,
    workers: int | None = None,
) -> NetworkResult:
    """Bass adoption on each network with per-colleague ``virality = q / mean degree``.

    A person all of whose colleagues use the product then has the same weekly hazard
    on every network (``p + q`` to first order), which is Fibich and Gibori's
    comparison: only the structure differs.
    """
    steps = steps or bass_steps(p, q)
    seeds = list(seeds)
    sequences = {net: degrees(net, n) for net in NETWORKS}
    degree = {net: float(k.mean()) for net, k in sequences.items()}
    virality = {net: min(1.0, q / degree[net]) for net in NETWORKS}
    jobs, keys = [], []
    for net in NETWORKS:
        overrides = theory.bass_overrides(p, q, n) | {
            "org_network": net,
            "virality": virality[net],
        }
        jobs += [(s, steps, overrides) for s in seeds]
        keys += [net] * len(seeds)
    runs = _map(_net_job, jobs, workers)
    curves = {
        net: np.array([r for r, k in zip(runs, keys, strict=True) if k == net]) for net in NETWORKS
    }
    mean_field = {
        net: theory.degree_mean_field(p, virality[net], sequences[net], steps) for net in NETWORKS
    }
    return NetworkResult(p=p, q=q, n=n, curves=curves, mean_degree=degree, mean_field=mean_field)


# ---------------------------------------------------------------------------- report


def run_validation(
    out_dir: Path,
    seeds: int = 8,
    progress: bool = True,
    bass_n: int = 2000,
    pp_periods: float = 12.0,
) -> dict[str, bool]:
    """Run every check, write the charts and ``validation.md`` into ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        Folder for ``bass.png``, ``predator_prey.png`` (every setting),
        ``predator_prey_scenario.png`` (the scenario as shipped, for the README),
        ``networks.png`` and ``validation.md`` (created if missing).
    seeds : int
        Seeds per setting.
    progress : bool
        Show a progress bar.
    bass_n : int
        Employees in the Bass and network runs.
    pp_periods : float
        Predicted periods simulated per predator-prey run after the burn-in.

    Returns
    -------
    dict
        Check name -> passed.
    """
    from rich.progress import Progress

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    seed_list = list(range(seeds))
    tasks = len(BASS_SETTINGS) + len(PP_SETTINGS) + 1
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("validating", total=tasks)
        bass = []
        for p, q in BASS_SETTINGS:
            bar.update(task, description=f"Bass p={p} q={q}")
            bass.append(run_bass(p, q, bass_n, seed_list))
            bar.advance(task)
        pp = []
        for label, overrides in PP_SETTINGS.items():
            bar.update(task, description=f"predator-prey {label.split(' (')[0]}")
            pp.append(
                run_predator_prey(
                    label, overrides, seed_list, steps=pp_steps(overrides, pp_periods)
                )
            )
            bar.advance(task)
        bar.update(task, description="networks")
        nets = run_networks(0.01, 0.2, bass_n, seed_list)
        bar.advance(task)

    checks = evaluate(bass, pp, nets)
    plot_bass(bass, out_dir / "bass.png")
    plot_predator_prey(pp, out_dir / "predator_prey.png")
    plot_predator_prey(pp[:1], out_dir / "predator_prey_scenario.png")
    plot_networks(nets, out_dir / "networks.png")
    write_text(out_dir / "validation.md", report(bass, pp, nets, checks, seeds))
    return checks


def evaluate(
    bass: list[BassResult], pp: list[PredatorPreyResult], nets: NetworkResult
) -> dict[str, bool]:
    """Pass or fail of every check."""
    checks: dict[str, bool] = {}
    for b in bass:
        tag = f"bass p={b.p} q={b.q}"
        checks[f"{tag}: within {BASS_RECURSION_TOL} of the recursion"] = (
            b.max_dev_recursion <= BASS_RECURSION_TOL
        )
        if b.closed_form_applies:
            checks[f"{tag}: within {BASS_CLOSED_FORM_TOL} of the closed form"] = (
                b.max_gap_closed_form <= BASS_CLOSED_FORM_TOL
            )
        checks[f"{tag}: peak time within 10%"] = b.peak_error <= BASS_PEAK_TOL
    for r in pp:
        name = r.label.split(" (")[0]
        checks[f"predator-prey {name}: reps and receptivity oscillate"] = bool(r.oscillates)
        checks[f"predator-prey {name}: period within 20% of prediction"] = (
            r.period_error <= PERIOD_TOL
        )
        checks[f"predator-prey {name}: reps' peaks lag receptivity's"] = bool(r.reps_lag)
    periods = [r.predicted for r in pp]
    checks["predator-prey: predicted periods differ by at least 2x"] = max(periods) >= 2 * min(
        periods
    )
    # equal degrees (Fibich and Gibori's setting): below the complete graph
    checks["networks: small_world stays below the complete graph"] = nets.below("small_world")
    # unequal degrees: below the same degrees without structure (theory.degree_mean_field)
    for net in ("hierarchy", "small_world"):
        checks[f"networks: {net} stays below its degree mean field"] = nets.below_mean_field(net)
    return checks


def report(
    bass: list[BassResult],
    pp: list[PredatorPreyResult],
    nets: NetworkResult,
    checks: dict[str, bool],
    seeds: int,
) -> str:
    """The Markdown report: numbers, then pass or fail per check."""
    n_pass = sum(checks.values())
    lines = [
        "# Sales Web against theory",
        "",
        f"{n_pass} of {len(checks)} checks pass; {seeds} seeds per setting. "
        "Derivations: `docs/theory.md`; code: `sim/theory.py`.",
        "",
        "## Bass limit (scenario `bass`)",
        "",
        f"{bass[0].n} employees on a complete graph; `marketing_reach = p`, "
        "`virality = q / N`. Deviations are of the mean over seeds; *sd* is the largest "
        "standard deviation of one run across seeds.",
        "",
        "| p | q | max dev. from recursion | max gap to closed form | recursion vs closed form "
        "| peak: sim / recursion / closed form (weeks) | peak error | sd |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for b in bass:
        cf = f"{b.max_gap_closed_form:.4f}" + ("" if b.closed_form_applies else " (p+q > 0.1)")
        lines.append(
            f"| {b.p} | {b.q} | {b.max_dev_recursion:.4f} | {cf} | "
            f"{b.recursion_vs_closed_form:.4f} | {b.peak_sim:.1f} / {b.peak_recursion:.1f} / "
            f"{b.peak_theory:.1f} | {100 * b.peak_error:.1f}% | {b.max_sd:.4f} |"
        )
    lines += [
        "",
        "The recursion lags the continuous curve because a week's adopters only start "
        "persuading colleagues the week after (the step is an explicit Euler step of the "
        "Bass equation); the gap grows with `p + q`.",
        "",
        "![Bass](bass.png)",
        "",
        "## Predator-prey limit (scenario `predator_prey`)",
        "",
        "Periods in weeks. *Predicted*: the weekly mean-field map with the pipeline delay, "
        "linearised (`predicted_period`); *ODE*: the continuous Lotka-Volterra-type form. "
        "*Measured*: a damped cosine fitted to the autocorrelation after a "
        f"{pp[0].burn_in}-week burn-in (receptivity / reps); *error* is of their mean. "
        "*Spectral*: the peak of the averaged periodogram, a rough cross-check only (the "
        "cycle is damped, damping ratio 0.3-0.45, so its spectral peak is broad and sits "
        "away from the eigenvalue's frequency). *sd of one seed*: spread (0.74 IQR) of "
        "single-seed estimates; the mean over seeds is more precise by the square root of "
        "the number of seeds. *Lag*: weeks from a receptivity peak to the reps' peak "
        "(cross-correlation), against the phase of the linearised map's eigenvector.",
        "",
        "| setting | R* / mean R | Y* / mean reps | predicted | ODE | measured (R / reps) "
        "| spectral (R / reps) | error | sd of one seed | reps' lag (sim / mean field) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in pp:
        m = r.measured
        lines.append(
            f"| {r.label} | {r.equilibrium[0]:.3f} / {m['mean_receptivity']:.3f} | "
            f"{r.equilibrium[1]:.0f} / {m['mean_reps']:.0f} | {r.predicted:.1f} | "
            f"{r.predicted_ode:.1f} | {m['period_receptivity']:.1f} / {m['period_reps']:.1f} | "
            f"{m['spectral_receptivity']:.1f} / {m['spectral_reps']:.1f} | "
            f"{100 * r.signed_error:+.1f}% | {m['period_sd_seeds']:.1f} | "
            f"{m['lag']:.1f} / {r.predicted_lag:.1f} |"
        )
    lines += [
        "",
        "![Predator-prey](predator_prey.png)",
        "",
        "## Networks",
        "",
        f"{nets.n} employees, Bass p={nets.p}, q={nets.q}; per-colleague virality "
        "`q / mean degree`, so that a person of mean degree whose colleagues all use the "
        "product has the same hazard on every network. Mean degree: "
        + ", ".join(f"{k} {v:.1f}" for k, v in nets.mean_degree.items())
        + ". On `small_world` everyone has about the same degree, the setting of Fibich and "
        "Gibori (2010), and adoption must stay below the complete graph. On `hierarchy` "
        "degrees differ (managers and people with ties across teams have more colleagues), "
        "and the well-connected, persuaded first, can pull adoption ahead of the complete "
        "graph; its yardstick is its *degree mean field*, the same degrees with no "
        "structure (`sim/theory.py: degree_mean_field`), which the clustered network must "
        "stay below. Tolerance: 3 standard errors of the mean.",
        "",
        "| network | excess over complete: largest / smallest | excess over degree mean "
        "field: largest / smallest | degree mean field over complete: largest |",
        "| --- | --- | --- | --- |",
    ]
    complete = nets.mean("complete")
    for net in ("hierarchy", "small_world"):
        ex, exm = nets.excess(net), nets.excess_over_mean_field(net)
        lead = (nets.mean_field[net] - complete).max()
        lines.append(
            f"| {net} | {ex.max():+.4f} / {ex.min():+.4f} | {exm.max():+.4f} / "
            f"{exm.min():+.4f} | {lead:+.4f} |"
        )
    lines += ["", "![Networks](networks.png)", "", "## Checks", ""]
    lines += [f"- {'PASS' if ok else 'FAIL'}: {name}" for name, ok in checks.items()]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- charts


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_bass(bass: list[BassResult], path: Path) -> None:
    """Top: simulation band (5-95% of seeds) and mean against the recursion and the closed
    form. Bottom: the mean's deviation from the recursion (tolerance shaded) and the
    closed form's."""
    plt = _plt()
    fig, axes = plt.subplots(
        2, len(bass), figsize=(5 * len(bass), 6), sharex="col", height_ratios=(2.2, 1)
    )
    for col, b in enumerate(bass):
        ax, res = axes[0, col], axes[1, col]
        t = np.arange(b.runs.shape[1])
        lo, hi = np.percentile(b.runs, [5, 95], axis=0)
        ax.fill_between(t, lo, hi, color="tab:blue", alpha=0.25, label="simulation 5-95%")
        ax.plot(t, b.mean, color="tab:blue", lw=2, label=f"simulation mean ({len(b.runs)} seeds)")
        ax.plot(t, b.recursion, "k--", lw=1.2, label="weekly recursion")
        ax.plot(t, b.closed_form, color="tab:red", ls=":", lw=1.5, label="Bass closed form")
        ax.axvline(b.peak_theory, color="tab:red", lw=0.8, alpha=0.6, label="Bass peak time")
        ax.set_title(f"p={b.p}, q={b.q}, N={b.n} (p+q={b.p + b.q:.2f})")
        res.axhspan(-BASS_RECURSION_TOL, BASS_RECURSION_TOL, color="0.9", label="tolerance")
        res.axhline(0, color="k", lw=0.8, ls="--")
        res.plot(t, b.mean - b.recursion, color="tab:blue", label="simulation mean - recursion")
        res.plot(
            t, b.closed_form - b.recursion, color="tab:red", ls=":", label="closed form - recursion"
        )
        res.set_xlabel("week")
    axes[0, 0].set_ylabel("adopted share")
    axes[1, 0].set_ylabel("difference")
    axes[0, 0].legend(loc="lower right", fontsize=8)
    axes[1, 0].legend(loc="lower right", fontsize=7)
    fig.suptitle("Bass limit: simulation vs theory")
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def _series(ax, t, runs: np.ndarray, mean_field: np.ndarray, color: str, name: str) -> None:
    """One seed, the mean over seeds and the mean-field path of one variable on ``ax``."""
    ax.plot(t, runs[0], color=color, lw=0.8, alpha=0.6, label=f"{name}, seed 0")
    ax.plot(t, runs.mean(axis=0), color=color, lw=1.8, label=f"{name}, mean of {len(runs)} seeds")
    ax.plot(t, mean_field, color=color, ls="--", lw=1.2, label=f"{name}, mean field")


def plot_predator_prey(pp: list[PredatorPreyResult], path: Path) -> None:
    """Per setting: receptivity and reps over time, and the phase portrait, vs the mean field."""
    plt = _plt()
    fig, axes = plt.subplots(len(pp), 2, figsize=(13, 3.6 * len(pp)))
    axes = np.atleast_2d(axes)
    for row, r in zip(axes, pp, strict=True):
        ax, ph = row
        horizon = min(r.receptivity.shape[1], int(5 * r.predicted) + r.burn_in)
        t = np.arange(horizon)
        _series(ax, t, r.receptivity[:, :horizon], r.mean_field[:horizon, 0], "tab:green", "R")
        ax.set_ylabel("mean receptivity", color="tab:green")
        ax.set_xlabel("week")
        ax2 = ax.twinx()
        _series(ax2, t, r.reps[:, :horizon], r.mean_field[:horizon, 1], "tab:purple", "Y")
        ax2.set_ylabel("reps", color="tab:purple")
        ax.set_title(
            f"{r.label}: predicted {r.predicted:.0f} wk, measured {r.period:.0f} wk", fontsize=10
        )
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        ax.legend(h1 + h2, l1 + l2, fontsize=7, loc="upper right", ncol=2)
        for s in range(min(3, len(r.receptivity))):
            ph.plot(
                r.receptivity[s, r.burn_in :],
                r.reps[s, r.burn_in :],
                lw=0.4,
                alpha=0.5,
                label="simulation (after burn-in)" if s == 0 else None,
            )
        early = int(1.5 * r.predicted)
        ph.plot(
            r.receptivity[:, :early].mean(axis=0),
            r.reps[:, :early].mean(axis=0),
            color="tab:red",
            lw=1.5,
            label="mean of seeds, first 1.5 periods",
        )
        ph.plot(
            r.mean_field[:, 0], r.mean_field[:, 1], "k--", lw=1.2, label="mean-field trajectory"
        )
        ph.plot(*r.mean_field[0], "ko", ms=4)
        ph.plot(*r.equilibrium, "r*", ms=12, label="equilibrium")
        ph.set_xlabel("mean receptivity R")
        ph.set_ylabel("reps Y")
        ph.legend(fontsize=7, loc="upper right")
    fig.suptitle("Predator-prey limit: reps (foxes) and buyers' receptivity (hares)")
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def plot_networks(nets: NetworkResult, path: Path) -> None:
    """Mean adoption (band: 5-95% of seeds) on the three networks, the degree mean fields
    of the two structured ones (dashed) and the Bass closed form."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    colors = {"complete": "tab:blue", "hierarchy": "tab:orange", "small_world": "tab:green"}
    for net in NETWORKS:
        runs = nets.curves[net]
        t = np.arange(runs.shape[1])
        lo, hi = np.percentile(runs, [5, 95], axis=0)
        ax.fill_between(t, lo, hi, color=colors[net], alpha=0.2)
        ax.plot(
            t,
            runs.mean(axis=0),
            color=colors[net],
            lw=2,
            label=f"{net} (mean degree {nets.mean_degree[net]:.0f})",
        )
    t = np.arange(nets.curves["complete"].shape[1])
    for net in ("hierarchy", "small_world"):
        ax.plot(
            t, nets.mean_field[net], "--", color=colors[net], lw=1,
            label=f"{net}: degree mean field",
        )  # fmt: skip
    ax.plot(t, theory.bass_cdf(t, nets.p, nets.q), "k:", label="Bass closed form")
    ax.set_xlabel("week")
    ax.set_ylabel("adopted share")
    ax.set_title(
        f"Same per-person hazards, three org networks (p={nets.p}, q={nets.q}, N={nets.n})"
    )
    ax.legend(loc="lower right", fontsize=8)
    save_figure(fig, path)
    plt.close(fig)
