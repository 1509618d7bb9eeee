"""The README's figures for the essays' claims are those of their page.

They are quoted from docs/validation/claims.md (made by ``salesweb claims --seeds
40``); this recomputes each from the page's ``claims.parquet`` and reads the page's
count of passing claims, so a regenerated page cannot leave the README behind.
"""

import re
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.paired import PairedEffect

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "validation" / "claims.md"
RUNS = PAGE.with_name("claims.parquet")


def _arms(runs: pd.DataFrame, claim: str, metric: str) -> tuple[np.ndarray, np.ndarray]:
    on = runs[(runs.claim == claim) & (runs.condition == "on") & (runs.metric == metric)]
    left = on[on.side == "left"].sort_values("seed").value.to_numpy()
    right = on[on.side == "right"].sort_values("seed").value.to_numpy()
    return left, right


def _first_metric(runs: pd.DataFrame, claim: str) -> str:
    """The claim's own metric (the first it records; the others are its context)."""
    return runs[runs.claim == claim].metric.iloc[0]


def test_readme_quotes_the_40_seed_claims_page():
    runs = pd.read_parquet(RUNS)
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert sorted(runs.seed.unique()) == list(range(40))
    passing = PAGE.read_text(encoding="utf-8").splitlines()[2].split(" claims hold")[0]
    assert f"seeds 0-39 on today's model) passes {passing}." in readme  # "9 of 14"

    left, right = _arms(runs, "viral_goes_bottoms_up", "the focal company's ARR + cash (USD)")
    e = PairedEffect.of(left, right)
    assert f"(+{e.mean / 1e6:.2f}M ± {e.se / 1e6:.2f}M of ARR + cash)" in readme

    left, right = _arms(runs, "golden_goose", _first_metric(runs, "golden_goose"))
    e = PairedEffect.of(left, right)
    assert f"({-e.mean:,.0f} ± {e.se:.0f} fewer sign-ups, gone without brand erosion)" in readme

    left, right = _arms(runs, "attention_binds", _first_metric(runs, "attention_binds"))
    e = PairedEffect.of(left, right)
    assert f"cost each rep {-e.mean:.2f} ± {e.se:.2f} deals a year" in readme

    left, right = _arms(runs, "superlinear_rare", _first_metric(runs, "superlinear_rare"))
    e = PairedEffect.of(left, right)
    assert (
        f"{left.mean():.2f} of the default market's bottoms-up companies against "
        f"{right.mean():.2f} of the exceptions', {e.mean:.2f} ± {e.se:.2f}" in readme
    )

    left, right = _arms(runs, "generational_change", "bottoms-up ARR at the end (USD)")
    arr = PairedEffect.of(left, right)
    left, right = _arms(runs, "generational_change", "self-serve users at the end")
    users = PairedEffect.of(left, right)
    # the README's word for the revenue follows the page: "no more" within two standard
    # errors of zero, else the direction it went
    if abs(arr.mean) < 2 * arr.se:
        revenue = "but no more"
    else:
        revenue = "but less" if arr.mean < 0 else "and more"
    assert (
        f"brings {users.mean:,.0f} ± {users.se:.0f} more self-serve users {revenue} "
        f"bottoms-up revenue ({arr.mean / 1e6:.2f}M ± {arr.se / 1e6:.2f}M)" in readme
    )


ROBUST = PAGE.with_name("claims_robust.md")


def _kept_and_held() -> dict[str, tuple[int, int]]:
    """Each claim's "kept (hold)" cell of the robustness page: "6 of 6 (5)" -> (6, 5)."""
    cells = {}
    for line in ROBUST.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| (\w+) \|.*\| (\d) of 6 \((\d)\) \|$", line)
        if m:
            cells[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return cells


def test_readme_quotes_the_robustness_page():
    cells = _kept_and_held()
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert len(cells) == 14
    kept = [k for k, (kept, _) in cells.items() if kept == 6]
    held = [k for k in kept if cells[k][1] == 6]
    assert f"{len(kept)} of {len(cells)} claims keep their direction" in readme
    assert f"and {len(held)} of those still hold in all six moved markets" in readme
    assert f"careful qualification keeps it in {cells['careful_qualification'][0]} of 6" in readme
    assert f"the more open generation in {cells['generational_change'][0]} of 6" in readme


def _readme() -> str:
    return " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())


def _on_page(page: str, pattern: str) -> re.Match:
    """The first match of ``pattern`` on a page beside claims.md; fails if none."""
    m = re.search(pattern, PAGE.with_name(page).read_text(encoding="utf-8"))
    assert m, f"{page} has no line matching {pattern!r}"
    return m


def test_readme_quotes_the_dual_motion_breakeven():
    m = _on_page("dual_motion_breakeven.md", r"Breakeven price: ([\d.]+) ± ([\d.e+]+) \(SE")
    assert f"{float(m.group(1)):.2f} ± {float(m.group(2)):.2f} USD a seat" in _readme()


def test_readme_quotes_the_calibration_count():
    m = _on_page("calibration.md", r"(\d+ of \d+) outputs are in their band")
    assert f"bands: {m.group(1)} outputs are in their band there" in _readme()


def test_the_robustness_seed_count_is_argued_from_the_smallest_effects():
    """Rule 4 and the README say why robustness runs 20 seeds: the three smallest
    claims' effects in standard errors at 40 seeds, and half that at 10 seeds."""
    runs = pd.read_parquet(RUNS)
    z = []
    for claim in runs.claim.unique():
        e = PairedEffect.of(*_arms(runs, claim, _first_metric(runs, claim)))
        z.append(abs(e.mean) / e.se)
    low, high = sorted(z)[0], sorted(z)[2]
    at_40 = f"three smallest claims' effects are {low:.1f} to {high:.1f} standard errors"
    rule = " ".join((ROOT / "docs" / "claims.md").read_text(encoding="utf-8").split())
    assert at_40 in rule
    assert f"would stand only {low / 2:.1f} to {high / 2:.1f} standard errors" in rule
    assert f"effects are only {low:.1f} to {high:.1f} standard errors at 40 seeds" in _readme()
    from experiments.regen_manifest import MANIFEST

    step = next(s for s in MANIFEST if s.name == "claims-robust")
    assert step.command == "salesweb claims --robust --seeds 20"
    assert "`salesweb claims --robust --seeds 20` over seeds 0-19" in ROBUST.read_text("utf-8")


def test_readme_quotes_the_company_page():
    """The README's paragraph on a company's team quotes docs/validation/company.md:
    the reps a company that sells well and one that sells badly end with, and each
    motion's survival in the default market."""
    well = _on_page("company.md", r"\| sells well \(quality 0\.9\) \|[^|]*\| ([\d.]+ ± [\d.]+) \|")
    badly = _on_page(
        "company.md", r"\| sells badly \(quality 0\.4\) \|[^|]*\| ([\d.]+ ± [\d.]+) \|"
    )
    alive = _on_page(
        "company.md",
        r"bottoms_up ARR [^,]+, alive (\d+%); direct ARR [^,]+, alive (\d+%); "
        r"hybrid ARR [^,]+, alive (\d+%)",
    )
    readme = _readme()
    assert f"ends with {well.group(1)} reps against {badly.group(1)}" in readme
    assert (
        f"bottoms-up survives in {alive.group(1)} of the seeds, direct in {alive.group(2)} "
        f"and hybrid in {alive.group(3)}" in readme
    )
