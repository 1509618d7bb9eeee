"""Experiments on the model: the CLI, sweeps, result files, validation, benchmarks."""


def load(folder):
    """Load a sweep folder: ``summary, series = experiments.load(DIR)``.

    See :func:`experiments.sweep.dataset.load`; imported lazily so that the CLI starts
    without pandas.
    """
    from experiments.sweep.dataset import load as _load

    return _load(folder)


__all__ = ["load"]
