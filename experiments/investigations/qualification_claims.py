"""Claims through the claim machinery with a proposed mechanism laid under every run.

    PYTHONPATH=. python -m experiments.investigations.qualification_claims \
        --claims careful_qualification warm_network --seeds 101-120 \
        [--set effort_pace_weight=0.6667] [--on-only]

``--set`` goes in as the claims' ``size`` overrides (:func:`experiments.claims.run_claims`),
so it reaches every arm of every claim, whatever its preset. Tuning seeds only (101-120).
"""

from __future__ import annotations

import argparse
import time

from experiments.claim_list import CLAIMS
from experiments.claims import run_claims
from experiments.investigations import parse_seeds
from experiments.investigations.qualification import parse_sets


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", nargs="+", required=True)
    ap.add_argument("--seeds", default="101-120")
    ap.add_argument("--set", nargs="*", default=[])
    ap.add_argument("--on-only", action="store_true", help="the direction only: no off runs")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    by_key = {c.key: c for c in CLAIMS}
    claims = [by_key[k] for k in a.claims]
    size = parse_sets(a.set)
    conditions = ("on",) if a.on_only else ("on", "off")
    t0 = time.time()
    results = run_claims(
        claims, parse_seeds(a.seeds), size=size, workers=a.workers, conditions=conditions
    )
    print(f"seeds {a.seeds}, overrides {size or 'none'}, {time.time() - t0:.0f} s wall")
    print("| claim | left | right | effect +- SE (expected sign) | off-effect +- SE | holds |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        off = str(r.off) if not a.on_only else "-"
        print(
            f"| {r.claim.key} | {r.arm_mean('left'):,.4g} | {r.arm_mean('right'):,.4g} | {r.on} "
            f"({r.claim.expected_sign:+d}) | {off} | {'yes' if r.holds else 'NO'} |"
        )


if __name__ == "__main__":
    main()
