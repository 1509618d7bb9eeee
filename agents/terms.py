"""The terms the agents and the model share: role names, the no-product code, the year
window and the CAC payback formula.

They live in the bottom room (docs/architecture.md) so that the agents never import
``sim/`` at run time: ``sim/population.py`` and ``sim/kpis.py`` import them from here
and keep offering them under their old names.
"""

from __future__ import annotations

import math

ROLE_NAMES = ("individual contributor", "manager", "executive")
"""Names of the role codes of ``sim.population`` (``IC``, ``MANAGER``, ``EXECUTIVE``)."""
BUYER_ROLES = ("economic buyer", "IT/security", "procurement", "stakeholder")
NO_PRODUCT = -1

YEAR = 52
"""Weeks in the trailing windows of CAC payback and net revenue retention."""


def cac_payback_months(spend: float, new_arr: float, gross_margin: float) -> float:
    """``spend / (new_arr * gross_margin / 12)``: months of gross profit on the new ARR.

    ``spend`` is sales and marketing over the window, ``new_arr`` the new ARR booked
    in it (new logos and expansion). NaN when no new ARR was booked (undefined, not
    infinite); 0 when there was new ARR and no spend (the formula's value, which the
    cards and tables label as such).
    """
    if not new_arr > 0:
        return math.nan
    return float(spend) / (float(new_arr) * gross_margin / 12.0)
