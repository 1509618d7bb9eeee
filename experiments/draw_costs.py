"""What the uniforms a default run must draw cost (docs/performance.md, "Kept user counts").

Three mechanisms draw one uniform per person a week, which fixes the random stream:
generational change one per employee, user churn one per user, self-serve adoption
one per candidate. This runs the default scenario (seed 1, 260 weeks) counting
them, then times ``Generator.random`` of those sizes alone: the CPU time a change of
the random stream (a binomial count and positions instead) could save at most::

    PYTHONPATH=. python -m experiments.draw_costs --enterprises 200
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import sim.model as model_module
from sim.model import MarketModel


def draw_counts(enterprises: int, weeks: int) -> tuple[int, float, float, float]:
    """(employees, mean users, mean candidates, mean leavers) a week of a seed-1 run."""
    kw = {"n_enterprises": enterprises} if enterprises else {}
    model = MarketModel.from_scenario("default", rng=1, **kw)
    users: list[int] = []
    candidates: list[int] = []
    churn, adopt = model_module.user_churn, model_module.self_serve_adoption

    def counting_churn(rng, **k):
        users.append(len(k["users"]))
        return churn(rng, **k)

    def counting_adopt(rng, **k):
        candidates.append(len(k["candidates"]))
        return adopt(rng, **k)

    model_module.user_churn, model_module.self_serve_adoption = counting_churn, counting_adopt
    try:
        for _ in range(weeks):
            model.step()
    finally:
        model_module.user_churn, model_module.self_serve_adoption = churn, adopt
    leavers = model.n_employees / (52.0 * model.tenure_years)
    return model.n_employees, float(np.mean(users)), float(np.mean(candidates or [0])), leavers


def cpu_of_random(n: int, repeats: int = 300) -> float:
    """CPU seconds of one ``Generator.random(n)``, the mean over ``repeats`` calls."""
    g = np.random.default_rng(0)
    t = time.process_time()
    for _ in range(repeats):
        g.random(n)
    return (time.process_time() - t) / repeats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=200, help="0: the scenario's")
    parser.add_argument("--weeks", type=int, default=260)
    args = parser.parse_args(argv)
    if args.enterprises < 0 or args.weeks < 1:
        parser.error("--enterprises must be at least 0 and --weeks at least 1")
    n, users, candidates, leavers = draw_counts(args.enterprises, args.weeks)
    w = args.weeks
    print(
        f"{n:,} employees, {w} weeks: uniforms a week for generational change {n:,} "
        f"(about {leavers:.0f} leavers), churn {users:,.0f} (mean), adoption "
        f"{candidates:,.0f} (mean); CPU ms per run of drawing them: "
        f"{1000 * w * cpu_of_random(n):.0f}, {1000 * w * cpu_of_random(int(users)):.0f}, "
        f"{1000 * w * cpu_of_random(int(candidates)):.0f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
