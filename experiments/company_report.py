"""The company checks' files: ``company.parquet``, ``company_weekly.parquet``, the
charts and ``company.md``.

The page is written from the numbers (never by hand), so rerunning ``salesweb company``
after a mechanism changes shows at once which expectations now hold; every file reaches
the disk whole or not at all (:mod:`experiments.io`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from experiments.claims_report import fmt, fmt_z, yes_no
from experiments.company_checks import (
    CONDITIONS,
    DEFAULT,
    DEMAND_PRICES,
    ENTERPRISE_PRICE,
    FOCAL_REP_FLOOR,
    HELD_FOCAL,
    HELD_TEAMS,
    HIRING,
    HIRING_PRICE,
    REP_BAND,
    REP_PRICES,
    ROOT_SEED,
    CompanyResult,
    demand_table,
    demand_verdicts,
    hiring_effects,
    hiring_table,
    market_ratio,
    more,
    motion_table,
    rep_table,
)
from experiments.io import read_metadata, read_table, save_figure, write_tables, write_text
from experiments.winner_map import MOTIONS, WORTH_ARR_MULTIPLE
from experiments.winner_map_report import COLOURS

WELL, BADLY = HIRING


def command_line(result: CompanyResult) -> str:
    """The ``salesweb company`` command that makes this result again."""
    parts = [f"salesweb company --seeds {len(result.seeds)} --weeks {result.steps}"]
    if result.scenario != "default":
        parts.append(f"--scenario {result.scenario}")
    parts += [f"--set {k}={v}" for k, v in result.overrides.items()]
    if result.root_seed != ROOT_SEED:
        parts.append(f"--seed {result.root_seed}")
    return " ".join(parts)


def checks(result: CompanyResult) -> list[dict[str, Any]]:
    """Every expectation of the issue with what was measured and whether it holds."""
    f = result.frame
    market = market_ratio(f)
    reps = rep_table(f).set_index("seat_price")
    top = reps.loc[ENTERPRISE_PRICE]
    hire = hiring_table(f)
    well, badly = hire.loc[WELL], hire.loc[BADLY]
    effects = hiring_effects(f)
    demand, held = demand_verdicts(f, "demand"), demand_verdicts(f, "demand_held")
    rows = [
        {
            "item": "1 reps that pay",
            "expected": f"market: new ACV per rep-year {REP_BAND[0]:g}-{REP_BAND[1]:g}x a rep's "
            "loaded cost (weeks 52-260, mean over seeds)",
            "measured": f"{market['mean']:.2f} ± {market['se']:.2f}",
            "holds": market["holds"],
        },
        {
            "item": "1 reps that pay",
            "expected": f"a direct company at {ENTERPRISE_PRICE:g} USD a seat wins at least "
            f"{FOCAL_REP_FLOOR:g}x its rep cost (median over seeds, whole run)",
            "measured": f"median {top['run_median']:.2f}, mean {top['run_mean']:.2f} ± "
            f"{top['run_se']:.2f}",
            "holds": bool(top["run_median"] >= FOCAL_REP_FLOOR),
        },
        {
            "item": "1 hiring follows bookings",
            "expected": f"quality {HIRING[WELL]:g} sells more than quality {HIRING[BADLY]:g} "
            "(rep-won ACV, median) and ends with more reps",
            "measured": f"rep-won ACV {fmt(well['rep_won']['median'])} vs "
            f"{fmt(badly['rep_won']['median'])} (z {fmt_z(effects['rep_won_acv'])}); reps at the "
            f"end {fmt(well['reps_end']['median'])} vs {fmt(badly['reps_end']['median'])} "
            f"(mean {well['reps_end']['mean']:.2f} vs {badly['reps_end']['mean']:.2f}, "
            f"z {fmt_z(effects['reps'])})",
            "holds": more(well["rep_won"], badly["rep_won"])
            and more(well["reps_end"], badly["reps_end"]),
        },
        *_demand_rows(demand, ""),
        *_demand_rows(held, ", every team held"),
    ]
    for cond in CONDITIONS:
        t = motion_table(f, cond)
        per = t["per_motion"]
        if cond.alive:
            measured = "; ".join(
                f"{m} ARR {fmt(per.loc[m, 'median_arr'])}, alive {per.loc[m, 'survival']:.0%}"
                for m in MOTIONS
            )
        else:
            measured = "; ".join(
                f"{w} {fmt(per.loc[w, 'median_worth'])} vs {lo} {fmt(per.loc[lo, 'median_worth'])} "
                f"(paired {fmt(e.mean)} ± {fmt(e.se)})"
                for (w, lo), e in t["effects"].items()
            )
        rows.append(
            {
                "item": f"3 {cond.key}",
                "expected": cond.expected(),
                "measured": measured,
                "holds": t["holds"],
            }
        )
    return rows


def markdown(result: CompanyResult, wall_seconds: float) -> str:
    """The page: verdicts first, how it was made, then one section per item."""
    rows = checks(result)
    held = sum(r["holds"] for r in rows)
    seeds = result.seeds
    lines = [
        "# A company that behaves like a company",
        "",
        f"{held} of {len(rows)} expectations hold.",
        "",
        "| item | expected | measured | holds |",
        "| --- | --- | --- | --- |",
        *(
            f"| {r['item']} | {r['expected']} | {r['measured']} | {yes_no(r['holds'])} |"
            for r in rows
        ),
        "",
        f"Made by `{command_line(result)}` in {wall_seconds:.0f} s (2 cores shared). Scenario "
        f"`{result.scenario}`"
        + (
            " with " + ", ".join(f"`{k} = {v}`" for k, v in result.overrides.items())
            if result.overrides
            else ""
        )
        + f", {result.steps} weeks, {len(seeds)} seeds spawned from root seed "
        f"{result.root_seed} by the study's `SeedSequence` (run seeds "
        f"{', '.join(map(str, seeds[:3]))}, ...; every run is reproduced by "
        "`salesweb simulate --seed S`); tuning used raw seeds 101-120, never these. Nothing "
        "was tuned for this page: the settings are the model issue's. Every focal option of "
        "one market runs on the same seeds (common random numbers: the same rivals and "
        "buyers; only my company's decision differs), and traits an option does not set "
        "are drawn as usual. Code: `experiments/company_checks.py` (runs, statistics), "
        "`experiments/company_report.py` (this page). Every run is a row of "
        "`company.parquet` (`pandas.read_parquet`: item, condition, option, seed and every "
        "end figure; the market's own runs have item `market`), and the focal company's "
        "weekly reps, ARR and rep-won ACV are in `company_weekly.parquet`.",
        "",
        *_reps_section(result),
        "",
        *_demand_section(result),
        "",
        *_motions_section(result),
    ]
    return "\n".join(lines) + "\n"


def _reps_section(result: CompanyResult) -> list[str]:
    f = result.frame
    m = market_ratio(f)
    t = rep_table(f)
    hire = hiring_table(f)
    eff = hiring_effects(f)
    lines = [
        "## 1. Reps that pay",
        "",
        "**The market.** New ACV won by reps (`won` events) per rep-year over a rep's loaded "
        "yearly cost, weeks 52-260, in the default market without a focal company "
        "(`experiments.calibration.new_acv_per_rep_cost`): "
        f"**{m['mean']:.2f} ± {m['se']:.2f}** (mean ± SE over {m['n']} seeds; median "
        f"{m['median']:.2f}, quartiles {m['p25']:.2f}-{m['p75']:.2f}); band "
        f"{REP_BAND[0]:g}-{REP_BAND[1]:g}: {'inside' if m['holds'] else 'OUTSIDE'}.",
        "",
        "**A direct focal company by seat price.** The ACV of the deals its reps won over "
        "what its reps cost (rep-weeks x its `rep_cost`), over the whole run and over weeks "
        "52-260 (the market's window; seeds with no rep-week there are left out). A company "
        "that died counts up to its exit.",
        "",
        "| seat price | ratio, whole run: median (quartiles) | mean ± SE | weeks 52-260: "
        "median | mean ± SE (seeds) | mean rep-won deal ACV ± SE (seeds) | rep-won ACV, "
        "median | rep cost, median | survival | median ARR |",
        "|" + " --- |" * 10,
    ]
    for r in t.itertuples():
        lines.append(
            f"| {r.seat_price:g} | {r.run_median:.2f} ({r.run_p25:.2f}-{r.run_p75:.2f}) | "
            f"{_pm(r.run_mean, r.run_se, 2)} | {r.window_median:.2f} | "
            f"{_pm(r.window_mean, r.window_se, 2)} ({r.window_n}) | "
            f"{_pm(r.deal_mean, r.deal_se)} ({r.deal_n}) | {fmt(r.rep_won_acv_median)} "
            f"| {fmt(r.rep_spend_median)} | {r.survival:.0%} | {fmt(r.arr_median)} |"
        )
    lines += [
        "",
        "![rep-won ACV over rep cost](company_rep_ratio.png)",
        "",
        f"**Hiring follows bookings.** A direct company at {HIRING_PRICE:g} USD a seat "
        f"whose product is good (quality {HIRING[WELL]:g}, *{WELL}*) against one whose "
        f"product is poor (quality {HIRING[BADLY]:g}, *{BADLY}*), same seeds:",
        "",
        "| decision | reps at the end: median (quartiles) | mean ± SE | peak reps, median | "
        "rep-won ACV, median | survival | median ARR |",
        "|" + " --- |" * 7,
    ]
    for label, r in hire.iterrows():
        e = r["reps_end"]
        lines.append(
            f"| {label} (quality {r['quality']:g}) | {fmt(e['median'])} "
            f"({fmt(e['p25'])}-{fmt(e['p75'])}) | {_pm(e['mean'], e['se'], 2)} | "
            f"{fmt(r['reps_peak_median'])} | {fmt(r['rep_won']['median'])} | "
            f"{r['survival']:.0%} | {fmt(r['arr_median'])} |"
        )
    lines += [
        "",
        f"Paired ({WELL} minus {BADLY}, mean ± SE over seeds): reps at the end "
        f"{eff['reps'].mean:+.2f} ± {eff['reps'].se:.2f} (z {fmt_z(eff['reps'])}); rep-won ACV "
        f"{fmt(eff['rep_won_acv'].mean)} ± {fmt(eff['rep_won_acv'].se)} "
        f"(z {fmt_z(eff['rep_won_acv'])}); ARR {fmt(eff['arr'].mean)} ± {fmt(eff['arr'].se)} "
        f"(z {fmt_z(eff['arr'])}).",
        "",
        "![reps by week](company_hiring.png)",
    ]
    return lines


def _demand_rows(demand: dict[str, Any], market: str) -> list[dict[str, Any]]:
    """Item 2's two checks on one curve: customers fall, ARR peaks inside the range."""
    return [
        {
            "item": f"2 a demand curve{market}",
            "expected": "a hybrid's customers fall as the seat price rises (top against bottom)",
            "measured": "monotone" if demand["customers_fall"]["monotone"] else "not monotone",
            "holds": demand["customers_fall"]["holds"],
        },
        {
            "item": f"2 a demand curve{market}",
            "expected": "its ARR peaks at an interior price",
            "measured": f"peak at {demand['peak_price']:g} USD ({demand['peak_where']}); z "
            + ", ".join(f"{fmt_z(e)} vs {p:g}" for p, e in demand["neighbours"].items()),
            "holds": demand["arr_peak"]["holds"],
        },
    ]


