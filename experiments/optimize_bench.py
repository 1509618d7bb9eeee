"""How long a 200-trial x 10-seed search at the default market takes, and where it goes.

A search's cost is its runs: every trial runs the plan on every search seed, then the
held-out check runs four arms on fresh seeds; Optuna's own work per trial (TPE's
ask and tell) is milliseconds. This script times representative runs of the default
market (one per strategy, 260 weeks, CPU seconds of this process, so other load on the
machine does not inflate it) and the sampler's ask/tell, and extrapolates to the
search ``salesweb optimize`` runs by default. ``python -m experiments.optimize_bench``
prints the figures and rewrites the ``optimize-time`` block of docs/optimize.md.
"""

from __future__ import annotations

import os
import time

from experiments.fit.simulate import Market
from experiments.fit_recovery import write_block
from experiments.study import run_one

DOC_NAME = "optimize-time"
PLANS = [
    {"strategy": "bottoms_up", "initial_reps": 0, "seat_price": 25.0},
    {"strategy": "direct", "initial_reps": 10, "seat_price": 80.0},
    {"strategy": "hybrid", "initial_reps": 20, "seat_price": 150.0},
]


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


def text(m: dict[str, float], cores: int) -> str:
    held = 4 * 20
    runs = 200 * 10 + held
    total = runs * m["per_run_cpu"] / cores
    sampler_share = 200 * m["sampler_s"] / (total + 200 * m["sampler_s"])
    short = (200 * 5 + held) * m["per_run_cpu"] * 104 / 260 / cores
    verdict = "over" if total > 600 else "within"
    return (
        f"Measured by `python -m experiments.optimize_bench` (CPU time of one process): a "
        f"260-week run of the default market takes {m['per_run_cpu']:.2f} s of CPU "
        f"({m['per_week_ms']:.1f} ms a week); Optuna's TPE ask and tell take "
        f"{1000 * m['sampler_s']:.0f} ms a trial. A 200-trial x 10-seed search is {runs:,} runs "
        f"with the held-out check (4 arms x 20 seeds): about {total / 60:.0f} minutes on "
        f"{cores} cores, **{verdict} the 10-minute target**. The time is the model's weekly "
        f"step; the sampler is {sampler_share:.1%} of it. With `--steps 104 --seeds 5` the same "
        f"search takes about {short / 60:.0f} minutes; a Dask cluster or more cores divide it."
    )


if __name__ == "__main__":
    m = measure()
    out = text(m, os.cpu_count() or 1)
    print(out)
    write_block(
        out,
        DOC_NAME,
        __import__("pathlib").Path(__file__).resolve().parent.parent / "docs" / "optimize.md",
    )
