"""Workshop mode in real browsers: a facilitator and three teams play two rounds.

Each person is a separate browser context (a separate Solara session). The test checks
that every screen follows the room, that the leaderboard lists the three teams, that a
participant cannot act for another team, that a reload keeps the team, and that a
server restart between the rounds resumes the room. It waits for conditions, never a
fixed time; the market is small (30 enterprises, 4 weeks a round) to keep it fast.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.workshop_helpers import (
    Person,
    Server,
    create_room,
    join,
    no_horizontal_overflow,
    submit,
)

pytestmark = pytest.mark.browser

A4_PRINTABLE = {"width": 703, "height": 1032}
"""CSS pixels (96 per inch) inside an A4 page's 12 mm margins (gui/workshop/summary.py)."""


@pytest.fixture
def server(tmp_path, chromium_path):
    srv = Server(tmp_path / "rooms")
    srv.start()
    yield srv
    srv.close()


def test_a_facilitator_and_three_teams_play_two_rounds_across_a_restart(browser, server):
    host = Person(browser, server, "facilitator", 1280, 1800)
    people = [Person(browser, server, "foxes"), Person(browser, server, "hares"),
              Person(browser, server, "owls", 390, 844)]  # fmt: skip
    everyone = [host, *people]
    try:
        # the facilitator creates a room and sets a small, quick game
        hp = host.page
        code = create_room(host, server, {"n_enterprises": "30", "rounds": "2",
                                          "weeks_per_round": "4", "computer_vendors": "3"})  # fmt: skip
        expect(hp.locator(".sw-ws-qr svg")).to_be_visible()
        host_url = hp.url

        # three teams join from their own browsers; the facilitator sees them arrive
        urls = [
            join(p, server, code, name)
            for p, name in zip(people, ("Foxes", "Hares", "Owls"), strict=True)
        ]
        expect(hp.locator(".sw-ws-teams tbody tr")).to_have_count(3)
        hp.get_by_role("button", name="Start the game").click()
        for p in people:
            expect(p.page.locator(".sw-ws-round")).to_contain_text("round 1 of 2, week 0")
            expect(p.page.locator(".sw-kpi-cash .sw-kpi-value")).to_have_text("$2.00M")

        # Owls try to act for Foxes with their own key: refused, nothing to submit
        owls = people[2].page
        forged = re.sub(r"team=\d+", "team=0", urls[2])
        owls.goto(forged)
        expect(owls.locator(".sw-ws-refused")).to_contain_text("does not belong to team 'Foxes'")
        expect(owls.locator(".sw-ws-decision")).to_have_count(0)
        owls.goto(urls[2])  # their own link: a reload keeps the team
        expect(owls.locator(".sw-ws-team-name")).to_have_text("Team Owls")

        submit(people[0].page, "direct", hires=2)
        expect(people[0].page.locator(".sw-ws-submitted")).to_contain_text("direct")
        expect(hp.locator(".sw-ws-advance")).to_contain_text("1 of 3 submitted")
        submit(people[1].page, "bottoms-up", marketing="9,000")
        submit(owls, "hybrid")
        # every team submitted: the round advances by itself and every screen follows
        for person in everyone:
            expect(person.page.locator(".sw-ws-round")).to_contain_text("round 2 of 2, week 4")
        for p in people:
            rows = p.page.locator(".sw-ws-leaderboard tbody tr")
            expect(rows).to_have_count(3)
            for name in ("Foxes", "Hares", "Owls"):
                expect(p.page.locator(".sw-ws-leaderboard")).to_contain_text(name)
        expect(people[0].page.locator(".sw-ws-leaderboard")).to_contain_text("direct")
        people[0].page.reload()
        expect(people[0].page.locator(".sw-ws-team-name")).to_have_text("Team Foxes")
        expect(people[0].page.locator(".sw-ws-round")).to_contain_text("round 2 of 2")
        assert no_horizontal_overflow(owls), "the phone page scrolls sideways"
        for person in everyone:
            person.shot("round2")
            assert not person.real_problems(), f"{person.name}: " + "\n".join(
                person.real_problems()
            )

        # the server restarts between the rounds; every page comes back to the room
        # (each page reloads itself once the server answers: gui/workshop/reconnect.py; a
        # marker set in every page before the restart is gone only after that reload)
        cash = people[1].page.locator(".sw-kpi-cash .sw-kpi-value").inner_text()
        for person in everyone:
            person.page.evaluate("window.__before_restart = true")
        server.stop()
        server.start()
        for person in everyone:
            person.page.wait_for_function("() => window.__before_restart === undefined")
            person.page.wait_for_load_state("load")
            person.problems.items.clear()  # the dropped websocket before the reload is expected
        assert hp.url == host_url, "the facilitator's page lost its link across the restart"
        for person in everyone:
            expect(person.page.locator(".sw-ws-round")).to_contain_text("round 2 of 2, week 4")
        expect(people[1].page.locator(".sw-kpi-cash .sw-kpi-value")).to_have_text(cash)
        expect(people[2].page.locator(".sw-ws-leaderboard tbody tr")).to_have_count(3)

        # round 2: one team submits, the facilitator advances; the game ends in the debrief
        submit(people[1].page, "bottoms-up", marketing="4,000")
        expect(hp.locator(".sw-ws-advance")).to_contain_text("1 of 3 submitted")
        hp.locator(".sw-ws-advance").click()
        for person in everyone:
            expect(person.page.locator(".sw-ws-round")).to_contain_text(
                "game over after round 2, week 8"
            )
        expect(hp.locator(".sw-ws-verdict")).to_contain_text("finished first")
        expect(hp.locator(".sw-ws-verdict")).to_contain_text("won on mean ARR")
        expect(hp.locator(".sw-ws-audit tbody tr")).to_have_count(6)
        expect(people[0].page.locator(".sw-ws-verdict")).to_contain_text("finished first")
        assert no_horizontal_overflow(owls), "the phone debrief scrolls sideways"
        for person in everyone:
            person.shot("debrief")

        # the printable summary fits one page
        hp.get_by_role("button", name="Printable summary").click()
        expect(hp.locator(".sw-print-summary")).to_contain_text("Which strategy won, and why")
        pdf = hp.pdf(format="A4", print_background=True)
        (ARTIFACTS / "workshop_summary.pdf").write_bytes(pdf)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
        # ...and fills it: ranking, ARR and cash charts, verdict, predator-prey, key decisions
        summary = hp.locator(".sw-print-summary")
        expect(summary.locator(".sw-print-table tbody tr")).to_have_count(3)
        expect(summary.locator("svg.sw-print-chart")).to_have_count(3)
        expect(summary.locator(".sw-print-decisions li").first).to_contain_text("Round 1")
        hp.set_viewport_size(A4_PRINTABLE)
        hp.emulate_media(media="print")
        height = summary.bounding_box()["height"]
        hp.screenshot(path=str(ARTIFACTS / "workshop_summary_print.png"))
        print(f"summary: {height:.0f} px of the A4 page's {A4_PRINTABLE['height']} px")
        assert 0.6 * A4_PRINTABLE["height"] <= height <= A4_PRINTABLE["height"], height
        hp.emulate_media(media="screen")
        for person in everyone:
            assert not person.real_problems(), f"{person.name}: " + "\n".join(
                person.real_problems()
            )
    finally:
        for person in everyone:
            person.close()
