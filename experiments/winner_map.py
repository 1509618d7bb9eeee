"""The winner map: which go-to-market motion is worth most to my company, and where.

"Should I sell bottoms-up, direct or hybrid?" has no single answer: the essays say it
depends on how viral the product is, what a seat costs and whether its users are the
people who buy it. Item 4 of the model issue asks for the answer on a grid over those
three, so a researcher sees where each motion wins and how reliably.

Each cell of the grid (``virality`` and ``seat_price`` are my company's traits;
``user_is_buyer`` is the market's) runs my company as each motion on the same seeds
(common random numbers, through :func:`experiments.study.study`). A run is worth
``5 x ARR + cash`` at the horizon, and nothing if the company died (its cash at exit is
below zero only for the week it exits, and a dead company's ARR is gone). The winner of
a cell has the highest median worth; its win share is the share of seeds on which it is
worth the most (a seed tied between k motions counts 1/k to each).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.io import seeded_metadata
from sim.params import PARAMETERS, STRATEGIES, ParameterError

MOTIONS: tuple[str, ...] = tuple(STRATEGIES)
WORTH_ARR_MULTIPLE = 5.0
"""Worth = this many times ARR, plus cash (a common SaaS revenue multiple)."""

AXES = ("user_is_buyer", "virality", "seat_price")
CELL = list(AXES)
TIE = "tie"


@dataclass(frozen=True)
class Grid:
    """The levels of each axis; ``user_is_buyer`` sets the market, the others my company."""

    virality: tuple[float, ...] = (0.0005, 0.002, 0.008)
    seat_price: tuple[float, ...] = (5.0, 25.0, 100.0)
    user_is_buyer: tuple[float, ...] = (0.2, 1.0)

    def __post_init__(self) -> None:
        for axis in AXES:
            check_levels(axis, getattr(self, axis))

    @property
    def cells(self) -> int:
        return len(self.virality) * len(self.seat_price) * len(self.user_is_buyer)


def check_levels(axis: str, values: Sequence[float]) -> tuple[float, ...]:
    """Levels of one axis, validated as the model validates the parameter: at least one,
    none repeated; a ParameterError naming the option otherwise."""
    option = "--" + axis.replace("_", "-")
    if not len(values):
        raise ParameterError(f"{option}: give at least one value")
    try:
        clean = tuple(float(PARAMETERS[axis].validate(v)) for v in values)
    except ParameterError as exc:
        raise ParameterError(f"{option}: {exc}") from None
    repeated = sorted({v for v in clean if clean.count(v) > 1})
    if repeated:
        raise ParameterError(
            f"{option}: {', '.join(f'{v:g}' for v in repeated)} repeated; give each level once"
        )
    return clean


def parse_levels(axis: str, text: str) -> tuple[float, ...]:
    """``"0.0005,0.002"`` -> ``(0.0005, 0.002)``, checked by :func:`check_levels`."""
    option = "--" + axis.replace("_", "-")
    parts = [p.strip() for p in text.split(",")]
    if not text.strip() or any(not p for p in parts):
        raise ParameterError(
            f"{option} {text!r}: expected numbers separated by commas, e.g. 0.0005,0.002"
        )
    return check_levels(axis, parts)


def worth(arr: Any, cash: Any, survived: Any) -> np.ndarray:
    """``5 x ARR + cash`` for a company alive at the horizon, 0 for one that died."""
    arr, cash = np.asarray(arr, dtype=float), np.asarray(cash, dtype=float)
    alive = np.asarray(survived, dtype=float) > 0
    return np.where(alive, WORTH_ARR_MULTIPLE * arr + cash, 0.0)


# ---------------------------------------------------------------------- the runs
@dataclass
class MapResult:
    """Every run (cell, motion, seed) with its worth, and the inputs."""

    grid: Grid
    frame: pd.DataFrame
    seeds: list[int]
    steps: int
    scenario: str
    overrides: dict[str, Any] = field(default_factory=dict)
    root_seed: int = 0

    def metadata(self) -> dict[str, Any]:
        grid = {axis: list(getattr(self.grid, axis)) for axis in AXES}
        worth = f"{WORTH_ARR_MULTIPLE:g} x ARR + cash at the horizon; 0 if the company died"
        return seeded_metadata(self, "salesweb map", {"grid": grid}, worth=worth)


def run_map(
    grid: Grid,
    seeds: int,
    steps: int | None = None,
    *,
    scenario: str = "default",
    overrides: Mapping[str, Any] | None = None,
    workers: int | None = None,
    root_seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> MapResult:
    """Run my company as every motion in every cell of ``grid`` on the same seeds.

    One study per ``user_is_buyer`` level (it is a market parameter, the same for every
    option of a study); the seeds are the same in all of them.
    """
    from experiments.study import Option, study

    overrides = dict(overrides or {})
    if "user_is_buyer" in overrides:
        raise ParameterError("--set user_is_buyer: it is an axis of the map; use --user-is-buyer")
    options, where = [], {}
    for v in grid.virality:
        for p in grid.seat_price:
            for motion in MOTIONS:
                label = f"virality={v:g} seat_price={p:g} {motion}"
                options.append(Option(label, {"strategy": motion, "virality": v, "seat_price": p}))
                where[label] = (v, p, motion)
    parts, used_seeds, used_steps, name = [], [], 0, scenario
    for k, u in enumerate(grid.user_is_buyer):

        def report(done: int, total: int, k: int = k) -> None:
            if progress is not None:
                progress(k * total + done, total * len(grid.user_is_buyer))

        result = study(
            scenario,
            options,
            seeds,
            steps,
            workers=workers,
            progress=report,
            root_seed=root_seed,
            overrides={**overrides, "user_is_buyer": u},
        )
        assert result is not None  # nothing cancels it
        runs = result.runs
        cell = pd.DataFrame(
            [where[o] for o in runs["option"]], columns=["virality", "seat_price", "motion"]
        )
        parts.append(
            pd.DataFrame(
                {
                    "user_is_buyer": u,
                    "virality": cell["virality"],
                    "seat_price": cell["seat_price"],
                    "motion": cell["motion"],
                    "seed": runs["seed"].astype(np.int64),
                    "arr": runs["arr"],
                    "cash": runs["cash"],
                    "survived": runs["survived"],
                    "worth": worth(runs["arr"], runs["cash"], runs["survived"]),
                }
            )
        )
        used_seeds, used_steps, name = result.seeds, result.steps, result.scenario
    frame = pd.concat(parts, ignore_index=True)
    return MapResult(grid, frame, used_seeds, used_steps, name, overrides, root_seed)


# ---------------------------------------------------------------------- winners
SINGLE: tuple[str, ...] = ("bottoms_up", "direct")
"""The motions a company that runs only one chooses between: the essays' own question
(seeds 000, 001, 003), asked without the hybrid, whose two motions cost it nothing
more here than each costs alone."""


def winners(frame: pd.DataFrame, motions: Sequence[str] = MOTIONS) -> pd.DataFrame:
    """One row per cell: the winning motion among ``motions``, its win share, whether
    equal medians left the choice to the mean (``by_mean``), and per motion the median
    worth, mean worth, survival and win share (among ``motions``).

    Raises ValueError if a cell does not hold every motion on the same seeds: a
    comparison without common random numbers would not be paired.
    """
    motions = tuple(motions)
    frame = frame[frame["motion"].isin(motions)]
    rows = []
    for key, cell in frame.groupby(CELL, sort=True):
        seeds = {m: sorted(g["seed"]) for m, g in cell.groupby("motion")}
        if set(seeds) != set(motions) or any(s != seeds[motions[0]] for s in seeds.values()):
            where = ", ".join(f"{a}={v:g}" for a, v in zip(CELL, key, strict=True))
            raise ValueError(
                f"cell {where}: every motion must run on the same seeds; got "
                + "; ".join(f"{m}: {len(s)} runs" for m, s in sorted(seeds.items()))
            )
        wide = cell.pivot(index="seed", columns="motion", values="worth")[list(motions)]
        median, mean = wide.median(), wide.mean()
        best = wide.to_numpy() == wide.max(axis=1).to_numpy()[:, None]
        share = pd.Series((best / best.sum(axis=1, keepdims=True)).mean(axis=0), index=motions)
        top = median[median == median.max()].index
        by_mean = len(top) > 1
        if by_mean:  # equal medians: the higher mean decides, else a tie
            means = mean[top]
            top = means[means == means.max()].index
        winner = top[0] if len(top) == 1 else TIE
        alive = cell.groupby("motion")["survived"].mean()
        row = dict(zip(CELL, key, strict=True))
        row.update(
            winner=winner,
            win_share=float(share[winner]) if winner != TIE else float("nan"),
            by_mean=by_mean and winner != TIE,
            seeds=len(wide),
        )
        for m in motions:
            row[f"median_{m}"] = float(median[m])
            row[f"mean_{m}"] = float(mean[m])
            row[f"survival_{m}"] = float(alive[m])
            row[f"wins_{m}"] = float(share[m])
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------- per seed
NONE = "none"


def seed_winners(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (cell, seed) of the map's runs, for scenario discovery.

    Columns: the three axes, ``seed``, ``worth_<motion>`` for each motion and
    ``winner``: the motion worth the most on that seed, ``tie`` if several share the
    top, ``none`` if no motion is worth anything (every one died). ``salesweb discover
    winner_map.parquet --where "winner == 'direct'"`` describes where a motion wins.

    Raises
    ------
    ValueError
        ``frame`` is not the runs of ``salesweb map`` (a column missing, a motion
        missing on a seed, a run twice).
    """
    missing = sorted({*CELL, "motion", "seed", "worth"} - set(frame.columns))
    if missing:
        raise ValueError(f"not the runs of salesweb map: no column {', '.join(missing)}")
    try:
        wide = frame.pivot(index=[*CELL, "seed"], columns="motion", values="worth")
    except ValueError:
        raise ValueError("not the runs of salesweb map: a (cell, motion, seed) run twice") from None
    if set(wide.columns) != set(MOTIONS) or wide.isna().to_numpy().any():
        raise ValueError(
            f"not the runs of salesweb map: every cell needs {', '.join(MOTIONS)} on every seed"
        )
    values = wide[list(MOTIONS)].to_numpy(dtype=float)
    best = values.max(axis=1)
    winner = np.array(MOTIONS, dtype=object)[values.argmax(axis=1)]
    winner[(values == best[:, None]).sum(axis=1) > 1] = TIE
    winner[best <= 0] = NONE
    out = wide.reset_index()[[*CELL, "seed"]]
    for j, m in enumerate(MOTIONS):
        out[f"worth_{m}"] = values[:, j]
    out["winner"] = winner
    return out
