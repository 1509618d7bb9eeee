"""Hostile input in every field of every workshop page: never a traceback, never a 500.

Values a class will type, on purpose or not: NaN, inf, 1e400 (Python reads it as
infinity), -0, a 5,000-character string, HTML and script, emoji, right-to-left text.
Each goes into every text field of the join page, the rooms page, the facilitator's
settings and controls, and a team's decision form, and the page's own button is
pressed. The test then waits for the page's answer in its own words (the message
names the field, or the action succeeded), and checks that no page shows a
traceback, no script ran (a dialog), the browser saw no error, and the server's log
has no traceback or ERROR line.

The waits are on conditions: each value's message quotes the value (or, for the long
string, the length limit), so the next value's message cannot be mistaken for the
previous one. At the end the rooms page closes and archives the room.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gui.workshop.codes import normalize
from tests.browser.workshop_helpers import PASSWORD, Person, Server, create_room, join

pytestmark = pytest.mark.browser

LONG = "9" * 5000
HOSTILE = ["NaN", "inf", "1e400", "-0", LONG, "<svg onload=alert(1)>", "🦊🚀💸",
           "\u202eمرحبا\u202c 12", "<script>alert(2)</script>", "-inf"]  # fmt: skip


def quoted(value: str) -> str:
    """What a refusal of ``value`` quotes: the value itself, or the length limit."""
    return "at most" if value == LONG else repr(value.strip())[1:21]  # as the page quotes it


@pytest.fixture
def server(tmp_path, chromium_path):
    srv = Server(tmp_path / "rooms", name="workshop_fuzz_server")
    srv.start()
    yield srv
    srv.close()


def no_traceback(page) -> None:
    expect(page.get_by_text("Traceback")).to_have_count(0)
    expect(page.get_by_text("problem on the server")).to_have_count(0)


def fill(page, css: str, value: str) -> None:
    box = page.locator(f"{css} input").first
    box.fill(value)
    box.press("Tab")


def test_hostile_values_in_every_field_get_the_pages_words(browser, server):
    host = Person(browser, server, "fuzz_host", 1280, 2000)
    team = Person(browser, server, "fuzz_team", 1280, 2000)
    people = [host, team]
    try:
        hp, tp = host.page, team.page
        # the join page: a hostile code is a room that does not exist; a hostile
        # password does not create a room
        tp.goto(server.url + "/workshop")
        for value in HOSTILE[::2] + [LONG]:
            fill(tp, ".sw-ws-code", value)
            fill(tp, ".sw-ws-name", value)
            fill(tp, ".sw-ws-key", value)
            tp.get_by_role("button", name="Join").click()
            expect(tp.locator(".sw-ws-error")).to_contain_text("no room with code")
            expect(tp.locator(".sw-ws-error")).to_contain_text(normalize(value)[:12] or "(empty)")
            fill(tp, ".sw-ws-password", value)
            tp.get_by_role("button", name="Create a room").click()
            expect(tp.locator(".sw-ws-create-error")).to_contain_text("facilitator password")
            no_traceback(tp)

        # the facilitator's settings: the values in turn over the fields
        code = create_room(host, server, {"n_enterprises": "30", "rounds": "2",
                                          "weeks_per_round": "4", "computer_vendors": "2"})  # fmt: skip
        fields = [c.split("sw-ws-set-")[1].split()[0] for c in
                  hp.locator("[class*='sw-ws-set-']").evaluate_all(
                      "els => els.map(e => e.className)")]  # fmt: skip
        assert len(fields) == 13, fields
        message = hp.locator(".sw-ws-settings-message")
        for i, field in enumerate(fields):
            before = hp.locator(f".sw-ws-set-{field} input").input_value()
            for value in (HOSTILE[i % len(HOSTILE)],):  # 13 fields: every value at least once
                if value == "-0":
                    continue  # a fine value for most fields: its answer quotes nothing
                fill(hp, f".sw-ws-set-{field}", value)
                hp.get_by_role("button", name="Save settings").click()
                expect(message).to_contain_text("Not saved")
                expect(message).to_contain_text(quoted(value))
            fill(hp, f".sw-ws-set-{field}", before)
        no_traceback(hp)

        # teams with hostile names join (the ones a name may be) and the game starts
        join(team, server, code, "Foxes")
        for value in ("<svg onload=alert(1)>", "🦊🚀💸", "فريق مرحبا"):
            other = Person(browser, server, "fuzz_other")
            people.append(other)
            join(other, server, code, " ".join(value.split()))
        hp.get_by_role("button", name="Start the game").click()
        expect(tp.locator(".sw-ws-round")).to_contain_text("round 1 of 2")

        # a team's decision form: every field, every value (hires: the bug)
        error = tp.locator(".sw-ws-error")
        for css in (".sw-ws-hires", ".sw-ws-let-go", ".sw-ws-marketing", ".sw-ws-price",
                    ".sw-ws-invest"):  # fmt: skip
            for value in HOSTILE if css == ".sw-ws-hires" else HOSTILE[:3] + HOSTILE[4:6]:
                fill(tp, css, value)
                tp.get_by_role("button", name="Submit decision").click()
                if value == "-0":
                    expect(tp.locator(".sw-ws-submitted")).to_be_visible()  # -0 is 0: fine
                else:
                    expect(error).to_contain_text(quoted(value))
            fill(tp, css, "0" if css in (".sw-ws-hires", ".sw-ws-let-go", ".sw-ws-invest")
                 else "25" if css == ".sw-ws-price" else "2,000")  # fmt: skip
        fill(tp, ".sw-ws-who", LONG)
        tp.get_by_role("button", name="Submit decision").click()
        expect(tp.locator(".sw-ws-submitted")).to_be_visible()
        no_traceback(tp)

        # the facilitator's controls: a message and a rename, hostile each time
        message_box = hp.locator(".sw-ws-message-text input").first
        for value in HOSTILE[1::2]:
            fill(hp, ".sw-ws-message-text", value)
            hp.get_by_role("button", name="Send").click()
            fill(hp, ".sw-ws-rename-0", value)
            hp.locator(".sw-ws-rename-button-0").click()
            no_traceback(hp)
        fill(hp, ".sw-ws-message-text", "last <b>one</b>")
        expect(message_box).to_have_value("last <b>one</b>")
        hp.get_by_role("button", name="Send").click()
        expect(tp.locator(".sw-ws-message")).to_contain_text(
            "From the facilitator: last <b>one</b>"
        )

        # the rooms page: a hostile password shows no room
        rooms = Person(browser, server, "fuzz_rooms")
        people.append(rooms)
        rp = rooms.page
        rp.goto(server.url + "/workshop/rooms")
        for value in (LONG, "<svg onload=alert(1)>", "\u202eمرحبا\u202c 12", "NaN"):
            fill(rp, ".sw-ws-password", value)
            rp.get_by_role("button", name="Show the rooms").click()
            expect(rp.locator(".sw-ws-error")).to_contain_text("facilitator password")
        fill(rp, ".sw-ws-password", PASSWORD)
        rp.get_by_role("button", name="Show the rooms").click()
        expect(rp.locator(".sw-ws-room-line")).to_contain_text(code)

        # the rooms page closes the room (teams see it at once), then archives it; the
        # server is the session's, so rooms of other workshop tests may be listed too
        row = rp.locator(".sw-ws-room-row", has_text=f"Room {code}:")
        listed = rp.locator(".sw-ws-room-row").count()
        row.get_by_role("button", name="Close").click()
        expect(row.locator(".sw-ws-room-line")).to_contain_text(f"Room {code}: closed")
        expect(tp.locator(".sw-ws-room-closed")).to_contain_text("closed this room")
        row.get_by_role("button", name="Archive").click()
        row.get_by_role("button", name="Really archive: take it off the server").click()
        expect(row).to_have_count(0)
        expect(rp.get_by_text(f"{listed - 1} of 12 rooms")).to_be_visible()
        assert list((server.rooms / "archive").glob(f"{code}-*.json"))

        # every page read its hostile names as text; nothing escaped anywhere
        for person in people:
            no_traceback(person.page)
            assert not person.real_problems(), f"{person.name}: " + "\n".join(
                person.real_problems()
            )
        assert not server.tracebacks(), "\n".join(server.tracebacks())
    finally:
        for person in people:
            person.close()
