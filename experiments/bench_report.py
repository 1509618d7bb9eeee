"""The bench's figures as the tables ``salesweb bench`` prints."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _size_label(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n / 1e3:g}k"


def print_report(result: dict[str, Any], console: Console) -> None:
    """Peer line, market table, profile by mechanism, targets."""
    console.width = max(console.width, 120)
    peer = result["peer"]
    console.print(
        f"[bold]core {result['core']}[/] of {result['cores']} ({result['cpu']}{_identity(result)}); "
        f"load average before {_load(result['load_before'])}, after {_load(result['load_after'])}; "
        f"commit {result['commit']}{' (with changes)' if result['dirty'] else ''}"
    )
    if "error" in peer:
        console.print(f"[red]Mesa VirusOnNetwork failed:[/] {peer['error']}")
    else:
        console.print(
            f"Mesa VirusOnNetwork, {peer['nodes']:,} nodes, {peer['steps']} steps: "
            f"[bold]{peer['agent_steps_per_s'] / 1e6:.2f} M agent-steps/s[/] "
            f"({peer['step_ms_median']:.0f} ms/step, graph built in {peer['build_s']:.1f} s)"
        )
    default = result["default_scenario"]
    if "error" in default:
        console.print(f"[red]default scenario failed:[/] {default['error']}")
    else:
        console.print(
            f"default scenario ({default['employees']:,} employees, {default['vendors_start']} "
            f"vendors): [bold]{default['run_s']:.2f} s[/] for {default['steps']} weeks, "
            f"built in {default['build_s']:.2f} s"
        )
        if "jit_warm_up_s" in default:
            console.print(
                f"compiled kernels (Numba) ready in {default['jit_warm_up_cpu_s']:.2f} s of CPU "
                "before the build (the cache's load; a cold cache compiles them first)"
            )
    twenty = result.get("twenty_thousand")
    if twenty and "error" in twenty:
        console.print(f"[red]default scenario at 20,000 employees failed:[/] {twenty['error']}")
    elif twenty:
        console.print(
            f"default scenario at {twenty['employees']:,} employees ({twenty['enterprises']} "
            f"enterprises): [bold]{twenty['cpu_s']:.2f} s of CPU[/] for {twenty['steps']} weeks "
            f"({twenty['run_s']:.2f} s wall)"
        )
    table = Table(title="MarketModel (default parameters, 50 vendors at the start)")
    for col in (
        "market",
        "employees",
        "build s",
        "median ms",
        "worst ms (week)",
        "CPU ms median / worst",
        "M emp-steps/s",
        "peak GB",
    ):
        table.add_column(col, justify="right")
    for m in result["markets"]:
        label = _size_label(m["target_employees"])
        if "error" in m:
            table.add_row(label, "-", "-", "-", "-", "-", "-", f"failed: {m['error']}")
            continue
        table.add_row(
            label,
            f"{m['employees']:,}",
            f"{m['build_s']:.2f}",
            f"{m['step_ms_median']:.1f}",
            f"{m['step_ms_max']:.1f} ({m['worst_step']})",
            f"{m['cpu_ms_median']:.1f} / {m['cpu_ms_max']:.1f}",
            f"{m['employee_steps_per_s'] / 1e6:.1f}",
            f"{m['peak_memory_gb']:.2f}",
        )
    console.print(table)
    collected = [
        f"{_size_label(m['target_employees'])} {m['gc_full_collections']}"
        + (f" (longest {m['gc_max_pause_ms']:.0f} ms)" if m["gc_full_collections"] else "")
        for m in result["markets"]
        if "error" not in m
    ]
    console.print(f"full garbage collections during the steps: {', '.join(collected)}")
    if result["ratio"] is not None:
        console.print(
            f"throughput at 100k employees over VirusOnNetwork at {peer['nodes']:,} nodes: "
            f"[bold]{result['ratio']:.1f}x[/] (per CPU second: {result['ratio_cpu']:.1f}x)"
            + _pairs_note(result.get("throughput_pairs"))
        )
    from experiments.bench_study import study_lines

    for line in study_lines(result.get("study")):
        console.print(line)
    console.print(profile_table(result))
    guard_lines(result.get("guard"), console)
    for name, ok in result["targets"].items():
        console.print(f"{'[green]holds[/]' if ok else '[red]misses[/]'}  {name}")


def profile_table(result: dict[str, Any]) -> Table:
    """Milliseconds per step in each mechanism, one column per market size."""
    markets = [m for m in result["markets"] if "error" not in m]
    table = Table(title="Where a step's time goes (ms per step, mean over the run)")
    table.add_column("mechanism")
    for m in markets:
        table.add_column(_size_label(m["target_employees"]), justify="right")
    names = list(dict.fromkeys(n for m in markets for n in m["profile_ms_per_step"]))
    for name in names:
        table.add_row(name, *(f"{m['profile_ms_per_step'].get(name, 0.0):.2f}" for m in markets))
    return table


def guard_lines(guard: dict[str, Any] | None, console: Console) -> None:
    """The step-time guard's ratios beside the committed ones (benchmarks/guard.json)."""
    if guard is None:
        return
    if "error" in guard:
        console.print(f"[red]step-time guard failed:[/] {guard['error']}")
        return
    from experiments.bench_guard import committed_figures, slower

    committed = committed_figures()
    for size, g in guard["sizes"].items():
        then = committed["sizes"].get(size, {}).get("ratio") if committed else None
        ref = f", committed {then:.3f} at {committed['commit']}" if then else ""
        console.print(
            f"guard, {int(size):,} employees: a week {g['market_cpu_ms_per_week']:.2f} CPU ms, "
            f"peer step {g['peer_cpu_ms_per_step']:.2f}: ratio [bold]{g['ratio']:.3f}[/]{ref}"
        )
    for line in slower(guard["sizes"], committed) if committed else []:
        console.print(f"[red]slower[/]  {line}")


def _identity(result: dict[str, Any]) -> str:
    ident = result.get("cpu_identity") or {}
    if not ident:
        return ""
    l3 = ident.get("caches", {}).get("L3")
    return f", family {ident.get('family')} model {ident.get('model')}" + (
        f", L3 {l3}" if l3 else ""
    )


def _load(avg: list[float] | tuple[float, ...]) -> str:
    return f"{avg[0]:.2f}"


def _pairs_note(pairs: list[dict[str, float]] | None) -> str:
    """The pairs a median ratio came from: each pair's ratio and its peer's speed."""
    if not pairs:
        return ""
    from experiments.bench import pairs_words

    return f", the median of {len(pairs)} pairs run in turn ({pairs_words(pairs)})"
