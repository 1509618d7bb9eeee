"""The projector's market chart says when it begins instead of drawing an empty frame.

Before round 1 has been played the market has one point, week 0, and ECharts draws no
line: the projector showed an empty chart for the whole first round (noticed in a
class run-through). Rendered without a browser.
"""

from __future__ import annotations

import solara

from gui.echart import EchartWidget
from gui.workshop import screen_page
from gui.workshop.decisions import Decision
from gui.workshop.rooms import Rooms


def _room():
    room = Rooms(None).create()
    room.run_later = lambda work: work()
    room.update_settings(room.facilitator_key, n_enterprises=30, rounds=3, weeks_per_round=4,
                         computer_vendors=1, auto_advance=False)  # fmt: skip
    team = room.join("Foxes")
    room.start(room.facilitator_key)
    return room, team


def test_the_market_chart_waits_for_round_one_then_draws():
    room, team = _room()
    box, rc = solara.render(screen_page.MarketChart(room), handle_error=False)
    assert not rc.find(EchartWidget).widgets  # no empty chart
    assert rc.find(children=["The market's chart begins when round 1 has been played."]).widgets

    room.submit(team.id, team.key, Decision(room.settings.start_strategy, 2000.0))
    room.advance(room.facilitator_key)
    box, rc = solara.render(screen_page.MarketChart(room), handle_error=False)
    (widget,) = rc.find(EchartWidget).widgets
    assert widget.name == "ws_screen_market"
