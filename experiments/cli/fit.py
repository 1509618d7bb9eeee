"""``salesweb fit``: fit the focal company to its own history (docs/fit.md).

Registered on the CLI's typer app by one import at the end of experiments/cli/__init__.py.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from experiments.cli import app, console, fail, progress_bar
from sim.params import ParameterError, parse_assignment


@app.command()
def fit(
    history: Annotated[
        Path, typer.Option(help="Monthly history CSV (docs/fit.md, 'The history').")
    ],
    fit_: Annotated[
        list[str],
        typer.Option(
            "--fit",
            help="Parameters to fit: name, or name=lo..hi[:log] for your prior (comma-separated or repeated).",
        ),
    ],
    out: Annotated[
        Path, typer.Option(help="Folder for fit.json, posterior.parquet and the charts.")
    ],
    scenario: Annotated[str, typer.Option(help="Preset name or path to a .toml file.")] = "default",
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Fix a parameter (market or my company): key=value."),
    ] = None,
    population: Annotated[
        int, typer.Option(help="Accepted particles per ABC-SMC generation.")
    ] = 100,
    generations: Annotated[int, typer.Option(help="ABC-SMC generations.")] = 5,
    seeds: Annotated[int, typer.Option(help="Runs (fresh seeds) per candidate.")] = 3,
    draws: Annotated[
        int, typer.Option(help="Posterior draws behind the band and the forecast.")
    ] = 40,
    seed: Annotated[int, typer.Option(help="Root seed.")] = 0,
    workers: Annotated[int | None, typer.Option(help="Processes (default: every core).")] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Fit chosen traits and market parameters to a company's monthly history (ABC-SMC)."""
    import os

    from experiments.fit.history import load_history
    from experiments.fit.infer import fit as run_fit
    from experiments.fit.report import draw_runs, write_fit
    from experiments.fit.simulate import Market
    from experiments.fit.space import parse_dims, split_settings
    from sim.scenarios import ScenarioError

    workers = workers or os.cpu_count() or 1
    for name, value, low in (("population", population, 10), ("generations", generations, 1),
                             ("seeds", seeds, 1), ("draws", draws, 10), ("workers", workers, 1)):  # fmt: skip
        if value < low:
            raise fail(f"--{name} {value} is not allowed; expected at least {low}")
    if seed < 0:
        raise fail(f"--seed {seed} is not allowed; expected a whole number >= 0")
    try:
        hist = load_history(history)
        dims = parse_dims(fit_, "--fit")
        fixed = parse_fixed(set_ or [])
        focal, overrides = split_settings(fixed)
        clash = sorted({d.name for d in dims} & set(fixed))
        if clash:
            raise ParameterError(f"--fit {clash[0]}: it is also fixed by --set; choose one")
        market = Market.of(scenario, overrides, focal)
        if out.exists() and not out.is_dir():
            raise ParameterError(f"--out {str(out)!r} is a file; give a folder")
        out.mkdir(parents=True, exist_ok=True)
    except (ParameterError, ScenarioError) as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"--out {str(out)!r}: {exc.strerror or exc}") from None
    start = time.perf_counter()
    with progress_bar("[bold]fit[/] ABC generations", quiet) as bar:
        task = bar.add_task("fit", total=generations)
        posterior = run_fit(
            hist, market, dims, population=population, generations=generations, seeds=seeds,
            workers=workers, root_seed=seed, db=out / "abc.db",
            progress=lambda d, t: bar.update(task, completed=d, total=t),
        )  # fmt: skip
    with progress_bar("[bold]fit[/] posterior runs", quiet) as bar:
        task = bar.add_task("draws", total=draws)
        runs = draw_runs(posterior, market, hist, draws=draws, root_seed=seed, workers=workers,
                         progress=lambda d, t: bar.update(task, completed=d, total=t))  # fmt: skip
    settings = {"population": population, "generations": generations, "seeds": seeds,
                "draws": draws, "root_seed": seed, "workers": workers}  # fmt: skip
    try:
        doc = write_fit(out, posterior, hist, market, runs, settings)
    except OSError as exc:
        raise fail(f"could not write into {str(out)!r}: {exc.strerror or exc}") from None
    print_fit(doc, time.perf_counter() - start, out)


def parse_fixed(texts: list[str]) -> dict:
    """``--set key=value`` items: market parameters, vendor traits, or ``strategy``."""
    from sim.params import STRATEGIES

    fixed = {}
    for text in texts:
        key, _, value = text.partition("=")
        if key.strip() == "strategy":
            if value.strip() not in STRATEGIES:
                raise ParameterError(
                    f"--set {text!r}: strategy must be one of {', '.join(STRATEGIES)}"
                )
            fixed["strategy"] = value.strip()
        else:
            name, val = parse_assignment(text)
            fixed[name] = val
    return fixed


def print_fit(doc: dict, elapsed: float, out: Path) -> None:
    """The fitted parameters with their 90% intervals, the warnings, and where files went."""
    from rich.table import Table

    h = doc["history"]
    table = Table(
        title=f"fit: {h['months']} months of {', '.join(h['columns'])} from {h['file']} "
        f"on scenario {doc['scenario']}; {doc['simulations']} candidates x {doc['settings']['seeds']} seeds",
        title_justify="left",
    )
    for col in ("parameter", "estimate", "90% low", "90% high", "prior", "identifiable"):
        table.add_column(col, justify="left" if col in ("parameter", "prior") else "right")
    for name, p in doc["parameters"].items():
        table.add_row(name, f"{p['estimate']:.4g}", f"{p['low']:.4g}", f"{p['high']:.4g}", p["prior"],
                      "yes" if p["identifiable"] else "NO")  # fmt: skip
    console.print(table)
    for w in doc["warnings"]:
        console.print(f"warning: {w}", markup=False, highlight=False)
    inside = ", ".join(f"{c} {v:.0%}" for c, v in doc["history_inside_band"].items())
    console.print(
        f"history months inside the fitted 10-90% band: {inside}", markup=False, highlight=False
    )
    console.print(
        f"wrote {out}/fit.json, posterior.parquet, fit.png, forecast.png in {elapsed:.0f} s",
        markup=False, highlight=False, soft_wrap=True,  # a long path stays one line
    )  # fmt: skip
