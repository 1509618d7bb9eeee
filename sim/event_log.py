"""The market's full event history, stored by column.

A run logs tens of thousands of events (deals won and lost, contracts, expansions,
entries, exits, switches; about 37,000 in 260 weeks of a million-employee market).
Kept as one dict each, they are the only objects a step leaves behind for the garbage
collector, which then sweeps the whole interpreter (some 100,000 objects, 50 ms)
every twenty thousand events or so, in the middle of a step; and they cost about
half a kilobyte apiece. :class:`EventLog` keeps one list per field instead (plain
strings and numbers, which the collector does not track) and hands out an event as a
dict when it is read, so ``model.events`` reads as the list of dicts it was.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

BASE_FIELDS = ("step", "event", "vendor", "strategy", "enterprise", "value")


class EventLog(Sequence[dict[str, Any]]):
    """An append-only sequence of events, each read back as a dict.

    Every event has the fields of :data:`BASE_FIELDS`; an event may carry more
    (``contract="team plan"``), and reads back with exactly the fields it was logged
    with.

    Examples
    --------
    >>> log = EventLog()
    >>> log.append({"step": 3, "event": "won", "vendor": "V01", "strategy": "direct",
    ...             "enterprise": 7, "value": 1200.0})
    >>> log[-1]["value"], len(log)
    (1200.0, 1)
    """

    def __init__(self) -> None:
        self._base: list[list[Any]] = [[] for _ in BASE_FIELDS]
        self._extra: dict[str, list[Any]] = {}  # extra field -> value per event, or _ABSENT
        self._n = 0

    def append(self, event: dict[str, Any]) -> None:
        """Add one event (a dict with at least the base fields)."""
        for column, name in zip(self._base, BASE_FIELDS, strict=True):
            column.append(event[name])
        for name in event.keys() - set(BASE_FIELDS) - self._extra.keys():
            self._extra[name] = [_ABSENT] * self._n
        for name, column in self._extra.items():
            column.append(event.get(name, _ABSENT))
        self._n += 1

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self._event(i) for i in range(*index.indices(self._n))]
        if not -self._n <= index < self._n:
            raise IndexError(f"event {index} out of range for a log of {self._n}")
        return self._event(index % self._n)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self._event(i) for i in range(self._n))

    def _event(self, i: int) -> dict[str, Any]:
        event = {name: column[i] for name, column in zip(BASE_FIELDS, self._base, strict=True)}
        for name, column in self._extra.items():
            if column[i] is not _ABSENT:
                event[name] = column[i]
        return event


class _Absent:
    """Marks an extra field an event was logged without (None is a value)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<absent>"


_ABSENT = _Absent()
