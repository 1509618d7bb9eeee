"""Calibration: the default market against SaaS benchmarks (MODEL.md, "Calibration").

:func:`calibration_table` runs a scenario on several seeds and averages each
calibrated output over weeks 104-260, then reports the mean over seeds, its standard
error, and whether it lands in its benchmark band. ``salesweb calibrate`` prints it;
``docs/model.md`` keeps the last table.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

WINDOW = (104, 260)  # weeks averaged: years three to five, after the launch transient
REP_WINDOW = (52, 260)  # new ACV per rep-year: years two to five (the model issue's window)


@dataclass(frozen=True)
class Band:
    """A calibration target: an output column, its benchmark band and where it comes from."""

    column: str
    low: float
    high: float
    source: str


BANDS: tuple[Band, ...] = (
    Band("reply_rate", 0.01, 0.08, "cold outreach reply rates about 3.4% (0.9-3.1% by size)"),
    Band("win_rate", 0.15, 0.30, "B2B win rates 19-29%"),
    Band("cac_payback_months", 12, 30, "median CAC payback about 18 months (2024 surveys)"),
    Band("freemium_conversion", 0.02, 0.10, "freemium conversion 2-5%"),
    Band("net_revenue_retention", 0.95, 1.35, "median NRR about 101%, enterprise about 118%"),
    Band("spend_per_employee", 50, 600, "a seat at 25 USD a month with enterprise uplift"),
    Band("acv_per_rep_cost", 2, 8, "quota 4-6x a rep's on-target earnings; weeks 52-260"),
)


def run_outputs(scenario: str, seed: int, steps: int, overrides: dict) -> dict[str, float]:
    """One run's calibrated outputs, averaged over the window (NaN weeks skipped)."""
    from sim.model import MarketModel

    model = MarketModel.from_scenario(scenario, rng=seed, **overrides)
    for _ in range(steps):
        model.step()
    return window_outputs(model)


def window_outputs(model) -> dict[str, float]:
    """The calibrated outputs of a model already run past the window (:func:`run_outputs`;
    investigations that read more of the same run call it directly)."""
    df = model.datacollector.get_model_vars_dataframe()
    lo, hi = WINDOW
    window = df.iloc[lo : hi + 1]
    out = {b.column: float(window[b.column].mean()) for b in BANDS if b.column in window}
    out["acv_per_rep_cost"] = new_acv_per_rep_cost(model, REP_WINDOW[0], hi)
    for extra in ("adoption_rate", "vendors_active", "reps_total", "deals_won", "arr_total"):
        out[extra] = float(window[extra].mean())
    return out


def new_acv_per_rep_cost(model, lo: int, hi: int) -> float:
    """New ACV won by reps per rep-year, over a rep's loaded yearly cost (quota 4-6x)."""
    won = sum(e["value"] for e in model.events if e["event"] == "won" and lo <= e["step"] <= hi)
    df = model.datacollector.get_model_vars_dataframe().iloc[lo : hi + 1]
    rep_years = float(df["reps_total"].sum()) / 52.0
    if rep_years <= 0:
        return float("nan")
    return won / rep_years / (model.rep_cost * 52.0)


def calibration_table(
    seeds: list[int],
    scenario: str = "default",
    steps: int = 260,
    workers: int | None = None,
    **overrides,
) -> pd.DataFrame:
    """Mean, standard error and band of every calibrated output over ``seeds``.

    Returns
    -------
    DataFrame indexed by output, columns ``mean, se, low, high, in_band, source``.
    """
    args = [(scenario, s, steps, overrides) for s in seeds]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        rows = list(pool.map(run_outputs, *zip(*args, strict=True)))
    per_seed = pd.DataFrame(rows, index=pd.Index(seeds, name="seed"))
    mean = per_seed.mean()
    se = per_seed.std(ddof=1) / np.sqrt(len(seeds))
    table = pd.DataFrame({"mean": mean, "se": se})
    bands = {b.column: b for b in BANDS}
    table["low"] = [bands[c].low if c in bands else np.nan for c in table.index]
    table["high"] = [bands[c].high if c in bands else np.nan for c in table.index]
    table["in_band"] = [
        bool(bands[c].low <= m <= bands[c].high) if c in bands else None
        for c, m in zip(table.index, table["mean"], strict=True)
    ]
    table["source"] = [bands[c].source if c in bands else "" for c in table.index]
    return table


if __name__ == "__main__":  # pragma: no cover - a study script
    import sys

    from sim.params import parse_assignment

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    extra = dict(parse_assignment(kv) for kv in sys.argv[2:])
    pd.set_option("display.width", 160)
    print(
        calibration_table(list(range(1, n + 1)), **extra)[["mean", "se", "low", "high", "in_band"]]
    )


def calibration_markdown(table: pd.DataFrame) -> str:
    """The calibration table as Markdown (band, mean +- standard error, in band)."""
    lines = [
        "| output | band | mean over seeds | SE | in band | source |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, row in table.iterrows():
        if row["in_band"] is None:
            continue
        lines.append(
            f"| `{name}` | {row['low']:g}-{row['high']:g} | {row['mean']:.3g} | {row['se']:.2g} "
            f"| {'yes' if row['in_band'] else 'no'} | {row['source']} |"
        )
    return "\n".join(lines)


TUNING_SEEDS = range(101, 121)
"""The seeds the defaults were tuned on; a report on any of them says so."""


def calibration_report(
    table: pd.DataFrame,
    scenario: str,
    first: int,
    last: int,
    out: str = "docs/validation/calibration.md",
) -> str:
    """The page ``salesweb calibrate --out`` writes: how it was made, then the table.

    ``out`` is the file the page goes to, named in the command that remakes it. A run
    on tuning seeds says it is a tuning check: the defaults were chosen on those seeds.
    """
    in_band = [r["in_band"] for _, r in table.iterrows() if r["in_band"] is not None]
    tuned = [s for s in range(first, last + 1) if s in TUNING_SEEDS]
    span = f"{TUNING_SEEDS[0]}-{TUNING_SEEDS[-1]}"
    seeds_note = (
        f"The defaults were tuned on seeds {span}, never on these."
        if not tuned
        else f"Seeds {tuned[0]}-{tuned[-1]} are among those the defaults were tuned on "
        f"({span}): this is a tuning check, not a report."
    )
    market = "the default market" if scenario == "default" else f"`{scenario}`"
    return (
        f"# Calibration of {market}\n\n"
        f"Written by `salesweb calibrate --scenario {scenario} --seeds {last - first + 1} "
        f"--first-seed {first} --out {out}`: the `{scenario}` "
        f"scenario on seeds {first}-{last}, each output averaged over weeks "
        f"{WINDOW[0]}-{WINDOW[1]} (new ACV per rep-year over weeks {REP_WINDOW[0]}-"
        f"{REP_WINDOW[1]}), then the mean and its standard error over seeds. {seeds_note}\n\n"
        f"{sum(in_band)} of {len(in_band)} outputs are in their band.\n\n"
        + calibration_markdown(table)
        + "\n"
    )
