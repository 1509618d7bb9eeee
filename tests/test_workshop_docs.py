"""docs/workshop.md's glossary names every KPI card a team's page shows (it cannot drift)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_workshop_room import make_room

DOC = Path(__file__).resolve().parents[1] / "docs" / "workshop.md"


def test_the_glossary_explains_every_card_on_a_teams_page():
    room, (foxes, _) = make_room()
    room.start(room.facilitator_key)
    labels = [c["label"] for c in json.loads(room.board.cards_json[foxes.id])]
    text = DOC.read_text(encoding="utf-8")
    glossary = text[text.index("### The KPI cards, for students") :]
    glossary = glossary[: glossary.index("\n## ")]
    missing = [label for label in labels if f"| **{label}** |" not in glossary]
    assert not missing, f"cards without a glossary row in docs/workshop.md: {missing}"
    assert len(labels) >= 8


def test_the_numbers_the_guide_quotes_are_the_codes():
    """Each figure docs/workshop.md states, next to the constant it comes from."""
    from gui.workshop import controls, rooms, settings

    text = " ".join(DOC.read_text(encoding="utf-8").split())  # lines rewrapped
    s = settings.RoomSettings()
    quoted = {
        f"({s.research_price:,.0f} USD a study by default)": "research price",
        f"the rounds ({s.rounds}) and weeks per round ({s.weeks_per_round}: a quarter)": "rounds",
        f"A room holds at most {settings.MAX_TEAMS} teams and "
        f"{settings.MAX_COMPUTER_VENDORS} computer-run vendors": "room limits",
        f"its market at most {settings.MAX_ENTERPRISES} enterprises of up to "
        f"{settings.MAX_ENTERPRISE_SIZE:,} employees": "market limits",
        f"A server holds {rooms.MAX_ROOMS} rooms (`{rooms.MAX_ROOMS_ENV}`)": "rooms",
        f"A room unchanged for {rooms.IDLE_MINUTES / 60:g} hours is archived by itself "
        f"(`{rooms.IDLE_ENV}`)": "idle expiry",
        f"`{settings.MEMORY_ENV}` (default {settings.DEFAULT_ROOM_MEMORY_GB:g})": "memory",
        f"never to less than {controls.MIN_LEFT:g} seconds from now": "shortest round",
    }
    missing = [what for sentence, what in quoted.items() if sentence not in text]
    assert not missing, f"docs/workshop.md no longer says the code's figure for: {missing}"
