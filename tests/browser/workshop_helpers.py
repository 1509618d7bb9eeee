"""What the workshop's browser tests share: a restartable server, a person, joining.

Each workshop test starts its own server (``python -m gui.server``) with a rooms
folder, a facilitator password and a log file of its own, so a test can restart it
and read its log (a traceback there fails the test).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from child_processes import die_with_parent
from playwright.sync_api import expect

from tests.browser.conftest import (
    ARTIFACTS,
    PageProblems,
    _free_port,
    stop_server,
    wait_until_serving,
)

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "chalk-and-talk"


class Server:
    """``python -m gui.server`` on a fixed port with a rooms folder; restartable."""

    def __init__(self, rooms: Path, name: str = "workshop_server", env: dict | None = None):
        self.port = _free_port()
        self.rooms = rooms
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"{name}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in close
        self.env = env or {}

    def start(self) -> None:
        env = {**os.environ, "SALESWEB_ROOMS_DIR": str(self.rooms),
               "SALESWEB_FACILITATOR_PASSWORD": PASSWORD, **self.env}  # fmt: skip
        cmd = [sys.executable, "-m", "gui.server", "--host", "127.0.0.1", "--port", str(self.port)]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent(),
        )  # fmt: skip
        wait_until_serving(self.proc, self.url + "/workshop", "workshop server", self.log_path)

    def stop(self) -> None:
        if self.proc is not None:
            stop_server(self.proc)
        self.proc = None

    def close(self) -> None:
        self.stop()
        self.log.close()

    def tracebacks(self) -> list[str]:
        """Lines of the server log that show an error escaped (a traceback, an ERROR)."""
        self.log.flush()
        text = self.log_path.read_text(errors="replace")
        return [line for line in text.splitlines() if "Traceback" in line or "ERROR" in line]


DROPPED_SYNC = "Syncing error: no comm channel defined"
"""What @jupyter-widgets/base logs when the browser has a state update queued for a
widget whose comm the server closed meanwhile: a host typing in a team's row (the
rename box syncs every keystroke) while the room closes and the page redraws without
that row. The update is dropped with the widget; nothing on the page changes. Seen
twice in CI under load in ``test_workshop_fuzz.py`` (the host's page, after the rooms
page closed the room), never on the page a user looks at."""


class Person:
    """One person's browser context, page and the problems its console reports."""

    def __init__(self, browser, server: Server, name: str, width: int = 1280, height: int = 1600,
                 **context):  # fmt: skip
        self.name = name
        self.context = browser.new_context(viewport={"width": width, "height": height}, **context)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.problems = PageProblems(server.url)
        self.problems.attach(self.page)
        # a script that a hostile team name smuggled in would open a dialog
        self.page.on("dialog", lambda d: (self.problems.items.append(f"dialog: {d.message}"),
                                          d.dismiss()))  # fmt: skip

    def real_problems(self) -> list[str]:
        """Problems, less requests aborted because the test left the page (reload, goto)
        and ipywidgets' note that it dropped a sync for a widget the server had just
        closed (:data:`DROPPED_SYNC`)."""
        return [p for p in self.problems.items
                if not p.endswith("net::ERR_ABORTED") and DROPPED_SYNC not in p]  # fmt: skip

    def shot(self, label: str) -> None:
        self.page.screenshot(
            path=str(ARTIFACTS / f"workshop_{self.name}_{label}.png"), full_page=True
        )

    def close(self) -> None:
        self.context.close()


def create_room(person: Person, server: Server, settings: dict[str, str] | None = None) -> str:
    """The facilitator creates a room (with the password) and saves ``settings``; its code."""
    page = person.page
    page.goto(server.url + "/workshop")
    page.locator(".sw-ws-password input").fill(PASSWORD)
    page.get_by_role("button", name="Create a room").click()
    code = page.locator(".sw-ws-code-big").inner_text().strip()
    assert re.fullmatch(r"[A-Z]{4}", code)
    if settings:
        for field, value in settings.items():
            box = page.locator(f".sw-ws-set-{field} input")
            box.fill(value)
            box.press("Tab")
        page.get_by_role("button", name="Save settings").click()
        expect(page.locator(".sw-ws-settings-message")).to_have_text("Saved.")
    return code


def join(person: Person, server: Server, code: str, team: str) -> str:
    page = person.page
    page.goto(f"{server.url}/workshop?code={code}")
    name = page.locator(".sw-ws-name input")
    name.fill(team)
    name.press("Tab")
    expect(page.locator(".sw-ws-code input")).to_have_value(code)  # the press sends the boxes
    expect(name).to_have_value(team)
    page.get_by_role("button", name="Join").click()
    expect(page.locator(".sw-ws-team-name")).to_have_text(f"Team {team}")
    return page.url


def submit(page, strategy: str, hires: int = 0, marketing: str | None = None) -> None:
    page.locator(".sw-ws-strategy").click()
    page.get_by_role("option", name=strategy, exact=True).click()
    if hires:
        box = page.locator(".sw-ws-hires input")
        box.fill(str(hires))
        box.press("Tab")
        expect(box).to_have_value(str(hires))  # Submit sends what the boxes show
    if marketing is not None:
        box = page.locator(".sw-ws-marketing input")
        box.fill(marketing)
        box.press("Tab")
        expect(box).to_have_value(marketing)
    expect(page.locator(".sw-ws-strategy")).to_contain_text(strategy)
    page.get_by_role("button", name="Submit decision").click()


def no_horizontal_overflow(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
