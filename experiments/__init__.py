"""Experiments on the model: the CLI, sweeps, result files, validation, benchmarks.

The browser app (``gui/``) may import only the modules named in :data:`PUBLIC`
(docs/architecture.md; ``tests/test_architecture.py`` enforces it). Everything else
here is free to change without the browser noticing. ``experiments/`` itself never
imports ``gui/``; browser tooling lives in ``gui/tools/``.
"""

PUBLIC: tuple[str, ...] = (
    "experiments",  # load(folder): a sweep's results
    "experiments.io",  # result files, METADATA_KEY, atomic writes
    "experiments.palette",  # one colour per strategy
    "experiments.study",  # the decision study and its number formats
    "experiments.study_pool",  # the warm pool of study workers the server keeps
    "experiments.study_report",  # a study as a JSON-ready dict
    "experiments.recommend",  # the study's recommendation
    "experiments.idle_levers",  # why a lever does nothing in a market
    "experiments.fit",  # fitting the model to a company's history (package)
    "experiments.optimize",  # searching a company's levers (package)
)
"""Modules (and packages, with everything below them) that ``gui/`` may import."""


def load(folder):
    """Load a sweep folder: ``summary, series = experiments.load(DIR)``.

    See :func:`experiments.sweep.dataset.load`; imported lazily so that the CLI starts
    without pandas.
    """
    from experiments.sweep.dataset import load as _load

    return _load(folder)


__all__ = ["PUBLIC", "load"]
