"""Go-to-market tactics as small strategy objects.

A :class:`Tactic` says which motions a vendor runs and how its reps pick targets;
the vendor delegates to it, so switching strategy (mechanism 10) is swapping one
object. The heavy lifting is done by the vectorized kernels in :mod:`sim.kernels`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Tactic:
    """What a strategy does.

    Attributes
    ----------
    name : str
        ``bottoms_up``, ``direct`` or ``hybrid``.
    self_serve : bool
        Runs self-service sign-up and marketing (mechanisms 1-3).
    outbound : bool
        Employs reps who prospect and sell (mechanisms 4-5).
    """

    name: str
    self_serve: bool
    outbound: bool

    def user_weight(self, user_preference: float) -> float:
        """How many times more its reps weigh an enterprise where its product has users.

        Hybrid reps go first where the product already has users, ``user_preference``
        times more (the ``hybrid_user_preference`` parameter: bottoms-up as lead
        generation for direct, seed 003); direct reps weigh by size alone (1).
        """
        return float(user_preference) if self.name == "hybrid" else 1.0

    def target_weights(
        self, sizes: np.ndarray, users_here: np.ndarray, user_preference: float
    ) -> np.ndarray:
        """Weights over enterprises for this vendor's outbound touches.

        Direct reps go where the money is (weight by size); hybrid reps weigh by size
        times :meth:`user_weight` where the product already has users. The engine
        applies the same rule in one compiled pass for all sellers
        (:func:`sim.compiled_deals.touch_weights`); this is its one-vendor form.
        """
        return sizes.astype(np.float64) * np.where(
            users_here > 0, self.user_weight(user_preference), 1.0
        )


TACTICS: dict[str, Tactic] = {
    "bottoms_up": Tactic("bottoms_up", self_serve=True, outbound=False),
    "direct": Tactic("direct", self_serve=False, outbound=True),
    "hybrid": Tactic("hybrid", self_serve=True, outbound=True),
}
