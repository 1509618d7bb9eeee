"""Enterprise: a Mesa agent that is a view onto its block of the population arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from agents.terms import NO_PRODUCT
from agents.views import Buyer, Employee

if TYPE_CHECKING:
    from agents.vendor import Vendor
    from sim.model import MarketModel


class EmployeeList:
    """Sequence of :class:`Employee` views over one enterprise, built lazily on access."""

    def __init__(self, model: MarketModel, offset: int, size: int):
        self._model, self._offset, self._size = model, offset, size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, i: int) -> Employee:
        if not -self._size <= i < self._size:
            raise IndexError(f"employee {i} out of range for an enterprise of {self._size}")
        return Employee(self._model, self._offset + (i % self._size))

    def __iter__(self):
        return (Employee(self._model, self._offset + i) for i in range(self._size))


class Enterprise(mesa.Agent):
    """A customer company: employees on an org network, a buying committee, contracts.

    All state lives in ``model.population`` arrays at row ``index``; this agent only
    names it.
    """

    def __init__(self, model: MarketModel, index: int):
        super().__init__(model)
        self.index = index

    @property
    def _pop(self):
        return self.model.population

    @property
    def size(self) -> int:
        return int(self._pop.ent_size[self.index])

    @property
    def on_prem_only(self) -> bool:
        return bool(self._pop.ent_on_prem[self.index])

    @property
    def budget(self) -> float:
        """Annual software budget for the category (USD)."""
        return float(self._pop.ent_budget[self.index])

    @property
    def employee_slice(self) -> slice:
        return self.model.enterprise_slice(self.index)

    @property
    def employees(self) -> EmployeeList:
        return EmployeeList(self.model, int(self._pop.ent_offset[self.index]), self.size)

    @property
    def committee(self) -> list[Buyer]:
        off = int(self._pop.ent_committee_offset[self.index])
        return [
            Buyer(self.model, off + k) for k in range(int(self._pop.ent_committee_size[self.index]))
        ]

    @property
    def products(self) -> np.ndarray:
        """Product code per employee (``-1``: none)."""
        return self._pop.emp_product[self.employee_slice]

    def users_of(self, vendor: Vendor) -> int:
        return int(np.count_nonzero(self.products == vendor.index))

    @property
    def adoption(self) -> float:
        return float(np.mean(self.products != NO_PRODUCT))

    def champion(self, vendor: Vendor) -> Employee | None:
        """The most senior user of ``vendor`` here (ties: the earliest adopter), or None."""
        sl = self.employee_slice
        users = np.flatnonzero(self._pop.emp_product[sl] == vendor.index)
        if not len(users):
            return None
        depth = self._pop.emp_depth[sl][users]
        since = self._pop.emp_since[sl][users]
        best = users[np.lexsort((since, depth))[0]]
        return Employee(self.model, sl.start + int(best))

    @property
    def main_vendor(self) -> Vendor | None:
        """The vendor with most users here, or None if nobody uses a product."""
        codes = self.products[self.products != NO_PRODUCT]
        if not len(codes):
            return None
        return self.model.vendor_list[int(np.bincount(codes).argmax())]

    @property
    def contracts(self) -> list[dict]:
        return self.model.contracts.for_enterprise(self.index)

    def __repr__(self) -> str:
        return f"Enterprise({self.index}, size={self.size}, on_prem_only={self.on_prem_only})"
