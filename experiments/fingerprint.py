"""Fingerprints of seeded runs: did a change alter what a seed produces, and where?

A speed-up should leave every seeded result as it was, unless it was meant to change
the random stream. This script runs every preset scenario (and each org network) on a
small market for a year with a fixed seed and records a hash of each output: the built
population (org network, roles, ages, openness, committees), the weekly model table
column by column, the vendor rows and the final state of the employees. Run it on the
code before a change and after, then compare::

    python -m experiments.fingerprint --out before.json      # on the old commit
    python -m experiments.fingerprint --out after.json --compare before.json

The comparison names each (case, output) that differs. Vendor rows are compared for
live vendors and the week a vendor exits, the rows both the old Mesa collector and
:class:`sim.vendor_records.VendorRecords` keep.

:func:`engine_fingerprint` folds the same outputs of every case, on a tinier market
(at most :data:`ENGINE_ENTERPRISES` enterprises, :data:`ENGINE_WEEKS` weeks), into one
short hash: the engine a seeded page was made on (``docs/validation/provenance.json``,
``salesweb regenerate``). ``python -m experiments.fingerprint --engine`` prints it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SEED = 20240611
WEEKS = 52
SMALL_MARKET = {"n_enterprises": 30}
ENGINE_WEEKS = 104
ENGINE_ENTERPRISES = 12
"""The engine fingerprint's market: every preset (and network) at most this many
enterprises for this many weeks, about 4 s of CPU in all (``bass`` keeps its one
enterprise of 1,000 on a complete graph). Two years: 8 enterprises for 40 to 104 weeks
did not see ``golden_goose``'s brand erosion move from 0.05 to 0.06; 12 for 104 do."""
NETWORK_CASES = {
    "network_small_world": {"org_network": "small_world"},
    "network_complete": {"org_network": "complete", "enterprise_size_max": 150},
}
POPULATION_ARRAYS = (
    "ent_size",
    "ent_on_prem",
    "emp_level",
    "emp_depth",
    "emp_age",
    "emp_openness",
    "buyer_employee",
    "buyer_role",
)


def digest(*arrays: Any) -> str:
    """A short hash of arrays' bytes (and dtypes), equal iff the values are."""
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str(a.dtype).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:16]


def frame_digests(df: pd.DataFrame, prefix: str, by_value: bool = False) -> dict[str, str]:
    """One hash per column (and one for the index), so a diff names the column.

    ``by_value`` hashes what the cells hold, not how pandas stores them: numbers (and
    booleans) as float64, anything else as its text. The engine fingerprint uses it, so
    that a pandas that stores a week number as a float, or text as ``str`` instead of
    ``object``, does not read as another engine.
    """
    canon = _by_value if by_value else _as_stored
    levels = (df.index.get_level_values(i) for i in range(df.index.nlevels))
    out = {f"{prefix}.index": digest(*(canon(np.asarray(v)) for v in levels))}
    for col in df.columns:
        out[f"{prefix}.{col}"] = digest(canon(df[col].to_numpy()))
    return out


def _as_stored(values: np.ndarray) -> np.ndarray:
    return np.array([str(v) for v in values]) if values.dtype == object else values


