"""Values the compiled deal passes look up instead of computing: powers and stage hazards.

The compiled passes of mechanisms 4 and 5 (:mod:`sim.compiled_touches`,
:mod:`sim.compiled_pipeline`) must give the same floats as the numpy code they
replaced. Three of its expressions raise to a power: a buyer's receptivity worn by
``keep ** touches``, a committee's drag ``(1 - committee_drag) ** (members - 1)``, and a
deal's stage hazard ``(size / median) ** cycle_size_elasticity``. NumPy computes an
array power with its own vectorised routine (SVML on this machine's AVX-512), whose
last bit may differ from the C library's ``pow`` that a Numba loop would call. So the
powers stay numpy's: computed here once, with the very expression the old code used
(a Python float raised to an ``int64`` array; an enterprise's sizes, all of them),
and only *looked up* in the loops. An element of a numpy power does not depend on the
array it sits in (each lane is computed alone), so ``table[k]`` is bit for bit
``base ** k`` as the old code computed it (``tests/test_compiled_selling.py`` checks
it, every entry, against the old expressions).

A table grows when a larger exponent is asked for and is kept while its base is the
same (a parameter changed between two weeks gets a new table).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import MarketModel

_POWERS: dict[float, np.ndarray] = {}
_MAX_BASES = 64  # bases seen in one process (a sweep changes them run to run)


def powers(base: float, n: int) -> np.ndarray:
    """``base ** np.arange(m)`` for some ``m >= n`` (at least 16), computed by numpy.

    The same expression as ``base ** counts`` for an ``int64`` array ``counts`` (a
    Python float raised to an integer array), entry by entry.
    """
    base = float(base)
    table = _POWERS.get(base)
    if table is None or len(table) < n:
        if len(_POWERS) >= _MAX_BASES:
            _POWERS.clear()
        m = max(16, n, 2 * (0 if table is None else len(table)))
        table = base ** np.arange(m, dtype=np.int64)
        _POWERS[base] = table
    return table


def opening_hazards(model: MarketModel) -> tuple[np.ndarray, np.ndarray]:
    """Every enterprise's weekly stage hazard for a new opportunity: (outbound, inbound).

    :func:`sim.selling.stage_hazard` of all enterprises, and that times
    ``inbound_speedup`` capped at 1, as :meth:`sim.model.MarketModel.open_opportunities`
    computed them for the enterprises it opened in. Kept on the model until a
    parameter they depend on changes (enterprise sizes do not).
    """
    from sim.selling import stage_hazard

    key = (
        float(model.sales_cycle_weeks),
        float(model.median_enterprise_size),
        float(model.cycle_size_elasticity),
        float(model.inbound_speedup),
        len(model.population.ent_size),
    )
    cached = model.__dict__.get("_opening_hazards")
    if cached is not None and cached[0] == key:
        return cached[1], cached[2]
    hazard = stage_hazard(model, np.arange(key[-1], dtype=np.int64))
    outbound = np.minimum(1.0, hazard * 1.0)
    inbound = np.minimum(1.0, hazard * model.inbound_speedup)
    model.__dict__["_opening_hazards"] = (key, outbound, inbound)
    return outbound, inbound