def _demand_section(result: CompanyResult) -> list[str]:
    f = result.frame
    held = ", ".join(f"`{k}` = {v:g}" for k, v in HELD_TEAMS.items())
    low, next_ = DEMAND_PRICES[0], DEMAND_PRICES[1]
    free, fixed = demand_table(f, "demand"), demand_table(f, "demand_held")

    def median(t, column: str, k: int) -> str:
        return fmt(t[column].iloc[k]["median"])

    def mean(t, column: str, k: int) -> str:
        return f"{t[column].iloc[k]['mean']:.1f}"

    def moves(t, k: int) -> str:
        a, b = (t["customers"].iloc[j]["median"] for j in (k, k + 1))
        return "rise" if b > a else ("fall" if b < a else "hold")

    return [
        "## 2. A demand curve",
        "",
        "A focal hybrid at each seat price in the default market: customers and ARR at the "
        "horizon (a company that died has none) and the rep-years it paid for (its team is "
        "sized to what it books):",
        "",
        *_demand_lines(f, "demand"),
        "",
        f"**Every team held.** The same prices in a control market where nobody hires from "
        f"bookings, lays off or loses a rep ({held}; the switches of `sales_web_fixed`), my "
        f"company with {HELD_FOCAL['initial_reps']} reps and cash enough never to exit: only "
        "the buyers answer the price.",
        "",
        *_demand_lines(f, "demand_held"),
        "",
        f"From {low:g} to {next_:g} USD the default market's customers {moves(free, 0)} "
        f"(median {median(free, 'customers', 0)} to {median(free, 'customers', 1)}) while the "
        f"rep-years the company paid for go from {mean(free, 'rep_years', 0)} to "
        f"{mean(free, 'rep_years', 1)} (mean): a price's bookings also pay for the team that "
        f"sells it. With every team held the customers {moves(fixed, 0)} "
        f"({median(fixed, 'customers', 0)} to {median(fixed, 'customers', 1)}).",
        "",
        "![demand curve](company_demand.png)",
    ]


