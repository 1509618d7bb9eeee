"""Golden outputs: a speed-up must leave every seeded result as it was, byte for byte.

A few small seeded runs of different scenarios, strategies and networks; each output
(the weekly model table, every vendor row, the event history, the employees' final
state) is hashed and compared with the hashes in ``tests/golden/bit_identical.json``.
A change that is meant to alter the random stream (docs/performance.md says where)
regenerates them with::

    PYTHONPATH=. python tests/test_bit_identical.py --write

and says so in its commit. Anything else that makes this test fail changed results.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from experiments.fingerprint import digest

GOLDEN = Path(__file__).parent / "golden" / "bit_identical.json"
SEED = 4242

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


def _frame_digest(df) -> str:
    parts = [np.asarray(df.index.get_level_values(i)) for i in range(df.index.nlevels)]
    parts.append(np.array(list(df.columns), dtype=str))
    for col in df.columns:
        values = df[col].to_numpy()
        if values.dtype == object:
            values = np.array([repr(v) for v in values], dtype=str)
        parts.append(values)
    return digest(*parts)


def run_case(case: dict[str, Any]) -> dict[str, str]:
    """Hashes of one seeded run's outputs."""
    from sim.model import MarketModel

    case = dict(case)
    scenario, weeks = case.pop("scenario"), case.pop("weeks")
    model = MarketModel.from_scenario(scenario, rng=SEED, **case)
    for _ in range(weeks):
        model.step()
    pop = model.population
    events = json.dumps(model.events, sort_keys=True, default=repr).encode()
    return {
        "weekly": _frame_digest(model.datacollector.get_model_vars_dataframe()),
        "vendors": _frame_digest(model.vendor_dataframe()),
        "events": hashlib.sha256(events).hexdigest()[:16],
        "employees": digest(
            pop.emp_product, pop.emp_mandated, pop.emp_paid, pop.receptivity, pop.emp_openness
        ),
        "rng": digest(model.rng.random(4)),  # the stream's position after the run
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_seeded_outputs_are_bit_identical(name: str) -> None:
    expected = json.loads(GOLDEN.read_text())[name]
    assert run_case(CASES[name]) == expected


def main(argv: list[str]) -> int:
    if argv != ["--write"]:
        print("usage: python tests/test_bit_identical.py --write", file=sys.stderr)
        return 2
    result = {name: run_case(case) for name, case in CASES.items()}
    GOLDEN.parent.mkdir(exist_ok=True)
    tmp = GOLDEN.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    tmp.replace(GOLDEN)
    print(f"wrote {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
