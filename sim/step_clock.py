"""Where a step's time goes: an optional clock that :meth:`MarketModel.step` marks.

The model holds ``step_clock = None``; a step then only tests that attribute between
mechanisms (a few tens of nanoseconds in all). A profiler (``salesweb bench``) sets a
:class:`StepClock`, and every mechanism's wall time is added to its total, without
``cProfile``'s per-call overhead, so the shares it reports are the shares of an
unprofiled run.
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter


class StepClock:
    """Accumulates time (wall, or any ``timer``) per mechanism over many steps.

    Call :meth:`start` at the top of a step and the clock with a mechanism's name
    after that mechanism has run: the time since the previous mark is added to it.

    Examples
    --------
    >>> clock = StepClock()
    >>> clock.start()
    >>> clock("adoption")
    >>> list(clock.totals)
    ['adoption']
    """

    def __init__(self, timer: Callable[[], float] = perf_counter) -> None:
        # wall time by default; time.process_time gives CPU time, which a shared
        # machine's load does not inflate (experiments/profile_run.py)
        self.timer = timer
        self.totals: dict[str, float] = {}
        self.steps = 0
        self._last = 0.0

    def start(self) -> None:
        """Begin a step: the next mark measures from now."""
        self.steps += 1
        self._last = self.timer()

    def __call__(self, mechanism: str) -> None:
        now = self.timer()
        self.totals[mechanism] = self.totals.get(mechanism, 0.0) + now - self._last
        self._last = now

    def shares(self) -> dict[str, float]:
        """Each mechanism's share of the clocked time, largest first."""
        total = sum(self.totals.values()) or 1.0
        ordered = sorted(self.totals.items(), key=lambda kv: -kv[1])
        return {name: seconds / total for name, seconds in ordered}

    def ms_per_step(self) -> dict[str, float]:
        """Mean milliseconds per step spent in each mechanism, largest first."""
        steps = max(1, self.steps)
        ordered = sorted(self.totals.items(), key=lambda kv: -kv[1])
        return {name: 1000.0 * seconds / steps for name, seconds in ordered}
