"""The decision studio in a real browser: my company's KPIs and levers, the Decide tab,
the copied scenario file, the phone layout and the explorer fixes of issue 10."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.browser.charts import chart_eval, chart_option
from tests.browser.conftest import ARTIFACTS, SERVER_LOG, PageProblems
from tests.browser.pending import expect_nothing_pending

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def step(page, n: int = 1) -> None:
    start = int(re.search(r"Week (\d+)", page.locator(".sw-step").inner_text()).group(1))
    for k in range(start + 1, start + n + 1):
        page.get_by_role("button", name="Step").click()
        expect(page.locator(".sw-step")).to_have_text(re.compile(rf"Week {k} of"))


def no_horizontal_overflow(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_kpi_cards_update_on_step(page):
    cash = page.locator(".sw-kpi-cash .sw-kpi-value")
    expect(cash).to_have_text(re.compile(r"^\$\d+(\.\d+)?[kM]$"))
    expect(page.locator(".sw-kpis")).to_contain_text("My company: V00 (you)")
    before = cash.inner_text()
    step(page, 2)
    expect(cash).not_to_have_text(before)  # fixed burn and marketing move cash every week
    expect(page.locator(".sw-kpi-cash")).to_have_attribute("title", re.compile(r"USD, week 2"))
    expect(page.locator(".sw-kpi-arr")).to_have_attribute("title", re.compile(r"USD per year"))
    for key in ("arr", "cash", "cac_payback", "win_rate", "nrr", "burn_multiple", "users",
                "customers"):  # fmt: skip
        expect(page.locator(f".sw-kpi-{key} .sw-kpi-value")).not_to_be_empty()
    # my company is marked in the table, the legends and the ARR chart
    expect(page.locator(".sw-vendor-table tbody tr", has_text="V00 (you)")).to_have_count(1)
    page.locator("[data-chart=adoption_by_vendor][data-rendered]").wait_for()
    names = chart_eval(page, "arr_by_strategy", "c => c.getOption().series.map(s => s.name)")
    assert "my company" in names


def test_levers_for_my_company_apply_on_reset(page):
    expect(page.locator(".sw-levers-title")).to_have_text("My company (V00)")
    expect(page.locator(".sw-param-focal-initial_reps")).to_contain_text("reps at launch")
    expect(page.locator(".sw-param-focal-seat_price")).to_contain_text("monthly seat price")
    expect(page.locator(".sw-advanced-title")).to_contain_text("Advanced")
    expect_nothing_pending(page)  # drawn values are not "changes"
    drawn = page.locator(".sw-vendor-table tbody tr", has_text="V00 (you)").locator(
        "td:nth-child(2)"
    )
    other = "hybrid" if drawn.inner_text() != "hybrid" else "direct"
    page.locator(".sw-focal-strategy").click()
    page.get_by_role("option", name=other).click()
    box = page.locator(".sw-input-focal-initial_reps input")
    box.fill("9")
    box.press("Enter")
    expect(page.locator(".sw-pending")).to_contain_text("my company's reps at launch")
    expect(page.locator(".sw-pending")).to_contain_text("my company's strategy")
    page.get_by_role("button", name="Reset").click()
    expect_nothing_pending(page)
    row = page.locator(".sw-vendor-table tbody tr", has_text="V00 (you)")
    expect(row.locator("td:nth-child(2)")).to_have_text(other)
    expect(row.locator("td:nth-child(6)")).to_have_text("9")


def choose_strategy(page, name: str) -> None:
    """My company's strategy from the select (its items are words, e.g. 'hybrid (...)')."""
    page.locator(".sw-focal-strategy").click()
    page.get_by_role("option", name=re.compile(f"^{name}")).click()


