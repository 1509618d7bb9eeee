"""Golden outputs: a speed-up must leave every seeded result as it was.

A few small seeded runs of different scenarios, strategies and networks. Each output
is compared with what the same run gave when the goldens were written:

- the weekly model table, every vendor row and the event history, value by value from
  ``tests/golden/bit_identical/*.parquet``: integers, flags and text exactly, floats to
  within ``RTOL`` (relative) of the stored value;
- the employees' final products, mandates and paid seats, and the random stream's
  position after the run, by hash (``tests/golden/bit_identical.json``): exactly; their
  receptivity and openness by three moments each, within ``RTOL``.

Why a tolerance on the tables' floats: numpy computes float64 ``exp``, ``log`` and
``power`` with its own AVX-512 code on processors that have it and with the C library
elsewhere, and the two differ in the last bit or so. The hashes written on the host of
the sixth session failed on the next session's (a first-generation EPYC without AVX-512)
in the weekly table, vendor rows and events of 7 of 8 runs and in the employees of one,
while the stream's position matched in all 8: the same runs, the last bits apart. A
change to the code that alters what a seed does moves values by far more than ``RTOL``
(or changes a count, a flag or the stream's position), so it still fails.

A change that is meant to alter the random stream (docs/performance.md says where)
rewrites the goldens with::

    PYTHONPATH=. python tests/test_bit_identical.py --write

and says so in its commit. Anything else that makes this test fail changed results.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from experiments.fingerprint import digest

GOLDEN = Path(__file__).parent / "golden" / "bit_identical.json"
TABLES = Path(__file__).parent / "golden" / "bit_identical"
SEED = 4242
RTOL = 1e-9
"""A few hundred thousand ulps: the processors' ``exp``/``log`` differ by one or two, a
run's sums carry that through a few hundred weeks, a changed mechanism moves far more."""

CASES: dict[str, dict[str, Any]] = {
    # default parameters on a small market, two years (entries, exits, renewals)
    "default": {"scenario": "default", "weeks": 104, "n_enterprises": 40},
    "focal_bottoms_up": {
        "scenario": "default",
        "weeks": 78,
        "n_enterprises": 30,
        "focal": {"strategy": "bottoms_up", "initial_reps": 2},
    },
    "focal_direct": {
        "scenario": "default",
        "weeks": 78,
        "n_enterprises": 30,
        "focal": {"strategy": "direct", "initial_reps": 6},
    },
    "yammer_viral": {"scenario": "yammer_viral", "weeks": 60, "n_enterprises": 25},
    "land_and_expand": {"scenario": "land_and_expand", "weeks": 60, "n_enterprises": 25},
    "sales_web_cycle": {"scenario": "sales_web_cycle", "weeks": 60, "n_enterprises": 25},
    "generational_shift": {"scenario": "generational_shift", "weeks": 60, "n_enterprises": 25},
    "small_world": {
        "scenario": "default",
        "weeks": 52,
        "n_enterprises": 25,
        "org_network": "small_world",
    },
}
TABLE_NAMES = ("weekly", "vendors", "events")


def run_case(case: dict[str, Any]) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """One seeded run's tables (flat, index as columns) and hashes of its exact outputs."""
    from sim.model import MarketModel

    case = dict(case)
    scenario, weeks = case.pop("scenario"), case.pop("weeks")
    model = MarketModel.from_scenario(scenario, rng=SEED, **case)
    for _ in range(weeks):
        model.step()
    pop = model.population
    tables = {
        "weekly": model.datacollector.get_model_vars_dataframe().rename_axis("week"),
        "vendors": model.vendor_dataframe(),
        "events": pd.DataFrame(model.events),
    }
    hashes = {
        "employees": digest(pop.emp_product, pop.emp_mandated, pop.emp_paid),
        "rng": digest(model.rng.random(4)),  # the stream's position after the run
        # float arrays by three moments (compared within RTOL): the sum, the sum weighted
        # by employee id (who holds which value) and the sum of squares
        **{name: moments(getattr(pop, name)) for name in ("receptivity", "emp_openness")},
    }
    return {k: t.reset_index() if k != "events" else t for k, t in tables.items()}, hashes


def moments(values: np.ndarray) -> list[float]:
    ids = np.arange(len(values), dtype=np.float64)
    return [float(values.sum()), float(values @ ids), float(values @ values)]


