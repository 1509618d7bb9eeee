"""Scenario presets: a TOML file per market, with a title, a narrative and parameters.

A scenario file looks like::

    [scenario]
    title = "Yammer goes viral"
    essay = "seed 000: Consumerization of Enterprise Sales"
    narrative = \"\"\"A few sentences tying the preset to its essay.\"\"\"

    [params]
    collaborative = true
    strategy_mix = "1:0:1"

    [[vendors]]           # optional, one table per vendor set by hand
    strategy = "hybrid"
    quality = 0.9

    [focal]               # optional: vendor 0 is "my company" (MarketModel(focal=...))
    strategy = "hybrid"
    initial_reps = 5

``seed = N`` under ``[scenario]`` is the seed a run uses when none is given (a file
written by "copy as scenario file" reproduces the browser's run).

``base = "NAME"`` under ``[scenario]`` starts from a preset: its parameters, then the
file's own on top; its ``[[vendors]]`` and ``[focal]`` unless the file has its own. A
preset that reads "the default market, but ..." says so with ``base = "default"``, so it
follows the default market when that changes and differs from it only where it says.

The presets ship inside the package (``sim/scenarios/*.toml``); a user may pass a
path to a file of their own. Parameters are validated on load, so a typo in a file
fails with the file name and the closest parameter name.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sim.params import ParameterError, validate_params
from sim.vendor_specs import validate_vendor_specs

PRESET_PACKAGE = "sim.scenarios"
SECTIONS = ("scenario", "params", "vendors", "focal")
META_KEYS = ("title", "essay", "narrative", "seed", "base")
MAX_BASE_DEPTH = 4
"""How many presets a chain of ``base`` may pass through (a loop is an error)."""
PASS_THROUGH = ("rng", "vendors", "focal", "memory_limit_gb", "record")
"""Keyword arguments of MarketModel that are not parameters: passed on unvalidated."""


class ScenarioError(ValueError):
    """A scenario is unknown or its file is malformed."""


@dataclass(frozen=True)
class Scenario:
    """A named market setting: overrides of the default parameters plus a story."""

    name: str
    title: str
    narrative: str
    essay: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    vendors: tuple[dict[str, Any], ...] = ()
    path: str = ""
    focal: dict[str, Any] | None = None
    seed: int | None = None

    def model_kwargs(self, **overrides: Any) -> dict[str, Any]:
        """Keyword arguments for :class:`sim.MarketModel`: the scenario's, then ``overrides``.

        ``rng``, ``vendors``, ``focal``, ``memory_limit_gb`` and ``record`` pass through; other
        overrides are validated here. The scenario's ``seed`` is the ``rng`` when none is
        given. An overriding ``strategy_mix`` acts even where the scenario's ``[[vendors]]``
        name each vendor's strategy: the mix then assigns every starting vendor's
        strategy, and the vendors keep their other traits.
        """
        extra = {k: overrides.pop(k) for k in PASS_THROUGH if k in overrides}
        kwargs = {**self.params, **validate_params(overrides)}
        if self.vendors and "vendors" not in extra:
            mix_given = "strategy_mix" in overrides
            kwargs["vendors"] = [
                {k: v for k, v in spec.items() if not (mix_given and k == "strategy")}
                for spec in self.vendors
            ]
        if self.focal is not None and "focal" not in extra:
            kwargs["focal"] = dict(self.focal)
        kwargs.update(extra)
        if self.seed is not None and kwargs.get("rng") is None:
            kwargs["rng"] = self.seed
        return kwargs


def preset_names() -> list[str]:
    """Names of the shipped presets, ``default`` first."""
    names = sorted(
        p.name.removesuffix(".toml")
        for p in resources.files(PRESET_PACKAGE).iterdir()
        if p.name.endswith(".toml")
    )
    return sorted(names, key=lambda n: (n != "default", n))


def list_scenarios() -> list[Scenario]:
    """Every shipped preset, loaded and validated."""
    return [load_scenario(name) for name in preset_names()]


def load_scenario(name_or_path: str | Path, _chain: tuple[str, ...] = ()) -> Scenario:
    """Load a preset by name or a scenario file by path.

    Raises
    ------
    ScenarioError
        The name is not a preset and not a file, or the file is not valid TOML of
        the expected shape.
    ParameterError
        A parameter in the file is unknown or out of range (the message names the file).
    """
    text, name, origin = _read(name_or_path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"scenario file {origin}: not valid TOML ({exc})") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ScenarioError(f"scenario file {origin}: arrays or tables nested too deeply") from None
    if not data:
        raise ScenarioError(
            f"scenario file {origin}: empty; expected a [scenario] table (title, narrative) "
            "and a [params] table"
        )
    unknown = set(data) - set(SECTIONS)
    if unknown:
        raise ScenarioError(
            f"scenario file {origin}: unknown section(s) {sorted(unknown)}; "
            "allowed: [scenario], [params], [[vendors]], [focal]"
        )
    meta = data.get("scenario", {})
    params = data.get("params", {})
    vendors = data.get("vendors", [])
    if (
        not isinstance(meta, dict)
        or not isinstance(params, dict)
        or not isinstance(vendors, list)
        or not all(isinstance(v, dict) for v in vendors)
    ):
        raise ScenarioError(
            f"scenario file {origin}: [scenario] and [params] must be tables, [[vendors]] an array of tables"
        )
    unknown_meta = set(meta) - set(META_KEYS)
    if unknown_meta:
        raise ScenarioError(
            f"scenario file {origin}: unknown key(s) {sorted(unknown_meta)} in [scenario]; "
            f"allowed: {', '.join(META_KEYS)}"
        )
    try:
        params = validate_params(params)
        focal = _focal_table(data.get("focal"))
        validate_vendor_specs(vendors)
    except ParameterError as exc:
        raise ParameterError(f"scenario file {origin}: {exc}") from None
    base = _base_scenario(meta.get("base"), origin, (*_chain, name))
    if base is not None:
        try:
            params = validate_params({**base.params, **params})
        except ParameterError as exc:
            raise ParameterError(f"scenario file {origin}: {exc}") from None
        vendors = vendors or list(base.vendors)
        focal = focal if focal is not None else base.focal
    seed = meta.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ScenarioError(
            f"scenario file {origin}: [scenario] seed = {seed!r}; expected a whole number >= 0"
        )
    return Scenario(
        name=name,
        title=str(meta.get("title", name)),
        narrative=" ".join(str(meta.get("narrative", "")).split()),
        essay=str(meta.get("essay", "")),
        params=params,
        vendors=tuple(dict(v) for v in vendors),
        path=origin,
        focal=focal,
        seed=seed,
    )


def _base_scenario(base: Any, origin: str, chain: tuple[str, ...]) -> Scenario | None:
    """The preset a file's ``base`` names, loaded (None without ``base``)."""
    if base is None:
        return None
    if not isinstance(base, str) or base not in preset_names():
        raise ScenarioError(
            f"scenario file {origin}: [scenario] base = {base!r} is not a preset; "
            f"choose one of {', '.join(preset_names())}"
        )
    if base in chain or len(chain) > MAX_BASE_DEPTH:
        raise ScenarioError(
            f"scenario file {origin}: [scenario] base = {base!r} loops back or goes deeper "
            f"than {MAX_BASE_DEPTH} presets ({' -> '.join((*chain, base))})"
        )
    return load_scenario(base, chain)


