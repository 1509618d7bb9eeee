"""``salesweb bench``: the engine timed at three sizes against Mesa."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from experiments.cli.base import console, err, fail


def bench(
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write every figure to FILE (JSON).")
    ] = None,
    sizes: Annotated[
        str, typer.Option(help="Employees of each market, comma-separated.")
    ] = "10000,100000,1000000",
    steps: Annotated[int, typer.Option(min=1, help="Weeks each market runs.")] = 260,
    peer_nodes: Annotated[
        int, typer.Option(min=10, help="Nodes of Mesa's VirusOnNetwork.")
    ] = 100_000,
    peer_steps: Annotated[int, typer.Option(min=1, help="Steps of the peer.")] = 20,
    seed: Annotated[int, typer.Option(help="Seed of every case.")] = 1,
    core: Annotated[int | None, typer.Option(help="Core to pin to (default: the last).")] = None,
    ten_million: Annotated[
        int,
        typer.Option(
            min=0,
            help="Also run a market of 10 million employees this many weeks "
            "(8 GB memory limit; about a minute and 5 GB). 0: not run.",
        ),
    ] = 0,
    study_seeds: Annotated[
        int,
        typer.Option(
            min=0,
            help="Seeds of the timed study (3 options, --steps weeks, 20,000 employees, "
            "every core). 0: not run.",
        ),
    ] = 20,
) -> None:
    """Time the engine at 10k, 100k and 1M employees against Mesa, on one core."""
    from experiments.bench import BenchError, run_bench, write_json
    from experiments.bench_report import print_report

    try:
        size_list = tuple(int(s.replace("_", "")) for s in sizes.split(","))
    except ValueError:
        raise fail(
            f"--sizes {sizes!r}: expected employees as integers, e.g. 10000,100000"
        ) from None
    if any(s < 1 for s in size_list):
        raise fail(f"--sizes {sizes!r}: every size must be at least 1 employee")
    if json_out is not None and (json_out.is_dir() or not json_out.parent.is_dir()):
        raise fail(f"--json {str(json_out)!r}: not a file in an existing folder")
    try:
        with err.status("starting") as status:
            result = run_bench(
                size_list,
                steps=steps,
                peer_nodes=peer_nodes,
                peer_steps=peer_steps,
                seed=seed,
                core=core,
                huge_weeks=ten_million,
                study_seeds=study_seeds,
                on_case=lambda label: status.update(f"running {label}"),
            )
    except BenchError as exc:
        raise fail(str(exc)) from None
    print_report(result, console)
    if json_out is not None:
        write_json(result, json_out)
        console.print(f"wrote {json_out}")
