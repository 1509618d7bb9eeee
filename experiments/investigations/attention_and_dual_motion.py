"""Why `attention_binds` does not vanish and why `dual_motion` misses its bar (issue 16, 7).

Two of the essays' claims (seed 003) fail at 40 seeds (docs/validation/claims.md). This
script measures, on tuning seeds 101-120 only, the quantities a diagnosis needs, and
prints them as tables; the reading is in docs/investigations/attention_and_dual_motion.md.

* ``attention``: the default market (12 vendors) against ``oversubscribed`` (24), with
  the default touch fatigue and with none, year by year: buyers' receptivity, touches,
  reps, replies per touch, deals, deals per rep-year, vendors alive, and the accounts a
  rep could still win (a budget line, no agreement held). The question: is "sales gets
  harder as vendors crowd the buyers" a first-year effect, a long-run one, or absent,
  and does it come through attention or through rivals holding accounts?
* ``variants``: the claim's paired effect (whole run, year 1, years 2-5), fatigue on and
  off, under what-ifs laid over both markets (:data:`VARIANTS`: a sales force held
  still, committed teams, twice the enterprises, scarcer attention); ``--only`` picks one.
* ``dual``: the ``dual_motion`` preset, the focal company as a hybrid and as its
  bottoms-up self, at seat prices 2 and 40: what its reps win, what they cost, how many
  it has, what it spends on marketing, and where its revenue comes from (rep-won,
  inbound, team plans), so the hybrid's edge at 2 USD a seat can be taken apart.
* ``breakeven``: ``experiments/breakeven.py`` on the tuning seeds (the edge over a price
  ladder and each seed's crossing).

``--set key=value`` lays an override over every run (to measure a model change).
"""

from __future__ import annotations

import argparse
import ast
import math
import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

WEEKS = 52
SEEDS = tuple(range(101, 121))
"""Tuning seeds only (docs: the claims' seeds 0-39 are for reporting)."""


# ------------------------------------------------------------------ running


def _pool_map(fn: Callable, jobs: Sequence, workers: int) -> list:
    if workers <= 1:
        return [fn(j) for j in jobs]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return pool.map(fn, jobs, chunksize=1)


def _model(scenario: str, seed: int, overrides: Mapping[str, Any]):
    from sim.model import MarketModel

    return MarketModel.from_scenario(scenario, rng=seed, **overrides)


# ---------------------------------------------------------------- attention


ATTENTION_ROWS = (
    ("receptivity", "buyers' mean receptivity (year mean)"),
    ("touches", "touches (year)"),
    ("reps", "reps in the market (year mean)"),
    ("touches_per_rep", "touches per rep-week"),
    ("replies", "replies per touch"),
    ("opps", "opportunities opened (year)"),
    ("deals", "deals won by reps (year)"),
    ("deals_per_rep", "deals won per rep-year"),
    ("win_rate", "won / (won + lost)"),
    ("vendors", "vendors alive (year end)"),
    ("sales_vendors", "vendors with reps (year end)"),
    ("open_accounts", "budget open, no agreement (year end)"),
    ("agreements", "agreements held (year end)"),
)


