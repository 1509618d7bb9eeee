"""A Solara session without a browser: the websocket messages the page's front-end sends.

Opening the Sales Web page costs a browser a second or more; a test that opens a hundred
sessions only needs the server to build each session's app, which Solara does when the
page's front-end opens the ``solara.control`` comm and asks it to ``run`` the app. This
speaks exactly that (Jupyter messages as JSON text frames on
``/jupyter/api/kernels/<kernel id>/channels``) and waits for the app's ``finished``.
"""

from __future__ import annotations

import json
import time
import uuid
from contextlib import contextmanager

from websockets.sync.client import connect


def _message(page: str, msg_type: str, content: dict) -> str:
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "session": page,
        "username": "test",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        "version": "5.3",
    }
    return json.dumps(
        {"header": header, "parent_header": {}, "metadata": {}, "content": content,
         "channel": "shell", "buffers": []}
    )  # fmt: skip


@contextmanager
def session(base: str, path: str = "", timeout: float = 60):
    """Open one session of the app at ``base`` (``http://host:port``); close it on exit.

    Yields the websocket once the app has been built in the server (or raises
    ``TimeoutError``). A server that refuses the session closes the socket (1013).
    """
    kernel, page, comm = str(uuid.uuid4()), str(uuid.uuid4()), uuid.uuid4().hex
    url = base.replace("http", "ws", 1).rstrip("/")
    ws = connect(f"{url}/jupyter/api/kernels/{kernel}/channels?session_id={page}",
                 open_timeout=timeout, max_size=None)  # fmt: skip
    try:
        ws.send(_message(page, "comm_open",
                         {"comm_id": comm, "target_name": "solara.control", "data": {}}))  # fmt: skip
        run = {"method": "run", "args": {"path": path, "appName": "__default__"}}
        ws.send(_message(page, "comm_msg", {"comm_id": comm, "data": run}))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the app did not finish building")
            frame = ws.recv(timeout=left)
            raw = frame if isinstance(frame, bytes) else frame.encode()
            if b'"finished"' in raw:
                break
        yield ws
    finally:
        ws.close()
