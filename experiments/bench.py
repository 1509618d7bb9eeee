"""``salesweb bench``: the engine's speed at 10k, 100k and 1M employees, against Mesa.

One run, pinned to one core, prints (issue 12, point 1):

- Mesa's ``VirusOnNetwork`` at 100,000 nodes: agent-steps per second over 20 steps
  (the peer; :mod:`experiments.bench_cases` says how its graph is built);
- ``MarketModel`` at about 10,000, 100,000 and 1,000,000 employees (default
  parameters, 50 vendors at the start, 260 weeks): build time, milliseconds per step
  (median and worst), employee-steps per second and peak memory; the 100,000 line's
  throughput over the peer's is the headline ratio;
- where a step's time goes, mechanism by mechanism (:mod:`sim.step_clock`);
- the default scenario as shipped (1,200 enterprises, 12 vendors): seconds for its 260 weeks;
- the default scenario at about 20,000 employees (``n_enterprises`` scaled), 260 weeks:
  the run issue 22 times (CPU seconds);
- whether the targets of issues 12 and 22 hold.

Every case runs in a fresh process pinned to the same core, so peak memory is the
case's own and one case's garbage does not slow the next. Timings are wall-clock
figures of a shared machine: the load average before and after is recorded with them.
Nothing here fails on a slow machine; it reports.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from experiments.io import write_text
from sim.params import PARAMETERS, defaults

SIZES = (10_000, 100_000, 1_000_000)
THROUGHPUT_SIZE = 100_000  # the market compared with the peer
PEER_NODES = 100_000
PEER_STEPS = 20
VENDORS = 50  # issue 12: "about 9,000 enterprises at the default size law, 50 vendors"
DEFAULT_WEEKS = 260  # the default scenario's horizon, the figure issue 7 keeps under 2 s
ROOT = Path(__file__).resolve().parents[1]

# Issue 12, point 2: (figure, limit, which way) at 1,000,000 employees.
MILLION_TARGETS = (
    ("build_s", 20.0, "<="),
    ("step_ms_median", 100.0, "<="),
    ("step_ms_max", 250.0, "<="),
    ("peak_memory_gb", 3.0, "<"),
)
RATIO_TARGET = 30.0
RATIO_TARGET_22 = 100.0
"""Issue 22, point 3: at least 100x Mesa's VirusOnNetwork at 100,000 employees."""

TWENTY_K = 20_000
"""Issue 22, point 1: a 260-week run of the default market at about 20,000 employees
(``n_enterprises`` scaled: the shipped default holds about 60,000) in at most 0.25 s."""
TWENTY_K_CPU_S = 0.25
REPEATS = 3
"""How often the two noisiest figures are measured, the medians kept: the 20,000-employee
run (three fresh processes, :func:`median_run`) and the study (three times in
alternation with the warm pool's, :func:`experiments.bench_study.study_case`)."""

SIZED = {"firm_founding_rate": 0.0}
"""A market sized in employees holds them all from the first week. The default market
founds firms over the run and is built with the ones to come (``sim/firm_founding.py``),
1.6 times the employees of its first week, so with founding on a market of "a million
employees" would be one of 1.6 million; the targets of issues 12 and 22 are in
employees. The default scenario as shipped (its own case) keeps founding on."""

HUGE_SIZE = 10_000_000
"""Issue 22, point 4: ten million employees on one machine (``--ten-million WEEKS``)."""
HUGE_LIMIT_GB = 8.0
"""Its memory limit: the budget (:mod:`sim.budget`) must let it through under 8 GB."""
HUGE_TARGETS = (
    ("build_s", 60.0, "<="),
    ("step_ms_median", 1000.0, "<="),
    ("peak_memory_gb", 8.0, "<="),
)


class BenchError(ValueError):
    """A bench option cannot be honoured (size out of the parameter range, bad core)."""


def mean_enterprise_size(params: dict[str, Any] | None = None) -> float:
    """Expected employees per enterprise under the truncated Zipf law, sizes floored.

    ``E[floor S] = lo + sum_{s=lo+1}^{hi} P(S >= s)`` with
    ``P(S >= s) = (lo/s - lo/hi) / (1 - lo/hi)`` (:func:`sim.population.draw_enterprise_sizes`).
    110.2 at the defaults (20, 5000).
    """
    p = params or defaults()
    lo, hi = p["enterprise_size_min"], p["enterprise_size_max"]
    if lo >= hi:
        return float(lo)
    s = np.arange(lo + 1, hi + 1, dtype=np.float64)
    return float(lo + np.sum((lo / s - lo / hi) / (1.0 - lo / hi)))


