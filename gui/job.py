"""A page's background job (My data's fit, Optimize's search): its state and its status.

Both pages run one heavy job at a time per session in a background thread that holds
the server's heavy-work slots, show its progress, can be cancelled, and end in a result,
an error line or a note. This is that part, once: the page keeps its form, its work
and its results.
"""

from __future__ import annotations

import contextlib
import threading

import solara
from solara.alias import rv

from gui.limits import Cancelled
from sim.params import ParameterError
from sim.scenarios import ScenarioError


class Job:
    """One page's job: ``running``, ``progress``, ``error``, ``note`` and the cancel event
    of the job now running (module-level reactives: one of each per browser session)."""

    def __init__(self) -> None:
        self.running = solara.reactive(False)
        self.progress = solara.reactive("")
        self.error = solara.reactive("")
        self.note = solara.reactive("")
        self.cancel_event = solara.reactive(None)

    def stop(self) -> None:
        """Cancel the job running, if any (it stops at its next check)."""
        if self.cancel_event.value is not None:
            self.cancel_event.value.set()
        self.running.set(False)

    def begin(self) -> threading.Event:
        """Clear the last outcome, mark a new job running; its cancel event."""
        self.error.set("")
        self.note.set("")
        cancel = threading.Event()
        self.cancel_event.set(cancel)
        self.running.set(True)
        self.progress.set("waiting for a free slot")
        return cancel

    @contextlib.contextmanager
    def outcome(self, cancel: threading.Event, cleanup=None):
        """Around the job's work: Cancel becomes a note and a bad setting an error line;
        then ``cleanup()``, and the job is over unless a newer one has started."""
        try:
            yield
        except Cancelled:
            self.note.set("Cancelled: nothing changed.")
        except (ParameterError, ScenarioError, RuntimeError, ValueError) as exc:
            self.error.set(str(exc))
        finally:
            if cleanup is not None:
                cleanup()
            if self.cancel_event.value is cancel:
                self.running.set(False)

    # Drawn inside the page's component (plain methods, not components: the page's
    # elements and the reactives it follows are what they were before this module).

    def start_or_cancel(self, label: str, on_start) -> None:
        """The start button, or Cancel while the job runs."""
        if self.running.value:
            solara.Button("Cancel", on_click=self.stop, color="warning")
        else:
            solara.Button(label, on_click=on_start, color="primary")

    def status(self, prefix: str, doing: str) -> None:
        """Progress while it runs, then the error or the note (CSS classes
        ``{prefix}-progress``, ``-error`` and ``-note``, which the browser tests read)."""
        if self.running.value:
            rv.Html(
                tag="div", class_=f"{prefix}-progress", children=[f"{doing}: {self.progress.value}"]
            )
        if self.error.value:
            solara.Error(self.error.value, classes=[f"{prefix}-error"])
        if self.note.value:
            rv.Html(tag="div", class_=f"{prefix}-note", children=[self.note.value])
