"""How ``make test`` splits the suite over its pytest-xdist workers (tests/conftest.py).

A costly shared fixture is made once per worker that runs a test asking for it; the
scheduler keeps those tests together. A renamed module would silently fall out of the
list and its fixture be made twice again, so the list is checked against the files.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ONE_WORKER_MODULES, SHARED_WORKER, worker_scope

ROOT = Path(__file__).resolve().parents[1]


def test_every_listed_module_and_group_exists():
    for path in ONE_WORKER_MODULES:
        assert (ROOT / path).is_file(), path
    for prefixes in SHARED_WORKER.values():
        for prefix in prefixes:
            assert (ROOT / prefix).exists(), prefix


def test_a_module_with_a_shared_fixture_goes_to_one_worker():
    a = worker_scope("tests/test_preset_stories.py::test_the_preset_produces_its_story[x]")
    b = worker_scope("tests/test_preset_stories.py::test_the_preset_produces_its_story[y]")
    assert a == b == "tests/test_preset_stories.py"


def test_the_groups_go_to_one_worker_each_and_other_tests_alone():
    assert worker_scope("tests/test_claims.py::test_x") == "claims"
    assert worker_scope("tests/test_claim_standard.py::test_y[z]") == "claims"
    assert worker_scope("tests/browser/test_app.py::test_play_then_pause") == "browser"
    lone = "tests/test_model.py::test_a_run_is_reproducible"
    assert worker_scope(lone) == lone
