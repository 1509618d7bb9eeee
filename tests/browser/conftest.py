"""Browser-test fixtures: the app on a free loopback port, headless Debian Chromium.

The server is started once per session (it takes a few seconds); every test gets a
fresh browser context, hence a fresh Solara session with its own market. Every page
records console errors and failed requests; :func:`page` fails the test on any, so a
missing offline asset (a silent 404) cannot slip through.

The server serves a copy of the offline front-end (hard links into a temporary
folder: instant, no extra space), so a test that attacks the assets, or a regression
that lets a request delete them, can never damage the venv everyone shares.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from child_processes import die_with_parent

from gui.tools.chromium import ARGS, find_chromium

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# one app server per pytest-xdist worker (gw0, gw1, ...): each writes its own log
SERVER_LOG = (
    ARTIFACTS
    / f"server{'-' + os.environ['PYTEST_XDIST_WORKER'] if os.environ.get('PYTEST_XDIST_WORKER') else ''}.log"
)


def _missing(reason: str):
    """Fail in CI (a skipped browser suite would look green), skip locally."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        _missing("Chromium not found (apt-get install chromium); never `playwright install`")
    return path


@pytest.fixture(scope="session")
def assets_copy(tmp_path_factory) -> Path:
    """The offline front-end, hard-linked into a temporary folder (copied if links fail)."""
    from gui.assets import default_assets_dir

    source = default_assets_dir()
    if not source.is_dir():
        _missing(f"the offline front-end is not installed at {source} (solara-assets)")
    target = tmp_path_factory.mktemp("assets") / "cdn"
    try:
        shutil.copytree(source, target, copy_function=os.link)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)
    return target


def wait_until_serving(proc: subprocess.Popen, url: str, what: str, log: Path) -> None:
    """Poll ``url`` until it answers HTTP 200; fail if ``proc`` exits first or after 60 s."""
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            pytest.fail(f"the {what} exited early; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the {what} did not answer HTTP 200 within 60 s")
        time.sleep(0.2)


def stop_server(proc: subprocess.Popen) -> None:
    """Terminate a server, kill it if it does not stop within 10 s, and reap it."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url(chromium_path, assets_copy) -> str:
    """Start ``python -m gui.server`` on a free port; wait for HTTP 200; stop it at the end."""
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(SERVER_LOG, "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "gui.server", "--host", "127.0.0.1", "--port", str(port)]
        + ["--assets", str(assets_copy)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=die_with_parent(),
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_serving(proc, url, "app server", SERVER_LOG)
        yield url
    finally:
        stop_server(proc)
        log.close()


@pytest.fixture(scope="session")
def browser(chromium_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    # generous waits: on a loaded 2-core machine a redraw can take a second
    sync_api.expect.set_options(timeout=15_000)
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, headless=True, args=ARGS)
        yield b
        b.close()


class PageProblems:
    """Console errors, page errors and failed or off-host requests seen by one page."""

    def __init__(self, host: str):
        self.host = host
        self.items: list[str] = []

    def attach(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.items.append(f"page error: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        page.on("request", self._request)

    def _failed(self, req) -> None:
        # a reload aborts Solara's "this page closes" beacon: expected, not a fault
        if "/_solara/api/close/" in req.url and "ERR_ABORTED" in str(req.failure):
            return
        self.items.append(f"failed: {req.url} {req.failure}")

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.items.append(f"console error: {msg.text}")
        elif msg.type == "warning" and "Vue script" in msg.text:  # a template that fails
            self.items.append(f"console warning: {msg.text}")

    def _response(self, resp) -> None:
        if resp.status >= 400:
            self.items.append(f"HTTP {resp.status}: {resp.url}")

    def _request(self, req) -> None:
        url = req.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if not url.startswith(self.host) and not url.startswith(self.host.replace("http", "ws")):
            self.items.append(f"request beyond our server: {url}")


@pytest.fixture
def page(browser, app_url, request):
    """A fresh context and page on the app; fails the test on any console error."""
    context = browser.new_context(viewport={"width": 1500, "height": 2400}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    problems = PageProblems(app_url.rstrip("/"))
    problems.attach(pg)
    pg.goto(app_url)
    pg.get_by_role("button", name="Step").wait_for(timeout=30_000)
    pg.locator(".sw-step", has_text="Week 0").wait_for(timeout=30_000)
    yield pg
    try:
        found = list(problems.items)  # before close: closing aborts in-flight requests
        if found or wants_screenshot(request.node):
            pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()
    assert not found, "browser problems:\n" + "\n".join(found)


SCREENSHOTS_ENV = "SALESWEB_SCREENSHOTS"
"""Set to 1 to keep a screenshot of every browser test, not only of those that failed."""


def wants_screenshot(node) -> bool:
    """A screenshot for a test whose body failed, or for every test when asked.

    A full-page screenshot took 1.5-2.4 s on the two-core CI host (a probe of four
    pages, 2026-12-05, the machine busy), over about 40 pages a run: it is kept for
    the pages someone will look at.
    """
    if os.environ.get(SCREENSHOTS_ENV, "") not in ("", "0"):
        return True
    report = getattr(node, "call_report", None)
    return report is None or report.failed


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep the body's report on the test item, so the page fixture's teardown can see it."""
    report = yield
    if report.when == "call":
        item.call_report = report
    return report
