"""Fuzz: any parameters, range bounds included, give a clean refusal or 20 sound weeks.

Hypothesis draws every parameter of ``sim.params.PARAMETERS`` (each number at its lower
bound, its upper bound, near the bottom of its range or anywhere in it). Each market
is built and stepped in a child process whose address space is limited with
``resource.setrlimit`` to what it had plus the market's memory limit and some
headroom: the budget must refuse what would not fit (or stop a run, with its reason,
before a week that would not fit), so a ``MemoryError``, a crash or a traceback other
than ``ParameterError`` fails the test, and so does a broken invariant
(``tests/invariants.py``) after any of the 20 weeks.

The children are forked from a fork server that has imported the model once (a fork of
the multi-threaded test process could deadlock), so a case costs its own work, not the
imports: the 25 cases take about 10 s on 2 cores.
"""

from __future__ import annotations

import json
import os
import resource
import traceback

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from experiments import study_pool
from sim.params import PARAMETERS, ParameterError

LIMIT_GB = 0.25
"""The fuzzed markets' memory limit (small, so accepted markets build and step fast)."""
HEADROOM = 0.5e9
"""Address space for the allocator and libraries beyond the market's own limit."""
WEEKS = 20
TIMEOUT = 90


def number(p) -> st.SearchStrategy:
    lo, hi = p.low, p.high
    if p.kind == "int":
        lo, hi = int(lo), int(hi)
        return st.one_of(
            st.sampled_from([lo, hi]), st.integers(lo, min(hi, lo + 10)), st.integers(lo, hi)
        )
    return st.one_of(
        st.sampled_from([lo, hi]),
        st.floats(lo, min(hi, lo + (hi - lo) / 100)),
        st.floats(lo, hi, allow_nan=False),
    )


def value(p) -> st.SearchStrategy:
    if p.kind == "bool":
        return st.booleans()
    if p.kind == "choice":
        return st.sampled_from(p.choices)
    if p.kind == "mix":
        share = st.one_of(st.sampled_from([0.0, 1.0, 1e308]), st.floats(0, 1e6))
        return st.tuples(share, share, share)
    return number(p)


SIZE = (
    "n_enterprises",
    "enterprise_size_min",
    "enterprise_size_max",
    "n_vendors",
    "max_vendors",
    "initial_reps",
    "touches_per_rep",
    "horizon",
)
"""Parameters whose product is the market's size: most of the full range is refused."""


def near_low(p) -> st.SearchStrategy:
    return st.integers(int(p.low), min(int(p.high), int(p.low) + 20))


@st.composite
def markets(draw) -> dict:
    """Every parameter; in half the cases the size parameters near their lower bounds,
    so that markets are built and stepped, not only refused."""
    params = draw(st.fixed_dictionaries({name: value(p) for name, p in PARAMETERS.items()}))
    if draw(st.booleans()):
        for name in SIZE:
            params[name] = draw(near_low(PARAMETERS[name]))
    lo, hi = params["enterprise_size_min"], params["enterprise_size_max"]
    if lo > hi and draw(st.integers(0, 4)):  # mostly consistent; sometimes min > max
        params["enterprise_size_min"], params["enterprise_size_max"] = hi, lo
    return params


def _case(params: dict, seed: int, conn) -> None:
    """In the child: limit memory, build, run 20 weeks checking invariants, report."""
    try:
        with open("/proc/self/status") as fh:
            vm = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize"))
        cap = int(vm + LIMIT_GB * 1e9 + HEADROOM)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        from invariants import cash_snapshot, check_week

        from sim.model import MarketModel

        try:
            model = MarketModel(rng=seed, memory_limit_gb=LIMIT_GB, **params)
        except ParameterError as exc:
            conn.send(("refused", str(exc)))
            return
        for _ in range(WEEKS):
            if model.memory_exceeded:  # the budget stopped it: a clean, explained stop
                conn.send(("stopped", model.memory_exceeded))
                return
            before = cash_snapshot(model)
            model.step()
            check_week(model, before)
        conn.send(("ran", model.steps))
    except BaseException:
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def _context():
    # the project's one forkserver (a process has one, started with the first caller's
    # preload list): had this test started it with a list of its own, a study pool made
    # later in the same process would fork workers without the model's kernels loaded
    return study_pool.context(also_preload=("invariants", "test_fuzz"))


