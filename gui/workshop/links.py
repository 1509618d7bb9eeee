"""The workshop's addresses: who is who is in the link, so a reload keeps it.

* ``/workshop`` (``?code=ABCD`` fills in the code): join a room or create one.
* ``/workshop/team?room=ABCD&team=2&key=K``: a team's page. The key is the team's
  secret: a teammate's device opens the same link, a reload keeps the team, and a
  link with another team's number and this key is refused.
* ``/workshop/host?room=ABCD&key=F``: the facilitator's page.
* ``/workshop/summary?room=ABCD&key=F``: the printable one-page summary.
* ``/workshop/rooms``: the server's rooms, listed, closed and archived (password).
* ``/workshop/ABCD/screen``: the projector view; no key, nothing a team could misuse.

The join link printed and shown as a QR code uses the address the facilitator's
browser reached the server by (its ``Host`` header), or ``SALESWEB_PUBLIC_URL`` when
the room reaches the server by another address than the facilitator does.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlencode

PUBLIC_URL_ENV = "SALESWEB_PUBLIC_URL"
BASE = "/workshop"


def query(search: str | None) -> dict[str, str]:
    """``"room=AB&team=1"`` -> ``{"room": "AB", "team": "1"}`` (first value of each)."""
    return {k: v[0] for k, v in parse_qs(search or "", keep_blank_values=True).items()}


def home(code: str | None = None) -> str:
    return BASE + (f"?{urlencode({'code': code})}" if code else "")


def team_page(code: str, team: int, key: str) -> str:
    return f"{BASE}/team?{urlencode({'room': code, 'team': team, 'key': key})}"


def host_page(code: str, key: str) -> str:
    return f"{BASE}/host?{urlencode({'room': code, 'key': key})}"


def summary_page(code: str, key: str) -> str:
    return f"{BASE}/summary?{urlencode({'room': code, 'key': key})}"


def origin(headers: dict | None) -> str:
    """``http://host:port`` the room should use (``SALESWEB_PUBLIC_URL`` wins)."""
    public = os.environ.get(PUBLIC_URL_ENV, "").rstrip("/")
    if public:
        return public
    host = ((headers or {}).get("host") or ["127.0.0.1:8765"])[0]
    return f"http://{host}"


def rooms_page() -> str:
    """``/workshop/rooms``: the server's rooms (behind the facilitator password)."""
    return f"{BASE}/rooms"


def screen_page(code: str) -> str:
    """``/workshop/ABCD/screen``: the projector view (no key: it shows nothing secret)."""
    return f"{BASE}/{code}/screen"
