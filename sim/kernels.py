"""Per-employee kernels of mechanisms 1 and 2: self-serve adoption and user churn.

Each kernel is a function of arrays and a ``numpy.random.Generator``; none loops
over employees in Python. Adoption bounds every candidate's chance with the colleague
exposure (:mod:`sim.exposure`, which reads whichever side of the network is cheaper)
and computes exact per-vendor chances only for the few candidates below the bound, so
a step's cost does not grow with ``n_employees * n_vendors``. The loops are compiled
(:mod:`sim.compiled_selfserve`); the uniforms are drawn here, in the order and number
the numpy code drew them.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sim.compiled import users_of
from sim.compiled_selfserve import adoption_rows, below_bound_at, churned_by_skips, pick_vendors
from sim.compiled_skips import generator_pointers, uniforms_below
from sim.csr import gather_rows  # noqa: F401 (sim.contracting imports it from here)
from sim.exposure import ColleagueExposure, below_bound_by_rows, colleague_exposure

_EMPTY = np.empty(0, dtype=np.int64)  # no one (read only: never written into)
_POWERS: dict[bytes, np.ndarray] = {}  # colleague_powers' tables, by their base's bytes
_POWERS_WIDTH = 64  # colleagues on one product the first table covers (wider when needed)


def self_serve_adoption(
    rng: np.random.Generator,
    *,
    candidates: np.ndarray,
    adjacency: sp.csr_array,
    product: np.ndarray,
    openness: np.ndarray,
    brand: np.ndarray | None,
    vendors: np.ndarray,
    reach: np.ndarray,
    quality: np.ndarray,
    virality: np.ndarray,
    collaborative: np.ndarray,
    adoption_threshold: int,
    n_vendor_codes: int,
    brand_row: np.ndarray | None = None,
    exposure: ColleagueExposure | None = None,
    by_employee: bool = False,
    read_rows: bool = False,
    max_degree: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Mechanism 1: who signs up for which self-serve product this week.

    Parameters
    ----------
    candidates : int array
        Employees who may adopt (no product, enterprise not on-prem only).
    adjacency, product : the org network and each employee's product code.
    openness : float array over candidates (over employees with ``by_employee``).
    brand : float array (n_rows, n_vendors), or None
        The vendors' brand, one row per candidate, or per enterprise with
        ``brand_row`` (None: intact everywhere).
    brand_row : int array over candidates (over employees with ``by_employee``), optional
        Row of ``brand`` for each candidate (its enterprise), so that the brand of
        every (candidate, vendor) pair is never spelled out; only the few candidates
        who may adopt read theirs.
    exposure : ColleagueExposure, optional
        The model's running sums of colleagues' virality (kept between weeks and
        updated where products changed); without it they are computed afresh.
    vendors : int array
        Codes of the self-serve vendors; the trait arrays are aligned with it.
    by_employee : bool
        ``openness`` and ``brand_row`` are indexed by employee id (the model's own
        arrays): no per-candidate copy of them is made, only the few candidates who
        may adopt are read.
    read_rows : bool
        Where that reads few edges (:func:`_rows_cheaper`), bound each candidate by
        its degree times the largest weight first and read the rows of the few below
        that (:func:`sim.exposure.below_bound_by_rows`): neither ``exposure``'s running
        sums nor a pass over every employee. Only the candidates whose uniform falls
        below the loosest bound of all (``max_degree`` times the largest weight plus
        the marketing hazard) are drawn, by skipping (:mod:`sim.compiled_skips`).
    max_degree : int, optional
        The network's largest degree (the model keeps it; computed when not given).

    Returns
    -------
    (adopters, products) : int arrays
        Employee ids that adopt and the vendor code each adopts.

    Notes
    -----
    Marketing hazard ``a = reach * openness * quality``; colleague hazard
    ``b = 1 - (1 - virality * quality) ** k``, zero for a collaborative product while
    ``k < adoption_threshold`` (complex contagion, Centola and Macy 2007). Both are
    scaled by the brand. The chance of adopting anything is ``1 - prod (1-a)(1-b)``;
    the product is drawn in proportion to ``1 - (1-a)(1-b)``.

    Only a few candidates a week can adopt, so the exact chance is computed for
    those whose uniform draw falls below a cheap upper bound of it,
    ``1 - prod (1-x) <= sum x`` with ``b <= k * virality * quality`` and brand at most
    1: ``openness * sum(reach * quality) + sum over user colleagues of their
    product's virality * quality`` (:func:`colleague_exposure`, one sparse product).
    A candidate above the bound cannot adopt whatever the exact chance, so the draws
    and the result are those of computing every candidate's chance (same uniforms,
    same arithmetic on the rows that matter), at a cost that no longer grows with
    ``n_candidates * n_vendors``. The bound, the exact chances and the choice of the
    product are compiled loops (:mod:`sim.compiled_selfserve`).
    """
    m, c = len(vendors), len(candidates)
    if m == 0 or c == 0:
        return _EMPTY, _EMPTY
    rq = reach * quality
    vq = virality * quality
    by_code = np.zeros(n_vendor_codes + 1)  # weight by product code + 1 (0: no product)
    by_code[vendors + 1] = vq
    read_all = bool(rq.max() > 1.0 or vq.max() > 1.0 or (brand is not None and brand.max() > 1.0))
    open_at = candidates if by_employee else _EMPTY
    top, marketing = max(float(vq.max()), 0.0), float(rq.sum())
    if read_rows and not read_all and _rows_cheaper(adjacency, len(product), c, top, marketing):
        # a candidate's uniform matters only below its loose bound, degree x top +
        # openness x marketing, at most q for every candidate: only those below q are
        # drawn (sim.compiled_skips.uniforms_below; openness is at most 1)
        if max_degree is None:
            max_degree = int(np.diff(adjacency.indptr).max(initial=0))
        q = (max_degree * top + marketing) * (1.0 + 1e-9) + 1e-9
        reached, u = uniforms_below(generator_pointers(rng), q, c)
        indptr, indices = adjacency.indptr, adjacency.indices
        sub_open_at = candidates[reached] if by_employee else _EMPTY
        sub_openness = openness if by_employee else openness[reached]
        found = below_bound_by_rows(
            candidates[reached], u, sub_openness, sub_open_at, indptr, indices, product,
            by_code, marketing, top,
        )  # fmt: skip
        maybe, u_maybe = reached[found], u[found]
    else:
        if exposure is None:
            colleague, at = colleague_exposure(adjacency, product, candidates, by_code[1:]), _EMPTY
        else:
            colleague, at = exposure.sums(candidates, product, by_code)
        u = rng.random(c)
        # the bound plus a slack far above rounding (below 1e-12 here, running sums
        # included) keeps it an upper bound; hazards outside [0, 1]: the bound does not
        # hold, every candidate is read
        maybe = below_bound_at(colleague, at, openness, open_at, float(rq.sum()), u, read_all)
        u_maybe = u[maybe]
    if not len(maybe):
        return _EMPTY, _EMPTY
    ids = candidates[maybe]
    at_rows = ids if by_employee else maybe
    if brand is None:
        brand_rows = np.zeros((0, m))
    else:
        brand_rows = brand[maybe if brand_row is None else brand_row[at_rows]]
    lookup = np.full(n_vendor_codes + 1, -1, dtype=np.int64)  # column by product code + 1
    lookup[vendors + 1] = np.arange(m)
    args = (ids, u_maybe, openness[at_rows], brand_rows, product, adjacency.indptr)
    rest = (adjacency.indices, lookup, rq)
    flags = (np.asarray(collaborative, dtype=np.bool_), int(adoption_threshold))
    width = _POWERS_WIDTH
    while True:  # a wider table of powers only when a candidate has more colleagues
        powers = colleague_powers(1.0 - vq, width)
        rows, cum, k_max = adoption_rows(*args, *rest, powers, *flags)
        if k_max < powers.shape[1]:
            break
        width = 2 * k_max
    if not len(rows):
        return _EMPTY, _EMPTY
    pick = pick_vendors(cum, rng.random(len(rows)))
    return ids[rows], vendors[pick]


