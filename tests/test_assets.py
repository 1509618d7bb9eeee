"""The offline front-end is served read-only: no request can change or delete an asset.

Drives :class:`gui.assets.WithOfflineAssets` as an ASGI app over a folder of this
test's own (the real cache is tested through the server in ``tests/browser``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib

import pytest

from gui.assets import ASSET_PREFIX, WithOfflineAssets


async def _inner(scope, receive, send):
    """Stands in for Solara: answers 299 to anything it is given."""
    await send({"type": "http.response.start", "status": 299, "headers": []})
    await send({"type": "http.response.body", "body": b"solara"})


def request(app, path: str, method: str = "GET") -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogateescape"),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"test")],
        "server": ("test", 80),
        "client": ("client", 1),
    }
    sent = []

    async def run():
        done = asyncio.Event()
        asked = []

        async def receive():  # the request once, then a disconnect when the response is out
            if not asked:
                asked.append(1)
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                done.set()

        await asyncio.wait_for(app(scope, receive, send), timeout=10)

    # a fresh thread has no event loop, whatever an earlier test left in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


def snapshot(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "dir"
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def cache(tmp_path):
    root = tmp_path / "cdn"
    (root / "echarts@5.4.0" / "dist").mkdir(parents=True)
    (root / "echarts@5.4.0" / "dist" / "echarts.min.js").write_text("var echarts;")
    (root / "requirejs@2.3.6").mkdir()
    (root / "requirejs@2.3.6" / "require.js").write_text("var require;")
    (tmp_path / "secret.txt").write_text("outside the cache")
    return root


HOSTILE = [
    ("GET", "/echarts@5.4.0/dist"),
    ("GET", "/echarts@5.4.0/dist/"),
    ("GET", "/echarts@5.4.0"),
    ("GET", ""),
    ("GET", "/"),
    ("GET", "/../secret.txt"),
    ("GET", "/echarts@5.4.0/../../secret.txt"),
    ("GET", "/%2e%2e/secret.txt"),
    ("GET", "/..%2fsecret.txt"),
    ("GET", "/echarts@5.4.0/dist/\x00.js"),
    ("GET", "/nope@1.0.0/dist/nope.js"),
    ("GET", "/echarts@5.4.0/dist/" + "a" * 5000),
    ("DELETE", "/echarts@5.4.0/dist/echarts.min.js"),
    ("PUT", "/echarts@5.4.0/dist/echarts.min.js"),
    ("POST", "/requirejs@2.3.6/require.js"),
]


def test_hostile_requests_change_nothing_and_every_asset_still_loads(cache):
    app = WithOfflineAssets(_inner, cache)
    before = snapshot(cache.parent)
    for method, path in HOSTILE:
        status, body = request(app, ASSET_PREFIX + path, method)
        assert status in (307, 404, 405), (method, path, status)  # 307: add a slash
        assert b"outside the cache" not in body
    assert snapshot(cache.parent) == before
    assert request(app, f"{ASSET_PREFIX}/echarts@5.4.0/dist/echarts.min.js") == (
        200,
        b"var echarts;",
    )
    assert request(app, f"{ASSET_PREFIX}/requirejs@2.3.6/require.js") == (200, b"var require;")


def test_everything_else_goes_to_solara(cache):
    app = WithOfflineAssets(_inner, cache)
    for path in ("/", "/_solara/cdnx/a.js", "/static/main-vuetify.js", "/_solara/api/close/1"):
        assert request(app, path)[0] == 299, path
