"""Org networks of every enterprise at once, and the one CSR adjacency that holds them.

Enterprises are disconnected blocks of consecutive employee ids: enterprise ``e``
holds ids ``offsets[e] .. offsets[e] + sizes[e] - 1`` and an employee's *local* id is
its rank inside its enterprise. Each generator takes the sizes of all enterprises and
returns one edge array over global ids, built with numpy across enterprises: no
Python object per employee or per edge and no networkx graph, so a million employees
build in seconds (networkx alone takes about 15 s for a graph of that size,
STACK-NOTES.md). :func:`build_adjacency` turns the edges into the symmetric CSR matrix
that the step kernels read.

The management tree is the breadth-first ``span``-ary tree of
``networkx.full_rary_tree`` (node ``i`` reports to ``(i - 1) // span``). The
small-world network (:mod:`sim.small_world`) follows
``networkx.watts_strogatz_graph`` in distribution (``tests/test_networks.py``
compares degrees and clustering).

References
----------
Kossinets, G. and Watts, D. J. (2006). Empirical analysis of an evolving social
network. Science 311 (email networks: mean degree 10-25, clustering 0.3-0.5).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def enterprise_offsets(sizes: np.ndarray) -> np.ndarray:
    """First global id of each enterprise (the running sum of sizes)."""
    return np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)


def local_ids(sizes: np.ndarray) -> np.ndarray:
    """Each employee's rank inside its enterprise, over all enterprises (int64)."""
    n = int(np.sum(sizes))
    return np.arange(n, dtype=np.int64) - np.repeat(enterprise_offsets(sizes), sizes)


def tree_depth(local: np.ndarray, span: int) -> np.ndarray:
    """Management level of local id ``i`` in the breadth-first ``span``-ary tree.

    Level ``L >= 1`` starts at ``1 + span + ... + span**(L-1)``; the depth is the
    number of level starts at or below ``i`` (0 for the chief executive).
    """
    depth = np.zeros(len(local), dtype=np.int16)
    start, width, top = 1, span, int(local.max(initial=0))
    while start <= top:
        depth += local >= start
        start += width
        width *= span
    return depth


