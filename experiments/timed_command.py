"""Time a command as a whole: wall clock, CPU of every process under it, peak memory.

Issue 22's figures that are not one process's (the test suite on two workers, a sweep
point on a Dask worker, a search over a pool of workers) are measured from outside:
the command runs at normal priority, and its process tree is polled with psutil
every ``poll`` seconds for each process's CPU time (user + system, kept per process so
that one that ends still counts) and for the tree's resident memory. The 1-minute
load average is sampled meanwhile: on this shared 2-core machine it says whether the
wall clock is the code's or the neighbours'.

::

    python -m experiments.timed_command --out benchmarks/quick_suite.json -- \\
        python -m pytest -n 2 -m "not slow and not browser" --ignore=tests/browser -q

writes the figures (with the command and the commit) to the JSON file, whole or not at
all, and exits with the command's exit code. :mod:`experiments.bench_targets` reads
these files into docs/performance.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from experiments.io import write_text

ROOT = Path(__file__).resolve().parents[1]


def timed(argv: list[str], poll: float = 0.5, cwd: Path = ROOT) -> dict[str, Any]:
    """Run ``argv`` to its end; its figures (see the module docstring) and exit code."""
    import psutil

    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(argv, cwd=cwd, env=env)
    root = psutil.Process(proc.pid)
    cpu: dict[tuple[int, float], float] = {}
    loads, peak_rss = [], 0
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            procs = []
        rss = 0
        for p in procs:
            try:
                t = p.cpu_times()
                cpu[(p.pid, p.create_time())] = t.user + t.system
                rss += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        peak_rss = max(peak_rss, rss)
        loads.append(os.getloadavg()[0])
        time.sleep(poll)
    return {
        "command": argv,
        "exit_code": proc.returncode,
        "wall_s": time.perf_counter() - start,
        "cpu_s": sum(cpu.values()),
        "peak_rss_gb": peak_rss / 1e9,
        "processes": len(cpu),
        "load_mean": sum(loads) / max(1, len(loads)),
        "load_min": min(loads or [0.0]),
        "load_max": max(loads or [0.0]),
        "cores": os.cpu_count(),
    }


def commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def main(args: list[str]) -> int:
    if "--out" not in args or "--" not in args:
        print("usage: python -m experiments.timed_command --out FILE.json -- COMMAND ...",
              file=sys.stderr)  # fmt: skip
        return 2
    out = Path(args[args.index("--out") + 1])
    argv = args[args.index("--") + 1 :]
    if not argv or not out.parent.is_dir():
        print(f"error: nothing to run, or {out.parent} is not a folder", file=sys.stderr)
        return 2
    figures = {"commit": commit(), **timed(argv)}
    write_text(out, json.dumps(figures, indent=2) + "\n")
    print(f"{figures['wall_s']:.1f} s wall, {figures['cpu_s']:.1f} s CPU, peak "
          f"{figures['peak_rss_gb']:.2f} GB, load {figures['load_mean']:.1f}; wrote {out}")  # fmt: skip
    return int(figures["exit_code"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
