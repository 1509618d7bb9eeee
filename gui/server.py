"""Start the browser app: ``salesweb serve`` and ``make run`` call :func:`serve`.

The app is served by ``solara run`` in production mode. Every front-end asset comes
from Solara's offline cache (the ``solara-assets`` wheel, ``<venv>/share/solara/cdn``)
through our own server, so the page works with no internet connection. Telemetry is
off. ``python -m gui.server --host H --port P`` does the same without the CLI.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

APP = Path(__file__).with_name("app.py")
ROOMS_DIR_ENV = "SALESWEB_ROOMS_DIR"  # as gui.workshop.rooms (not imported: it loads the model)


def solara_command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line for the app on ``host:port``."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(APP),
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",  # it queries PyPI, synchronously, at every start
    ]


def solara_env() -> dict[str, str]:
    """Environment for the server: no telemetry, assets from the local cache only."""
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    # Solara warns (12 lines, at the first page load) that it falls back to
    # samesite=lax cookies over plain http, which is what a loopback or a room's
    # LAN serves; the fallback is right for us, so the warning is noise.
    quiet = "ignore:Cookies with samesite=none require https:UserWarning"
    env["PYTHONWARNINGS"] = ",".join(w for w in (env.get("PYTHONWARNINGS"), quiet) if w)
    env.setdefault("SOLARA_ASSETS_PROXY", "True")
    cache = Path(sys.prefix) / "share" / "solara" / "cdn"
    if cache.is_dir():
        env.setdefault("SOLARA_ASSETS_PROXY_CACHE_DIR", str(cache))
    return env


def serve(host: str = "127.0.0.1", port: int = 8765, rooms: Path | None = None) -> None:
    """Serve the app at ``http://host:port`` until interrupted (replaces this process).

    Parameters
    ----------
    host : str
        Address to bind; loopback by default. ``0.0.0.0`` serves every interface.
    port : int
        TCP port.
    rooms : Path, optional
        Folder where workshop rooms are saved and resumed from after a restart
        (``SALESWEB_ROOMS_DIR``; default ``~/.local/state/salesweb/rooms``).
    """
    print(f"Sales Web explorer: http://{host}:{port}  (Ctrl-C stops it)", flush=True)
    print(f"Workshop rooms: http://{host}:{port}/workshop", flush=True)
    cmd = solara_command(host, port)
    env = solara_env()
    if rooms is not None:
        env[ROOMS_DIR_ENV] = str(Path(rooms).resolve())
    os.execve(cmd[0], cmd, env)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the Sales Web explorer.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--rooms", type=Path, default=None, help="folder of saved workshop rooms")
    args = parser.parse_args(argv)
    serve(args.host, args.port, args.rooms)


if __name__ == "__main__":
    main()
