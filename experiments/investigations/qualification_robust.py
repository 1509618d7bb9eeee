"""careful_qualification at +-25% of its three robustness parameters, with the proposal on.

``effort_pace_weight = 2/3`` and ``min_reps = 1`` laid under every run, mechanism on,
tuning seeds 101-110 (docs/investigations/qualification.md):

    PYTHONPATH=. python -m experiments.investigations.qualification_robust
"""

from __future__ import annotations

import time

from experiments.claim_list import CLAIMS
from experiments.claim_robust import run_robustness


def main() -> None:
    claims = [c for c in CLAIMS if c.key == "careful_qualification"]
    seeds = list(range(101, 111))
    t = time.time()
    size = {"effort_pace_weight": 0.6667, "min_reps": 1}
    table = run_robustness(claims, seeds, size=size, workers=2)
    print(f"{time.time() - t:.0f} s wall; overrides {size}; seeds 101-110")
    for key, variants in table.items():
        for v in variants:
            kept = "kept" if v.direction_kept else "FLIPPED"
            print(key, v.label, v.effect, kept)


if __name__ == "__main__":
    main()
