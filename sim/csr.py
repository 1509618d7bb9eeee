"""Reading rows of a CSR adjacency as flat arrays, the one gather every kernel uses."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def gather_rows(adj: sp.csr_array, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated CSR rows: for each listed row ``r`` and neighbour ``j``, yield (position of r, j)."""
    starts = adj.indptr[rows]
    lengths = adj.indptr[rows + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    owner = np.repeat(np.arange(len(rows)), lengths)
    # position in `indices` of the r-th neighbour of a row: starts[row] + r
    positions = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
    return owner, adj.indices[positions]
