"""The org network of one enterprise and the market map, as ECharts options.

Layout is the expensive part of drawing a network (a spring layout of 1,000 nodes
takes seconds, STACK-NOTES.md), and an org network does not change while the model
runs: only who uses what does. So positions are computed once per enterprise by a
linear-time radial tree layout (rings = distance from the most senior employee,
angles from a depth-first walk of the breadth-first tree) and cached by the caller;
each step only recolours the nodes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components

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
    # breadth-first trees in C (scipy): a complete graph of 1,000 has a million ties
    parent = np.full(n, -1, dtype=np.int64)
    ring = np.full(n, -1, dtype=np.int64)
    children: list[list[int]] = [[] for _ in range(n)]
    _, labels = connected_components(adjacency, directed=False)
    order = np.argsort(depth, kind="stable") if depth is not None else np.arange(n)
    roots: list[int] = []
    seen_labels: set[int] = set()
    for start in order:
        if int(labels[start]) in seen_labels:
            continue
        seen_labels.add(int(labels[start]))
        roots.append(int(start))
        visit, pred = breadth_first_order(
            adjacency, int(start), directed=False, return_predecessors=True
        )
        ring[start] = 0
        for w in visit[1:]:
            u = int(pred[w])
            ring[w] = ring[u] + 1
            parent[w] = u
            children[u].append(int(w))
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
    leaves = np.array([not c for c in children])
    stagger = (np.cumsum(leaves) % 3) * 0.05  # leaves alternate over three close radii
    radius = np.where(leaves & (ring > 0), radius * (1 - stagger), radius)
    if len(roots) > 1:  # other components: put their roots on the rim, not at the centre
        radius[ring == 0] = 1.0
        radius[roots[0]] = 0.0
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


ALL_TIES_UP_TO = 1500
"""Draw every tie up to this many employees; above it only the reporting tree."""

MAX_DRAWN_TIES = 8000
"""Draw every tie up to this many ties; above it (a complete graph) only the tree."""


def drawn_edges(adjacency: sp.csr_matrix, depth: np.ndarray | None = None) -> np.ndarray:
    """The ties worth drawing: all of them in a small org, the reporting tree in a big one.

    A 4,000-person org has about 22,000 ties (a complete graph of 1,000 half a
    million): megabytes of coordinates per redraw and a grey smudge on screen. Above
    :data:`ALL_TIES_UP_TO` employees or :data:`MAX_DRAWN_TIES` ties we draw the
    breadth-first tree from the most senior employee instead (n - 1 edges).
    """
    n = adjacency.shape[0]
    if n <= ALL_TIES_UP_TO and adjacency.nnz // 2 <= MAX_DRAWN_TIES:
        return block_edges(adjacency)
    root = int(np.argmin(depth)) if depth is not None else 0
    order, pred = breadth_first_order(adjacency, root, directed=False, return_predecessors=True)
    child = order[1:]
    return np.column_stack([pred[child], child]).astype(np.int64)


def tie_segments(positions: np.ndarray, edges: np.ndarray) -> list[list[list[float]]]:
    """Line segments ``[[x1, y1], [x2, y2]]`` of the ties, for the ``lines`` series.

    Positions never move, so callers compute this once per enterprise and cache it.
    """
    xy = np.round(np.asarray(positions, dtype=float), 4)
    return np.stack([xy[edges[:, 0]], xy[edges[:, 1]]], axis=1).tolist() if len(edges) else []


def org_network_option(
    positions: np.ndarray,
    edges: np.ndarray,
    products: np.ndarray,
    vendor_names: list[str],
    buyers: np.ndarray,
    champion: int | None,
    buyer_roles: list[str] | None = None,
    segments: list | None = None,
) -> dict:
    """ECharts option: employees coloured by product, buyers as diamonds, champion ringed.

    Drawn as scatter series (one per product, so the legend names the colours) over
    a single ``lines`` series for the ties in ``large`` mode: ECharts' ``graph``
    series draws each tie as its own element and took 200-700 ms per redraw at 400
    employees in headless Chromium; this takes a few tens of ms.

    Parameters
    ----------
    positions : (n, 2) array from :func:`radial_tree_layout`.
    edges : (m, 2) int array of local node pairs (each undirected edge once).
    products : (n,) product code per employee, -1 for none.
    vendor_names : name per product code.
    buyers : local indices of the buying committee.
    champion : local index of the champion, or None.
    buyer_roles : committee role per buyer, for the tooltip.
    segments : the ties as :func:`tie_segments` returns them (cached by the caller).
    """
    xy = np.round(np.asarray(positions, dtype=float), 4)
    products = np.asarray(products)
    node_size = 6 if len(xy) <= 1000 else 3
    series: list[dict[str, Any]] = [
        {
            "type": "lines",
            "name": "ties",
            "coordinateSystem": "cartesian2d",
            "large": True,
            "largeThreshold": 50,
            "silent": True,
            "lineStyle": {"color": "#b0bec5", "width": 0.5, "opacity": 0.35},
            "data": segments if segments is not None else tie_segments(positions, edges),
        }
    ]
    codes = [-1] + sorted({int(p) for p in products if p >= 0})
    for code in codes:
        members = np.flatnonzero(products == code)
        series.append(
            {
                "type": "scatter",
                "name": vendor_names[code] if code >= 0 else "no product",
                "color": vendor_color(code) if code >= 0 else NO_PRODUCT_COLOR,
                "symbolSize": node_size,
                "data": [[*xy[i].tolist(), int(i)] for i in members],
            }
        )
    roles = buyer_roles or ["buyer"] * len(buyers)
    series.append(
        {
            "type": "scatter",
            "name": "buying committee",
            "symbol": "diamond",
            "symbolSize": 12,
            "color": "#000",
            "z": 3,
            "data": [
                {
                    "value": [*xy[int(b)].tolist(), int(b)],
                    "name": roles[k],
                    "itemStyle": {
                        "color": vendor_color(int(products[int(b)]))
                        if products[int(b)] >= 0
                        else NO_PRODUCT_COLOR,
                        "borderColor": "#000",
                        "borderWidth": 1.5,
                    },
                }
                for k, b in enumerate(buyers)
            ],
        }
    )
    if champion is not None:
        series.append(
            {
                "type": "scatter",
                "name": "champion",
                "symbolSize": 16,
                "color": "#ffb300",
                "z": 4,
                "data": [
                    {
                        "value": [*xy[int(champion)].tolist(), int(champion)],
                        # filled with the product's colour, ringed in gold
                        "itemStyle": {
                            "color": vendor_color(int(products[int(champion)]))
                            if products[int(champion)] >= 0
                            else NO_PRODUCT_COLOR,
                            "borderColor": "#ffb300",
                            "borderWidth": 4,
                        },
                    }
                ],
            }
        )
    return {
        "animation": False,
        "tooltip": {"trigger": "item", "confine": True},
        "legend": {"top": 0, "type": "scroll", "data": [s["name"] for s in series[1:]]},
        "grid": {"left": 4, "right": 4, "top": 28, "bottom": 4},
        "xAxis": {"show": False, "min": -1.05, "max": 1.05},
        "yAxis": {"show": False, "min": -1.05, "max": 1.05},
        "series": series,
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


MAP_PX = 320
"""Side of the market map's square plot area in pixels: fixed, so that bubble sizes
(pixels) and positions (data units) share one scale and bubbles cannot overlap; it
fits a 390-pixel phone."""

MAP_FILL = 0.55
"""Share of the map's disc the bubbles cover before they are pushed apart."""

