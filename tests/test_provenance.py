"""No seeded page is stale: each was made on the engine the code gives today.

``docs/validation/provenance.json`` records, per step of ``salesweb regenerate``, the
engine fingerprint its pages were made at (:func:`experiments.fingerprint.engine_fingerprint`,
every preset on a tiny market). A change that alters the random stream or a mechanism
changes the fingerprint, and this test names the pages it made stale and the one command
that remakes them. A fingerprint of ``unknown`` (a page made before provenance was kept,
on an engine no one could show equal to today's) is a documented exception: the entry
says why, and the test lists it as a warning instead of passing it silently.
"""

from __future__ import annotations

import warnings

import pytest

from experiments.regen_manifest import MANIFEST
from experiments.regen_state import PROVENANCE, UNKNOWN, read_json, stale_steps
from experiments.regenerate import remake_command, stale_message

NAMES = [s.name for s in MANIFEST]


@pytest.fixture(scope="module")
def fingerprint() -> str:
    from experiments.fingerprint import engine_fingerprint

    return engine_fingerprint()


def test_no_seeded_page_was_made_on_another_engine(fingerprint):
    found = stale_steps(read_json(PROVENANCE), NAMES, fingerprint)
    assert not found["missing"], f"{PROVENANCE.name} has no entry for {found['missing']}"
    assert not found["unexplained"], f"{found['unexplained']}: {UNKNOWN} without unknown_because"
    assert not found["stale"], stale_message(found["stale"], fingerprint, list(found["unknown"]))
    if found["unknown"]:
        warnings.warn(
            f"{len(found['unknown'])} seeded step(s) of unknown engine (documented in "
            f"{PROVENANCE.name}): {', '.join(found['unknown'])}; remake them with "
            f"`{remake_command(list(found['unknown']))}`",
            stacklevel=1,
        )


def test_each_kind_of_entry_is_told_apart():
    provenance = {"steps": {
        "claims": {"fingerprint": "aaa", "commit": "1"},
        "levers": {"fingerprint": "bbb", "commit": "1"},
        "map": {"fingerprint": UNKNOWN, "commit": "1", "unknown_because": "made before"},
        "company": {"fingerprint": UNKNOWN, "commit": "1"},
    }}  # fmt: skip
    found = stale_steps(provenance, ["claims", "levers", "map", "company", "cycle"], "aaa")
    assert found == {"stale": ["levers"], "unknown": {"map": "made before"},
                     "missing": ["cycle"], "unexplained": ["company"]}  # fmt: skip


def test_the_message_names_the_pages_and_one_command():
    text = stale_message(["levers", "map"], "abc")
    assert "levers (docs/validation/levers.md and 7 more)" in text
    assert "map (docs/validation/winner_map.md and 3 more)" in text
    assert "`salesweb regenerate --only levers --only map`" in text
    text = stale_message(["levers"], "abc", also=["calibrate"])
    assert "`salesweb regenerate --only calibrate --only levers`" in text
    assert remake_command(NAMES) == "salesweb regenerate"
