"""Issue 22's targets against the committed measurements: the table docs/performance.md keeps.

The figures come from files in ``benchmarks/``, each written by a command that says
what it measured:

- ``bench.json``: ``salesweb bench --ten-million 10 --json benchmarks/bench.json``
  (``make bench-10m``): the run at about 20,000 employees, the study, the throughput
  against Mesa, ten million employees, the step-time guard;
- ``quick_suite.json``: the quick test pass, timed from outside
  (:mod:`experiments.timed_command`, the command is in the file);
- ``ten_million_dask.json``: the sweep point of ten million employees on a Dask worker
  (``experiments/specs/ten_million.toml``), timed the same way.

``python -m experiments.bench_targets`` rewrites the ``issue22-targets`` block of
docs/performance.md from them; ``tests/test_bench_targets.py`` fails when the block
and the files disagree, so the doc cannot drift from what was measured.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from experiments.bench import HUGE_SIZE, RATIO_TARGET_22, TWENTY_K_CPU_S, pairs_words
from experiments.bench_guard import SLOWDOWN_LIMIT, slower
from experiments.bench_study import TARGET_CLI_S, TARGET_DECIDE_S

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "benchmarks"
DOC = ROOT / "docs" / "performance.md"
BLOCK = "issue22-targets"
QUICK_SUITE_S = 300.0
"""Issue 22, point 5: the quick test pass in at most 5 minutes on this machine."""


def _read(name: str, folder: Path) -> dict[str, Any] | None:
    path = folder / name
    return json.loads(path.read_text()) if path.exists() else None


def _row(target: str, measured: str, holds: bool, source: str) -> str:
    verdict = "yes" if holds else "**no**"
    return f"| {target} | {measured} | {verdict} | {source} |"


def _times(study: dict[str, Any], key: str) -> str:
    """``, the median of 14.0, 15.5 and 18.1 s`` when the figure was measured repeatedly."""
    times = sorted(study.get(key, []))
    if len(times) < 2:
        return ""
    digits = 2 if times[-1] < 10 else 1
    shown = [f"{t:.{digits}f}" for t in times]
    return f", the median of {', '.join(shown[:-1])} and {shown[-1]} s"


def processor(bench: dict[str, Any]) -> str:
    """ ", on <cpu> (family F, model M)" when the bench recorded which processor it ran on:
    figures from different processors are not comparable (experiments.bench.cpu_identity)."""
    ident = bench.get("cpu_identity") or {}
    if not ident:
        return ""
    return f", on {bench.get('cpu', 'a CPU')} (family {ident.get('family')}, model {ident.get('model')})"


def _peer_words(bench: dict[str, Any]) -> str:
    """The peer's speed, or each pair's ratio where the bench ran pairs in turn."""
    pairs = bench.get("throughput_pairs")
    if not pairs:
        return f"the peer {bench['peer']['agent_steps_per_s'] / 1e6:.2f} M agent-steps/s"
    return f"the median of {len(pairs)} pairs of runs in turn: {pairs_words(pairs)}"


def table(folder: Path = FOLDER) -> str:
    """The block's Markdown: one row per target, from the files in ``folder``."""
    bench = _read("bench.json", folder) or {}
    quick = _read("quick_suite.json", folder)
    dask = _read("ten_million_dask.json", folder)
    rows = []
    if bench:
        load = "-".join(f"{x:.1f}" for x in (bench["load_before"][0], bench["load_after"][0]))
        rows.append(
            f"`salesweb bench` at commit {bench['commit']}{' (with changes)' if bench['dirty'] else ''}"
            f"{processor(bench)}, 1-minute load average {load} (before-after):"
        )
    rows += ["", "| target | measured | holds | from |", "| --- | --- | --- | --- |"]
    twenty = bench.get("twenty_thousand")
    if twenty and "error" not in twenty:
        rows.append(_row(
            f"a 260-week run at about 20,000 employees in at most {TWENTY_K_CPU_S:g} s",
            f"{twenty['cpu_s']:.2f} s of CPU{_times(twenty, 'cpu_s_runs')} "
            f"({twenty['employees']:,} employees, "
            f"{twenty['enterprises']} enterprises; {twenty['run_s']:.2f} s wall)",
            twenty["cpu_s"] <= TWENTY_K_CPU_S, "bench.json",
        ))  # fmt: skip
    study = bench.get("study")
    if study and "error" not in study:
        shape = f"{study['options']} x {study['seeds']} x {study['steps']}"
        rows.append(_row(
            f"`salesweb study` {shape} in at most {TARGET_CLI_S:g} s, start-up included",
            f"{study['cli_wall_s']:.1f} s wall{_times(study, 'cli_walls_s')} "
            f"({study['start_up_s']:.1f} s of it start-up; {study['run_cpu_s']:.2f} s of CPU "
            "a run)",
            study["cli_wall_s"] <= TARGET_CLI_S, "bench.json",
        ))  # fmt: skip
        rows.append(_row(
            f"the same study on the server's warm pool (Decide) in at most {TARGET_DECIDE_S:g} s",
            f"{study['warm_wall_s']:.1f} s wall{_times(study, 'warm_walls_s')} (the page's "
            "rendering not included)",
            study["warm_wall_s"] <= TARGET_DECIDE_S, "bench.json",
        ))  # fmt: skip
    if bench.get("ratio") is not None:
        rows.append(_row(
            f"at least {RATIO_TARGET_22:g}x Mesa's VirusOnNetwork at 100,000 employees",
            f"{bench['ratio']:.0f}x (per CPU second {bench['ratio_cpu']:.0f}x; "
            + _peer_words(bench) + ")",
            bench["ratio"] >= RATIO_TARGET_22, "bench.json",
        ))  # fmt: skip
    huge = next((m for m in bench.get("markets", []) if m["target_employees"] == HUGE_SIZE
                 and "error" not in m), None)  # fmt: skip
    if huge:
        n = f"{huge['employees']:,} employees"
        rows.append(_row("ten million: build in at most 60 s", f"{huge['build_s']:.1f} s ({n})",
                         huge["build_s"] <= 60, "bench.json"))  # fmt: skip
        rows.append(_row(
            "ten million: a step in at most 1 s (median)",
            f"{huge['step_ms_median'] / 1000:.2f} s wall, {huge['cpu_ms_median'] / 1000:.2f} s CPU "
            f"over {huge['steps']} weeks",
            huge["step_ms_median"] <= 1000, "bench.json",
        ))  # fmt: skip
        rows.append(_row("ten million: peak memory at most 8 GB",
                         f"{huge['peak_memory_gb']:.2f} GB", huge["peak_memory_gb"] <= 8,
                         "bench.json"))  # fmt: skip
    if dask:
        rows.append(_row(
            "ten million: a sweep point runs on a Dask worker",
            f"exit code {dask['exit_code']}, {dask['wall_s']:.0f} s wall, peak "
            f"{dask['peak_rss_gb']:.2f} GB over its processes (load {dask['load_mean']:.1f})",
            dask["exit_code"] == 0, "ten_million_dask.json",
        ))  # fmt: skip
    if quick:
        rows.append(_row(
            f"the quick test pass in at most {QUICK_SUITE_S / 60:g} minutes",
            f"{quick['wall_s'] / 60:.1f} min wall, {quick['cpu_s'] / 60:.1f} min of CPU, exit "
            f"code {quick['exit_code']} (load {quick['load_mean']:.1f}, commit {quick['commit']})",
            quick["wall_s"] <= QUICK_SUITE_S and quick["exit_code"] == 0, "quick_suite.json",
        ))  # fmt: skip
    guard = bench.get("guard", {}).get("sizes")
    if guard:
        committed = json.loads((folder / "guard.json").read_text())
        ratios = ", ".join(
            f"{g['ratio']:.2f} at {int(k):,} employees (committed "
            f"{committed['sizes'][k]['ratio']:.2f})" for k, g in sorted(guard.items(), key=lambda kv: int(kv[0]))
        )  # fmt: skip
        rows.append(_row(
            f"a week's CPU over Mesa's step within {SLOWDOWN_LIMIT:g}x the committed ratio "
            "(the step-time guard)",
            ratios, not slower(guard, committed), "bench.json, guard.json",
        ))  # fmt: skip
    return "\n".join(rows)


def main() -> None:
    """Print the table and write it into docs/performance.md's block."""
    from experiments.fit_recovery import write_block

    text = table()
    print(text)
    write_block(text, BLOCK, DOC)


if __name__ == "__main__":
    main()  # every function above is defined by now, wherever it sits in the module