MIN_BUBBLE_PX = 3.0


def bubble_layout(sizes: np.ndarray, iterations: int = 300) -> np.ndarray:
    """Non-overlapping bubbles for a market map: ``(n, 3)`` rows of ``x, y, radius``.

    Radius grows with the square root of size (area ~ employees). Bubbles start on a
    sunflower spiral, biggest in the middle, and overlapping pairs are pushed apart
    (the smaller one further) until none overlap; the picture is then scaled into
    the unit disc. Pure function of the sizes, computed once per market.
    """
    from scipy.spatial import cKDTree

    sizes = np.asarray(sizes, dtype=float)
    n = len(sizes)
    if n == 0:
        return np.zeros((0, 3))
    total = sizes.sum() if sizes.sum() > 0 else 1.0
    radius = np.sqrt(MAP_FILL * np.maximum(sizes, 0) / total)
    radius = np.maximum(radius, MIN_BUBBLE_PX / MAP_PX)
    order = np.argsort(-sizes, kind="stable")
    bigger = np.cumsum(sizes[order]) - sizes[order]
    ring = np.sqrt(bigger / total)
    angle = np.arange(n) * np.pi * (3 - np.sqrt(5))  # golden angle
    pos = np.zeros((n, 2))
    pos[order, 0] = ring * np.cos(angle)
    pos[order, 1] = ring * np.sin(angle)
    gap = 0.5 / MAP_PX
    reach = 2 * radius.max() + gap
    for _ in range(iterations):
        pairs = cKDTree(pos).query_pairs(reach, output_type="ndarray")
        if not len(pairs):
            break
        i, j = pairs[:, 0], pairs[:, 1]
        delta = pos[j] - pos[i]
        dist = np.hypot(delta[:, 0], delta[:, 1])
        overlap = radius[i] + radius[j] + gap - dist
        hit = overlap > 0
        if not hit.any():
            break
        i, j, delta, dist, overlap = i[hit], j[hit], delta[hit], dist[hit], overlap[hit]
        tiny = dist < 1e-12
        delta[tiny] = [1.0, 0.0]
        dist[tiny] = 1.0
        unit = delta / dist[:, None]
        area_i, area_j = radius[i] ** 2, radius[j] ** 2
        share_i = area_j / (area_i + area_j)  # the smaller bubble moves further
        step = (overlap * 0.55)[:, None] * unit
        np.add.at(pos, i, -step * share_i[:, None])
        np.add.at(pos, j, step * (1 - share_i)[:, None])
    extent = float(np.max(np.hypot(pos[:, 0], pos[:, 1]) + radius))
    scale = 1.0 / extent if extent > 0 else 1.0
    return np.column_stack([pos * scale, radius * scale])


