"""The sweep spec: a TOML file parsed and validated before any run starts.

A spec names a base scenario plus overrides, the parameters to vary, a design, the
replicates per point, the steps and what to keep::

    [sweep]
    name = "virality-small"
    scenario = "default"        # a preset name or a path relative to this file
    replicates = 3
    root_seed = 2024
    steps = 26                  # default: each run's `horizon` parameter

    [design]
    kind = "grid"               # grid, random, lhs, sobol or morris
    samples = 16                # random/lhs: points; sobol: N; morris: trajectories

    [base]                      # fixed overrides for every run
    n_enterprises = 20

    [vary]
    virality = [0.0, 0.05, 0.1]                        # a list: these levels
    user_is_buyer = { low = 0.1, high = 1.0, num = 4 }  # a range (num or step: grid levels)
    rep_attrition = { low = 0.005, high = 0.05, log = true }

    [keep]
    series = true               # per-step series ...
    every = 4                   # ... every 4 steps (and the last)
    stats = ["final", "mean"]   # summary columns: final value, mean over the run

    [report]
    map = { x = "virality", y = "user_is_buyer", metric = "arr" }

Every problem (an unknown key or parameter, a value out of range, an empty or inverted
range, a design that cannot be built) raises :class:`SpecError` with one line that
names the file, the key and what is allowed.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.params import PARAMETERS, ParameterError, validate_params

DESIGNS: tuple[str, ...] = ("grid", "random", "lhs", "sobol", "morris")
STATS: tuple[str, ...] = ("final", "mean", "min", "max")
SEEDINGS: tuple[str, ...] = ("independent", "common")
RANKING: tuple[str, ...] = ("sobol", "morris")
"""Designs whose analysis ranks parameters (sensitivity indices)."""
SECTIONS: dict[str, set[str]] = {
    "sweep": {"name", "description", "scenario", "replicates", "root_seed", "steps", "seeding"},
    "design": {"kind", "samples", "second_order", "levels", "seed", "dummy"},
    "base": set(),
    "vary": set(),
    "keep": {"series", "every", "stats"},
    "report": {"outputs", "map", "series_by"},
}
RANGE_KEYS = {"low", "high", "num", "step", "log"}
MAX_STEPS = int(PARAMETERS["horizon"].high)
"""Most weeks a run may take: the horizon's own upper bound."""
MAX_RUNS = 1_000_000
"""Refuse specs beyond a million runs: a typo (``samples = 100000`` with Sobol) would
otherwise plan hours of work before anyone notices."""


class SpecError(ValueError):
    """A sweep spec is malformed or asks for something the model does not allow."""


