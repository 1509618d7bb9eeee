"""A room survives a restart: saved atomically, replayed from the seed bit for bit."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from gui.workshop import persistence
from gui.workshop.decisions import Decision
from gui.workshop.research import nothing_yet
from gui.workshop.room import PLAYING
from gui.workshop.rooms import Rooms
from sim.params import STRATEGIES

SMALL = {"n_enterprises": 30, "rounds": 4, "weeks_per_round": 4, "computer_vendors": 2}


def random_decision(rng: np.random.Generator, reps: int) -> Decision:
    strategy = STRATEGIES[int(rng.integers(3))]
    outbound = strategy != "bottoms_up"
    hires = int(rng.integers(0, 4)) if outbound and rng.random() < 0.5 else 0
    return Decision(
        strategy=strategy,
        marketing_spend=float(rng.integers(0, 20)) * 1000.0,
        hires=hires,
        let_go=int(rng.integers(0, reps + 1)) if outbound and not hires and reps else 0,
        seat_price=float(rng.integers(5, 60)),
        investment=float(rng.integers(0, 3)) * 100_000.0,
    )


def play(room, teams, rounds: int, seed: int) -> None:
    """Rounds with seeded random decisions and purchases, as a class would play them."""
    rng = np.random.default_rng(seed)
    for _ in range(rounds):
        for team in teams:
            vendor = room.market.teams[team.id]
            if not vendor.alive:
                continue
            if rng.random() < 0.4:
                study = ["receptivity", "competitors", "win_rates"][int(rng.integers(3))]
                weeks = room.settings.weeks_per_round
                if nothing_yet(study, room.market.model, team.id, weeks) is None:
                    room.buy(team.id, team.key, study)  # a study with nothing to show is not sold
            if rng.random() < 0.8:
                room.submit(team.id, team.key, random_decision(rng, vendor.reps))
        room.advance(room.facilitator_key)


def new_room(rooms, names=("Foxes", "Hares", "Owls")):
    room = rooms.create()
    room.run_later = lambda work: work()
    room.update_settings(room.facilitator_key, **SMALL, auto_advance=False)
    teams = [room.join(n) for n in names]
    room.start(room.facilitator_key)
    return room, teams


def test_a_restarted_server_resumes_the_room_bit_for_bit(tmp_path):
    rooms = Rooms(tmp_path)
    room, teams = new_room(rooms)
    play(room, teams, rounds=2, seed=11)
    room.buy(teams[0].id, teams[0].key, "receptivity")  # pending in the open round
    room.submit(teams[1].id, teams[1].key, Decision("direct", 0.0, hires=3))
    before = room.market.fingerprint()

    again = Rooms(tmp_path).get(room.code)  # a new server process reads the folder
    assert again.market.fingerprint() == before
    assert again.phase == PLAYING and again.open_round == 3
    assert again.pending == room.pending
    assert again.reports == room.reports  # research reports come back, noise included
    assert [t.key for t in again.teams] == [t.key for t in teams]

    # both go on with the same decisions and stay identical
    for r in (room, again):
        r.run_later = lambda work: work()
        play(r, r.teams, rounds=2, seed=5)
    assert again.market.fingerprint() == room.market.fingerprint()
    assert again.phase == room.phase == "finished"


def test_same_seed_and_decisions_same_market_other_decisions_other_market():
    a, ta = new_room(Rooms(None))
    b, tb = new_room(Rooms(None))
    c, tc = new_room(Rooms(None))
    play(a, ta, rounds=3, seed=3)
    play(b, tb, rounds=3, seed=3)
    play(c, tc, rounds=3, seed=4)
    assert a.market.fingerprint() == b.market.fingerprint()
    assert a.market.fingerprint() != c.market.fingerprint()


def test_the_room_file_holds_the_sequence_not_the_market(tmp_path):
    rooms = Rooms(tmp_path)
    room, teams = new_room(rooms)
    play(room, teams, rounds=1, seed=2)
    data = json.loads((tmp_path / f"{room.code}.json").read_text())
    assert data["settings"]["seed"] == 1 and data["settings"]["scenario"] == "default"
    assert len(data["rounds"]) == 1 and set(data["rounds"][0]) == {
        "decisions",
        "purchases",
        "reason",
    }
    assert [t["name"] for t in data["teams"]] == ["Foxes", "Hares", "Owls"]
    assert (tmp_path / f"{room.code}.json").stat().st_size < 20_000


def test_a_failed_write_leaves_the_last_file_whole(tmp_path, monkeypatch):
    rooms = Rooms(tmp_path)
    room, teams = new_room(rooms)
    path = tmp_path / f"{room.code}.json"
    good = path.read_text()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        room.advance(room.facilitator_key)
    monkeypatch.undo()
    assert path.read_text() == good
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_a_malformed_room_file_is_skipped_with_its_reason(tmp_path):
    rooms = Rooms(tmp_path)
    room, teams = new_room(rooms)
    (tmp_path / "BAD1.json").write_text("{not json")
    (tmp_path / "BAD2.json").write_text(
        json.dumps({"format": "salesweb-room", "format_version": 1})
    )
    bad = json.loads((tmp_path / f"{room.code}.json").read_text())
    bad["rounds"] = [
        {"decisions": {"0": {"strategy": "psychic", "marketing_spend": 1}}, "purchases": []}
    ]
    bad["code"] = "CDEF"
    (tmp_path / "CDEF.json").write_text(json.dumps(bad))
    again = Rooms(tmp_path)
    assert list(again.rooms) == [room.code]
    errors = "\n".join(again.load_errors)
    assert "BAD1.json: cannot be read" in errors
    assert "BAD2.json: missing field" in errors
    assert "CDEF.json: decision: strategy 'psychic'" in errors


def test_load_refuses_a_file_that_is_not_a_room(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps([1, 2]))
    with pytest.raises(persistence.RoomFileError, match="not a Sales Web room file"):
        persistence.load(path)


def _room_with_a_clock(rooms, minutes: float = 10.0):
    room = rooms.create()
    room.run_later = lambda work: work()
    room.update_settings(room.facilitator_key, **SMALL, auto_advance=False)
    room.update_settings(room.facilitator_key, deadline_minutes=minutes)
    room.join("Foxes")
    room.start(room.facilitator_key)
    return room


def test_a_restarted_server_keeps_the_open_rounds_deadline(tmp_path):
    import time

    rooms = Rooms(tmp_path)
    room = _room_with_a_clock(rooms)
    room.restore_deadline(time.time() + 120.0)  # eight of its ten minutes have gone
    persistence.save(room, tmp_path)
    again = Rooms(tmp_path).get(room.code)
    try:
        assert again.deadline == pytest.approx(room.deadline)
        assert 100.0 < again.seconds_left() <= 120.0  # not ten fresh minutes
    finally:
        again.close()
        rooms.close()


def test_a_deadline_that_passed_while_the_server_was_down_advances_at_once(tmp_path):
    import time

    rooms = Rooms(tmp_path)
    room = _room_with_a_clock(rooms)
    room.close()  # its own timer must not be the one that advances
    data = persistence.to_dict(room)
    data["deadline"] = time.time() - 5.0
    persistence.path_for(tmp_path, room.code).write_text(json.dumps(data))
    again = Rooms(tmp_path).get(room.code)
    try:
        limit = time.monotonic() + 10
        while again.open_round == 1 and time.monotonic() < limit:
            time.sleep(0.05)
        assert again.open_round == 2 and again.played[0].reason == "deadline"
    finally:
        again.close()
        rooms.close()
