"""``salesweb levers``, ``map`` and ``company``: my company's levers, the winner map and
the company-level checks, each a study over seeds with a report page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from experiments.cli.base import MAX_STEPS, _out_folder, console, err, fail, progress_bar
from sim.params import ParameterError, parse_assignment

# The options the three studies share, declared once (their --help is as before).
Weeks = Annotated[int | None, typer.Option(help="Weeks per run (default: the scenario's horizon).")]
Scenario = Annotated[str, typer.Option(help="Preset name or path to a .toml file.")]
MarketSet = Annotated[
    list[str] | None,
    typer.Option("--set", help="Change a market parameter in every run: key=value."),
]
RootSeed = Annotated[int, typer.Option(help="Root seed the run seeds are spawned from.")]
Workers = Annotated[int | None, typer.Option(help="Worker processes (default: every core).")]
Quiet = Annotated[bool, typer.Option(help="No progress bar.")]


def levers(
    seeds: Annotated[int, typer.Option(help="Seeds per level (the same for every level).")] = 10,
    weeks: Weeks = None,
    scenario: Scenario = "default",
    out: Annotated[
        Path, typer.Option("--out", help="Folder for levers.md, levers.parquet and the charts.")
    ] = Path("docs/validation"),
    lever: Annotated[
        list[str] | None,
        typer.Option("--lever", help="Run only this lever (repeatable; default: all of them)."),
    ] = None,
    set_: MarketSet = None,
    seed: RootSeed = 0,
    workers: Workers = None,
    quiet: Quiet = False,
) -> None:
    """Each lever's response for my company over seeds; exit 1 if a direction fails."""

    from experiments.levers import choose, run_levers
    from experiments.levers_report import write_report
    from sim.scenarios import ScenarioError, load_scenario

    _check_counts(seeds, weeks, seed, workers)
    try:
        chosen = choose(lever)
        overrides = dict(parse_assignment(a) for a in set_ or [])
        load_scenario(scenario)
    except (ParameterError, ScenarioError) as exc:
        raise fail(str(exc)) from None
    out = _out_folder(out)
    result, wall, report = _run_and_report(
        "levers", run_levers, (chosen, seeds, weeks), write_report, out, quiet,
        scenario=scenario, overrides=overrides, workers=workers, root_seed=seed,
    )  # fmt: skip
    _print_levers(result, wall, report)


def _run_and_report(label: str, run, args: tuple, write_report, out: Path, quiet: bool, **common):
    """Run a study under a progress bar, time it and write its report.

    ``run(*args, **common, progress=progress)`` runs the study (``common``: scenario,
    overrides, workers, root seed; ``progress(done, total)`` moves the bar);
    ``write_report(result, out, wall)`` writes its page. Returns the result, the wall
    time and the report's path; a bad setting or an unwritable folder is one line.
    """
    import time

    from sim.scenarios import ScenarioError

    started = time.perf_counter()
    try:
        with progress_bar(f"[bold]{label}[/] weeks", quiet) as bar:
            task = bar.add_task(label, total=None)
            result = run(
                *args,
                **common,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except (ParameterError, ScenarioError) as exc:
        raise fail(str(exc)) from None
    wall = time.perf_counter() - started
    try:
        report = write_report(result, out, wall)
    except OSError as exc:
        raise fail(f"could not write the report in {str(out)!r}: {exc.strerror or exc}") from None
    return result, wall, report


def _check_counts(seeds: int, weeks: int | None, seed: int, workers: int | None) -> None:
    """One line for a count out of range, before anything runs."""
    if not 1 <= seeds <= 10_000:
        raise fail(f"--seeds {seeds} is not allowed; expected a whole number in [1, 10000]")
    if weeks is not None and not 1 <= weeks <= MAX_STEPS:
        raise fail(f"--weeks {weeks} is not allowed; expected a whole number in [1, {MAX_STEPS}]")
    if seed < 0:
        raise fail(f"--seed {seed} is not allowed; expected a whole number >= 0")
    if workers is not None and workers < 1:
        raise fail(f"--workers {workers} is not allowed; expected at least 1")


def _print_levers(result, wall: float, report: Path) -> None:
    from experiments.claims_report import yes_no
    from experiments.levers import checks, summarise

    verdicts = checks(summarise(result.frame), result.levers, result.frame)
    table = Table(
        title=f"Levers: {len(result.seeds)} seeds, {result.steps} weeks ({wall:.0f} s)",
        title_justify="left",
    )
    for col in ("lever", "motion", "outcome", "expected", "holds", "monotone", "diminishing", "z"):
        table.add_column(col, overflow="fold")
    for row in verdicts.itertuples():
        table.add_row(
            row.lever, row.strategy, row.outcome, row.expected, yes_no(row.holds),
            yes_no(row.monotone), yes_no(row.diminishing),
            "-" if row.z != row.z else f"{row.z:+.1f} ({row.pairs})",
        )  # fmt: skip
    console.print(table)
    held = int(verdicts["holds"].sum())
    console.print(
        f"{held} of {len(verdicts)} directions hold; report: {report}",
        markup=False,
        highlight=False,
    )
    for row in verdicts[~verdicts["holds"]].itertuples():
        err.print(
            Text.assemble(("FAIL", "bold red"), f" {row.lever}: {row.outcome} {row.expected}"),
            highlight=False,
        )
    if held < len(verdicts):
        raise typer.Exit(1)


def winner_map(
    virality: Annotated[
        str, typer.Option(help="My company's virality levels, comma-separated.")
    ] = "0.0005,0.002,0.008",
    seat_price: Annotated[
        str, typer.Option(help="My company's seat prices (USD a seat a month), comma-separated.")
    ] = "5,25,100",
    user_is_buyer: Annotated[
        str, typer.Option(help="The market's user_is_buyer levels, comma-separated.")
    ] = "0.2,1",
    seeds: Annotated[
        int, typer.Option(help="Seeds per motion and cell (the same everywhere).")
    ] = 10,
    weeks: Weeks = None,
    n_enterprises: Annotated[
        int | None, typer.Option(help="Enterprises in the market (default: the scenario's).")
    ] = None,
    scenario: Scenario = "default",
    set_: MarketSet = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for winner_map.md, .parquet and .png.")
    ] = Path("docs/validation"),
    seed: RootSeed = 0,
    workers: Workers = None,
    quiet: Quiet = False,
) -> None:
    """The winner map: bottoms-up, direct or hybrid for my company, cell by cell."""

    from experiments.winner_map import Grid, parse_levels, run_map, winners
    from experiments.winner_map_report import write_report
    from sim.scenarios import ScenarioError, load_scenario

    _check_counts(seeds, weeks, seed, workers)
    try:
        grid = Grid(
            virality=parse_levels("virality", virality),
            seat_price=parse_levels("seat_price", seat_price),
            user_is_buyer=parse_levels("user_is_buyer", user_is_buyer),
        )
        overrides = dict(parse_assignment(a) for a in set_ or [])
        if n_enterprises is not None:
            overrides["n_enterprises"] = parse_assignment(f"n_enterprises={n_enterprises}")[1]
        if "user_is_buyer" in overrides:
            raise ParameterError(
                "--set user_is_buyer: it is an axis of the map; use --user-is-buyer"
            )
        load_scenario(scenario)
    except (ParameterError, ScenarioError) as exc:
        raise fail(str(exc)) from None
    out = _out_folder(out)
    result, wall, report = _run_and_report(
        "map", run_map, (grid, seeds, weeks), write_report, out, quiet,
        scenario=scenario, overrides=overrides, workers=workers, root_seed=seed,
    )  # fmt: skip
    _print_map(winners(result.frame), result, wall, report)


