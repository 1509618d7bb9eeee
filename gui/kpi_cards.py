"""The focal company's KPI cards: one widget whose cards travel as one JSON string.

One string per step (not one widget per card) keeps the server's render pass and the
websocket traffic of a step to a single small update (see :mod:`gui.json_table`).
"""

from __future__ import annotations

import json
from typing import Any

import ipyvuetify
import traitlets


class KpiCardsWidget(ipyvuetify.VuetifyTemplate):
    template_file = (__file__, "kpi_cards.vue")

    cards_json = traitlets.Unicode("[]").tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)


def KpiCards(cards: list[dict[str, Any]], title: str):
    """Cards of ``{key, label, value, sub, tip}``; ``tip`` is the hover text (``title``)."""
    return KpiCardsWidget.element(cards_json=json.dumps(cards, separators=(",", ":")), title=title)
