"""Why `careful_qualification` and `warm_network` (essay 002) fail: the focal company's pipeline.

Issue 16, point 7. Both claims read the focal direct company's CAC in the default
market (experiments/claim_list.py). This script runs the claims' arms on tuning seeds
(101-120 by default; never the claim seeds 0-39) and reads what the CAC is made of:
the company's reps and spend, its pipeline's use of capacity week by week, the
opportunities it qualified out, the win rate and cycle of each deal by the prospect's
effort, and its touches and replies.

    PYTHONPATH=. python -m experiments.investigations.qualification [--seeds 101-120]
        [--workers 2] [--set name=value ...]

``--set`` lays model overrides under every arm (for example a proposed mechanism's
parameter), so the same tables compare the model with and without it.
"""

from __future__ import annotations

import argparse
import math
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from experiments.investigations import parse_seeds

QUAL_ARMS = {  # careful_qualification: lever x mechanism switch (effort_win_weight)
    "q0.5": {"qualification": 0.5},
    "q0": {"qualification": 0.0},
}
WARM_ARMS = {"w0.5": {"warm_intro_share": 0.5}, "w0": {"warm_intro_share": 0.0}}
EFFORT_BINS = np.array([0.0, 0.25, 0.5, 0.75, 1.0001])


def run_arm(seed: int, focal: dict, overrides: dict) -> dict:
    """One 260-week default-market run, watching the focal vendor (index 0) every week."""
    from sim.model import MarketModel

    t0 = time.process_time()
    model = MarketModel.from_scenario(
        "default", rng=seed, focal={"strategy": "direct", **focal}, **overrides
    )
    f, pipe = model.vendor_list[0], model.pipeline
    weeks = model.horizon
    reps = np.zeros(weeks)
    open_ = np.zeros(weeks)
    touches = np.zeros(weeks)
    closed_at: dict[int, int] = {}
    was_open = np.empty(0, dtype=np.int64)
    rep_spend = 0.0
    for w in range(weeks):
        t_before = f.touches_total
        model.step()
        mine = np.flatnonzero(pipe.active & (pipe.vendor == 0))
        for i in np.setdiff1d(was_open, mine, assume_unique=True).tolist():
            closed_at[i] = model.steps  # left the pipeline this week (dropped, won or lost)
        was_open = mine
        reps[w] = f.reps
        open_[w] = len(mine)
        touches[w] = f.touches_total - t_before
        rep_spend += f.reps * f.rep_cost if f.alive else 0.0
    cpu = time.process_time() - t0
    # each closed opportunity of the focal vendor: its effort, how it ended, how long it held
    ids = np.array(sorted(closed_at), dtype=np.int64)
    effort = pipe.effort[ids]
    stage = pipe.stage[ids].astype(int)
    held = np.array([closed_at[i] for i in ids.tolist()]) - pipe.opened[ids]
    wins = {
        (e["enterprise"], e["step"])
        for e in model.events
        if e["event"] == "won" and e["vendor"] == "V00"
    }
    ent = pipe.enterprise[ids]
    won = np.array(
        [(int(x), closed_at[i]) in wins for x, i in zip(ent.tolist(), ids.tolist(), strict=True)],
        dtype=bool,
    )
    closed = stage == 4
    dropped = (stage == 1) & ~pipe.inbound[ids]
    q = f.qualification
    drop_effort = dropped & (effort < q)
    ramp = int(model.rep_ramp_weeks)
    staffed = reps > 0
    util = np.where(staffed, open_ / np.maximum(reps * f.rep_capacity, 1e-9), np.nan)
    last_rep = int(np.max(np.flatnonzero(staffed))) + 1 if staffed.any() else 0
    out = {
        "cac": f.sm_spend_total / f.new_customers_total if f.new_customers_total else math.nan,
        "customers": f.new_customers_total,
        "wins": f.deals_won,
        "losses": f.deals_lost,
        "sm": f.sm_spend_total,
        "rep_spend": rep_spend,
        "marketing": f.sm_spend_total - rep_spend,
        "rep_weeks": reps.sum(),
        "max_reps": reps.max(),
        "weeks_staffed": int(staffed.sum()),
        "last_staffed_week": last_rep,
        "alive": f.alive,
        "util_mean": float(np.nanmean(util[ramp:])) if staffed[ramp:].any() else math.nan,
        "util_p90_share": float(np.nanmean(util[ramp:][staffed[ramp:]] > 0.9))
        if staffed[ramp:].any()
        else math.nan,
        "touches": f.touches_total,
        "touches_per_staffed_rep_week": f.touches_total / max(reps.sum(), 1),
        "opened": len(ids) + int(np.count_nonzero(pipe.active & (pipe.vendor == 0))),
        "dropped_effort": int(drop_effort.sum()),
        "dropped_value": int((dropped & ~drop_effort).sum()),
        "closed": int(closed.sum()),
        "cpu": cpu,
    }
    out["replies_per_touch"] = out["opened"] / out["touches"] if out["touches"] else math.nan
    # capacity-weeks each kind of opportunity held, and closes by effort band
    out["held_dropped"] = float(held[dropped].sum())
    out["held_closed"] = float(held[closed].sum())
    b = np.digitize(effort, EFFORT_BINS) - 1
    for k in range(len(EFFORT_BINS) - 1):
        sel = closed & (b == k)
        out[f"closed_e{k}"] = int(sel.sum())
        out[f"won_e{k}"] = int((won & sel).sum())
        out[f"cycle_e{k}"] = float(held[sel].sum())
    return out


