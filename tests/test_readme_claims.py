"""The README's figures for the claims re-measured at 40 seeds are those of their page.

They are quoted from docs/validation/claims_40_seeds (made by ``salesweb claims --seeds
40 --claim superlinear_rare --claim generational_change``); this recomputes each from
the page's ``claims.parquet`` so a regenerated page cannot leave the README behind.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.paired import PairedEffect

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / "docs" / "validation" / "claims_40_seeds" / "claims.parquet"


def _arms(runs: pd.DataFrame, claim: str, metric: str) -> tuple[np.ndarray, np.ndarray]:
    on = runs[(runs.claim == claim) & (runs.condition == "on") & (runs.metric == metric)]
    left = on[on.side == "left"].sort_values("seed").value.to_numpy()
    right = on[on.side == "right"].sort_values("seed").value.to_numpy()
    return left, right


def test_readme_quotes_the_40_seed_claims_page():
    runs = pd.read_parquet(RUNS)
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert sorted(runs.seed.unique()) == list(range(40))

    left, right = _arms(runs, "superlinear_rare", runs.metric.unique()[0])
    e = PairedEffect.of(left, right)
    assert (
        f"{left.mean():.2f} of the default market's bottoms-up companies against "
        f"{right.mean():.2f} of the exceptions', {e.mean:.2f} ± {e.se:.2f}" in readme
    )

    left, right = _arms(runs, "generational_change", "bottoms-up ARR at the end (USD)")
    arr = PairedEffect.of(left, right)
    left, right = _arms(runs, "generational_change", "self-serve users at the end")
    users = PairedEffect.of(left, right)
    assert (
        f"brings {users.mean:,.0f} ± {users.se:.0f} more self-serve users but "
        f"{-arr.mean / 1e6:.1f}M ± {arr.se / 1e6:.2f}M *less*" in readme
    )