def _demand_lines(frame, item: str) -> list[str]:
    """One curve's table and its verdict sentence."""
    v = demand_verdicts(frame, item)
    lines = [
        "| seat price | customers: median (quartiles) | mean ± SE | ARR: median (quartiles) "
        "| mean ± SE | rep-years: mean ± SE | survival |",
        "|" + " --- |" * 7,
    ]
    for r in demand_table(frame, item).itertuples():
        c, a, y = r.customers, r.arr, r.rep_years
        lines.append(
            f"| {r.seat_price:g} | {fmt(c['median'])} ({fmt(c['p25'])}-{fmt(c['p75'])}) | "
            f"{_pm(c['mean'], c['se'])} | {fmt(a['median'])} "
            f"({fmt(a['p25'])}-{fmt(a['p75'])}) | {_pm(a['mean'], a['se'])} | "
            f"{_pm(y['mean'], y['se'], 1)} | {r.survival:.0%} |"
        )
    falls = v["customers_fall"]
    lines += [
        "",
        f"Customers fall as the price rises (median at {DEMAND_PRICES[-1]:g} below the median "
        f"at {DEMAND_PRICES[0]:g}): {yes_no(falls['holds'])}; at every step: "
        f"{yes_no(falls['monotone'])}. Median ARR peaks at **{v['peak_price']:g} USD** "
        f"({v['peak_where']}); the peak against its neighbours, paired over seeds (mean ± SE, z): "
        + "; ".join(
            f"vs {p:g} USD {fmt(e.mean)} ± {fmt(e.se)} (z {fmt_z(e)})"
            for p, e in v["neighbours"].items()
        )
        + ".",
    ]
    return lines


