"""Does pruning make the search worse? The same search with and without it, compared.

On a small market (the default with 200 enterprises, two-year runs), the same search
(same levers, sampler seed, search seeds) runs once per ``--prune`` setting; the best
plan each finds is then re-run on fresh held-out seeds, paired seed by seed with the
best plan of the search without pruning (:func:`experiments.study.paired_difference`),
for a few root seeds. The table gives, per root seed and pruner, the runs the search
cost and the held-out difference to the unpruned search's plan with its 95% interval.
``python -m experiments.optimize_prune_check`` prints it and rewrites the
``prune-check`` block of docs/optimize.md; ``--roots 0,1,2`` chooses the root seeds.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from experiments.fit.simulate import Market
from experiments.fit.space import parse_dims
from experiments.fit_recovery import write_block
from experiments.optimize.heldout import HELD_OUT_ROOT_OFFSET
from experiments.optimize.run import Plan, optimize
from experiments.optimize.runs import Runner, table
from experiments.study import money, paired_difference, study_seeds

DOC = Path(__file__).resolve().parent.parent / "docs" / "optimize.md"
MARKET = {"n_enterprises": 200}
LEVERS = ["initial_reps=0..20", "seat_price=5..200:log", "strategy=bottoms_up|direct|hybrid"]
SETTINGS = {"trials": 40, "seeds": 10, "held_out_seeds": 20, "steps": 104, "min_survival": 0.8}
ROOTS = (0, 1)
PRUNERS = ("none", "wilcoxon", "halving")


def compare(root: int, workers: int = 2) -> list[dict]:
    """One root seed: each pruner's search, and its best plan against the unpruned one's."""
    market = Market.of("default", MARKET)
    dims = parse_dims(LEVERS, "--lever")
    found = {}
    for name in PRUNERS:
        plan = Plan(market, dims, ("worth",), root_seed=root, workers=workers, prune=name,
                    **SETTINGS)  # fmt: skip
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            doc = optimize(plan, Path(tmp))
        found[name] = (doc, time.perf_counter() - start)
        print(f"root {root} {name}: {doc['search_runs']} runs, {doc['pruned']} pruned, "
              f"best {doc['settings']}", file=sys.stderr, flush=True)  # fmt: skip
    fresh = study_seeds(SETTINGS["held_out_seeds"], root + HELD_OUT_ROOT_OFFSET)
    with Runner(market, SETTINGS["steps"], workers) as runner:
        ends = runner.run([found[n][0]["settings"] or {} for n in PRUNERS], fresh)
    worth = {n: table(e, "worth") for n, e in zip(PRUNERS, ends, strict=True)}
    rows = []
    for name in PRUNERS:
        doc, wall = found[name]
        d = paired_difference(worth[name], worth["none"]) if name != "none" else None
        rows.append({"root": root, "prune": name, "runs": doc["search_runs"],
                     "pruned": doc["pruned"], "wall": wall, "held_out": float(worth[name].mean()),
                     "diff": d})  # fmt: skip
    return rows


def text(rows: list[dict], roots: tuple[int, ...] = ROOTS) -> str:
    s = SETTINGS
    lines = [
        f"The same search ({s['trials']} trials x {s['seeds']} seeds, {s['steps']} weeks, "
        f"--min-survival {s['min_survival']}, levers {', '.join(LEVERS)}) on the default market "
        f"with {', '.join(f'{k}={v}' for k, v in MARKET.items())}, once per `--prune`, for "
        f"root seeds {', '.join(map(str, roots))}; each best plan re-run on the same "
        f"{s['held_out_seeds']} held-out seeds, paired with the unpruned search's best plan. "
        "Written by `python -m experiments.optimize_prune_check --roots "
        f"{','.join(map(str, roots))}`.",
        "",
        "| root seed | --prune | search runs | trials pruned | held-out mean worth | "
        "minus the unpruned plan (95% CI) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        d = r["diff"]
        diff = "" if d is None else (
            f"{money(d['mean'], sign=True)} ({money(d['ci_low'], sign=True)} to "
            f"{money(d['ci_high'], sign=True)})"
        )  # fmt: skip
        lines.append(f"| {r['root']} | {r['prune']} | {r['runs']:,} | {r['pruned']} | "
                     f"{money(r['held_out'])} | {diff} |")  # fmt: skip
    lines.append("")
    for name in PRUNERS[1:]:
        mine = [r for r in rows if r["prune"] == name]
        base = [r for r in rows if r["prune"] == "none"]
        cost = np.mean([m["runs"] / b["runs"] for m, b in zip(mine, base, strict=True)])
        worse = sum(1 for r in mine if r["diff"]["ci_high"] < 0)
        better = sum(1 for r in mine if r["diff"]["ci_low"] > 0)
        lines.append(
            f"- `--prune {name}`: {cost:.0%} of the unpruned search's runs; its plan is worse "
            f"on the held-out seeds (interval below zero) for {worse} of {len(mine)} root seeds, "
            f"better for {better}, indistinguishable for {len(mine) - worse - better}."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    roots = ROOTS
    if "--roots" in sys.argv:
        roots = tuple(int(x) for x in sys.argv[sys.argv.index("--roots") + 1].split(","))
    all_rows = [r for root in roots for r in compare(root)]
    out = text(all_rows, roots)
    print(out)
    write_block(out, "prune-check", DOC)
