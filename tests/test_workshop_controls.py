"""The facilitator owns the server and the room: password, close, archive, expiry, controls.

No browser: the room and registry API the pages call. Each control must land in the
decision audit and survive a save and reload.
"""

from __future__ import annotations

import time

import pytest

from gui.workshop import access, controls, persistence
from gui.workshop.decisions import Decision
from gui.workshop.room import RoomError
from gui.workshop.rooms import Rooms
from tests.test_workshop_room import SMALL, keep, make_room


def test_creating_rooms_needs_the_facilitator_password(monkeypatch):
    monkeypatch.setenv(access.PASSWORD_ENV, "tea-for-two")
    access.check_password("tea-for-two")
    access.check_password("  tea-for-two ")
    for wrong in ("", "tea", "TEA-FOR-TWO", "x" * 10_000, None, "tea-for-two\u202e"):
        with pytest.raises(RoomError, match="facilitator password"):
            access.check_password(wrong)


def test_a_server_without_a_password_draws_one_and_prints_it(monkeypatch, capsys):
    monkeypatch.delenv(access.PASSWORD_ENV, raising=False)
    monkeypatch.setattr(access, "_drawn", None)
    drawn = access.facilitator_password()
    assert len(drawn) == 14 and drawn in capsys.readouterr().err
    assert access.facilitator_password() == drawn  # once per process
    access.check_password(drawn)


def test_a_full_server_says_what_helps_and_archiving_frees_a_slot(tmp_path):
    rooms = Rooms(tmp_path, limit=2)
    first, second = rooms.create(), rooms.create()
    with pytest.raises(RoomError, match=r"archive a finished room on the rooms page"):
        rooms.create()
    moved = rooms.archive(first.code)
    assert moved.parent == tmp_path / "archive" and moved.exists()
    assert not persistence.path_for(tmp_path, first.code).exists()
    third = rooms.create()
    assert [r.code for r in rooms.listing()] == [third.code, second.code]
    with pytest.raises(RoomError, match="no room"):
        rooms.get(first.code)
    assert {r.code for r in Rooms(tmp_path).listing()} == {second.code, third.code}


def test_idle_rooms_expire_after_the_configured_time(tmp_path):
    rooms = Rooms(tmp_path, limit=2, idle_minutes=30)
    old, fresh = rooms.create(), rooms.create()
    old.last_activity = time.time() - 31 * 60
    assert rooms.expire_idle() == [old.code]
    assert [r.code for r in rooms.listing()] == [fresh.code]
    rooms.create()  # the expired room's slot is free


def test_a_closed_room_refuses_every_change_and_keeps_its_results(tmp_path):
    rooms = Rooms(tmp_path)
    room, (foxes, _) = make_room(rooms)
    room.start(room.facilitator_key)
    controls.close_room(room, room.facilitator_key)
    for act in (
        lambda: room.submit(foxes.id, foxes.key, keep()),
        lambda: room.buy(foxes.id, foxes.key, "receptivity"),
        lambda: room.join("Owls"),
        lambda: room.advance(room.facilitator_key),
    ):
        with pytest.raises(RoomError, match="closed by the facilitator"):
            act()
    assert not room.advance(reason="deadline", only_round=1)
    again = persistence.load(persistence.path_for(tmp_path, room.code))
    assert again.closed and again.board is not None
    assert again.events[-1]["action"] == "room closed"


def test_pause_resume_extend_and_shorten_the_clock(tmp_path):
    rooms = Rooms(tmp_path)
    room, _ = make_room(rooms, deadline_minutes=5)
    key = room.facilitator_key
    room.start(key)
    controls.adjust(room, key, 2)
    assert 6.9 * 60 < room.seconds_left() <= 7 * 60
    controls.adjust(room, key, -10)  # never below MIN_LEFT from now
    assert controls.MIN_LEFT - 1 < room.seconds_left() <= controls.MIN_LEFT
    controls.adjust(room, key, 3)
    controls.pause(room, key)
    assert room.deadline is None and room._timer is None
    left = room.paused_left
    assert 3 * 60 < left <= 3 * 60 + controls.MIN_LEFT
    with pytest.raises(RoomError, match="already paused"):
        controls.pause(room, key)
    reloaded = persistence.load(persistence.path_for(tmp_path, room.code))
    assert reloaded.paused_left == pytest.approx(left) and reloaded.deadline is None
    reloaded.close()
    controls.resume(room, key)
    assert room.paused_left is None and left - 2 < room.seconds_left() <= left
    actions = [e["action"] for e in room.events]
    assert actions == ["round extended", "round shortened", "round extended", "clock paused",
                       "clock resumed"]  # fmt: skip
    with pytest.raises(RoomError, match="facilitator"):
        controls.pause(room, "WRONGKEY")
    room.close()