def _rows_cheaper(adjacency: sp.csr_array, n: int, c: int, top: float, marketing: float) -> bool:
    """Whether bounding by rows (:func:`sim.exposure.below_bound_by_rows`) reads fewer
    than a sixteenth of the network's edges, by an estimate of the edges it reads: ``c``
    candidates of mean degree ``d``, each read with a chance of at most its loose bound
    ``d * top + marketing``. The running sums cost about a pass over every employee plus
    the changed rows (0.4 ms a week at 100,000 employees); rows read at random cost
    more than a sixteenth of the edges of that (at 100,000 employees and 50 vendors: the
    default market reads some 30,000 edges of 1.3 million, 0.2 ms a week less; a viral
    one, ``d * top`` 0.4, some 300,000, 0.2 ms more).
    """
    d = adjacency.nnz / max(n, 1)
    return 16.0 * c * d * (d * top + marketing) <= adjacency.nnz


def colleague_powers(base: np.ndarray, width: int) -> np.ndarray:
    """``base[c] ** k`` for ``k < width``, one row per column, as numpy's power gives them.

    The colleague hazard ``1 - (1 - vq) ** k`` was computed by numpy, whose power
    differs from the C library's ``pow`` (what compiled code calls) in the last bit of
    about one value in twenty: the compiled loop reads the powers from this table
    instead, so its chances are numpy's bit for bit. Computed with the same dtypes and
    contiguous arrays as the numpy expression was (float base, int64 exponent), and
    kept between weeks (the traits change seldom): a dictionary lookup a week.
    """
    key = base.tobytes()
    table = _POWERS.get(key)
    if table is None or table.shape[1] < width:
        if len(_POWERS) >= 256:  # traits that keep changing: keep the memory bounded
            _POWERS.clear()
        m = len(base)
        exponents = np.tile(np.arange(width, dtype=np.int64), m)
        table = (np.repeat(base, width) ** exponents).reshape(m, width)
        _POWERS[key] = table
    return table