def enterprises_for(employees: int) -> int:
    """Enterprises that hold about ``employees`` at the default size law."""
    n = max(1, round(employees / mean_enterprise_size()))
    high = PARAMETERS["n_enterprises"].high
    if n > high:
        raise BenchError(
            f"--sizes: {employees:,} employees needs {n:,} enterprises, above the "
            f"n_enterprises limit of {high:,.0f}"
        )
    return n


def fits_budget(size: int, n_ent: int) -> None:
    """Refuse, before anything runs, a ``--sizes`` market the default memory limit
    refuses (:mod:`sim.budget`); ten million employees have their own option and limit."""
    from sim.budget import GB, check_limit, default_limit_gb, estimate

    est = estimate({**defaults(), "n_enterprises": n_ent, "n_vendors": VENDORS})
    limit = check_limit(default_limit_gb())
    if est.total > limit * GB:
        raise BenchError(
            f"--sizes: {size:,} employees need about {est.total / GB:.1f} GB by the memory "
            f"budget, above its default limit of {limit:g} GB; use --ten-million WEEKS for "
            "the ten-million case (8 GB limit)"
        )


def pin_to_one_core(core: int | None = None) -> int:
    """Pin this process (and the workers it starts) to one core; return which.

    Without ``core``, the last core this process may run on.
    """
    allowed = sorted(os.sched_getaffinity(0))
    if core is None:
        core = allowed[-1]
    if core not in allowed:
        raise BenchError(f"--core {core}: not one of the cores allowed here {allowed}")
    os.sched_setaffinity(0, {core})
    return core


