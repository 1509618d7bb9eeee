"""The event history reads back as the dicts that were logged."""

from __future__ import annotations

import gc

import pytest

from sim.event_log import EventLog
from sim.model import MarketModel
from tests.conftest import SMALL

EVENTS = [
    {
        "step": 1,
        "event": "entry",
        "vendor": "V03",
        "strategy": "direct",
        "enterprise": None,
        "value": None,
    },
    {
        "step": 2,
        "event": "contract",
        "vendor": "V01",
        "strategy": "hybrid",
        "enterprise": 4,
        "value": 99.0,
        "contract": "team plan",
    },
    {
        "step": 2,
        "event": "switch",
        "vendor": "V01",
        "strategy": "direct",
        "enterprise": None,
        "value": None,
        "detail": None,
    },
    {
        "step": 5,
        "event": "won",
        "vendor": "V02",
        "strategy": "direct",
        "enterprise": 0,
        "value": 1.5e5,
    },
]


def test_events_read_back_as_logged():
    log = EventLog()
    for event in EVENTS:
        log.append(event)
    assert list(log) == EVENTS  # extras only where logged; a None extra stays None
    assert len(log) == 4 and log[-1] == EVENTS[-1] and log[1:3] == EVENTS[1:3]
    assert [e["event"] for e in reversed(log)] == ["won", "switch", "contract", "entry"]
    with pytest.raises(IndexError):
        log[4]


def test_a_run_keeps_its_history_in_untracked_columns():
    model = MarketModel(rng=3, **SMALL)
    for _ in range(30):
        model.step()
    events = list(model.events)
    assert len(events) > 50 and {"won", "contract"} <= {e["event"] for e in events}
    assert [e["step"] for e in events] == sorted(e["step"] for e in events)
    # the collector need not track one object per event
    assert sum(gc.is_tracked(x) for column in model.events._base for x in column) == 0
