"""What may seed a market: Mesa's ``rng`` argument, checked with a message that says so.

Mesa hands ``rng`` to ``numpy.random.default_rng``, whose errors ("expected
non-negative integer") name neither the parameter nor what is allowed.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from sim.params import ParameterError

RNG_ALLOWED = (
    "a non-negative integer seed, a numpy Generator, BitGenerator or SeedSequence, or None"
)


def check_rng(rng: Any) -> None:
    """Raise ParameterError unless ``rng`` is something Mesa can seed a model with."""
    if rng is None or isinstance(
        rng, np.random.Generator | np.random.BitGenerator | np.random.SeedSequence
    ):
        return
    if _seed_int(rng):
        return
    if isinstance(rng, list | tuple) and rng and all(_seed_int(x) for x in rng):
        return
    raise ParameterError(f"parameter 'rng': {rng!r} is not allowed; expected {RNG_ALLOWED}")


def _seed_int(x: Any) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool) and int(x) >= 0
