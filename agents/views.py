"""Employee and Buyer: read-and-write views onto one row of the model's arrays.

They exist for inspection (``enterprise.employees[i].product``) and for the GUI;
the step never builds them, so there is no per-employee Python object in the hot path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.terms import BUYER_ROLES, NO_PRODUCT, ROLE_NAMES

if TYPE_CHECKING:
    from agents.vendor import Vendor
    from sim.model import MarketModel


class Employee:
    """One employee, a view onto row ``index`` of the employee arrays."""

    __slots__ = ("model", "index")

    def __init__(self, model: MarketModel, index: int):
        self.model = model
        self.index = int(index)

    @property
    def enterprise(self):
        return self.model.enterprises[int(self.model.population.emp_enterprise[self.index])]

    @property
    def role(self) -> str:
        return ROLE_NAMES[int(self.model.population.emp_level[self.index])]

    @property
    def level(self) -> int:
        """Management level from the top (0: chief executive)."""
        return int(self.model.population.emp_depth[self.index])

    @property
    def age(self) -> float:
        return float(self.model.population.emp_age[self.index])

    @property
    def openness(self) -> float:
        return float(self.model.population.emp_openness[self.index])

    @openness.setter
    def openness(self, value: float) -> None:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"openness must be in [0, 1], got {value!r}")
        self.model.population.emp_openness[self.index] = value

    @property
    def product(self) -> Vendor | None:
        """The vendor whose product this employee uses, or None."""
        code = int(self.model.population.emp_product[self.index])
        return None if code == NO_PRODUCT else self.model.vendor_list[code]

    @property
    def mandated(self) -> bool:
        """True if the employee uses the product because of an enterprise rollout."""
        return bool(self.model.population.emp_mandated[self.index])

    @property
    def neighbors(self) -> list[Employee]:
        adj = self.model.population.adjacency
        cols = adj.indices[adj.indptr[self.index] : adj.indptr[self.index + 1]]
        return [Employee(self.model, j) for j in cols]

    def __repr__(self) -> str:
        product = self.product
        return (
            f"Employee({self.index}, {self.role}, level={self.level}, "
            f"openness={self.openness:.2f}, product={product.name if product else None})"
        )


class Buyer:
    """One seat on a buying committee, a view onto row ``index`` of the buyer arrays."""

    __slots__ = ("model", "index")

    def __init__(self, model: MarketModel, index: int):
        self.model = model
        self.index = int(index)

    @property
    def employee(self) -> Employee:
        return Employee(self.model, int(self.model.population.buyer_employee[self.index]))

    @property
    def committee_role(self) -> str:
        return BUYER_ROLES[int(self.model.population.buyer_role[self.index])]

    @property
    def receptivity(self) -> float:
        """Chance that an outbound touch on this buyer gets a response."""
        return float(self.model.population.receptivity[self.index])

    @receptivity.setter
    def receptivity(self, value: float) -> None:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"receptivity must be in [0, 1], got {value!r}")
        self.model.population.receptivity[self.index] = value

    def __repr__(self) -> str:
        return f"Buyer({self.committee_role}, employee={self.employee.index}, receptivity={self.receptivity:.3f})"
