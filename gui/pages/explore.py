"""Explore: one market week by week, with my company's KPIs on top.

Every view reads ``session.tick`` and redraws after each step; my company (the focal
vendor) is named "(you)" in every legend and table and drawn heavier.
"""

from __future__ import annotations

import os

import numpy as np
import solara
from solara.alias import rv

from gui import charts
from gui import session as s
from gui.echart import EChart
from gui.glossary import column
from gui.json_table import JsonTable
from gui.kpi_cards import KpiCards
from gui.kpis import kpi_cards
from gui.network_view import main_vendor_codes, market_map_option, org_network_option
from gui.state import Run, to_csv_bytes

PICKER_SIZE = 200  # enterprises listed in the org-network picker, biggest first
FOCAL_MARK = " (you)"


def vendor_names(r: Run) -> list[str]:
    """Every vendor's display name by product code; the focal company's marked."""
    return [v.name + (FOCAL_MARK if v.focal else "") for v in r.model.vendor_list]


KPI_CARDS = os.environ.get("SALESWEB_KPI_CARDS", "1") != "0"
"""Off only for ``gui/tools/gui_latency.py --kpi-ab``, which times a step with and
without the cards."""


@solara.component
def FocalKpis():
    _ = s.tick.value
    r = s.run.value
    if r is None or r.track is None or not KPI_CARDS:
        return
    me = r.model.focal_vendor
    title = f"My company: {me.name}{FOCAL_MARK}, {me.strategy.replace('_', '-')}, week {r.steps}"
    KpiCards(kpi_cards(r.track), title)


@solara.component
def TimeSeriesViews():
    _ = s.tick.value
    r = s.run.value
    if r is None:
        return
    h = r.history()
    names = dict(enumerate(vendor_names(r)))
    me = r.model.focal_vendor
    focal_arr = r.track.arr if r.track is not None else None
    with solara.Div(classes=["sw-grid"]):
        EChart(
            charts.predator_prey(h),
            "predator_prey",
            "Predators and prey: reps, vendors, receptivity",
        )
        EChart(charts.phase_portrait(h), "phase_portrait", "Phase portrait: receptivity vs reps")
        EChart(
            charts.arr_by_strategy(h, focal_arr),
            "arr_by_strategy",
            "ARR by strategy (stacked), my company dashed",
        )
        EChart(charts.arr_by_motion(h), "arr_by_motion", "Self-serve vs enterprise ARR")
        EChart(
            charts.adoption_by_vendor(
                r.vendor_users,
                names,
                r.employees_in_market,
                focal=None if me is None else me.index,
            ),
            "adoption_by_vendor",
            "Adoption by vendor",
        )
        EChart(charts.cac_chart(h), "cac", "Median CAC")
        won = int(sum(h["deals_won"]))
        lost = int(sum(h["deals_lost"]))
        EChart(
            charts.funnel(r.open_by_stage(), won, lost),
            "funnel",
            "Funnel: open by stage, won, lost",
        )


def _default_enterprise(r: Run) -> int:
    """A mid-sized enterprise (the largest with at most 400 employees): readable, quick."""
    sizes = r.model.population.ent_size
    fits = [(int(size), e) for e, size in enumerate(sizes) if size <= 400]
    return max(fits)[1] if fits else int(sizes.argmin())


@solara.component
def NetworkAndMap():
    _ = s.tick.value
    r = s.run.value
    if r is None:
        return
    m = r.model
    pop = m.population
    e = s.enterprise.value if s.enterprise.value is not None else _default_enterprise(r)
    names = vendor_names(r)
    ent = m.enterprises[e]
    sl = ent.employee_slice
    positions, edges, segments, all_ties = r.layout(e)
    with r.lock:
        products = pop.emp_product[sl].copy()
        main = ent.main_vendor
        champ = ent.champion(main) if main is not None else None
        committee = ent.committee
        buyers = [b.employee.index - sl.start for b in committee]
        roles = [b.committee_role for b in committee]
        codes = main_vendor_codes(pop.emp_enterprise, pop.emp_product, len(pop.ent_size))
    option = org_network_option(
        positions,
        edges,
        products,
        names,
        buyers,
        None if champ is None else champ.index - sl.start,
        roles,
        segments,
    )
    # the picker lists the biggest enterprises (a market can have thousands; the map
    # can pick any of them) and always the one shown
    biggest = np.argsort(-pop.ent_size, kind="stable")[:PICKER_SIZE].tolist()
    if e not in biggest:
        biggest.append(e)
    labels = {f"E{i} ({int(pop.ent_size[i])} employees)": i for i in biggest}
    by_size = list(labels)
    current = f"E{e} ({int(pop.ent_size[e])} employees)"

    def pick(text):
        if text in labels:
            s.enterprise.set(labels[text])

    def map_click(data):
        name = str(data.get("name", "")).split(" ", 1)[0]
        if name.startswith("E") and name[1:].isdigit() and int(name[1:]) < len(pop.ent_size):
            s.enterprise.set(int(name[1:]))

    focal = m.focal_vendor.index if m.focal_vendor is not None else None
    with solara.Div(classes=["sw-grid"]):
        with solara.Column(gap="0px"):
            solara.Select(
                "Enterprise",
                value=current,
                values=by_size,
                on_value=pick,
                dense=True,
                classes=["sw-enterprise"],
            )
            champ_text = (
                f"champion of {names[main.index]}: employee {champ.index - sl.start}"
                if champ is not None
                else "no users yet, no champion"
            )
            rv.Html(
                tag="div",
                class_="sw-org-note",
                children=[
                    f"{'on-premise only; ' if ent.on_prem_only else ''}main vendor: "
                    f"{names[main.index] if main else 'none'}; {champ_text}. "
                    "Diamonds: buying committee."
                    + ("" if all_ties else " Too many ties to draw: a spanning tree of them.")
                ],
                style_="font-size: 12px; color: #555",
            )
            EChart(option, "org_network", f"Org network of E{e}", height=380)
        EChart(
            market_map_option(
                pop.ent_size, codes, names, pop.ent_on_prem, e, r.market_positions(), focal
            ),
            "market_map",
            "Market map: enterprises by employees, coloured by main vendor (click one)",
            height=380,  # the legend and the fixed 320-pixel map square
            on_click=map_click,
        )


