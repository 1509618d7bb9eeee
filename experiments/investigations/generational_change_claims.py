"""Claims on tuning seeds with overrides on every run (issue 16, point 7).

Runs claims of :mod:`experiments.claim_list` through :func:`experiments.claims.run_claims`
with the ``--set`` overrides on every run (for example ``newcomer_invites=true``), and
prints each claim's arms, paired effect ± SE with the mechanism on and off, and whether
it holds and vanishes.

    PYTHONPATH=. python -m experiments.investigations.generational_change_claims \\
        --claims generational_change --seeds 101-120 --set newcomer_invites=true

``--conditions on`` runs the mechanism-on arms only (the direction of a claim). Tuning
seeds 101-120 only. (Session 7's ``--values``, the ``purchaser_openness`` of its patch,
is gone with that parameter: it was never merged.)
"""

from __future__ import annotations

import argparse
import time

from experiments.claim_list import CLAIMS
from experiments.claims import run_claims
from experiments.investigations.team_growth import assignment


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", default="generational_change", help="claim keys, comma-separated")
    ap.add_argument("--seeds", default="101-120")
    ap.add_argument("--conditions", default="on,off")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--n-enterprises", type=int, default=0, help="a smaller market (0: the claim's)"
    )
    ap.add_argument(
        "--set",
        type=assignment,
        action="append",
        default=[],
        help="a further override on every run, name=value (a diagnosis, not a proposal)",
    )
    a = ap.parse_args(argv)
    lo, hi = (int(x) for x in a.seeds.split("-"))
    seeds = list(range(lo, hi + 1))
    assert lo >= 101 and hi <= 140, "tuning seeds 101-140 only"
    keys = a.claims.split(",")
    claims = [c for c in CLAIMS if c.key in keys]
    conditions = tuple(a.conditions.split(","))
    size = {}
    if a.n_enterprises:
        size["n_enterprises"] = a.n_enterprises
    size.update(a.set)
    t = time.time()
    results = run_claims(claims, seeds, size=size, workers=a.workers, conditions=conditions)
    print(f"\n{time.time() - t:.0f} s, seeds {lo}-{hi}, overrides {size}")
    for r in results:
        if "off" in conditions:
            print(f"- {r}")
        else:
            c = r.claim
            ok = (r.on.mean > 0) == (c.expected_sign > 0)
            print(
                f"- {c.key}: {c.left.label} {r.arm_mean('left'):.4g} vs {c.right.label} "
                f"{r.arm_mean('right'):.4g}; effect {r.on}; expected sign "
                f"{c.expected_sign:+d}: {'right direction' if ok else 'WRONG direction'}"
            )
        for m in r.claim.secondary:
            print(f"    {m.name}: {r.effect('on', m.name)}")


if __name__ == "__main__":
    main()
