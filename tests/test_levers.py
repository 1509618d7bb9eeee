"""Levers a strategist reads: every parameter has a plain label from the one table."""

from __future__ import annotations

from sim.params import LABELS, PARAMETERS


def test_every_parameter_has_its_own_plain_label():
    missing = [n for n in PARAMETERS if n not in LABELS]
    assert not missing, f"add a plain label to sim.params.LABELS for {missing}"
    labels = [p.label for p in PARAMETERS.values()]
    assert len(set(labels)) == len(labels)
    assert all(p.label == LABELS[p.name] and "_" not in p.label for p in PARAMETERS.values())
