"""How long the 200-trial x 10-seed search at the default market takes, and where it goes.

A search's cost is its runs: a trial runs the plan on its search seeds (all of them,
or the first few when it is pruned, :mod:`experiments.optimize.pruning`), a run stops
when the focal company exits, then the held-out check runs four arms on 20 fresh seeds;
Optuna's own work per trial (TPE's ask and tell) is milliseconds. This script

* times representative runs of the default market (one per strategy, 260 weeks, CPU
  seconds of this process, so other load on the machine does not inflate them) and the
  sampler's ask and tell;
* with ``--search DIR``, reads the search ``salesweb optimize`` wrote there (the
  command :data:`COMMAND`): how many runs it made, how many weeks they stepped, and how
  many trials it pruned; with ``--run``, it first runs that command itself (on every
  core, at normal priority: a niced search on a shared machine would time the others'
  jobs) and records its wall time, the CPU seconds of all its processes
  (polled with psutil: the command, the forkserver and the workers) and the load
  average meanwhile, in ``DIR/timing.json``; the machine is shared, so the estimate for
  a quiet machine is those CPU seconds divided by the cores.

``python -m experiments.optimize_bench --search runs/optimize-time --run`` prints the
figures and rewrites the ``optimize-time`` block of docs/optimize.md (about 15 minutes
of CPU; without ``--run`` it reuses the folder's timing.json).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from experiments.fit.simulate import Market
from experiments.fit_recovery import write_block
from experiments.io import write_atomic
from experiments.study import run_one

ROOT = Path(__file__).resolve().parent.parent
DOC_NAME = "optimize-time"
PLANS = [
    {"strategy": "bottoms_up", "initial_reps": 0, "seat_price": 25.0},
    {"strategy": "direct", "initial_reps": 10, "seat_price": 80.0},
    {"strategy": "hybrid", "initial_reps": 20, "seat_price": 150.0},
]
COMMAND = (
    'salesweb optimize --scenario default --lever "initial_reps=0..20" '
    '--lever "seat_price=5..200:log" --lever "strategy=bottoms_up|direct|hybrid" '
    "--objective worth --min-survival 0.8 --trials 200 --seeds 10 --out DIR"
)
UNPRUNED_RUNS = 200 * 10 + 4 * 20


def measure(steps: int = 260) -> dict[str, float]:
    market = Market.of("default")
    run_one((0, 0, market.kwargs(PLANS[0], 1), 4))  # imports and caches out of the timing
    cpu = []
    for k, plan in enumerate(PLANS):
        t = time.process_time()
        run_one((0, 0, market.kwargs(plan, 100 + k), steps))
        cpu.append(time.process_time() - t)
    per_run = sum(cpu) / len(cpu)
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=0))
    t = time.perf_counter()
    for _ in range(200):
        trial = study.ask()
        x = trial.suggest_float("seat_price", 5, 200, log=True)
        study.tell(trial, -abs(x - 50))
    sampler = (time.perf_counter() - t) / 200
    return {"per_run_cpu": per_run, "per_week_ms": 1000 * per_run / steps, "sampler_s": sampler}


def timed(argv: list[str], poll: float = 0.5) -> dict[str, float]:
    """Run ``argv``: its wall time, the CPU seconds of it and every process under it, and
    the 1-minute load average meanwhile (:func:`experiments.timed_command.timed`)."""
    from experiments.timed_command import timed as run_timed

    t = run_timed(argv, poll)
    if t["exit_code"] != 0:
        raise SystemExit(f"{' '.join(argv)} failed with exit code {t['exit_code']}")
    return t


def run_search(folder: Path) -> dict[str, float]:
    """Run :data:`COMMAND` into ``folder``, timed; saved as ``folder/timing.json``."""
    import shlex

    args = shlex.split(COMMAND.replace("DIR", str(folder)))[1:]
    argv = [sys.executable, "-W", "ignore", "-m", "experiments.cli", *args, "--quiet"]
    t = timed(argv)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / "timing.json", lambda p: p.write_text(json.dumps(t, indent=2)))
    return t


def text(m: dict[str, float], cores: int, folder: Path | None = None) -> str:
    held = 4 * 20
    total = UNPRUNED_RUNS * m["per_run_cpu"] / cores
    sampler_share = 200 * m["sampler_s"] / (total + 200 * m["sampler_s"])
    out = (
        f"Measured by `python -m experiments.optimize_bench` (CPU time of one process): a "
        f"260-week run of the default market takes {m['per_run_cpu']:.2f} s of CPU "
        f"({m['per_week_ms']:.1f} ms a week); Optuna's TPE ask and tell take "
        f"{1000 * m['sampler_s']:.0f} ms a trial (the sampler is {sampler_share:.1%} of a search). "
        f"Without pruning (`--prune none`) a 200-trial x 10-seed search is {UNPRUNED_RUNS:,} "
        f"runs with the held-out check (4 arms x {held // 4} seeds): about "
        f"{total / 60:.0f} minutes on {cores} cores."
    )
    if folder is None:
        return out
    if not (folder / "best.json").exists():
        return out + "\n\n" + partial(m, cores, folder)
    doc = json.loads((folder / "best.json").read_text())
    runs = doc["search_runs"] + held
    out += (
        f"\n\nThe search as it runs (`--prune {doc['prune']}`): `{COMMAND}` pruned "
        f"{doc['pruned']} of its {doc['trials']} trials and made {runs:,} runs "
        f"({runs / UNPRUNED_RUNS:.0%} of the unpruned {UNPRUNED_RUNS:,})"
    )
    weeks = doc.get("weeks_stepped")  # the weeks of this command (not of a resumed part)
    if weeks:
        stepped = weeks["search"] + weeks["held_out"]
        est = stepped * m["per_week_ms"] / 1000 / cores
        out += (
            f"; with runs stopped at the focal company's exit they stepped {stepped:,} weeks "
            f"({stepped / (runs * 260):.0%} of {runs * 260:,}): at the cost per week above, "
            f"about {est / 60:.0f} minutes on {cores} cores."
        )
    else:
        out += f": at the cost per run above, at most {runs * m['per_run_cpu'] / cores / 60:.0f} minutes on {cores} cores."
    plan = ", ".join(
        f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in doc["settings"].items()
    )
    out += f" Its plan: {plan}. {doc['verdict']}"
    timing = folder / "timing.json"
    if timing.exists():
        t = json.loads(timing.read_text())
        quiet = t["cpu_s"] / cores
        verdict = "within" if quiet <= 600 else "over"
        out += (
            f" Timed on this shared machine (1-minute load average {t['load_mean']:.1f} "
            f"meanwhile, {t['load_min']:.1f} to {t['load_max']:.1f}): "
            f"{t['wall_s'] / 60:.1f} minutes of wall time and {t['cpu_s'] / 60:.1f} minutes of "
            f"CPU over all its processes, so about **{quiet / 60:.1f} minutes on a quiet "
            f"{cores}-core machine** (CPU / {cores}), {verdict} the 10-minute target."
        )
    return out


def partial(m: dict[str, float], cores: int, folder: Path) -> str:
    """A timed search stopped before its end (``timing.json`` beside its journal): its
    told trials and CPU so far, extrapolated to 200 trials and the held-out check."""
    import optuna

    from experiments.optimize.search import JOURNAL, journal_backend

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.JournalStorage(journal_backend(folder))
    study = optuna.load_study(study_name="salesweb-optimize", storage=storage)
    told = [t for t in study.trials if t.state.name in ("COMPLETE", "PRUNED")]
    pruned = sum(t.state.name == "PRUNED" for t in told)
    runs = sum(int(t.user_attrs.get("seeds_used", 0)) for t in told)
    t = json.loads((folder / "timing.json").read_text())
    per_trial = t["cpu_s"] / max(1, len(told))  # the trials under way when stopped included
    cpu = 200 * per_trial + 4 * 20 * m["per_run_cpu"]
    return (
        f"The timed search (`{COMMAND}`, its journal {JOURNAL} kept) was stopped after "
        f"{t['wall_s'] / 60:.0f} minutes of wall time on this shared machine (1-minute load "
        f"average {t['load_mean']:.1f} meanwhile, {t['load_min']:.1f} to {t['load_max']:.1f}), "
        f"with {len(told)} of its 200 trials told: {pruned} pruned, {runs:,} runs "
        f"({runs / max(1, len(told)):.1f} a trial against 10 unpruned), {t['cpu_s'] / 60:.1f} "
        f"minutes of CPU over all its processes. At that rate the 200 trials and the held-out "
        f"check take about {cpu / 60:.0f} minutes of CPU: **about {cpu / cores / 60:.0f} "
        f"minutes on a quiet {cores}-core machine** (CPU / {cores}), "
        f"{'within' if cpu / cores <= 600 else 'over'} the 10-minute target; an "
        "extrapolation from its first trials, which errs high (once a good plan is known, "
        "more trials are pruned)."
    )


if __name__ == "__main__":
    folder = Path(sys.argv[sys.argv.index("--search") + 1]) if "--search" in sys.argv else None
    if folder is not None and "--run" in sys.argv:
        print(json.dumps(run_search(folder)), file=sys.stderr)
    m = measure()
    out = text(m, os.cpu_count() or 1, folder)
    print(out)
    write_block(out, DOC_NAME, ROOT / "docs" / "optimize.md")