def _focal_table(table: Any) -> dict[str, Any] | None:
    """The ``[focal]`` table, checked as the model checks ``focal=`` (None if absent)."""
    if table is None:
        return None
    from sim.vendor_specs import validate_vendor_spec

    return validate_vendor_spec(table, "[focal]")


def _read(name_or_path: str | Path) -> tuple[str, str, str]:
    if not isinstance(name_or_path, str | Path):
        raise ScenarioError(
            f"scenario {name_or_path!r} is not allowed; expected a preset name such as "
            "'default' or the path of a .toml file"
        )
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if path.is_dir():
            raise ScenarioError(f"scenario file {str(path)!r} is a directory; give a .toml file")
        if not path.is_file():
            raise ScenarioError(f"scenario file {str(path)!r} does not exist")
        try:
            return path.read_text(encoding="utf-8"), path.stem, str(path)
        except UnicodeDecodeError:
            raise ScenarioError(
                f"scenario file {str(path)!r} is not UTF-8 text; a scenario is a TOML file"
            ) from None
        except OSError as exc:
            raise ScenarioError(
                f"scenario file {str(path)!r} cannot be read ({exc.strerror})"
            ) from None
    name = str(name_or_path)
    names = preset_names()
    if name not in names:
        import difflib

        close = difflib.get_close_matches(name, names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ScenarioError(
            f"unknown scenario {name!r}{hint} Known: {', '.join(names)}; or pass a path to a .toml file"
        )
    res = resources.files(PRESET_PACKAGE) / f"{name}.toml"
    return res.read_text(encoding="utf-8"), name, f"{name}.toml"
