"""Org networks built across enterprises with numpy, against the networkx generators."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from sim.networks import (
    build_adjacency,
    complete_edges,
    enterprise_offsets,
    hierarchy_edges,
    management_tree,
)
from sim.small_world import small_world_edges


def graphs_of(edges: np.ndarray, sizes: list[int]) -> list[nx.Graph]:
    """Split global edges into one networkx graph per enterprise, on local ids."""
    sizes_a = np.asarray(sizes)
    adj = build_adjacency(edges, int(sizes_a.sum()))
    graphs = []
    for off, n in zip(enterprise_offsets(sizes_a), sizes, strict=True):
        block = adj[off : off + n][:, off : off + n]
        graphs.append(nx.from_scipy_sparse_array(block))
    # no tie crosses enterprises
    assert sum(g.number_of_edges() for g in graphs) == adj.nnz // 2
    return graphs


def same_edges(a: nx.Graph, b: nx.Graph) -> bool:
    return {frozenset(e) for e in a.edges()} == {frozenset(e) for e in b.edges()}


@pytest.mark.parametrize("span", [2, 3, 8])
def test_hierarchy_without_cross_ties_is_the_tree_with_team_cliques(span):
    sizes = [1, 2, 9, 10, 75, 300]
    edges = hierarchy_edges(np.array(sizes), span, 0.0, np.random.default_rng(0))
    for n, graph in zip(sizes, graphs_of(edges, sizes), strict=True):
        expected = nx.full_rary_tree(span, n)
        for manager in range(n):
            team = list(range(manager * span + 1, min(n, manager * span + span + 1)))
            expected.add_edges_from((a, b) for i, a in enumerate(team) for b in team[i + 1 :])
        assert same_edges(graph, expected), n


def test_cross_team_ties_mostly_stay_in_the_department():
    sizes = np.array([400] * 20)
    span, ties = 8, 3.0
    plain = hierarchy_edges(sizes, span, 0.0, np.random.default_rng(1))
    rich = hierarchy_edges(sizes, span, ties, np.random.default_rng(1), locality=0.8)
    extra = rich[len(plain) :]
    # Binomial(n * ties, 1/2) ties per enterprise: ties/2 per person
    assert abs(len(extra) / sizes.sum() - ties / 2) < 0.05
    local = extra % 400
    _, depth = management_tree(400, span)
    head = local.copy()
    while (depth[head] > 1).any():
        deep = depth[head] > 1
        head[deep] = (head[deep] - 1) // span
    same = (head[:, 0] == head[:, 1]).mean()
    # 80% drawn inside the department, plus the outside draws that land there by chance
    assert 0.8 <= same <= 0.9


def degree_and_clustering(graphs: list[nx.Graph]) -> np.ndarray:
    return np.array(
        [
            [np.var([d for _, d in g.degree()]), nx.average_clustering(g), nx.transitivity(g)]
            for g in graphs
        ]
    )


@pytest.mark.parametrize(("n", "k", "p"), [(60, 10, 0.1), (150, 6, 0.3), (40, 4, 0.9)])
def test_small_world_matches_networkx_in_distribution(n, k, p):
    """Degree spread and clustering agree with networkx within 4 standard errors."""
    seeds = 40
    sizes = [n] * seeds
    ours = graphs_of(small_world_edges(np.array(sizes), k, p, np.random.default_rng(7)), sizes)
    theirs = [nx.watts_strogatz_graph(n, k, p, seed=s) for s in range(seeds)]
    for g in ours:  # rewiring moves ties, never adds or drops one
        assert g.number_of_edges() == n * (k // 2)
    a, b = degree_and_clustering(ours), degree_and_clustering(theirs)
    se = np.sqrt(a.var(axis=0) / seeds + b.var(axis=0) / seeds)
    assert np.all(np.abs(a.mean(axis=0) - b.mean(axis=0)) <= 4 * se + 1e-9)


def test_small_world_of_tiny_enterprises_is_networkx_s():
    sizes = [1, 2, 3, 5, 11]
    k = 10
    graphs = graphs_of(small_world_edges(np.array(sizes), k, 0.5, np.random.default_rng(3)), sizes)
    for n, g in zip(sizes, graphs, strict=True):
        # k is capped at n - 1, so the ring already ties everyone: nothing to rewire
        assert same_edges(g, nx.complete_graph(n))


def test_complete_edges_are_networkx_complete_graphs():
    sizes = [1, 2, 7, 7, 30]
    for n, g in zip(sizes, graphs_of(complete_edges(np.array(sizes)), sizes), strict=True):
        assert same_edges(g, nx.complete_graph(n))


def test_adjacency_is_symmetric_simple_and_sorted():
    edges = np.array([[0, 1], [1, 0], [2, 2], [3, 1], [0, 1]])
    adj = build_adjacency(edges, 4)
    assert (adj != adj.T).nnz == 0
    assert adj.diagonal().sum() == 0
    assert adj.nnz == 4 and set(adj.data) == {1}
    assert adj.has_sorted_indices