def same_hashes(actual: dict[str, Any], expected: dict[str, Any]) -> bool:
    """Hashes exactly, moments within ``RTOL``."""
    if actual.keys() != expected.keys():
        return False
    return all(
        np.allclose(a, expected[k], rtol=RTOL, atol=0.0)
        if isinstance(a, list)
        else a == expected[k]
        for k, a in actual.items()
    )


def differences(actual: pd.DataFrame, expected: pd.DataFrame, rtol: float = RTOL) -> list[str]:
    """What differs between two tables: columns, row counts, then column by column
    (floats within ``rtol``, NaN where NaN; everything else exactly)."""
    if sorted(actual.columns) != sorted(expected.columns):
        return [f"columns {list(actual.columns)} != {list(expected.columns)}"]
    actual = actual[list(expected.columns)]  # events: columns in order of first appearance
    if len(actual) != len(expected):
        return [f"{len(actual)} rows != {len(expected)}"]
    out = []
    for col in actual.columns:
        a, e = actual[col].to_numpy(), expected[col].to_numpy()
        if a.dtype.kind == "f" or e.dtype.kind == "f":
            a, e = a.astype(np.float64), e.astype(np.float64)
            bad = ~np.isclose(a, e, rtol=rtol, atol=0.0, equal_nan=True)
        else:
            bad = np.array([not _same(x, y) for x, y in zip(a, e, strict=True)], dtype=bool)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            out.append(f"{col}: {int(bad.sum())} rows, first row {i}: {a[i]!r} != {e[i]!r}")
    return out


def _same(x: object, y: object) -> bool:
    if _missing(x) and _missing(y):
        return True
    if isinstance(x, float) or isinstance(y, float):  # a float in a mixed column
        try:
            return bool(np.isclose(float(x), float(y), rtol=RTOL, atol=0.0))
        except (TypeError, ValueError):
            return False
    return x == y


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA


def _table_path(name: str) -> Path:
    return TABLES / f"{name}.parquet"


def _stored(name: str, case: str) -> pd.DataFrame:
    table = pd.read_parquet(_table_path(name))
    rows = table[table["case"] == case].drop(columns="case").reset_index(drop=True)
    return rows.dropna(axis=1, how="all") if name == "events" else rows


@pytest.mark.parametrize("name", sorted(CASES))
def test_seeded_outputs_are_the_golden_ones(name: str) -> None:
    tables, hashes = run_case(CASES[name])
    expected = json.loads(GOLDEN.read_text())[name]
    assert same_hashes(hashes, expected), (hashes, expected)
    for table in TABLE_NAMES:
        actual = tables[table].reset_index(drop=True)
        if table == "events":  # a column no event of this run has is not stored for it
            actual = actual.dropna(axis=1, how="all")
        found = differences(actual, _stored(table, name))
        assert not found, f"{name}, {table}: {found}"


def test_a_change_beyond_the_last_bits_is_a_difference() -> None:
    """The tolerance absorbs processors' last bits, not a changed result."""
    base = pd.DataFrame({"week": [1, 2], "arr": [1.0e6, 2.5e6], "name": ["a", "b"]})
    assert differences(base.copy(), base) == []
    last_bits = base.assign(arr=base["arr"] * (1 + 4e-16))
    assert differences(last_bits, base) == []
    for changed in (
        base.assign(arr=base["arr"] * (1 + 1e-6)),  # a cent on a million
        base.assign(week=[1, 3]),
        base.assign(name=["a", "c"]),
        base.iloc[:1],
    ):
        assert differences(changed, base)


def main(argv: list[str]) -> int:
    if argv != ["--write"]:
        print("usage: python tests/test_bit_identical.py --write", file=sys.stderr)
        return 2
    hashes, tables = {}, {name: [] for name in TABLE_NAMES}
    for name, case in CASES.items():
        run_tables, hashes[name] = run_case(case)
        for table in TABLE_NAMES:
            tables[table].append(run_tables[table].assign(case=name))
    TABLES.mkdir(parents=True, exist_ok=True)
    for table, parts in tables.items():  # each file whole or not at all
        tmp = _table_path(table).with_suffix(".tmp")
        pd.concat(parts, ignore_index=True).to_parquet(tmp, compression="zstd", index=False)
        tmp.replace(_table_path(table))
    tmp = GOLDEN.with_suffix(".tmp")
    tmp.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n")
    tmp.replace(GOLDEN)
    print(f"wrote {GOLDEN} and {TABLES}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
