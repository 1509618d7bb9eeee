"""The end-of-run summary: one table a strategist reads in ten seconds."""

from __future__ import annotations

import math

import pandas as pd

from sim.params import STRATEGIES


def summarize(model_df: pd.DataFrame, vendor_df: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Figures at the last step, by strategy and for the market.

    Returns ``{row_label: {strategy or 'market': value}}`` for ARR, vendors alive,
    reps, adoption, deals won and lost (over the run) and median CAC.
    """
    last = model_df.iloc[-1]
    final_vendors = vendor_df.xs(vendor_df.index.get_level_values(0).max(), level=0)
    alive = final_vendors[final_vendors["alive"]]
    rows: dict[str, dict[str, float]] = {}
    rows["ARR (USD)"] = {s: float(last[f"arr_{s}"]) for s in STRATEGIES} | {
        "market": float(last["arr_total"])
    }
    rows["vendors alive"] = {s: float(last[f"vendors_{s}"]) for s in STRATEGIES} | {
        "market": float(last["vendors_active"])
    }
    rows["reps"] = {s: float(last[f"reps_{s}"]) for s in STRATEGIES} | {
        "market": float(last["reps_total"])
    }
    rows["median CAC (USD)"] = {
        s: _median(alive.loc[alive["strategy"] == s, "cac"]) for s in STRATEGIES
    } | {"market": float(last["cac_median"])}
    rows["adoption"] = {"market": float(last["adoption_rate"])}
    rows["deals won (run)"] = {"market": float(model_df["deals_won"].sum())}
    rows["deals lost (run)"] = {"market": float(model_df["deals_lost"].sum())}
    rows["customers"] = {"market": float(last["customers"])}
    return rows


def _median(series: pd.Series) -> float:
    series = series.dropna()
    return float(series.median()) if len(series) else math.nan


def format_value(label: str, value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if label == "adoption":
        return f"{value:.1%}"
    return f"{value:,.0f}"