def management_tree(n: int, span: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(parent, depth)`` of the breadth-first ``span``-ary tree on ``n`` nodes.

    ``parent[0] == -1`` (the chief executive). ``depth`` is the management level
    counted from the top (0 for the chief executive).
    """
    idx = np.arange(n)
    parent = np.where(idx == 0, -1, (idx - 1) // span)
    return parent, tree_depth(idx, span)


def department_heads(local: np.ndarray, depth: np.ndarray, span: int) -> np.ndarray:
    """Local id of each node's department: its ancestor at depth 1 (itself above that)."""
    head = local.copy()
    level = depth.astype(np.int64)
    for d in range(int(level.max(initial=0)), 1, -1):
        at = level == d
        head[at] = (head[at] - 1) // span
        level[at] -= 1
    return head


def hierarchy_edges(
    sizes: np.ndarray,
    span: int,
    cross_team_ties: float,
    rng: np.random.Generator,
    locality: float = 0.5,
) -> np.ndarray:
    """Management trees whose teams are cliques, plus random cross-team ties.

    A team is a manager and their direct reports; everyone in it knows everyone
    else. In an enterprise of ``n`` people, ``Binomial(n * cross_team_ties, 1/2)``
    extra ties join a uniformly drawn person to a member of their own department
    (share ``locality``, the ``cross_team_locality`` parameter) or to anyone in the
    enterprise, so each person gets ``cross_team_ties`` extra ties on average.

    The random draws are made enterprise by enterprise, in the order and with the
    calls of the one-enterprise generator this replaced, so a seed builds the same
    network as before; everything else is computed across enterprises at once.

    Returns
    -------
    ndarray of shape (m, 2)
        Undirected edges over global ids, possibly with duplicates and self-ties
        (:func:`build_adjacency` drops them).
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    offsets = enterprise_offsets(sizes)
    ends = np.repeat(offsets + sizes, sizes)
    local = local_ids(sizes)
    node = np.arange(len(local), dtype=np.int64)
    # manager <-> report
    reports = node[local >= 1]
    blocks = [np.column_stack([reports - local[reports] + (local[reports] - 1) // span, reports])]
    # report <-> report: siblings are consecutive ids in a block of `span`; pair each
    # with every later sibling of its block that exists.
    position = (local[reports] - 1) % span
    for gap in range(1, span):
        a = reports[(position + gap < span) & (reports + gap < ends[reports])]
        blocks.append(np.column_stack([a, a + gap]))
    if cross_team_ties > 0:
        blocks.append(_cross_team_ties(sizes, offsets, local, span, cross_team_ties, locality, rng))
    return np.concatenate(blocks)


def _cross_team_ties(
    sizes: np.ndarray,
    offsets: np.ndarray,
    local: np.ndarray,
    span: int,
    ties: float,
    locality: float,
    rng: np.random.Generator,
) -> np.ndarray:
    draws = _TieDraws(int(np.sum(sizes[sizes >= 2]) * ties / 2))
    for e, n in enumerate(sizes.tolist()):
        if n < 2:
            continue
        k = int(rng.binomial(n * ties, 0.5))
        if k:
            draws.add(e, n, k, rng)
    ent, src, u_member, anywhere, u_within = draws.arrays()
    if not len(ent):
        return np.empty((0, 2), dtype=np.int64)
    base = offsets[ent]
    src = base + src
    # a member of src's department: members of one department, in id order, are one
    # run of the ids sorted by (global) department head
    head = offsets.repeat(sizes) + department_heads(local, tree_depth(local, span), span)
    order = np.argsort(head, kind="stable")
    sorted_head = head[order]
    new_run = np.concatenate([[True], sorted_head[1:] != sorted_head[:-1]])
    run_start = np.flatnonzero(new_run)
    run_length = np.diff(np.append(run_start, len(head)))
    run_of = np.empty(len(head), dtype=np.int64)
    run_of[order] = np.cumsum(new_run) - 1
    run = run_of[src]
    within = order[run_start[run] + (u_member * run_length[run]).astype(np.int64)]
    dst = np.where(u_within < locality, within, base + anywhere)
    return np.column_stack([src, dst])


class _TieDraws:
    """The per-enterprise draws of cross-team ties, written into arrays that grow.

    The draws are those of the one-enterprise generator, call for call: the source,
    a uniform to pick a department member, a partner anywhere, a uniform to choose.
    """

    def __init__(self, expected: int) -> None:
        self.n = 0
        capacity = expected + 10 * int(np.sqrt(expected)) + 16  # a binomial total fits
        self._ent = np.empty(capacity, dtype=np.int64)
        self._src = np.empty(capacity, dtype=np.int64)
        self._u_member = np.empty(capacity)
        self._anywhere = np.empty(capacity, dtype=np.int64)
        self._u_within = np.empty(capacity)

    def add(self, e: int, n: int, k: int, rng: np.random.Generator) -> None:
        at, end = self.n, self.n + k
        if end > len(self._ent):
            for name in ("_ent", "_src", "_u_member", "_anywhere", "_u_within"):
                old = getattr(self, name)
                grown = np.empty(max(end, 2 * len(old)), dtype=old.dtype)
                grown[:at] = old[:at]
                setattr(self, name, grown)
        self._ent[at:end] = e
        self._src[at:end] = rng.integers(0, n, k)
        rng.random(out=self._u_member[at:end])
        self._anywhere[at:end] = rng.integers(0, n, k)
        rng.random(out=self._u_within[at:end])
        self.n = end

    def arrays(self) -> tuple[np.ndarray, ...]:
        n = self.n
        return (
            self._ent[:n],
            self._src[:n],
            self._u_member[:n],
            self._anywhere[:n],
            self._u_within[:n],
        )


def complete_edges(sizes: np.ndarray) -> np.ndarray:
    """Every pair inside each enterprise, as ``networkx.complete_graph`` (the Bass limit)."""
    sizes = np.asarray(sizes, dtype=np.int64)
    return complete_blocks(sizes, enterprise_offsets(sizes), sizes >= 2)


def complete_blocks(sizes: np.ndarray, offsets: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Every pair inside the chosen enterprises (one ``triu_indices`` per distinct size)."""
    blocks = [np.empty((0, 2), dtype=np.int64)]
    for n in np.unique(sizes[chosen & (sizes >= 2)]).tolist():
        a, b = np.triu_indices(n, k=1)
        starts = offsets[chosen & (sizes == n)]
        blocks.append(
            np.column_stack([(starts[:, None] + a).ravel(), (starts[:, None] + b).ravel()])
        )
    return np.concatenate(blocks)


def org_edges(
    kind: str,
    sizes: np.ndarray,
    *,
    span: int,
    cross_team_ties: float,
    small_world_k: int,
    small_world_p: float,
    rng: np.random.Generator,
    cross_team_locality: float = 0.5,
) -> np.ndarray:
    """Edges of every enterprise's network of the kind named by ``org_network``."""
    if kind == "hierarchy":
        return hierarchy_edges(sizes, span, cross_team_ties, rng, cross_team_locality)
    if kind == "small_world":
        from sim.small_world import small_world_edges

        return small_world_edges(sizes, small_world_k, small_world_p, rng)
    if kind == "complete":
        return complete_edges(sizes)
    raise ValueError(f"unknown org_network {kind!r}")


def build_adjacency(edges: np.ndarray, n: int) -> sp.csr_array:
    """One symmetric 0/1 CSR adjacency (float weights) over ``n`` employees; self-ties and repeats dropped.

    Column indices are int32 and sorted within each row, so equal edge sets give equal
    matrices whatever the order of ``edges``.
    """
    edges = edges[edges[:, 0] != edges[:, 1]]
    rows = np.concatenate([edges[:, 0], edges[:, 1]]).astype(np.int32)
    cols = np.concatenate([edges[:, 1], edges[:, 0]]).astype(np.int32)
    del edges
    adj = sp.coo_array((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n)).tocsr()
    adj.sum_duplicates()
    # weights 1.0 (not int8): a product A @ x then needs no conversion of A
    adj.data = np.ones(adj.nnz, dtype=np.float64)
    adj.indices = adj.indices.astype(np.int32, copy=False)
    return adj