def _motions_section(result: CompanyResult) -> list[str]:
    lines = [
        "## 3. Each motion wins where the essays put it",
        "",
        f"Worth = {WORTH_ARR_MULTIPLE:g} x ARR + cash at the horizon, 0 for a company that "
        "died. Per motion on the same seeds: median and mean worth, the share of seeds on "
        "which it is worth the most (a tie of k motions gives 1/k each), survival and median "
        "ARR. *Holds*: every motion the essays put first has the higher median worth "
        "(for the default market: every motion has median ARR above 0 and survives in at "
        "least half the seeds). Paired differences are mean ± SE over seeds.",
        "",
        "![motions](company_motions.png)",
    ]
    for cond in CONDITIONS:
        t = motion_table(result.frame, cond)
        per = t["per_motion"]
        setting = ", ".join(f"`{k} = {v}`" for k, v in cond.focal.items()) or "drawn as usual"
        market = ", ".join(f"`{k} = {v}`" for k, v in cond.market.items()) or "as the scenario"
        lines += [
            "",
            f"### {cond.title} (`{cond.key}`)",
            "",
            f"My company: {setting}; market: {market}. Essays ({cond.essays}): "
            f"{cond.expected()}. **{'Holds' if t['holds'] else 'Does not hold'}.**",
            "",
            "| motion | median worth | mean worth | wins | survival | median ARR |",
            "| --- | --- | --- | --- | --- | --- |",
            *(
                f"| {m} | {fmt(per.loc[m, 'median_worth'])} | {fmt(per.loc[m, 'mean_worth'])} "
                f"| {per.loc[m, 'win_share']:.0%} | {per.loc[m, 'survival']:.0%} | "
                f"{fmt(per.loc[m, 'median_arr'])} |"
                for m in MOTIONS
            ),
        ]
        if t["effects"]:
            lines += [
                "",
                "Paired worth: "
                + "; ".join(
                    f"{w} minus {lo} {fmt(e.mean)} ± {fmt(e.se)} (z {fmt_z(e)}, {w} ahead in "
                    f"{int((e.differences > 0).sum())} of {e.n} seeds)"
                    for (w, lo), e in t["effects"].items()
                )
                + ".",
            ]
    return lines


