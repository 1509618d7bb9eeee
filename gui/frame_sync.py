"""Back-pressure for Play: the next week is computed only after the browser drew the last.

Without it the server produces steps faster than a slow browser can draw them, the
websocket queue grows, Pause waits behind seconds of queued redraws, and the page
feels frozen (measured: 3 s to click Pause, 6-9 s until the page caught up). A tiny
widget echoes each frame number back once the browser has painted it; the play loop
waits for that echo (with a timeout, so a closed tab cannot stall the thread).
"""

from __future__ import annotations

import threading

import ipyvuetify
import traitlets


class FrameSync:
    """The newest frame the browser has painted, and a way to wait for one."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.painted = -1

    def acknowledge(self, frame: int) -> None:
        with self._cond:
            self.painted = max(self.painted, int(frame))
            self._cond.notify_all()

    def wait_painted(self, frame: int, timeout: float = 2.0) -> bool:
        """Block until ``frame`` is painted or ``timeout`` seconds pass; True if painted."""
        with self._cond:
            return self._cond.wait_for(lambda: self.painted >= frame, timeout=timeout)


class FrameEcho(ipyvuetify.VuetifyTemplate):
    """Invisible widget: when ``frame`` changes, answers after the next two paints."""

    template = traitlets.Unicode(
        """
<template><span class="sw-frame" :data-frame="frame" style="display:none"></span></template>
<script>
module.exports = {
  watch: {
    frame(value) {
      requestAnimationFrame(() => requestAnimationFrame(() => this.painted(value)));
    },
  },
};
</script>
"""
    ).tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    sync = traitlets.Any(None)

    def vue_painted(self, frame: int) -> None:
        if self.sync is not None:
            self.sync.acknowledge(int(frame))