def test_copied_scenario_file_reproduces_the_run(page, tmp_path, browser):
    choose_strategy(page, "hybrid")  # reps at launch act only with a sales motion
    box = page.locator(".sw-input-focal-initial_reps input")
    box.fill("6")
    box.press("Enter")
    # the server has both changes before Reset applies them
    expect(page.locator(".sw-pending")).to_contain_text("reps at launch")
    page.get_by_role("button", name="Reset").click()
    expect_nothing_pending(page)
    step(page, 3)
    page.get_by_role("button", name="Copy as scenario file").click()
    text = page.locator(".sw-copy-scenario textarea").input_value()
    assert "[focal]" in text and "initial_reps = 6" in text and "seed = 1" in text
    scenario = tmp_path / "copied.toml"
    scenario.write_text(text)
    with page.expect_download() as info:
        page.get_by_role("button", name="Model data (CSV)").click()
    shown = pd.read_csv(io.BytesIO(Path(info.value.path()).read_bytes()))
    out = tmp_path / "again.csv"
    subprocess.run(
        [sys.executable, "-c", "from experiments.cli import app; app()", "simulate",
         "--scenario", str(scenario), "--steps", "3", "--out", str(out), "--quiet"],
        cwd=ROOT, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    again = pd.read_csv(out, index_col=0).reset_index(drop=True)
    shown = shown.drop(columns=["scenario", "seed", "week"])
    assert list(shown.columns) == list(again.columns)
    pd.testing.assert_frame_equal(shown, again, check_exact=True, check_dtype=False)


def test_decide_runs_a_study_and_shows_the_verdict(page):
    page.get_by_role("tab", name="Decide").click()
    page.get_by_role("button", name="The three strategies").click()
    page.locator(".sw-decide-seeds input").fill("2")
    page.locator(".sw-decide-weeks input").fill("20")
    page.get_by_role("button", name="Run study").click()
    expect(page.get_by_role("button", name="Cancel")).to_be_visible()
    verdict = page.locator(".sw-verdict")
    expect(verdict).to_contain_text("Objective: worth", timeout=120_000)
    expect(verdict).to_contain_text(re.compile("bottoms-up|direct|hybrid"))
    expect(page.locator(".sw-decide-inputs")).to_contain_text("Scenario default")
    expect(page.locator(".sw-decide-inputs")).to_contain_text("2 seeds from root seed 1")
    expect(page.locator(".sw-decide-table tbody tr")).to_have_count(3)
    for chart in ("decide_arr", "decide_cash", "decide_survival"):
        page.locator(f"[data-chart={chart}][data-rendered]").wait_for()
    names = chart_eval(
        page, "decide_arr", "c => c.getOption().series.map(s => [s.name, s.data.length])"
    )
    assert [n for n, _ in names][2::3] == ["bottoms-up", "direct", "hybrid"]
    assert {k for _, k in names} == {21}
    bars = chart_eval(
        page, "decide_survival", "c => c.getOption().series[0].data.map(d => d.value)"
    )
    assert len(bars) == 3 and all(0 <= b <= 100 for b in bars)


def test_decide_study_can_be_cancelled_while_the_page_stays_live(page):
    page.get_by_role("tab", name="Decide").click()
    # the largest study the browser runs (3 x 50 x 260 run-weeks), so that it is still
    # running after a visit to Explore and a step, however fast the engine
    page.locator(".sw-decide-seeds input").fill("50")
    page.locator(".sw-decide-weeks input").fill("260")
    page.get_by_role("button", name="Run study").click()
    expect(page.locator(".sw-decide-progress")).to_be_visible()
    page.get_by_role("tab", name="Explore").click()  # the page answers while it runs
    step(page, 1)
    page.get_by_role("tab", name="Decide").click()
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("button", name="Run study")).to_be_visible()
    expect(page.locator(".sw-decide-note")).to_contain_text("Cancelled")
    expect(page.locator(".sw-verdict")).to_have_count(0)


def test_decide_refuses_bad_options(page):
    page.get_by_role("tab", name="Decide").click()
    page.get_by_label("Options, one per line").fill("a: reps=3\nb: strategy=direct")
    page.get_by_role("button", name="Run study").click()
    expect(page.locator(".sw-decide-error")).to_contain_text("'reps' is not a vendor trait")


def test_market_map_tooltip_and_legend(page):
    page.locator("[data-chart=market_map][data-rendered]").wait_for()
    page.locator("[data-chart=market_map]").scroll_into_view_if_needed()
    chart_eval(
        page,
        "market_map",
        """c => { let best = null;
          c.getOption().series.forEach((s, si) => s.data.forEach((d, di) => {
            if (!best || d.value[0] < best[2]) best = [si, di, d.value[0]]; }));
          c.dispatchAction({type: 'showTip', seriesIndex: best[0], dataIndex: best[1]}); }""",
    )
    tip = page.locator("[data-chart=market_map] .sw-chart-canvas > div", has_text="employees")
    expect(tip).to_contain_text(re.compile(r"E\d+ \([\d,]+ employees\), main vendor"))
    assert "{" not in tip.inner_text()
    chart = page.locator("[data-chart=market_map]").bounding_box()
    box = tip.bounding_box()
    assert box["x"] >= chart["x"] - 1 and box["x"] + box["width"] <= chart["x"] + chart["width"] + 1
    option = chart_option(page, "market_map")
    assert "on-premise only (dashed border)" in [s["name"] for s in option["series"]]
    # no two bubbles overlap (pixel sizes and positions share the fixed plot square)
    overlaps = chart_eval(
        page,
        "market_map",
        """c => { const pts = [];
          c.getOption().series.forEach((s, si) => s.data.forEach(d => {
            const p = c.convertToPixel({seriesIndex: si}, [d.value[0], d.value[1]]);
            pts.push([p[0], p[1], d.symbolSize / 2]); }));
          let bad = 0;
          for (let i = 0; i < pts.length; i++) for (let j = i + 1; j < pts.length; j++) {
            const dx = pts[i][0] - pts[j][0], dy = pts[i][1] - pts[j][1];
            if (Math.hypot(dx, dy) < pts[i][2] + pts[j][2] - 0.5) bad++; }
          return bad; }""",
    )
    assert overlaps == 0


