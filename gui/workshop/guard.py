"""Every workshop event handler runs through :func:`guarded`: no one sees a traceback.

A button press or a typed value runs server code in the browser session; an exception
that escaped it would replace the page with a Python traceback naming server files,
in front of a class. :func:`guarded` wraps a handler so that:

* a refusal the room meant (:class:`gui.workshop.room.RoomError`, which already speaks
  the page's words: "reps to hire: 'nan' is not a number") is shown as it is;
* anything else is logged server-side with its traceback (``logging`` under
  ``gui.workshop``: uvicorn's console), and the page shows one sentence in its own
  words: what failed, that nothing was changed by it, and what to do.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from gui.workshop.room import RoomError

log = logging.getLogger("gui.workshop")


def unexpected_message(what: str) -> str:
    """What the page says when ``what`` failed for a reason the room did not foresee."""
    return (
        f"Sorry: {what} did not work because of a problem on the server (it is logged "
        "for the facilitator). Try again; if it keeps failing, tell the facilitator."
    )


def guarded(
    action: Callable[..., Any],
    on_error: Callable[[str], None],
    what: str,
    on_ok: Callable[[], None] | None = None,
) -> Callable[..., Any]:
    """``action`` that reports its failure through ``on_error`` instead of raising.

    Parameters
    ----------
    action : callable
        The handler (any arguments: a click has none, a typed value has one).
    on_error : callable
        Called with the message for the page (a RoomError's own text, or
        :func:`unexpected_message`).
    what : str
        The action in the page's words ("submitting the decision"), for the message
        and the server log.
    on_ok : callable, optional
        Called after ``action`` succeeds (typically clears the error).
    """

    @functools.wraps(action)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            result = action(*args, **kwargs)
        except RoomError as exc:
            on_error(str(exc))
            return None
        except Exception:  # noqa: BLE001 - the point: nothing reaches the page
            log.exception("workshop: %s failed", what)
            on_error(unexpected_message(what))
            return None
        if on_ok is not None:
            on_ok()
        return result

    return run
