"""The ``salesweb`` command line: simulate, scenarios, params, serve, validate, sweep,
report, study, calibrate, cycle, bench, claims, levers, map, company, fit, optimize,
discover, export, regenerate.

A module per group of commands (``run``, ``study``, ``fit``, ``optimize``, ``sweeps``,
``research``, ``validation``, ``company``, ``serve``, ``bench``, ``regenerate``); the app, its one-line
errors and the shared helpers are in ``base``. Commands are registered here, in the
order ``salesweb --help`` lists them; a module that registers its own commands with
``@app.command()`` (fit, optimize, research, and new ones) is imported at the end.

Bad input (an unknown parameter or scenario, a value out of range, a malformed
TOML file, an unwritable output, a market above the memory limit, an option Typer
cannot parse) prints one line starting with ``error:`` and exits with status 2, with
no traceback. Messages are printed as plain text: rich markup or emoji codes in a
user's input (``[params]``, ``a:b:c``) are shown as typed.
"""

from __future__ import annotations

import sys

if sys.argv[1:2] == ["study"] and "--help" not in sys.argv:
    # `salesweb study`: the study workers' forkserver loads the model and its kernels
    # while this process imports the rest (experiments/study_pool.py)
    from experiments.study_pool import start_forkserver

    start_forkserver()

from experiments.cli import bench, company, run, serve, study, sweeps, validation
from experiments.cli.base import (
    ABORTS,
    CLICK_ERRORS,
    MAX_STEPS,
    MAX_VALIDATION_SEEDS,
    NO_ARGS,
    USAGE_ERROR,
    OneLineErrors,
    app,
    console,
    err,
    error_line,
    fail,
    progress_bar,
)

COMMANDS = (
    run.simulate, study.study, run.scenarios, run.params, serve.serve, validation.validate,
    sweeps.sweep, sweeps.report, bench.bench, validation.calibrate, validation.cycle,
    validation.claims, company.levers,
)  # fmt: skip
"""The commands in the order ``salesweb --help`` lists them (``map`` and ``company`` follow)."""
for _command in COMMANDS:
    app.command()(_command)
app.command(name="map")(company.winner_map)
app.command()(company.company)

__all__ = [
    "ABORTS",
    "CLICK_ERRORS",
    "MAX_STEPS",
    "MAX_VALIDATION_SEEDS",
    "NO_ARGS",
    "USAGE_ERROR",
    "OneLineErrors",
    "app",
    "console",
    "err",
    "error_line",
    "fail",
    "progress_bar",
]

# commands that live in their own modules register themselves on `app` when imported
from experiments.cli import fit, optimize, regenerate, research  # noqa: E402,F401
