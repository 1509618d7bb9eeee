"""The claims' report: a table, a Markdown page and one chart per claim.

:func:`write_report` draws ``claim_<key>.png`` for every claim, writes every run's
value to ``claims.parquet`` (for pandas) and then ``claims.md`` next to them; every file goes to a temporary name first and is renamed
into place, so an interrupted report never leaves half a file. :func:`redraw` rewrites
``claims.md`` from ``claims.parquet`` alone, when the page's wording changes and the runs
do not (``python -m experiments.claims_report docs/validation``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from experiments.claim_list import CLAIMS
from experiments.claims import ClaimResult
from experiments.io import save_figure, write_table, write_text
from experiments.paired import VANISH_SHARE, PairedEffect, Z
from sim.scenarios import load_scenario

COLUMNS = ("claim", "left", "right", "effect ± SE", "off-effect ± SE", "holds", "vanishes", "bar")


def fmt(x: float) -> str:
    """A number in about three significant figures, with k and M for ten thousands and millions."""
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    a = abs(x)
    if a >= 1e6:
        return f"{x / 1e6:.3g}M"
    if a >= 1e4:
        return f"{x / 1e3:.3g}k"
    if a >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def fmt_effect(e: PairedEffect) -> str:
    """``mean ± SE``; an SE of float rounding only (below 1e-9 of the mean) shows as 0."""
    se = 0.0 if _no_spread(e) else e.se
    return f"{fmt(e.mean)} ± {fmt(se)}"


def fmt_z(e: PairedEffect) -> str:
    """``+2.1``: a paired effect's z to one decimal, ``+inf``/``-inf`` when every seed
    moved alike, ``-`` when it is undefined."""
    z = e.z
    if math.isnan(z):
        return "-"
    return f"{z:+.1f}" if math.isfinite(z) else ("+inf" if z > 0 else "-inf")


def _z_text(e: PairedEffect) -> str:
    return "no spread across seeds" if _no_spread(e) else f"{e.z:+.1f} SE"


def _no_spread(e: PairedEffect) -> bool:
    """Every seed gives the same difference, up to float rounding."""
    return e.n > 1 and math.isfinite(e.se) and e.se <= 1e-9 * max(abs(e.mean), 1e-300)


def yes_no(flag: bool | None) -> str:
    return "-" if flag is None else ("yes" if flag else "NO")


def table_rows(results: Sequence[ClaimResult], short: bool = False) -> list[tuple[str, ...]]:
    """One row per claim, in the order of :data:`COLUMNS`.

    ``short`` names the claim by its key and the arms by their value only (a terminal);
    otherwise by title and label (the Markdown page).
    """
    rows = []
    for r in results:
        c = r.claim
        left, right = fmt(r.arm_mean("left")), fmt(r.arm_mean("right"))
        rows.append(
            (
                c.key if short else f"{c.title} ({c.essay})",
                left if short else f"{c.left.label}: {left}",
                right if short else f"{c.right.label}: {right}",
                fmt_effect(r.on),
                fmt_effect(r.off),
                yes_no(r.holds),
                yes_no(r.vanishes),
                yes_no(r.requirement_met),
            )
        )
    return rows


def observations(r: ClaimResult) -> list[str]:
    """What the numbers say beyond the verdicts, computed (never written by hand)."""
    out = []
    on, off = r.on, r.off
    if not r.holds and math.isfinite(on.mean):
        if np.sign(on.mean) == -r.claim.expected_sign and abs(on.z) > Z:
            out.append("The effect is significant in the direction opposite to the claim.")
        else:
            out.append(f"The effect is {abs(on.z):.1f} standard errors from zero: not shown.")
    if math.isfinite(off.mean) and abs(off.z) > Z and np.sign(off.mean) != np.sign(on.mean):
        out.append(
            "With the mechanism off the lever works significantly the other way: the mechanism "
            "does more than carry the effect, it decides its sign."
        )
    elif not r.vanishes and math.isfinite(off.mean):
        out.append(
            f"With the mechanism off {fmt(off.mean)} remains, "
            f"{abs(off.mean) / abs(on.mean):.0%} of the effect: something else carries it too."
            if on.mean
            else f"With the mechanism off {fmt(off.mean)} remains."
        )
    if _no_spread(on) and on.mean != 0:
        out.append(
            "Every seed gives the same difference: here the lever changes nothing in the "
            "run's events, only what they are worth (an accounting identity)."
        )
    for cond, eff in (("on", on), ("off", off)):
        if eff.missing:
            out.append(
                f"With the mechanism {cond} the metric is undefined in {eff.missing} of "
                f"{eff.missing + eff.n} seeds (in either arm); those seeds are left out of "
                "that effect in both arms."
            )
    if r.requirement_met is False:
        out.append(f"The issue's bar is not met: {r.claim.requirement.text}.")
    out.append(seed_directions(on, r.claim.expected_sign))
    return out


def seed_directions(effect: PairedEffect, expected_sign: int) -> str:
    """How many seeds moved the way the claim expects, and a sign test of that count."""
    agree, other, tied = effect.signs(expected_sign)
    text = (
        f"Seeds with the claimed sign (mechanism on): {agree} of {effect.n}; the other sign "
        f"{other}, tied {tied}"
    )
    p = effect.sign_test_p(expected_sign)
    if math.isnan(p):
        return text + "."
    return text + f" (sign test, two-sided p = {p:.2g}; the verdicts read the mean)."


def _chosen_claims(results: Sequence[ClaimResult]) -> str:
    """The ``--claim`` options of a run of some of the claims ("" for all of them)."""
    keys = [r.claim.key for r in results]
    if set(keys) >= {c.key for c in CLAIMS}:
        return ""
    return "".join(f" --claim {k}" for k in keys)


def markdown(
    results: Sequence[ClaimResult], seeds: Sequence[int], size: dict, wall_seconds: float
) -> str:
    """The report page: how it was made, the table, then a section per claim with its chart."""
    n_pass = sum(r.passed for r in results)
    market = (
        ", ".join(f"`{k} = {v}`" for k, v in size.items())
        or "nothing beyond each scenario's preset"
    )
    sets = "".join(f" --set {k}={v}" for k, v in size.items() if k != "n_enterprises")
    if "n_enterprises" in size:
        sets = f" --enterprises {size['n_enterprises']}{sets}"
    sets += _chosen_claims(results)
    lines = [
        "# The essays' claims as experiments",
        "",
        f"{n_pass} of {len(results)} claims hold, vanish with their mechanism off and meet "
        "the issue's bar where it sets one.",
        "",
        f"Made by `salesweb claims --seeds {len(seeds)}{sets}` (seeds {seeds[0]}-{seeds[-1]}; "
        f"set in every run: {market}; weeks: each claim's, else the scenario's horizon) in "
        f"{wall_seconds:.0f} s. Code: `experiments/claims.py` (runs and statistics), "
        "`experiments/claim_list.py` (the claims), `experiments/claim_metrics.py` (the "
        "metrics). Every run's value is in `claims.parquet` beside this page "
        "(`pandas.read_parquet`: claim, condition, seed, side, metric, value).",
        "",
        "Each claim varies one lever between two arms run on the same seeds (common random "
        "numbers: seed *i* in both): a decision of the focal company in one named market, or "
        "the market itself, each arm a named preset; its mechanism is switched off by a "
        "parameter the lever does not set (the standard of `docs/claims.md`). *Effect* is the mean over seeds of the paired difference "
        "left - right, with its standard error (sd of the differences / sqrt(n)). *Off-effect* "
        "is the same with the claim's mechanism switched off in both arms. *Holds*: the effect "
        f"has the sign the essay expects and is more than {Z:g} SE from zero. *Vanishes*: the "
        f"off-effect is within {Z:g} SE of zero, below {VANISH_SHARE:.0%} of the effect in "
        "size, or of the opposite sign (nothing in the claim's direction is left; a lever "
        "whose benefit needs the mechanism may keep its cost). *Bar*: the issue's further requirement, where it sets one.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + " --- |" * len(COLUMNS),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(results)]
    for r in results:
        lines += ["", *claim_section(r)]
    return "\n".join(lines) + "\n"


def claim_section(r: ClaimResult) -> list[str]:
    c = r.claim
    off = ", ".join(f"`{k} = {v}`" for k, v in c.mechanism_off.items())
    metrics = c.metrics()
    metric = (
        f"left reads {metrics['left'].name}, right reads {metrics['right'].name}"
        if c.left.metric or c.right.metric
        else c.metric.name
    )
    if c.lever_kind == "market":
        where = (
            f"Markets: *{c.left.label}* is preset `{c.scenario_of('left')}`, *{c.right.label}* "
            f"preset `{c.scenario_of('right')}`; {weeks_of(r)} weeks. Lever (a market "
            f"condition): {c.lever}, differing in {', '.join(f'`{p}`' for p in c.lever_params)}. "
        )
    else:
        kind = "a decision of the focal company, " if c.lever_kind == "decision" else ""
        where = (
            f"Market: preset `{c.scenario}`, {weeks_of(r)} weeks. Lever ({kind}"
            f"{', '.join(f'`{p}`' for p in c.lever_params) or 'as labelled'}): {c.lever}, "
            f"*{c.left.label}* (left) against *{c.right.label}* (right). "
        )
    needs = "".join(
        f" Needs `{p} = {load_scenario(c.scenario).params[p]}` (a condition of its market)."
        for p in c.needs
    )
    lines = [
        f"## {c.title} ({c.essay})",
        "",
        where + f"Metric: {metric}. "
        f"Expected: left {'>' if c.expected_sign > 0 else '<'} right. Mechanism: "
        f"{c.mechanism}; switched off by {off}.{needs}",
        "",
    ]
    if c.note:
        lines += [c.note, ""]
    lines += [
        "| | left | right | effect ± SE |",
        "| --- | --- | --- | --- |",
        f"| mechanism on | {fmt(r.arm_mean('left'))} | {fmt(r.arm_mean('right'))} "
        f"| {fmt_effect(r.on)} |",
        f"| mechanism off | {fmt(r.arm_mean('left', 'off'))} | "
        f"{fmt(r.arm_mean('right', 'off'))} | {fmt_effect(r.off)} |",
    ]
    for m in c.secondary:
        for cond in ("on", "off"):
            vals = r.values[cond]
            lines.append(
                f"| {m.name}, mechanism {cond} | {fmt(float(np.mean(vals[m.name + '/left'])))} | "
                f"{fmt(float(np.mean(vals[m.name + '/right'])))} | "
                f"{fmt_effect(r.effect(cond, m.name))} |"
            )
    lines += [
        "",
        f"Holds: {yes_no(r.holds)} ({_z_text(r.on)}). Vanishes: {yes_no(r.vanishes)}. "
        f"On minus off, paired: {fmt_effect(r.interaction)}."
        + (f" Bar ({c.requirement.text}): {yes_no(r.requirement_met)}." if c.requirement else ""),
    ]
    notes = observations(r)
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    lines += ["", f"![{c.title}](claim_{c.key}.png)"]
    return lines


def weeks_of(r: ClaimResult) -> int:
    """Weeks each run lasted: the claim's own, else its scenario's horizon."""
    if r.steps:
        return int(r.steps)
    from sim.params import PARAMETERS

    return int(load_scenario(r.claim.scenario).params.get("horizon", PARAMETERS["horizon"].default))


def results_from_frame(frame, claims: Sequence) -> list[ClaimResult]:
    """The results ``ClaimResult.to_frame`` wrote (``claims.parquet``), for the claims given.

    Lets a report be redrawn from its runs' values without running them again; the
    claims must be the ones that made the frame (matched by key).
    """
    out = []
    for c in claims:
        rows = frame[frame["claim"] == c.key]
        if rows.empty:
            continue
        seeds = sorted(int(s) for s in rows["seed"].unique())
        values: dict[str, dict[str, np.ndarray]] = {}
        for (condition, metric, side), g in rows.groupby(["condition", "metric", "side"]):
            name = side if metric == c.metric.name else f"{metric}/{side}"
            series = g.set_index("seed")["value"].reindex(seeds)
            values.setdefault(condition, {})[name] = series.to_numpy(dtype=float)
        out.append(ClaimResult(c, seeds, values, c.steps))
    return out


def write_report(
    results: Sequence[ClaimResult],
    out_dir: Path,
    seeds: Sequence[int],
    size: dict,
    wall_seconds: float,
) -> Path:
    """Draw every claim's chart, write every run's values to ``claims.parquet``, then
    ``claims.md``; returns the latter's path."""
    import pandas as pd

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for r in results:
        plot_claim(r, out_dir / f"claim_{r.claim.key}.png")
    frames = [r.to_frame() for r in results]
    write_table(
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(),
        out_dir / "claims.parquet",
        {"seeds": list(seeds), "set in every run": dict(size)},
    )
    path = out_dir / "claims.md"
    write_text(path, markdown(results, seeds, size, wall_seconds))
    return path


