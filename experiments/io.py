"""Result files: tables written atomically, so a failed run never leaves half a file.

Parquet (pyarrow) keeps dtypes and is ten times smaller than CSV for sweeps; CSV is
there for spreadsheets.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

SUFFIXES = (".parquet", ".csv")


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


def write_table(df: pd.DataFrame, path: Path) -> Path:
    """Write ``df`` to ``path`` (.parquet or .csv) through a temporary file and a rename."""
    path = check_output_path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        if path.suffix == ".parquet":
            df.to_parquet(tmp)
        else:
            df.to_csv(tmp)
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


def sibling(path: Path, tag: str) -> Path:
    """``runs/a.parquet`` -> ``runs/a_<tag>.parquet``: where the vendor table goes."""
    path = Path(path)
    return path.with_name(f"{path.stem}_{tag}{path.suffix}")
