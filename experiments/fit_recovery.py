"""The full recovery check of ``salesweb fit``: known values fitted back (docs/fit.md).

Histories are written by the model itself (:func:`experiments.fit.simulate.synthetic_history`)
for known settings, then fitted with the same ABC-SMC a user runs; the table gives,
per case and parameter, the truth, the estimate and the 90% interval, and whether the
truth lies inside. Run ``python -m experiments.fit_recovery`` (16 minutes on a busy
two-core machine); it rewrites the block between the ``recovery`` markers in docs/fit.md.
tests/test_fit.py runs the same check at a small size.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import numpy as np

from experiments.fit.infer import fit
from experiments.fit.simulate import Market, synthetic_history
from experiments.fit.space import parse_dims
from experiments.io import write_atomic

DOC = Path(__file__).resolve().parent.parent / "docs" / "fit.md"
MARKET = {"n_enterprises": 120}
FOCAL = {"strategy": "bottoms_up"}
MONTHS = 10
COLUMNS = ["arr", "customers", "users", "sm_spend", "cash"]
RANGES = ["virality=0.0002..0.01:log", "seat_price=5..200:log", "marketing_spend=500..20000:log"]
CASES = 5
SETTINGS = {"population": 25, "generations": 3, "seeds": 1}


def truths(n: int, seed: int = 7) -> list[dict[str, float]]:
    """``n`` parameter sets drawn inside the middle of each prior (log-uniform)."""
    rng = np.random.default_rng(seed)
    dims = parse_dims(RANGES)
    return [{d.name: float(d.from_unit(rng.uniform(0.15, 0.85))) for d in dims} for _ in range(n)]


def run(workers: int = 2) -> tuple[list[dict], float]:
    market = Market.of("default", MARKET, FOCAL)
    dims = parse_dims(RANGES)
    rows, start = [], time.perf_counter()
    for case, truth in enumerate(truths(CASES)):
        h = synthetic_history(market, truth, 500 + case, MONTHS, COLUMNS)
        post = fit(h, market, dims, workers=workers, root_seed=case, **SETTINGS)
        s = post.summary()
        for name, value in truth.items():
            p = s[name]
            rows.append({"case": case + 1, "parameter": name, "truth": value, **p,
                         "inside": p["low"] <= value <= p["high"]})  # fmt: skip
        print(f"case {case + 1}: " + ", ".join(
            f"{r['parameter']} {r['truth']:.4g} in [{r['low']:.4g}, {r['high']:.4g}]: {r['inside']}"
            for r in rows[-len(truth):]), file=sys.stderr, flush=True)  # fmt: skip
    return rows, time.perf_counter() - start


def table(rows: list[dict], elapsed: float) -> str:
    lines = [
        f"{CASES} histories of {MONTHS} months ({', '.join(COLUMNS)}) written by the model on the "
        f"default market with {', '.join(f'{k}={v}' for k, v in {**MARKET, **FOCAL}.items())}; "
        f"fitted with population {SETTINGS['population']}, {SETTINGS['generations']} generations, "
        f"{SETTINGS['seeds']} seeds per candidate ({elapsed / 60:.0f} minutes).",
        "",
        "| case | parameter | truth | estimate | 90% interval | truth inside | width vs prior |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['case']} | {r['parameter']} | {r['truth']:.4g} | {r['estimate']:.4g} | "
            f"{r['low']:.4g} to {r['high']:.4g} | {'yes' if r['inside'] else 'NO'} | {r['width_vs_prior']:.0%} |"
        )
    lines.append("")
    for name in {r["parameter"]: 0 for r in rows}:
        ins = [r["inside"] for r in rows if r["parameter"] == name]
        lines.append(f"- {name}: truth inside the 90% interval in {sum(ins)} of {len(ins)} cases")
    return "\n".join(lines)


def write_block(text: str, name: str, doc: Path = DOC) -> None:
    """Replace the block between ``<!-- begin NAME -->`` and ``<!-- end NAME -->`` in ``doc``."""
    body = doc.read_text()
    pattern = re.compile(rf"(<!-- begin {name} -->\n).*?(\n<!-- end {name} -->)", re.S)
    if not pattern.search(body):
        raise SystemExit(f"{doc}: no '<!-- begin {name} -->' block")
    new = pattern.sub(lambda m: m.group(1) + text + m.group(2), body)
    write_atomic(doc, lambda p: p.write_text(new))


if __name__ == "__main__":
    rows, elapsed = run()
    text = table(rows, elapsed)
    print(text)
    write_block(text, "recovery")
