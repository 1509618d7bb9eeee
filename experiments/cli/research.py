"""``salesweb discover`` and ``salesweb export``: research commands on a sweep folder.

Registered on the ``salesweb`` typer app by one import at the bottom of
:mod:`experiments.cli`. Bad input prints one ``error:`` line and exits 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from experiments.cli import app, console, fail


def _load(folder: Path):
    from experiments.sweep.dataset import load
    from experiments.sweep.store import StoreError

    try:
        data = load(folder)
    except StoreError as exc:
        raise fail(str(exc)) from None
    if data.summary.empty:
        raise fail(f"{str(folder)!r}: no finished run")
    return data


MAP_RUNS_MAX_BYTES = 200_000_000
"""Largest winner-map runs file read (the 10-seed map is 20 kB)."""


def _discover_input(path: Path):
    """``(summary, varied, default --out)`` of a sweep folder, or of the runs file of
    ``salesweb map`` (``winner_map.parquet``: one row per cell and seed, its winner)."""
    if path.suffix != ".parquet" or path.is_dir():
        data = _load(path)
        return data.summary, data.varied, path / "discover"
    import pandas as pd

    from experiments.io import input_file_problem
    from experiments.winner_map import AXES, seed_winners

    problem = input_file_problem(path, "winner map runs", MAP_RUNS_MAX_BYTES)
    if problem is not None:
        raise fail(problem)
    try:
        table = seed_winners(pd.read_parquet(path))
    except (OSError, ValueError) as exc:  # pyarrow's errors are both
        raise fail(f"{str(path)!r}: {exc}") from None
    return table, list(AXES), path.with_name(f"{path.stem}_discover")


@app.command()
def discover(
    folder: Annotated[
        Path,
        typer.Argument(
            help="A sweep folder (salesweb sweep --out), or the runs of salesweb map "
            "(winner_map.parquet: a winner per cell and seed)."
        ),
    ],
    where: Annotated[
        str,
        typer.Option(
            help="The runs of interest: a condition on the summary's columns, "
            'e.g. "winner == \'bottoms_up\'" or "arr_total > 2e6 and customers >= 10".'
        ),
    ],  # fmt: skip
    min_density: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Density the reported PRIM box must reach.")
    ] = 0.8,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for discover.md and the chart.")
    ] = None,
) -> None:
    """Scenario discovery: the parameter ranges where --where holds (PRIM and CART)."""
    from experiments.discover import DiscoverError, discover, markdown, plot_trajectory
    from experiments.io import write_text
    from experiments.where import WhereError

    summary, varied, default_out = _discover_input(folder)
    try:
        found = discover(summary, varied, where, min_density)
    except (WhereError, DiscoverError) as exc:
        raise fail(str(exc)) from None
    out = out or default_out
    if out.exists() and not out.is_dir():
        raise fail(f"--out {str(out)!r} is a file; give a folder")
    if not out.parent.is_dir():
        raise fail(f"--out {str(out)!r}: folder {str(out.parent)!r} does not exist")
    out.mkdir(exist_ok=True)
    chart = plot_trajectory(found, out / "peeling_trajectory.png")
    report = write_text(out / "discover.md", markdown(found, chart.name))
    console.print(found.sentence(), highlight=False, soft_wrap=True, markup=False)
    for box in found.leaves[:3]:
        console.print(f"CART: {found.sentence(box)}", highlight=False, soft_wrap=True, markup=False)
    console.print(f"report: {escape(str(report))}", highlight=False, soft_wrap=True)


@app.command()
def export(
    folder: Annotated[Path, typer.Argument(help="A sweep folder (salesweb sweep --out).")],
    fmt: Annotated[
        str, typer.Option("--format", help="csv, parquet or netlogo-table (BehaviorSpace).")
    ] = "csv",
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the files (default DIR/export).")
    ] = None,
) -> None:
    """Write a sweep's summary and series tables as CSV, Parquet or a BehaviorSpace table."""
    from experiments.export import FORMATS, ExportError, export

    if fmt not in FORMATS:
        raise fail(f"--format {fmt!r} is not allowed; expected one of {', '.join(FORMATS)}")
    data = _load(folder)
    try:
        files = export(data, out or folder / "export", fmt)
    except (ExportError, OSError) as exc:
        raise fail(str(exc)) from None
    for path in files:
        console.print(f"wrote {escape(str(path))}", highlight=False, soft_wrap=True)
