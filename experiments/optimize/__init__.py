"""Search the focal company's levers for its best plan (``salesweb optimize``; docs/optimize.md).

runs     plans over common random numbers in one worker pool (the study's run)
search   Optuna: TPE (one objective, survival floor) or NSGA-II (Pareto), resumable
heldout  the best plan against the plain strategies on fresh seeds, and the verdict
charts   convergence (or Pareto front) and lever importance
run      the whole command: search, held-out check, files
"""
