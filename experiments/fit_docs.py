"""Regenerate the worked examples in docs/fit.md and docs/optimize.md.

Each example block in the docs is the command and what it printed, written here by
running the command itself, so a figure a doc quotes cannot drift from the code:
``python -m experiments.fit_docs`` (a few minutes on two cores; ``--only fit`` or
``--only optimize`` to redo one). The recovery table is written by
``python -m experiments.fit_recovery``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from experiments.fit_recovery import write_block

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FIT_OUT = "runs/fit-example"
EXAMPLES: dict[str, tuple[Path, str]] = {
    "fit-example": (
        DOCS / "fit.md",
        "salesweb fit --history experiments/fit/examples/example_history.csv --scenario default "
        "--fit virality,seat_price,marketing_spend --population 20 --generations 3 --seeds 2 "
        f"--draws 20 --out {FIT_OUT}",
    ),
    "optimize-example": (
        DOCS / "optimize.md",
        "salesweb optimize --scenario default --set n_enterprises=200 --lever initial_reps=0..20 "
        '--lever seat_price=5..200:log --lever "strategy=bottoms_up|direct|hybrid" '
        "--objective worth --min-survival 0.8 --trials 30 --seeds 5 --held-out-seeds 16 --steps 104 "
        "--out runs/optimize-example",
    ),
    "optimize-from-fit": (
        DOCS / "optimize.md",
        f"salesweb optimize --from-fit {FIT_OUT} --lever initial_reps=0..10 --lever marketing_spend=1000..20000:log "
        "--objective worth --trials 12 --seeds 4 --held-out-seeds 10 --steps 52 --out runs/optimize-from-fit",
    ),
}


PICTURES: dict[str, dict[str, str]] = {
    "fit-example": {
        f"{FIT_OUT}/fit.png": "fit-example.png",
        f"{FIT_OUT}/forecast.png": "fit-forecast.png",
    },
    "optimize-example": {
        "runs/optimize-example/convergence.png": "optimize-convergence.png",
        "runs/optimize-example/importance.png": "optimize-importance.png",
    },
}


def run_example(command: str) -> str:
    """Run ``command`` (``salesweb ...``) from the repository root; its stdout, 100 columns wide."""
    args = shlex.split(command)
    argv = [sys.executable, "-c", "from experiments.cli import app; app()", *args[1:]]
    env = {**os.environ, "COLUMNS": "100", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{command!r} failed:\n{done.stderr}")
    return "\n".join(line.rstrip() for line in done.stdout.rstrip().splitlines())


def block(command: str, output: str) -> str:
    shown = command.replace(" --", " \\\n    --")
    return f"```console\n$ {shown}\n{output}\n```"


if __name__ == "__main__":
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
    for name, (doc, command) in EXAMPLES.items():
        if only and not name.startswith(only):
            continue
        print(f"running {name}: {command}", file=sys.stderr, flush=True)
        write_block(block(command, run_example(command)), name, doc)
        for src, dst in PICTURES.get(name, {}).items():  # the charts the doc shows
            shutil.copyfile(ROOT / src, DOCS / "img" / dst)