def test_compare_boxes_are_labelled_and_results_state_their_inputs(page):
    page.get_by_role("tab", name="Compare").click()
    a = page.get_by_label("Run A: key=value per line")
    b = page.get_by_label("Run B: key=value per line")
    expect(a).to_be_visible()
    expect(b).to_be_visible()
    expect(page.locator(".sw-compare-a label")).to_be_visible()
    b.fill("initial_reps=8")
    page.locator(".sw-compare-weeks input").fill("6")
    page.locator(".sw-compare-seeds input").fill("3")
    page.get_by_role("button", name="Run comparison").click()
    summary = page.locator(".sw-compare-summary")
    expect(summary).to_contain_text("Scenario default", timeout=60_000)
    expect(summary).to_contain_text("B: initial_reps=8")
    expect(summary).to_contain_text("seeds 3")


def test_seed_change_and_speed_say_what_they_do(page):
    seed = page.locator(".sw-seed input")
    seed.fill("5")
    seed.press("Enter")
    expect(page.locator(".sw-pending")).to_contain_text("seed")
    page.get_by_role("button", name="Reset").click()
    expect_nothing_pending(page)
    expect(page.locator(".sw-status")).to_contain_text("seed 5")
    text = page.locator(".sw-speed-text")
    expect(text).to_have_text("Speed: 5 weeks per second")
    thumb = page.locator(".sw-speed [role=slider]")
    thumb.focus()
    thumb.press("End")
    expect(text).to_have_text("Speed: as fast as the page draws")
    thumb.press("Home")
    expect(text).to_have_text("Speed: 1 weeks per second")


def test_arr_legend_lists_only_strategies_present(page):
    from sim.model import MarketModel
    from sim.params import choice_label

    model = MarketModel.from_scenario("datastax_direct", rng=1, focal={})
    played = sorted({choice_label(v.strategy) for v in model.vendor_list} | {"my company"})
    assert len(played) < 4  # the preset leaves out a strategy
    page.locator(".sw-scenario").click()
    page.get_by_role("option", name="DataStax sells Cassandra direct").click()
    want = json.dumps(json.dumps(played, separators=(",", ":")))  # as JSON.stringify writes it
    chart_eval(
        page,
        "arr_by_strategy",
        f"c => JSON.stringify(c.getOption().series.map(s => s.name).sort()) === {want}",
        until=True,
    )


@pytest.mark.parametrize("tab", ["Explore", "Compare", "Decide"])
def test_phone_has_no_horizontal_overflow(browser, app_url, tab):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)  # fmt: skip
    page = context.new_page()
    problems = PageProblems(app_url.rstrip("/"))
    problems.attach(page)
    try:
        page.goto(app_url)
        expect(page.locator(".sw-step")).to_have_text(re.compile(r"Week 0 of"), timeout=30_000)
        page.get_by_role("tab", name=tab).click()
        shown = {"Explore": ".sw-kpis", "Compare": ".sw-compare-a", "Decide": ".sw-decide-options"}
        expect(page.locator(shown[tab])).to_be_visible()
        # the tab's slide transition has ended: its content starts at the left edge
        page.wait_for_function(
            "s => { const r = document.querySelector(s).getBoundingClientRect();"
            " return r.left >= 0 && r.left < 30 && r.right <= window.innerWidth; }",
            arg=shown[tab],
        )
        if tab == "Explore":
            page.locator("[data-chart=market_map][data-rendered]").wait_for(timeout=30_000)
            step(page, 1)
        # Play/Reset first, then my company's levers, then the tabs (page positions)
        page.evaluate("() => window.scrollTo(0, 0)")
        order = page.evaluate(
            "() => ['.sw-step', '.sw-levers-title', '.sw-main'].map("
            "s => document.querySelector(s).getBoundingClientRect().top + window.scrollY)"
        )
        assert order == sorted(order)
        assert order[1] < 844  # the levers start on the first screen
        assert no_horizontal_overflow(page)
        # every card's figure fits its card
        assert page.evaluate(
            "() => [...document.querySelectorAll('.sw-kpi-value')].every("
            "e => e.scrollWidth <= e.clientWidth)"
        )
        # Play/Reset stay in sight when the page scrolls
        page.evaluate("() => window.scrollTo(0, 1500)")
        page.wait_for_function(
            "() => { const r = document.querySelector('.sw-run-sticky').getBoundingClientRect();"
            " return window.scrollY > 1000 && r.top >= 0 && r.top < 5; }"
        )
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(ARTIFACTS / f"phone_{tab.lower()}.png"), full_page=True)
    finally:
        context.close()
    assert not problems.items, problems.items


def test_server_start_and_page_load_print_no_samesite_warning(page):
    expect(page.locator(".sw-step")).to_have_text(re.compile(r"Week 0 of"))
    log = SERVER_LOG.read_text()
    assert "samesite" not in log.lower(), log[-2000:]
