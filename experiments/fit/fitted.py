"""A fit folder read back: the fitted company for Explore, Decide and ``optimize --from-fit``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.fit.simulate import Market
from experiments.fit.space import split_settings
from sim.params import ParameterError


@dataclass
class Fitted:
    """fit.json and posterior.parquet of one fit."""

    doc: dict[str, Any]
    posterior: pd.DataFrame  # parameter columns and "weight"

    @property
    def names(self) -> list[str]:
        return [c for c in self.posterior.columns if c != "weight"]

    def market(self) -> Market:
        """The fit's scenario with its fixed changes (what every draw starts from)."""
        return Market.of(self.doc["scenario"], self.doc.get("overrides"), self.doc.get("focal"))

    def estimate(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(focal settings, market overrides) at the posterior estimates, over the fit's own."""
        values = {k: p["estimate"] for k, p in self.doc["parameters"].items()}
        focal, market = split_settings(values)
        return {**self.doc.get("focal", {}), **focal}, {**self.doc.get("overrides", {}), **market}

    def draw(self, rng: np.random.Generator) -> dict[str, Any]:
        """One parameter set drawn from the posterior by weight."""
        w = self.posterior["weight"].to_numpy()
        row = self.posterior.iloc[int(rng.choice(len(w), p=w / w.sum()))]
        kinds = {k: type(p["estimate"]) for k, p in self.doc["parameters"].items()}
        return {k: kinds.get(k, float)(row[k]) for k in self.names}


def load_fit(folder: str | Path) -> Fitted:
    """Read ``folder/fit.json`` and ``folder/posterior.parquet``; ParameterError if unusable."""
    folder = Path(folder)
    doc_path, post_path = folder / "fit.json", folder / "posterior.parquet"
    if not doc_path.is_file() or not post_path.is_file():
        raise ParameterError(
            f"--from-fit {str(folder)!r}: no fit.json and posterior.parquet there; run 'salesweb fit' first"
        )
    try:
        doc = json.loads(doc_path.read_text())
        posterior = pd.read_parquet(post_path)
    except (OSError, ValueError) as exc:
        raise ParameterError(f"--from-fit {str(folder)!r}: unreadable fit ({exc})") from None
    if doc.get("kind") != "salesweb fit" or "weight" not in posterior.columns:
        raise ParameterError(f"--from-fit {str(folder)!r}: not a salesweb fit folder")
    return Fitted(doc, posterior)
