"""Growable struct-of-arrays tables for contracts and opportunities.

A few hundred to a few thousand rows live at once; each step works on whole
columns (revenue is one ``bincount``), never on row objects.
"""

from __future__ import annotations

from typing import Any

import numpy as np

TEAM, SELF_SERVE_ENTERPRISE, ENTERPRISE = 0, 1, 2
CONTRACT_KINDS = ("team plan", "self-serve enterprise agreement", "enterprise contract")
STAGES = ("identify", "qualify", "sell", "close")


_SCALARS = (int, float, np.generic)  # what add takes as one row's value


class Table:
    """Columns of equal length that grow by doubling; rows are never deleted.

    Subclasses list their columns in ``COLUMNS`` as ``name: dtype``. Every table has
    an ``active`` column; ended rows stay for the record. ``table.acv`` is a view of
    the first ``n`` rows of that column (writes go to the table); the views are plain
    instance attributes, refreshed when rows are added, so reading a column costs an
    attribute lookup (a market of a million employees reads them some ten thousand
    times a week).
    """

    COLUMNS: dict[str, Any] = {}

    def __init__(self, capacity: int = 256):
        self.n = 0
        self._cols = {name: np.zeros(capacity, dtype=dt) for name, dt in self.COLUMNS.items()}
        self._cols["active"] = np.zeros(capacity, dtype=bool)
        self._refresh_views()

    def _refresh_views(self) -> None:
        n = self.n
        for name, col in self._cols.items():
            self.__dict__[name] = col[:n]

    def __getstate__(self) -> dict[str, Any]:
        # views would unpickle as copies detached from their columns: rebuild them
        return {"n": self.n, "_cols": self._cols}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._refresh_views()

    def add(self, **values: Any) -> np.ndarray:
        """Append rows (scalars or equal-length arrays) and return their ids.

        A signing's one contract of Python scalars, the hot path, goes through
        :meth:`ContractBook.add_one` instead.
        """
        k = 0
        for v in values.values():  # np.size, with a fast path for the usual scalars
            if isinstance(v, _SCALARS):
                size = 1
            elif isinstance(v, np.ndarray):
                size = v.size
            else:
                size = int(np.size(v))
            if size > k:
                k = size
        if k == 0:
            return np.empty(0, dtype=np.int64)
        try:
            row = [values[name] for name in self.COLUMNS]
        except KeyError:
            missing = self._cols.keys() - values.keys() - {"active"}
            raise ValueError(f"missing column {sorted(missing)[0]!r}") from None
        start, need = self.n, self.n + k
        cols = self._cols
        if need > len(cols["active"]):
            self._grow(need)
        for name, value in zip(self.COLUMNS, row, strict=True):
            cols[name][start:need] = value
        cols["active"][start:need] = True
        self.n = need
        self._refresh_views()
        return np.arange(start, need)

    def _grow(self, need: int) -> None:
        """Room for ``need`` rows: every column to twice its capacity (or ``need``)."""
        cols, start = self._cols, self.n
        new_cap = max(need, 2 * len(cols["active"]))
        for name, col in cols.items():
            grown = np.zeros(new_cap, dtype=col.dtype)
            grown[:start] = col[:start]
            cols[name] = grown

    def active_ids(self) -> np.ndarray:
        return np.flatnonzero(self._cols["active"][: self.n])

    def n_active(self) -> int:
        return int(np.count_nonzero(self._cols["active"][: self.n]))

    def row(self, i: int) -> dict[str, Any]:
        return {name: col[i].item() for name, col in self._cols.items()}


class ContractBook(Table):
    """Annual contracts: who pays whom, how much a year, and when it renews."""

    COLUMNS = {
        "enterprise": np.int32,
        "vendor": np.int32,
        "kind": np.int8,
        "acv": np.float64,
        "seats": np.int64,
        "start": np.int32,
        "renew_at": np.int32,
    }

    def add_one(
        self,
        enterprise: int,
        vendor: int,
        kind: int,
        acv: float,
        seats: int,
        start: int,
        renew_at: int,
    ) -> int:
        """:meth:`add` of one contract of Python scalars; returns its id. What a signing
        appends (some eight a week), without ``add``'s keyword dictionary, size checks
        and id array: the same entries, converted as ``add`` converts them."""
        i = self.n
        cols = self._cols
        if i >= len(cols["active"]):
            self._grow(i + 1)
        cols["enterprise"][i] = enterprise
        cols["vendor"][i] = vendor
        cols["kind"][i] = kind
        cols["acv"][i] = acv
        cols["seats"][i] = seats
        cols["start"][i] = start
        cols["renew_at"][i] = renew_at
        cols["active"][i] = True
        self.n = i + 1
        self._refresh_views()
        return i

    def kind_of(self, ids: np.ndarray) -> np.ndarray:
        """Kind of each contract id, ``-1`` where the id is ``-1`` (no contract)."""
        ids = np.asarray(ids)
        return np.where(ids >= 0, self._cols["kind"][np.maximum(ids, 0)], -1)

    def for_enterprise(self, e: int) -> list[dict[str, Any]]:
        ids = self.active_ids()
        return [self.row(i) for i in ids[self.enterprise[ids] == e]]


class Pipeline(Table):
    """Open and closed sales opportunities (identify, qualify, sell, close)."""

    COLUMNS = {
        "enterprise": np.int32,
        "vendor": np.int32,
        "stage": np.int8,
        "opened": np.int32,
        "effort": np.float64,  # the prospect's engagement, in [0, 1] (seed 002)
        "inbound": bool,
        "hazard": np.float64,  # weekly chance of moving to the next stage
    }