def attention_run(job: tuple[str, int, dict]) -> dict[str, np.ndarray]:
    """One run, read year by year (five years of the default horizon)."""
    from sim.demand import budget_open

    scenario, seed, overrides = job
    model = _model(scenario, seed, overrides)
    open_accounts, agreements, sales_vendors = [], [], []
    while model.running:
        model.step()
        if model.steps % WEEKS == 0:
            held = model.agreement_holders() >= 0
            opened = budget_open(model)
            open_accounts.append(np.count_nonzero(opened & ~held))
            agreements.append(np.count_nonzero(held))
            sales_vendors.append(sum(1 for v in model.alive_vendors() if v.reps > 0))
    df = model.datacollector.get_model_vars_dataframe()
    years = len(df) // WEEKS

    def by_year(col: str, how: str = "sum") -> np.ndarray:
        x = df[col].to_numpy(dtype=float)[: years * WEEKS].reshape(years, WEEKS)
        return x.sum(axis=1) if how == "sum" else x.mean(axis=1) if how == "mean" else x[:, -1]

    touches, reps = by_year("touches"), by_year("reps_total", "mean")
    won, lost = by_year("deals_won"), by_year("deals_lost")
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "receptivity": by_year("buyer_receptivity", "mean"),
            "touches": touches,
            "reps": reps,
            "touches_per_rep": touches / (reps * WEEKS),
            "replies": by_year("responses") / touches,
            "opps": by_year("opportunities_opened"),
            "deals": won,
            "deals_per_rep": won / reps,
            "win_rate": won / (won + lost),
            "vendors": by_year("vendors_active", "last"),
            "sales_vendors": np.asarray(sales_vendors[:years], float),
            "open_accounts": np.asarray(open_accounts[:years], float),
            "agreements": np.asarray(agreements[:years], float),
            "run_deals_per_rep": np.array(
                [df["deals_won"].sum() / (df["reps_total"].sum() / WEEKS)]
            ),
        }


def _mean_se(x: np.ndarray) -> tuple[float, float]:
    x = x[np.isfinite(x)]
    if len(x) < 2:
        return (float(x.mean()) if len(x) else math.nan), math.nan
    return float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))


def attention(seeds: Sequence[int], workers: int, extra: Mapping[str, Any]) -> None:
    from sim.scenarios import load_scenario

    fatigue = load_scenario("default").model_kwargs()["touch_fatigue"]
    configs = [
        (f"{preset}, fatigue {f:g}", preset, {**extra, "touch_fatigue": f})
        for f in (fatigue, 0.0)
        for preset in ("default", "oversubscribed")
    ]
    jobs = [(preset, s, over) for _, preset, over in configs for s in seeds]
    out = _pool_map(attention_run, jobs, workers)
    runs = {
        label: out[i * len(seeds) : (i + 1) * len(seeds)] for i, (label, _, _) in enumerate(configs)
    }
    years = min(len(r["deals"]) for rs in runs.values() for r in rs)
    print(f"\n## Attention: seeds {seeds[0]}-{seeds[-1]} ({len(seeds)}), means over seeds")
    for key, title in ATTENTION_ROWS:
        print(f"\n{title}\n")
        print("| market | " + " | ".join(f"year {y + 1}" for y in range(years)) + " |")
        print("| --- |" + " --- |" * years)
        for label, rs in runs.items():
            a = np.array([r[key][:years] for r in rs])
            cells = [f"{np.nanmean(a[:, y]):.4g}" for y in range(years)]
            print(f"| {label} | " + " | ".join(cells) + " |")
    print("\nPaired effect oversubscribed - default, deals per rep-year (mean +- SE)\n")
    print("| fatigue | " + " | ".join(f"year {y + 1}" for y in range(years)) + " | run |")
    print("| --- |" + " --- |" * (years + 1))
    for f in (fatigue, 0.0):
        a = np.array([r["deals_per_rep"][:years] for r in runs[f"oversubscribed, fatigue {f:g}"]])
        b = np.array([r["deals_per_rep"][:years] for r in runs[f"default, fatigue {f:g}"]])
        ra = np.array([r["run_deals_per_rep"][0] for r in runs[f"oversubscribed, fatigue {f:g}"]])
        rb = np.array([r["run_deals_per_rep"][0] for r in runs[f"default, fatigue {f:g}"]])
        cells = ["{:.3g} ± {:.2g}".format(*_mean_se(a[:, y] - b[:, y])) for y in range(years)]
        cells.append("{:.3g} ± {:.2g}".format(*_mean_se(ra - rb)))
        print(f"| {f:g} | " + " | ".join(cells) + " |")


