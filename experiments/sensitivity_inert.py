"""Sobol' indices of a parameter known to do nothing, under both seedings.

``adoption_threshold`` acts only on collaborative products (``sim/kernels.py``); with
``collaborative = false`` it changes nothing. With a seed per point
(``seeding = "independent"``, the old default) it still changes every run's draws and
the analysis credits it with their noise; with common random numbers (the default of
Sobol' and Morris designs now) its total index is exactly 0. Prints both, with the
noise floor and the warnings ``salesweb report`` gives::

    python experiments/sensitivity_inert.py [N] [replicates] [--doc]   # default 16 and 2

``--doc`` also rewrites the section of ``docs/sweeps.md`` between the
``sensitivity-inert`` markers with what it printed, so the numbers the doc quotes come
from this script.

A Saltelli design of N x (3 + 1 + 2) points on a 20-enterprise market for 26 weeks:
about 200 runs per seeding, a minute on two idle cores.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

OUTPUTS = ("adoption_rate", "arr_total")
ENTERPRISES, WEEKS = 20, 26


def spec(seeding: str, n: int, replicates: int, dummy: bool):
    from experiments.sweep.spec import parse_spec

    return parse_spec(
        {
            "sweep": {"name": "inert", "replicates": replicates, "root_seed": 7, "steps": WEEKS,
                      "seeding": seeding},
            "design": {"kind": "sobol", "samples": n, "dummy": dummy},
            "base": {"n_enterprises": ENTERPRISES, "enterprise_size_max": 100, "collaborative": False},
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

    numbers = [a for a in argv if not a.startswith("--")]
    n = int(numbers[0]) if numbers else 16
    replicates = int(numbers[1]) if len(numbers) > 1 else 2
    lines: list[str] = []
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
            lines += ["", f"{label}: N = {n}, {replicates} replicates, {len(unit)} points"]
            for output in OUTPUTS:
                ind = analyze(s, unit, data.summary, output)
                row = ind.table.loc["adoption_threshold"]
                total = ind.table.drop(index=NOISE_DUMMY, errors="ignore")["ST"].sum()
                floor = noise_floor(ind)
                lines.append(
                    f"  {output}: adoption_threshold ST = {row['ST']:.3f} +- {row['ST_conf']:.3f}"
                    f"; sum of ST {total:.2f}"
                    + ("" if floor is None else f"; noise floor {floor:.3f}")
                )
                lines += [f"    warning: {w}" for w in noise_warnings(ind, seeding)]
    print("\n".join(lines))
    if "--doc" in argv:
        write_doc(lines, n, replicates)


DOC = Path(__file__).resolve().parents[1] / "docs" / "sweeps.md"
START, END = "<!-- sensitivity-inert:start -->", "<!-- sensitivity-inert:end -->"


def write_doc(lines: list[str], n: int, replicates: int) -> None:
    """Put the printed lines into ``docs/sweeps.md`` between the markers."""
    import re

    from experiments.io import write_text

    command = "python experiments/sensitivity_inert.py" + (
        "" if (n, replicates) == (16, 2) else f" {n} {replicates}"
    )
    block = "\n".join(
        [START, f"`{command} --doc` (a {ENTERPRISES}-enterprise market, {WEEKS} weeks):", "", "```",
         *lines[1:], "```", END]
    )  # fmt: skip
    text = DOC.read_text()
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{DOC}: no {START} ... {END} section to rewrite")
    write_text(DOC, pattern.sub(lambda _: block, text))


if __name__ == "__main__":
    main(sys.argv[1:])
