"""``salesweb validate``, ``calibrate``, ``cycle`` and ``claims``: the model against
theory, its calibration bands, the sales-web cycle and the essays' claims."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from experiments.cli.base import MAX_VALIDATION_SEEDS, _out_folder, console, err, fail, progress_bar
from experiments.io import OutputError, check_writable_folder
from sim.params import ParameterError, parse_assignment


def validate(
    out: Annotated[Path, typer.Option("--out", help="Folder for the charts and validation.md.")],
    seeds: Annotated[
        int,
        typer.Option(
            help=f"Seeds per setting, 5 to {MAX_VALIDATION_SEEDS} (the 3-standard-error "
            "checks need at least 5)."
        ),
    ] = 12,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Check the model against theory (Bass, predator-prey, networks); exit 1 if a check fails."""
    from experiments.validate import run_validation

    if not 5 <= seeds <= MAX_VALIDATION_SEEDS:
        raise fail(
            f"--seeds {seeds} is not allowed; expected an integer in [5, {MAX_VALIDATION_SEEDS}]"
        )
    if out.exists() and not out.is_dir():
        raise fail(f"--out {str(out)!r} is a file; give a folder")
    try:  # before a minute of computing: can the report be written there?
        check_writable_folder(out if out.exists() else out.parent, f"--out {str(out)!r}")
    except OutputError as exc:
        raise fail(str(exc)) from None
    try:
        checks = run_validation(out, seeds=seeds, progress=not quiet)
    except OSError as exc:
        raise fail(f"could not write the report in {str(out)!r}: {exc.strerror or exc}") from None
    failed = [name for name, ok in checks.items() if not ok]
    console.print(
        f"{len(checks) - len(failed)} of {len(checks)} checks pass; report: {out / 'validation.md'}",
        markup=False,
        highlight=False,
    )
    for name in failed:
        err.print(Text.assemble(("FAIL", "bold red"), " ", name), highlight=False)
    if failed:
        raise typer.Exit(1)


def calibrate(
    seeds: Annotated[int, typer.Option(min=2, max=1000, help="Seeds of the default market.")] = 10,
    scenario: Annotated[str, typer.Option(help="Preset name or path to a .toml file.")] = "default",
    first_seed: Annotated[
        int,
        typer.Option(
            min=0,
            max=2**31,
            help="First seed: runs use seeds first..first+N-1 (the defaults were tuned on "
            "101-120; report on seeds you never tuned on).",
        ),
    ] = 1,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Also write the table as Markdown to FILE (whole or not at all)."
        ),
    ] = None,
) -> None:
    """Average the calibrated outputs over weeks 104-260 and compare them with their bands."""
    from experiments.calibration import calibration_report, calibration_table
    from experiments.io import write_text
    from sim.scenarios import ScenarioError

    try:
        table = calibration_table(list(range(first_seed, first_seed + seeds)), scenario=scenario)
    except (ParameterError, ScenarioError) as exc:
        raise fail(str(exc)) from None
    last = first_seed + seeds - 1
    out = Table(title=f"{scenario}: weeks 104-260, mean over seeds {first_seed}-{last}")
    for col in ("output", "mean", "se", "band", "in band", "source"):
        out.add_column(col)
    for name, row in table.iterrows():
        band = "" if row["low"] != row["low"] else f"{row['low']:g}-{row['high']:g}"
        verdict = "" if row["in_band"] is None else ("yes" if row["in_band"] else "NO")
        out.add_row(
            str(name), f"{row['mean']:.4g}", f"{row['se']:.2g}", band, verdict, row["source"]
        )
    console.print(out)
    if out_file is not None:
        text = calibration_report(table, scenario, first_seed, last, out_file.as_posix())
        try:
            write_text(out_file, text)
        except OSError as exc:
            raise fail(f"cannot write {out_file}: {exc.strerror or exc}") from None
        console.print(f"wrote {out_file}")


def cycle(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the charts and the report.")
    ] = Path("docs/validation"),
    seeds: Annotated[int, typer.Option(min=2, max=1000, help="Seeds per arm.")] = 20,
    first_seed: Annotated[
        int, typer.Option("--first-seed", help="First seed (tuning used 101-120).")
    ] = 1001,
    recovery_seeds: Annotated[
        int, typer.Option(min=0, max=20, help="Seeds per market for the recovery half-life.")
    ] = 2,
) -> None:
    """Run sales_web_cycle with touch fatigue on and off: qualifying receptivity peaks,
    reps' lag; and the recovery half-life of the default market and of sales_web_cycle."""
    from experiments.cycles import (
        cycle_report,
        plot_cycle_study,
        plot_recovery,
        recovery_half_life,
        run_cycle_study,
    )
    from experiments.io import write_text

    out = _out_folder(out)
    seed_list = list(range(first_seed, first_seed + seeds))
    study = run_cycle_study(seed_list)
    plot_cycle_study(study, out / "sales_web_cycle.png")
    recoveries = [
        recovery_half_life(market, seed)
        for market in ("default", "sales_web_cycle")
        for seed in seed_list[:recovery_seeds]
    ]
    if recoveries:
        firsts = [r for r in recoveries if r.seed == seed_list[0]]
        plot_recovery(firsts, out / "sales_web_recovery.png")
    text = cycle_report(study, recoveries)
    write_text(out / "sales_web_cycle.md", text)
    console.print(text, markup=False, highlight=False)


