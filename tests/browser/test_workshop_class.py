"""A class with a projector: controls, the projector view, a restart, the debrief, exports.

One short game (2 rounds of 4 weeks, 30 enterprises) in real Chromium: a facilitator,
a 1920x1080 projector page, team Foxes on two devices and team Hares. The facilitator
pauses the clock, extends the round, resumes, hides the leaderboard and reveals it;
the projector follows through the lobby (code, QR), the rounds (who submitted, never
what), the leaderboard once revealed, and the debrief; a teammate's submission is
announced in the other tab; the server restarts and every page comes back by itself
after showing "Reconnecting"; the exports download and read back. Waits are on
conditions, never fixed times.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.workshop_helpers import Person, Server, create_room, join, submit

pytestmark = pytest.mark.browser


#: The first round's paused clock: 4:xx, or 5:00 when the pause came within half a second.
PAUSED_FIRST_ROUND = re.compile(r"Clock paused \((4:\d\d|5:00) left\)")


def _seconds(text: str) -> int:
    """The first "m:ss" in ``text`` as seconds."""
    minutes, seconds = re.search(r"(\d+):(\d\d)", text).groups()
    return int(minutes) * 60 + int(seconds)


@pytest.fixture
def server(tmp_path, chromium_path):
    srv = Server(tmp_path / "rooms", name="workshop_class_server")
    srv.start()
    yield srv
    srv.close()


def test_a_class_plays_with_a_projector_controls_a_restart_and_exports(browser, server):
    host = Person(browser, server, "class_host", 1280, 2200, accept_downloads=True)
    screen = Person(browser, server, "class_screen", 1920, 1080)
    fox_a, fox_b = Person(browser, server, "fox_a"), Person(browser, server, "fox_b")
    hares = Person(browser, server, "hares", 390, 844)
    everyone = [host, screen, fox_a, fox_b, hares]
    try:
        hp, sp = host.page, screen.page
        code = create_room(host, server, {"n_enterprises": "30", "rounds": "2",
                                          "weeks_per_round": "4", "computer_vendors": "2",
                                          "deadline_minutes": "5"})  # fmt: skip
        link = hp.locator(".sw-ws-screen-link").get_attribute("href")
        assert link == f"/workshop/{code}/screen" and "key" not in link
        sp.goto(server.url + link)
        expect(sp.locator(".sw-ws-code-big")).to_have_text(code)
        expect(sp.locator(".sw-ws-qr svg")).to_be_visible()

        fox_url = join(fox_a, server, code, "Foxes")
        fox_b.page.goto(fox_url)  # a teammate's device opens the team's link
        join(hares, server, code, "Hares")
        expect(sp.locator(".sw-ws-screen-teams")).to_contain_text("Hares")
        screen.shot("lobby")
        hp.get_by_role("button", name="Start the game").click()
        expect(sp.locator(".sw-ws-round")).to_contain_text("round 1 of 2, week 0")
        expect(sp.locator(".sw-ws-countdown")).to_contain_text("left in this round")
        expect(sp.locator(".sw-ws-submitted-list")).to_contain_text("Submitted: 0 of 2")

        # the facilitator pauses, extends and resumes the clock; everyone sees it
        # (a pause within half a second of the start rounds to 5:00, as the countdown does)
        hp.get_by_role("button", name="Pause the clock").click()
        for p in (sp, fox_a.page, hares.page):
            expect(p.locator(".sw-ws-paused")).to_contain_text(PAUSED_FIRST_ROUND)
            expect(p.locator(".sw-ws-countdown")).to_have_count(0)
        paused = _seconds(sp.locator(".sw-ws-paused").inner_text())
        assert 240 <= paused <= 300
        hp.get_by_role("button", name="+1 minute").click()
        plus_minute = f"Clock paused ({(paused + 60) // 60}:{(paused + 60) % 60:02d} left)"
        expect(sp.locator(".sw-ws-paused")).to_contain_text(plus_minute)
        hp.get_by_role("button", name="Resume the clock").click()
        expect(sp.locator(".sw-ws-countdown")).to_contain_text(re.compile(r"^\s*[56]:\d\d left"))
        assert paused + 30 <= _seconds(sp.locator(".sw-ws-countdown").inner_text()) <= paused + 60
        expect(sp.locator(".sw-ws-paused")).to_have_count(0)
        hp.get_by_role("button", name="Hide the leaderboard").click()
        expect(sp.locator(".sw-ws-board-hidden")).to_be_visible()
        expect(hares.page.locator(".sw-ws-board-hidden")).to_be_visible()
        expect(hp.locator(".sw-ws-board-hidden-note")).to_be_visible()

        # Ana submits on one device; the other device says so; the screen shows who, not what
        fox_a.page.locator(".sw-ws-who input").fill("Ana")
        submit(fox_a.page, "direct", hires=2)
        expect(fox_b.page.locator(".sw-ws-overwritten")).to_contain_text(
            "Ana changed the decision at"
        )
        expect(fox_b.page.locator(".sw-ws-submitted")).to_contain_text("direct, marketing")
        expect(sp.locator(".sw-ws-submitted-list")).to_contain_text("Submitted: 1 of 2")
        expect(sp.locator(".sw-ws-chip.done")).to_have_text("\u2713 Foxes")
        assert "direct" not in sp.locator("body").inner_text()
        screen.shot("round1")
        submit(hares.page, "bottoms-up", marketing="9,000")
        expect(sp.locator(".sw-ws-round")).to_contain_text("round 2 of 2, week 4")
        expect(sp.locator(".sw-ws-board-hidden")).to_be_visible()
        hp.get_by_role("button", name="Reveal the leaderboard").click()
        expect(sp.locator(".sw-ws-leaderboard tbody tr")).to_have_count(2)

        # the server restarts: every page says it is reconnecting, then comes back by itself
        server.stop()
        for person in everyone:
            expect(person.page.locator(".sw-ws-reconnecting")).to_be_visible()
        screen.shot("reconnecting")
        server.start()
        for person in everyone:
            expect(person.page.locator(".sw-ws-round")).to_contain_text("round 2 of 2, week 4",
                                                                        timeout=60_000)  # fmt: skip
            expect(person.page.locator(".sw-ws-reconnecting")).to_have_count(0)
            person.problems.items.clear()  # the dropped websocket while it was down is expected
        expect(sp.locator(".sw-ws-leaderboard tbody tr")).to_have_count(2)

        # the last round ends on the facilitator's click; the projector shows the debrief
        hp.locator(".sw-ws-advance").click()
        expect(sp.locator(".sw-ws-verdict")).to_contain_text("finished first")
        expect(sp.locator(".sw-ws-audit")).to_have_count(0)  # the audit stays with the facilitator
        screen.shot("debrief")

        # exports: one click each, read back
        with hp.expect_download() as got:
            hp.get_by_text("Weekly results (CSV)").click()
        weekly = list(csv.DictReader(io.StringIO(got.value.path().read_text("utf-8-sig"))))
        assert len(weekly) == 2 * 9 and {r["team"] for r in weekly} == {"Foxes", "Hares"}
        with hp.expect_download() as got:
            hp.get_by_text("Both (XLSX)").click()
        assert got.value.suggested_filename == f"salesweb-room-{code}-results.xlsx"
        book = load_workbook(io.BytesIO(got.value.path().read_bytes()))
        actions = [row[3] for row in book["audit"].values]
        for action in ("clock paused", "round extended", "clock resumed", "leaderboard hidden",
                       "leaderboard revealed"):  # fmt: skip
            assert action in actions, actions
        assert len(list(book["weekly"].values)) == 1 + len(weekly)
        got.value.save_as(ARTIFACTS / "workshop_results.xlsx")

        for person in everyone:
            assert not person.real_problems(), f"{person.name}: " + "\n".join(
                person.real_problems()
            )
        assert not server.tracebacks(), "\n".join(server.tracebacks())
    finally:
        for person in everyone:
            person.close()
