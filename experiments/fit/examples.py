"""The template and the synthetic example history shipped in experiments/fit/examples/.

``template.csv`` shows the columns with made-up round numbers to overwrite.
``example_history.csv`` is written by the model itself, on the default market, for a
company whose true settings are :data:`EXAMPLE_TRUTH` (seed :data:`EXAMPLE_SEED`), so
docs/fit.md can show a fit recovering them. Regenerate with
``python -m experiments.fit.examples``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.fit.history import COLUMNS
from experiments.fit.simulate import Market, synthetic_history
from experiments.io import write_atomic

FOLDER = Path(__file__).parent / "examples"
EXAMPLE_TRUTH = {"virality": 0.002, "seat_price": 40.0, "marketing_spend": 5000.0}
EXAMPLE_SEED = 2024
EXAMPLE_MONTHS = 18

TEMPLATE = """\
# One row per month, oldest first; delete the columns you do not have (month stays).
# month: 1, 2, 3 ... since launch, or calendar months such as 2024-01.
# arr, customers, users, reps, cash: at the end of the month; sm_spend: during it.
month,arr,customers,users,reps,sm_spend,cash
1,0,0,40,1,25000,1975000
2,12000,1,120,1,25000,1950000
3,30000,2,260,1,26000,1930000
4,45000,3,380,2,30000,1900000
5,70000,5,520,2,31000,1880000
6,95000,7,700,2,31000,1860000
"""


def example_frame() -> pd.DataFrame:
    """The synthetic history, rounded as a finance team would report it."""
    market = Market.of("default")
    h = synthetic_history(market, EXAMPLE_TRUTH, EXAMPLE_SEED, EXAMPLE_MONTHS, COLUMNS)
    frame = h.frame()
    for c in COLUMNS:
        frame[c] = frame[c].round(0).astype(int)
    return frame


def write_examples(folder: Path = FOLDER) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / "template.csv", lambda p: p.write_text(TEMPLATE))
    frame = example_frame()
    head = (
        f"# Synthetic: written by the model (default market, seed {EXAMPLE_SEED}) for a company with "
        + ", ".join(f"{k}={v:g}" for k, v in EXAMPLE_TRUTH.items())
        + "\n"
    )
    write_atomic(
        folder / "example_history.csv", lambda p: p.write_text(head + frame.to_csv(index=False))
    )


if __name__ == "__main__":
    write_examples()
