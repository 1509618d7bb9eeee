"""Per-vendor settings (``MarketModel(vendors=[...])``, a scenario's ``[[vendors]]``), checked.

A spec is a dict with an optional ``strategy`` and traits from
:data:`sim.params.VENDOR_TRAITS`; each trait is validated like the parameter of the
same name, so a spec fails with the same one-line message as the parameter would.
"""

from __future__ import annotations

from typing import Any

from sim.params import STRATEGIES, VENDOR_TRAITS, ParameterError, validate_params


def validate_vendor_specs(specs: Any, n_vendors: int | None = None, who: str = "") -> list[dict]:
    """Return the specs with validated traits, or raise ParameterError.

    Parameters
    ----------
    specs : list of dict or None
        One dict per vendor set by hand, first vendors first.
    n_vendors : int, optional
        Starting vendors; there may be no more specs than vendors.
    who : str
        Names the vendor in messages ("focal company"); by default "vendor i".
    """
    specs = [] if specs is None else specs
    if not isinstance(specs, list | tuple) or not all(isinstance(s, dict) for s in specs):
        raise ParameterError(
            f"parameter 'vendors': {specs!r} is not allowed; expected a list of dicts such as "
            "[{'strategy': 'direct', 'quality': 0.9}]"
        )
    if n_vendors is not None and len(specs) > n_vendors:
        raise ParameterError(
            f"parameter 'vendors': {len(specs)} vendor specs but n_vendors={n_vendors}; "
            "give at most n_vendors specs"
        )
    out = []
    for i, spec in enumerate(specs):
        name = who or f"vendor {i}"
        spec = dict(spec)
        clean: dict[str, Any] = {}
        strategy = spec.pop("strategy", None)
        if strategy is not None:
            if not isinstance(strategy, str) or strategy not in STRATEGIES:
                raise ParameterError(
                    f"{name}: strategy {strategy!r} is not allowed; expected one of {', '.join(STRATEGIES)}"
                )
            clean["strategy"] = strategy
        for key in spec:
            if key not in VENDOR_TRAITS:
                raise ParameterError(
                    f"{name}: {key!r} is not a vendor trait; allowed: strategy, {', '.join(VENDOR_TRAITS)}"
                )
        try:
            clean.update(validate_params(spec))
        except ParameterError as exc:
            raise ParameterError(f"{name}: {exc}") from None
        out.append(clean)
    return out


def validate_vendor_spec(spec: Any, who: str) -> dict:
    """One vendor's settings, checked: ``strategy`` and vendor traits with valid values.

    ``who`` names the vendor in the message ("vendor 2", "focal company").
    """
    if not isinstance(spec, dict):
        raise ParameterError(
            f"{who}: expected a table of settings such as {{strategy = 'hybrid'}}, got {spec!r}"
        )
    return validate_vendor_specs([spec], 1, who=who)[0]


def focal_spec(focal: Any, n_vendors: int) -> dict | None:
    """The focal company's settings (vendor 0, "my company"), checked; None for no focal."""
    if focal is None:
        return None
    spec = validate_vendor_spec(focal, "focal company")
    if n_vendors < 1:
        raise ParameterError("focal company: needs n_vendors >= 1 (vendor 0 is the focal company)")
    return spec


def check_mix_acts(given: dict[str, Any], specs: list[dict], n_vendors: int) -> None:
    """Refuse a ``strategy_mix`` that cannot act because the specs fix every starting strategy.

    A lever that silently does nothing reads as "no effect" in a comparison; a
    scenario's override makes the mix act instead (:meth:`sim.scenarios.Scenario.model_kwargs`).
    """
    fixed = sum(1 for s in specs if "strategy" in s)
    if "strategy_mix" in given and n_vendors > 0 and fixed >= n_vendors:
        raise ParameterError(
            f"parameter 'strategy_mix': {given['strategy_mix']!r} would have no effect: the "
            f"vendor specs fix the strategy of all {n_vendors} starting vendors; drop "
            "'strategy' from the specs or raise n_vendors above the number of specs"
        )
