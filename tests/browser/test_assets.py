"""Hostile requests against the running server's offline front-end, then the page loads.

Solara's CDN proxy deleted a directory of the cache on a GET of its path (issue 8):
after this test's requests every asset the page needs must still load (the ``page``
fixture fails on any failed request) and the served folder must be byte for byte
what it was.
"""

from __future__ import annotations

import hashlib
import http.client
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PREFIX = "/_solara/cdn"
PATHS = [
    "/echarts@5.4.0/dist",
    "/echarts@5.4.0/dist/",
    "/echarts@5.4.0",
    "/@widgetti/solara-vuetify-app@10.1.1/dist",
    "/requirejs@2.3.6",
    "/",
    "",
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/echarts@5.4.0/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/%2E%2E%2F%2E%2E%2Fpyvenv.cfg",
    "/nope@1.0.0/dist/nope.min.js",
    "/echarts@5.4.0/dist/echarts.min.js.map.missing",
    "/echarts@5.4.0/dist/%00.js",
]


def snapshot(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    } | {str(p.relative_to(folder)): "dir" for p in folder.rglob("*") if p.is_dir()}


def raw(url: str, method: str, path: str) -> tuple[int, bytes]:
    """Send ``path`` exactly as written (no normalisation of ``..`` or escapes)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


@pytest.fixture
def attacked(app_url, assets_copy):
    """Fire every hostile request at the server before the page opens."""
    before = snapshot(assets_copy)
    statuses = {}
    for method in ("GET", "HEAD", "DELETE", "PUT"):
        for path in PATHS:
            status, body = raw(app_url, method, PREFIX + path)
            statuses[(method, path)] = status
            assert b"root:" not in body and b"home =" not in body, (method, path)
    return before, statuses


def test_hostile_asset_requests_change_nothing(attacked, page, assets_copy):
    before, statuses = attacked
    assert all(s in (307, 404, 405) for s in statuses.values()), statuses
    assert snapshot(assets_copy) == before
    # the page (opened after the attack by the fixture) loads every asset it needs
    expect(page.locator(".sw-step")).to_have_text(re.compile(r"Week 0 of"))
    page.locator("[data-chart=predator_prey][data-rendered]").wait_for()
