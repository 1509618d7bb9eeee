"""Sobol' indices of a parameter known to do nothing, under both seedings.

``adoption_threshold`` acts only on collaborative products (``sim/kernels.py``); with
``collaborative = false`` it changes nothing. With a seed per point
(``seeding = "independent"``, the old default) it still changes every run's draws and
the analysis credits it with their noise; with common random numbers (the default of
Sobol' and Morris designs now) its total index is exactly 0. Prints both, with the
noise floor and the warnings ``salesweb report`` gives::

    python experiments/sensitivity_inert.py [N] [replicates]   # default 16 and 2

A Saltelli design of N x (3 + 1 + 2) points on a 20-enterprise market for 26 weeks:
about 200 runs per seeding, a minute on two idle cores.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

OUTPUTS = ("adoption_rate", "arr_total")


def spec(seeding: str, n: int, replicates: int, dummy: bool):
    from experiments.sweep.spec import parse_spec

    return parse_spec(
        {
            "sweep": {"name": "inert", "replicates": replicates, "root_seed": 7, "steps": 26,
                      "seeding": seeding},
            "design": {"kind": "sobol", "samples": n, "dummy": dummy},
            "base": {"n_enterprises": 20, "enterprise_size_max": 100, "collaborative": False},
            "vary": {
                "adoption_threshold": {"low": 1, "high": 6},
                "virality": {"low": 0.0, "high": 0.05},
                "marketing_reach": {"low": 0.0005, "high": 0.02},
            },
            "keep": {"series": False},
        }
    )  # fmt: skip


def main(argv: list[str]) -> None:
    from experiments.sweep.dataset import load
    from experiments.sweep.design import NOISE_DUMMY, build_design
    from experiments.sweep.local import LocalEngine
    from experiments.sweep.runner import run_sweep
    from experiments.sweep.sensitivity import analyze, noise_floor, noise_warnings

    n = int(argv[0]) if argv else 16
    replicates = int(argv[1]) if len(argv) > 1 else 2
    cases = {
        "before (independent seeds, no dummy)": ("independent", False),
        "after (the default: common random numbers, noise dummy)": ("common", True),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for label, (seeding, dummy) in cases.items():
            s = spec(seeding, n, replicates, dummy)
            folder = Path(tmp) / seeding
            run_sweep(s, folder, LocalEngine())
            data, unit = load(folder), build_design(s).unit
            print(f"\n{label}: N = {n}, {replicates} replicates, {len(unit)} points")
            for output in OUTPUTS:
                ind = analyze(s, unit, data.summary, output)
                row = ind.table.loc["adoption_threshold"]
                total = ind.table.drop(index=NOISE_DUMMY, errors="ignore")["ST"].sum()
                floor = noise_floor(ind)
                print(
                    f"  {output}: adoption_threshold ST = {row['ST']:.3f} +- {row['ST_conf']:.3f}"
                    f"; sum of ST {total:.2f}"
                    + ("" if floor is None else f"; noise floor {floor:.3f}")
                )
                for warning in noise_warnings(ind, seeding):
                    print(f"    warning: {warning}")


if __name__ == "__main__":
    main(sys.argv[1:])
