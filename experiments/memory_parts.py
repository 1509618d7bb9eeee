"""Bytes per employee and per tie of a default market, traced: where sim.budget's
EMPLOYEE_BYTES, ADOPTION_EMPLOYEE_BYTES, TIE_BYTES and TIE_BUILD_BYTES come from.

Builds a default market (50 vendors) under ``tracemalloc`` (numpy's allocations are
traced) and prints, per employee and per tie: what the market holds once built, the
build's peak, the CSR adjacency, the population's arrays, and the peak of a few weeks
above what is held. Run::

    python experiments/memory_parts.py 907 4     # about 100,000 employees, 4 weeks
    python experiments/memory_parts.py 9074 4    # about 1,000,000 employees

(issue 22 measured 79 bytes an employee at rest besides the CSR, 24.6 bytes a tie at
rest, 35 more a tie while built, 49-50 bytes an employee for a week's temporaries).
"""

from __future__ import annotations

import json
import sys
import tracemalloc

import numpy as np


def parts(n_enterprises: int, weeks: int) -> dict[str, float]:
    """Traced bytes of a default market of ``n_enterprises`` (module docstring)."""
    from sim.model import MarketModel

    MarketModel(rng=1, n_enterprises=1, enterprise_size_max=50).step()  # imports, caches
    tracemalloc.start()
    model = MarketModel.from_scenario(
        "default", rng=1, n_enterprises=n_enterprises, n_vendors=50, memory_limit_gb=1000
    )
    held, build_peak = tracemalloc.get_traced_memory()
    adj = model.population.adjacency
    csr = adj.data.nbytes + adj.indices.nbytes + adj.indptr.nbytes
    arrays = sum(v.nbytes for v in vars(model.population).values() if isinstance(v, np.ndarray))
    tracemalloc.reset_peak()
    for _ in range(weeks):
        model.step()
    week_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    n, ties = model.n_employees, adj.nnz / 2
    return {
        "employees": n,
        "ties": ties,
        "employee_at_rest_besides_csr": (held - csr) / n,
        "population_arrays_per_employee": arrays / n,
        "tie_at_rest": csr / ties,
        "tie_while_built_above_rest": (build_peak - held) / ties,
        "employee_week_temporaries": (week_peak - held) / n,
    }


if __name__ == "__main__":
    n_ent, weeks = (int(a) for a in (sys.argv[1:3] if len(sys.argv) > 2 else (907, 4)))
    print(json.dumps(parts(n_ent, weeks), indent=1))