def user_churn(
    rng: np.random.Generator,
    *,
    adjacency: sp.csr_array,
    product: np.ndarray,
    user_churn_rate: float,
    quality: np.ndarray,
    collaborative: np.ndarray,
    users: np.ndarray | None = None,
) -> np.ndarray:
    """Mechanism 2: which users stop using their product this week.

    A user of ``v`` stops with probability ``user_churn * (1 - quality_v)``, times
    ``(1 - s)`` for a collaborative product where ``s`` is the share of the user's
    neighbours on the same product. ``quality`` and ``collaborative`` are indexed by
    vendor code. The users whose uniform could fall below their chance are reached by
    skipping (:mod:`sim.compiled_skips`), each then judged on a uniform of its own, in
    one compiled pass (:func:`sim.compiled_selfserve.churned_by_skips`): the law of a
    uniform per user, with a draw per user who might stop. ``users``: the ids of the
    employees with a product, ascending, if the caller has them already.
    """
    if users is None:
        users = users_of(product)
    if not len(users) or user_churn_rate == 0:
        return np.empty(0, dtype=np.int64)
    return churned_by_skips(
        generator_pointers(rng),
        users,
        product,
        adjacency.indptr,
        adjacency.indices,
        float(user_churn_rate),
        np.asarray(quality, dtype=np.float64),
        np.asarray(collaborative, dtype=np.bool_),
    )


def sample_by_column(
    rng: np.random.Generator, weights: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``counts[c]`` rows with probability proportional to ``weights[:, c]``, for every c.

    Inverse-CDF sampling for all columns at once: column ``c``'s normalised CDF is
    shifted by ``c``, so one ``searchsorted`` over the stacked CDFs serves them all.
    Columns whose weights sum to zero must have a count of zero.

    Returns
    -------
    (rows, columns) : int arrays of length ``counts.sum()``, grouped by column.
    """
    n_rows, n_cols = weights.shape
    cum = np.cumsum(weights, axis=0)
    totals = cum[-1]
    if np.any((totals <= 0) & (counts > 0)):
        raise ValueError("a column with no weight cannot be sampled")
    stacked = (cum / np.where(totals > 0, totals, 1.0) + np.arange(n_cols)).T.ravel()
    col = np.repeat(np.arange(n_cols), counts)
    pos = np.searchsorted(stacked, rng.random(len(col)) + col, side="right")
    return np.minimum(pos - col * n_rows, n_rows - 1), col
