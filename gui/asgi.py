"""The browser server's ASGI app: Solara's app with the offline front-end served read-only.

``gui.server`` starts uvicorn on ``gui.asgi:app``. Solara reads its settings from the
environment when it is imported, so they are set here first, whatever the environment
said: the app script, production mode, the asset proxy off and the page's CDN at
:data:`gui.assets.ASSET_PREFIX` (``uvicorn gui.asgi:app`` alone is as safe).
"""

from __future__ import annotations

import os
from pathlib import Path

from gui.assets import ASSET_PREFIX, WithOfflineAssets, assets_dir
from gui.session_limits import (
    SessionLimits,
    cull_timeout,
    install_release_on_close,
    max_sessions,
)

APP_SCRIPT = Path(__file__).with_name("app.py")

SOLARA_ENV = {
    "SOLARA_APP": str(APP_SCRIPT),
    "SOLARA_MODE": "production",
    "SOLARA_ASSETS_PROXY": "False",  # the proxy writes and deletes in the cache (gui/assets.py)
    "SOLARA_ASSETS_CDN": ASSET_PREFIX,
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    # disconnected sessions are closed in minutes, not Solara's 24 hours (gui.session_limits)
    "SOLARA_KERNEL_CULL_TIMEOUT": cull_timeout(),
}
os.environ.update(SOLARA_ENV)

import solara.server.settings  # noqa: E402
import solara.server.starlette  # noqa: E402 - reads the environment above at import
import solara.settings  # noqa: E402

solara.settings.assets.proxy = False
solara.settings.assets.cdn = ASSET_PREFIX
solara.server.settings.kernel.cull_timeout = SOLARA_ENV["SOLARA_KERNEL_CULL_TIMEOUT"]
install_release_on_close()
app = SessionLimits(
    WithOfflineAssets(solara.server.starlette.app, assets_dir()), max_sessions(), cull_timeout()
)
