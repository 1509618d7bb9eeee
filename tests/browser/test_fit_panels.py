"""My data and Optimize in real Chromium: a fit against a pasted history, a search with
its held-out verdict, Cancel, and bad input in the page's words."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

# marketing spend shows directly in S&M spend: a fit a few candidates settle
HISTORY = "month,sm_spend\n" + "".join(f"{m},{20000 if m % 3 else 25000}\n" for m in range(1, 7))


def click_until(page, button: str, note: str, text: str) -> None:
    """Click ``button`` until ``note`` shows ``text``: on a loaded machine the first click
    can reach the server while the button's handler is being re-bound (Solara logs
    ``KeyError: 'click'``) and is lost; a user clicks again too."""
    for _ in range(3):
        page.get_by_role("button", name=button).click()
        try:
            expect(page.locator(note)).to_contain_text(text, timeout=10_000)
            return
        except AssertionError:
            continue
    expect(page.locator(note)).to_contain_text(text)


def small_market(page) -> None:
    """60 enterprises in the sidebar: the runs behind a fit or a search take a moment."""
    expect(page.locator(".sw-step")).to_contain_text("Week 0", timeout=60_000)  # page is up
    page.locator(".sw-group-market .v-expansion-panel-header").click()
    box = page.locator(".sw-input-n_enterprises input")
    box.fill("60")
    box.press("Enter")


def test_my_data_fits_a_pasted_history_and_uses_the_fitted_company(page):
    small_market(page)
    page.get_by_role("tab", name="My data").click()
    page.get_by_label("History (CSV)").fill("month,arr\n1,-5\n2,3\n3,4\n4,5\n5,6\n6,7\n")
    page.get_by_role("button", name="Fit", exact=True).click()
    expect(page.locator(".sw-fit-error")).to_contain_text(
        "negative ARR (-5) in month 1", timeout=60_000
    )
    page.get_by_label("History (CSV)").fill(HISTORY)
    page.locator(".sw-fit-names input").fill("marketing_spend=1000..20000:log")
    page.locator(".sw-fit-pop input").fill("10")
    page.locator(".sw-fit-gen input").fill("1")
    page.get_by_role("button", name="Fit", exact=True).click()
    expect(page.locator(".sw-fit-table tbody tr")).to_have_count(1, timeout=180_000)
    expect(page.locator(".sw-fit-table")).to_contain_text("marketing per week")
    page.locator("[data-chart=fit_sm_spend][data-rendered]").wait_for()
    # the history's columns in words with units, not their CSV names
    expect(page.locator(".sw-fit-inside")).to_have_text(
        re.compile(r"S&M spend in the month \(USD\) \d+%")
    )
    expect(page.get_by_role("button", name="Fit", exact=True)).to_be_visible()  # the run has ended
    click_until(page, "Use the fitted company", ".sw-fit-note", "fitted company is in the sidebar")
    expect(page.locator("body")).to_contain_text("Fitted company: seed 1")


def test_optimize_searches_shows_the_held_out_verdict_and_cancels(page):
    small_market(page)
    page.get_by_role("tab", name="Optimize").click()
    page.get_by_label("Levers, one per line").fill("seat_price=5..200:lg")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".sw-opt-error")).to_contain_text("unknown scale", timeout=60_000)
    page.get_by_label("Levers, one per line").fill(
        "initial_reps=0..5\nstrategy=bottoms_up|direct|hybrid"
    )
    page.locator(".sw-opt-trials input").fill("200")
    page.locator(".sw-opt-seeds input").fill("20")
    page.locator(".sw-opt-weeks input").fill("10")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".sw-opt-progress")).to_be_visible()
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator(".sw-opt-note")).to_contain_text("Cancelled", timeout=120_000)
    page.locator(".sw-opt-trials input").fill("3")
    page.locator(".sw-opt-seeds input").fill("2")
    page.locator(".sw-opt-floor input").fill("0")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".sw-opt-verdict")).to_contain_text("best plain strategy", timeout=240_000)
    expect(page.locator(".sw-opt-table tbody tr")).to_have_count(4)
    expect(
        page.get_by_role("button", name="Search", exact=True)
    ).to_be_visible()  # the run has ended
    click_until(page, "Use this plan", ".sw-opt-note", "best plan is in the sidebar")
    expect(page.locator("body")).to_contain_text("Best plan: seed 1")
