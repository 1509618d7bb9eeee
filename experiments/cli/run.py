"""``salesweb simulate``, ``scenarios`` and ``params``: one market, the presets, the parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from experiments.cli.base import MAX_STEPS, console, fail, progress_bar
from experiments.io import OutputError, check_output_path, sibling, write_tables
from sim.params import GROUPS, PARAMETERS, ParameterError, parse_assignment


def simulate(
    scenario: Annotated[str, typer.Option(help="Preset name or path to a .toml file.")] = "default",
    steps: Annotated[
        int | None,
        typer.Option(help=f"Weeks to run, 1 to {MAX_STEPS} (default: the scenario's horizon)."),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            help="Seed of the run (rng), a non-negative integer; default: the scenario "
            "file's seed, else 0."
        ),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter: --set key=value (repeatable)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write per-step data to FILE (.parquet or .csv); vendors to FILE_vendors, "
            "the full event history to FILE_events."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    memory_limit: Annotated[
        float | None,
        typer.Option(
            "--memory-limit",
            metavar="GB",
            help="Refuse a market estimated above this much memory (default: 4 GB).",
        ),
    ] = None,
) -> None:
    """Run one market headless and print its summary."""
    from sim import budget
    from sim.model import MarketModel
    from sim.scenarios import ScenarioError, load_scenario

    if steps is not None and not 1 <= steps <= MAX_STEPS:
        raise fail(f"--steps {steps} is not allowed; expected an integer in [1, {MAX_STEPS}]")
    if seed is not None and seed < 0:
        raise fail(f"--seed {seed} is not allowed; expected a non-negative integer")
    try:
        overrides = dict(parse_assignment(a) for a in set_ or [])
        if out is not None:  # both files, before any computation
            check_output_path(out)
            check_output_path(sibling(out, "vendors"))
            check_output_path(sibling(out, "events"))
        if seed is None:
            seed = load_scenario(scenario).seed or 0
        model = MarketModel.from_scenario(
            scenario, rng=seed, memory_limit_gb=memory_limit, **overrides
        )
        n_steps = steps or model.horizon
        if n_steps > model.horizon:  # the construction check counted the horizon's weeks
            budget.check(
                model.params,
                model.memory_budget.limit_gb,
                sizes=model.population.ent_size,
                steps=n_steps,
            )
    except (ParameterError, ScenarioError, OutputError) as exc:
        raise fail(str(exc)) from None
    stopped = run_weeks(model, n_steps, quiet)
    model_df = model.datacollector.get_model_vars_dataframe()
    vendor_df = model.vendor_dataframe()
    print_summary(model, model_df, vendor_df, int(model.steps))
    wrote = ""
    if out is not None:
        vendor_path, events_path = sibling(out, "vendors"), sibling(out, "events")
        meta = {
            "kind": "salesweb simulate",
            "scenario": scenario,
            "seed": seed,
            "steps": int(model.steps),
            "overrides": {k: list(v) if isinstance(v, tuple) else v for k, v in overrides.items()},
        }
        tables = {out: model_df, vendor_path: vendor_df, events_path: model.event_dataframe()}
        try:
            write_tables(tables, meta)
        except (OSError, OutputError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise fail(f"could not write {out} and its siblings: {reason}") from None
        console.print(
            f"wrote {out}, {vendor_path} and {events_path}", markup=False, highlight=False
        )
        wrote = f"; the {int(model.steps)} weeks run are in {out}"
    if stopped is not None:
        raise fail(f"{stopped}{wrote}")


def run_weeks(model, n_steps: int, quiet: bool) -> str | None:
    """Step ``n_steps`` weeks with a progress bar; return why it stopped early, if it did.

    The memory budget stops a run whose next week would not fit
    (``model.memory_exceeded``); the weeks run so far are kept.
    """
    with progress_bar("[bold]simulating[/] week", quiet) as progress:
        task = progress.add_task("run", total=n_steps)
        for _ in range(n_steps):
            model.step()
            progress.advance(task)
            if getattr(model, "memory_exceeded", None):
                return model.memory_exceeded
    return None


def print_summary(model, model_df, vendor_df, n_steps: int) -> None:
    from experiments.summary import format_value, summarize
    from sim.firm_founding import market_size
    from sim.params import STRATEGIES

    rows = summarize(model_df, vendor_df)
    enterprises, employees = market_size(model)  # firms founded over the run join it
    table = Table(
        title=f"{escape(getattr(model, 'scenario_name', 'market'))}: week {n_steps}, "
        f"{employees:,} employees in {enterprises:,} enterprises"
    )
    table.add_column("")
    for col in (*STRATEGIES, "market"):
        table.add_column(col, justify="right")
    for label, values in rows.items():
        table.add_row(label, *(format_value(label, values.get(c)) for c in (*STRATEGIES, "market")))
    console.print(table)


def scenarios() -> None:
    """List the preset scenarios with their titles."""
    from sim.scenarios import list_scenarios

    table = Table(title="Scenarios (salesweb simulate --scenario NAME)")
    table.add_column("name", style="bold")
    table.add_column("title")
    table.add_column("essay")
    for s in list_scenarios():
        table.add_row(escape(s.name), escape(s.title), escape(s.essay))
    console.print(table)


def params(
    group: Annotated[str | None, typer.Option(help=f"Only one group: {', '.join(GROUPS)}.")] = None,
    markdown: Annotated[bool, typer.Option(help="Print Markdown (docs/parameters.md).")] = False,
) -> None:
    """List every model parameter with its default, range, unit and meaning."""
    if markdown:
        from sim.params import markdown_table

        print(markdown_table(), end="")
        return
    if group is not None and group not in GROUPS:
        raise fail(f"--group {group!r} is not a group; expected one of {', '.join(GROUPS)}")
    table = Table(title="Parameters (salesweb simulate --set name=value)")
    for col in ("name", "label", "group", "default", "allowed", "unit", "description"):
        table.add_column(col, overflow="fold", no_wrap=col == "name")
    for p in PARAMETERS.values():
        if group in (None, p.group):
            table.add_row(
                p.name, p.label, p.group, str(p.default), p.allowed(), p.unit, p.description
            )
    console.print(table)