def _print_map(table, result, wall: float, report: Path) -> None:
    from experiments.study import money
    from experiments.winner_map import MOTIONS, TIE

    out = Table(
        title=f"Winner map: {len(result.seeds)} seeds, {result.steps} weeks ({wall:.0f} s)",
        title_justify="left",
    )
    for col in ("user_is_buyer", "virality", "seat price", "winner", "wins",
                *(f"median {m}" for m in MOTIONS)):  # fmt: skip
        out.add_column(col, justify="left" if col == "winner" else "right")
    for row in table.itertuples():
        out.add_row(
            f"{row.user_is_buyer:g}", f"{row.virality:g}", f"{row.seat_price:g}",
            row.winner + (" (on the mean)" if row.by_mean else ""),
            "-" if row.winner == TIE else f"{row.win_share:.0%}",
            *(money(getattr(row, f"median_{m}")) for m in MOTIONS),
        )  # fmt: skip
    console.print(out)
    console.print(f"report: {report}", markup=False, highlight=False)


def company(
    seeds: Annotated[int, typer.Option(help="Seeds per option (the same for every option).")] = 20,
    weeks: Weeks = None,
    scenario: Scenario = "default",
    out: Annotated[
        Path, typer.Option("--out", help="Folder for company.md, the parquets and the charts.")
    ] = Path("docs/validation"),
    set_: MarketSet = None,
    seed: Annotated[
        int, typer.Option(help="Root seed the run seeds are spawned from (never used for tuning).")
    ] = 2026,
    workers: Workers = None,
    quiet: Quiet = False,
) -> None:
    """The company-level checks: reps that pay, a demand curve, where each motion wins;
    exit 1 if an expectation fails."""

    from experiments.company_checks import CONDITIONS, run_company
    from experiments.company_report import checks, write_report
    from sim.scenarios import ScenarioError, load_scenario

    _check_counts(seeds, weeks, seed, workers)
    try:
        overrides = dict(parse_assignment(a) for a in set_ or [])
        fixed = sorted({k for c in CONDITIONS for k in c.market} & set(overrides))
        if fixed:
            raise ParameterError(
                f"--set {fixed[0]}: the checks set it market by market; leave it to them"
            )
        load_scenario(scenario)
    except (ParameterError, ScenarioError) as exc:
        raise fail(str(exc)) from None
    out = _out_folder(out)
    result, wall, report = _run_and_report(
        "company", run_company, (seeds, weeks), write_report, out, quiet,
        scenario=scenario, overrides=overrides, workers=workers, root_seed=seed,
    )  # fmt: skip
    rows = checks(result)
    table = Table(
        title=f"Company checks: {len(result.seeds)} seeds, {result.steps} weeks ({wall:.0f} s)",
        title_justify="left",
    )
    for col in ("item", "expected", "measured", "holds"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(
            row["item"], row["expected"], row["measured"], "yes" if row["holds"] else "NO"
        )
    console.print(table)
    held = sum(r["holds"] for r in rows)
    console.print(
        f"{held} of {len(rows)} expectations hold; report: {report}", markup=False, highlight=False
    )
    for row in rows:
        if not row["holds"]:
            err.print(Text.assemble(("FAIL", "bold red"), f" {row['item']}: {row['expected']}"),
                      highlight=False)  # fmt: skip
    if held < len(rows):
        raise typer.Exit(1)
