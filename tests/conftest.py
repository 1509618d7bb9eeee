"""Shared fixtures: small seeded markets, built fresh for every test that asks."""

from __future__ import annotations

import pytest

from sim.model import MarketModel

SMALL = {"n_enterprises": 25, "enterprise_size_max": 400}


@pytest.fixture
def small_model() -> MarketModel:
    """A 25-enterprise market, seed 7, not yet stepped."""
    return MarketModel(rng=7, **SMALL)


@pytest.fixture
def solara_session():
    """A fresh Solara session (kernel context) for a test that renders the page.

    Module-level ``solara.reactive`` values in ``gui/`` are per session when Solara's
    server is loaded; otherwise they are one process-wide value, and a test that
    changed the scenario or built a market would hand it to the next test. Inside a
    fresh context every reactive value starts at its default, whatever ran before.
    The context is dropped, not closed: closing tears down widgets the test's
    renderer registered outside the context's comm manager.
    """
    import uuid

    import solara.server.starlette  # noqa: F401 - makes reactive values per kernel context
    from solara.server import kernel, kernel_context

    context = kernel_context.VirtualKernelContext(
        id=f"test-{uuid.uuid4().hex}", session_id="test", kernel=kernel.Kernel()
    )
    with context:
        yield context


CLAIM_SEEDS = list(range(10))
CLAIM_SIZE = {"n_enterprises": 70, "horizon": 156}  # claims with their own weeks keep them


@pytest.fixture(scope="session")
def claim_results():
    """Every claim of experiments/claim_list.py over 10 seeds in a small market, run once.

    tests/test_claims.py reads the verdicts, tests/test_claim_standard.py that no effect
    is an identity; sharing the run keeps the suite to one (the slowest part of it).
    """
    from experiments.claim_list import CLAIMS
    from experiments.claims import run_claims

    return {r.claim.key: r for r in run_claims(CLAIMS, CLAIM_SEEDS, size=CLAIM_SIZE)}


# Tests that must share one pytest-xdist worker (``make test`` runs two): the claim
# tests share the session-scoped ``claim_results`` (the suite's slowest fixture, made
# once per worker), the browser tests one app server and one Chromium, run one after
# another while the other worker takes the rest. xdist's own ``--dist loadgroup``
# cannot do it under pytest 9 (it renames items through an attribute pytest 9 no
# longer reads), so the scheduler groups them by file.
SHARED_WORKER = {
    "claims": ("tests/test_claims.py", "tests/test_claim_standard.py"),
    "browser": ("tests/browser/",),
}
ONE_WORKER_MODULES = (
    "tests/test_preset_stories.py",  # ``stories``: every preset's story, 68 s a worker
    "tests/test_lever_response.py",  # ``directions``: every lever at test size, 34-41 s
    "tests/test_theory.py",  # ``pp_results`` and ``bass_results``: 48 s and 8 s
    "tests/test_sweep_sensitivity.py",  # ``common``: a Sobol' sweep, 11 s
    "tests/test_company_checks.py",  # ``tiny``: the company checks at a tiny size
    "tests/test_mechanisms.py",  # ``market``: three years of a market, checked each step
)
"""Modules whose tests share a costly module-scoped fixture: each module is kept on one
worker, so its fixture is made once, not once per worker. The seconds are setup times
in CI's log of 2026-12-05, where the first two were each made on both workers (69 and
68 s; 41 and 34 s); the others are kept together for the same reason."""


def worker_scope(nodeid: str) -> str:
    """The unit the scheduler hands to one worker: a group, a module, or the test."""
    for group, prefixes in SHARED_WORKER.items():
        if nodeid.startswith(prefixes):
            return group
    module = nodeid.split("::", 1)[0]
    return module if module in ONE_WORKER_MODULES else nodeid


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: unknown without xdist
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class SharedWorkerScheduling(LoadScopeScheduling):
        """Every test on its own, but each group of SHARED_WORKER and each module of
        ONE_WORKER_MODULES on one worker."""

        def _split_scope(self, nodeid: str) -> str:
            return worker_scope(nodeid)

    return SharedWorkerScheduling(config, log)
