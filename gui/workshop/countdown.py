"""A round's deadline counted down in the browser (the server sends the deadline once).

Redrawing every session each second from the server would cost a render pass per
session per second; the browser counts down from the deadline's epoch milliseconds
instead, and the room advances by its own timer when the time is up.
"""

from __future__ import annotations

import ipyvuetify
import traitlets


class CountdownWidget(ipyvuetify.VuetifyTemplate):
    template_file = (__file__, "countdown.vue")

    deadline_ms = traitlets.Float(0.0).tag(sync=True)
    label = traitlets.Unicode("left in this round").tag(sync=True)


def Countdown(deadline: float | None, label: str = "left in this round"):
    """Minutes:seconds until ``deadline`` (epoch seconds); nothing when there is none."""
    return CountdownWidget.element(deadline_ms=(deadline or 0.0) * 1000.0, label=label)
