"""Step-time guard: is a week of the market still as fast, relative to a fixed peer?

Absolute times on this shared machine swing two to three times with the load, so
the guard never compares seconds. It times, in one process and in alternation
(market, peer, market, peer, ...), the CPU time of a week of the default market at a
small size and of a step of Mesa's ``VirusOnNetwork`` (the bench's peer, whose code
does not change with ours), and keeps the median over the pairs of the ratio
``market ms per week / peer ms per step``. Load slows both sides of a pair alike, so
the ratio holds where the times do not.

``benchmarks/guard.json`` holds the committed ratio for each size (with the commit
it was measured on); ``tests/test_bench_guard.py`` fails when today's ratio is more
than :data:`SLOWDOWN_LIMIT` times the committed one. After a change that is meant to
alter the speed, measure again and commit the file::

    PYTHONPATH=. python -m experiments.bench_guard --write benchmarks/guard.json

``make bench`` writes the same figures into its JSON (``guard``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "benchmarks" / "guard.json"
SLOWDOWN_LIMIT = 2.0
# employees -> weeks timed per pair; small enough for a test (about 1 s a size)
SIZES: dict[int, int] = {2_000: 40, 20_000: 20}
PEER_NODES = 1_000
PAIRS = 5  # a test's measurement
PAIRS_COMMITTED = 11  # the committed figure: more pairs, a steadier median
SEED = 3


def _market_weeks(employees: int, weeks: int) -> Callable[[], float]:
    """A function that builds a fresh market (untimed) and returns CPU s per week."""
    from experiments.bench import SIZED, enterprises_for
    from sim.model import MarketModel

    n_ent = enterprises_for(employees)

    def run() -> float:
        # a market of ``employees``, all in it from week 0 (experiments.bench.SIZED)
        model = MarketModel.from_scenario("default", rng=SEED, n_enterprises=n_ent, **SIZED)
        model.step()  # the first week allocates what later weeks reuse
        t = time.process_time()
        for _ in range(weeks):
            model.step()
        return (time.process_time() - t) / weeks

    return run


def _peer_steps(steps: int) -> Callable[[], float]:
    """A function that builds Mesa's VirusOnNetwork (untimed) and returns CPU s per step."""
    from mesa.examples.basic.virus_on_network.model import VirusOnNetwork

    from experiments.bench_cases import fast_virus_graph

    def run() -> float:
        with fast_virus_graph(SEED):
            model = VirusOnNetwork(num_nodes=PEER_NODES, rng=SEED)
        model.step()
        t = time.process_time()
        for _ in range(steps):
            model.step()
        return (time.process_time() - t) / steps

    return run


def measure(
    employees: int,
    weeks: int,
    pairs: int = PAIRS,
    market: Callable[[], float] | None = None,
) -> dict[str, Any]:
    """Median over ``pairs`` of (market CPU ms per week) / (peer CPU ms per step).

    ``market`` replaces the market's timing function (tests plant a slowdown there).
    """
    market = market or _market_weeks(employees, weeks)
    peer = _peer_steps(max(5, weeks))
    market(), peer()  # warm: imports, caches, first allocations
    ratios, market_ms, peer_ms = [], [], []
    for _ in range(pairs):
        m, p = market(), peer()
        market_ms.append(1000 * m)
        peer_ms.append(1000 * p)
        ratios.append(m / p)
    return {
        "employees_target": employees,
        "weeks": weeks,
        "pairs": pairs,
        "ratio": statistics.median(ratios),
        "ratios": ratios,
        "market_cpu_ms_per_week": statistics.median(market_ms),
        "peer_cpu_ms_per_step": statistics.median(peer_ms),
        "peer": f"mesa VirusOnNetwork, {PEER_NODES} nodes",
    }


def measure_all(sizes: dict[int, int] = SIZES, pairs: int = PAIRS) -> dict[str, Any]:
    return {str(n): measure(n, w, pairs) for n, w in sizes.items()}


def committed_figures() -> dict[str, Any] | None:
    """The committed guard figures, or None if the file is missing or unreadable."""
    try:
        return json.loads(COMMITTED.read_text())
    except (OSError, ValueError):
        return None


def slower(measured: dict[str, Any], committed: dict[str, Any]) -> list[str]:
    """One line per size whose ratio is above ``SLOWDOWN_LIMIT`` times the committed one."""
    lines = []
    for size, now in measured.items():
        then = committed["sizes"].get(size)
        if then is None:
            continue
        factor = now["ratio"] / then["ratio"]
        if factor > SLOWDOWN_LIMIT:
            lines.append(
                f"{int(size):,} employees: a week is {factor:.2f}x slower against the peer "
                f"than at {committed.get('commit')} (ratio {now['ratio']:.3f} vs "
                f"{then['ratio']:.3f}; limit {SLOWDOWN_LIMIT:g}x)"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="write the figures (JSON) to this file")
    args = parser.parse_args(argv)
    from experiments.bench import git_commit
    from experiments.io import write_text

    result = {**git_commit(), "limit": SLOWDOWN_LIMIT, "sizes": measure_all(pairs=PAIRS_COMMITTED)}
    text = json.dumps(result, indent=2) + "\n"
    if args.write:
        write_text(args.write, text)
        print(f"wrote {args.write}", file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
