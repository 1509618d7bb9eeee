"""``python -m experiments.cli``: the ``salesweb`` command."""

from experiments.cli import app

app()
