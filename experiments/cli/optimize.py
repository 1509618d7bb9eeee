"""``salesweb optimize``: search the focal company's levers for its best plan (docs/optimize.md).

Registered on the CLI's typer app by one import at the end of experiments/cli/__init__.py.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer

from experiments.cli import app, console, fail, progress_bar
from sim.params import ParameterError


@app.command()
def optimize(
    lever: Annotated[
        list[str],
        typer.Option(
            help='A lever and its range: "name=lo..hi", "name=lo..hi:log" or "name=a|b|c" (repeat).'
        ),
    ],
    out: Annotated[
        Path, typer.Option(help="Folder for best.json, trials.parquet, charts and the journal.")
    ],
    scenario: Annotated[str, typer.Option(help="Preset name or path to a .toml file.")] = "default",
    objective: Annotated[str, typer.Option(help="worth (5 x ARR + cash), arr or cash.")] = "worth",
    objectives: Annotated[
        str | None, typer.Option(help="Two objectives for a Pareto front, e.g. worth,survival.")
    ] = None,
    min_survival: Annotated[
        float, typer.Option(help="Survival floor: share of seeds alive at the end.")
    ] = 0.0,
    trials: Annotated[
        int, typer.Option(help="Trials to run, complete or pruned (a rerun resumes up to this).")
    ] = 200,
    prune: Annotated[
        str,
        typer.Option(
            help="Stop clearly worse trials after a few seeds: halving (successive "
            "halving), wilcoxon (paired test) or none."
        ),
    ] = "halving",
    seeds: Annotated[int, typer.Option(help="Seeds per trial (common random numbers).")] = 10,
    held_out_seeds: Annotated[int, typer.Option(help="Fresh seeds for the held-out check.")] = 20,
    steps: Annotated[
        int | None, typer.Option(help="Weeks per run (default: the scenario's horizon).")
    ] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Fix a parameter: key=value.")
    ] = None,
    from_fit: Annotated[
        Path | None,
        typer.Option(help="A 'salesweb fit' folder: draw the market from its posterior."),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Root seed (search seeds, sampler, held-out seeds).")
    ] = 0,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes (default: every core; with --scheduler local, its size)."
        ),
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option(
            help="local (processes here) or dask (default: dask if a scheduler is given)."
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Run on Dask: tcp://HOST:PORT of a scheduler, or 'local'."),
    ] = None,
    scheduler_file: Annotated[
        Path | None, typer.Option(help="Run on Dask: the scheduler file of `dask scheduler`.")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Search the focal company's levers with Optuna; check the best plan on held-out seeds."""
    from rich.table import Table

    from experiments.fit.simulate import Market
    from experiments.fit.space import parse_dims, split_settings
    from experiments.optimize.run import Plan, describe_held_out, parse_objectives
    from experiments.optimize.run import optimize as run_optimize
    from experiments.study import money
    from experiments.sweep.local import EngineError
    from sim.scenarios import ScenarioError, load_scenario

    try:
        dask = dask_engine(engine, workers, scheduler, scheduler_file)
    except ParameterError as exc:
        raise fail(str(exc)) from None
    workers = workers or os.cpu_count() or 1
    for name, value, low, high in (("trials", trials, 1, 100_000), ("seeds", seeds, 2, 1000),
                                   ("held-out-seeds", held_out_seeds, 2, 1000), ("workers", workers, 1, 256)):  # fmt: skip
        if not low <= value <= high:
            raise fail(
                f"--{name} {value} is not allowed; expected a whole number in [{low}, {high}]"
            )
    if not 0.0 <= min_survival <= 1.0:
        raise fail(f"--min-survival {min_survival} is not allowed; expected a share in [0, 1]")
    if seed < 0:
        raise fail(f"--seed {seed} is not allowed; expected a whole number >= 0")
    from experiments.optimize.pruning import PRUNERS

    if prune not in PRUNERS:
        raise fail(f"--prune {prune!r} is not allowed; expected one of {', '.join(PRUNERS)}")
    try:
        names = parse_objectives(objective, objectives)
        dims = parse_dims(lever, "--lever")
        from experiments.cli.fit import parse_fixed  # not at import: cli/__init__ imports both

        fixed = parse_fixed(set_ or [])
        clash = sorted({d.name for d in dims} & set(fixed))
        if clash:
            raise ParameterError(f"--lever {clash[0]}: it is also fixed by --set; choose one")
        if from_fit is not None:
            from experiments.fit.fitted import load_fit

            fitted = load_fit(from_fit)
            base = fitted.market()
            focal, overrides = split_settings(fixed)
            market = Market.of(
                base.scenario, {**base.overrides, **overrides}, {**base.focal, **focal}
            )
            scen_steps = load_scenario(base.scenario).model_kwargs().get("horizon", 260)
        else:
            focal, overrides = split_settings(fixed)
            market = Market.of(scenario, overrides, focal)
            scen_steps = load_scenario(scenario).model_kwargs(**overrides).get("horizon", 260)
        run_steps = int(steps if steps is not None else scen_steps)
        if not 1 <= run_steps <= 5200:
            raise ParameterError(
                f"--steps {run_steps} is not allowed; expected a whole number in [1, 5200]"
            )
        if out.exists() and not out.is_dir():
            raise ParameterError(f"--out {str(out)!r} is a file; give a folder")
    except (ParameterError, ScenarioError) as exc:
        raise fail(str(exc)) from None
    plan = Plan(market, dims, names, min_survival, trials, seeds, held_out_seeds, run_steps, seed,
                workers, str(from_fit) if from_fit else "", dask, prune)  # fmt: skip
    start = time.perf_counter()
    with progress_bar("[bold]optimize[/]", quiet) as bar:
        tasks: dict[str, int] = {}

        def show(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total, description=stage)

        try:
            doc = run_optimize(plan, out, progress=show)
        except (ParameterError, EngineError) as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            raise fail(f"could not write into {str(out)!r}: {exc.strerror or exc}") from None
    elapsed = time.perf_counter() - start
    assert doc is not None  # no cancel from the command line
    obj = names[0]
    if doc["settings"] is None:
        console.print(doc["verdict"], markup=False, highlight=False)
    else:
        settings = ", ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
            for k, v in doc["settings"].items()
        )
        console.print(
            f"best plan (trial {doc['trial']} of {doc['trials']}, {doc['pruned']} pruned): "
            f"{settings}; mean {obj} "
            f"{money(doc['objective'])} and survival {doc['survival']:.0%} on {seeds} search seeds",
            markup=False, highlight=False,
        )  # fmt: skip
        table = Table(
            title=f"held-out check on {held_out_seeds} fresh seeds ({obj})", title_justify="left"
        )
        for col in ("arm", f"mean {obj}", "survival", "best plan minus arm (95% CI)"):
            table.add_column(col, justify="left" if col == "arm" else "right")
        for row in describe_held_out(doc["held_out"]):
            table.add_row(*row)
        console.print(table)
        console.print(doc["verdict"], markup=False, highlight=False)
    if dask is None:
        where = f"{workers} local workers"
    else:
        refused = f", {len(dask.rejected)} refused: another model version" if dask.rejected else ""
        where = f"Dask ({dask.workers} workers{refused})"
    console.print(
        f"wrote {out}/best.json, trials.parquet, convergence.png, importance.png in {elapsed:.0f} s "
        f"on {where}",
        markup=False, highlight=False,
    )  # fmt: skip