VARIANTS: dict[str, dict[str, Any]] = {
    "the default market as it is": {},
    "sales force held still (no hiring, attrition or layoffs)": {
        "rep_quota": 0.0,
        "rep_hiring_rate": 0.0,
        "rep_attrition": 0.0,
        "layoff_floor": 0.0,
    },
    "teams kept at two reps while cash lasts (min_reps 2)": {"min_reps": 2},
    "twice the enterprises (1,200)": {"n_enterprises": 1200},
    "scarce attention (receptivity_recovery 0.002, the reference)": {"receptivity_recovery": 0.002},
}
"""What-ifs laid over both markets: which of them makes attention carry the crowding?"""

ONLY = ""
CLAIM_KEY = ""
"""``claim``: the claims to run (``--claim dual_motion``; default both of this investigation)."""
PRICES: tuple[float, ...] = ()
"""``breakeven``: the price ladder (``--prices 0.25,0.5,1``; default breakeven.PRICES)."""
SCENARIO = ""
"""``dual``: the market to run in (``--scenario``, a preset or a TOML file; default ``dual_motion``)."""
"""Run only the what-ifs whose name contains this (``--only``)."""


def attention_variants(seeds: Sequence[int], workers: int, extra: Mapping[str, Any]) -> None:
    """The claim's paired effect (whole run and by period), fatigue on and off, per variant."""
    from sim.scenarios import load_scenario

    fatigue = load_scenario("default").model_kwargs()["touch_fatigue"]
    print(f"\n## Crowding under what-ifs: seeds {seeds[0]}-{seeds[-1]} ({len(seeds)})\n")
    print(
        "| what-if | fatigue | deals per rep-year, default | oversubscribed - default, run "
        "| year 1 | years 2-5 | replies per touch, default | oversubscribed |"
    )
    print("| --- |" + " --- |" * 7)
    for name, over in VARIANTS.items():
        if ONLY and ONLY not in name:
            continue
        for f in (fatigue, 0.0):
            cfg = {**extra, **over, "touch_fatigue": f}
            jobs = [(p, s, cfg) for p in ("default", "oversubscribed") for s in seeds]
            out = _pool_map(attention_run, jobs, workers)
            d, o = out[: len(seeds)], out[len(seeds) :]

            def rate(rs, sl):
                return np.array([r["deals"][sl].sum() / r["reps"][sl].sum() for r in rs])

            def replies(rs):
                return np.array(
                    [np.nansum(r["replies"] * r["touches"]) / r["touches"].sum() for r in rs]
                )

            run_d = np.array([r["run_deals_per_rep"][0] for r in d])
            run_o = np.array([r["run_deals_per_rep"][0] for r in o])
            cells = [
                f"{np.nanmean(run_d):.3g}",
                "{:.3g} ± {:.2g}".format(*_mean_se(run_o - run_d)),
                "{:.3g} ± {:.2g}".format(*_mean_se(rate(o, slice(0, 1)) - rate(d, slice(0, 1)))),
                "{:.3g} ± {:.2g}".format(*_mean_se(rate(o, slice(1, 5)) - rate(d, slice(1, 5)))),
                f"{np.nanmean(replies(d)):.3g}",
                f"{np.nanmean(replies(o)):.3g}",
            ]
            print(f"| {name} | {f:g} | " + " | ".join(cells) + " |", flush=True)


# ---------------------------------------------------------------------- dual


