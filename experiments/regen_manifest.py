"""Every seeded page of the docs, the command that makes it, in the order to remake them.

A change to the engine that alters the random stream or a mechanism makes every seeded
figure in ``docs/`` and the README stale. :data:`MANIFEST` lists each page (a *step*):
the exact command the page says made it, the files it writes, the steps it reads from
(``after``), the folders under ``runs/`` it would otherwise reuse (``scratch``: set
aside before it runs, so nothing of an older engine is reused) and its wall time.
``salesweb regenerate`` runs them (:mod:`experiments.regenerate`);
``tests/test_regenerate_manifest.py`` fails when a page quotes a command no step runs,
or a file in ``docs/validation`` is written by none.

Wall times (``seconds``) are on this two-core machine, shared: where a regeneration,
the page or the commit that made it reports one, that figure (``time_from`` says which;
every step's figure is from the whole regeneration of 2026-12-06, 55 minutes); otherwise
an estimate from the runs the step makes (``time_from`` starts with ``estimate``).
"""

from __future__ import annotations

from dataclasses import dataclass

VALIDATION = "docs/validation"


@dataclass(frozen=True)
class Step:
    """One seeded page (or block of a page) and the command that remakes it."""

    name: str
    command: str
    writes: tuple[str, ...]
    seconds: float
    time_from: str
    after: tuple[str, ...] = ()
    scratch: tuple[str, ...] = ()
    quoted: tuple[str, ...] = ()
    """Other commands the docs quote for this step (what the step's command runs)."""
    findings_exit: bool = False
    """Exit status 1 is a finding (a claim, check or expectation that does not hold: the
    page says which), not a failure, when every file in ``writes`` was rewritten."""
    then: str = ""
    """What a person does after the step (text the step's command cannot write)."""


def _in(folder: str, *names: str) -> tuple[str, ...]:
    return tuple(f"{folder}/{n}" for n in names)


CLAIM_KEYS = (
    "attention_binds", "careful_qualification", "checks_start_small", "co_evolution",
    "dual_motion", "generational_change", "golden_goose", "infrastructure_goes_direct",
    "product_that_works_expands", "sales_too_early", "superlinear_rare", "user_not_buyer",
    "viral_goes_bottoms_up", "warm_network",
)  # fmt: skip
LEVER_NAMES = ("initial_cash", "initial_reps", "marketing_spend", "quality", "seat_price",
               "virality")  # fmt: skip
STUDY_FILES = ("study.csv", "study_seeds.csv", "study.json", "study_seeds.json", "study.md",
               "study_charts.png", "study_pairs.png")  # fmt: skip

