"""Designs: which parameter points a sweep runs.

Every design first draws points in the unit cube, one column per varied parameter,
then maps each column onto the parameter's values (:meth:`Varied.from_unit`), so a
list of levels, a linear, log or integer range behave the same in every design.

- ``grid``: every combination of the levels (the only design that needs levels).
- ``random``: independent uniform points.
- ``lhs``: a Latin hypercube (``scipy.stats.qmc.LatinHypercube``; McKay et al. 1979).
- ``sobol``: Saltelli's extension of a Sobol' sequence (``SALib.sample.sobol``;
  Saltelli 2002, Saltelli et al. 2010) for first- and total-order indices.
- ``morris``: Morris trajectories (``SALib.sample.morris``; Morris 1991) for
  elementary effects.

The unit-cube matrix is kept for Sobol' and Morris: SALib's analysis needs the points
in the order and the space they were sampled in.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from experiments.sweep.spec import Spec, SpecError


@dataclass(frozen=True)
class DesignPoints:
    """The points of a design, in design order.

    Parameters
    ----------
    points : list of dict
        The varied parameters' values at each point.
    unit : ndarray or None
        ``(n_points, n_varied)`` coordinates in the unit cube for Sobol' and Morris
        (SALib's problem space), else None.
    """

    points: list[dict[str, Any]]
    unit: np.ndarray | None = None
    streams: list[int] | None = None
    """Each point's random stream when the design has the noise dummy, else None."""


NOISE_DUMMY = "(noise dummy)"
"""The name of the noise dummy's column in SALib's problem and in the index tables."""


def salib_problem(spec: Spec) -> dict[str, Any]:
    """SALib's problem: every varied parameter on ``[0, 1]`` (mapped onto its values),
    then the noise dummy if the design has one."""
    names = spec.varied_names + ([NOISE_DUMMY] if spec.design.dummy else [])
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def count_points(spec: Spec) -> int:
    """Number of points without drawing them (to refuse huge specs early)."""
    d, n = len(spec.vary) + spec.design.columns_extra, spec.design.samples or 0
    kind = spec.design.kind
    if kind == "grid":
        # Python integers: no overflow however many levels (numpy's product would wrap)
        return math.prod(len(v.levels or ()) for v in spec.vary)
    if kind == "sobol":
        return n * (2 * d + 2 if spec.design.second_order else d + 2)
    if kind == "morris":
        return n * (d + 1)
    return n


def design_seed(spec: Spec) -> int:
    """The sampler's seed: ``[design] seed`` if given, else the root seed."""
    return spec.root_seed if spec.design.seed is None else spec.design.seed


def build_design(spec: Spec) -> DesignPoints:
    """Draw the points of ``spec``'s design (deterministic for a given spec)."""
    kind = spec.design.kind
    if kind == "grid":
        combos = itertools.product(*(v.levels or () for v in spec.vary))
        return DesignPoints([dict(zip(spec.varied_names, c, strict=True)) for c in combos])
    unit = _unit_points(spec)
    columns = [v.from_unit(unit[:, j]) for j, v in enumerate(spec.vary)]
    points = [dict(zip(spec.varied_names, row, strict=True)) for row in zip(*columns, strict=True)]
    keep_unit = unit if kind in ("sobol", "morris") else None
    streams = None
    if spec.design.dummy:
        # the dummy's coordinate picks a random stream: points that share it share draws
        streams = [int(u * STREAMS) for u in np.clip(unit[:, len(spec.vary)], 0.0, 1.0)]
    return DesignPoints(points, keep_unit, streams)


STREAMS = 2**31
"""The noise dummy's unit coordinate is cut into this many random streams."""


def _unit_points(spec: Spec) -> np.ndarray:
    d, n, seed = (
        len(spec.vary) + spec.design.columns_extra,
        spec.design.samples or 0,
        design_seed(spec),
    )
    kind = spec.design.kind
    if kind == "random":
        return np.random.default_rng(np.random.SeedSequence(seed)).random((n, d))
    if kind == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(n)
    problem = salib_problem(spec)
    if kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, n, calc_second_order=spec.design.second_order, seed=seed)
    if kind == "morris":
        from SALib.sample import morris

        return morris.sample(problem, n, num_levels=spec.design.levels, seed=seed)
    raise SpecError(f"[design] kind = {kind!r} is not a design")  # parse_spec already refused it
