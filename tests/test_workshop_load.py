"""Capacity: 30 teams in one room, each screen a live session; report the advance time.

Runs ``gui/tools/workshop_load.py`` (loopback only, bounded in time; 28 websocket
sessions and 2 Chromium pages) and checks that every screen received every round.
The figure (issue 11's target: at most 2 s from the advance to the last screen) is
printed and written to ``test-artifacts/workshop_load.json``; the test bounds it
loosely (a shared 2-core CI machine can be several times slower than a quiet one), so
it fails when screens stop updating or updates take far too long, not on a busy day.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gui.tools.chromium import find_chromium

ROOT = Path(__file__).resolve().parents[1]
BOUND = 15.0  # seconds: far above the 2 s target, far below "screens stopped updating"


@pytest.mark.slow
@pytest.mark.browser
def test_thirty_teams_every_screen_follows_every_round():
    browsers = 2 if find_chromium() else 0
    proc = subprocess.run(
        [sys.executable, "gui/tools/workshop_load.py", "--teams", "30", "--rounds", "3",
         "--browsers", str(browsers), "--timeout", str(BOUND), "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "workshop_load.json").write_text(json.dumps(out, indent=1))
    print(
        f"\n30 teams: advance to every screen updated, median {out['median_all_screens']:.2f} s, "
        f"max {out['max_all_screens']:.2f} s; compute "
        + ", ".join(f"{r['compute']:.2f}" for r in out["rounds"]) + " s"
    )  # fmt: skip
    assert out["subscribers"] == 30 and out["websocket_screens"] + out["browser_screens"] == 30
    assert len(out["rounds"]) == 3
    assert all(0 < r["all_screens"] < BOUND for r in out["rounds"])


def test_the_competing_load_ends_by_itself():
    import time

    from gui.tools.workshop_load import competing_load

    t0 = time.monotonic()
    (job,) = competing_load(1, 1.0)
    assert job.wait(timeout=20) == 0
    assert time.monotonic() - t0 >= 1.0