MANIFEST: tuple[Step, ...] = (
    Step(
        "validate", "salesweb validate --seeds 12 --out docs/validation",
        _in(VALIDATION, "validation.md", "bass.png", "predator_prey.png",
            "predator_prey_scenario.png", "networks.png"),
        62, "salesweb regenerate on 2026-12-06: 62 s",
        quoted=("salesweb validate --seeds 12",), findings_exit=True,
        then="copy docs/validation/predator_prey_scenario.png to "
        "docs/img/predator_prey_validation.png (the README's chart)",
    ),
    Step(
        "calibrate",
        "salesweb calibrate --scenario default --seeds 20 --first-seed 1001 "
        "--out docs/validation/calibration.md",
        _in(VALIDATION, "calibration.md"), 24, "salesweb regenerate on 2026-12-06: 24 s",
    ),
    Step(
        "cycle", "salesweb cycle",
        _in(VALIDATION, "sales_web_cycle.md", "sales_web_cycle.png", "sales_web_recovery.png"),
        35, "salesweb regenerate on 2026-12-06: 35 s",
    ),
    Step(
        "claims", "salesweb claims --seeds 40",
        _in(VALIDATION, "claims.md", "claims.parquet", *(f"claim_{k}.png" for k in CLAIM_KEYS)),
        560, "salesweb regenerate on 2026-12-06: 560 s", findings_exit=True,
        then="README.md's claim figures by hand: tests/test_readme_claims.py names each",
    ),
    Step(
        "claims-robust", "salesweb claims --robust --seeds 20",
        _in(VALIDATION, "claims_robust.md"), 1040, "twice the 520 s of 10 seeds (2026-12-06)",
        then="README.md's robustness counts by hand: tests/test_readme_claims.py",
    ),
    Step(
        "claims-breakeven", "salesweb claims --breakeven --seeds 20",
        _in(VALIDATION, "dual_motion_breakeven.md"), 45,
        "salesweb regenerate on 2026-12-06: 45 s",
    ),
    Step(
        "levers", "salesweb levers --seeds 40 --weeks 260",
        _in(VALIDATION, "levers.md", "levers.parquet", *(f"levers_{n}.png" for n in LEVER_NAMES)),
        480, "twice the 240 s of 20 seeds (2026-12-06)",
        findings_exit=True,
    ),
    Step(
        "map", "salesweb map --seeds 20 --weeks 260",
        _in(VALIDATION, "winner_map.md", "winner_map.parquet", "winner_map.png",
            "winner_map_single.png"),
        663, "salesweb regenerate on 2026-12-06 (a test run beside it): 663 s",
    ),
    Step(
        "company", "salesweb company --seeds 20 --weeks 260",
        _in(VALIDATION, "company.md", "company.parquet", "company_weekly.parquet",
            "company_demand.png", "company_hiring.png", "company_motions.png",
            "company_rep_ratio.png"),
        395, "salesweb regenerate --only company on 2026-12-06, with the held-team "
        "demand curve: 395 s", findings_exit=True,
    ),
    Step(
        "discover", "python experiments/discover_example.py",
        ("docs/sweeps.md", "docs/img/discover_winner_map.png", "docs/img/discover_peeling.png"),
        14, "salesweb regenerate on 2026-12-06: 14 s",
        after=("map",), scratch=("runs/discover_example",),
    ),
    Step(
        "sensitivity-inert", "python experiments/sensitivity_inert.py --doc",
        ("docs/sweeps.md",), 15, "salesweb regenerate on 2026-12-06: 15 s",
    ),
    Step(
        "readme-study", "python -m experiments.cli.readme_study",
        ("README.md", *_in("docs/examples", *STUDY_FILES)), 16,
        "salesweb regenerate on 2026-12-06: 16 s",
        quoted=(
            "salesweb study --scenario default --seeds 10 --steps 260 --seed 1 "
            "--option 'bottoms-up: strategy=bottoms_up' --option 'direct: strategy=direct' "
            "--option 'hybrid: strategy=hybrid' --out docs/examples/study.csv --quiet",
        ),
    ),
    Step(
        "fit-examples", "python -m experiments.fit.examples",
        ("experiments/fit/examples/example_history.csv", "experiments/fit/examples/template.csv"),
        4, "salesweb regenerate on 2026-12-06: 4 s",
    ),
    Step(
        "fit-docs", "python -m experiments.fit_docs",
        ("docs/fit.md", "docs/optimize.md", "docs/img/fit-example.png",
         "docs/img/fit-forecast.png", "docs/img/optimize-convergence.png",
         "docs/img/optimize-importance.png"),
        153, "salesweb regenerate on 2026-12-06: 153 s",
        after=("fit-examples",),
        scratch=("runs/fit-example", "runs/optimize-example", "runs/optimize-from-fit"),
    ),
    Step(
        "fit-recovery", "python -m experiments.fit_recovery",
        ("docs/fit.md",), 51, "salesweb regenerate on 2026-12-06: 51 s",
    ),
    Step(
        "prune-check", "python -m experiments.optimize_prune_check --roots 2,3,4,5,6,7",
        ("docs/optimize.md",), 345,
        "salesweb regenerate on 2026-12-06: 345 s",
    ),
    Step(
        "optimize-time", "python -m experiments.optimize_bench --search runs/optimize-time --run",
        ("docs/optimize.md",), 385, "salesweb regenerate on 2026-12-06: 385 s",
        scratch=("runs/optimize-time",), quoted=("python -m experiments.optimize_bench",),
    ),
    Step(
        "bench", "salesweb bench --ten-million 10 --json benchmarks/bench.json",
        ("benchmarks/bench.json",), 172, "salesweb regenerate on 2026-12-06: 172 s",
    ),
    Step(
        "bench-targets", "python -m experiments.bench_targets",
        ("docs/performance.md",), 1, "salesweb regenerate on 2026-12-06: 1 s",
        after=("bench",),
    ),
)  # fmt: skip


def by_name() -> dict[str, Step]:
    return {s.name: s for s in MANIFEST}


def total_seconds(steps: tuple[Step, ...] | list[Step] = MANIFEST) -> float:
    return float(sum(s.seconds for s in steps))
