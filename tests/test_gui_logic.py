"""The browser app's logic without a browser: controls, charts, layout, comparison, export."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from gui import charts
from gui.compare import parse_seeds, run_comparison
from gui.controls import (
    consistency_errors,
    control_kind,
    effective_params,
    format_value,
    parse_overrides,
    parse_seed,
    parse_value,
    slider_moved,
)
from gui.network_view import (
    ALL_TIES_UP_TO,
    block_edges,
    drawn_edges,
    main_vendor_codes,
    market_map_option,
    org_network_option,
    radial_tree_layout,
    tie_segments,
)
from gui.state import Run, to_csv_bytes, to_parquet_bytes
from sim.params import PARAMETERS


def test_every_parameter_gets_a_control_that_round_trips_its_default():
    for p in PARAMETERS.values():
        kind = control_kind(p)
        assert kind in ("switch", "select", "mix", "slider", "text")
        if kind in ("slider", "text", "mix"):
            value, err = parse_value(p, format_value(p, p.default))
            assert err is None, p.name
            if p.kind == "mix":
                assert np.allclose(value, p.default, atol=1e-3)
            else:
                assert value == pytest.approx(p.default, rel=1e-3)


def test_slider_only_where_the_range_is_short():
    assert control_kind(PARAMETERS["on_prem_share"]) == "slider"
    assert control_kind(PARAMETERS["n_vendors"]) == "slider"
    assert control_kind(PARAMETERS["initial_cash"]) == "text"


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("n_vendors", "abc", "not allowed"),
        ("n_vendors", "2.5", "integer"),
        ("on_prem_share", "1.5", "[0, 1]"),
        ("strategy_mix", "1:2", "three non-negative shares"),
        ("n_vendors", "  ", "enter"),
    ],
)
def test_bad_values_get_a_short_message(name, text, fragment):
    value, err = parse_value(PARAMETERS[name], text)
    assert value is None
    assert fragment in err
    assert not err.startswith("parameter")


def test_seed_parsing():
    assert parse_seed(" 42 ") == (42, None)
    assert parse_seed("abc")[0] is None and "whole number" in parse_seed("abc")[1]
    assert parse_seed("-1")[0] is None


def test_minimum_above_maximum_is_reported_beside_the_minimum():
    params = effective_params({}, {"enterprise_size_min": 900, "enterprise_size_max": 100})
    errors = consistency_errors(params)
    assert list(errors) == ["enterprise_size_min"] and "above" in errors["enterprise_size_min"]
    assert consistency_errors(effective_params({}, {})) == {}


def test_override_lines():
    out, err = parse_overrides("strategy_mix=0:0:1  # all hybrid\n\nn_vendors = 4\n")
    assert err is None and out["n_vendors"] == 4 and out["strategy_mix"][2] == 1.0
    out, err = parse_overrides("n_vendor=4")
    assert out == {} and "line 1" in err and "n_vendors" in err


def test_seed_lists():
    assert parse_seeds("1, 2,5-7") == ([1, 2, 5, 6, 7], None)
    assert parse_seeds("x")[1] and parse_seeds("")[1] and parse_seeds("1-50")[1]


def test_chart_options_are_json_without_nan():
    history = {col: [0.0, float("nan"), 2.0] for col in ("reps_total", "vendors_active")}
    history["buyer_receptivity"] = [0.3, 0.2, float("inf")]
    for col in ("arr_self_serve", "arr_enterprise", "cac_median") + tuple(
        f"arr_{s}" for s in charts.STRATEGIES
    ):
        history[col] = [1e6, 2e6, float("nan")]
    for option in (
        charts.predator_prey(history),
        charts.phase_portrait(history),
        charts.arr_by_strategy(history),
        charts.arr_by_motion(history),
        charts.cac_chart(history),
        charts.funnel([1, 2, 3, 4], 5, 6),
        charts.adoption_by_vendor({0: [1, 2, 3], 3: [5]}, {0: "V00", 3: "V03"}, 10),
        charts.overlay({"A": history, "B": history}, "reps_total", "reps"),
    ):
        json.dumps(option, allow_nan=False)
    stacked = charts.arr_by_strategy(history)
    assert all(s["stack"] == "arr" for s in stacked["series"])
    assert stacked["series"][0]["data"] == [1.0, 2.0, None]
    late = charts.adoption_by_vendor({0: [1, 2, 3], 3: [5]}, {0: "V00", 3: "V03"}, 10)
    assert late["series"][1]["data"] == [None, None, 50.0]


def test_adoption_is_a_share_of_the_employees_in_the_market_that_week():
    """Firms founded over the run join the market: each week's share reads that week's
    employees, not those of firms still to come."""
    growing = charts.adoption_by_vendor({0: [1, 2, 3]}, {0: "V00"}, [10, 20, 40])
    assert growing["series"][0]["data"] == [10.0, 10.0, 7.5]
    run = Run.build("default", {"n_enterprises": 40, "enterprise_size_max": 300}, seed=3)
    run.step(60)
    assert len(run.employees_in_market) == 61  # week 0 and each week stepped
    assert run.employees_in_market[0] < run.employees_in_market[-1] < run.model.n_employees


def _tree(n: int) -> sp.csr_matrix:
    rows = np.arange(1, n)
    cols = (rows - 1) // 3
    a = sp.coo_matrix((np.ones(n - 1), (rows, cols)), shape=(n, n))
    return (a + a.T).tocsr()


def test_radial_layout_puts_the_root_at_the_centre_and_everyone_in_the_disc():
    adj = _tree(40)
    pos = radial_tree_layout(adj, np.zeros(40))
    assert pos.shape == (40, 2) and np.allclose(pos[0], 0)
    radius = np.hypot(pos[:, 0], pos[:, 1])
    assert radius.max() == pytest.approx(1.0) and np.all(radius[1:] > 0)
    assert len(np.unique(np.round(pos, 6), axis=0)) == 40  # nobody on top of anybody
    assert len(block_edges(adj)) == 39


def test_big_orgs_draw_only_the_reporting_tree():
    small, big = _tree(50), _tree(ALL_TIES_UP_TO + 10)
    extra = sp.coo_matrix((np.ones(2), ([1, 7], [7, 1])), shape=(50, 50))
    assert len(drawn_edges((small + extra).tocsr())) == 50  # every tie, the extra one too
    tree = drawn_edges(big)
    assert len(tree) == ALL_TIES_UP_TO + 9
    segs = tie_segments(radial_tree_layout(big), tree)
    assert len(segs) == len(tree) and len(segs[0]) == 2


def test_org_network_marks_buyers_and_champion():
    adj = _tree(10)
    option = org_network_option(
        radial_tree_layout(adj),
        block_edges(adj),
        np.array([-1, 0, 0, 1, -1, -1, -1, -1, -1, -1]),
        ["V00", "V01"],
        buyers=np.array([0, 2]),
        champion=1,
        buyer_roles=["economic buyer", "IT/security"],
    )
    by_name = {s["name"]: s for s in option["series"]}
    assert len(by_name["ties"]["data"]) == 9
    assert [p[2] for p in by_name["no product"]["data"]] == [0, 4, 5, 6, 7, 8, 9]
    assert [p[2] for p in by_name["V00"]["data"]] == [1, 2]
    committee = by_name["buying committee"]["data"]
    assert [c["value"][2] for c in committee] == [0, 2] and committee[0]["name"] == "economic buyer"
    assert by_name["champion"]["data"][0]["value"][2] == 1
    json.dumps(option, allow_nan=False)


def test_main_vendor_and_market_map():
    codes = main_vendor_codes(np.array([0, 0, 0, 1, 1, 2]), np.array([1, 1, 0, -1, -1, 2]), 3)
    assert codes.tolist() == [1, -1, 2]
    option = market_map_option(np.array([10, 20, 30]), codes, ["V0", "V1", "V2"], selected=1)
    points = {d["name"].split()[0]: (s["name"], d) for s in option["series"] for d in s["data"]}
    assert {k: v[0] for k, v in points.items()} == {"E0": "V1", "E1": "no product", "E2": "V2"}
    assert [points[f"E{e}"][1]["value"][2] for e in range(3)] == [10, 20, 30]
    assert points["E1"][1]["itemStyle"]["borderWidth"] == 3
    assert points["E2"][1]["symbolSize"] > points["E0"][1]["symbolSize"]


def test_run_steps_records_and_exports():
    run = Run.build("default", {"n_enterprises": 15, "n_vendors": 3}, seed=3)
    assert run.step(4) == 4 and run.steps == 4
    assert len(run.history()["arr_total"]) == 5
    assert all(len(u) == 5 for u in run.vendor_users.values())
    assert len(run.vendor_rows()) == 3 and sum(run.open_by_stage()) >= 0
    pos, edges, segments, all_ties = run.layout(0)
    assert all_ties
    assert run.layout(0)[0] is pos  # cached
    assert len(segments) == len(edges)
    model_df = pd.read_csv(io.BytesIO(to_csv_bytes(run.model_frame())))
    assert model_df["week"].tolist() == [0, 1, 2, 3, 4]
    vendors = pd.read_parquet(io.BytesIO(to_parquet_bytes(run.vendor_frame())))
    assert set(vendors["week"]) == {0, 1, 2, 3, 4}


def test_same_seed_same_run_in_the_gui():
    a, b = (Run.build("default", {"n_enterprises": 15}, seed=9) for _ in range(2))
    a.step(5)
    b.step(5)
    for k, col in a.history().items():
        np.testing.assert_array_equal(np.array(col, float), np.array(b.history()[k], float))


def test_comparison_with_equal_sets_has_zero_difference():
    base = {"n_enterprises": 15, "n_vendors": 3}
    result = run_comparison("default", base, {}, {}, seeds=[1, 2], weeks=6)
    for row in result.end_table():
        assert row["B - A"] == 0 or (math.isnan(row["A"]) and math.isnan(row["B"]))
    assert len(result.mean_history("A")["arr_total"]) == 7


def test_comparison_rejects_bad_sets_before_running():
    from sim.params import ParameterError

    with pytest.raises(ParameterError):
        run_comparison(
            "default", {}, {"enterprise_size_min": 900, "enterprise_size_max": 10}, {}, [1], 5
        )


def test_server_command_is_offline_and_binds_where_told():
    from gui.server import server_command, server_env

    cmd = server_command("0.0.0.0", 9999)
    assert cmd[cmd.index("-m") + 1 : cmd.index("-m") + 3] == ["uvicorn", "gui.asgi:app"]
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0" and cmd[cmd.index("--port") + 1] == "9999"
    env = server_env()
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"


@pytest.mark.usefixtures("solara_session")
def test_page_renders_steps_and_survives_an_engine_failure(monkeypatch):
    """The page without a browser: built on first render, stepped, and an engine error shown."""
    import solara

    import gui.app as app

    solara.render(app.Page(), handle_error=False)
    run = app.run.value
    assert run is not None and run.steps == 0 and app.run_error.value == ""
    tick = app.tick.value
    assert app.do_step() and run.steps == 1 and app.tick.value == tick + 1

    def broken(self, n=1):
        raise IndexError("index 0 is out of bounds")

    monkeypatch.setattr(type(run), "step", broken)
    assert not app.do_step()
    assert "failed after week 1" in app.run_error.value and "IndexError" in app.run_error.value


@pytest.mark.usefixtures("solara_session")
def test_every_preset_builds_steps_and_draws_in_the_page():
    """Each shipped scenario through the page's own code path (no browser)."""
    import solara

    import gui.app as app

    solara.render(app.Page(), handle_error=False)
    assert "default" in app.SCENARIOS and len(app.SCENARIOS) >= 2
    for name in app.SCENARIOS:
        app.scenario_name.set(name)
        app.rebuild("test")
        assert app.run_error.value == "", (name, app.run_error.value)
        assert app.do_step(), name
        assert app.run.value.steps == 1


def test_complete_graph_draws_a_tree():
    """The Bass preset's complete graph: a million ties, drawn as its n - 1 tree edges."""
    n = 1000
    full = sp.csr_matrix(np.ones((n, n)) - np.eye(n))
    pos = radial_tree_layout(full)
    edges = drawn_edges(full)
    assert pos.shape == (n, 2) and len(edges) == n - 1
    assert np.allclose(pos[0], 0) and np.allclose(np.hypot(*pos[1:].T), 1.0, atol=0.11)


def test_a_slider_snapping_a_drawn_value_is_not_a_change():
    """A drawn trait shown between a slider's stops is snapped to one and reported back:
    by half a stop at most, exactly half at a midpoint (vendor 0's quality 0.8075 at the
    default market's seed 1, stops of 0.001). A user's move is a whole stop."""
    step = 0.001
    assert not slider_moved(0.808, 0.8075, step)
    assert not slider_moved(0.807, 0.8075, step)
    assert not slider_moved(0.8072, 0.80717, step)
    assert slider_moved(0.809, 0.8075, step)
    assert slider_moved(0.806, 0.807, step)
