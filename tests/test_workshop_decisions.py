"""Team decisions act through the model's mechanisms; research; the debrief's verdict."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gui.workshop import debrief, summary
from gui.workshop.decisions import (
    INVESTMENT_SCALE,
    Decision,
    DecisionError,
    apply,
    quality_after,
    validate,
)
from gui.workshop.market import RoomMarket
from gui.workshop.research import ARR_NOISE, run_study, study_rng
from gui.workshop.rooms import Rooms
from gui.workshop.settings import Limits, RoomSettings, market_kwargs, model_takes_memory_limit
from sim.model import MarketModel

SETTINGS = RoomSettings(n_enterprises=30, weeks_per_round=4, computer_vendors=2)


def market(n_teams: int = 2, **changes) -> RoomMarket:
    return RoomMarket(SETTINGS.with_changes(**changes) if changes else SETTINGS, n_teams)


def test_teams_start_equal_and_steered_computer_vendors_not():
    m = market(3)
    traits = {(v.strategy, v.quality, v.cash, v.seat_price, v.reps) for v in m.teams}
    assert len(traits) == 1 and all(v.steered for v in m.teams)
    assert not any(v.steered for v in m.model.vendor_list[3:])
    assert len(m.model.vendor_list) == 5


def test_hired_reps_are_a_cohort_that_ramps_and_let_go_reps_leave():
    m = market()
    me = m.teams[0]
    start = me.reps  # the market's reps at launch, ramped
    apply(m.model, me, Decision("direct", 0.0, hires=4))
    assert me.rep_cohorts[-1] == [0, 4] and me.reps == start + 4
    ramp = m.model.rep_ramp_weeks
    assert me.effective_reps(0, ramp) == pytest.approx(start)  # the new four are not ramped yet
    assert me.effective_reps(ramp // 2, ramp) == pytest.approx(start + 4 * (ramp // 2) / ramp)
    apply(m.model, me, Decision("direct", 0.0, let_go=start + 3))
    assert me.reps == 1


def test_a_switch_to_bottoms_up_lets_the_sales_team_go_and_stops_outbound():
    m = market()
    me = m.teams[0]
    apply(m.model, me, Decision("bottoms_up", 5000.0))
    assert me.strategy == "bottoms_up" and me.reps == 0 and not me.tactic.outbound
    m.play_round({})
    assert me.touches_total == 0
    assert any(e["event"] == "switch" and e["vendor"] == me.name for e in m.model.events)


def test_investment_costs_its_cash_and_raises_quality_less_each_time():
    m = market()
    me = m.teams[0]
    cash, q0 = me.cash, me.quality
    apply(m.model, me, Decision("hybrid", 2000.0, investment=400_000.0))
    q1 = me.quality
    apply(m.model, me, Decision("hybrid", 2000.0, investment=400_000.0))
    q2 = me.quality
    assert me.cash == cash - 800_000.0
    assert q1 == pytest.approx(q0 + (1 - q0) * (1 - math.exp(-400_000 / INVESTMENT_SCALE)))
    assert 0 < q2 - q1 < q1 - q0 and q2 < 1
    assert quality_after(0.7, 0.0) == 0.7


def test_marketing_and_price_become_the_vendors_traits():
    m = market()
    me = m.teams[1]
    apply(m.model, me, Decision("hybrid", 12_345.0, seat_price=40.0))
    assert me.marketing_spend == 12_345.0 and me.seat_price == 40.0
    cash = me.cash
    m.play_round({})
    assert me.sm_spend_total >= 4 * 12_345.0  # marketing is paid every week
    assert me.cash < cash


def test_the_model_neither_hires_for_a_team_nor_switches_its_strategy():
    rich = {"rep_hiring_rate": 10.0, "hiring_interval": 1, "adaptive_strategies": True,
            "switch_rate": 1.0, "switch_margin": 1.0, "rep_attrition": 0.0}  # fmt: skip
    model = MarketModel(rng=3, n_enterprises=30, n_vendors=6, strategy_mix=(0, 1, 1), **rich)
    me = model.vendor_list[0]
    me.steered = True
    reps, strategy = me.reps, me.strategy
    for _ in range(40):
        model.step()
    hires = {e["vendor"] for e in model.events if e["event"] == "hire"}
    switches = {e["vendor"] for e in model.events if e["event"] == "switch"}
    assert "V00" not in hires and "V00" not in switches
    assert me.reps == reps and me.strategy == strategy
    assert hires - {"V00"}, "the other vendors hire: the test would pass for nothing otherwise"


def test_validate_refuses_what_the_team_cannot_do():
    m = market()
    me = m.teams[0]
    lim = Limits()
    with pytest.raises(DecisionError, match="marketing per week"):
        validate(Decision("hybrid", 1e9), me, lim)
    with pytest.raises(DecisionError, match="seat price"):
        validate(Decision("hybrid", 0.0, seat_price=0.5), me, lim)
    with pytest.raises(DecisionError, match="you have 100 USD"):
        me.cash = 100.0
        validate(Decision("hybrid", 0.0, investment=200.0), me, lim)
    with pytest.raises(DecisionError, match="not both"):
        validate(Decision("hybrid", 0.0, hires=1, let_go=1), me, lim)
    me.alive, me.exited = False, 7
    with pytest.raises(DecisionError, match="ran out of cash in week 7"):
        validate(Decision("hybrid", 0.0), me, lim)
    with pytest.raises(DecisionError, match="strategy"):
        Decision.from_dict({"strategy": "guerrilla", "marketing_spend": 1})


def test_competitor_estimates_are_noisy_around_the_truth_and_repeatable():
    m = market(weeks_per_round=13)
    for _ in range(3):
        m.play_round({})
    truth = {v.name: v.arr for v in m.model.alive_vendors()}
    reports = [run_study("competitors", m.model, 0, {}, study_rng(1, 2, 0, "competitors"), 4)
               for _ in range(2)]  # fmt: skip
    assert reports[0] == reports[1]
    ratios = []
    for row in reports[0]["rows"]:
        name = row["vendor"].split()[0]
        estimate = float(row["estimated ARR"].strip("$").replace(",", ""))
        if truth[name] > 0:
            ratios.append(estimate / truth[name])
    assert ratios and all(np.exp(-4 * ARR_NOISE) < r < np.exp(4 * ARR_NOISE) for r in ratios)
    other = run_study("competitors", m.model, 0, {}, study_rng(1, 2, 1, "competitors"), 4)
    assert other != reports[0]


def test_a_study_does_not_touch_the_markets_random_stream():
    m = market()
    state = m.model.rng.bit_generator.state
    for study in ("receptivity", "competitors", "win_rates"):
        run_study(study, m.model, 0, {}, study_rng(1, 1, 0, study), 4)
    assert m.model.rng.bit_generator.state == state


def test_the_room_market_is_bounded_and_the_memory_hook_is_ready():
    kwargs = market_kwargs(RoomSettings(scenario="default"), 30)
    assert kwargs["n_vendors"] == 36 and kwargs["enterprise_size_max"] <= 5000
    assert kwargs["n_enterprises"] <= 400
    assert ("memory_limit_gb" in kwargs) == model_takes_memory_limit()


def played_room():
    room = Rooms(None).create()
    room.run_later = lambda work: work()
    room.update_settings(room.facilitator_key, n_enterprises=30, rounds=3, weeks_per_round=6,
                         computer_vendors=2, auto_advance=False)  # fmt: skip
    names = ["<b>Foxes</b>", "Hares", "Owls"]
    teams = [room.join(n) for n in names]
    room.start(room.facilitator_key)
    plans = [Decision("direct", 0.0, hires=6), Decision("bottoms_up", 20_000.0),
             Decision("hybrid", 5000.0, hires=2)]  # fmt: skip
    for team, plan in zip(teams, plans, strict=True):
        room.submit(team.id, team.key, plan)
    room.buy(teams[1].id, teams[1].key, "receptivity")
    for _ in range(3):
        room.advance(room.facilitator_key)
    return room, teams


def test_the_debrief_names_the_winner_its_strategy_and_why():
    room, teams = played_room()
    res = debrief.results(room)
    lines = debrief.verdict(room)
    assert lines[0].startswith(f"{res[0].name} finished first")
    assert debrief.STRATEGY_WORDS[res[0].strategy] in lines[0]
    assert "won on mean ARR" in lines[1]
    assert lines[2].startswith(f"Why {res[0].name} won, strongest reason first: 1) ")
    assert "Buyers' attention went from 0.30" in " ".join(lines)
    assert [r.strategy for r in sorted(res, key=lambda r: r.team)] == [
        "direct",
        "bottoms_up",
        "hybrid",
    ]
    assert res == sorted(res, key=lambda r: (not r.alive, -r.arr, -r.cash))


def test_the_audit_has_a_row_per_round_and_team_and_the_summary_escapes_names():
    room, teams = played_room()
    rows = debrief.audit_rows(room)
    assert len(rows) == 3 * 3
    assert rows[0]["decision"].startswith("direct") and "hire 6" in rows[0]["decision"]
    assert rows[1]["research"] == "receptivity"
    assert rows[3]["decision"] == "no decision: kept its settings"
    html = summary.summary_html(room)
    assert "<b>Foxes</b>" not in html and "&lt;b&gt;Foxes&lt;/b&gt;" in html
    assert html.count("<polyline") == 3 + 3 + 2  # ARR and cash per team; reps, receptivity
    assert "Round 1, &lt;b&gt;Foxes&lt;/b&gt;: hybrid -&gt; direct; hired 6" in html


def test_the_summary_lists_late_strategy_switches_of_a_large_class():
    """Fourteen teams hire in round 1; the one switch, in round 3, is still listed."""
    room = Rooms(None).create()
    room.run_later = lambda work: work()
    room.update_settings(room.facilitator_key, n_enterprises=30, rounds=3, weeks_per_round=4,
                         computer_vendors=1, auto_advance=False)  # fmt: skip
    teams = [room.join(f"Team {i}") for i in range(14)]
    room.start(room.facilitator_key)
    start = room.settings.start_strategy
    for team in teams:
        room.submit(team.id, team.key, Decision(start, 2000.0, hires=1))
    room.advance(room.facilitator_key)
    room.advance(room.facilitator_key)
    switch = "direct" if start != "direct" else "hybrid"
    room.submit(teams[-1].id, teams[-1].key, Decision(switch, 2000.0))
    room.advance(room.facilitator_key)
    lines = summary.key_decisions(room)
    assert len(lines) == 15 > summary.KEY_DECISIONS
    listed = summary.chosen_decisions(lines)
    assert len(listed) == summary.KEY_DECISIONS
    assert listed[-1].startswith("Round 3, Team 13: ") and "->" in listed[-1]
    assert listed[:-1] == [text for _, text in lines[: summary.KEY_DECISIONS - 1]]
    assert "and 3 more (the exports have all)" in summary.summary_html(room)
