"""What the study pool's forkserver loads once, so that no worker forked from it does.

Imported by the forkserver of :mod:`experiments.study_pool` (its ``PRELOAD``), never
by the caller. Importing the model and building and stepping a one-enterprise market
here imports Mesa, SciPy's sparse arrays and Numba and loads every compiled kernel
from Numba's cache (:func:`sim.compiled.warm_up`, :func:`sim.compiled_deals.warm_up`,
called by :class:`sim.model.MarketModel`): about 2 s of CPU that each worker paid on
its first run before (docs/performance.md, "Numba's cost"). A forked worker inherits
the loaded dispatchers and compiles or loads nothing more
(``tests/test_study_pool.py::test_a_forked_worker_loads_no_kernel``). Nothing here
starts a thread: the forkserver must stay safe to fork.
"""

from __future__ import annotations

import contextlib

from sim.long_lived import freeze_long_lived
from sim.model import MarketModel


def build_and_step() -> None:
    """Build a one-enterprise market and step it once: the model's imports, its compiled
    kernels and first-call caches, loaded in milliseconds once they are (a worker's
    warm-up, :func:`experiments.study_pool._warm`, calls it too)."""
    MarketModel(rng=1, n_enterprises=1, enterprise_size_max=20).step()


# should this fail, the forkserver still starts (it survives only an ImportError), and
# each worker meets the error again in its own first build, reported with its run
with contextlib.suppress(Exception):
    build_and_step()
# what every forked worker inherits lives as long as it does: no full collection walks
# it again (sim.long_lived; Python's documentation advises freezing before forking)
freeze_long_lived()
