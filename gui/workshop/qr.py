"""The join link as a QR code, drawn on the server as SVG (no script, no internet).

Phones in the room scan the facilitator's screen instead of typing the address. The
code is made by ``segno`` (pure Python, no dependencies, SVG output) at error
correction level M (15% of the code may be unreadable: a projector's glare).
"""

from __future__ import annotations

import io

import segno


def qr_svg(text: str, scale: int = 5) -> str:
    """An inline ``<svg>`` QR code of ``text``, ``scale`` pixels per module."""
    buf = io.BytesIO()
    segno.make(text, error="m").save(
        buf, kind="svg", scale=scale, border=2, xmldecl=False, svgclass="sw-qr", svgns=True
    )
    return buf.getvalue().decode("ascii")
