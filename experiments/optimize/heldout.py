"""Guarding against luck: the best plan against the plain strategies on fresh seeds.

A search picks its best plan on the seeds it searched on, so its score there is biased
upwards (the winner's curse). The held-out check re-runs that plan and the three plain
strategies (the scenario's company with only its strategy changed) on seeds the search
never used, pairs them seed by seed (common random numbers), and gives the mean
difference with its 95% t interval (:func:`experiments.study.paired_difference`).
The verdict says the plan beats the best plain strategy only if that interval lies
above zero; otherwise it says plainly that it does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from experiments.optimize.runs import Runner, table
from experiments.study import CONFIDENCE, money, paired_difference
from sim.params import STRATEGIES

HELD_OUT_ROOT_OFFSET = 1_000_003
"""Held-out seeds are spawned from ``root_seed + this`` (checked disjoint from the search's)."""


def held_out(runner: Runner, plan: Mapping[str, Any], seeds: list[int], objective: str,
             min_survival: float) -> dict[str, Any]:  # fmt: skip
    """Run the plan and each plain strategy on ``seeds``; the comparison and the verdict."""
    plans = [dict(plan)] + [{"strategy": s} for s in STRATEGIES]
    labels = ["best plan"] + [f"plain {s}" for s in STRATEGIES]
    ends = runner.run(plans, seeds)
    values = {lab: table(e, objective) for lab, e in zip(labels, ends, strict=True)}
    survival = {
        lab: float(table(e, "survival").mean()) for lab, e in zip(labels, ends, strict=True)
    }
    rows = {}
    for lab in labels:
        d = paired_difference(values["best plan"], values[lab]) if lab != "best plan" else None
        rows[lab] = {
            "mean": float(values[lab].mean()),
            "median": float(np.median(values[lab])),
            "survival": survival[lab],
            **({f"plan_minus_{k}": v for k, v in d.items()} if d else {}),
        }
    plain = [lab for lab in labels[1:]]
    best_plain = max(plain, key=lambda lab: values[lab].mean())
    d = rows[best_plain]
    lo, hi = d["plan_minus_ci_low"], d["plan_minus_ci_high"]
    beats = bool(lo > 0)
    level = f"{CONFIDENCE:.0%}"
    if beats:
        verdict = (
            f"The best plan beats the best plain strategy ({best_plain}) on {objective} on "
            f"{len(seeds)} held-out seeds: {money(d['plan_minus_mean'], sign=True)} a seed on average "
            f"({level} CI {money(lo, sign=True)} to {money(hi, sign=True)})."
        )
    else:
        verdict = (
            f"The best plan does NOT beat the best plain strategy ({best_plain}) on {objective} "
            f"on {len(seeds)} held-out seeds: {money(d['plan_minus_mean'], sign=True)} a seed on "
            f"average ({level} CI {money(lo, sign=True)} to {money(hi, sign=True)}); "
            + (
                f"it is worse on fresh seeds: choose {best_plain}."
                if hi < 0
                else "what the search found may be luck of its seeds."
            )
        )
    if survival["best plan"] < min_survival:
        verdict += f" Its held-out survival {survival['best plan']:.0%} is below the floor {min_survival:.0%}."
    return {
        "objective": objective,
        "seeds": seeds,
        "arms": rows,
        "best_plain": best_plain,
        "beats_best_plain": beats,
        "verdict": verdict,
    }
