"""The project's rooms and the imports between them, read from the code with ``ast``.

A *room* is a top-level folder of the code (``sim``, ``agents``, ``experiments``, ``gui``)
with one split: the ``salesweb`` command line (``experiments/cli/``) is its own room, the
one above all others, because ``salesweb serve`` starts the browser app. The rules the
rooms keep (docs/architecture.md) are :data:`ALLOWED` plus one about which
``experiments`` modules ``gui`` may use (``experiments.PUBLIC``);
``tests/test_architecture.py`` holds the code to them.

Every import counts, wherever it stands (a function-level import runs too), except one
under ``if TYPE_CHECKING:``, which only the type checker runs: those are *type-only*.

``python tools/import_graph.py`` prints the arrows between rooms and any broken rule;
``--png docs/img/architecture.png`` also draws them (matplotlib, no graphviz needed).
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sim", "agents", "experiments", "gui")
"""The top-level folders that hold the code (tests and tools are not rooms)."""

ROOMS = ("cli", "gui", "experiments", "sim", "agents")
"""Top to bottom: a room may import only rooms below it (see :data:`ALLOWED`)."""

ALLOWED: dict[str, set[str]] = {
    "cli": {"gui", "experiments", "sim", "agents"},
    "gui": {"experiments", "sim", "agents"},
    "experiments": {"sim", "agents"},
    "sim": {"agents"},
    "agents": set(),
}
"""Which rooms each room may import at run time; type-only imports may point anywhere."""


@dataclass(frozen=True)
class Edge:
    """One import: ``source`` module imports ``target`` module at ``path:line``."""

    source: str
    target: str
    path: str
    line: int
    type_only: bool


def room(module: str) -> str | None:
    """The room a module belongs to, or None for one outside the code."""
    if module == "experiments.cli" or module.startswith("experiments.cli."):
        return "cli"
    top = module.split(".")[0]
    return top if top in PACKAGES else None


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the code by its dotted name (a package by its ``__init__``)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, type_only: bool = False):
    """``(node, type_only)`` for every import below ``tree``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, type_only
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from _imports(ast.Module(body=[child], type_ignores=[]), True)
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]), type_only)
        else:
            yield from _imports(node, type_only)


def edges(root: Path = ROOT) -> list[Edge]:
    """Every import from one module of the code to another."""
    known = modules(root)
    found = []
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(), str(path))
        for node, type_only in _imports(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:  # relative: from the package, up level - 1
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*up, base] if base else up)
                # `from pkg import mod` names a module; `from mod import name` the module
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
                ]
            for target in dict.fromkeys(targets):
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    rel = str(path.relative_to(root))
                    found.append(Edge(name, target, rel, node.lineno, type_only))
    return found


def room_arrows(found: list[Edge], type_only: bool = False) -> Counter:
    """``{(from room, to room): imports}`` across rooms, run-time or type-only ones."""
    return Counter(
        (room(e.source), room(e.target))
        for e in found
        if e.type_only == type_only and room(e.source) != room(e.target)
    )


def public_experiments() -> tuple[str, ...]:
    """The modules of ``experiments`` that ``gui`` may import (``experiments.PUBLIC``)."""
    sys.path.insert(0, str(ROOT))
    from experiments import PUBLIC

    return PUBLIC


def is_public(module: str, public: tuple[str, ...]) -> bool:
    """A public module, or a module inside a public package (``experiments`` is only itself)."""
    return module in public or any(module.startswith(p + ".") for p in public if p != "experiments")


def broken_rules(found: list[Edge], public: tuple[str, ...]) -> list[str]:
    """One line per run-time import that breaks a rule, with where it stands."""
    lines = []
    for e in found:
        src, dst = room(e.source), room(e.target)
        if e.type_only or src == dst:
            continue
        if dst not in ALLOWED[src]:
            lines.append(f"{e.path}:{e.line}: {src} imports {dst} ({e.target})")
        elif src == "gui" and dst == "experiments" and not is_public(e.target, public):
            lines.append(f"{e.path}:{e.line}: gui imports {e.target}, not in experiments.PUBLIC")
    return lines


def room_cycles(arrows: Counter) -> list[tuple[str, str]]:
    """Pairs of rooms that import each other, directly or round a longer circle."""
    reach = {r: {b for (a, b) in arrows if a == r} for r in ROOMS}
    changed = True
    while changed:  # transitive closure: five rooms, a few rounds
        changed = False
        for r in ROOMS:
            more = set().union(*(reach[m] for m in reach[r])) - reach[r]
            if more:
                reach[r] |= more
                changed = True
    return sorted((a, b) for a in ROOMS for b in ROOMS if a < b and b in reach[a] and a in reach[b])


def _edge(x: float, y: float, toward_x: float, toward_y: float) -> tuple[float, float]:
    """Where the line from a room's centre toward a point leaves the room's box."""
    ux, uy = toward_x - x, toward_y - y
    norm = (ux**2 + uy**2) ** 0.5
    ux, uy = ux / norm, uy / norm
    r = 1 / ((ux / 0.82) ** 2 + (uy / 0.3) ** 2) ** 0.5  # the box's half-width and height
    return x + r * ux, y + r * uy


