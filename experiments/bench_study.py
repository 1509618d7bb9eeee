"""The bench's study timings (issue 22, point 2): a decision study as users wait for it.

Three figures for the issue's study, 3 options (bottoms-up, direct, hybrid) x 20 seeds
x 260 weeks on a market of about 20,000 employees, on every core (the bench pins
itself to one; these cases take the cores back). The market is sized like the bench's
other cases (:data:`experiments.bench.SIZED`: every firm in it from week 0): with the
default market's firm founding on, ``n_enterprises`` for 20,000 employees would build
1.6 times as many and end the run with them.

* ``cli_wall_s``: ``salesweb study`` from the shell, start-up included (a fresh
  Python process that starts its own warm pool, :mod:`experiments.study_pool`);
* ``warm_wall_s``: the same study on a pool already warm, as the browser server runs
  a Decide study (:mod:`gui.study_workers`; the page's rendering is not timed), from a
  process that has the model and its kernels loaded, as the server has (before, the
  timed study imported them: about 1.0 s of CPU, 1.5 s of wall clock at load 6);
* ``run_cpu_s``: CPU seconds of one run (the median of three, in this process), and
  ``needed_run_cpu_s``: the most one run may cost for the study to take 12 s on the
  machine's cores with nothing else (start-up comes on top); ``start_up_s`` is the
  shell's time less the warm pool's, noisy on a loaded machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OPTIONS = ("bottoms-up: strategy=bottoms_up", "direct: strategy=direct", "hybrid: strategy=hybrid")
EMPLOYEES = 20_000
TARGET_CLI_S = 12.0
TARGET_DECIDE_S = 15.0


def all_cores() -> int:
    """Undo the bench's pinning for this process (and what it starts); return the cores."""
    cores = set(range(os.cpu_count() or 1))
    os.sched_setaffinity(0, cores)
    return len(cores)


def study_market() -> dict[str, Any]:
    """The study's market: the default at about :data:`EMPLOYEES` employees, every firm
    in it from week 0 (sized like the bench's other cases)."""
    from experiments.bench import SIZED, enterprises_for

    return {"n_enterprises": enterprises_for(EMPLOYEES), **SIZED}


def study_command(seeds: int, steps: int, market: dict[str, Any]) -> list[str]:
    """``salesweb study`` as a user types it for this study on ``market``."""
    cmd = [sys.executable, "-m", "experiments.cli", "study", "--seeds", str(seeds),
           "--steps", str(steps), "--quiet"]  # fmt: skip
    for name, value in market.items():
        cmd += ["--set", f"{name}={value}"]
    for option in OPTIONS:
        cmd += ["--option", option]
    return cmd


def study_case(seeds: int, steps: int, repeats: int = 1) -> dict[str, Any]:
    """Time the study three ways (module docstring); seeds and steps shrink it for tests.

    With ``repeats`` > 1 the CLI's study and the warm pool's are timed that many times,
    in alternation, on one pool kept warm between them (as the server keeps its pool):
    the figures are the medians, every time is kept beside them. On this machine the
    same study's wall clock moved by 15-25% between consecutive runs at load 1-2, more
    than the changes it is meant to show.
    """
    from experiments.study import check_market, run_one, study
    from experiments.study_pool import WarmPool
    from sim.scenarios import load_scenario

    cores = all_cores()
    market = study_market()
    cmd = study_command(seeds, steps, market)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    n_ent = market["n_enterprises"]
    base = load_scenario("default").model_kwargs(**market)
    check_market(base)  # as in the server, the model and its kernels are loaded here already
    cli_walls, warm_walls = [], []
    pool = WarmPool(cores)
    try:
        for fut in pool.warm():
            fut.result()
        for _ in range(repeats):
            t = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env,
                                  check=False)  # fmt: skip
            cli_walls.append(time.perf_counter() - t)
            if proc.returncode != 0:
                lines = proc.stderr.strip().splitlines() or ["salesweb study failed"]
                raise RuntimeError(lines[-1])
            t = time.perf_counter()
            result = study("default", list(OPTIONS), seeds, steps, workers=cores, pool=pool,
                           overrides=market)  # fmt: skip
            warm_walls.append(time.perf_counter() - t)
    finally:
        pool.shutdown()

    cpu = []
    for seed in result.seeds[:3]:
        c = time.process_time()
        run_one((0, 0, {**base, "focal": {"strategy": "hybrid"}, "rng": seed}, steps))
        cpu.append(time.process_time() - c)
    runs = len(OPTIONS) * seeds
    cli_wall, warm_wall = float(np.median(cli_walls)), float(np.median(warm_walls))
    return {
        "case": "study",
        "options": len(OPTIONS),
        "seeds": seeds,
        "steps": steps,
        "runs": runs,
        "n_enterprises": n_ent,
        "cores": cores,
        "repeats": repeats,
        "cli_wall_s": cli_wall,
        "warm_wall_s": warm_wall,
        "cli_walls_s": cli_walls,
        "warm_walls_s": warm_walls,
        "start_up_s": max(0.0, cli_wall - warm_wall),
        "run_cpu_s": float(np.median(cpu)),
        "needed_run_cpu_s": TARGET_CLI_S * cores / runs,
    }


def study_lines(s: dict[str, Any] | None) -> list[str]:
    """What the bench prints about the study (empty when it did not run)."""
    if not s:
        return []
    if "error" in s:
        return [f"study failed: {s['error']}"]
    what = f"{s['options']} options x {s['seeds']} seeds x {s['steps']} weeks"
    if s.get("repeats", 1) > 1:
        what += f", medians of {s['repeats']}"
    return [
        f"study ({what}, {s['n_enterprises']} enterprises, {s['cores']} cores): "
        f"salesweb study {s['cli_wall_s']:.1f} s (target {TARGET_CLI_S:g}), on a warm pool "
        f"{s['warm_wall_s']:.1f} s (Decide's target {TARGET_DECIDE_S:g}); one run "
        f"{s['run_cpu_s']:.2f} CPU s, {s['needed_run_cpu_s']:.2f} s needed for {TARGET_CLI_S:g} s"
    ]
