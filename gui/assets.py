"""Solara's offline front-end (Vue, Vuetify, fonts, ECharts, require.js), served read-only.

The page needs no internet: every asset comes from the cache the ``solara-assets``
wheel fills (``<venv>/share/solara/cdn``). Solara can serve that cache itself through
its CDN proxy (``SOLARA_ASSETS_PROXY=True``), but the proxy writes what it fetches into
the cache and, when a requested path is a directory, deletes it (solara 1.58.2,
``solara.server.cdn_helper.get_path`` calls ``shutil.rmtree``, left from an old cache
layout): one ``GET /_solara/cdn/echarts@5.4.0/dist`` from anyone in the room removes
the chart library for everyone until the wheel is reinstalled (STACK-NOTES.md).

So the server runs Solara with the proxy off, points the page's CDN at
:data:`ASSET_PREFIX`, and answers that prefix itself with Starlette's ``StaticFiles``:
GET and HEAD only, regular files only (a directory is 404), nothing outside the folder
(``..``, encoded or not, and symlinks that lead out are refused), nothing ever written.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

ASSET_PREFIX = "/_solara/cdn"
"""Where the page asks for its front-end (Solara's proxy path, so templates need no change)."""
ASSETS_ENV = "SALESWEB_ASSETS_DIR"


def default_assets_dir() -> Path:
    """The cache ``solara-assets`` fills: ``<venv>/share/solara/cdn``."""
    return Path(sys.prefix) / "share" / "solara" / "cdn"


def assets_dir() -> Path:
    """The folder served: ``$SALESWEB_ASSETS_DIR`` (tests serve a copy), else the cache."""
    return Path(os.environ.get(ASSETS_ENV) or default_assets_dir())


def read_only_assets(directory: Path) -> ASGIApp:
    """An ASGI app serving the files under ``directory`` at :data:`ASSET_PREFIX`, read-only."""
    files = StaticFiles(directory=str(directory), follow_symlink=False)
    return Starlette(routes=[Mount(ASSET_PREFIX, app=files)])


class WithOfflineAssets:
    """ASGI app that sends HTTP requests under :data:`ASSET_PREFIX` to the read-only files
    and everything else (pages, websockets, lifespan) to Solara."""

    def __init__(self, app: ASGIApp, directory: Path):
        self.app = app
        self.assets = read_only_assets(directory)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and (
            path == ASSET_PREFIX or path.startswith(ASSET_PREFIX + "/")
        ):
            await self.assets(scope, receive, send)
        else:
            await self.app(scope, receive, send)
