"""Words for strategists (issue 17, item 5) in a real browser: no label on any tab is a
raw snake_case name, and hovering a label shows its definition from sim/params.py.

"Labels" are what names a value on screen: the controls' labels and shown choices, the
Advanced panels' headings, tab names, buttons, table headers, KPI card names and the
note of changes waiting for Reset. Free text that teaches the key=value syntax (the
Compare and Optimize boxes, their help paragraphs) is input, not a label.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sim.params import OUTPUTS, PARAMETERS

pytestmark = pytest.mark.browser

RAW = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
LABELS = ", ".join(
    (
        ".v-label",  # every text box, select and switch
        ".v-select__selection",  # the value a select shows
        ".v-expansion-panel-header",
        "[role=tab]",
        "button",
        "th",
        ".sw-kpi-label",
        ".sw-pending",
        ".sw-opt-best",
        ".sw-chart-title",
    )
)
TABS = ("Explore", "Compare", "Decide", "My data", "Optimize")


def raw_labels(page) -> list[str]:
    """The visible labels that contain a snake_case identifier."""
    texts = page.eval_on_selector_all(
        LABELS,
        "els => els.filter(e => e.offsetParent !== null).map(e => e.innerText.trim())",
    )
    return sorted({t for t in texts if RAW.search(t)})


def hover_text(page, locator) -> str:
    """The tooltip the browser shows over ``locator``: the nearest ``title`` under the mouse."""
    locator.scroll_into_view_if_needed()
    locator.hover(force=True)  # a floating label sits under its input: point at it anyway
    return page.evaluate(
        "() => { const under = [...document.querySelectorAll(':hover')].pop();"
        " const tip = under && under.closest('[title]'); return tip ? tip.title : ''; }"
    )


def test_no_label_is_a_raw_name_and_hovering_one_gives_its_definition(page):
    # every Advanced panel open: all 100-odd controls of the whole market
    heads = page.locator(".sw-params .v-expansion-panel-header")
    for i in range(heads.count()):
        heads.nth(i).click()
    expect(page.locator(".sw-param-user_is_buyer")).to_be_visible()
    expect(page.locator(".sw-param-gross_margin")).to_be_visible()  # the last panel
    # a change waiting for Reset is named in words too
    box = page.locator(".sw-input-rep_attrition input")
    box.fill("0.02")
    box.press("Enter")
    expect(page.locator(".sw-pending")).to_contain_text("weekly rep attrition")
    for tab in TABS:
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
        assert raw_labels(page) == [], f"raw names on the {tab} tab"

    page.get_by_role("tab", name="Explore").click()
    expect(page.locator(".sw-vendor-table tbody tr").first).to_contain_text("V00")
    # an Advanced control: its label, in words with its unit, explains itself on hover
    p = PARAMETERS["user_is_buyer"]
    control = page.locator(".sw-param-user_is_buyer")
    expect(control.locator(".v-label")).to_have_text(f"{p.label} ({p.unit})")
    tip = hover_text(page, control.locator(".v-label"))
    assert p.description in tip and tip.endswith("tab: user_is_buyer.")
    # a select shows its choices in words
    expect(page.locator(".sw-param-org_network .v-select__selection")).to_have_text("hierarchy")
    # the vendor table's headers: label with unit, definition on hover
    cac = page.locator(".sw-vendor-table th", has_text="CAC")
    expect(cac).to_have_text(re.compile(r"CAC \(USD per customer\)"))
    assert hover_text(page, cac.locator("span").first) == OUTPUTS["cac"].description
    strategy = page.locator(".sw-vendor-table tbody tr", has_text="V00 (you)").locator("td").nth(1)
    expect(strategy).to_have_text(re.compile(r"^(bottoms-up|direct|hybrid)$"))
    # a KPI card
    assert "Annual recurring revenue" in hover_text(page, page.locator(".sw-kpi-arr .sw-kpi-label"))
