"""Start the browser app: ``salesweb serve`` and ``make run`` call :func:`serve`.

The app is Solara's, served by uvicorn from :mod:`gui.asgi`, which adds our read-only
route over Solara's offline front-end (:mod:`gui.assets`): the page works with no
internet connection and no request can change or delete an asset. Telemetry is off.
Each browser session's markets get a memory limit and heavy work takes turns
(:mod:`gui.limits`). ``python -m gui.server --host H --port P`` does the same without
the CLI.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

from gui.assets import ASSETS_ENV, default_assets_dir
from gui.limits import DEFAULT_SESSION_MEMORY_GB, JOBS_ENV, MEMORY_ENV
from gui.session_limits import CULL_ENV, MAX_ENV
from gui.session_limits import cull_timeout as check_cull
from gui.session_limits import max_sessions as check_max_sessions

APP = Path(__file__).with_name("app.py")
ROOT = APP.resolve().parents[1]
MAX_HEAVY_JOBS = 64
ROOMS_DIR_ENV = "SALESWEB_ROOMS_DIR"  # as gui.workshop.rooms (not imported: it loads the model)


class ServerError(ValueError):
    """A server option is out of range, or the offline assets are missing."""


MALLOC_SETTINGS = {"MALLOC_MMAP_THRESHOLD_": str(2**20), "MALLOC_TRIM_THRESHOLD_": str(2**28)}
"""glibc's allocator, for the server process (read when it starts). By default glibc
raises its mmap threshold each time a large block is freed, up to 32 MB, so a market's
arrays of a few MB land in the session thread's heap arena, whose freed pages it keeps:
100 sessions opened and closed (``tests/browser/test_sessions.py``) left the server 296
MB above where it started (8 default markets open at once: 1,317 MB). With blocks of 1
MB and more mapped on their own, and so given back when freed, the same run ends 49 MB
above its start (8 markets: 822 MB). The high trim threshold keeps the heap from being
trimmed after every week's temporaries (a fixed mmap threshold alone made a week 33%
slower; with it, 100 default weeks took 0.58 s of CPU against 0.51 s); a closed session's
pages go back by ``malloc_trim`` (:func:`gui.session_limits.release_memory`)."""


def server_command(host: str, port: int) -> list[str]:
    """The uvicorn command line serving :mod:`gui.asgi` on ``host:port``."""
    return [
        sys.executable,
        "-W",  # Solara warns at every page load on plain http (it falls back to samesite=lax)
        "ignore:Cookies with samesite=none require https:UserWarning",
        "-m",
        "uvicorn",
        "gui.asgi:app",
        "--host",
        host,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--app-dir",  # this checkout's gui, whatever the working directory
        str(ROOT),
    ]


def server_env(
    session_memory_gb: float | None = None,
    heavy_jobs: int | None = None,
    assets: Path | None = None,
    max_sessions: int | None = None,
    session_cull: str | None = None,
) -> dict[str, str]:
    """Environment of the server process: its limits, the assets folder, no telemetry.

    ``max_sessions`` and ``session_cull`` (a duration such as ``2m``) bound the memory of
    all sessions together (:mod:`gui.session_limits`); None keeps the environment's
    ``SALESWEB_MAX_SESSIONS`` / ``SALESWEB_SESSION_CULL`` or the defaults.
    """
    memory = DEFAULT_SESSION_MEMORY_GB if session_memory_gb is None else session_memory_gb
    if isinstance(memory, bool) or not math.isfinite(memory) or memory <= 0:
        raise ServerError(f"--session-memory-gb {memory!r}: expected a number of GB above 0")
    jobs = (os.cpu_count() or 2) if heavy_jobs is None else heavy_jobs
    if not 1 <= jobs <= MAX_HEAVY_JOBS:
        raise ServerError(f"--heavy-jobs {jobs!r}: expected an integer in [1, {MAX_HEAVY_JOBS}]")
    folder = Path(assets or os.environ.get(ASSETS_ENV) or default_assets_dir())
    if not (folder / "requirejs@2.3.6").is_dir():
        raise ServerError(
            f"the offline front-end is missing from {str(folder)!r}; "
            "install it with: pip install 'solara-assets==1.58.2'"
        )
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    # Solara warns (12 lines, at the first page load) that it falls back to
    # samesite=lax cookies over plain http, which is what a loopback or a room's
    # LAN serves; the fallback is right for us, so the warning is noise.
    quiet = "ignore:Cookies with samesite=none require https:UserWarning"
    env["PYTHONWARNINGS"] = ",".join(w for w in (env.get("PYTHONWARNINGS"), quiet) if w)
    env[MEMORY_ENV] = repr(float(memory))
    if max_sessions is not None:
        env[MAX_ENV] = str(max_sessions)
    if session_cull is not None:
        env[CULL_ENV] = session_cull
    try:  # the same checks the server makes at start, so a bad value fails here, in one line
        saved = {k: os.environ.get(k) for k in (MAX_ENV, CULL_ENV)}
        os.environ.update({k: env[k] for k in (MAX_ENV, CULL_ENV) if k in env})
        check_max_sessions(), check_cull()
    except ValueError as exc:
        message = str(exc)  # named by the option the user typed, where they typed one
        if max_sessions is not None:
            message = message.replace(MAX_ENV + "=", "--max-sessions ")
        if session_cull is not None:
            message = message.replace(CULL_ENV + "=", "--session-cull ")
        raise ServerError(message) from None
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    env[JOBS_ENV] = str(int(jobs))
    env[ASSETS_ENV] = str(folder)
    for name, value in MALLOC_SETTINGS.items():  # a user's own setting wins
        env.setdefault(name, value)
    return env


def serve(
    host: str = "127.0.0.1",
    port: int = 8765,
    session_memory_gb: float | None = None,
    heavy_jobs: int | None = None,
    assets: Path | None = None,
    rooms: Path | None = None,
    max_sessions: int | None = None,
    session_cull: str | None = None,
) -> None:
    """Serve the app at ``http://host:port`` until interrupted (replaces this process).

    Parameters
    ----------
    host : str
        Address to bind; loopback by default. ``0.0.0.0`` serves every interface.
    port : int
        TCP port.
    session_memory_gb : float, optional
        Memory limit of each session's market (default 0.6 GB).
    heavy_jobs : int, optional
        Builds and comparison chunks running at once over all sessions (default: cores).
    assets : Path, optional
        Folder of the offline front-end (default: the ``solara-assets`` cache).
    rooms : Path, optional
        Folder where workshop rooms are saved and resumed from after a restart
        (``SALESWEB_ROOMS_DIR``; default ``~/.local/state/salesweb/rooms``).
    max_sessions : int, optional
        Live sessions at most; a visitor beyond gets a "server full" page (default 36).
    session_cull : str, optional
        How long a session whose tab is gone is kept (default ``2m``).

    Raises
    ------
    ServerError
        An option is out of range or the offline front-end is missing.
    """
    env = server_env(session_memory_gb, heavy_jobs, assets, max_sessions, session_cull)
    print(f"Sales Web explorer: http://{host}:{port}  (Ctrl-C stops it)", flush=True)
    print(f"Workshop rooms: http://{host}:{port}/workshop", flush=True)
    cmd = server_command(host, port)
    if rooms is not None:
        env[ROOMS_DIR_ENV] = str(Path(rooms).resolve())
    os.execve(cmd[0], cmd, env)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the Sales Web explorer.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--session-memory-gb",
        type=float,
        default=None,
        help=f"memory limit of one session's market (default {DEFAULT_SESSION_MEMORY_GB})",
    )
    parser.add_argument(
        "--heavy-jobs", type=int, default=None, help="builds and comparisons at once (cores)"
    )
    parser.add_argument("--assets", type=Path, default=None, help="offline front-end folder")
    parser.add_argument("--rooms", type=Path, default=None, help="folder of saved workshop rooms")
    parser.add_argument(
        "--max-sessions", type=int, default=None, help="live sessions at most (default 36)"
    )
    parser.add_argument(
        "--session-cull", default=None, help="close a session its tab left this long ago (2m)"
    )
    args = parser.parse_args(argv)
    try:
        serve(
            args.host, args.port, args.session_memory_gb, args.heavy_jobs, args.assets, args.rooms,
            args.max_sessions, args.session_cull,
        )  # fmt: skip
    except ServerError as exc:
        parser.exit(2, f"error: {exc}\n")


if __name__ == "__main__":
    main()
