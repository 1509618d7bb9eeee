"""The winner map's files: ``winner_map.parquet``, ``winner_map.png`` and ``winner_map.md``.

Written from the numbers, so rerunning ``salesweb map`` after a mechanism changes
redraws the map; every file reaches the disk whole or not at all (:mod:`experiments.io`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.claims_report import fmt, fmt_z
from experiments.io import save_figure, write_table, write_text
from experiments.paired import PairedEffect
from experiments.winner_map import (
    CELL,
    MOTIONS,
    SINGLE,
    TIE,
    WORTH_ARR_MULTIPLE,
    Grid,
    MapResult,
    winners,
)

COLOURS = {"bottoms_up": "#4daf4a", "direct": "#377eb8", "hybrid": "#ff7f00", TIE: "#bbbbbb"}


def command_line(result: MapResult) -> str:
    """The ``salesweb map`` command that makes this result again."""
    g, default = result.grid, Grid()
    parts = [f"salesweb map --seeds {len(result.seeds)} --weeks {result.steps}"]
    for axis in ("virality", "seat_price", "user_is_buyer"):
        if getattr(g, axis) != getattr(default, axis):
            values = ",".join(f"{v:g}" for v in getattr(g, axis))
            parts.append(f"--{axis.replace('_', '-')} {values}")
    if result.scenario != "default":
        parts.append(f"--scenario {result.scenario}")
    for k, v in result.overrides.items():
        if k == "n_enterprises":
            parts.append(f"--n-enterprises {v}")
        else:
            parts.append(f"--set {k}={','.join(map(str, v)) if isinstance(v, tuple) else v}")
    if result.root_seed:
        parts.append(f"--seed {result.root_seed}")
    return " ".join(parts)


def markdown(result: MapResult, wall_seconds: float) -> str:
    """The page: how it was made, the chart, then a table per ``user_is_buyer`` level."""
    table = winners(result.frame)
    tally = _tally(table, MOTIONS)
    changes = ", ".join(f"`{k} = {v}`" for k, v in result.overrides.items())
    lines = [
        "# The winner map: bottoms-up, direct or hybrid?",
        "",
        f"Cells won: {tally} (of {len(table)})"
        + (
            f"; {int(table['by_mean'].sum())} of them on the mean (equal medians)."
            if table["by_mean"].any()
            else "."
        ),
        "",
        f"Regenerate with `{command_line(result)}` (this run: {wall_seconds:.0f} s). "
        f"Scenario `{result.scenario}`"
        + (f" with {changes}" if changes else "")
        + f", {result.steps} weeks, {len(result.seeds)} seeds spawned from root seed "
        f"{result.root_seed}. Code: `experiments/winner_map.py` (runs, worth, winners), "
        "`experiments/winner_map_report.py` (this page). Every run is in `winner_map.parquet` "
        "(`pandas.read_parquet`: user_is_buyer, virality, seat_price, motion, seed, arr, cash, "
        "survived, worth).",
        "",
        "In each cell my company (vendor 0) runs as each motion on the same seeds (common "
        "random numbers: the same rivals, the same market). `virality` and `seat_price` are "
        "my company's own; `user_is_buyer` is the market's (the chance a team's purchaser "
        f"comes forward). **Worth** = {WORTH_ARR_MULTIPLE:g} x ARR + cash at the horizon, and "
        "0 for a company that died (its ARR is gone and its cash at exit is below zero only "
        "in the week it exits). The **winner** has the highest median worth over seeds (equal "
        "medians: the higher mean, marked *on the mean* in the tables and hatched in the chart; "
        "still equal: a tie); its **win share** is the share of "
        "seeds on which it is worth the most (a seed tied between k motions gives 1/k to each).",
        "",
        "![winner map](winner_map.png)",
    ]
    for u, part in table.groupby("user_is_buyer", sort=True):
        lines += [
            "",
            f"## user_is_buyer = {u:g}",
            "",
            "| virality | seat price | winner | win share | "
            + " | ".join(f"median worth {m}" for m in MOTIONS)
            + " | "
            + " | ".join(f"survival {m}" for m in MOTIONS)
            + " |",
            "|" + " --- |" * (4 + 2 * len(MOTIONS)),
        ]
        for row in part.sort_values(["virality", "seat_price"]).itertuples():
            winner, share = _winner_cells(row)
            lines.append(
                f"| {row.virality:g} | {row.seat_price:g} | {winner} | {share} | "
                + " | ".join(fmt(getattr(row, f"median_{m}")) for m in MOTIONS)
                + " | "
                + " | ".join(f"{getattr(row, f'survival_{m}'):.0%}" for m in MOTIONS)
                + " |"
            )
    lines += ["", *single_motion_section(result, table)]
    return "\n".join(lines) + "\n"


def single_motion_section(result: MapResult, every_motion: pd.DataFrame) -> list[str]:
    """The same runs without the hybrid: where a company that runs one motion should
    run bottoms-up and where direct, with the paired difference of their worths.
    ``every_motion`` is the full map's :func:`winners` table, for the hybrid's count."""
    first, second = SINGLE
    table = winners(result.frame, SINGLE)
    effects = paired_worth(result.frame, first, second)
    tally = _tally(table, SINGLE)
    hybrid_cells = int((every_motion["winner"] == "hybrid").sum())
    lines = [
        f"## If one motion only: {first} or {second}",
        "",
        f"Cells won: {tally} (of {len(table)}). The same runs without the hybrid, for a "
        "company that cannot run two motions at once (the essays' \"if you can pull it "
        'off", seed 003). The model charges a hybrid nothing for running two motions '
        "beyond what each spends (no channel conflict, no cost of coordination), and "
        f"above it wins {hybrid_cells} of the {len(table)} cells. Winner and win share "
        f"as above, between the two; *{first} - {second}* is the paired difference of "
        "their worths over seeds (mean ± SE, z).",
        "",
        "![winner map, one motion](winner_map_single.png)",
    ]
    for u, part in table.groupby("user_is_buyer", sort=True):
        lines += [
            "",
            f"### user_is_buyer = {u:g}, one motion",
            "",
            f"| virality | seat price | winner | win share | median worth {first} | "
            f"median worth {second} | {first} - {second} |",
            "|" + " --- |" * 7,
        ]
        for row in part.sort_values(["virality", "seat_price"]).itertuples():
            winner, share = _winner_cells(row)
            e = effects[(row.user_is_buyer, row.virality, row.seat_price)]
            lines.append(
                f"| {row.virality:g} | {row.seat_price:g} | {winner} | {share} | "
                f"{fmt(getattr(row, f'median_{first}'))} | "
                f"{fmt(getattr(row, f'median_{second}'))} | "
                f"{fmt(e.mean)} ± {fmt(e.se)} (z {fmt_z(e)}) |"
            )
    return lines


def _tally(table: pd.DataFrame, motions: tuple[str, ...]) -> str:
    """``hybrid 18``: the cells each motion (and the ties) won, those that won any."""
    counts = table["winner"].value_counts()
    return ", ".join(f"{m} {int(counts.get(m, 0))}" for m in (*motions, TIE) if counts.get(m, 0))


def _winner_cells(row) -> tuple[str, str]:
    """A table row's winner (marked when the mean decided) and its win share."""
    share = "-" if row.winner == TIE else f"{row.win_share:.0%}"
    return (f"{row.winner} (on the mean)" if row.by_mean else row.winner), share