def dual_run(job: tuple[str, int, dict]) -> dict[str, float]:
    """The focal vendor's books in one dual-motion run (vendor 0), in USD.

    Rep spend is counted week by week (reps on the books x their cost); marketing is
    the rest of the vendor's sales-and-marketing spend. Rep-won deals are split by
    where the opportunity came from: an outbound touch, or a purchaser coming in
    (inbound, opened at *sell*), matched to the vendor's latest opportunity there.
    """
    import pandas as pd

    from sim.tables import CONTRACT_KINDS

    scenario, seed, overrides = job
    model = _model(scenario, seed, overrides)
    focal = model.vendor_list[0]
    cash0, rep_weeks, rep_spend = focal.cash, 0.0, 0.0
    while model.running:
        model.step()
        rep_weeks += focal.reps
        rep_spend += focal.reps * focal.rep_cost
    pipe = model.pipeline
    mine = np.flatnonzero(pipe.vendor == focal.index)
    opps = pd.DataFrame(
        {
            "enterprise": pipe.enterprise[mine].astype(int),
            "opened": pipe.opened[mine].astype(int),
            "inbound": pipe.inbound[mine],
        }
    ).sort_values("opened")
    won = [e for e in model.events if e["event"] == "won" and e["vendor"] == focal.name]
    won_df = pd.DataFrame(won, columns=["step", "enterprise", "value"]).sort_values("step")
    won_df["enterprise"] = won_df["enterprise"].astype(int)
    if len(won_df) and len(opps):
        matched = pd.merge_asof(
            won_df, opps, left_on="step", right_on="opened", by="enterprise", direction="backward"
        )
        inbound = matched["inbound"].fillna(False).astype(bool).to_numpy()
        acv = matched["value"].to_numpy(dtype=float)
    else:
        inbound, acv = np.zeros(0, bool), np.zeros(0)
    book = model.contracts
    live = book.active_ids()
    live = live[book.vendor[live] == focal.index]
    out = {
        "worth": focal.arr + focal.cash,
        "arr": focal.arr,
        "cash_change": focal.cash - cash0,
        "revenue (cash change + spend)": 0.0,
        "rep_years": rep_weeks / WEEKS,
        "rep_spend": rep_spend,
        "marketing_spend": focal.sm_spend_total - rep_spend,
        "reps_end": float(focal.reps),
        "customers": float(focal.customers),
        "users": float(focal.users),
        "signups": float(focal.signups_total),
        "deals_won_outbound": float(np.count_nonzero(~inbound)),
        "deals_won_inbound": float(np.count_nonzero(inbound)),
        "acv_won_outbound": float(acv[~inbound].sum()),
        "acv_won_inbound": float(acv[inbound].sum()),
        "bookings_total": float(focal.bookings_total),
        "touches": float(focal.touches_total),
        "seat_year_usd": focal.seat_price * 12 * focal.enterprise_uplift,
    }
    for k, name in enumerate(CONTRACT_KINDS):
        out[f"arr_end[{name}]"] = float(book.acv[live][book.kind[live] == k].sum())
    burn = focal.burn * model.steps
    out["revenue (cash change + spend)"] = out["cash_change"] + focal.sm_spend_total + burn
    return out


def dual(seeds: Sequence[int], workers: int, extra: Mapping[str, Any]) -> None:
    arms = [
        (f"{strategy} @ {price:g}", {**extra, "focal": {"strategy": strategy, "seat_price": price}})
        for price in (2.0, 40.0)
        for strategy in ("hybrid", "bottoms_up")
    ]
    jobs = [(SCENARIO or "dual_motion", s, over) for _, over in arms for s in seeds]
    out = _pool_map(dual_run, jobs, workers)
    runs = {label: out[i * len(seeds) : (i + 1) * len(seeds)] for i, (label, _) in enumerate(arms)}
    keys = sorted({k for rs in runs.values() for r in rs for k in r})
    print(
        f"\n## Dual motion ({SCENARIO or 'dual_motion'}): seeds {seeds[0]}-{seeds[-1]} ({len(seeds)}), means over seeds\n"
    )
    print("| quantity | " + " | ".join(runs) + " |")
    print("| --- |" + " --- |" * len(runs))
    for k in keys:
        cells = []
        for rs in runs.values():
            cells.append(f"{np.nanmean([r.get(k, 0.0) for r in rs]):,.4g}")
        print(f"| {k} | " + " | ".join(cells) + " |")
    print("\nPaired hybrid - bottoms-up (mean ± SE over seeds)\n")
    for price in (2.0, 40.0):
        h, b = runs[f"hybrid @ {price:g}"], runs[f"bottoms_up @ {price:g}"]
        for k in ("worth", "arr", "cash_change"):
            d = np.array([x[k] - y[k] for x, y in zip(h, b, strict=True)])
            m, se = _mean_se(d)
            print(f"- seat price {price:g}: {k} {m:,.0f} ± {se:,.0f} USD")