def draw(found: list[Edge], path: Path) -> None:
    """The rooms top to bottom, one arrow per pair of rooms labelled with its import
    statements (run time, then type-only): dark if it keeps the rules, red if a run-time
    import breaks one, dashed grey if it is type-only. Written whole (temporary file,
    then a rename)."""
    import os

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    known = modules()
    sizes = Counter(room(m) for m in known)
    lines = Counter()
    for m, p in known.items():
        lines[room(m)] += len(p.read_text().splitlines())
    pos = {"cli": (0.0, 4.2), "gui": (-1.1, 2.8), "experiments": (1.1, 2.8), "sim": (0, 1.4),
           "agents": (0, 0)}  # fmt: skip
    run, typed = room_arrows(found), room_arrows(found, type_only=True)
    fig, ax = plt.subplots(figsize=(7, 7))
    ax.set_xlim(-2.2, 2.2)
    ax.set_ylim(-0.5, 4.7)
    ax.set_aspect("equal")
    ax.axis("off")
    for r, (x, y) in pos.items():
        ax.text(
            x, y, f"{r}\n{sizes[r]} modules, {lines[r]:,} lines", ha="center", va="center",
            fontsize=9, bbox={"boxstyle": "round,pad=0.5", "fc": "#e3f2fd", "ec": "#1565c0"},
        )  # fmt: skip
    for a, b in sorted(set(run) | set(typed)):
        (xa, ya), (xb, yb) = pos[a], pos[b]
        if (b, a) in run or (b, a) in typed:
            rad = 0.25
        elif abs(ya - yb) > 1 and (xa + xb) != 0:  # bow outward, round the rooms between
            rad = 0.3 * np.sign(xa + xb) * np.sign(yb - ya)
        else:
            rad = 0.0
        # start and end on the rooms' edges (an ellipse round each box), not their centres
        cx, cy = (xa + xb) / 2 + rad * (yb - ya), (ya + yb) / 2 - rad * (xb - xa)
        (xa, ya), (xb, yb) = _edge(xa, ya, cx, cy), _edge(xb, yb, cx, cy)
        broken = run[(a, b)] and b not in ALLOWED[a]
        colour = "#c62828" if broken else ("#424242" if run[(a, b)] else "#9e9e9e")
        ax.annotate(
            "", xy=(xb, yb), xytext=(xa, ya),
            arrowprops={
                "arrowstyle": "-|>", "color": colour, "lw": 1 + min(run[(a, b)], 60) / 15,
                "ls": "-" if run[(a, b)] else "--", "shrinkA": 2, "shrinkB": 2,
                "connectionstyle": f"arc3,rad={rad}",
            },
        )  # fmt: skip
        # the label 40% along the drawn curve, a quadratic Bezier whose control point is
        # mid + rad * (dy, -dx) (matplotlib's arc3; data units, as the aspect is equal)
        dx, dy = xb - xa, yb - ya
        cx, cy = (xa + xb) / 2 + rad * dy, (ya + yb) / 2 - rad * dx
        t = 0.4
        lx = (1 - t) ** 2 * xa + 2 * t * (1 - t) * cx + t**2 * xb
        ly = (1 - t) ** 2 * ya + 2 * t * (1 - t) * cy + t**2 * yb
        side = {1: "left", -1: "right", 0: "center"}[int(np.sign(round(rad * dy, 3)))]
        label = " + ".join(
            t for t in (f"{run[(a, b)]}" if run[(a, b)] else "",
                        f"{typed[(a, b)]} type-only" if typed[(a, b)] else "") if t
        )  # fmt: skip
        ax.text(lx, ly, label, fontsize=8, color=colour, ha=side, va="center",
                bbox={"fc": "white", "ec": "none", "pad": 0.5})  # fmt: skip
    ax.set_title(
        "Rooms and their imports (arrow: imports; number: import statements)\n"
        "dark: run time, keeps the rules; red: breaks one; dashed: type-only",
        fontsize=9,
    )
    fig.tight_layout()
    tmp = path.with_name(path.name + ".tmp.png")
    fig.savefig(tmp, dpi=100)
    plt.close(fig)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--png", type=Path, help="Also draw the rooms to this PNG.")
    args = parser.parse_args(argv)
    found = edges()
    for type_only in (False, True):
        for (a, b), n in sorted(room_arrows(found, type_only).items()):
            print(f"{a} -> {b}: {n}" + (" (type-only)" if type_only else ""))
    broken = broken_rules(found, public_experiments())
    for line in broken:
        print(f"breaks a rule: {line}")
    for a, b in room_cycles(room_arrows(found)):
        print(f"circle: {a} and {b} import each other at run time")
    if args.png:
        draw(found, args.png)
        print(f"wrote {args.png}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
