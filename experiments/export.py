"""``salesweb export DIR``: a sweep's tables in the formats researchers' tools read.

- ``csv``: ``summary.csv`` (one row per run) and ``series.csv`` (one row per run and
  kept step), for spreadsheets, R and Stata.
- ``parquet``: the same two tables as single Parquet files (dtypes kept).
- ``netlogo-table``: BehaviorSpace's "table" output (NetLogo 6): six header lines (the
  tool, the model, the experiment, the date, and a line of names over a line of
  values), then one quoted row per run and step with ``[run number]``, the varied
  parameters, ``[step]`` and the outputs. Tools that read BehaviorSpace tables skip
  the six header lines; where NetLogo puts the world's size, this file puts the spec
  hash, root seed and model version. Without kept series there is one row per run at
  its last step.

Every file is written whole or not at all (a temporary file renamed into place), and
the columns are those of :func:`experiments.load` (documented there).
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pandas as pd

from experiments.io import write_atomic
from experiments.sweep.dataset import SweepData

FORMATS = ("csv", "parquet", "netlogo-table")


class ExportError(ValueError):
    """An unknown format, or an output folder that cannot be written."""


def export(data: SweepData, out: Path, fmt: str) -> list[Path]:
    """Write ``data`` into folder ``out`` in format ``fmt``; return the files written."""
    if fmt not in FORMATS:
        raise ExportError(f"--format {fmt!r} is not allowed; expected one of {', '.join(FORMATS)}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {str(out)!r} is a file; give a folder")
    if not out.parent.exists():
        raise ExportError(f"--out {str(out)!r}: folder {str(out.parent)!r} does not exist")
    out.mkdir(exist_ok=True)
    summary, series = _plain(data.summary), _plain(data.series)
    if fmt == "csv":
        return [_write(out / "summary.csv", lambda t: summary.to_csv(t, index=False)),
                *([_write(out / "series.csv", lambda t: series.to_csv(t, index=False))]
                  if len(series) else [])]  # fmt: skip
    if fmt == "parquet":
        return [_write(out / "summary.parquet", lambda t: summary.to_parquet(t, index=False)),
                *([_write(out / "series.parquet", lambda t: series.to_parquet(t, index=False))]
                  if len(series) else [])]  # fmt: skip
    text = behaviorspace_table(data)
    name = f"{data.spec.name}-table.csv"
    return [_write(out / name, lambda t: Path(t).write_text(text, encoding="utf-8"))]


def _write(path: Path, write) -> Path:
    return write_atomic(path, write, suffix=path.suffix)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns as written: nothing to change today (kept so every format agrees)."""
    return frame


def behaviorspace_table(data: SweepData) -> str:
    """The BehaviorSpace "table" text of a sweep (see the module docstring)."""
    m = data.manifest
    varied = data.varied
    outputs = [o for o in data.outputs if o in data.summary]
    if len(data.series):
        rows = data.series.copy()
        outputs = [o for o in outputs if o in rows.columns]
    else:
        rows = data.summary.copy()
        rows["step"] = rows["steps"]
    runs = {k: i + 1 for i, k in enumerate(dict.fromkeys(data.summary["run_key"]))}
    rows["[run number]"] = rows["run_key"].map(runs)
    rows = rows.sort_values(["[run number]", "step"], kind="stable")
    table = pd.DataFrame(
        {"[run number]": rows["[run number]"], **{v: rows[v] for v in varied},
         "[step]": rows["step"], **{o: rows[o] for o in outputs}}
    )  # fmt: skip
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(
        [f"BehaviorSpace results (Sales Web {m.get('model_version', '')})", "Table version 2.0"]
    )
    w.writerow(["salesweb (sim.model.MarketModel)"])
    w.writerow([data.spec.name])
    w.writerow([time.strftime("%m/%d/%Y %H:%M:%S:000 %z")])
    w.writerow(["spec-hash", "root-seed", "model-version", "scenario"])
    w.writerow([m.get("spec_hash"), m.get("root_seed"), m.get("model_version"), data.spec.scenario])
    w.writerow(list(table.columns))
    for row in table.itertuples(index=False):
        w.writerow([_cell(v) for v in row])
    return buf.getvalue()


def _cell(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"  # NetLogo's booleans
    if isinstance(v, float):
        return repr(v)
    return str(v)
