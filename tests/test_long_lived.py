"""Workers freeze what they hold for life, once, and still collect what they make later
(sim.long_lived). Each check runs in a fresh interpreter: freezing is process-wide."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_freezing_is_done_once_and_later_cycles_are_still_collected():
    out = run_python(
        """
        import gc
        from sim.long_lived import freeze_long_lived, frozen
        from sim.model import MarketModel
        assert not frozen()
        at_start = gc.get_freeze_count()  # the interpreter's own (a few hundred)
        freeze_long_lived()
        first = gc.get_freeze_count()
        model = MarketModel(rng=1, n_enterprises=2)
        model.step()
        del model
        freeze_long_lived()  # a second call must not freeze the market's objects
        cycle = []
        cycle.append(cycle)
        del cycle
        print(first - at_start, first, gc.get_freeze_count(), frozen(), gc.collect() > 0)
        """
    )
    added, first, again, is_frozen, collected = out.split()
    assert int(added) > 10_000  # the imports: some hundred thousand objects
    assert int(again) <= int(first)  # frozen objects may die; none were added
    assert is_frozen == "True"
    assert collected == "True"  # the market's cycles and the list are garbage, collected


def test_the_study_pools_forkserver_freezes_what_its_workers_inherit():
    out = run_python(
        """
        import gc
        import experiments.study_preload  # what the forkserver imports before forking
        print(gc.get_freeze_count())
        """
    )
    assert int(out) > 10_000


def test_a_sweep_worker_freezes_after_its_warm_up():
    out = run_python(
        """
        import gc, os
        from experiments.sweep.local import _init_worker
        _init_worker(os.getppid())
        print(gc.get_freeze_count())
        """
    )
    assert int(out) > 10_000
