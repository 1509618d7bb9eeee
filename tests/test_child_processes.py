"""A server a test started does not outlive the test process (tests/child_processes.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

TESTS = Path(__file__).resolve().parent

# The "test process": starts a child that execs into another program (as gui.server
# execs into uvicorn), prints the child's pid, and waits to be killed.
PARENT = """
import subprocess, sys, time
sys.path.insert(0, {tests!r})
from child_processes import die_with_parent
child = subprocess.Popen(
    [sys.executable, "-c",
     "import os, sys; os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(60)'])"],
    preexec_fn={preexec},
)
print(child.pid, flush=True)
time.sleep(60)
"""


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _orphan_after_sigterm(preexec: str, wait: float) -> bool:
    """Start the parent, SIGTERM it (no teardown runs), and say whether its child died
    within ``wait`` seconds."""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT.format(tests=str(TESTS), preexec=preexec)],
        stdout=subprocess.PIPE,
        text=True,
    )
    child = int(parent.stdout.readline())
    try:
        assert not _gone(child)
        parent.send_signal(signal.SIGTERM)
        parent.wait(timeout=30)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and not _gone(child):
            time.sleep(0.05)
        return _gone(child)
    finally:
        parent.stdout.close()
        if not _gone(child):
            os.kill(child, signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_a_child_dies_when_its_test_process_is_killed_even_after_exec():
    assert _orphan_after_sigterm("die_with_parent()", wait=15)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_without_it_the_child_outlives_its_killed_parent():
    """The control: what the fixtures did before (a server left running)."""
    assert not _orphan_after_sigterm("None", wait=3)
