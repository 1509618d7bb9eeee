"""Decide's results: what made them, the recommendation, ranking, every pair, the
per-option table, charts and downloads.

The recommendation is :func:`experiments.recommend.recommend` on the finished study,
so its words are the ones ``salesweb study`` prints for the same seeds. Changing the
objective or the survival floor re-ranks the same runs (no new study).
"""

from __future__ import annotations

import solara
from solara.alias import rv

from gui import charts
from gui.echart import EChart
from gui.json_table import JsonTable

OBJECTIVE_NAMES = {
    "worth": "worth: 5 x ARR + cash",
    "arr": "ARR",
    "cash": "cash",
    "survival": "survival",
}


def _headers(pairs: tuple[tuple[str, str], ...]) -> list[dict]:
    return [{"text": t, "value": v} for t, v in pairs]


SUMMARY_HEADERS = _headers(
    (
        ("option", "option"),
        ("alive at the end", "survival"),
        ("ARR, 10th percentile", "arr_p10"),
        ("ARR, median", "arr_median"),
        ("ARR, 90th percentile", "arr_p90"),
        ("cash burned, median", "burned"),
        ("lowest cash, median", "cash_min"),
        ("CAC payback, months", "payback"),
        ("net revenue retention", "nrr"),
        ("share of market ARR", "share"),
    )
)
RANKING_HEADERS = _headers(
    (("rank", "rank"), ("option", "option"), ("median", "median"),
     ("alive at the end", "survival"), ("meets the survival floor", "floor"))
)  # fmt: skip
PAIR_HEADERS = _headers(
    (("option", "a"), ("against", "b"), ("paired over the same seeds", "text"),
     ("clear difference", "clear"))
)  # fmt: skip


def summary_rows(res) -> list[dict]:
    """The per-option table in the CLI's words (money with its currency)."""
    from experiments.study import nrr_text, payback_text, usd

    rows = []
    for label, r in res.summary().iterrows():
        rows.append(
            {
                "option": label,
                "survival": f"{r['survival_rate']:.0%}",
                "arr_p10": usd(r["arr_p10"]),
                "arr_median": usd(r["arr_median"]),
                "arr_p90": usd(r["arr_p90"]),
                "burned": usd(r["cash_burned_median"]),
                "cash_min": usd(r["cash_min_median"]),
                "payback": payback_text(r, len(res.seeds)),
                "nrr": nrr_text(r, len(res.seeds)),
                "share": f"{r['arr_share_median']:.1%}",
            }
        )
    return rows


def ranking_rows(rec) -> list[dict]:
    from experiments.study import usd

    money = rec.objective != "survival"
    return [
        {
            "rank": r["rank"],
            "option": r["option"],
            "median": usd(r["median"]) if money else f"{r['median']:.0%}",
            "survival": f"{r['survival']:.0%}",
            "floor": "yes" if r["meets_floor"] else "no",
        }
        for r in rec.ranking
    ]


def pair_rows(rec) -> list[dict]:
    from experiments.recommend import pair_text

    money = rec.objective != "survival"
    return [
        {"a": p.a, "b": p.b, "text": pair_text(p, money), "clear": "yes" if p.separated else "no"}
        for p in rec.pairs
    ]


def shape_line(res) -> str:
    """``"3 options x 10 seeds x 104 weeks"``: what made the results, always shown."""
    return (
        f"{len(res.options)} options x {len(res.seeds)} seed{'s' * (len(res.seeds) != 1)} "
        f"x {res.steps} weeks "
        f"(root seed {res.root_seed}: the sidebar's seed)"
    )


@solara.component
def DecideResults(res, objective: str, min_survival: float, stale: str = ""):
    """The results of ``res``; greyed with ``stale`` said above them when they no longer
    match the form (inputs changed, or the study that would replace them was cancelled)."""
    from experiments.recommend import recommend

    rec = solara.use_memo(lambda: recommend(res, objective, min_survival),
                          dependencies=[id(res), objective, min_survival])  # fmt: skip
    if stale:
        rv.Html(tag="div", class_="sw-decide-stale", children=[stale],
                style_="color: #8a4b00; font-weight: 600; margin: 4px 0")  # fmt: skip
    with solara.Div(
        classes=["sw-decide-results"] + (["sw-stale"] if stale else []),
        style={"opacity": "0.45"} if stale else {},
    ):
        rv.Html(tag="div", class_="sw-decide-shape", children=[shape_line(res)],
                style_="font-weight: 600")  # fmt: skip
        rv.Html(tag="div", class_="sw-decide-inputs", children=[res.inputs_line()],
                style_="font-size: 12px; color: #444")  # fmt: skip
        with rv.Html(tag="div", class_="sw-recommendation sw-verdict",
                     style_="margin: 6px 0; padding: 6px 10px; border-left: 4px solid #1976d2"):  # fmt: skip
            for n, line in enumerate(rec.lines):
                rv.Html(tag="p", class_=f"sw-rec-line sw-rec-line-{n}", children=[line],
                        style_="margin: 2px 0" + ("; font-weight: 600" if n == 1 else ""))  # fmt: skip
        rv.Html(tag="h4", children=[f"Ranking on {OBJECTIVE_NAMES[rec.objective]}"])
        JsonTable(RANKING_HEADERS, ranking_rows(rec), css_class="sw-decide-ranking sw-scroll-x",
                  height=0)  # fmt: skip
        rv.Html(tag="h4", children=["Every pair"])
        JsonTable(PAIR_HEADERS, pair_rows(rec), css_class="sw-decide-pairs sw-scroll-x",
                  height=0)  # fmt: skip
        rv.Html(tag="h4", children=["Per option"])
        JsonTable(SUMMARY_HEADERS, summary_rows(res), css_class="sw-decide-table sw-scroll-x",
                  height=0)  # fmt: skip
        with solara.Div(classes=["sw-grid"]):
            EChart(charts.fan(res.bands("arr"), "ARR (USD m)", 1e-6), "decide_arr",
                   "My company's ARR: median and 10-90% of seeds")  # fmt: skip
            EChart(charts.fan(res.bands("cash"), "cash (USD m)", 1e-6), "decide_cash",
                   "My company's cash: median and 10-90% of seeds")  # fmt: skip
            EChart(charts.survival_bars(res.labels, res.summary()["survival_rate"].tolist()),
                   "decide_survival", f"Alive at week {res.steps}, % of seeds")  # fmt: skip
        with solara.Row(gap="6px", style="flex-wrap: wrap"):
            solara.FileDownload(lambda: _parquet(res, res.summary()), "study.parquet",
                                label="Per option (Parquet)")  # fmt: skip
            solara.FileDownload(lambda: _parquet(res, res.runs), "study_seeds.parquet",
                                label="Per seed (Parquet)")  # fmt: skip
            solara.FileDownload(lambda: _report_json(res, rec), "study.json",
                                label="Recommendation and tables (JSON)")  # fmt: skip


def _report_json(res, rec) -> bytes:
    import json

    from experiments.study_report import report_dict

    return json.dumps(report_dict(res, rec), indent=1).encode()


def _parquet(res, df) -> bytes:
    import io
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from experiments.io import METADATA_KEY

    table = pa.Table.from_pandas(df)
    meta = {
        **(table.schema.metadata or {}),
        METADATA_KEY.encode(): json.dumps(res.metadata()).encode(),
    }
    buf = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(meta), buf)
    return buf.getvalue()