def run_case(case: str, **kwargs: Any) -> dict[str, Any]:
    """Run one case of :mod:`experiments.bench_cases` in a fresh Python process.

    Returns its figures, or ``{"error": ...}`` if the worker died (out of memory,
    killed): the cases already run are kept.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "experiments.bench", "--worker", case, json.dumps(kwargs)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        return {"case": case, **kwargs, "error": last}
    return json.loads(proc.stdout)


def cpu_identity() -> dict[str, Any]:
    """The processor beyond its marketing name, from the first core of ``/proc/cpuinfo``
    and ``/sys``: family, model, stepping, caches and BogoMIPS.

    Why: two hosts of this project's CI both call themselves "AMD EPYC", and the same
    commit ran a 20,000-employee year 2.8 times slower on one (family 23, model 1: the
    first EPYC generation) than on the other. A figure is comparable with another only
    on the same processor; this says which one it was.
    """
    fields = {"cpu family": "family", "model": "model", "stepping": "stepping",
              "bogomips": "bogomips"}  # fmt: skip
    out: dict[str, Any] = {}
    try:
        lines = Path("/proc/cpuinfo").read_text().split("\n\n", 1)[0].splitlines()
    except OSError:
        return out
    for line in lines:
        key, _, value = (part.strip() for part in line.partition(":"))
        if key in fields:
            out[fields[key]] = value
    caches = {}
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            level = (index / "level").read_text().strip()
            kind = (index / "type").read_text().strip()
            size = (index / "size").read_text().strip()
        except OSError:
            continue
        if kind != "Instruction":
            caches[f"L{level}"] = size
    if caches:
        out["caches"] = caches
    return out


def machine() -> dict[str, Any]:
    """What the figures were measured on, and the code they measured."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    import mesa
    import scipy

    return {
        "cpu": model,
        "cpu_identity": cpu_identity(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "mesa": mesa.__version__,
        **git_commit(),
    }


def git_commit() -> dict[str, Any]:
    """The commit of the code measured and whether the work tree had changes."""

    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return out.stdout.strip() if out.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    return {"commit": commit or None, "dirty": dirty if commit else None}


def run_bench(
    sizes: tuple[int, ...] = SIZES,
    steps: int = 260,
    peer_nodes: int = PEER_NODES,
    peer_steps: int = PEER_STEPS,
    seed: int = 1,
    core: int | None = None,
    on_case: Callable[[str], None] = lambda label: None,
    huge_weeks: int = 0,
    study_seeds: int = 20,
) -> dict[str, Any]:
    """Every figure of the bench as one JSON-ready dict.

    ``huge_weeks`` > 0 adds a market of ten million employees run that many weeks under
    an 8 GB memory limit (:data:`HUGE_SIZE`), last, after the guard. ``study_seeds`` > 0
    times the issue 22 study (:mod:`experiments.bench_study`) with that many seeds over
    ``steps`` weeks, on every core.
    """
    plan = [(size, enterprises_for(size)) for size in sizes]
    for size, n_ent in plan:
        fits_budget(size, n_ent)
    huge = enterprises_for(HUGE_SIZE) if huge_weeks > 0 else 0
    pinned = pin_to_one_core(core)
    result: dict[str, Any] = {"core": pinned, "load_before": os.getloadavg(), **machine()}
    on_case(f"Mesa VirusOnNetwork, {peer_nodes:,} nodes, {peer_steps} steps")
    result["peer"] = run_case("virus_on_network", nodes=peer_nodes, steps=peer_steps, seed=seed)
    on_case(f"default scenario, {DEFAULT_WEEKS} weeks")
    result["default_scenario"] = run_case("market", steps=DEFAULT_WEEKS, seed=seed)
    on_case(f"default scenario at about {TWENTY_K:,} employees, {steps} weeks")
    result["twenty_thousand"] = median_run(
        [run_case("market", steps=steps, seed=seed, n_enterprises=enterprises_for(TWENTY_K),
                  **SIZED) for _ in range(REPEATS)]
    )  # fmt: skip
    result["markets"] = []
    for size, n_ent in plan:
        on_case(f"market of about {size:,} employees ({n_ent:,} enterprises), {steps} weeks")
        figures = run_case(
            "market", steps=steps, seed=seed, n_enterprises=n_ent, n_vendors=VENDORS, **SIZED
        )
        result["markets"].append({"target_employees": size, **figures})
    on_case("step-time guard (ratios against the peer, experiments/bench_guard.py)")
    result["guard"] = run_case("guard")
    if study_seeds > 0:
        on_case(f"study, 3 options x {study_seeds} seeds x {steps} weeks, every core")
        result["study"] = run_case("study", seeds=study_seeds, steps=steps, repeats=REPEATS)
    if huge:
        on_case(
            f"market of about {HUGE_SIZE:,} employees ({huge:,} enterprises), {huge_weeks} weeks"
        )
        figures = run_case(
            "market", steps=huge_weeks, seed=seed, n_enterprises=huge, n_vendors=VENDORS,
            memory_limit_gb=HUGE_LIMIT_GB, **SIZED,
        )  # fmt: skip
        result["markets"].append({"target_employees": HUGE_SIZE, **figures})
    if _market(result, THROUGHPUT_SIZE) is not None and "error" not in result["peer"]:
        on_case(f"the peer and the {THROUGHPUT_SIZE:,}-employee market again, in turn")
        result["throughput_pairs"] = throughput_pairs(result, peer_nodes, peer_steps, seed, steps)
    result["load_after"] = os.getloadavg()
    result["ratio"] = throughput_ratio(result)
    result["ratio_cpu"] = throughput_ratio(result, per="cpu_s")
    result["targets"] = targets(result)
    return result


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median CPU time among ``runs`` (fresh processes of the same case), with
    every run's CPU time as ``cpu_s_runs``: one run's CPU moved from 0.43 to 0.62 s
    between two benches minutes apart on this machine at load 1.5 to 2.5."""
    done = sorted((r for r in runs if "error" not in r), key=lambda r: r["cpu_s"])
    if not done:
        return runs[0]
    return {**done[len(done) // 2], "cpu_s_runs": [r["cpu_s"] for r in done]}


def _market(result: dict[str, Any], size: int) -> dict[str, Any] | None:
    for m in result["markets"]:
        if m["target_employees"] == size and "error" not in m:
            return m
    return None


def throughput_pairs(
    result: dict[str, Any], peer_nodes: int, peer_steps: int, seed: int, steps: int
) -> list[dict[str, float]]:
    """The throughput ratio from :data:`REPEATS` pairs of runs: the bench's first peer
    and 100,000-employee market, then the peer and the market again, in turn, each in
    a fresh process. One pair's ratio moved from 79x to 90x between benches of one
    code on one host, half of it the peer (0.34 to 0.42 M agent-steps/s): the median
    of pairs run close together is what the target reads (:func:`throughput_ratio`)."""
    pairs = [(result["peer"], _market(result, THROUGHPUT_SIZE))]
    n_ent = enterprises_for(THROUGHPUT_SIZE)
    for _ in range(REPEATS - 1):
        peer = run_case("virus_on_network", nodes=peer_nodes, steps=peer_steps, seed=seed)
        market = run_case(
            "market", steps=steps, seed=seed, n_enterprises=n_ent, n_vendors=VENDORS, **SIZED
        )
        pairs.append((peer, market))
    return [
        {
            "peer_agent_steps_per_s": p["agent_steps_per_s"],
            "employee_steps_per_s": m["employee_steps_per_s"],
            "ratio_s": m["employee_steps_per_s"] / p["agent_steps_per_s"],
            "ratio_cpu_s": m["employee_steps_per_cpu_s"] / p["agent_steps_per_cpu_s"],
        }
        for p, m in pairs
        if "error" not in p and m is not None and "error" not in m
    ]


def pairs_words(pairs: list[dict[str, float]]) -> str:
    """Each pair's ratio and its peer's speed, for the report and the targets' table:
    "100x with the peer at 0.34 M, 95x with the peer at 0.35 M agent-steps/s"."""
    each = ", ".join(
        f"{p['ratio_s']:.0f}x with the peer at {p['peer_agent_steps_per_s'] / 1e6:.2f} M"
        for p in pairs
    )
    return f"{each} agent-steps/s"


def throughput_ratio(result: dict[str, Any], per: str = "s") -> float | None:
    """Employee-steps at 100,000 employees over the peer's agent-steps, per second: the
    median over :func:`throughput_pairs` where the bench ran them, else the one pair.

    ``per="cpu_s"`` divides by CPU seconds of each process instead of wall seconds:
    on a shared machine, the ratio an idle core would show.
    """
    pairs = result.get("throughput_pairs")
    if pairs:
        return float(statistics.median(pair[f"ratio_{per}"] for pair in pairs))
    m, peer = _market(result, THROUGHPUT_SIZE), result["peer"]
    if m is None or "error" in peer:
        return None
    return m[f"employee_steps_per_{per}"] / peer[f"agent_steps_per_{per}"]


def targets(result: dict[str, Any]) -> dict[str, bool]:
    """Issue 12's and 22's targets that this run measured, each True when it holds."""
    out = {}
    million = _market(result, 1_000_000)
    if million is not None:
        for key, limit, way in MILLION_TARGETS:
            value = million[key]
            out[f"1M {key} {way} {limit:g}"] = value <= limit if way == "<=" else value < limit
    huge = _market(result, HUGE_SIZE)
    if huge is not None:
        for key, limit, way in HUGE_TARGETS:
            out[f"10M {key} {way} {limit:g}"] = huge[key] <= limit
    study = result.get("study")
    if study and "error" not in study and (study["seeds"], study["steps"]) == (20, 260):
        from experiments.bench_study import TARGET_CLI_S, TARGET_DECIDE_S

        out[f"study 3x20x260 salesweb study <= {TARGET_CLI_S:g} s"] = (
            study["cli_wall_s"] <= TARGET_CLI_S
        )
        out[f"study 3x20x260 on a warm pool <= {TARGET_DECIDE_S:g} s"] = (
            study["warm_wall_s"] <= TARGET_DECIDE_S
        )
    twenty = result.get("twenty_thousand")
    if twenty and "error" not in twenty and twenty["steps"] == 260:
        out[f"20k run of 260 weeks <= {TWENTY_K_CPU_S:g} s of CPU"] = (
            twenty["cpu_s"] <= TWENTY_K_CPU_S
        )
    if result["ratio"] is not None:
        for limit in (RATIO_TARGET, RATIO_TARGET_22):
            out[f"100k throughput >= {limit:g}x VirusOnNetwork"] = result["ratio"] >= limit
    return out


def write_json(result: dict[str, Any], path: Path) -> None:
    """Write the figures whole or not at all."""
    write_text(path, json.dumps(result, indent=2) + "\n")


def _worker(case: str, kwargs_json: str) -> None:
    from experiments.bench_cases import CASES

    print(json.dumps(CASES[case](**json.loads(kwargs_json))))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        _worker(sys.argv[2], sys.argv[3])
    else:
        sys.exit("run the bench with: salesweb bench (see salesweb bench --help)")
