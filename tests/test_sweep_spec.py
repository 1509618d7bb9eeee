"""Sweep specs are validated before any run; designs and seeds are what they claim."""

from __future__ import annotations

import numpy as np
import pytest
from sweep_support import write_spec
from typer.testing import CliRunner

from experiments.cli import app
from experiments.sweep.design import build_design, count_points
from experiments.sweep.runner import plan_runs, spec_hash
from experiments.sweep.seeding import run_key, run_seed
from experiments.sweep.spec import SpecError, load_spec, parse_spec

BASE = {"sweep": {"steps": 3}, "base": {"n_enterprises": 10}}


def spec_of(**sections):
    return parse_spec({**BASE, **sections})


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ({"vary": {"viralty": [0.1]}}, "did you mean 'virality'"),
        ({"vary": {"virality": [0.1, 1.5]}}, "'virality': 1.5 is not allowed"),
        ({"vary": {"virality": {"low": 0.2, "high": 0.1}}}, "low (0.2) must be below high (0.1)"),
        ({"vary": {"virality": {"low": 0.1}}}, "needs both low and high"),
        ({"vary": {"virality": {"low": 0.0, "high": 0.1, "log": True}}}, "log range needs low > 0"),
        ({"vary": {"virality": {"low": 0, "high": 1, "num": 1}}}, "num must be an integer >= 2"),
        ({"vary": {"virality": []}}, "an empty list"),
        ({"vary": {"virality": [0.1, 0.1]}}, "repeats a value"),
        ({"vary": {"org_network": {"low": 0, "high": 1}}}, "needs a numeric parameter"),
        ({"vary": {"virality": {"low": 0.0, "high": 0.1}}}, "grid design needs levels"),
        ({"design": {"kind": "factorial"}}, "kind = 'factorial' is not allowed"),
        ({"design": {"kind": "lhs"}, "vary": {"virality": [0.1, 0.2]}}, "needs samples"),
        (
            {
                "design": {"kind": "sobol", "samples": 10},
                "vary": {"virality": [0.1], "quality": [0.5]},
            },
            "power of 2",
        ),
        (
            {"design": {"kind": "morris", "samples": 4}, "vary": {"virality": [0.1]}},
            "vary at least two",
        ),
        ({"design": {"kind": "grid", "samples": 4}}, "samples is for random"),
        ({"sweep": {"replicates": 0}}, "replicates = 0: expected an integer >= 1"),
        ({"sweep": {"scenario": "yammer_viarl"}}, "did you mean 'yammer_viral'"),
        ({"keep": {"stats": ["median"]}}, "'median' is not allowed"),
        ({"keep": {"every": 0}}, "every = 0"),
        ({"sweeps": {}}, "unknown section [sweeps]"),
        ({"design": {"kind": "grid", "sampels": 3}}, "unknown key 'sampels'"),
        ({"base": {"rep_attrition": 2}}, "[base]: parameter 'rep_attrition'"),
        ({"base": {"virality": 0.1}, "vary": {"virality": [0.2]}}, "both in [base] and in [vary]"),
        ({"report": {"map": {"x": "virality"}}, "vary": {"virality": [0.1]}}, "needs both x and y"),
        ({"report": {"series_by": "quality"}}, "not a parameter in [vary]"),
        ({"design": {"kind": "random", "samples": 10**7}, "vary": {"virality": [0.1]}}, "at most"),
    ],
)
def test_bad_specs_are_refused_with_one_line(sections, message):
    merged = {**BASE, **sections}
    if "sweep" in sections:
        merged["sweep"] = {**BASE["sweep"], **sections["sweep"]}
    with pytest.raises(SpecError) as info:
        parse_spec(merged)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_a_point_whose_parameters_contradict_is_refused_before_any_run():
    spec = spec_of(vary={"enterprise_size_min": [10, 500]}, base={"enterprise_size_max": 300})
    with pytest.raises(SpecError, match="design point 1 .*must not exceed"):
        plan_runs(spec)


def test_cli_bad_spec_exits_2_and_creates_nothing(tmp_path):
    spec = tmp_path / "bad.toml"
    spec.write_text("[vary]\nvirality = [0.1, 7]\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["sweep", str(spec), "--out", str(out)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:")
    assert "[vary] virality: parameter 'virality': 7 is not allowed" in lines[0]
    assert not out.exists()


