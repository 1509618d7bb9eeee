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