@dataclass(frozen=True)
class Varied:
    """One varied parameter: explicit levels, or a continuous range.

    Parameters
    ----------
    name : str
        A parameter of :data:`sim.params.PARAMETERS`.
    levels : tuple or None
        Validated values (a list in the spec, or a range with ``num`` or ``step``).
        Sampling designs pick among them uniformly.
    low, high : float or None
        Bounds of a range; sampling designs draw from ``[low, high]`` (rounded for
        integer parameters).
    log : bool
        Sample (or space the grid levels) uniformly in ``log`` between the bounds.
    """

    name: str
    levels: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    log: bool = False

    @property
    def is_range(self) -> bool:
        """A ``{ low, high }`` range (else a list of levels)."""
        return self.low is not None

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Map points of the unit interval onto this parameter's values.

        Ranges with levels still sample continuously (levels only make the grid);
        integer ranges map ``[0, 1)`` onto ``low..high`` with equal chances.
        """
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if not self.is_range:
            assert self.levels is not None
            idx = np.minimum((u * len(self.levels)).astype(int), len(self.levels) - 1)
            return [self.levels[i] for i in idx]
        lo, hi = float(self.low), float(self.high)  # type: ignore[arg-type]
        if PARAMETERS[self.name].kind == "int":
            vals = np.minimum(np.floor(lo + u * (hi - lo + 1)), hi)
            return [int(v) for v in vals]
        if self.log:
            vals = np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo)))
        else:
            vals = lo + u * (hi - lo)
        return [float(v) for v in np.clip(vals, lo, hi)]


@dataclass(frozen=True)
class Design:
    """How points are chosen.

    ``samples`` is the number of points for ``random`` and ``lhs``, Saltelli's base
    sample size N for ``sobol`` (N * (D + 2) points, N * (2D + 2) with second order;
    Saltelli 2002) and the number of trajectories for ``morris`` (N * (D + 1) points;
    Morris 1991, with ``levels`` grid levels, 4 by Campolongo et al. 2007).

    ``dummy`` (Sobol' and Morris, on by default) adds one more column to the design,
    a noise dummy that changes nothing but the run's random stream: its index is what
    a change of seed alone earns, the noise floor below which a parameter's index
    means nothing (the dummy-parameter check of Khorashadi Zadeh et al. 2017). It
    costs one more column: N * (D + 3) Sobol' points, N * (D + 2) Morris points.
    """

    kind: str = "grid"
    samples: int | None = None
    second_order: bool = False
    levels: int = 4
    seed: int | None = None
    dummy: bool = False

    @property
    def columns_extra(self) -> int:
        """Design columns beyond the varied parameters (1 with the noise dummy)."""
        return int(self.dummy)


@dataclass(frozen=True)
class Keep:
    """What each run stores: per-step series every ``every`` steps and summary stats."""

    series: bool = True
    every: int = 1
    stats: tuple[str, ...] = ("final",)


@dataclass(frozen=True)
class ReportConfig:
    """Choices for ``salesweb report``; they do not change the runs (not hashed)."""

    outputs: tuple[str, ...] = ()
    map_x: str | None = None
    map_y: str | None = None
    map_metric: str = "arr"
    series_by: str | None = None


@dataclass(frozen=True)
class Spec:
    """A validated sweep: everything needed to plan its runs, with the scenario resolved.

    The scenario is kept by content (its parameters and vendor settings), not by name,
    so a spec read back from a manifest runs the same even if the file has moved.
    """

    name: str
    scenario: str
    scenario_params: dict[str, Any]
    vendors: tuple[dict[str, Any], ...]
    base: dict[str, Any]
    vary: tuple[Varied, ...]
    design: Design
    replicates: int = 1
    root_seed: int = 0
    steps: int | None = None
    seeding: str = "independent"
    keep: Keep = field(default_factory=Keep)
    report: ReportConfig = field(default_factory=ReportConfig)
    description: str = ""

    @property
    def varied_names(self) -> list[str]:
        """Names of the varied parameters, in spec order."""
        return [v.name for v in self.vary]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the manifest (and :meth:`from_dict`)."""
        data = asdict(self)
        data["vendors"] = [dict(v) for v in self.vendors]
        return _plain(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Spec:
        """Rebuild a spec stored by :meth:`to_dict` (``salesweb sweep --resume``)."""
        data = dict(data)
        data["vary"] = tuple(
            Varied(
                v["name"],
                None if v["levels"] is None else tuple(_restore(v["name"], x) for x in v["levels"]),
                v["low"],
                v["high"],
                v["log"],
            )
            for v in data["vary"]
        )
        data["design"] = Design(**data["design"])
        keep = dict(data["keep"])
        keep["stats"] = tuple(keep["stats"])
        data["keep"] = Keep(**keep)
        report = dict(data["report"])
        report["outputs"] = tuple(report["outputs"])
        data["report"] = ReportConfig(**report)
        data["vendors"] = tuple(dict(v) for v in data["vendors"])
        data["base"] = {k: _restore(k, v) for k, v in data["base"].items()}
        data["scenario_params"] = {k: _restore(k, v) for k, v in data["scenario_params"].items()}
        return cls(**data)

    def hashed_part(self) -> dict[str, Any]:
        """What decides the runs: everything but the name, description and report."""
        data = self.to_dict()
        for key in ("name", "description", "report", "scenario"):
            data.pop(key)
        return data


def _plain(x: Any) -> Any:
    """Tuples to lists, numpy scalars to Python: JSON-ready and stable for hashing."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    return x


def _restore(name: str, value: Any) -> Any:
    """JSON gives lists back for the three-share mix; the model wants a tuple."""
    if name in PARAMETERS and PARAMETERS[name].kind == "mix" and isinstance(value, list):
        return tuple(value)
    return value


# ------------------------------------------------------------------------ parsing
def load_spec(path: str | Path) -> Spec:
    """Read and validate a sweep spec file.

    Raises
    ------
    SpecError
        The file is missing or not TOML, or anything in it is not allowed.
    """
    from experiments.io import input_file_problem

    path = Path(path)
    problem = input_file_problem(path, "sweep spec")
    if problem:
        raise SpecError(problem)
    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(f"sweep spec {path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise SpecError(f"sweep spec {path}: arrays or tables nested too deeply") from None
    try:
        return parse_spec(data, base_dir=path.parent, default_name=path.stem)
    except SpecError as exc:
        raise SpecError(f"sweep spec {path}: {exc}") from None


def parse_spec(
    data: dict[str, Any], base_dir: Path = Path("."), default_name: str = "sweep"
) -> Spec:
    """Validate the TOML tables of a spec into a :class:`Spec` (see the module docstring)."""
    from sim.scenarios import ScenarioError, load_scenario

    for section, value in data.items():
        if section not in SECTIONS:
            raise SpecError(f"unknown section [{section}]; allowed: {', '.join(SECTIONS)}")
        if not isinstance(value, dict):
            raise SpecError(f"[{section}] must be a table")
        allowed = SECTIONS[section]
        if allowed:
            extra = sorted(set(value) - allowed)
            if extra:
                raise SpecError(
                    f"[{section}] has unknown key {extra[0]!r}; allowed: {', '.join(sorted(allowed))}"
                )
    sweep = data.get("sweep", {})
    scenario_ref = sweep.get("scenario", "default")
    if not isinstance(scenario_ref, str):
        raise SpecError("[sweep] scenario must be a preset name or a path")
    candidate = base_dir / scenario_ref
    ref: str | Path = candidate if scenario_ref.endswith(".toml") else scenario_ref
    if isinstance(ref, Path):
        from experiments.io import input_file_problem

        problem = input_file_problem(ref, "scenario file")
        if problem:
            raise SpecError(f"[sweep] scenario: {problem}")
    try:
        scenario = load_scenario(ref)
    except (ScenarioError, ParameterError) as exc:
        raise SpecError(f"[sweep] scenario: {exc}") from None
    except RecursionError:
        raise SpecError("[sweep] scenario: arrays or tables nested too deeply") from None

    base = _params(data.get("base", {}), "[base]")
    vary = tuple(_varied(name, value) for name, value in data.get("vary", {}).items())
    both = sorted(set(base) & {v.name for v in vary})
    if both:
        raise SpecError(f"parameter {both[0]!r} is both in [base] and in [vary]; keep one")
    design = _design(data.get("design", {}), vary)
    spec = Spec(
        name=_str(sweep, "name", default_name),
        description=_str(sweep, "description", ""),
        scenario=scenario.name,
        scenario_params=dict(scenario.params),
        vendors=tuple(dict(v) for v in scenario.vendors),
        base=base,
        vary=vary,
        design=design,
        replicates=_int(sweep, "replicates", 1, low=1, where="[sweep]"),
        root_seed=_int(sweep, "root_seed", 0, low=0, where="[sweep]"),
        steps=_int(sweep, "steps", None, low=1, where="[sweep]", high=MAX_STEPS),
        # Sobol' and Morris compare points that differ in one parameter: with a seed per
        # point, a parameter that does nothing still changes the draws and is credited
        # with their noise, so they default to common random numbers.
        seeding=_choice(
            sweep,
            "seeding",
            "common" if design.kind in RANKING else "independent",
            SEEDINGS,
            "[sweep]",
        ),
        keep=_keep(data.get("keep", {})),
        report=_report(data.get("report", {}), vary),
    )
    from experiments.sweep.design import count_points

    n_runs = count_points(spec) * spec.replicates
    if n_runs > MAX_RUNS:
        raise SpecError(f"the spec plans {n_runs:,} runs; at most {MAX_RUNS:,} are allowed")
    return spec


def _params(values: dict[str, Any], where: str) -> dict[str, Any]:
    try:
        return validate_params(values)
    except ParameterError as exc:
        raise SpecError(f"{where}: {exc}") from None


def _varied(name: str, value: Any) -> Varied:
    where = f"[vary] {name}"
    if name not in PARAMETERS:
        from sim.params import unknown_parameter

        raise SpecError(f"[vary]: {unknown_parameter(name)}")
    param = PARAMETERS[name]
    if isinstance(value, list):
        if not value:
            raise SpecError(f"{where}: an empty list; give at least one value")
        _check_levels(len(value), where)
        levels = tuple(_params({name: v}, where)[name] for v in value)
        if len(set(levels)) != len(levels):
            raise SpecError(f"{where}: the list repeats a value; give each level once")
        return Varied(name, levels=levels)
    if not isinstance(value, dict):
        raise SpecError(
            f"{where}: expected a list of values or a range {{ low = .., high = .. }}, got {value!r}"
        )
    extra = sorted(set(value) - RANGE_KEYS)
    if extra:
        raise SpecError(f"{where}: unknown key {extra[0]!r}; allowed: high, log, low, num, step")
    if param.kind not in ("int", "float"):
        raise SpecError(f"{where}: a range needs a numeric parameter; list the values instead")
    if "low" not in value or "high" not in value:
        raise SpecError(f"{where}: a range needs both low and high")
    low = _params({name: value["low"]}, f"{where} low")[name]
    high = _params({name: value["high"]}, f"{where} high")[name]
    if not low < high:
        raise SpecError(f"{where}: low ({low}) must be below high ({high})")
    log = value.get("log", False)
    if not isinstance(log, bool):
        raise SpecError(f"{where}: log must be true or false")
    if log and low <= 0:
        raise SpecError(f"{where}: a log range needs low > 0, got {low}")
    if "num" in value and "step" in value:
        raise SpecError(f"{where}: give num or step, not both")
    levels = None
    if "num" in value:
        num = value["num"]
        if not isinstance(num, int) or isinstance(num, bool) or num < 2:
            raise SpecError(f"{where}: num must be an integer >= 2, got {num!r}")
        _check_levels(num, where)
        grid = np.geomspace(low, high, num) if log else np.linspace(low, high, num)
        levels = _grid_levels(name, grid, where)
    elif "step" in value:
        step = value["step"]
        if isinstance(step, bool) or not isinstance(step, int | float) or not step > 0:
            raise SpecError(f"{where}: step must be a positive number, got {step!r}")
        if log:
            raise SpecError(f"{where}: step spaces levels evenly; with log = true use num")
        ratio = (high - low) / step  # levels counted arithmetically, before any array
        if not math.isfinite(ratio) or ratio + 1 > MAX_RUNS:
            raise SpecError(
                f"{where}: step = {step!r} gives {_count(ratio + 1)} levels; at most "
                f"{MAX_RUNS:,} runs are allowed"
            )
        n = math.floor(ratio + 1e-9) + 1
        levels = _grid_levels(name, low + step * np.arange(n), where)
    return Varied(name, levels=levels, low=low, high=high, log=log)


def _check_levels(n: int, where: str) -> None:
    if n > MAX_RUNS:
        raise SpecError(f"{where}: num = {n:,} levels; at most {MAX_RUNS:,} runs are allowed")


def _count(x: float) -> str:
    return f"{x:,.0f}" if math.isfinite(x) and x < 1e15 else f"{x:.3g}"


def _grid_levels(name: str, grid: np.ndarray, where: str) -> tuple[Any, ...]:
    if PARAMETERS[name].kind == "int":
        grid = np.round(grid)
    else:
        grid = np.array([float(f"{x:.12g}") for x in grid])  # 0.6, not 0.6000000000000001
    levels = tuple(_params({name: float(x)}, where)[name] for x in grid)
    if len(set(levels)) != len(levels):
        raise SpecError(f"{where}: the range gives repeated integer levels {levels}; use step")
    return levels


def _design(values: dict[str, Any], vary: tuple[Varied, ...]) -> Design:
    kind = _choice(values, "kind", "grid", DESIGNS, "[design]")
    samples = _int(values, "samples", None, low=1, where="[design]")
    levels = _int(values, "levels", 4, low=2, where="[design]")
    seed = _int(values, "seed", None, low=0, where="[design]")
    second_order = values.get("second_order", False)
    if not isinstance(second_order, bool):
        raise SpecError("[design] second_order must be true or false")
    dummy = values.get("dummy", kind in RANKING)
    if not isinstance(dummy, bool):
        raise SpecError("[design] dummy must be true or false")
    if dummy and kind not in RANKING:
        raise SpecError("[design] dummy is for sobol and morris designs")
    if kind == "grid":
        for v in vary:
            if v.levels is None:
                raise SpecError(
                    f"[vary] {v.name}: the grid design needs levels; give a list, or num or step"
                )
        if samples is not None:
            raise SpecError("[design] samples is for random, lhs, sobol and morris, not grid")
    else:
        if samples is None:
            raise SpecError(f"[design] kind = {kind!r} needs samples (a positive integer)")
        if not vary:
            raise SpecError(f"[design] kind = {kind!r} needs at least one parameter in [vary]")
    if kind in ("sobol", "morris") and len(vary) < 2:
        raise SpecError(f"[design] kind = {kind!r} ranks parameters: vary at least two")
    if kind == "sobol" and samples & (samples - 1):
        raise SpecError(
            f"[design] samples = {samples}: Sobol' sequences keep their balance only for a "
            "power of 2 (Saltelli's N); use 64, 128, 256, ..."
        )
    if kind == "morris" and samples < 2:
        raise SpecError("[design] morris needs samples >= 2 trajectories")
    if kind == "lhs" and samples < 2:
        raise SpecError("[design] lhs needs samples >= 2")
    return Design(kind, samples, second_order, levels, seed, dummy)


def _keep(values: dict[str, Any]) -> Keep:
    series = values.get("series", True)
    if not isinstance(series, bool):
        raise SpecError("[keep] series must be true or false")
    every = _int(values, "every", 1, low=1, where="[keep]")
    stats = values.get("stats", ["final"])
    if isinstance(stats, str):
        stats = [stats]
    if not isinstance(stats, list) or not stats:
        raise SpecError(f"[keep] stats must be a non-empty list from {', '.join(STATS)}")
    for s in stats:
        if s not in STATS:
            raise SpecError(
                f"[keep] stats: {s!r} is not allowed; expected some of {', '.join(STATS)}"
            )
    return Keep(series, every, tuple(dict.fromkeys(stats)))


def _report(values: dict[str, Any], vary: tuple[Varied, ...]) -> ReportConfig:
    names = {v.name for v in vary}
    outputs = values.get("outputs", [])
    if not isinstance(outputs, list) or not all(isinstance(o, str) for o in outputs):
        raise SpecError("[report] outputs must be a list of output column names")
    series_by = values.get("series_by")
    if series_by is not None and series_by not in names:
        raise SpecError(f"[report] series_by = {series_by!r} is not a parameter in [vary]")
    map_ = values.get("map", {})
    if not isinstance(map_, dict):
        raise SpecError("[report] map must be a table { x = .., y = .., metric = .. }")
    extra = sorted(set(map_) - {"x", "y", "metric"})
    if extra:
        raise SpecError(f"[report] map has unknown key {extra[0]!r}; allowed: metric, x, y")
    for axis in ("x", "y"):
        if axis in map_ and map_[axis] not in names:
            raise SpecError(f"[report] map {axis} = {map_[axis]!r} is not a parameter in [vary]")
    if ("x" in map_) != ("y" in map_):
        raise SpecError("[report] map needs both x and y")
    return ReportConfig(
        outputs=tuple(outputs),
        map_x=map_.get("x"),
        map_y=map_.get("y"),
        map_metric=str(map_.get("metric", "arr")),
        series_by=series_by,
    )


def _str(values: dict[str, Any], key: str, default: str) -> str:
    value = values.get(key, default)
    if not isinstance(value, str):
        raise SpecError(f"[sweep] {key} must be a string")
    return value


def _int(
    values: dict[str, Any], key: str, default: Any, low: int, where: str, high: int | None = None
) -> Any:
    if key not in values:
        return default
    value = values[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise SpecError(f"{where} {key} = {value!r}: expected an integer >= {low}")
    if high is not None and value > high:
        raise SpecError(f"{where} {key} = {value!r}: expected an integer <= {high:,}")
    return value


def _choice(values: dict[str, Any], key: str, default: str, allowed: tuple[str, ...], where: str):
    value = values.get(key, default)
    if value not in allowed:
        raise SpecError(
            f"{where} {key} = {value!r} is not allowed; expected one of {', '.join(allowed)}"
        )
    return value
