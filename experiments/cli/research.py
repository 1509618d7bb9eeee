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


@app.command()
def discover(
    folder: Annotated[Path, typer.Argument(help="A sweep folder (salesweb sweep --out).")],
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

    data = _load(folder)
    try:
        found = discover(data.summary, data.varied, where, min_density)
    except (WhereError, DiscoverError) as exc:
        raise fail(str(exc)) from None
    out = out or folder / "discover"
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
