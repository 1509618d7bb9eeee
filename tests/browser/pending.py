"""The sidebar's "Changed, not applied" note, read by the browser tests."""

from __future__ import annotations

from playwright.sync_api import expect


def expect_nothing_pending(page) -> None:
    """Wait until no change is waiting for Reset; on failure say which ones still are."""
    note = page.locator(".sw-pending")
    try:
        expect(note).to_have_count(0)
    except AssertionError:
        said = note.first.inner_text() if note.count() else "(the note went away)"
        raise AssertionError(f"still pending: {said}") from None
