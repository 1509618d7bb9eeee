"""The memory budget next to measured peaks: where the bytes per unit of sim.budget come from.

Each case stresses one part of the estimate (employees, ties of each org network,
self-serve vendors, touches, pair arrays, collected data). It is built and stepped in a
fresh process; the measured figure is the peak resident memory of that process minus
its peak after importing everything and building a one-enterprise market. Run::

    python experiments/memory_budget.py          # every case (about a minute)
    python experiments/memory_budget.py touches  # the cases whose name contains "touches"

and compare ``estimate`` with ``measured``: the estimate should stay above (ratio >= 1)
without being far above for the part the case stresses.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

QUIET = {"entry_rate": 0.0, "n_vendors": 0, "generational_change": False}
CASES: dict[str, tuple[dict, int]] = {
    "default scenario": ({}, 10),
    "employees (hierarchy, 220k)": ({**QUIET, "n_enterprises": 2000}, 3),
    "employees (hierarchy, span 30, 30 cross ties)": (
        {**QUIET, "n_enterprises": 500, "span_of_control": 30, "cross_team_ties": 20},
        3,
    ),
    "complete network (one of 3,000)": (
        {
            **QUIET,
            "n_enterprises": 1,
            "enterprise_size_min": 3000,
            "enterprise_size_max": 3000,
            "org_network": "complete",
        },
        3,
    ),
    "small world (two of 40,000, k 30)": (
        {
            **QUIET,
            "n_enterprises": 2,
            "enterprise_size_min": 40000,
            "enterprise_size_max": 40000,
            "org_network": "small_world",
            "small_world_k": 30,
        },
        3,
    ),
    "self-serve adoption (60 vendors)": (
        {
            "n_enterprises": 400,
            "n_vendors": 60,
            "max_vendors": 60,
            "strategy_mix": "1:0:0",
            "entry_rate": 0.0,
            "marketing_reach": 0.05,
            "initial_cash": 1e9,
        },
        5,
    ),
    "100,000 employees (907 enterprises, 50 vendors)": (
        {"n_enterprises": 907, "n_vendors": 50},
        26,
    ),
    "a million employees (9,074 enterprises, 50 vendors)": (
        {"n_enterprises": 9074, "n_vendors": 50},
        26,
    ),
    "3 million employees (27,222 enterprises, 50 vendors)": (
        {"n_enterprises": 27222, "n_vendors": 50},
        6,
    ),
    "outbound touches (20 vendors x 200 reps x 500)": (
        {
            "n_enterprises": 200,
            "n_vendors": 20,
            "strategy_mix": "0:1:0",
            "entry_rate": 0.0,
            "initial_reps": 200,
            "touches_per_rep": 500,
            "rep_capacity": 1000,
            "initial_cash": 1e10,
        },
        3,
    ),
    "pair arrays (5,000 one-person enterprises x 200 vendors)": (
        {
            "n_enterprises": 5000,
            "enterprise_size_min": 1,
            "enterprise_size_max": 1,
            "committee_size": 1,
            "n_vendors": 200,
            "max_vendors": 200,
            "entry_rate": 0.0,
            "strategy_mix": "0:1:0",
            "initial_cash": 1e10,
        },
        3,
    ),
    "collected data (200 vendors, 1,000 weeks)": (
        {
            "n_enterprises": 5,
            "enterprise_size_max": 50,
            "n_vendors": 200,
            "max_vendors": 200,
            "entry_rate": 0.0,
            "initial_cash": 1e10,
            "horizon": 1000,
        },
        1000,
    ),
}

MEASURE = """
import json, resource, sys
from sim.model import MarketModel
from sim import budget
params, steps = json.loads(sys.argv[1])
MarketModel(rng=1, n_enterprises=1, enterprise_size_max=50).step()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
model = MarketModel(rng=1, memory_limit_gb=1000, **params)
for _ in range(steps):
    model.step()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
est = model.memory_budget.estimate
print(json.dumps({"measured": peak - base, "estimate": est.total, "parts": est.parts}))
"""


def measure(params: dict, steps: int) -> dict:
    """Peak memory of building ``params`` and stepping ``steps`` weeks, in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, json.dumps([params, steps])],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT)},
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    wanted = [c for c in CASES if not argv or any(a in c for a in argv)]
    print(f"{'case':58} {'estimate MB':>12} {'measured MB':>12} {'ratio':>6}  largest part")
    for name in wanted:
        params, steps = CASES[name]
        r = measure(params, steps)
        largest = max(r["parts"], key=r["parts"].get)
        print(
            f"{name:58} {r['estimate'] / 1e6:12.0f} {r['measured'] / 1e6:12.0f} "
            f"{r['estimate'] / max(r['measured'], 1):6.2f}  {largest}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