def paired_worth(frame: pd.DataFrame, a: str, b: str) -> dict[tuple, PairedEffect]:
    """Per cell, ``a``'s worth minus ``b``'s on each seed (common random numbers)."""
    out = {}
    for key, cell in frame[frame["motion"].isin((a, b))].groupby(CELL, sort=True):
        wide = cell.pivot(index="seed", columns="motion", values="worth")
        out[tuple(float(k) for k in key)] = PairedEffect.of(wide[a].to_numpy(), wide[b].to_numpy())
    return out


def plot_map(
    table: pd.DataFrame, path: Path, title: str, motions: tuple[str, ...] = MOTIONS
) -> None:
    """A panel per ``user_is_buyer``: virality (rows) by seat price (columns), each cell
    coloured by its winner and labelled with the win share and the winner's median worth;
    hatched where equal medians left the choice to the mean."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch, Rectangle

    from experiments.validate import _plt

    plt = _plt()
    levels = sorted(table["user_is_buyer"].unique())
    vir = sorted(table["virality"].unique())
    price = sorted(table["seat_price"].unique())
    names = [*motions, TIE]
    cmap = ListedColormap([COLOURS[n] for n in names])
    fig, axes = plt.subplots(
        1, len(levels), figsize=(1.2 + 1.7 * len(price) * len(levels), 1.2 + 1.1 * len(vir)),
        squeeze=False,
    )  # fmt: skip
    for ax, u in zip(axes[0], levels, strict=True):
        part = table[table["user_is_buyer"] == u].set_index(["virality", "seat_price"])
        codes = np.array([[names.index(part.loc[(v, p), "winner"]) for p in price] for v in vir])
        ax.imshow(codes, cmap=cmap, vmin=-0.5, vmax=len(names) - 0.5, origin="lower", aspect="auto")
        for i, v in enumerate(vir):
            for j, p in enumerate(price):
                row = part.loc[(v, p)]
                if row["winner"] == TIE:
                    text = "tie"
                else:
                    text = (
                        f"{row['winner']}\nwins {row['win_share']:.0%}\n"
                        f"{fmt(row['median_' + row['winner']])}"
                        + ("\non the mean" if row["by_mean"] else "")
                    )
                if row["by_mean"]:
                    ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="//",
                                           edgecolor="white", lw=0))  # fmt: skip
                ax.text(j, i, text, ha="center", va="center", fontsize=8,
                        bbox={"boxstyle": "round,pad=0.25", "fc": "white", "alpha": 0.75, "lw": 0})  # fmt: skip
        ax.set_xticks(range(len(price)), [f"{p:g}" for p in price])
        ax.set_yticks(range(len(vir)), [f"{v:g}" for v in vir])
        ax.set_xlabel("my seat price (USD a seat a month)")
        ax.set_ylabel("my virality (per colleague-week)")
        ax.set_title(f"user_is_buyer = {u:g}")
    handles = [Patch(color=COLOURS[n], label=n) for n in names]
    handles.append(
        Patch(
            facecolor="#888888", hatch="//", edgecolor="white", label="equal medians: on the mean"
        )
    )
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    save_figure(fig, path)
    plt.close(fig)


def write_report(result: MapResult, out_dir: Path, wall_seconds: float) -> Path:
    """Write ``winner_map.parquet``, ``winner_map.png``, ``winner_map_single.png`` (the
    map without the hybrid) and then ``winner_map.md``."""
    out_dir = Path(out_dir)
    table = winners(result.frame)
    write_table(result.frame, out_dir / "winner_map.parquet", result.metadata())
    plot_map(
        table,
        out_dir / "winner_map.png",
        f"Winning motion for my company: highest median worth ({WORTH_ARR_MULTIPLE:g} x ARR + "
        f"cash, 0 if dead) over {len(result.seeds)} seeds, {result.steps} weeks; "
        "label: win share, winner's median worth",
    )
    plot_map(
        winners(result.frame, SINGLE),
        out_dir / "winner_map_single.png",
        f"One motion only: {' or '.join(SINGLE)}, highest median worth over "
        f"{len(result.seeds)} seeds, {result.steps} weeks; label: win share, winner's "
        "median worth",
        SINGLE,
    )
    path = out_dir / "winner_map.md"
    write_text(path, markdown(result, wall_seconds))
    return path
