"""The projector view's market chart: round marks, and words readable from the back (no browser)."""

from __future__ import annotations

import json

from gui.workshop.views import PROJECTOR_TEXT, with_round_markers
from tests.test_workshop_room import make_room


def test_the_market_chart_has_a_dashed_line_at_each_later_rounds_first_week():
    room, teams = make_room(auto_advance=False)
    room.start(room.facilitator_key)
    s = room.settings
    option = json.loads(with_round_markers(room.board.market_json, s.weeks_per_round, s.rounds))
    marks = option["series"][0]["markLine"]
    assert marks["lineStyle"]["type"] == "dashed"
    assert [m["xAxis"] for m in marks["data"]] == [
        r * s.weeks_per_round for r in range(1, s.rounds)
    ]
    assert [m["label"]["formatter"] for m in marks["data"]] == [
        f"round {r + 1}" for r in range(1, s.rounds)
    ]
    # the x axis is a category axis of weeks from 0, so a mark's index is its week
    for _ in range(s.rounds - 1):
        room.advance(room.facilitator_key)
    option = json.loads(with_round_markers(room.board.market_json, s.weeks_per_round, s.rounds))
    weeks = option["xAxis"]["data"]
    assert [weeks[m["xAxis"]] for m in option["series"][0]["markLine"]["data"]] == [
        r * s.weeks_per_round for r in range(1, s.rounds)
    ]


def test_the_projector_charts_words_are_large():
    room, teams = make_room(auto_advance=False)
    room.start(room.facilitator_key)
    s = room.settings
    option = json.loads(with_round_markers(room.board.market_json, s.weeks_per_round, s.rounds))
    axes = [option["xAxis"], *option["yAxis"]]
    sizes = [a["axisLabel"]["fontSize"] for a in axes] + [
        a["nameTextStyle"]["fontSize"] for a in axes
    ]
    sizes += [option["legend"]["textStyle"]["fontSize"], option["textStyle"]["fontSize"]]
    sizes.append(option["series"][0]["markLine"]["label"]["fontSize"])
    assert PROJECTOR_TEXT >= 20 and sizes == [PROJECTOR_TEXT] * len(sizes)
    assert option["grid"]["left"] > json.loads(room.board.market_json)["grid"]["left"]


def test_sizing_for_the_projector_twice_changes_nothing_more():
    """The debrief's market chart is marked (and sized) once, its other charts sized once."""
    from gui.workshop.debrief import charts_json
    from gui.workshop.views import for_projector

    room, teams = make_room(auto_advance=False)
    room.start(room.facilitator_key)
    room.advance(room.facilitator_key)
    for figure in charts_json(room).values():
        once = for_projector(json.loads(figure))
        assert for_projector(json.loads(json.dumps(once))) == once
        assert once["textStyle"]["fontSize"] == PROJECTOR_TEXT