# ----------------------------------------------------------------- breakeven


def breakeven(seeds: Sequence[int], workers: int, extra: Mapping[str, Any]) -> None:
    from experiments.breakeven import run_breakeven
    from experiments.claim_list import CLAIMS

    claim = next(c for c in CLAIMS if c.key == "dual_motion")
    prices = PRICES or None
    kwargs = {"prices": prices} if prices else {}
    result = run_breakeven(claim, list(seeds), size=dict(extra), workers=workers, **kwargs)
    print(f"\n## Breakeven: seeds {seeds[0]}-{seeds[-1]} ({len(seeds)})\n")
    print(result.summary())
    print("| seed | " + " | ".join(f"{p:g}" for p in result.prices) + " | crossing |")
    print("| --- |" + " --- |" * (len(result.prices) + 1))
    for seed, row, cross in zip(result.seeds, result.edges, result.prices_at_zero, strict=True):
        print(f"| {seed} | " + " | ".join(f"{x:,.0f}" for x in row) + f" | {cross:.3g} |")


def claim(seeds: Sequence[int], workers: int, extra: Mapping[str, Any]) -> None:
    """A claim through the claim machinery (on, off, bar), ``--set`` laid under its arms."""
    from experiments.claim_list import CLAIMS
    from experiments.claims import run_claims

    chosen = [c for c in CLAIMS if c.key in (CLAIM_KEY or "dual_motion,attention_binds").split(",")]
    for result in run_claims(chosen, list(seeds), size=dict(extra), workers=workers):
        print(
            f"\n## {result.claim.key}: seeds {seeds[0]}-{seeds[-1]} ({len(seeds)}), set {extra}\n"
        )
        print(result)


# ---------------------------------------------------------------------- main


def _parse_set(items: Sequence[str]) -> dict[str, Any]:
    out = {}
    for item in items:
        key, _, value = item.partition("=")
        try:
            out[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            out[key] = value
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=("attention", "variants", "dual", "breakeven", "claim"))
    parser.add_argument("--seeds", type=int, default=len(SEEDS), help="first N of 101-120")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--only", default="", help="variants: those whose name has this")
    parser.add_argument("--scenario", default="", help="dual: a preset or TOML file")
    parser.add_argument("--claim", default="", help="claim: keys, comma-separated")
    parser.add_argument("--prices", default="", help="breakeven: a price ladder, 0.5,1,2")
    parser.add_argument("--seed-list", default="", help="seeds among 101-120, 104,108")
    args = parser.parse_args(argv)
    global ONLY, SCENARIO, PRICES, CLAIM_KEY
    ONLY, SCENARIO, CLAIM_KEY = args.only, args.scenario, args.claim
    PRICES = tuple(float(p) for p in args.prices.split(",") if p)
    seeds = SEEDS[: args.seeds]
    if args.seed_list:
        seeds = tuple(int(x) for x in args.seed_list.split(","))
        if set(seeds) - set(SEEDS):
            parser.error("tuning seeds 101-120 only")
    extra = _parse_set(args.set)
    {
        "attention": attention,
        "variants": attention_variants,
        "dual": dual,
        "breakeven": breakeven,
        "claim": claim,
    }[args.part](seeds, args.workers, extra)


if __name__ == "__main__":
    main()
