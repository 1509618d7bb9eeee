"""Workshop rooms without a browser: codes and keys, teams, rounds, broadcast, limits."""

from __future__ import annotations

import time

import pytest

from gui.workshop import codes
from gui.workshop.decisions import Decision
from gui.workshop.room import FINISHED, LOBBY, PLAYING, PRACTICE, PRACTICE_DONE, RoomError
from gui.workshop.rooms import Rooms
from gui.workshop.settings import RoomSettings

SMALL = {"n_enterprises": 30, "rounds": 3, "weeks_per_round": 4, "computer_vendors": 2}


def make_room(rooms=None, teams=("Foxes", "Hares"), **settings):
    rooms = rooms or Rooms(None)
    room = rooms.create()
    room.run_later = lambda work: work()  # triggers run at once, in the test's thread
    room.update_settings(room.facilitator_key, **{**SMALL, **settings})
    joined = [room.join(name) for name in teams]
    return room, joined


def keep(team_state_strategy="hybrid"):
    return Decision(team_state_strategy, 2000.0)


def test_join_codes_are_short_unambiguous_letters_and_unique():
    taken = set()
    for _ in range(200):
        code = codes.new_join_code(taken)
        assert len(code) == codes.JOIN_CODE_LENGTH and set(code) <= set(codes.LETTERS)
        assert code not in taken
        taken.add(code)
    assert not set("01OQILZSBUV258") & set(codes.ALPHABET)
    assert codes.normalize(" ab-cd ") == "ABCD"


def test_a_wrong_code_is_refused_and_a_typed_code_is_found():
    rooms = Rooms(None)
    room = rooms.create()
    assert rooms.get(room.code.lower()) is room
    wrong = "".join(c for c in codes.LETTERS if c not in room.code)[:4]
    with pytest.raises(RoomError, match="no room with code"):
        rooms.get(wrong)


def test_several_rooms_run_apart_and_the_server_limit_holds():
    rooms = Rooms(None, limit=2)
    a, _ = make_room(rooms)
    b, _ = make_room(rooms, teams=("Owls",))
    assert a.code != b.code
    a.start(a.facilitator_key)
    assert a.phase == PLAYING and b.phase == LOBBY and b.market is None
    with pytest.raises(RoomError, match="limit"):
        rooms.create()


def test_a_team_acts_only_with_its_own_key():
    room, (foxes, hares) = make_room()
    room.start(room.facilitator_key)
    with pytest.raises(RoomError, match="does not belong"):
        room.submit(foxes.id, hares.key, keep())  # Hares' key, Foxes' number
    with pytest.raises(RoomError, match="does not belong"):
        room.buy(foxes.id, "WRONGKEY", "competitors")
    with pytest.raises(RoomError, match="no team"):
        room.submit(-1, hares.key, keep())
    assert room.pending == {}
    room.submit(hares.id, hares.key, Decision("direct", 0.0, hires=2))
    assert set(room.pending) == {hares.id}


def test_a_name_taken_needs_its_key_and_new_teams_wait_for_the_lobby():
    room, (foxes, _) = make_room()
    with pytest.raises(RoomError, match="team key"):
        room.join("foxes")
    assert room.join(" Foxes ", key=foxes.key) == foxes  # a teammate's device
    room.start(room.facilitator_key)
    with pytest.raises(RoomError, match="started"):
        room.join("Owls")
    with pytest.raises(RoomError, match="team name"):
        room.join("   ")


def test_facilitator_actions_need_the_facilitator_key():
    room, _ = make_room()
    with pytest.raises(RoomError, match="facilitator"):
        room.start("NOTTHEKEY")
    with pytest.raises(RoomError, match="facilitator"):
        room.update_settings(None, rounds=2)
    room.start(room.facilitator_key)
    with pytest.raises(RoomError, match="facilitator"):
        room.advance("NOTTHEKEY")
    assert room.open_round == 1


def test_the_round_advances_when_every_team_has_submitted():
    room, (foxes, hares) = make_room()
    room.start(room.facilitator_key)
    room.submit(foxes.id, foxes.key, keep())
    assert room.open_round == 1 and room.market.week == 0
    room.submit(foxes.id, foxes.key, Decision("direct", 0.0))  # the last submission counts
    room.submit(hares.id, hares.key, keep())
    assert room.open_round == 2 and room.market.week == 4
    assert room.played[0].decisions[foxes.id].strategy == "direct"
    assert room.played[0].reason == "all submitted"
    assert room.market.teams[foxes.id].strategy == "direct"


def test_without_auto_advance_only_the_facilitator_advances():
    room, (foxes, hares) = make_room(auto_advance=False)
    room.start(room.facilitator_key)
    room.submit(foxes.id, foxes.key, keep())
    room.submit(hares.id, hares.key, keep())
    assert room.open_round == 1
    assert room.advance(room.facilitator_key)
    assert room.open_round == 2 and room.played[0].reason == "facilitator"


def test_a_round_advances_by_itself_at_its_deadline():
    room, _ = make_room(deadline_minutes=0.01)  # 0.6 s
    room.start(room.facilitator_key)
    assert room.seconds_left() is not None
    limit = time.monotonic() + 10
    while room.open_round == 1 and time.monotonic() < limit:
        time.sleep(0.05)
    assert room.open_round == 2 and room.played[0].reason == "deadline"
    room.close()


