"""``salesweb serve``: the browser app.

The one command that imports ``gui/``: the CLI is the room above both ``gui/`` and the
research code (docs/architecture.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from experiments.cli.base import fail


def serve(
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8765,
    session_memory_gb: Annotated[
        float | None,
        typer.Option(metavar="GB", help="Memory limit of one browser session's market (0.6)."),
    ] = None,
    heavy_jobs: Annotated[
        int | None,
        typer.Option(help="Builds and comparison runs at once, over all sessions (cores)."),
    ] = None,
    rooms: Annotated[
        Path | None, typer.Option(help="Folder where workshop rooms are saved and resumed from.")
    ] = None,
    facilitator_password: Annotated[
        str | None,
        typer.Option(
            help="Password to create and manage workshop rooms (default: drawn and printed)."
        ),
    ] = None,
    max_sessions: Annotated[
        int | None,
        typer.Option(help="Live browser sessions at most; more visitors see 'server full' (36)."),
    ] = None,
    session_cull: Annotated[
        str | None,
        typer.Option(
            metavar="DURATION",
            help="Close a session whose tab has been gone this long, e.g. 2m, 90s, 1h (2m).",
        ),
    ] = None,
) -> None:
    """Serve the browser app (the explorer at /, workshop rooms at /workshop)."""
    from gui.server import ServerError
    from gui.server import serve as serve_app
    from gui.workshop.access import password_for_serve

    try:
        password_for_serve(facilitator_password)
    except ValueError as exc:
        raise fail(str(exc)) from None

    if rooms is not None and rooms.exists() and not rooms.is_dir():
        raise fail(f"--rooms {str(rooms)!r} is a file; give a folder")
    try:
        serve_app(
            host=host,
            port=port,
            session_memory_gb=session_memory_gb,
            heavy_jobs=heavy_jobs,
            rooms=rooms,
            max_sessions=max_sessions,
            session_cull=session_cull,
        )
    except ServerError as exc:
        raise fail(str(exc)) from None
