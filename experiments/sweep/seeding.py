"""Seeds and run keys: what makes a run reproducible and recognisable.

Seeds come from one root seed through :class:`numpy.random.SeedSequence`. The seed of
replicate ``r`` at a point is ``SeedSequence(root, spawn_key=(point_id, r))``, which is
``SeedSequence(root).spawn(point_id + 1)[point_id].spawn(r + 1)[r]`` without building
the intermediate children. ``point_id`` is a hash of the run's full parameters, not
the point's position in the design, so a point keeps its seeds when a grid gains a
level or a second spec shares the point. With ``seeding = "common"`` the key is
``(r,)`` alone: replicate ``r`` meets the same random numbers at every point (common
random numbers, which sharpen comparisons between points; the default of Sobol' and
Morris designs). A design's noise dummy adds the point's stream to the key: points
that share it share their draws, and the dummy's index measures what a change of
draws alone does.

A run key is a hash of (parameters, seed, steps, what is kept, model version): equal
keys mean equal results, so a stored run is never computed twice.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np

MODEL_PACKAGES = ("sim", "agents")


def canonical(data: Any) -> str:
    """Stable JSON of plain data: sorted keys, tuples as lists, floats by repr."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=_default)


def _default(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, tuple):
        return list(x)
    raise TypeError(f"cannot hash {type(x).__name__}")


def digest(data: Any, length: int = 16) -> str:
    """Hex SHA-256 of :func:`canonical` ``data``, cut to ``length`` characters."""
    return hashlib.sha256(canonical(data).encode()).hexdigest()[:length]


def run_seed(
    root: int,
    params: dict[str, Any],
    replicate: int,
    common: bool = False,
    stream: int | None = None,
) -> int:
    """Seed of one run (``rng`` of :class:`sim.model.MarketModel`).

    Parameters
    ----------
    root : int
        The spec's ``root_seed``.
    params : dict
        The run's full model keyword arguments (scenario, base and point values).
    replicate : int
        Replicate index at this point, from 0.
    common : bool
        Common random numbers: the seed depends on the replicate only (and the stream).
    stream : int or None
        The point's random stream, drawn by a design's noise dummy
        (:data:`experiments.sweep.design.NOISE_DUMMY`); None without one.

    Returns
    -------
    int
        A non-negative integer below 2**63 (fits a Parquet int64 and ``--seed``).
    """
    point_id = int(digest(params, 16), 16)
    key = (replicate,) if common else (point_id, replicate)
    if stream is not None:
        key = (*key, stream)
    state = np.random.SeedSequence(root, spawn_key=key).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def run_key(params: dict[str, Any], seed: int, steps: int, keep: dict[str, Any]) -> str:
    """The identity of a run's results (see the module docstring)."""
    return digest(
        {"params": params, "seed": seed, "steps": steps, "keep": keep, "model": model_version()},
        24,
    )


@cache
def model_version() -> str:
    """``<package version>+<hash of the sim and agents sources>``.

    The package version alone misses edits between releases; the source hash catches
    any change to the model's code or presets (comments included: a false alarm only
    costs a recomputation).
    """
    h = hashlib.sha256()
    for package in MODEL_PACKAGES:
        root = Path(str(files(package)))
        sources = [p for p in root.rglob("*") if p.suffix in (".py", ".toml")]
        for path in sorted(sources):
            h.update(f"{package}/{path.relative_to(root).as_posix()}".encode())
            h.update(path.read_bytes())
    try:
        version = metadata.version("salesweb")
    except metadata.PackageNotFoundError:
        version = "0+unknown"
    return f"{version}+{h.hexdigest()[:12]}"