def test_two_triggers_at_once_advance_once():
    room, _ = make_room()
    room.start(room.facilitator_key)
    assert room.advance(reason="deadline", only_round=1)
    assert not room.advance(reason="all submitted", only_round=1)
    assert room.open_round == 2 and len(room.played) == 1


def test_every_subscriber_is_told_and_a_failing_one_is_dropped():
    room, (foxes, _) = make_room()
    told_a, told_b = [], []

    def broken(version):
        raise RuntimeError("session gone")

    room.subscribe(told_a.append)
    room.subscribe(broken)
    room.subscribe(told_b.append)
    room.start(room.facilitator_key)
    room.advance(room.facilitator_key)
    assert told_a == told_b and told_a[-1] == room.version
    assert len(told_a) == 2 and room.subscriber_count == 2


def test_practice_round_then_the_game_from_week_zero_then_the_end():
    room, (foxes, hares) = make_room()
    room.start(room.facilitator_key, practice=True)
    assert room.phase == PRACTICE
    practice_seed = room.market.seed
    room.advance(room.facilitator_key)
    assert room.phase == PRACTICE_DONE and room.market.week == 4
    room.start(room.facilitator_key)
    assert room.phase == PLAYING and room.market.week == 0
    assert room.market.seed == room.settings.seed != practice_seed
    for _ in range(3):
        room.advance(room.facilitator_key)
    assert room.phase == FINISHED and room.market.week == 12
    with pytest.raises(RoomError, match="no round is open"):
        room.submit(foxes.id, foxes.key, keep())


def test_reset_goes_back_to_the_lobby_and_keeps_the_teams():
    room, teams = make_room()
    room.start(room.facilitator_key)
    room.advance(room.facilitator_key)
    room.reset(room.facilitator_key)
    assert room.phase == LOBBY and room.market is None and room.played == []
    assert room.teams == teams


def test_research_costs_cash_and_needs_the_cash():
    room, (foxes, hares) = make_room(research_price=1_500_000.0)
    room.start(room.facilitator_key)
    cash = room.market.teams[foxes.id].cash
    stream = room.market.model.rng.bit_generator.state
    report = room.buy(foxes.id, foxes.key, "receptivity")
    assert room.market.model.rng.bit_generator.state == stream  # the study's noise is its own
    assert room.market.teams[foxes.id].cash == cash - 1_500_000.0
    assert report["title"] == "Buyer receptivity by segment" and len(report["rows"]) == 3
    assert room.board.team_state[foxes.id]["cash"] == cash - 1_500_000.0
    with pytest.raises(RoomError, match="costs"):
        room.buy(foxes.id, foxes.key, "receptivity")
    with pytest.raises(RoomError, match="study"):
        room.buy(hares.id, hares.key, "horoscope")


def test_decisions_outside_the_limits_are_refused_with_the_limit():
    room, (foxes, _) = make_room()
    room.start(room.facilitator_key)
    with pytest.raises(RoomError, match="limits 0-10 reps"):
        room.submit(foxes.id, foxes.key, Decision("direct", 0.0, hires=11))
    reps = room.board.team_state[foxes.id]["reps"]
    with pytest.raises(RoomError, match=f"you have {reps} reps"):
        room.submit(foxes.id, foxes.key, Decision("direct", 0.0, let_go=reps + 1))
    with pytest.raises(RoomError, match="no sales team"):
        room.submit(foxes.id, foxes.key, Decision("bottoms_up", 0.0, hires=1))
    assert room.pending == {}


def test_settings_are_fixed_once_the_game_starts_and_bad_ones_named():
    room, _ = make_room()
    with pytest.raises(RoomError, match="n_enterprises"):
        room.update_settings(room.facilitator_key, n_enterprises=100_000)
    with pytest.raises(RoomError, match="scenario"):
        room.update_settings(room.facilitator_key, scenario="no_such_market")
    with pytest.raises(RoomError, match="unknown 'colour'"):
        room.update_settings(room.facilitator_key, colour="red")
    room.start(room.facilitator_key)
    with pytest.raises(RoomError, match="fixed"):
        room.update_settings(room.facilitator_key, rounds=9)
    assert isinstance(room.settings, RoomSettings) and room.settings.rounds == 3


def test_a_study_with_nothing_to_show_is_not_sold_and_costs_nothing():
    room, (foxes, _) = make_room(computer_vendors=1)
    room.start(room.facilitator_key)
    cash = room.market.teams[foxes.id].cash
    for study in ("win_rates", "competitors"):  # week 0: no deal closed, no rival revenue
        with pytest.raises(RoomError, match="not for sale now.*nothing was charged"):
            room.buy(foxes.id, foxes.key, study)
    assert room.market.teams[foxes.id].cash == cash and not room.reports


def test_one_cash_figure_after_research_cards_leaderboard_and_state():
    import json

    room, (foxes, _) = make_room()
    room.start(room.facilitator_key)
    room.buy(foxes.id, foxes.key, "receptivity")
    cash = room.market.teams[foxes.id].cash
    row = next(r for r in room.board.leaderboard if r["team_id"] == foxes.id)
    cards = {c["key"]: c for c in json.loads(room.board.cards_json[foxes.id])}
    assert row["cash"] == round(cash) and room.board.team_state[foxes.id]["cash"] == cash
    assert room.market.tracks[foxes.id].cash[-1] == cash
    from gui.kpis import usd, usd_short

    assert cards["cash"]["value"] == usd_short(cash)  # the card's figure, in K/M
    assert usd(cash) in cards["cash"]["tip"]  # and to the dollar on hover
