"""``base = "NAME"``: a scenario that starts from a preset follows it and differs only
where it says (sim/scenarios/__init__.py)."""

from __future__ import annotations

import pytest

from sim.scenarios import ScenarioError, load_scenario


def _write(tmp_path, name: str, body: str):
    path = tmp_path / f"{name}.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_based_file_takes_the_presets_parameters_and_its_own_on_top(tmp_path):
    default = load_scenario("default")
    path = _write(tmp_path, "crowded", '[scenario]\nbase = "default"\n[params]\nn_vendors = 30\n')
    crowded = load_scenario(path)
    assert crowded.params == {**default.params, "n_vendors": 30}


def test_a_based_file_keeps_the_presets_vendors_unless_it_has_its_own(tmp_path):
    base = load_scenario("viral_purchaser_comes")
    assert base.vendors  # the preset names its two vendors
    inherit = load_scenario(_write(tmp_path, "a", '[scenario]\nbase = "viral_purchaser_comes"\n'))
    assert inherit.vendors == base.vendors
    own = load_scenario(
        _write(
            tmp_path,
            "b",
            '[scenario]\nbase = "viral_purchaser_comes"\n[[vendors]]\nstrategy = "hybrid"\n',
        )
    )
    assert own.vendors == ({"strategy": "hybrid"},)


def test_the_shipped_variants_differ_from_their_base_only_in_what_they_say():
    fixed, cycle = load_scenario("sales_web_fixed"), load_scenario("sales_web_cycle")
    changed = {k for k in fixed.params if fixed.params[k] != cycle.params.get(k)}
    assert changed == {"initial_cash", "rep_attrition", "rep_hiring_rate", "entry_rate"}


@pytest.mark.parametrize(
    ("base", "fragment"),
    [('"no_such_market"', "is not a preset"), ("3", "is not a preset")],
)
def test_a_bad_base_is_one_clear_error(tmp_path, base, fragment):
    path = _write(tmp_path, "bad", f"[scenario]\nbase = {base}\n")
    with pytest.raises(ScenarioError, match=fragment):
        load_scenario(path)


def test_a_base_that_loops_back_is_refused(monkeypatch):
    import sim.scenarios as scenarios

    texts = {
        "loop_a": '[scenario]\nbase = "loop_b"\n',
        "loop_b": '[scenario]\nbase = "loop_a"\n',
    }
    real_read, real_names = scenarios._read, scenarios.preset_names
    monkeypatch.setattr(scenarios, "preset_names", lambda: [*real_names(), *texts])
    monkeypatch.setattr(
        scenarios,
        "_read",
        lambda n: (texts[n], n, n) if n in texts else real_read(n),
    )
    with pytest.raises(ScenarioError, match="loops back"):
        load_scenario("loop_a")


def test_an_out_of_range_override_names_the_file(tmp_path):
    from sim.params import ParameterError

    path = _write(tmp_path, "neg", '[scenario]\nbase = "default"\n[params]\nn_vendors = -1\n')
    with pytest.raises(ParameterError, match="neg.toml"):
        load_scenario(path)
