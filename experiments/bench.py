"""Benchmark: the default scenario, 260 weeks, data collection included.

Prints wall-clock figures; never fails on timing. The peer in the same run is
Mesa's own ``BoltzmannWealth`` example at a comparable number of agents (the
agent-steps per second of a plain Mesa model on this machine), so the ratio says
how much the array layout buys over one Python object per employee.

Run: ``make bench`` or ``python experiments/bench.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time


def time_market(seed: int, steps: int) -> tuple[float, float, int]:
    from sim.model import MarketModel

    t0 = time.perf_counter()
    model = MarketModel(rng=seed)
    t1 = time.perf_counter()
    for _ in range(steps):
        model.step()
    model.datacollector.get_model_vars_dataframe()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, model.n_employees


def time_boltzmann(n_agents: int, steps: int) -> float:
    from mesa.examples.basic.boltzmann_wealth_model.model import (
        BoltzmannScenario,
        BoltzmannWealth,
    )

    model = BoltzmannWealth(BoltzmannScenario(n=n_agents, width=150, height=150, rng=1))
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=260)
    args = parser.parse_args()
    build, run = [], []
    for seed in range(args.repeats):
        b, r, n = time_market(seed, args.steps)
        build.append(b)
        run.append(r)
        print(f"seed {seed}: build {b:.2f} s, {args.steps} steps {r:.2f} s ({n:,} employees)")
    median_run = statistics.median(run)
    employee_steps = n * args.steps / median_run
    print(
        f"default scenario: median {median_run:.2f} s for {args.steps} steps "
        f"({median_run / args.steps * 1000:.1f} ms/step), build {statistics.median(build):.2f} s"
    )
    peer_steps = 20
    peer = time_boltzmann(n, peer_steps)
    peer_rate = n * peer_steps / peer
    print(
        f"peer: mesa BoltzmannWealth, {n:,} agents, {peer_steps} steps: {peer:.2f} s "
        f"({peer / peer_steps * 1000:.0f} ms/step)"
    )
    print(
        f"employee-steps per second: Sales Web {employee_steps:,.0f} vs "
        f"Mesa agent-steps per second {peer_rate:,.0f} (ratio {employee_steps / peer_rate:.0f}x)"
    )


if __name__ == "__main__":
    main()
