"""Result files: tables written atomically, so a failed run never leaves half a file.

Parquet (pyarrow) keeps dtypes and is ten times smaller than CSV for sweeps; CSV is
there for spreadsheets.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

SUFFIXES = (".parquet", ".csv")
METADATA_KEY = "salesweb"
"""Parquet schema-metadata key of a table's inputs."""


class OutputError(ValueError):
    """An output path cannot be written (unknown format, missing folder)."""


def check_output_path(path: Path) -> Path:
    """Fail early, before any computation, if ``path`` cannot receive a table."""
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise OutputError(
            f"--out {str(path)!r}: unknown format {path.suffix or '(none)'!r}; use .parquet or .csv"
        )
    if not path.parent.exists():
        raise OutputError(f"--out {str(path)!r}: folder {str(path.parent)!r} does not exist")
    return path


def write_table(df: pd.DataFrame, path: Path, metadata: dict[str, Any] | None = None) -> Path:
    """Write ``df`` to ``path`` (.parquet or .csv) through a temporary file and a rename.

    ``metadata`` (the scenario, parameters and seeds that made the table) goes into
    the Parquet schema metadata under ``"salesweb"``; a CSV gets a sidecar JSON file
    (``run.csv`` -> ``run.json``), so the CSV itself stays plain for spreadsheets.
    """
    path = check_output_path(path)
    if metadata is not None and path.suffix == ".csv":
        _write_atomic(path.with_suffix(".json"), lambda tmp: Path(tmp).write_text(
            json.dumps(metadata, indent=1), encoding="utf-8"))  # fmt: skip

    def write(tmp: str) -> None:
        if path.suffix == ".csv":
            df.to_csv(tmp)
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(df)
        if metadata is not None:
            meta = dict(table.schema.metadata or {})
            meta[METADATA_KEY.encode()] = json.dumps(metadata).encode()
            table = table.replace_schema_metadata(meta)
        pq.write_table(table, tmp)

    return _write_atomic(path, write)


def _write_atomic(path: Path, write) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_table(path: Path) -> pd.DataFrame:
    """Read a table written by :func:`write_table`."""
    path = Path(path)
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, index_col=0)


def read_metadata(path: Path) -> dict[str, Any] | None:
    """The ``metadata`` :func:`write_table` stored with a table, or None."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        raw = (pq.read_schema(path).metadata or {}).get(METADATA_KEY.encode())
        return json.loads(raw) if raw else None
    sidecar = path.with_suffix(".json")
    return json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.is_file() else None


def sibling(path: Path, tag: str) -> Path:
    """``runs/a.parquet`` -> ``runs/a_<tag>.parquet``: where the vendor table goes."""
    path = Path(path)
    return path.with_name(f"{path.stem}_{tag}{path.suffix}")