def dask_engine(engine: str | None, workers: int | None, scheduler: str | None,
                scheduler_file: Path | None):  # fmt: skip
    """The sweep's Dask engine for ``--engine dask`` (None for the local one), checked.

    The options and their checks are ``salesweb sweep``'s (:func:`experiments.cli.sweeps._engine`):
    ``--scheduler tcp://HOST:PORT`` or ``local`` (a ``LocalCluster`` of ``--workers``
    processes on this machine), or ``--scheduler-file``.
    """
    from experiments.cli.sweeps import _engine
    from experiments.sweep.spec import SpecError

    if engine not in (None, "local", "dask"):
        raise ParameterError(f"--engine {engine!r} is not allowed; expected local or dask")
    given = scheduler is not None or scheduler_file is not None
    if engine == "local" and given:
        raise ParameterError(
            "--engine local runs here; --scheduler and --scheduler-file are for --engine dask"
        )
    if engine == "dask" and not given:
        raise ParameterError(
            "--engine dask needs --scheduler tcp://HOST:PORT (or 'local') or --scheduler-file"
        )
    if not given:
        return None
    if workers is not None and not 1 <= workers <= 256:
        raise ParameterError(
            f"--workers {workers} is not allowed; expected a whole number in [1, 256]"
        )
    try:
        return _engine(workers, scheduler, scheduler_file)
    except SpecError as exc:
        raise ParameterError(str(exc)) from None
