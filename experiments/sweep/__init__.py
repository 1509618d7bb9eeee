"""Research sweeps: seeded runs on local processes or Dask, stored so none is lost or redone.

One concept per module: :mod:`.spec` (the TOML spec and its validation), :mod:`.design`
(grid, random, Latin hypercube, Sobol', Morris), :mod:`.seeding` (seeds, run keys,
model version), :mod:`.run` (one run, worker side), :mod:`.store` (the folder of part
files and the manifest), :mod:`.local` and :mod:`.cluster` (engines), :mod:`.runner`
(planning and driving), :mod:`.dataset` (``load``), :mod:`.memory` (per-point
memory at plan time), :mod:`.sensitivity` (indices, noise floor), :mod:`.convergence`,
:mod:`.charts` and :mod:`.report` (``salesweb report``). See ``docs/sweeps.md``.
"""

from experiments.sweep.dataset import SweepData, load
from experiments.sweep.spec import Spec, SpecError, load_spec

__all__ = ["Spec", "SpecError", "SweepData", "load", "load_spec"]