# ---------------------------------------------------------------------- charts
def plot_rep_ratio(result: CompanyResult, path: Path) -> None:
    """Each seed's rep-won ACV over rep cost per seat price, with the median and the bands."""
    from experiments.validate import _plt

    plt = _plt()
    f = result.frame
    m = market_ratio(f)
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.axhspan(*REP_BAND, color="tab:green", alpha=0.12, lw=0, label="issue's band for the market")
    ax.axhline(FOCAL_REP_FLOOR, color="tab:red", lw=1, ls="--", label=f"{FOCAL_REP_FLOOR:g}x floor")
    rng = np.random.default_rng(0)
    for j, p in enumerate(REP_PRICES):
        v = f[(f["item"] == "reps") & (f["seat_price"] == p)]["acv_per_rep_cost_run"].dropna()
        ax.scatter(j + rng.uniform(-0.12, 0.12, len(v)), v, s=14, color="tab:blue", alpha=0.6)
        ax.hlines(v.median(), j - 0.25, j + 0.25, color="black", lw=2)
    ax.errorbar([-1], [m["mean"]], yerr=[m["se"]], fmt="D", color="tab:green", capsize=4)
    ax.set_xticks([-1, *range(len(REP_PRICES))],
                  ["market\n(mean ± SE)", *(f"direct at {p:g}\nUSD a seat" for p in REP_PRICES)])  # fmt: skip
    ax.set_ylabel("new ACV won by reps / rep cost")
    ax.set_title(
        f"Reps that pay: each dot a seed (whole run), bar the median; {len(result.seeds)} "
        f"seeds, {result.steps} weeks",
        fontsize=9,
    )
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def plot_hiring(result: CompanyResult, path: Path) -> None:
    """Reps by week for the company that sells well and the one that sells badly."""
    from experiments.validate import _plt

    plt = _plt()
    w = result.weekly[result.weekly["condition"] == DEFAULT]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for label, colour in ((WELL, "tab:blue"), (BADLY, "tab:red")):
        part = w[w["option"] == label]
        for ax, column in zip(axes, ("reps", "rep_won"), strict=True):
            table = part.pivot(index="seed", columns="week", values=column)
            if column == "rep_won":
                table = table.cumsum(axis=1)
            lo, mid, hi = np.percentile(table.to_numpy(), [25, 50, 75], axis=0)
            weeks = table.columns.to_numpy()
            ax.fill_between(weeks, lo, hi, color=colour, alpha=0.2, lw=0)
            ax.plot(weeks, mid, color=colour, label=f"{label} (quality {HIRING[label]:g})")
    axes[0].set_ylabel("reps")
    axes[0].set_title("Reps by week: median and 25-75% of seeds", fontsize=9)
    axes[1].set_ylabel("ACV won by reps, cumulative (USD)")
    axes[1].set_title("What the reps won, cumulative: median and 25-75%", fontsize=9)
    from matplotlib.ticker import FuncFormatter

    axes[1].yaxis.set_major_formatter(FuncFormatter(lambda y, _: fmt(y)))
    for ax in axes:
        ax.set_xlabel("week")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
    fig.suptitle(
        f"Hiring follows bookings: a direct company at {HIRING_PRICE:g} USD a seat, "
        f"{len(result.seeds)} seeds",
        fontsize=10,
    )
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def plot_demand(result: CompanyResult, path: Path) -> None:
    """Customers and ARR against the seat price (log scale): median, quartiles and mean,
    in the default market and in the control market with every team held."""
    from matplotlib.ticker import FuncFormatter

    from experiments.validate import _plt

    plt = _plt()
    curves = (("demand", "default market", "tab:orange"),
              ("demand_held", "every team held", "tab:blue"))  # fmt: skip
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, column, title in zip(axes, ("customers", "arr"), ("customers", "ARR (USD)"),
                                 strict=True):  # fmt: skip
        for item, label, colour in curves:
            t = demand_table(result.frame, item)
            x, s = t["seat_price"].to_numpy(float), t[column]
            ax.fill_between(x, [d["p25"] for d in s], [d["p75"] for d in s], color=colour,
                            alpha=0.15, lw=0)  # fmt: skip
            ax.plot(x, [d["median"] for d in s], marker="o", color=colour,
                    label=f"{label}: median (band: 25-75% of seeds)")  # fmt: skip
            ax.plot(x, [d["mean"] for d in s], ls="--", color=colour, alpha=0.7,
                    label=f"{label}: mean")  # fmt: skip
        ax.set_xscale("log")
        ax.set_xticks(x, [f"{p:g}" for p in x])
        ax.minorticks_off()
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: fmt(y)))
        ax.set_xlabel("seat price (USD a seat a month)")
        ax.set_title(f"{title} at the horizon", fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(f"A demand curve: a hybrid focal company, {len(result.seeds)} seeds", fontsize=10)
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def plot_motions(result: CompanyResult, path: Path) -> None:
    """Per condition: each seed's worth per motion, the median, and the essays' verdict."""
    from matplotlib.ticker import FuncFormatter

    from experiments.validate import _plt

    plt = _plt()
    fig, axes = plt.subplots(1, len(CONDITIONS), figsize=(3.6 * len(CONDITIONS), 4.2))
    rng = np.random.default_rng(0)
    for ax, cond in zip(axes, CONDITIONS, strict=True):
        t = motion_table(result.frame, cond)
        f = result.frame[result.frame["condition"] == cond.key]
        for j, m in enumerate(MOTIONS):
            v = f[(f["item"] == "motions") & (f["option"] == m)]["worth"]
            ax.scatter(j + rng.uniform(-0.15, 0.15, len(v)), v, s=12, color=COLOURS[m], alpha=0.7)
            ax.hlines(v.median(), j - 0.3, j + 0.3, color="black", lw=2)
        ax.set_xticks(range(len(MOTIONS)), [m.replace("_", "-") for m in MOTIONS])
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: fmt(y)))
        ax.grid(alpha=0.3, axis="y")
        said = "holds" if t["holds"] else "FAILS"
        ax.set_title(f"{cond.key}\nexpected: {_wrap(cond.expected(), 34)}\n{said}", fontsize=8.5,
                     color="black" if t["holds"] else "tab:red")  # fmt: skip
    axes[0].set_ylabel(f"worth = {WORTH_ARR_MULTIPLE:g} x ARR + cash (0 if dead)")
    fig.suptitle(
        f"Each motion's worth per seed (dots) and median (bar), {len(result.seeds)} seeds",
        fontsize=10,
    )
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def write_report(result: CompanyResult, out_dir: Path, wall_seconds: float) -> Path:
    """Write the parquets, the four charts and then ``company.md``."""
    out_dir = Path(out_dir)
    meta = {**result.metadata(), "wall_seconds": round(wall_seconds, 1)}
    write_tables(
        {
            out_dir / "company.parquet": result.frame,
            out_dir / "company_weekly.parquet": result.weekly,
        },
        meta,
    )
    plot_rep_ratio(result, out_dir / "company_rep_ratio.png")
    plot_hiring(result, out_dir / "company_hiring.png")
    plot_demand(result, out_dir / "company_demand.png")
    plot_motions(result, out_dir / "company_motions.png")
    path = out_dir / "company.md"
    write_text(path, markdown(result, wall_seconds))
    return path