def market_map_option(
    sizes: np.ndarray,
    main_codes: np.ndarray,
    vendor_names: list[str],
    on_prem: np.ndarray | None = None,
    selected: int | None = None,
    positions: np.ndarray | None = None,
    focal: int | None = None,
) -> dict:
    """Bubble map of enterprises: area ~ employees, colour = main vendor (grey: none).

    One scatter series per main vendor (the legend names the colours); ``value`` is
    ``[x, y, employees, enterprise]``. A bubble chart rather than ECharts' treemap:
    the treemap took 70-250 ms per redraw for 200 enterprises, the scatter a few ms.
    ``positions`` are :func:`bubble_layout`'s rows; the plot area is a fixed
    :data:`MAP_PX` square, so a bubble's pixel size matches its layout radius. The
    ``focal`` vendor's (my company's) enterprises get a thick black ring.
    """
    sizes = np.asarray(sizes)
    layout = bubble_layout(sizes) if positions is None else positions
    pos = np.round(layout[:, :2], 4)
    diameter = np.round(np.maximum(layout[:, 2] * MAP_PX, MIN_BUBBLE_PX / 2), 1)
    series = []
    for code in sorted({int(c) for c in main_codes}):
        members = np.flatnonzero(np.asarray(main_codes) == code)
        data = []
        for e in members:
            item: dict[str, Any] = {
                # the tooltip shows the name: ECharts' "{@dimension}" templates are
                # label-only and printed raw in a tooltip
                "name": f"E{e} ({int(sizes[e]):,} employees)",
                "value": [*pos[e].tolist(), int(sizes[e]), int(e)],
                "symbolSize": float(diameter[e]),
            }
            style: dict[str, Any] = {}
            if on_prem is not None and on_prem[e]:
                style = {"borderColor": "#555", "borderWidth": 1, "borderType": "dashed"}
            if focal is not None and code == focal:
                style = {**style, "borderColor": "#000", "borderWidth": 2}
            if selected is not None and e == selected:
                style = {"borderColor": "#000", "borderWidth": 3, "borderType": "solid"}
            if style:
                item["itemStyle"] = style
            data.append(item)
        series.append(
            {
                "type": "scatter",
                "name": vendor_names[code] if code >= 0 else "no product",
                "color": vendor_color(code) if code >= 0 else NO_PRODUCT_COLOR,
                "data": data,
                "tooltip": {"formatter": "{b}, main vendor {a}"},
            }
        )
    if on_prem is not None and np.any(on_prem):
        series.append(  # a legend entry for the dashed border, no points
            {
                "type": "scatter",
                "name": ON_PREM_LEGEND,
                "data": [],
                "itemStyle": {"color": "#fff", "borderColor": "#555", "borderWidth": 1.5,
                              "borderType": "dashed"},
            }
        )  # fmt: skip
    return {
        "animation": False,
        "tooltip": {"trigger": "item", "confine": True},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": "center", "top": 40, "width": MAP_PX, "height": MAP_PX},
        "xAxis": {"show": False, "min": -1, "max": 1},
        "yAxis": {"show": False, "min": -1, "max": 1},
        "series": series,
    }


ON_PREM_LEGEND = "on-premise only (dashed border)"