def test_leaderboard_message_rename_and_remove_are_audited(tmp_path):
    rooms = Rooms(tmp_path)
    room, (foxes, hares, _) = make_room(rooms, teams=("Foxes", "Hares", "Owls"))
    key = room.facilitator_key
    room.start(key)
    controls.show_leaderboard(room, key, False)
    controls.broadcast_message(room, key, "  Two minutes   left <b>now</b> ")
    assert room.message == "Two minutes left <b>now</b>"
    with pytest.raises(RoomError, match="at most"):
        controls.broadcast_message(room, key, "x" * 500)
    controls.rename_team(room, key, foxes.id, "Red Foxes")
    with pytest.raises(RoomError, match="taken"):
        controls.rename_team(room, key, foxes.id, "hares")
    assert room.board.leaderboard[0]["team"] in {"Red Foxes", "Hares", "Owls"}
    assert room.team(foxes.id, foxes.key).name == "Red Foxes"  # the key still works
    room.submit(foxes.id, foxes.key, keep())
    room.submit(hares.id, hares.key, keep())
    assert room.open_round == 1  # Owls still to submit
    controls.remove_team(room, key, 2)
    assert room.open_round == 2  # the teams left had all submitted: the round advanced
    assert "Owls" not in room.board.leaderboard_json
    with pytest.raises(RoomError, match="removed by the facilitator"):
        room.team(2, room.teams[2].key)
    again = persistence.load(persistence.path_for(tmp_path, room.code))
    assert again.removed == {2} and not again.leaderboard_visible
    assert again.teams[0].name == "Red Foxes" and "Owls" not in again.board.leaderboard_json
    assert [e["action"] for e in again.events] == [
        "leaderboard hidden", "message to all teams", "team renamed", "team removed"]  # fmt: skip


def test_a_bankrupt_team_advises_another_and_its_decision_counts_for_it(tmp_path):
    rooms = Rooms(tmp_path)
    room, (foxes, hares) = make_room(rooms, **{**SMALL, "auto_advance": False})
    key = room.facilitator_key
    room.start(key)
    with pytest.raises(RoomError, match="still has cash"):
        controls.make_advisor(room, key, foxes.id, hares.id)
    room.market.model.exit_vendor(room.market.teams[foxes.id])  # Foxes run out of cash
    controls.make_advisor(room, key, foxes.id, hares.id)
    with pytest.raises(RoomError, match="does not advise"):
        room.submit(foxes.id, foxes.key, keep(), for_team=foxes.id)
    room.submit(foxes.id, foxes.key, Decision("direct", 0.0, hires=1), who="Ana", for_team=hares.id)
    assert room.pending[hares.id].strategy == "direct"
    assert room.submitted_by[hares.id][1] == "Ana (Foxes)"
    assert room.events[-1]["detail"] == "Foxes advises Hares"


def test_serve_sets_the_password_for_its_server_and_refuses_a_blank_one(monkeypatch, capsys):
    from typer.testing import CliRunner

    from experiments.cli import app

    monkeypatch.delenv(access.PASSWORD_ENV, raising=False)
    result = CliRunner().invoke(app, ["serve", "--facilitator-password", "  "])
    assert result.exit_code == 2 and "--facilitator-password" in result.output
    assert access.password_for_serve(" chalk ") == "chalk"
    assert access.facilitator_password() == "chalk"
    monkeypatch.delenv(access.PASSWORD_ENV)
    drawn = access.password_for_serve(None)
    assert f"Workshop facilitator password: {drawn}" in capsys.readouterr().out
    assert access.facilitator_password() == drawn
