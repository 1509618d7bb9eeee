"""careful_qualification at +-25% of its three robustness parameters, with effort_pace_weight = 2/3 and min_reps = 1 (tuning seeds 101-110; docs/investigations/qualification.md).

PYTHONPATH=. python -m experiments.investigations.qualification_robust
"""

import time
from experiments.claim_list import CLAIMS
from experiments.claim_robust import run_robustness, robustness_markdown

claims = [c for c in CLAIMS if c.key in ("careful_qualification",)]
seeds = list(range(101, 111))
t = time.time()
table = run_robustness(claims, seeds, size={"effort_pace_weight": 0.6667, "min_reps": 1}, workers=2)
print(
    f"{time.time() - t:.0f} s wall; overrides effort_pace_weight=0.6667, min_reps=1; seeds 101-110"
)
for key, variants in table.items():
    for v in variants:
        print(
            key,
            v.label if hasattr(v, "label") else v.name,
            v.effect,
            "kept" if v.direction_kept else "FLIPPED",
        )
