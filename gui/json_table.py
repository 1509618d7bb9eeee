"""A sortable table whose rows travel as one JSON string.

``ipyvuetify.DataTable`` takes its rows as a list of dicts; reacton walks every
nested value of a prop on every render (looking for child elements), so a 200-row
event log re-sent each step costs more than the model step itself. Here the rows
are a single string, parsed in the browser. Sorting happens in the browser and
survives updates (the sort state is the template's own, not a synced trait).
"""

from __future__ import annotations

import json
from typing import Any

import ipyvuetify
import traitlets


class JsonTableWidget(ipyvuetify.VuetifyTemplate):
    template_file = (__file__, "json_table.vue")

    items_json = traitlets.Unicode("[]").tag(sync=True)
    headers_json = traitlets.Unicode("[]").tag(sync=True)
    height = traitlets.Int(320).tag(sync=True)
    no_data_text = traitlets.Unicode("no data").tag(sync=True)
    sort_by = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    sort_desc = traitlets.Bool(False).tag(sync=True)
    css_class = traitlets.Unicode("").tag(sync=True)


def JsonTable(
    headers: list[dict[str, Any]],
    items: list[dict[str, Any]],
    css_class: str = "",
    height: int = 320,
    no_data_text: str = "no data",
    sort_by: str | None = None,
    sort_desc: bool = False,
):
    """A dense, sortable v-data-table of ``items`` (dicts keyed by the headers' ``value``).

    ``height`` in pixels scrolls the rows under a fixed header; 0 lets the table grow.

    A plain function, not a component, so reacton never walks the rows (see the module doc).
    """
    return JsonTableWidget.element(
        items_json=json.dumps(items, separators=(",", ":"), default=str),
        headers_json=json.dumps(headers, separators=(",", ":")),
        css_class=css_class,
        height=height,
        no_data_text=no_data_text,
        sort_by=sort_by,
        sort_desc=sort_desc,
    )
