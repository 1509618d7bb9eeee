"""The org network of one enterprise and the market map, as ECharts options.

Layout is the expensive part of drawing a network (a spring layout of 1,000 nodes
takes seconds, STACK-NOTES.md), and an org network does not change while the model
runs: only who uses what does. So positions are computed once per enterprise by a
linear-time radial tree layout (rings = distance from the most senior employee,
angles from a depth-first walk of the breadth-first tree) and cached by the caller;
each step only recolours the nodes.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np
import scipy.sparse as sp

from gui.charts import NO_PRODUCT_COLOR, vendor_color


def radial_tree_layout(adjacency: sp.csr_matrix, depth: np.ndarray | None = None) -> np.ndarray:
    """Positions (n x 2, within the unit disc) for the nodes of one org network.

    Parameters
    ----------
    adjacency : scipy.sparse.csr_matrix
        Symmetric n x n adjacency of the enterprise's employees.
    depth : numpy.ndarray, optional
        Management level per employee; the root is the shallowest (the chief executive).

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` float array. The tree is a breadth-first tree from the root; nodes
        in other components are placed on the outer ring after it. Runs in O(n + edges).
    """
    adjacency = sp.csr_matrix(adjacency)
    n = adjacency.shape[0]
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.zeros((1, 2))
    indptr, indices = adjacency.indptr, adjacency.indices
    parent = np.full(n, -1, dtype=np.int64)
    ring = np.full(n, -1, dtype=np.int64)
    children: list[list[int]] = [[] for _ in range(n)]
    order = np.argsort(depth, kind="stable") if depth is not None else np.arange(n)
    roots = []
    for start in order:
        if ring[start] >= 0:
            continue
        roots.append(int(start))
        ring[start] = 0
        queue = deque([int(start)])
        while queue:
            u = queue.popleft()
            for w in indices[indptr[u] : indptr[u + 1]]:
                if ring[w] < 0:
                    ring[w] = ring[u] + 1
                    parent[w] = u
                    children[u].append(int(w))
                    queue.append(int(w))
    # angles: leaves get equal slices in depth-first order, parents the mean of children
    angle = np.zeros(n)
    leaves_seen = 0
    n_leaves = sum(1 for c in children if not c) or 1
    stack: list[tuple[int, bool]] = [(r, False) for r in reversed(roots)]
    while stack:
        u, done = stack.pop()
        if done:
            angle[u] = np.mean(angle[children[u]])
            continue
        if not children[u]:
            angle[u] = 2 * np.pi * leaves_seen / n_leaves
            leaves_seen += 1
            continue
        stack.append((u, True))
        stack.extend((c, False) for c in reversed(children[u]))
    max_ring = max(1, int(ring.max()))
    radius = ring / max_ring
    if len(roots) > 1:  # other components: put their roots on the rim, not at the centre
        radius[ring == 0] = 1.0
        radius[roots[0]] = 0.0
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def org_network_option(
    positions: np.ndarray,
    edges: np.ndarray,
    products: np.ndarray,
    vendor_names: list[str],
    buyers: np.ndarray,
    champion: int | None,
    buyer_roles: list[str] | None = None,
) -> dict:
    """ECharts graph option: employees coloured by product, buyers as diamonds, champion ringed.

    Parameters
    ----------
    positions : (n, 2) array from :func:`radial_tree_layout`.
    edges : (m, 2) int array of local node pairs (each undirected edge once).
    products : (n,) product code per employee, -1 for none.
    vendor_names : name per product code.
    buyers : local indices of the buying committee.
    champion : local index of the champion, or None.
    """
    buyer_set = {int(b): i for i, b in enumerate(buyers)}
    used = sorted({int(p) for p in products if p >= 0})
    category_of = {code: k + 1 for k, code in enumerate(used)}
    categories = [{"name": "no product", "itemStyle": {"color": NO_PRODUCT_COLOR}}] + [
        {"name": vendor_names[c], "itemStyle": {"color": vendor_color(c)}} for c in used
    ]
    scale = 300.0
    nodes = []
    for i, (x, y) in enumerate(positions):
        code = int(products[i])
        node: dict[str, Any] = {
            "id": str(i),
            "name": f"employee {i}: {vendor_names[code] if code >= 0 else 'no product'}",
            "x": round(float(x) * scale, 2),
            "y": round(float(y) * scale, 2),
            "symbolSize": 6 if len(positions) <= 1000 else 3,
            "category": category_of.get(code, 0),
        }
        if i in buyer_set:
            role = buyer_roles[buyer_set[i]] if buyer_roles else "buyer"
            node.update(symbol="diamond", symbolSize=11, name=node["name"] + f" ({role})")
            node["itemStyle"] = {"borderColor": "#000", "borderWidth": 1}
        if champion is not None and i == champion:
            node.update(symbol="circle", symbolSize=16, name=node["name"] + " (champion)")
            node["itemStyle"] = {"borderColor": "#ffd600", "borderWidth": 4}
        nodes.append(node)
    links = [{"source": str(int(a)), "target": str(int(b))} for a, b in edges]
    return {
        "animation": False,
        "tooltip": {"trigger": "item"},
        "legend": {"top": 0, "type": "scroll", "data": [c["name"] for c in categories]},
        "series": [
            {
                "type": "graph",
                "layout": "none",
                "roam": True,
                "top": 28,
                "bottom": 8,
                "left": 8,
                "right": 8,
                "data": nodes,
                "links": links,
                "categories": categories,
                "lineStyle": {"color": "#b0bec5", "width": 0.5, "opacity": 0.35},
                "emphasis": {"disabled": True},
            }
        ],
    }


def block_edges(adjacency: sp.csr_matrix) -> np.ndarray:
    """Each undirected edge of a symmetric adjacency once, as an (m, 2) int array."""
    upper = sp.triu(adjacency, k=1).tocoo()
    return np.column_stack([upper.row, upper.col]).astype(np.int64)


def main_vendor_codes(
    emp_enterprise: np.ndarray, emp_product: np.ndarray, n_enterprises: int
) -> np.ndarray:
    """Product code with most users in each enterprise (-1 where nobody uses a product)."""
    users = emp_product >= 0
    if not users.any():
        return np.full(n_enterprises, -1, dtype=np.int64)
    n_codes = int(emp_product.max()) + 1
    counts = np.bincount(
        emp_enterprise[users] * n_codes + emp_product[users], minlength=n_enterprises * n_codes
    ).reshape(n_enterprises, n_codes)
    main = counts.argmax(axis=1)
    main[counts.max(axis=1) == 0] = -1
    return main


def market_map_option(
    sizes: np.ndarray,
    main_codes: np.ndarray,
    vendor_names: list[str],
    on_prem: np.ndarray | None = None,
    selected: int | None = None,
) -> dict:
    """Treemap of enterprises: area = employees, colour = main vendor (grey: none)."""
    data = []
    for e, (size, code) in enumerate(zip(sizes, main_codes, strict=True)):
        code = int(code)
        label = vendor_names[code] if code >= 0 else "none"
        item: dict[str, Any] = {
            "name": f"E{e}",
            "value": [int(size), e],
            "itemStyle": {"color": vendor_color(code) if code >= 0 else NO_PRODUCT_COLOR},
            "tooltip": {
                "formatter": f"E{e}: {int(size)} employees, main vendor {label}"
                + (", on-premise only" if on_prem is not None and on_prem[e] else "")
            },
        }
        if selected is not None and e == selected:
            item["itemStyle"].update(borderColor="#000", borderWidth=3)
        data.append(item)
    return {
        "animation": False,
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "treemap",
                "data": data,
                "roam": False,
                "nodeClick": False,
                "breadcrumb": {"show": False},
                "label": {"show": True, "formatter": "{b}", "fontSize": 9},
                "itemStyle": {"borderColor": "#fff", "borderWidth": 1, "gapWidth": 1},
                "left": 0,
                "right": 0,
                "top": 0,
                "bottom": 0,
            }
        ],
    }
