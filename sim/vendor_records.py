"""Per-week vendor rows that grow with the vendors alive, not with every vendor ever.

Mesa's ``DataCollector`` with agent-type reporters writes a row for every vendor the
model has ever had, every step, so a long run with many entries and exits spends
more and more of each step recording the dead. :class:`VendorRecords` writes one
row per vendor alive at the end of a step, plus a last row (``alive`` False) in the
week a vendor exits, and nothing for it afterwards. Columns are stored as plain
lists, one per reporter; :meth:`VendorRecords.dataframe` gives the frame Mesa's
``get_agenttype_vars_dataframe`` gave (index ``Step``, ``AgentID``; one column per
reporter, in order).
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from mesa import DataCollector

if TYPE_CHECKING:
    from agents.vendor import Vendor
    from sim.model import MarketModel


ARRAY_OUTCOMES: dict[str, str] = {
    "arr": "vendor_arr",
    "users": "vendor_users",
    "customers": "vendor_customers",
}
"""Vendor outcomes that are a row of a model array: ``Vendor.arr`` is
``float(model.vendor_arr[vendor.index])``, ``users`` and ``customers`` the ``int`` of
theirs. A column of one of them is read for every vendor at once
(``array[indices].tolist()``: the same Python floats and ints) instead of through the
property, vendor by vendor: two thirds of a collection's time
(tests/test_compiled_outputs.py checks the rows against the properties)."""


class VendorRecords:
    """Collects one row per live vendor per step.

    Parameters
    ----------
    reporters : dict of str to str
        Column name to the vendor attribute it reads (``sim.reporting.VENDOR_REPORTERS``).
    """

    def __init__(self, reporters: dict[str, str]) -> None:
        self.columns = list(reporters)
        # columns read from the model's arrays, and the rest through one attrgetter
        attrs = list(reporters.values())
        self._arrays = [(c, ARRAY_OUTCOMES[a]) for c, a in enumerate(attrs) if a in ARRAY_OUTCOMES]
        self._others = [c for c, a in enumerate(attrs) if a not in ARRAY_OUTCOMES]
        names = [attrs[c] for c in self._others]
        self._read = attrgetter(*names) if names else None  # one call reads a vendor's row
        self._step: list[float] = []
        self._agent: list[int] = []
        self._values: list[list[Any]] = [[] for _ in self.columns]
        self._current: list[Vendor] = []  # vendors alive at the last collection
        self._seen = 0  # vendors of model.vendor_list already considered

    def collect(self, model: MarketModel) -> None:
        """Record every vendor alive now, and once more each vendor that exited since."""
        entrants = model.vendor_list[self._seen :]
        self._seen = len(model.vendor_list)
        recorded = self._current + entrants
        self._current = [v for v in recorded if v.alive]
        if not recorded:
            return
        time = model.time
        values = self._values
        self._step.extend([time] * len(recorded))
        self._agent.extend([vendor.unique_id for vendor in recorded])
        if self._read is not None:
            read = self._read if len(self._others) > 1 else _as_tuple(self._read)
            rows = [read(vendor) for vendor in recorded]
            for c, cells in zip(self._others, zip(*rows, strict=True), strict=True):
                values[c].extend(cells)
        if self._arrays:
            index = np.array([vendor.index for vendor in recorded])
            for c, array in self._arrays:
                values[c].extend(getattr(model, array)[index].tolist())

    def __len__(self) -> int:
        return len(self._step)

    def dataframe(self) -> pd.DataFrame:
        """Rows by (``Step``, ``AgentID``), as Mesa's agent-type data frame."""
        data: dict[str, list[Any]] = {"Step": self._step, "AgentID": self._agent}
        data.update(zip(self.columns, self._values, strict=True))
        return pd.DataFrame(data, columns=["Step", "AgentID", *self.columns]).set_index(
            ["Step", "AgentID"]
        )


def _as_tuple(read):
    """An ``attrgetter`` of one name returns the value, not a 1-tuple: make it one."""
    return lambda obj: (read(obj),)


class ModelCollector(DataCollector):
    """Mesa's ``DataCollector`` for model reporters that are attribute names, made cheap.

    Mesa's ``collect`` checks each reporter's type and deep-copies each value, every
    week (about 200 microseconds for the 38 columns, a tenth of a week of a
    20,000-employee market). Every reporter of :data:`sim.reporting.MODEL_REPORTERS` is
    an attribute holding a Python scalar, which needs no copy: after Mesa's own first
    collection (which validates the reporters) the values are read with one
    ``attrgetter`` and appended to the same lists, so ``get_model_vars_dataframe``
    and everything else of Mesa's collector read what they read before.
    """

    @staticmethod
    def for_reporters(model_reporters: dict) -> DataCollector:
        """This collector when every reporter is an attribute name, else Mesa's own (a
        callable reporter, such as one a user or a test adds, is read as Mesa reads it)."""
        if all(isinstance(r, str) for r in model_reporters.values()):
            return ModelCollector(model_reporters)
        return DataCollector(model_reporters=model_reporters)

    def __init__(self, model_reporters: dict[str, str]) -> None:
        if not all(isinstance(r, str) for r in model_reporters.values()):
            raise TypeError("ModelCollector takes attribute names only")
        super().__init__(model_reporters=model_reporters)
        self._read = attrgetter(*model_reporters.values())
        if len(model_reporters) == 1:
            self._read = _as_tuple(self._read)
        self._lists = [self.model_vars[name] for name in model_reporters]

    def collect(self, model: MarketModel) -> None:
        if not self._validated:
            super().collect(model)
            return
        if hasattr(self, "_collection_steps"):
            self._collection_steps.append(model.time)
        for column, value in zip(self._lists, self._read(model), strict=True):
            column.append(value)
