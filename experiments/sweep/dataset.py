"""Read a sweep folder back as DataFrames: ``experiments.load(DIR)``.

The part files are plain Parquet, so ``pandas.read_parquet(DIR / "summary")`` and
``dask.dataframe.read_parquet(DIR / "summary")`` read every run stored in the folder
(runs of earlier specs and model versions included: filter on ``model_version`` or
``run_key``). :func:`load` returns the runs of the folder's current spec, one summary
row per (design point, replicate), joined to the design.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.sweep.run import RESERVED
from experiments.sweep.spec import Spec
from experiments.sweep.store import SERIES, SUMMARY, Store, StoreError

META = ("point", "replicate", *RESERVED, "vendors")


@dataclass
class SweepData:
    """A loaded sweep. Unpacks as ``summary, series = experiments.load(DIR)``.

    Attributes
    ----------
    summary : DataFrame
        One row per finished (point, replicate), columns in this order:

        - ``point``: the design point's position in the design (from the manifest);
        - ``replicate``: the replicate at that point, from 0;
        - ``run_key``: hash of the run's parameters, seed, steps, what is kept and the
          sweep's model version (equal keys, equal results);
        - ``seed``: the model's ``rng`` (``salesweb simulate --seed``);
        - the varied parameters, in spec order;
        - the outputs: every column of the model's data collector at the last step,
          then ``<output>_mean``, ``_min``, ``_max`` for the ``[keep] stats`` asked for
          (an output named like a parameter or a reserved column gets ``out_``). Today
          they are (``<strategy>``: ``bottoms_up``, ``direct``, ``hybrid``; each defined
          in docs/sweeps.md, "The outputs"): ``vendors_active``, ``vendors_<strategy>``,
          ``reps_total``, ``reps_<strategy>``, ``buyer_receptivity``, ``users``,
          ``adoption_rate``, ``arr_total``, ``arr_enterprise``, ``arr_self_serve``,
          ``arr_<strategy>``, ``bookings``, ``opportunities_opened``, ``deals_won``,
          ``deals_lost``, ``disqualified``, ``touches``, ``responses``,
          ``pipeline_open``, ``customers``, ``cac_median``, ``mean_openness``,
          ``reply_rate``, ``win_rate``, ``cac_payback_months``, ``freemium_conversion``,
          ``net_revenue_retention``, ``spend_per_employee``, ``agreements``;
        - ``steps``: weeks run;
        - every other parameter (each in docs/parameters.md; ``strategy_mix`` as
          ``"b:d:h"`` text) and ``vendors`` (the scenario's vendor list as JSON);
        - provenance, measured on the worker that ran it: ``model_version``
          (``<package version>+<hash of the sim and agents sources>``), ``host``,
          ``python_version``, ``numpy_version``, ``mesa_version``;
        - ``run_seconds``: wall-clock seconds of the run on its worker (building,
          stepping and collecting; not queueing or storing).
    series : DataFrame
        The kept per-step rows of every finished run: ``run_key``, ``step`` (0 is the
        first week), ``point``, ``replicate``, the varied parameters and the outputs
        (empty if not kept).
    manifest : dict
        ``DIR/manifest.json``.
    failures : DataFrame
        Runs recorded as failed: ``run_key``, ``seed``, ``error`` (last line) and
        ``traceback``.
    """

    summary: pd.DataFrame
    series: pd.DataFrame
    manifest: dict[str, Any]
    failures: pd.DataFrame

    def __iter__(self) -> Iterator[pd.DataFrame]:
        yield self.summary
        yield self.series

    @property
    def spec(self) -> Spec:
        """The folder's current spec."""
        return Spec.from_dict(self.manifest["spec"])

    @property
    def varied(self) -> list[str]:
        """Names of the varied parameters, in spec order."""
        return [v["name"] for v in self.manifest["spec"]["vary"]]

    @property
    def outputs(self) -> list[str]:
        """Output columns of the summary (read from the data, never a fixed list)."""
        return output_columns(self.summary)


def output_columns(summary: pd.DataFrame) -> list[str]:
    """Columns that are model outputs: neither bookkeeping nor a parameter."""
    from sim.params import PARAMETERS

    return [c for c in summary.columns if c not in META and c not in PARAMETERS]


def load(folder: str | Path) -> SweepData:
    """Load the finished runs of the sweep in ``folder``.

    Raises
    ------
    StoreError
        ``folder`` is not a folder (missing, a file, ``/dev/zero``) or holds no sweep
        (no ``manifest.json``).
    """
    from experiments.io import folder_problem

    problem = folder_problem(Path(folder), "sweep folder")
    if problem is not None:
        raise StoreError(problem)
    store = Store(folder)
    manifest = store.read_manifest()
    if manifest is None:
        raise StoreError(f"{str(folder)!r} holds no sweep (no manifest.json)")
    varied = [v["name"] for v in manifest["spec"]["vary"]]
    design = pd.DataFrame(manifest["runs"], columns=["key", "point", "replicate", "seed", "status"])
    design = design.rename(columns={"key": "run_key"})[["point", "replicate", "run_key"]]
    finished = store.finished_keys()
    keys = [k for k in dict.fromkeys(design["run_key"]) if k in finished]
    runs = _read_parts([store.part(SUMMARY, k) for k in keys])
    summary = design.merge(runs, on="run_key", how="inner") if len(runs) else design.iloc[:0]
    first = ["point", "replicate", "run_key", "seed", *varied]
    outputs = output_columns(summary)
    rest = [c for c in summary.columns if c not in first and c not in outputs]
    summary = summary[[c for c in first if c in summary.columns] + outputs + rest]
    summary = summary.sort_values(["point", "replicate"], kind="stable").reset_index(drop=True)

    series_keys = [k for k in keys if store.part(SERIES, k).exists()]
    series = _read_parts([store.part(SERIES, k) for k in series_keys])
    if len(series):
        labels = summary.drop_duplicates("run_key")[["run_key", "point", "replicate", *varied]]
        series = labels.merge(series, on="run_key", how="inner")
        order = ["run_key", "step", "point", "replicate", *varied]
        series = series[order + [c for c in series.columns if c not in order]]
    failures = _failures(store, set(design["run_key"]))
    return SweepData(summary, series, manifest, failures)


def _read_parts(paths: list[Path]) -> pd.DataFrame:
    """Read part files into one DataFrame (one fast dataset scan, per file if schemas differ)."""
    if not paths:
        return pd.DataFrame()
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    try:
        table = ds.dataset([str(p) for p in paths], format="parquet").to_table()
        if len(table.schema) != len(pq.read_schema(paths[-1])):
            raise pa.ArrowInvalid("schemas differ")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        table = pa.concat_tables([pq.read_table(p) for p in paths], promote_options="permissive")
    return table.to_pandas()


def _failures(store: Store, keys: set[str]) -> pd.DataFrame:
    rows = []
    for key in sorted(store.failed_keys() & keys):
        record = store.failure(key)
        error = str(record.get("error") or "")
        lines = [line for line in error.strip().splitlines() if line.strip()]
        rows.append(
            {
                "run_key": key,
                "seed": record.get("seed"),
                "error": lines[-1] if lines else "",
                "traceback": error,
                "params": record.get("params"),
            }
        )
    return pd.DataFrame(rows, columns=["run_key", "seed", "error", "traceback", "params"])