def claims(
    seeds: Annotated[
        int, typer.Option(min=2, help="Seeds per arm (common random numbers); 10 or more to judge.")
    ] = 10,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for claims.md and a chart per claim.")
    ] = Path("docs/validation"),
    claim: Annotated[
        list[str] | None, typer.Option("--claim", help="Run only this claim (its key; repeatable).")
    ] = None,
    enterprises: Annotated[
        int | None,
        typer.Option(min=1, help="Enterprises in every market (default: each scenario's)."),
    ] = None,
    weeks: Annotated[
        int | None, typer.Option(min=1, help="Weeks per run (default: each claim's).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default: every core).")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Change a parameter in every run, under the lever: key=value (repeatable); "
            "for example the claims under another condition.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    robust: Annotated[
        bool,
        typer.Option(
            "--robust",
            help="Instead of the verdicts: each claim with three parameters it does not name "
            "moved by -25% and +25% (mechanism on); writes claims_robust.md.",
        ),
    ] = False,
    breakeven: Annotated[
        bool,
        typer.Option(
            "--breakeven",
            help="Instead of the verdicts: the dual-motion claim's breakeven price and ACV, "
            "seed by seed; writes dual_motion_breakeven.md.",
        ),
    ] = False,
) -> None:
    """Run the essays' claims as paired experiments; exit 1 if one does not pass."""
    import time

    from experiments.claim_list import CLAIMS
    from experiments.claims import run_claims
    from experiments.claims_report import COLUMNS, table_rows, write_report

    known = {c.key: c for c in CLAIMS}
    unknown = [k for k in claim or [] if k not in known]
    if unknown:
        raise fail(f"--claim {unknown[0]!r} is not a claim; expected one of {', '.join(known)}")
    chosen = [known[k] for k in dict.fromkeys(claim)] if claim else list(CLAIMS)
    try:
        size = dict(parse_assignment(a) for a in set_ or [])
    except ParameterError as exc:
        raise fail(str(exc)) from None
    out = _out_folder(out)
    if enterprises:
        size["n_enterprises"] = enterprises
    seed_list = list(range(seeds))
    if robust or breakeven:
        _claims_study(chosen, seed_list, size, weeks, workers, quiet, out, robust)
        return
    started = time.perf_counter()
    with progress_bar("[bold]claims[/] run", quiet) as progress:
        task = progress.add_task("runs", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        results = run_claims(
            chosen, seed_list, size=size, steps=weeks, workers=workers, progress=advance
        )
    wall = time.perf_counter() - started
    table = Table(title=f"Claims over {seeds} seeds ({wall:.0f} s)")
    for col in COLUMNS:
        table.add_column(col, justify="left" if col == "claim" else "right")
    for row in table_rows(results, short=True):
        table.add_row(*row)
    console.print(table)
    report = write_report(results, out, seed_list, size, wall)
    failed = [r.claim.key for r in results if not r.passed]
    console.print(f"{len(results) - len(failed)} of {len(results)} claims pass; report: {report}")
    for key in failed:
        err.print(f"[bold red]FAIL[/] {key}", highlight=False)
    if failed:
        raise typer.Exit(1)


def _claims_study(chosen, seeds, size, weeks, workers, quiet, out: Path, robust: bool) -> None:
    """``claims --robust`` or ``claims --breakeven``: a study of the claims, not verdicts."""
    from experiments.io import write_text

    with progress_bar("[bold]claims[/] study", quiet) as progress:
        task = progress.add_task("runs", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        if robust:
            from experiments.claim_robust import robustness_markdown, run_robustness

            table = run_robustness(chosen, seeds, size, weeks, workers, advance)
            text, name = robustness_markdown(table, seeds), "claims_robust.md"
        else:
            from experiments.breakeven import run_breakeven
            from experiments.claim_list import CLAIMS

            claim = next(c for c in CLAIMS if c.key == "dual_motion")
            result = run_breakeven(
                claim, seeds, size=size, steps=weeks, workers=workers, progress=advance
            )
            text = (
                "# Dual motion: the breakeven price and ACV, seed by seed\n\n"
                f"Made by `salesweb claims --breakeven --seeds {len(seeds)}` over seeds "
                f"{seeds[0]}-{seeds[-1]}: the "
                "focal company as a hybrid minus the same company bottoms-up, at each seat "
                "price (`experiments/breakeven.py`).\n\n" + result.summary()
            )
            name = "dual_motion_breakeven.md"
    write_text(out / name, text)
    console.print(text, markup=False, highlight=False)
