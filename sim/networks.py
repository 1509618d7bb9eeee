"""Org-network generators and the one CSR adjacency that holds them all.

Each generator is a pure function of its parameters and a seed (the NetworkX
convention) and returns an undirected edge list ``(u, v)`` over local node ids
``0..n-1``. :func:`build_adjacency` stacks the enterprises' edge lists into one
symmetric CSR matrix over global employee ids, which the step kernels read with
numpy only: no Python loop over employees, no networkx graph kept at run time.

The management tree is the breadth-first ``span``-ary tree of
``networkx.full_rary_tree`` (node ``i`` reports to ``(i - 1) // span``); it is
computed with numpy because at 20,000 employees and 200 enterprises building
networkx graphs would dominate model construction (tested equal in
``tests/test_networks.py``).

References
----------
Watts, D. J. and Strogatz, S. H. (1998). Collective dynamics of 'small-world'
networks. Nature 393.
Kossinets, G. and Watts, D. J. (2006). Empirical analysis of an evolving social
network. Science 311 (email networks: mean degree 10-25, clustering 0.3-0.5).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp


def management_tree(n: int, span: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(parent, depth)`` of the breadth-first ``span``-ary tree on ``n`` nodes.

    ``parent[0] == -1`` (the chief executive). ``depth`` is the management level
    counted from the top (0 for the chief executive).
    """
    idx = np.arange(n)
    parent = np.where(idx == 0, -1, (idx - 1) // span)
    depth = np.zeros(n, dtype=np.int16)
    # depth[i] = depth[parent[i]] + 1; parents precede children, so level by level.
    start, width, level = 1, span, 1
    while start < n:
        depth[start : start + width] = level
        start += width
        width *= span
        level += 1
    return parent, depth


def departments(parent: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Department of each node: its ancestor at depth 1 (the chief executive is 0)."""
    dept = np.where(depth <= 1, np.arange(len(parent)), 0)
    for level in range(2, int(depth.max(initial=0)) + 1):
        at = np.flatnonzero(depth == level)
        dept[at] = dept[parent[at]]
    return dept


def hierarchy_edges(
    n: int,
    span: int,
    cross_team_ties: float,
    rng: np.random.Generator,
    locality: float = 0.5,
) -> np.ndarray:
    """Edges of a management tree whose teams are cliques, plus random cross-team ties.

    A team is a manager and their direct reports; everyone in it knows everyone
    else. Each person then gets on average ``cross_team_ties`` extra ties, a share
    ``locality`` of them inside their own department (``cross_team_locality``).

    Returns
    -------
    ndarray of shape (m, 2)
        Undirected edges, possibly with duplicates (removed by build_adjacency).
    """
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    parent, depth = management_tree(n, span)
    nodes = np.arange(1, n)
    # manager <-> report
    edges = [np.column_stack([parent[1:], nodes])]
    # report <-> report within one team: consecutive siblings share a parent, so
    # pair every node with each later sibling in the same block of `span`.
    for offset in range(1, span):
        a = nodes[:-offset]
        b = nodes[offset:]
        same = parent[a] == parent[b]
        edges.append(np.column_stack([a[same], b[same]]))
    n_extra = rng.binomial(n * cross_team_ties, 0.5) if cross_team_ties > 0 else 0
    if n_extra:
        dept = departments(parent, depth)
        src = rng.integers(0, n, n_extra)
        # within the department: pick a random member of src's department
        order = np.argsort(dept, kind="stable")
        sorted_dept = dept[order]
        lo = np.searchsorted(sorted_dept, dept[src], side="left")
        hi = np.searchsorted(sorted_dept, dept[src], side="right")
        within = order[lo + (rng.random(n_extra) * (hi - lo)).astype(np.int64)]
        anywhere = rng.integers(0, n, n_extra)
        dst = np.where(rng.random(n_extra) < locality, within, anywhere)
        edges.append(np.column_stack([src, dst]))
    return np.concatenate(edges)


def small_world_edges(n: int, k: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Edges of a Watts-Strogatz graph (networkx generator, seeded from ``rng``)."""
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    k = min(k, n - 1)
    if k < 2:
        return complete_edges(n)
    graph = nx.watts_strogatz_graph(n, k, p, seed=int(rng.integers(2**31)))
    return np.array(graph.edges(), dtype=np.int64).reshape(-1, 2)


def complete_edges(n: int) -> np.ndarray:
    """Every pair, as ``networkx.complete_graph`` would give (the Bass limit)."""
    a, b = np.triu_indices(n, k=1)
    return np.column_stack([a, b]).astype(np.int64)


def enterprise_edges(
    kind: str,
    n: int,
    *,
    span: int,
    cross_team_ties: float,
    small_world_k: int,
    small_world_p: float,
    rng: np.random.Generator,
    cross_team_locality: float = 0.5,
) -> np.ndarray:
    """Dispatch to the generator named by ``kind`` (the ``org_network`` parameter)."""
    if kind == "hierarchy":
        return hierarchy_edges(n, span, cross_team_ties, rng, cross_team_locality)
    if kind == "small_world":
        return small_world_edges(n, small_world_k, small_world_p, rng)
    if kind == "complete":
        return complete_edges(n)
    raise ValueError(f"unknown org_network {kind!r}")


def build_adjacency(edge_blocks: list[np.ndarray], offsets: np.ndarray, n: int) -> sp.csr_array:
    """Stack per-enterprise edge lists into one symmetric 0/1 CSR adjacency.

    Self-loops and duplicate edges are dropped.
    """
    shifted = [e + off for e, off in zip(edge_blocks, offsets, strict=True) if len(e)]
    if not shifted:
        return sp.csr_array((n, n), dtype=np.int8)
    edges = np.concatenate(shifted)
    edges = edges[edges[:, 0] != edges[:, 1]]
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    adj = sp.coo_array((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n)).tocsr()
    adj.sum_duplicates()
    adj.data[:] = 1
    adj.indices = adj.indices.astype(np.int32)
    return adj
