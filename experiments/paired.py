"""Paired effects over common random numbers, and the verdicts of a claim.

A claim runs its two arms on the same seeds (seed ``i`` in both), so each seed gives
one paired difference ``left_i - right_i``. The effect is the mean difference and its
standard error ``sd(differences) / sqrt(n)`` (the paired t statistic's denominator):
pairing removes the seed-to-seed variation the two arms share, which is most of it
when the lever is small.

The verdicts use two standard errors, about a 95% two-sided interval for ten or more
seeds (the t quantile with 9 degrees of freedom is 2.26, with 19 it is 2.09; 2 is the
customary round figure, and a claim close to it is reported with its numbers either
way).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z = 2.0
"""Standard errors an effect must clear to count as real (about 95%, two-sided)."""

VANISH_SHARE = 0.2
"""An effect below this share of the mechanism-on effect, in size, counts as gone."""


@dataclass(frozen=True)
class PairedEffect:
    """The mean of per-seed paired differences and its standard error.

    Parameters
    ----------
    differences : numpy.ndarray
        ``left - right`` per seed, seeds in order (complete pairs only).
    missing : int
        Seeds left out because the metric was undefined (NaN) in either arm.
    """

    differences: np.ndarray
    missing: int = 0

    @classmethod
    def of(cls, left: np.ndarray, right: np.ndarray) -> PairedEffect:
        """Pair ``left[i]`` with ``right[i]`` (the same seed in both arms).

        A seed whose metric is undefined in either arm (a ratio with nothing to divide,
        for example no account landed) leaves the pair out in both arms, so the pairing
        holds; :attr:`missing` counts such seeds and the report shows them.
        """
        left, right = np.asarray(left, dtype=float), np.asarray(right, dtype=float)
        if left.shape != right.shape or left.ndim != 1:
            raise ValueError(
                f"paired arms need one value per seed each; got shapes {left.shape} and {right.shape}"
            )
        complete = ~(np.isnan(left) | np.isnan(right))
        return cls(left[complete] - right[complete], int(np.count_nonzero(~complete)))

    @property
    def n(self) -> int:
        return len(self.differences)

    @property
    def mean(self) -> float:
        return float(np.mean(self.differences)) if self.n else math.nan

    @property
    def se(self) -> float:
        """``sd / sqrt(n)`` with the sample standard deviation (``ddof=1``); NaN below 2 seeds."""
        if self.n < 2:
            return math.nan
        return float(np.std(self.differences, ddof=1) / math.sqrt(self.n))

    @property
    def z(self) -> float:
        """Effect in standard errors (infinite for a nonzero effect with no spread)."""
        if self.se > 0:
            return self.mean / self.se
        return 0.0 if self.mean == 0 else math.copysign(math.inf, self.mean)

    def signs(self, expected_sign: int) -> tuple[int, int, int]:
        """Seeds whose difference has ``expected_sign``, the other sign, and none (ties)."""
        d = self.differences
        agree = int(np.count_nonzero(np.sign(d) == expected_sign))
        tied = int(np.count_nonzero(d == 0))
        return agree, self.n - agree - tied, tied

    def sign_test_p(self, expected_sign: int) -> float:
        """Two-sided sign test of the seeds' directions (ties left out; NaN without any).

        A count of directions, not a mean: a few extreme seeds (a heavy-tailed metric such
        as CAC, where one seed's company lands one customer) cannot sway it. The claims'
        verdicts read the mean; the report shows this beside it.
        """
        from scipy.stats import binomtest

        agree, other, _ = self.signs(expected_sign)
        if agree + other == 0:
            return math.nan
        return float(binomtest(agree, agree + other, 0.5).pvalue)

    def __str__(self) -> str:
        gone = f" ({self.missing} seeds undefined)" if self.missing else ""
        return f"{self.mean:.4g} ± {self.se:.2g}{gone}"


def holds(effect: PairedEffect, expected_sign: int) -> bool:
    """The effect has the expected sign and is more than :data:`Z` standard errors from zero.

    A NaN effect (no finite values) never holds.
    """
    if expected_sign not in (-1, 1):
        raise ValueError(f"expected_sign must be +1 or -1, got {expected_sign!r}")
    if not math.isfinite(effect.mean) or math.isnan(effect.se):
        return False
    return bool(np.sign(effect.mean) == expected_sign and abs(effect.mean) > Z * effect.se)


def vanishes(on: PairedEffect, off: PairedEffect, expected_sign: int) -> bool:
    """With the mechanism off the claimed effect is gone: no effect in its direction remains.

    Gone means any of: within :data:`Z` SE of zero; below :data:`VANISH_SHARE` of the
    mechanism-on effect in size; or of the opposite sign to the one the claim expects.
    The last case is a lever with a cost as well as the benefit the claim names: switch
    the benefit's mechanism off and the cost is what is left (qualifying out prospects
    whose effort says nothing about the close only loses deals). The report shows the
    off-effect and the on-minus-off interaction either way. With no spread at all
    (identical arms) an exact zero counts as within 0 SE of zero.
    """
    if expected_sign not in (-1, 1):
        raise ValueError(f"expected_sign must be +1 or -1, got {expected_sign!r}")
    if not math.isfinite(off.mean) or math.isnan(off.se):
        return False
    if abs(off.mean) <= Z * off.se or np.sign(off.mean) == -expected_sign:
        return True
    return bool(math.isfinite(on.mean) and abs(off.mean) < VANISH_SHARE * abs(on.mean))