def redraw(folder: Path, claims: Sequence = CLAIMS) -> Path:
    """Rewrite ``folder/claims.md`` from ``folder/claims.parquet``, running nothing.

    The seeds and the settings come from the table (its metadata), the wall time from
    the page being replaced (how long the runs took, not the redraw); the charts are
    left as they are, since they plot the same values. ``claims`` are the ones the table
    holds (today's list by default).
    """
    import re

    from experiments.io import read_metadata, read_table

    folder = Path(folder)
    page, table = folder / "claims.md", folder / "claims.parquet"
    took = re.search(r"\) in (\d+) s\. Code", page.read_text(encoding="utf-8"))
    if took is None:
        raise ValueError(f"{page} does not say how long its runs took; rerun the claims")
    meta = read_metadata(table) or {}
    results = results_from_frame(read_table(table), claims)
    if not results:
        raise ValueError(f"{table} holds none of today's claims; rerun the claims")
    seeds = meta.get("seeds") or results[0].seeds
    write_text(page, markdown(results, seeds, meta.get("set in every run", {}), float(took[1])))
    return page


# ---------------------------------------------------------------------------- charts


def plot_claim(r: ClaimResult, path: Path) -> None:
    """Left: each seed's two arms (mechanism on), joined. Right: paired differences.

    The right panel shows every seed's ``left - right`` with the mechanism on and off,
    the mean and a bar of two standard errors either side.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    c = r.claim
    fig, (arms, diffs) = plt.subplots(
        1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": (1, 1.2)}
    )
    left, right = r.values["on"]["left"], r.values["on"]["right"]
    for a, b in zip(left, right, strict=True):
        arms.plot([0, 1], [a, b], color="0.6", lw=0.8, marker="o", ms=3)
    arms.plot([0, 1], [np.mean(left), np.mean(right)], color="tab:blue", lw=2.5, marker="s")
    arms.set_xticks([0, 1], [_wrap(c.left.label), _wrap(c.right.label)], fontsize=8)
    arms.set_xlim(-0.3, 1.3)
    arms.set_ylabel(_wrap(c.metric.name, 40), fontsize=9)
    arms.set_title(f"each seed, mechanism on ({len(r.seeds)} seeds); blue: mean", fontsize=9)

    # one jitter per seed, the same on and off, so a seed's two points are joined
    raw = {c: r.values[c]["left"] - r.values[c]["right"] for c in ("on", "off")}  # NaN kept
    jitter = np.random.default_rng(0).uniform(-0.12, 0.12, len(r.seeds))
    for j, a, b in zip(jitter, raw["on"], raw["off"], strict=True):
        diffs.plot([j, 1 + j], [a, b], color="0.85", lw=0.6, zorder=0)
    for x, (cond, eff, color) in enumerate(
        (("on", r.on, "tab:blue"), ("off", r.off, "tab:orange"))
    ):
        diffs.scatter(x + jitter, raw[cond], s=14, color=color, alpha=0.75)
        se = eff.se if math.isfinite(eff.se) else 0.0
        diffs.errorbar(x + 0.25, eff.mean, yerr=Z * se, fmt="D", color="k", capsize=6, ms=6, lw=1.5)
    diffs.axhline(0, color="k", lw=0.8, ls="--")
    diffs.set_xticks([0, 1], ["mechanism on", f"mechanism off\n({_off_text(c)})"], fontsize=8)
    diffs.set_xlim(-0.4, 1.5)
    diffs.set_ylabel("left - right, per seed", fontsize=9)
    verdict = (
        f"effect {fmt_effect(r.on)}: holds {yes_no(r.holds)}; "
        f"off {fmt_effect(r.off)}: vanishes {yes_no(r.vanishes)}"
    )
    diffs.set_title(f"paired differences, mean ± {Z:g} SE (black)\n{verdict}", fontsize=9)
    fig.suptitle(f"{c.title} ({c.essay})", fontsize=11)
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def _off_text(c) -> str:
    return _wrap(
        ", ".join(
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in c.mechanism_off.items()
        ),
        34,
    )


def _wrap(text: str, width: int = 24) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


if __name__ == "__main__":
    import sys

    try:
        print(f"rewrote {redraw(Path(sys.argv[1] if len(sys.argv) > 1 else 'docs/validation'))}")
    except (OSError, ValueError) as exc:
        sys.exit(f"error: {exc}")
