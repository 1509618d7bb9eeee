"""Colleague exposure: for each employee, a weight summed over the colleagues who use a product.

With ``w[j]`` the weight of employee ``j``'s product (``weight[v]`` for a user of
vendor ``v``, 0 for everyone else) the exposure is the sparse product ``A @ w`` over
the org network. Self-serve adoption uses it, with ``weight = virality * quality``,
as the colleague part of an upper bound on each candidate's chance to adopt
(:func:`sim.kernels.self_serve_adoption`).

:func:`colleague_exposure` computes it afresh, reading whichever side of the
network is cheapest. :class:`ColleagueExposure` keeps it between weeks: most people
keep their product from one week to the next, so adding ``A @ (w_new - w_old)`` over
the few who changed costs a fraction of the full product at a million employees.

Where the colleagues' weights are small (the default market: a candidate's degree times
the largest weight is about 0.04), :func:`below_bound_by_rows` needs no sums at all: a
candidate whose uniform is above that looser bound cannot adopt, and only the few below
it (a few percent) have their rows read, 0.2 ms a week less than the running sums at
100,000 employees (:func:`sim.kernels._rows_cheaper` chooses).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numba import njit

from sim.compiled import add_changes, changed_edges, product_weights, update_weights
from sim.compiled_prefetch import prefetch
from sim.csr import gather_rows

_NONE = np.empty(0)  # no previous week's weights
_AT_ONCE = np.empty(0, dtype=np.int64)  # the sums are the candidates' own, in order

# Weeks between fresh computations: bounds the rounding a long run of updates adds
# (each update adds about 1e-16 of the sum; 52 of them stay far below the 1e-9 slack
# of the adoption bound).
REFRESH_WEEKS = 52


def colleague_exposure(
    adj: sp.csr_array, product: np.ndarray, candidates: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """For each candidate, ``weight[v]`` summed over its neighbours who use vendor ``v``.

    ``weight`` is indexed by vendor code (0 for vendors not counted). This is one
    sparse product ``(A @ w)[candidates]``, read the cheapest way: from the
    candidates' rows or the users' rows when they hold under an eighth of the edges,
    else as one matrix-vector product over the whole network, which costs about an
    eighth of a gather per edge (10 ms at a million employees and 12 million ties; the
    adjacency's float weights spare a conversion).
    """
    by_code = np.concatenate([[0.0], weight])  # weight by product code + 1
    indptr = adj.indptr
    cand_edges = int((indptr[candidates + 1] - indptr[candidates]).sum())
    if 8 * cand_edges <= adj.nnz:  # few candidates: no pass over everyone
        owner, nbr = gather_rows(adj, candidates)
        sums = np.bincount(owner, weights=by_code[product[nbr] + 1], minlength=len(candidates))
        return sums.astype(np.float64, copy=False)  # float even with no edges
    w = by_code[product + 1]
    users = np.flatnonzero(w)
    user_edges = int((indptr[users + 1] - indptr[users]).sum())
    if adj.data.dtype != np.float64 and cand_edges <= user_edges:  # no product: gather
        owner, nbr = gather_rows(adj, candidates)
        return np.bincount(owner, weights=w[nbr], minlength=len(candidates)).astype(np.float64)
    return _all_sums(adj, w, users)[candidates]


class ColleagueExposure:
    """``A @ w`` kept from week to week and updated where ``w`` changed.

    Parameters
    ----------
    adjacency : the org network (symmetric CSR).

    Notes
    -----
    Each call compares ``w`` (kept in place, :func:`sim.compiled.update_weights`) with
    the products and weights it is given, so any change (an adopter, a churned user, a
    leaver, a rollout, a vendor's exit or a changed trait) is caught, whatever code
    made it. When few candidates remain, reading their rows is cheaper than keeping the
    sums: the sums are then dropped and rebuilt when needed again.
    """

    def __init__(self, adjacency: sp.csr_array) -> None:
        self.adjacency = adjacency
        self._w: np.ndarray | None = None
        self._sums: np.ndarray | None = None
        self._scratch: np.ndarray | None = None  # zeros: add_changes' per-neighbour sums
        self._weeks = 0  # updates since the last fresh computation
        self.updates = 0  # how many calls updated rather than recomputed (for tests)

    def of(self, candidates: np.ndarray, product: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Exposure of each candidate this week (``weight`` indexed by vendor code)."""
        values, at = self.sums(candidates, product, np.concatenate([[0.0], weight]))
        return values if at is _AT_ONCE else values[at]

    def sums(
        self, candidates: np.ndarray, product: np.ndarray, by_code: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """This week's exposure, where it is kept: ``(values, at)``.

        Candidate ``i``'s exposure is ``values[at[i]]`` (the running sums of every
        employee, ``at`` the candidates), or ``values[i]`` when ``at`` is empty (sums
        computed afresh for the candidates alone). ``by_code[v + 1]`` is the weight of
        product ``v`` (``by_code[0] = 0``: no product). Not gathering the candidates'
        values spares a copy of them a week; the caller reads them in place
        (:func:`sim.compiled_selfserve.below_bound_at`).
        """
        adj = self.adjacency
        indptr = adj.indptr
        if 8 * changed_edges(indptr, candidates) <= adj.nnz:
            self._w = self._sums = None
            return colleague_exposure(adj, product, candidates, by_code[1:]), _AT_ONCE
        if self._w is None:  # kept in place from now on (update_weights)
            self._w, changed = product_weights(product, by_code, _NONE)
            delta = None
        else:
            changed, delta = update_weights(product, by_code, self._w)
        if (
            delta is None
            or self._weeks >= REFRESH_WEEKS
            or 8 * changed_edges(indptr, changed) > adj.nnz
        ):
            users = np.flatnonzero(self._w)
            self._sums = _all_sums(adj, self._w, users)
            self._weeks = 0
        elif len(changed):
            if self._scratch is None or len(self._scratch) != len(self._w):
                self._scratch = np.zeros(len(self._w))
            add_changes(self._sums, changed, delta, indptr, adj.indices, self._scratch)
            self._weeks += 1
            self.updates += 1
        return self._sums, candidates


def _all_sums(adj: sp.csr_array, w: np.ndarray, users: np.ndarray) -> np.ndarray:
    """``A @ w`` for every employee, from the users' rows or as one product."""
    indptr = adj.indptr
    user_edges = int((indptr[users + 1] - indptr[users]).sum())
    if adj.data.dtype == np.float64 and 8 * user_edges > adj.nnz:
        return adj @ w
    owner, nbr = gather_rows(adj, users)
    return np.bincount(nbr, weights=w[users][owner], minlength=len(w)).astype(np.float64)


_AHEAD = 16  # candidates whose degree and openness are asked for ahead (32: no better)
_ROWS_AHEAD = (
    8  # rows asked for ahead (16: no better; prefetching their colleagues' products: worse)
)


@njit(cache=True, nogil=True)
def below_bound_by_rows(
    candidates, uniforms, openness, open_at, indptr, indices, product, by_code, marketing, top
):
    """Positions ``i`` of the candidates whose uniform falls below their bound on adopting,
    with no running sums: each candidate's colleague exposure is first bounded by its
    degree times ``top`` (the largest weight, at least 0), and only a candidate whose
    uniform falls below that looser bound has its row read, its exposure summed in row
    order (as :func:`colleague_exposure`'s bincount sums it) and the bound of
    :func:`sim.compiled_selfserve.below_bound_at` applied, in its order. Openness as
    there (``open_at`` empty: position ``i``).

    Two passes: the loose bounds first (each candidate's degree and openness asked for
    ``_AHEAD`` candidates before it is read), then the rows of the few below theirs
    (each row's first line asked for ``_ROWS_AHEAD`` rows before):
    :mod:`sim.compiled_prefetch`. The arrays are cold by the time a week reads them, and
    the rows, read one after another, each waited on memory (0.19 ms a week at 100,000
    employees, 0.13 with the lines on their way).
    """
    n = uniforms.shape[0]
    gather_open = open_at.shape[0] > 0
    for i in range(min(_AHEAD, n)):
        prefetch(indptr, candidates[i])
        if gather_open:
            prefetch(openness, open_at[i])
    below = np.empty(n, dtype=np.int64)  # positions below their loose bound
    m = 0
    for i in range(n):
        if i + _AHEAD < n:
            prefetch(indptr, candidates[i + _AHEAD])
            if gather_open:
                prefetch(openness, open_at[i + _AHEAD])
        r = candidates[i]
        o = openness[open_at[i]] if gather_open else openness[i]
        loose = (indptr[r + 1] - indptr[r]) * top + o * marketing
        loose *= 1.0 + 1e-9
        loose += 1e-9
        below[m] = i
        m += uniforms[i] < loose
    for j in range(min(_ROWS_AHEAD, m)):
        prefetch(indices, indptr[candidates[below[j]]])
    out = np.empty(m, dtype=np.int64)
    k = 0
    for j in range(m):
        if j + _ROWS_AHEAD < m:
            prefetch(indices, indptr[candidates[below[j + _ROWS_AHEAD]]])
        i = below[j]
        r = candidates[i]
        x = 0.0
        for t in range(indptr[r], indptr[r + 1]):
            x += by_code[product[indices[t]] + 1]
        o = openness[open_at[i]] if gather_open else openness[i]
        bound = x + o * marketing
        bound *= 1.0 + 1e-9
        bound += 1e-9
        if uniforms[i] < bound:
            out[k] = i
            k += 1
    return out[:k]