def _by_value(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind in "biu":
        return values.astype(np.float64)
    if values.dtype.kind == "f":
        return _significant(values)
    return np.array([str(v) for v in values], dtype=np.str_)


SIGNIFICANT = 6
"""Digits of a float the engine fingerprint keeps. numpy's float64 ``exp``, ``log`` and
``power`` differ in the last bits between processors with and without AVX-512
(tests/test_bit_identical.py), so an exact hash would call one engine two. Six digits
hold a page's figures (it quotes three or four); a value whose last bits straddle a
rounding boundary (about 1e-10 a value, a few hundred thousand values) is the rare case
left. Decimal text is correctly rounded, so the rounding itself is the same everywhere."""


def _significant(values: np.ndarray) -> np.ndarray:
    return np.array([f"{v:.{SIGNIFICANT}g}" for v in values.tolist()], dtype=np.str_)


def kept_vendor_rows(model: Any) -> pd.DataFrame:
    """Vendor rows up to and including each vendor's exit week."""
    df = model.vendor_dataframe()
    exited = {v.unique_id: v.exited for v in model.vendor_list if v.exited is not None}
    step = df.index.get_level_values("Step")
    last = df.index.get_level_values("AgentID").map(lambda a: exited.get(a, np.inf))
    return df[np.asarray(step <= last)]


def fingerprint_case(
    name: str,
    overrides: dict[str, Any],
    weeks: int | None = None,
    market: dict[str, Any] | None = None,
    by_value: bool = False,
) -> dict[str, str]:
    """Hashes of one case's outputs (``weeks`` and ``market`` default to the module's;
    ``by_value``: tables hashed by value, :func:`frame_digests`)."""
    from sim.model import MarketModel

    scenario = name if name in _scenario_names() else "default"
    market = SMALL_MARKET if market is None else market
    model = MarketModel.from_scenario(scenario, rng=SEED, **{**market, **overrides})
    pop = model.population
    out = {
        "population.adjacency": digest(
            pop.adjacency.indptr.astype(np.int64), pop.adjacency.indices.astype(np.int64)
        ),
        **{f"population.{a}": digest(getattr(pop, a)) for a in POPULATION_ARRAYS},
    }
    for _ in range(WEEKS if weeks is None else weeks):
        model.step()
    out |= frame_digests(model.datacollector.get_model_vars_dataframe(), "weekly", by_value)
    out |= frame_digests(kept_vendor_rows(model), "vendors", by_value)
    out["final.emp_product"] = digest(pop.emp_product)
    out["final.receptivity"] = digest(
        _significant(pop.receptivity) if by_value else pop.receptivity
    )
    return out


def _scenario_names() -> list[str]:
    from sim.scenarios import preset_names

    return list(preset_names())


def engine_fingerprint() -> str:
    """One 12-hex hash of every case's outputs on the tiny market: equal iff the engine
    (the model, its mechanisms, its presets and its random stream) gives what it gave."""
    from sim.scenarios import load_scenario

    h = hashlib.sha256()
    for name, overrides in all_cases().items():
        preset = load_scenario(name if name in _scenario_names() else "default")
        size = min(ENGINE_ENTERPRISES, int(preset.params.get("n_enterprises", ENGINE_ENTERPRISES)))
        out = fingerprint_case(name, overrides, ENGINE_WEEKS, {"n_enterprises": size}, True)
        h.update(json.dumps([name, out], sort_keys=True).encode())
    return h.hexdigest()[:12]


def all_cases() -> dict[str, dict[str, Any]]:
    cases: dict[str, dict[str, Any]] = {name: {} for name in _scenario_names()}
    cases |= NETWORK_CASES
    return cases


def compare(after: dict, before: dict) -> list[str]:
    """Lines naming each output that differs (or exists on one side only)."""
    lines = []
    for case in sorted(set(before) | set(after)):
        a, b = after.get(case), before.get(case)
        if a is None or b is None:
            lines.append(f"{case}: only in {'before' if a is None else 'after'}")
            continue
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                lines.append(f"{case}: {key} differs")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--engine", action="store_true", help="print the engine fingerprint")
    parser.add_argument("--compare", type=Path, help="an earlier fingerprint file")
    parser.add_argument("--cases", nargs="*", help="only these cases")
    args = parser.parse_args(argv)
    if args.engine:
        print(engine_fingerprint())
        return 0
    if args.out is None:
        parser.error("--out is required (or --engine)")
    cases = all_cases()
    if args.cases:
        cases = {k: v for k, v in cases.items() if k in args.cases}
    result = {}
    for name, overrides in cases.items():
        result[name] = fingerprint_case(name, overrides)
        print(f"{name}: {len(result[name])} outputs", file=sys.stderr)
    from experiments.io import write_text

    write_text(args.out, json.dumps(result, indent=1, sort_keys=True))
    if args.compare:
        before = json.loads(args.compare.read_text())
        diffs = compare(result, {k: v for k, v in before.items() if k in result})
        print("\n".join(diffs) if diffs else "identical: every output of every case")
        return 1 if diffs else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