def _job(args):
    return args[0], args[1], run_arm(*args[2:])


def mean_se(x) -> tuple[float, float]:
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) < 2:
        return (float(x.mean()) if len(x) else math.nan), math.nan
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(len(x)))


def fmt(m: float, s: float) -> str:
    big = abs(m) >= 1000
    return f"{m:,.0f} +- {s:,.0f}" if big else f"{m:.3g} +- {s:.2g}"


def table(title: str, rows: list[tuple[str, list[str]]], head: list[str]) -> None:
    print(f"\n### {title}\n")
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * len(head))
    for name, cells in rows:
        print(f"| {name} | " + " | ".join(cells) + " |")


def parse_sets(items: list[str]) -> dict:
    out = {}
    for item in items:
        k, v = item.split("=")
        out[k] = float(v) if any(c in v for c in ".e") else int(v)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="101-120")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--set", nargs="*", default=[], help="model overrides under every arm")
    ap.add_argument("--skip-warm", action="store_true")
    ap.add_argument("--save", default="", help="write every run's numbers to this JSON file")
    a = ap.parse_args()
    seeds, base = parse_seeds(a.seeds), parse_sets(a.set)
    arms = {}
    for cond, extra in (("on", {}), ("off", {"effort_win_weight": 0.0})):
        for name, focal in QUAL_ARMS.items():
            arms[f"{name}/{cond}"] = (focal, {**base, **extra})
    if not a.skip_warm:
        for name, focal in WARM_ARMS.items():
            arms[f"{name}/on"] = (focal, base)
    jobs = [(arm, s, s, focal, ov) for arm, (focal, ov) in arms.items() for s in seeds]
    res: dict[str, dict[int, dict]] = {arm: {} for arm in arms}
    with ProcessPoolExecutor(max_workers=a.workers) as pool:
        for arm, seed, out in pool.map(_job, jobs):
            res[arm][seed] = out
    if a.save:
        import json

        with open(a.save, "w") as fh:
            json.dump({arm: {str(k): v for k, v in d.items()} for arm, d in res.items()}, fh)
    print(
        f"Seeds {seeds[0]}-{seeds[-1]} ({len(seeds)}), default market, focal direct, 260 weeks, overrides {base or 'none'}"
    )

    def col(arm, key):
        return [res[arm][s][key] for s in seeds]

    def paired(a1, a2, key):
        return mean_se(np.array(col(a1, key), float) - np.array(col(a2, key), float))

    keys = [
        "cac",
        "customers",
        "sm",
        "rep_spend",
        "marketing",
        "rep_weeks",
        "max_reps",
        "last_staffed_week",
        "util_mean",
        "util_p90_share",
        "touches",
        "touches_per_staffed_rep_week",
        "replies_per_touch",
        "opened",
        "dropped_effort",
        "dropped_value",
        "closed",
        "wins",
        "losses",
    ]
    names = list(arms)
    table(
        "Per arm: mean +- SE over seeds",
        [(k, [fmt(*mean_se(col(n, k))) for n in names]) for k in keys],
        ["quantity"] + names,
    )
    rows = []
    for k in ("cac", "customers", "rep_weeks", "sm", "opened", "closed"):
        cells = [fmt(*paired("q0.5/on", "q0/on", k)), fmt(*paired("q0.5/off", "q0/off", k))]
        if not a.skip_warm:
            cells.append(fmt(*paired("w0.5/on", "w0/on", k)))
        rows.append((k, cells))
    table(
        "Paired effects (left - right)",
        rows,
        ["quantity", "qualify 0.5 - 0 (mechanism on)", "same, effort_win_weight 0"]
        + ([] if a.skip_warm else ["warm 0.5 - 0"]),
    )
    # what drives CAC across seeds: spend vs customers
    rows = []
    for n in names:
        cac, cust, sm = (np.array(col(n, k), float) for k in ("cac", "customers", "sm"))
        ok = ~np.isnan(cac)
        r_c = np.corrcoef(np.log(cac[ok]), np.log(cust[ok]))[0, 1]
        r_s = np.corrcoef(np.log(cac[ok]), np.log(sm[ok]))[0, 1]
        cv = np.std(cac[ok], ddof=1) / np.mean(cac[ok])
        rows.append(
            (
                n,
                [
                    f"{cv:.2f}",
                    f"{r_c:.2f}",
                    f"{r_s:.2f}",
                    f"{np.var(np.log(cust[ok])) / np.var(np.log(cac[ok])):.2f}",
                ],
            )
        )
    r_pair = np.corrcoef(col("q0.5/on", "cac"), col("q0/on", "cac"))[0, 1]
    table(
        "What moves CAC across seeds",
        rows,
        [
            "arm",
            "CV of CAC",
            "corr(log CAC, log customers)",
            "corr(log CAC, log S&M)",
            "var log customers / var log CAC",
        ],
    )
    print(
        f"\ncorr(CAC left, CAC right) across seeds, qualification arms: {r_pair:.2f} (pairing helps only if high)"
    )
    # per seed: the qualification arms side by side, and how much of CAC is staffing
    rows = []
    for s_ in seeds:
        cells = []
        for n in ("q0.5/on", "q0/on"):
            r = res[n][s_]
            cells.append(
                f"{r['cac']:,.0f} = {r['sm'] / 1e3:,.0f}k / {r['customers']} ({r['rep_weeks'] / 52:.1f} rep-yr, last rep wk {r['last_staffed_week']})"
            )
        rows.append((str(s_), cells))
    table(
        "Per seed: CAC = S&M / customers (rep-years; last week with a rep)",
        rows,
        ["seed", "qualifies at 0.5", "chases everything"],
    )
    allruns = [
        r for d in res.values() for r in d.values() if r["customers"] > 0 and r["rep_weeks"] > 0
    ]
    lc = np.log([r["customers"] for r in allruns])
    lr = np.log([r["rep_weeks"] for r in allruns])
    lcac = np.log([r["cac"] for r in allruns])
    r2 = np.corrcoef(lc, lr)[0, 1] ** 2
    r2c = np.corrcoef(lcac, lr)[0, 1] ** 2
    print(
        f"\nAll {len(allruns)} runs: R^2(log customers ~ log rep-weeks) = {r2:.2f}; R^2(log CAC ~ log rep-weeks) = {r2c:.2f}"
    )
    wpr = {
        n: [res[n][s_]["wins"] / max(res[n][s_]["rep_weeks"] / 52, 1e-9) for s_ in seeds]
        for n in names
    }
    mk = {n: [res[n][s_]["marketing"] / max(res[n][s_]["sm"], 1e-9) for s_ in seeds] for n in names}
    table(
        "Wins per rep-year and marketing's share of S&M (a direct company's marketing buys no sign-ups)",
        [(n, [fmt(*mean_se(wpr[n])), fmt(*mean_se(mk[n]))]) for n in names],
        ["arm", "wins per rep-year", "marketing / S&M"],
    )
    d = np.array(wpr["q0.5/on"]) - np.array(wpr["q0/on"])
    print(f"\nPaired wins per rep-year, qualifies 0.5 - chases everything: {fmt(*mean_se(d))}")
    # win rate and cycle by effort, chasing everything
    rows = []
    for n in names:
        cells = []
        for k in range(len(EFFORT_BINS) - 1):
            c = sum(col(n, f"closed_e{k}"))
            w = sum(col(n, f"won_e{k}"))
            cy = sum(col(n, f"cycle_e{k}"))
            cells.append(f"{w / c:.3f} / {cy / c:.1f} w (n={c})" if c else "-")
        rows.append((n, cells))
    bands = [
        f"effort {EFFORT_BINS[k]:.2f}-{min(EFFORT_BINS[k + 1], 1):.2f}"
        for k in range(len(EFFORT_BINS) - 1)
    ]
    table(
        "Closed deals by the prospect's effort: win rate / mean weeks open (pooled)",
        rows,
        ["arm"] + bands,
    )
    rows = []
    for n in names:
        hd, hc = sum(col(n, "held_dropped")), sum(col(n, "held_closed"))
        nd = sum(col(n, "dropped_effort")) + sum(col(n, "dropped_value"))
        nc = sum(col(n, "closed"))
        w = sum(col(n, "wins"))
        rows.append(
            (
                n,
                [
                    f"{hd / max(nd, 1):.1f}",
                    f"{hc / max(nc, 1):.1f}",
                    f"{hd / max(hd + hc, 1):.2f}",
                    f"{w / max(hd + hc, 1) * 52:.2f}",
                ],
            )
        )
    table(
        "Capacity held (opportunity-weeks)",
        rows,
        [
            "arm",
            "weeks a dropped one held",
            "weeks a closed one held",
            "share of held weeks on dropped",
            "wins per 52 opportunity-weeks",
        ],
    )
    print(
        f"\nCPU per run: {np.mean([r['cpu'] for d in res.values() for r in d.values()]):.2f} s (with the weekly watch)"
    )


if __name__ == "__main__":
    main()
