"""The timed workloads of ``salesweb bench``: Mesa's VirusOnNetwork and our market.

Each case runs in its own process (see :mod:`experiments.bench`), so its peak memory
is its own, and returns plain figures as a dict.

The peer is Mesa's bundled ``VirusOnNetwork`` example, unchanged except for how its
graph is made: the example calls ``nx.erdos_renyi_graph(n, p)``, which takes O(n^2)
time and takes no seed, and hands the graph to ``Network`` with a spring layout
(about 240 s at 10,000 nodes, STACK-NOTES.md). While the peer is built, the example
module's ``nx.erdos_renyi_graph`` is swapped for ``nx.fast_gnp_random_graph`` (the
same G(n, p) law, O(n + m), seeded) and its ``Network`` for one with
``layout=None``; everything it does per step is Mesa's own code.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import resource
import time
import types
from collections.abc import Iterator
from typing import Any

import numpy as np

from sim.long_lived import freeze_long_lived

WEEKS = 260


@contextlib.contextmanager
def full_collections() -> Iterator[list[float]]:
    """Seconds of each full (oldest-generation) garbage collection while in the block.

    A full collection walks every object of the interpreter (about 100,000 after
    importing Mesa, pandas and scipy: some 50 ms), whatever the market's size; it
    lands inside whichever step happens to trigger it.
    """
    pauses: list[float] = []
    started = [0.0]

    def note(phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses.append(time.perf_counter() - started[0])

    gc.callbacks.append(note)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(note)


def peak_memory_gb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


@contextlib.contextmanager
def fast_virus_graph(seed: int) -> Iterator[None]:
    """Make the VirusOnNetwork example build a seeded G(n, p) graph with no layout."""
    import networkx as nx
    from mesa.discrete_space import Network
    from mesa.examples.basic.virus_on_network import model as virus

    def gnp(n: int, p: float) -> Any:
        return nx.fast_gnp_random_graph(n, p, seed=seed)

    shim = types.SimpleNamespace(erdos_renyi_graph=gnp)
    saved = virus.nx, virus.Network
    virus.nx, virus.Network = shim, functools.partial(Network, layout=None)
    try:
        yield
    finally:
        virus.nx, virus.Network = saved


def virus_on_network(nodes: int, steps: int, seed: int) -> dict[str, Any]:
    """Agent-steps per second of Mesa's ``VirusOnNetwork`` at ``nodes`` nodes.

    Parameters are the example's defaults (mean degree 3, one initial infection)
    except the number of nodes. As for the market, the objects the process holds
    after its imports are frozen first (:mod:`sim.long_lived`), so neither side's
    full collections walk its imported modules.
    """
    from mesa.examples.basic.virus_on_network.model import VirusOnNetwork

    freeze_long_lived()  # the peer gets what the market gets: its imports frozen
    t0 = time.perf_counter()
    with fast_virus_graph(seed):
        model = VirusOnNetwork(num_nodes=nodes, rng=seed)
    build = time.perf_counter() - t0
    step_s, step_cpu = [], []
    for _ in range(steps):
        t, c = time.perf_counter(), time.process_time()
        model.step()
        step_s.append(time.perf_counter() - t)
        step_cpu.append(time.process_time() - c)
    run = float(np.sum(step_s))
    return {
        "case": "virus_on_network",
        "nodes": nodes,
        "edges": model.grid.G.number_of_edges(),
        "steps": steps,
        "build_s": build,
        "run_s": run,
        "step_ms_median": 1000 * float(np.median(step_s)),
        "agent_steps_per_s": nodes * steps / run,
        "agent_steps_per_cpu_s": nodes * steps / float(np.sum(step_cpu)),
        "peak_memory_gb": peak_memory_gb(),
    }


def market(steps: int, seed: int, scenario: str = "default", **params: Any) -> dict[str, Any]:
    """Build a market from a scenario and parameters, and step it, timing every step.

    The step clock (:mod:`sim.step_clock`) is on: it costs about a microsecond a step
    and says where the time goes, mechanism by mechanism.
    """
    from sim.compiled import warm_up
    from sim.model import MarketModel
    from sim.step_clock import StepClock

    # the compiled kernels: loaded from Numba's cache (or compiled on a cold cache)
    # once a process, before the build, so neither the build nor a step carries it
    t0, c0 = time.perf_counter(), time.process_time()
    warm_up()
    warm_s, warm_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    freeze_long_lived()  # as a study's or a sweep's worker runs it (sim.long_lived)
    t0 = time.perf_counter()
    model = MarketModel.from_scenario(scenario, rng=seed, **params)
    build = time.perf_counter() - t0
    memory_built = peak_memory_gb()
    model.step_clock = clock = StepClock()
    step_s, step_cpu = [], []
    with full_collections() as pauses:
        for _ in range(steps):
            t, c = time.perf_counter(), time.process_time()
            model.step()
            step_s.append(time.perf_counter() - t)
            step_cpu.append(time.process_time() - c)
    run = float(np.sum(step_s))
    worst = int(np.argmax(step_s))
    return {
        "case": "market",
        "employees": model.n_employees,
        "enterprises": int(model.params["n_enterprises"]),  # in the market at the start
        "enterprises_built": len(model.enterprises),  # with the firms founded later
        "edges": int(model.population.adjacency.nnz // 2),
        "vendors_start": model.n_vendors,
        "vendors_alive_end": len(model.alive_vendors()),
        "vendors_ever": len(model.vendor_list),
        "steps": steps,
        "build_s": build,
        "jit_warm_up_s": warm_s,
        "jit_warm_up_cpu_s": warm_cpu_s,
        "run_s": run,
        "step_ms_median": 1000 * float(np.median(step_s)),
        "step_ms_p90": 1000 * float(np.percentile(step_s, 90)),
        "step_ms_max": 1000 * float(step_s[worst]),
        "worst_step": worst + 1,
        "employee_steps_per_s": model.n_employees * steps / run,
        # CPU time of this process: what the figures would be on an idle core
        "cpu_ms_median": 1000 * float(np.median(step_cpu)),
        "cpu_ms_max": 1000 * float(np.max(step_cpu)),
        "employee_steps_per_cpu_s": model.n_employees * steps / float(np.sum(step_cpu)),
        "cpu_s": float(np.sum(step_cpu)),  # the whole run's CPU, what issue 22 point 1 reads
        "peak_memory_gb": peak_memory_gb(),
        "peak_memory_after_build_gb": memory_built,
        "profile_ms_per_step": clock.ms_per_step(),
        "gc_full_collections": len(pauses),
        "gc_max_pause_ms": 1000 * max(pauses, default=0.0),
        "adoption_end": float(model.adoption_rate),
    }


def guard() -> dict[str, Any]:
    """The step-time guard's ratios at its sizes (:mod:`experiments.bench_guard`)."""
    from experiments.bench_guard import SLOWDOWN_LIMIT, measure_all

    return {"limit": SLOWDOWN_LIMIT, "sizes": measure_all()}


def study(seeds: int, steps: int, repeats: int = 1) -> dict[str, Any]:
    """The issue 22 study, timed from the shell and on a warm pool (:mod:`experiments.bench_study`)."""
    from experiments.bench_study import study_case

    return study_case(seeds, steps, repeats)


CASES = {"virus_on_network": virus_on_network, "market": market, "guard": guard, "study": study}
