"""Levers a strategist reads, and the studio's logic without a browser: plain labels,
KPI cards, the scenario file of a run, the pending note, speed, charts and the map."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from gui import charts
from gui.controls import hint, label
from gui.kpis import MIN_DEALS, kpi_cards, usd, usd_short
from gui.state import Run
from sim.params import LABELS, PARAMETERS


def test_every_parameter_has_its_own_plain_label():
    missing = [n for n in PARAMETERS if n not in LABELS]
    assert not missing, f"add a plain label to sim.params.LABELS for {missing}"
    labels = [p.label for p in PARAMETERS.values()]
    assert len(set(labels)) == len(labels)
    assert all(p.label == LABELS[p.name] and "_" not in p.label for p in PARAMETERS.values())


SMALL = {"n_enterprises": 20, "enterprise_size_max": 300}


def test_controls_show_the_plain_label_and_the_name_only_on_hover():
    from gui.glossary import tooltip
    from sim.params import PARAMETERS

    p = PARAMETERS["initial_reps"]
    assert label(p) == "reps at launch (reps)"
    assert "initial_reps" not in hint(p) and p.description in hint(p)
    assert tooltip(p).startswith(f"reps at launch: {p.description}")
    assert tooltip(p).endswith("In a scenario file and the Compare tab: initial_reps.")


def test_usd_has_separators_and_currency():
    assert usd(1234567.4) == "$1,234,567" and usd(-5000) == "-$5,000" and usd(0) == "$0"


def cards_by_key(track):
    return {c["key"]: c for c in kpi_cards(track)}


def test_kpi_cards_follow_the_focal_vendor():
    run = Run.build("default", SMALL, seed=2, focal={"strategy": "hybrid", "burn": 50_000.0})
    assert run.track is not None and run.model.focal_vendor.strategy == "hybrid"
    cards = cards_by_key(run.track)
    assert cards["cash"]["sub"] == "no history yet" and "week 0" in cards["cash"]["tip"]
    run.step(20)
    me, cards = run.model.focal_vendor, cards_by_key(run.track)
    assert cards["cash"]["value"] == usd_short(me.cash) and "week 20" in cards["cash"]["tip"]
    assert usd(me.cash) in cards["cash"]["tip"]  # the exact figure on hover
    assert cards["arr"]["value"] == usd_short(me.arr)
    assert cards["users"]["value"] == f"{me.users:,}"
    assert cards["customers"]["value"] == f"{me.customers:,}"
    # runway from the last 13 weeks' net burn
    burn = (run.track.cash[-14] - run.track.cash[-1]) / 13
    if burn > 0:
        months = me.cash / burn / (52 / 12)
        assert cards["cash"]["sub"] == f"runway {months:,.1f} months"
    won, lost = me.deals_won, me.deals_lost
    rate = f"{won / (won + lost):.0%}" if won + lost >= MIN_DEALS else "n/a"
    assert cards["win_rate"]["value"] == rate
    assert cards["nrr"]["value"] == "n/a"  # no year of customers yet
    assert set(cards) == {"arr", "cash", "cac_payback", "win_rate", "nrr", "burn_multiple",
                          "users", "customers"}  # fmt: skip


def test_cards_say_why_a_figure_is_missing_and_use_live_cash():
    run = Run.build("default", SMALL, seed=2, focal={"strategy": "direct"})
    me = run.model.focal_vendor
    me.deals_won, me.deals_lost = 1, 0  # one deal is no rate
    cards = cards_by_key(run.track)
    assert cards["win_rate"]["value"] == "n/a"
    assert cards["win_rate"]["tip"].startswith("n/a: 1 won, 0 lost: under 5 deals")
    assert cards["nrr"]["tip"].startswith("n/a: after a year of customers")
    me.deals_won, me.deals_lost = 3, 2
    assert cards_by_key(run.track)["win_rate"]["value"] == "60%"
    me.cash -= 250_000.0  # paid between weeks (a workshop team's research)
    assert cards_by_key(run.track)["cash"]["value"] == usd_short(me.cash)


def test_net_revenue_retention_compares_the_same_customers_a_year_apart():
    run = Run.build("default", SMALL, seed=3, focal={})
    track = run.track
    track.arr_by_customer.clear()
    # six accounts, 150k a year ago (above the minimum base of sim.kpis)
    then = np.array([100e3, 0.0, 10e3, 10e3, 10e3, 10e3, 10e3] + [0.0] * 13)
    now = np.array([120e3, 999e3, 0.0, 10e3, 10e3, 10e3, 10e3] + [0.0] * 13)  # 1 is new
    track.arr_by_customer.extend([then] + [then] * 51 + [now])
    assert track.net_revenue_retention() == pytest.approx(160 / 150, abs=1e-9)


def test_burn_multiple_is_net_burn_over_net_new_arr():
    run = Run.build("default", SMALL, seed=3, focal={})
    t = run.track
    t.week[:] = list(range(14))
    t.cash[:] = [1e6 - 10_000 * k for k in range(14)]  # 130k burned in 13 weeks
    t.arr[:] = [0.0] * 13 + [65_000.0]
    t.users[:] = [0] * 14
    t.customers[:] = [0] * 14
    card = cards_by_key(t)["burn_multiple"]
    assert card["value"] == "2.0x" and card["sub"] == "$130.0k burned for $65.0k"


def test_scenario_file_of_a_run_rebuilds_the_same_run(tmp_path):
    from gui.scenario_file import run_scenario_toml
    from sim.model import MarketModel

    focal = {"strategy": "direct", "initial_reps": 9, "quality": 0.95}
    run = Run.build("default", {"n_enterprises": 15}, seed=4, focal=focal)
    run.step(4)
    path = tmp_path / "copy.toml"
    path.write_text(run_scenario_toml(run))
    again = MarketModel.from_scenario(path)
    for _ in range(4):
        again.step()
    pd.testing.assert_frame_equal(
        run.model.datacollector.get_model_vars_dataframe(),
        again.datacollector.get_model_vars_dataframe(),
    )


def test_pending_note_names_a_changed_seed_and_my_companys_settings():
    from gui.sidebar import waiting_changes

    run = Run.build("default", SMALL, seed=1, focal={"strategy": "direct"})
    assert waiting_changes(run, dict(SMALL), {"strategy": "direct"}, "1") == []
    assert waiting_changes(run, dict(SMALL), {"strategy": "direct"}, "2") == ["seed"]
    assert waiting_changes(run, dict(SMALL), {"strategy": "direct"}, "x") == []  # error shown
    assert waiting_changes(run, dict(SMALL), {"strategy": "hybrid"}, "1") == [
        "my company's strategy"
    ]


def test_speed_text_says_the_value_and_the_top():
    from gui.session import MAX_SPEED
    from gui.sidebar import SPEEDS, speed_text

    assert speed_text(3, False, 0) == "Speed: 3 weeks per second"
    assert speed_text(MAX_SPEED, True, 6.2) == "Speed: as fast as the page draws; now 6.2 weeks/s"
    assert SPEEDS[-1] == MAX_SPEED and list(SPEEDS) == sorted(SPEEDS)


def test_arr_legend_lists_only_strategies_that_were_played():
    h = {"arr_bottoms_up": [0, 1e6], "arr_direct": [0, 0], "arr_hybrid": [0, 2e6],
         "vendors_bottoms_up": [1, 1], "vendors_direct": [0, 0], "vendors_hybrid": [1, 0]}  # fmt: skip
    names = [s["name"] for s in charts.arr_by_strategy(h, [0.0, 5e5])["series"]]
    assert names == ["bottoms-up", "hybrid", "my company"]  # in words, not raw names


def test_fan_and_survival_charts_are_json_and_tooltips_name_medians():
    bands = {"a": np.array([[0, 1], [1, 2], [2, math.nan]]), "b": np.ones((3, 2))}
    option = charts.fan(bands, "ARR (USD m)")
    json.dumps(option, allow_nan=False)
    assert [s["name"] for s in option["series"]][2::3] == ["a", "b"]
    assert "{a2}" in option["tooltip"]["formatter"] and "{a5}" in option["tooltip"]["formatter"]
    assert option["series"][1]["data"] == [2.0, None]  # band width p90 - p10
    bars = charts.survival_bars(["a", "b"], [0.5, 1.0])
    assert [d["value"] for d in bars["series"][0]["data"]] == [50.0, 100.0]


def test_market_map_bubbles_do_not_overlap_and_on_prem_has_a_legend_entry():
    from gui.network_view import MAP_PX, bubble_layout, market_map_option

    sizes = np.random.default_rng(0).zipf(1.8, 300).clip(20, 5000)
    layout = bubble_layout(sizes)
    xy, r = layout[:, :2], layout[:, 2]
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    assert (d - (r[:, None] + r[None, :]) > -0.5 / MAP_PX).all()
    assert (np.hypot(xy[:, 0], xy[:, 1]) + r <= 1 + 1e-9).all()
    option = market_map_option(sizes[:3], np.array([0, -1, 0]), ["V00 (you)"],
                               on_prem=np.array([True, False, False]), focal=0)  # fmt: skip
    names = [s["name"] for s in option["series"]]
    assert names[-1] == "on-premise only (dashed border)" and option["tooltip"]["confine"]
    first = option["series"][names.index("V00 (you)")]["data"][0]
    assert first["itemStyle"]["borderType"] == "dashed" and first["itemStyle"]["borderWidth"] == 2
    assert first["name"].startswith("E0 (") and "{" not in option["series"][0]["tooltip"][
        "formatter"
    ].replace("{b}", "").replace("{a}", "")


def test_decide_form_parsing_and_bounds():
    from gui.pages.decide import MAX_RUN_WEEKS, parse_inputs

    options, seeds, weeks, errors = parse_inputs("a: strategy=direct\n\nb: hybrid", "3", "20")
    assert errors == [] and [o.label for o in options] == ["a", "b"] and (seeds, weeks) == (3, 20)
    assert "give 2 to 6 options" in parse_inputs("a: strategy=direct", "3", "20")[3][0]
    assert "seeds" in parse_inputs("a: strategy=direct\nb: hybrid", "0", "20")[3][0]
    assert "line 1" in parse_inputs("a: reps=1\nb: hybrid", "3", "20")[3][0]
    big = parse_inputs("a: strategy=direct\nb: hybrid\nc: direct", "50", "5200")[3]
    assert big and f"{MAX_RUN_WEEKS:,} run-weeks" in big[0]