VENDOR_HEADERS = [
    column(n)
    for n in ("vendor", "strategy", "arr", "cash", "cac", "reps", "customers", "users", "alive")
]
"""Labels, units and hover definitions from :data:`sim.params.OUTPUTS` (gui/glossary.py)."""
EVENT_HEADERS = [
    {"text": h, "value": h, "sortable": False}
    for h in ("week", "event", "vendor", "strategy", "enterprise", "detail")
]


def mark_focal(rows: list[dict], focal_name: str | None) -> list[dict]:
    """Rows whose vendor is my company get "(you)" after its name."""
    if focal_name is None:
        return rows
    return [
        {**row, "vendor": row["vendor"] + FOCAL_MARK} if row["vendor"] == focal_name else row
        for row in rows
    ]


@solara.component
def Tables():
    _ = s.tick.value
    r = s.run.value
    if r is None:
        return
    me = r.model.focal_vendor
    focal_name = me.name if me is not None else None
    with solara.Div(classes=["sw-grid", "sw-tables"]):
        with solara.Column(gap="0px", classes=["sw-vendor-table"]):
            rv.Html(
                tag="div", children=["Vendors (click a header to sort)"], class_="sw-chart-title"
            )
            rows = mark_focal(r.vendor_rows(), focal_name)
            JsonTable(
                VENDOR_HEADERS, rows, css_class="sw-vendors", height=320 if len(rows) > 10 else 0
            )
        with solara.Column(gap="0px", classes=["sw-event-log"]):
            rv.Html(
                tag="div",
                children=["Event log: deals won and lost, entries, exits, strategy switches"],
                class_="sw-chart-title",
            )
            JsonTable(
                EVENT_HEADERS,
                mark_focal(r.event_rows(limit=100), focal_name),
                css_class="sw-events",
                no_data_text="no events yet",
            )


@solara.component
def Downloads():
    r = s.run.value
    if r is None:
        return
    stem = f"salesweb_{r.scenario.name}_seed{r.seed}"
    me = r.model.focal_vendor

    def vendor_frame():
        df = r.vendor_frame()
        df["focal"] = df["name"] == (me.name if me is not None else None)  # my company
        return df

    tables = (("model", "Model data", r.model_frame), ("vendors", "Vendor data", vendor_frame))
    formats = (("csv", "CSV", to_csv_bytes), ("parquet", "Parquet", parquet_with_inputs(r)))
    with solara.Row(gap="6px", style="flex-wrap: wrap", classes=["sw-downloads"]):
        for tag, title, frame in tables:
            for ext, fmt, encode in formats:
                solara.FileDownload(
                    lambda frame=frame, encode=encode: encode(frame()),
                    f"{stem}_{tag}.{ext}",
                    label=f"{title} ({fmt})",
                )
    rv.Html(
        tag="div",
        children=[
            "Each chart has its own PNG button. Parquet files carry the settings and seed "
            "in their metadata; the scenario file (sidebar) reproduces the run."
        ],
        style_="font-size: 12px; color: #666",
    )


def parquet_with_inputs(r: Run):
    """Parquet encoder that stores the run's scenario file and seed in the metadata."""
    import io
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from experiments.io import METADATA_KEY
    from gui.scenario_file import run_scenario_toml

    def encode(df) -> bytes:
        table = pa.Table.from_pandas(df, preserve_index=False)
        meta = dict(table.schema.metadata or {})
        inputs = {
            "scenario": r.scenario.name,
            "seed": r.seed,
            "week": r.steps,
            "scenario_toml": run_scenario_toml(r),
        }
        meta[METADATA_KEY.encode()] = json.dumps(inputs).encode()
        buf = io.BytesIO()
        pq.write_table(table.replace_schema_metadata(meta), buf)
        return buf.getvalue()

    return encode


@solara.component
def Explore():
    FocalKpis()
    TimeSeriesViews()
    NetworkAndMap()
    Tables()
    Downloads()