def load_result(out_dir: Path) -> tuple[CompanyResult, float]:
    """The result and wall time a :func:`write_report` left in ``out_dir`` (its parquets)."""
    out_dir = Path(out_dir)
    meta = read_metadata(out_dir / "company.parquet") or {}
    if meta.get("kind") != "salesweb company":
        raise ValueError(f"{out_dir}/company.parquet was not written by salesweb company")
    result = CompanyResult(
        read_table(out_dir / "company.parquet"), read_table(out_dir / "company_weekly.parquet"),
        list(meta["seeds"]), int(meta["steps"]), meta["scenario"], dict(meta["overrides"]),
        int(meta["root_seed"]),
    )  # fmt: skip
    return result, float(meta.get("wall_seconds", math.nan))


def _pm(mean: float, se: float, digits: int | None = None) -> str:
    """``mean ± SE``; n/a for an undefined mean, the mean alone when the SE is undefined."""
    if not math.isfinite(mean):
        return "n/a"
    one = (lambda x: f"{x:.{digits}f}") if digits is not None else fmt
    return f"{one(mean)} ± {one(se)}" if math.isfinite(se) else f"{one(mean)} (one seed)"


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


if __name__ == "__main__":  # pragma: no cover - redraw the page from the parquets
    import sys

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/validation")
    res, wall = load_result(folder)
    print(write_report(res, folder, wall))
