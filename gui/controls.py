"""Parameter controls generated from :data:`sim.params.PARAMETERS`: parsing and checks.

The page never hard-codes a parameter: it asks this module which widget suits a
parameter, how to show its value, and how to turn what the user typed into a
validated value or a one-line message to show beside the control. Validation is
the engine's own (:meth:`sim.params.Param.validate`, :func:`sim.params.check_consistency`),
so the browser rejects exactly what the CLI and the Python API reject.
"""

from __future__ import annotations

import re
from typing import Any

from sim.params import PARAMETERS, Param, ParameterError, check_consistency, defaults

SLIDER_MAX_SPAN_INT = 250
"""An integer parameter gets a slider when its range has at most this many values."""


def control_kind(param: Param) -> str:
    """Widget for a parameter: ``switch``, ``select``, ``mix``, ``slider`` or ``text``.

    Numbers with a short range (probabilities, shares, small counts) get a slider plus
    a text box; numbers with a huge range (cash in USD up to 1e10) only a text box,
    because a linear slider over such a range cannot hit a useful value.
    """
    if param.kind == "bool":
        return "switch"
    if param.kind == "choice":
        return "select"
    if param.kind == "mix":
        return "mix"
    if param.low is None or param.high is None:
        return "text"
    span = param.high - param.low
    if param.kind == "int":
        return "slider" if span <= SLIDER_MAX_SPAN_INT else "text"
    return "slider" if span <= 20 else "text"


def slider_step(param: Param) -> float:
    """Slider resolution: 1 for integers, 1/100 of the range for floats (finer near 0-1)."""
    if param.kind == "int":
        return 1
    span = float(param.high - param.low)  # type: ignore[operator]
    return 10 ** (round(_log10(span)) - 3) if span > 0 else 0.01


def slider_moved(reported: float, shown: float, step: float) -> bool:
    """Whether a slider's reported value is the user's move, not its snap of ``shown``.

    A slider snaps a value between its stops (a drawn trait) to one and reports it back,
    by half a stop at most, and by exactly half for a value at a stop's midpoint
    (quality 0.8075 at stops of 0.001); a user's move is at least a whole stop.
    """
    return abs(float(reported) - float(shown)) >= 0.75 * step


def _log10(x: float) -> float:
    import math

    return math.log10(x)


def format_value(param: Param, value: Any) -> str:
    """Text shown in a parameter's box (``1:1:1`` for a mix, ``%g`` for numbers)."""
    if param.kind == "mix":
        return ":".join(f"{float(v):.3g}" for v in value)
    if param.kind == "bool":
        return "true" if value else "false"
    if param.kind == "float":
        value = float(value)
        return f"{value:.0f}" if abs(value) >= 1e6 else f"{value:g}"
    return str(value)


def parse_value(param: Param, text: Any) -> tuple[Any, str | None]:
    """Convert user input to a validated value.

    Returns ``(value, None)`` on success, ``(None, message)`` on bad input; the
    message is the engine's own, shortened to what the user needs beside the box.
    """
    if isinstance(text, str):
        text = text.strip()
        if text == "":
            return None, f"enter {param.allowed()}"
    try:
        return param.validate(text), None
    except ParameterError as exc:
        return None, short_message(str(exc))


def short_message(message: str) -> str:
    """Drop the leading ``parameter 'name': `` from an engine message (the box is labelled)."""
    return re.sub(r"^parameter '[^']+': ", "", message)


def label(param: Param) -> str:
    """Control label: the parameter in plain words, with its unit."""
    from gui.glossary import with_unit

    return with_unit(param.label, param.unit)


def hint(param: Param) -> str:
    """Help under a control: what it does and the allowed range (the raw name, which a
    scenario file takes, is in the hover text: :func:`gui.glossary.tooltip`)."""
    rng = ""
    if param.kind in ("int", "float"):
        rng = f" Range {param.allowed().split(' in ', 1)[1]}."
    return f"{param.description}{rng}"


def effective_params(scenario_params: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Every parameter's value: defaults, then the scenario's, then the user's changes."""
    return {**defaults(), **scenario_params, **overrides}


def consistency_errors(params: dict[str, Any]) -> dict[str, str]:
    """Messages for pairs of valid values that contradict each other, by parameter name."""
    try:
        check_consistency(params)
    except ParameterError as exc:
        match = re.match(r"^parameter '([^']+)'", str(exc))
        name = match.group(1) if match and match.group(1) in PARAMETERS else "_model"
        return {name: short_message(str(exc))}
    return {}


def parse_seed(text: Any) -> tuple[int | None, str | None]:
    """A seed is a non-negative integer; anything else gets a message."""
    raw = str(text).strip()
    if re.fullmatch(r"\d{1,18}", raw):
        return int(raw), None
    return None, f"seed must be a whole number >= 0, got {raw!r}" if raw else "enter a seed"


def parse_overrides(text: str) -> tuple[dict[str, Any], str | None]:
    """Parse ``key=value`` lines (comparison runs) into validated overrides.

    Blank lines and ``#`` comments are ignored. Returns ``(overrides, None)`` or
    ``({}, message)`` naming the first bad line.
    """
    from sim.params import parse_assignment

    out: dict[str, Any] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            name, value = parse_assignment(line)
        except ParameterError as exc:
            return {}, f"line {n}: {exc}"
        out[name] = value
    return out, None