def run_case(params: dict, seed: int) -> tuple[str, object]:
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_case, args=(params, seed, child))
    proc.start()
    child.close()
    try:
        if not parent.poll(TIMEOUT):
            return "timeout", f"no answer within {TIMEOUT} s"
        return parent.recv()
    except EOFError:
        proc.join(5)
        return "crashed", f"the child died with exit code {proc.exitcode}"
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.slow  # minutes: in make test (CI), not make test-quick (docs/performance.md)
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(params=markets(), seed=st.integers(0, 2**32 - 1))
def test_any_parameters_are_refused_cleanly_or_run_soundly(params, seed):
    outcome, detail = run_case(params, seed)
    event(outcome)
    assert outcome in ("refused", "ran", "stopped"), f"{outcome}: {detail}"
    if outcome == "ran":
        assert detail == WEEKS
    else:
        assert "\n" not in detail and "Traceback" not in detail


# ------------------------------------------------------------------ sweep spec files
SPEC_KEYS = sorted(
    {k for keys in __import__("experiments.sweep.spec", fromlist=["SECTIONS"]).SECTIONS.values()
     for k in keys}
    | {"low", "high", "num", "step", "log", "x", "y", "metric"}
    | {"virality", "quality", "n_enterprises", "strategy_mix", "org_network", "collaborative"}
)  # fmt: skip
SPEC_SECTIONS = ["sweep", "design", "base", "vary", "keep", "report", "params", "bogus"]


def toml_values() -> st.SearchStrategy:
    scalars = st.one_of(
        st.sampled_from([0, 1, 2, -1, 3, 16, 10**9, 2**63 - 1, -(2**63)]),
        st.integers(-5, 300),
        st.sampled_from([0.0, 1e-12, 5e-324, 1e308, float("inf"), float("-inf"), float("nan")]),
        st.floats(-10, 10, allow_nan=False),
        st.booleans(),
        st.sampled_from(
            [
                "grid",
                "sobol",
                "morris",
                "lhs",
                "random",
                "common",
                "final",
                "mean",
                "default",
                "x.toml",
                "/dev/zero",
                "",
                "1:0:0",
            ]
        ),  # fmt: skip
        st.text(max_size=8),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(st.sampled_from(SPEC_KEYS), inner, max_size=4),
        ),
        max_leaves=12,
    )


def toml_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(repr(value), repr(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_text(v) for v in value) + "]"
    return "{ " + ", ".join(f"{json.dumps(k)} = {toml_text(v)}" for k, v in value.items()) + " }"


spec_documents = st.dictionaries(
    st.sampled_from(SPEC_SECTIONS),
    st.dictionaries(st.sampled_from(SPEC_KEYS), toml_values(), max_size=5),
    max_size=5,
).map(
    lambda doc: "".join(
        f"[{section}]\n" + "".join(f"{json.dumps(k)} = {toml_text(v)}\n" for k, v in table.items())
        for section, table in doc.items()
    )
)
"""Spec files: known and unknown sections and keys, every kind of TOML value, nested."""


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(
        spec_documents,
        spec_documents.map(lambda t: t + "x = " + "[" * 3000 + "]" * 3000 + "\n"),
        st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
    )
)
def test_any_spec_file_is_refused_in_one_line_or_planned(text, tmp_path_factory):
    from experiments.sweep.memory import over_budget
    from experiments.sweep.runner import plan_runs
    from experiments.sweep.spec import SpecError, load_spec

    path = tmp_path_factory.mktemp("spec") / "spec.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        spec = load_spec(path)
    except SpecError as exc:
        event("refused")
        assert "\n" not in str(exc) and str(exc)
        return
    event("accepted")
    from experiments.sweep.design import count_points

    if count_points(spec) * spec.replicates <= 2000:
        try:
            over_budget(plan_runs(spec)[1], None)
        except SpecError as exc:
            assert "\n" not in str(exc)
