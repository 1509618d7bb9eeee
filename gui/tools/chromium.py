"""Where Debian's Chromium is and how to start it headless here.

Shared by the browser tests and ``gui/tools/gui_latency.py``. Playwright drives the
system browser (``executable_path``); ``playwright install`` downloads its own and
cannot run on these offline machines.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

# Without the background-networking flags Chromium keeps dialling Google's hosts,
# which a closed network refuses many times a second.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def find_chromium() -> str | None:
    """Debian's Chromium, or the one named by SALESWEB_CHROMIUM (then only that one)."""
    override = os.environ.get("SALESWEB_CHROMIUM")
    if override:
        return override if Path(override).is_file() else None
    for path in CANDIDATES:
        if Path(path).is_file():
            return path
    return shutil.which("chromium")