def test_cli_malformed_toml_exits_2(tmp_path):
    spec = tmp_path / "bad.toml"
    spec.write_text("[vary\nvirality = ")
    result = CliRunner().invoke(app, ["sweep", str(spec), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "not valid TOML" in result.output


def test_example_specs_are_valid():
    from pathlib import Path

    specs = sorted((Path(__file__).parents[1] / "experiments" / "specs").glob("*.toml"))
    assert len(specs) >= 2
    for path in specs:
        spec = load_spec(path)
        assert count_points(spec) == len(build_design(spec).points)


# ---------------------------------------------------------------- designs
def test_grid_is_every_combination_in_order():
    spec = spec_of(vary={"virality": [0.0, 0.1], "org_network": ["hierarchy", "complete"]})
    points = build_design(spec).points
    assert points == [
        {"virality": 0.0, "org_network": "hierarchy"},
        {"virality": 0.0, "org_network": "complete"},
        {"virality": 0.1, "org_network": "hierarchy"},
        {"virality": 0.1, "org_network": "complete"},
    ]


def test_ranges_give_levels_and_integers_stay_integers():
    spec = spec_of(
        vary={
            "virality": {"low": 0.01, "high": 1.0, "num": 3, "log": True},
            "n_vendors": {"low": 2, "high": 10, "step": 4},
        }
    )
    v, n = spec.vary
    assert v.levels == pytest.approx((0.01, 0.1, 1.0))
    assert n.levels == (2, 6, 10)


def test_latin_hypercube_has_one_point_per_stratum():
    spec = spec_of(
        design={"kind": "lhs", "samples": 20},
        vary={"virality": {"low": 0.0, "high": 0.2}, "n_vendors": {"low": 1, "high": 20}},
    )
    points = build_design(spec).points
    virality = np.array([p["virality"] for p in points])
    strata = np.floor(virality / 0.2 * 20).astype(int)
    assert sorted(strata) == list(range(20))
    vendors = [p["n_vendors"] for p in points]
    assert sorted(vendors) == list(range(1, 21))  # 20 integers over 20 strata: each once
    assert all(isinstance(x, int) for x in vendors)


def test_random_design_maps_log_ranges_and_levels():
    spec = spec_of(
        design={"kind": "random", "samples": 400},
        vary={
            "rep_attrition": {"low": 0.001, "high": 0.1, "log": True},
            "org_network": ["hierarchy", "small_world", "complete"],
        },
    )
    points = build_design(spec).points
    x = np.array([p["rep_attrition"] for p in points])
    assert x.min() >= 0.001 and x.max() <= 0.1
    # log-uniform: about half the points below the geometric midpoint 0.01
    assert 0.4 < np.mean(x < 0.01) < 0.6
    counts = {k: sum(p["org_network"] == k for p in points) for k in ("hierarchy", "complete")}
    assert all(100 < c < 170 for c in counts.values())


@pytest.mark.parametrize(
    ("kind", "extra", "expected"),
    [
        ("sobol", {"second_order": False, "dummy": False}, 8 * (3 + 2)),
        ("sobol", {"second_order": True, "dummy": False}, 8 * 8),
        ("sobol", {"second_order": False}, 8 * (4 + 2)),  # the noise dummy: one more column
        ("sobol", {"second_order": True}, 8 * (2 * 4 + 2)),
    ],
)
def test_sobol_point_counts(kind, extra, expected):
    vary = {"virality": {"low": 0.0, "high": 0.2}, "quality": [0.3, 0.6], "n_vendors": [4, 8]}
    spec = spec_of(design={"kind": kind, "samples": 8, **extra}, vary=vary)
    design = build_design(spec)
    assert len(design.points) == expected == count_points(spec)
    columns = 3 + spec.design.dummy
    assert design.unit is not None and design.unit.shape == (expected, columns)


def test_morris_trajectories_move_one_parameter_at_a_time():
    spec = spec_of(
        design={"kind": "morris", "samples": 5, "levels": 4},
        vary={"virality": {"low": 0.0, "high": 0.2}, "quality": {"low": 0.1, "high": 0.9}},
    )
    unit = build_design(spec).unit
    assert unit.shape == (5 * 4, 3)  # two parameters and the noise dummy
    steps = np.abs(np.diff(unit.reshape(5, 4, 3), axis=1))
    assert ((steps > 1e-12).sum(axis=2) == 1).all()


# ---------------------------------------------------------------- seeds and keys
def test_seeds_follow_the_point_not_its_position(tmp_path):
    small = load_spec(write_spec(tmp_path, "a.toml", virality="[0.0, 0.1]"))
    bigger = load_spec(write_spec(tmp_path, "b.toml", virality="[0.05, 0.0, 0.1]", replicates=3))
    seeds = {
        (r.task.kwargs["virality"], r.task.kwargs["rep_attrition"], r.replicate): r.task
        for r in plan_runs(bigger)[1]
    }
    for run in plan_runs(small)[1]:
        same = seeds[(run.task.kwargs["virality"], run.task.kwargs["rep_attrition"], run.replicate)]
        assert (same.seed, same.key) == (run.task.seed, run.task.key)
    assert spec_hash(small) != spec_hash(bigger)


def test_seed_is_seedsequence_of_point_and_replicate():
    from experiments.sweep.seeding import digest

    params = {"virality": 0.1}
    point_id = int(digest(params, 16), 16)
    expected = np.random.SeedSequence(5, spawn_key=(point_id, 2)).generate_state(1, np.uint64)
    assert run_seed(5, params, 2) == int(expected[0]) >> 1
    # the spawn_key form is SeedSequence(root).spawn(...)'s child, without the siblings
    a = np.random.SeedSequence(5).spawn(3)[2].spawn(2)[1].generate_state(2)
    assert (a == np.random.SeedSequence(5, spawn_key=(2, 1)).generate_state(2)).all()
    seeds = {run_seed(5, params, r) for r in range(50)}
    assert len(seeds) == 50 and all(0 <= s < 2**63 for s in seeds)


def test_common_random_numbers_share_seeds_across_points():
    a = run_seed(5, {"virality": 0.1}, 3, common=True)
    b = run_seed(5, {"virality": 0.2}, 3, common=True)
    c = run_seed(5, {"virality": 0.2}, 3, common=False)
    assert a == b != c


def test_run_key_changes_with_the_model_version(monkeypatch):
    import experiments.sweep.seeding as seeding

    keep = {"series_every": 1, "stats": ["final"]}
    before = run_key({"virality": 0.1}, 1, 10, keep)
    monkeypatch.setattr(seeding, "model_version", lambda: "0.1.0+edited")
    assert run_key({"virality": 0.1}, 1, 10, keep) != before
