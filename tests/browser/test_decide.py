"""Decide and the page's URL in a real browser: the recommendation matches
``salesweb study`` on the same seeds, Cancel tells the truth, a reload restores the
run, a link restores a study, and leaving with unapplied changes asks first."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, PageProblems
from tests.browser.pending import expect_nothing_pending

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
OPTIONS = ["bottoms-up: strategy=bottoms_up", "direct: strategy=direct", "hybrid: strategy=hybrid"]


def run_small_study(page, seeds: str = "2", weeks: str = "12") -> list[str]:
    """The three strategies on a few seeds; returns the recommendation's lines."""
    page.get_by_role("tab", name="Decide").click()
    page.get_by_role("button", name="The three strategies").click()
    page.locator(".sw-decide-seeds input").fill(seeds)
    page.locator(".sw-decide-weeks input").fill(weeks)
    page.get_by_role("button", name="Run study").click()
    expect(page.locator(".sw-recommendation")).to_be_visible(timeout=120_000)
    expect(page.get_by_role("button", name="Run study")).to_be_visible()
    return page.locator(".sw-rec-line").all_inner_texts()


def test_the_recommendation_matches_the_cli_on_the_same_seeds(page, tmp_path):
    shown = run_small_study(page, "2", "12")
    expect(page.locator(".sw-decide-shape")).to_contain_text(
        "3 options x 2 seeds x 12 weeks (root seed 1: the sidebar's seed)"
    )
    expect(page.locator(".sw-decide-ranking tbody tr")).to_have_count(3)
    expect(page.locator(".sw-decide-pairs tbody tr")).to_have_count(3)
    out = tmp_path / "s.csv"
    cmd = [
        sys.executable,
        "-c",
        "from experiments.cli import app; app()",
        "study",
        "--seed",
        "1",
        "--seeds",
        "2",
        "--steps",
        "12",
        "--quiet",
        "--out",
        str(out),
    ]
    cmd += [x for o in OPTIONS for x in ("--option", o)]  # fmt: skip
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, timeout=300)
    cli = json.loads((tmp_path / "s.json").read_text())["recommendation"]["lines"]
    assert shown == cli
    # another objective re-ranks the same runs, in the CLI's words too
    page.locator(".sw-decide-objective").click()
    page.get_by_role("option", name="arr", exact=True).click()
    expect(page.locator(".sw-rec-line-0")).to_contain_text("Objective: ARR at week 12")


def test_cancel_says_cancelled_and_greys_the_old_result(page):
    run_small_study(page, "1", "4")
    expect(page.locator(".sw-stale")).to_have_count(0)
    # the largest study the browser runs (3 x 50 x 260 run-weeks): it cannot finish
    # between the progress moving and the click on Cancel, however fast the engine
    page.locator(".sw-decide-seeds input").fill("50")
    # the form no longer matches the result: it is greyed and says why
    expect(page.locator(".sw-decide-stale")).to_contain_text("The inputs changed")
    page.locator(".sw-decide-weeks input").fill("260")
    page.get_by_role("button", name="Run study").click()
    progress = page.locator(".sw-decide-progress")
    expect(progress).to_contain_text(re.compile(r"(^Starting.*0%|Running: [0-9]%)"))
    first = progress.inner_text()
    # it moves (within about a second when the machine is quiet; tests never fail on time)
    expect(progress).not_to_have_text(first, timeout=15_000)
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator(".sw-decide-note")).to_contain_text("Cancelled")
    expect(page.locator(".sw-decide-stale")).to_contain_text("Cancelled")
    expect(page.locator(".sw-stale")).to_have_count(1)
    expect(page.get_by_role("button", name="Run study")).to_be_visible()


def test_a_reload_restores_the_run(page):
    from tests.browser.test_studio import choose_strategy

    drawn = page.locator(".sw-vendor-table tbody tr", has_text="V00 (you)").locator(
        "td:nth-child(2)"
    )
    # reps at launch act only with a sales motion; a strategy other than the drawn one
    motion = "direct" if drawn.inner_text() == "hybrid" else "hybrid"
    choose_strategy(page, motion)
    box = page.locator(".sw-input-focal-initial_reps input")
    box.fill("6")
    box.press("Enter")
    # the server has both changes before Reset applies them
    expect(page.locator(".sw-pending")).to_contain_text("reps at launch")
    page.get_by_role("button", name="Reset").click()
    expect_nothing_pending(page)
    for k in (1, 2, 3):
        page.get_by_role("button", name="Step").click()
        expect(page.locator(".sw-step")).to_have_text(re.compile(rf"Week {k} of"))
    page.wait_for_function("() => location.search.includes('week=3')")
    assert "my.initial_reps=6" in page.url and f"my.strategy={motion}" in page.url
    assert "seed=1" in page.url
    cash = page.locator(".sw-kpi-cash .sw-kpi-value").inner_text()
    page.reload()
    expect(page.locator(".sw-step")).to_have_text(re.compile(r"Week 3 of"), timeout=60_000)
    expect(page.locator(".sw-kpi-cash .sw-kpi-value")).to_have_text(cash)  # the same run
    expect(page.locator(".sw-input-focal-initial_reps input")).to_have_value("6")


def test_a_link_restores_a_study_in_another_browser(page, browser, app_url):
    shown = run_small_study(page, "1", "6")
    page.wait_for_function("() => location.search.includes('study=')")
    link = page.url
    expect(page.locator(".sw-recent-line")).to_have_count(1)
    other = browser.new_context(viewport={"width": 1500, "height": 1600})
    pg = other.new_page()
    problems = PageProblems(app_url.rstrip("/"))
    problems.attach(pg)
    try:
        pg.goto(link)
        expect(pg.locator(".sw-recommendation")).to_be_visible(timeout=60_000)
        assert pg.locator(".sw-rec-line").all_inner_texts() == shown
        expect(pg.locator(".sw-decide-seeds input")).to_have_value("1")
        pg.screenshot(path=str(ARTIFACTS / "decide_from_link.png"), full_page=True)
    finally:
        other.close()
    assert not problems.items, problems.items


def test_leaving_with_unapplied_changes_asks_first(browser, app_url):
    context = browser.new_context(viewport={"width": 1500, "height": 1600})
    page = context.new_page()
    try:
        page.goto(app_url)
        expect(page.locator(".sw-step")).to_have_text(re.compile(r"Week 0 of"), timeout=30_000)
        box = page.locator(".sw-input-focal-seat_price input")
        box.fill("77")
        box.press("Enter")
        expect(page.locator(".sw-pending")).to_be_visible()
        asked = []
        page.on("dialog", lambda d: (asked.append(d.type), d.accept()))
        page.close(run_before_unload=True)
        page.wait_for_event("close", timeout=10_000)
        assert asked == ["beforeunload"]
    finally:
        context.close()
