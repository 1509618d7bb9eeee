"""Write a market's settings as a scenario file that reproduces the run bit for bit.

The browser's "copy as scenario file" and any script that wants to hand a setting to
``salesweb simulate --scenario FILE`` use :func:`scenario_toml`. Every parameter is
written, not only the changed ones, so the file keeps meaning the same market if a
default moves later; floats are written with ``repr``, which round-trips exactly.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from sim.params import GROUPS, PARAMETERS


def toml_value(value: Any) -> str:
    """A TOML literal for a parameter or trait value (bool, int, float, str, shares)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} cannot be written to a scenario file")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string: JSON's escapes are TOML's
    if isinstance(value, Iterable):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} {value!r} to a scenario file")


def _table(values: Mapping[str, Any]) -> list[str]:
    return [f"{key} = {toml_value(v)}" for key, v in values.items()]


def scenario_toml(
    params: Mapping[str, Any],
    *,
    title: str,
    narrative: str = "",
    seed: int | None = None,
    focal: Mapping[str, Any] | None = None,
    vendors: Iterable[Mapping[str, Any]] = (),
) -> str:
    """The text of a scenario file for these settings.

    Parameters
    ----------
    params : mapping
        Parameter values; every parameter not given keeps its default (all are
        written, grouped as :data:`sim.params.GROUPS`, each with its unit).
    title, narrative : str
        The ``[scenario]`` table's text.
    seed : int, optional
        Written as ``[scenario] seed``: the run's seed when the command gives none.
    focal : mapping, optional
        The ``[focal]`` table: the focal company's strategy and traits.
    vendors : iterable of mappings
        ``[[vendors]]`` tables, one per vendor set by hand.

    Returns
    -------
    str
        TOML that :func:`sim.scenarios.load_scenario` reads back to the same values.
    """
    lines = ["[scenario]", f"title = {toml_value(title)}"]
    if narrative:
        lines.append(f"narrative = {toml_value(narrative)}")
    if seed is not None:
        lines.append(f"seed = {int(seed)}")
    lines += ["", "[params]"]
    for group in GROUPS:
        lines.append(f"# {group}")
        for name, p in PARAMETERS.items():
            if p.group == group:
                value = params.get(name, p.default)
                unit = f"  # {p.unit}" if p.unit else ""
                lines.append(f"{name} = {toml_value(value)}{unit}")
    if focal is not None:
        lines += ["", "[focal]", *_table(focal)]
    for spec in vendors:
        lines += ["", "[[vendors]]", *_table(spec)]
    return "\n".join(lines) + "\n"
