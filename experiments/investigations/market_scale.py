"""Can a bottoms-up company live at the benchmark's freemium conversion in a larger market?

::

    PYTHONPATH=. python -m experiments.investigations.market_scale --seeds 101-110

Issue 16 (points 1 and 5): the default market's freemium conversion sits at its band's
top (0.101 +- 0.005 on the reported seeds 1001-1020, band 0.02-0.10), and lowering the
close rate that turns ready teams into plans brought it inside but made the levers
page's bottoms-up company die more as it spent on marketing (docs/model.md, "The
freemium conversion at its band's edge"). The question left there: is it the market's
size that keeps a company at a benchmark conversion from paying its fixed burn? The
default market then held 600 enterprises (about 61,000 employees) for twelve vendors, each
burning 7,000 USD a week besides marketing and reps: at 2-5% conversion its share of
users buys too few seats.

Printed for each market size (``n_enterprises``; the vendors, their costs and the entry
rule as the preset has them) and close rate (``inbound_close_rate``): the calibrated
outputs averaged over weeks 104-260 (:func:`experiments.calibration.window_outputs`), the
share of the founding bottoms-up vendors alive at week 260 and their median ARR, and
the CPU seconds a run took. Means over seeds ± SE. Tuning seeds only; a diagnosis, not
a page.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from experiments.investigations.team_growth import seed_range

SIZES = (600, 1200, 2400)
RATES = (0.03, 0.015)
SHOWN = ("freemium_conversion", "acv_per_rep_cost", "cac_payback_months", "reply_rate",
         "win_rate", "net_revenue_retention", "spend_per_employee")  # fmt: skip


def one_run(args: tuple[int, float, int, int]) -> dict[str, float]:
    """Calibrated outputs and the founding bottoms-up vendors' fate of one run."""
    size, rate, seed, weeks = args
    from experiments.calibration import window_outputs
    from sim.model import MarketModel

    start = time.process_time()
    model = MarketModel.from_scenario(
        "default", rng=seed, n_enterprises=size, inbound_close_rate=rate
    )
    founders = [v for v in model.vendor_list if v.tactic.name == "bottoms_up"]
    for _ in range(weeks):
        model.step()
    out = {c: v for c, v in window_outputs(model).items() if c in SHOWN}
    alive = [v for v in founders if v.alive]
    out["bottoms_up_alive"] = len(alive) / max(1, len(founders))
    out["bottoms_up_arr"] = float(np.median([v.arr if v.alive else 0.0 for v in founders]))
    out["cpu_s"] = time.process_time() - start
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=seed_range, default=seed_range("101-110"))
    parser.add_argument("--weeks", type=int, default=260)
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                        default=list(SIZES))  # fmt: skip
    parser.add_argument("--rates", type=lambda s: [float(x) for x in s.split(",")],
                        default=list(RATES))  # fmt: skip
    args = parser.parse_args(argv)
    columns = (*SHOWN, "bottoms_up_alive", "bottoms_up_arr", "cpu_s")
    print("| enterprises | close rate | " + " | ".join(columns) + " |")
    print("|" + " --- |" * (len(columns) + 2))
    with ProcessPoolExecutor() as pool:
        for size in args.sizes:
            for rate in args.rates:
                jobs = [(size, rate, s, args.weeks) for s in args.seeds]
                runs = list(pool.map(one_run, jobs))
                cells = []
                for c in columns:
                    x = np.array([r[c] for r in runs], dtype=float)
                    x = x[np.isfinite(x)]
                    se = x.std(ddof=1) / np.sqrt(len(x)) if len(x) > 1 else float("nan")
                    cells.append(f"{x.mean():.3g} ± {se:.2g}")
                print(f"| {size} | {rate} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
