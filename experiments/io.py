"""Result files: written whole or not at all, in pairs, with the mode the umask gives.

Parquet (pyarrow) keeps dtypes and is ten times smaller than CSV for sweeps; CSV is
there for spreadsheets. A run writes two tables (weeks and vendors) that belong
together: :func:`write_tables` writes each to a temporary file first and replaces the
targets only when all are complete, putting the old files back if a rename fails, so
a reader never finds this run's weeks next to another run's vendors. Temporary files
are created with mode ``0o666`` minus the umask, like any file a program creates
(``tempfile.mkstemp`` would make them private, ``0o600``).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported where a table is read: the CLI starts without it
    import pandas as pd

SUFFIXES = (".parquet", ".csv")
METADATA_KEY = "salesweb"
"""Parquet schema-metadata key of a table's inputs."""


class OutputError(ValueError):
    """An output path cannot be written (unknown format, missing or read-only folder)."""


def temp_path(folder: Path, name: str, suffix: str = ".tmp") -> Path:
    """Create an empty, hidden file next to ``name`` in ``folder``; the umask sets its mode."""
    for _ in range(100):
        path = Path(folder) / f".{name}.{secrets.token_hex(4)}{suffix}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise FileExistsError(f"no free temporary name for {name!r} in {str(folder)!r}")


def write_atomic(path: Path, write: Callable[[Path], None], suffix: str = ".tmp") -> Path:
    """Call ``write(tmp)`` on a hidden temporary file beside ``path``, then rename it there.

    The one way every report, chart and manifest reaches the disk: a reader (or a crash)
    sees the old file or the new one, never half of one.
    """
    path = Path(path)
    tmp = temp_path(path.parent, path.name, suffix)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) whole or not at all."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def save_figure(fig, path: Path, dpi: int = 110) -> Path:
    """Save a Matplotlib figure as PNG whole or not at all (the figure stays open)."""
    return write_atomic(
        path, lambda tmp: fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png"), ".png"
    )


def check_writable_folder(folder: Path, what: str) -> Path:
    """Fail now, before any computation, unless a file can be created in ``folder``.

    Creating (and removing) a probe file is the only test that sees every reason a
    write fails: permissions, a read-only mount, ``/proc``, a full quota.
    """
    folder = Path(folder)
    if not folder.exists():
        raise OutputError(f"{what}: folder {str(folder)!r} does not exist")
    if not folder.is_dir():
        raise OutputError(f"{what}: {str(folder)!r} is not a folder")
    try:
        temp_path(folder, "probe").unlink()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputError(f"{what}: cannot write in folder {str(folder)!r} ({reason})") from None
    return folder


def check_output_path(path: Path) -> Path:
    """Fail early, before any computation, if ``path`` cannot receive a table."""
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise OutputError(
            f"--out {str(path)!r}: unknown format {path.suffix or '(none)'!r}; use .parquet or .csv"
        )
    if path.is_dir():
        raise OutputError(f"--out {str(path)!r} is a folder; give a file such as run.parquet")
    check_writable_folder(path.parent, f"--out {str(path)!r}")
    return path


def write_table(df: pd.DataFrame, path: Path, metadata: dict[str, Any] | None = None) -> Path:
    """Write ``df`` to ``path`` (.parquet or .csv) through a temporary file and a rename."""
    return write_tables({Path(path): df}, metadata)[0]


def write_tables(
    tables: Mapping[Path, pd.DataFrame], metadata: dict[str, Any] | None = None
) -> list[Path]:
    """Write several tables as one: all complete, or none of the old files replaced.

    Parameters
    ----------
    tables : mapping of path to DataFrame
        Targets ending in .parquet or .csv.
    metadata : dict, optional
        The scenario, parameters and seeds that made the tables: stored in each Parquet
        file's schema metadata under ``"salesweb"``; a CSV gets a sidecar JSON file
        (``run.csv`` -> ``run.json``), so the CSV itself stays plain for spreadsheets.

    Returns
    -------
    list of Path
        The targets, in order.
    """
    paths = [check_output_path(p) for p in tables]
    temps: dict[Path, Path] = {}
    try:
        for path, df in zip(paths, tables.values(), strict=True):
            temps[path] = temp_path(path.parent, path.name)
            _write_one(df, temps[path], path.suffix, metadata)
            if metadata is not None and path.suffix == ".csv":
                sidecar = path.with_suffix(".json")
                temps[sidecar] = temp_path(path.parent, sidecar.name)
                temps[sidecar].write_text(json.dumps(metadata, indent=1), encoding="utf-8")
        _replace_all(temps)
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
    return paths


def _write_one(df: pd.DataFrame, tmp: Path, suffix: str, metadata: dict[str, Any] | None) -> None:
    if suffix == ".csv":
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


def _replace_all(temps: dict[Path, Path]) -> None:
    """Rename each temporary file over its target; on a failure restore the old targets."""
    backups: dict[Path, Path | None] = {}
    done: list[Path] = []
    try:
        for target, tmp in temps.items():
            backups[target] = _backup(target)
            os.replace(tmp, target)
            done.append(target)
    except BaseException:
        for target in reversed(done):
            old = backups[target]
            if old is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(old, target)
        raise
    finally:
        for old in backups.values():
            if old is not None:
                old.unlink(missing_ok=True)


def _backup(target: Path) -> Path | None:
    """A second name for the current ``target`` (a hard link, else a copy); None if absent."""
    if not target.is_file():
        return None
    backup = temp_path(target.parent, target.name, ".bak")
    backup.unlink()
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
    return backup


def read_table(path: Path) -> pd.DataFrame:
    """Read a table written by :func:`write_table`."""
    import pandas as pd

    path = Path(path)
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, index_col=0)


def seeded_metadata(result: Any, kind: str, inputs: dict[str, Any], **after: Any) -> dict[str, Any]:
    """The metadata of a study over seeds (``levers``, ``map``, ``company``), in one order:
    kind, scenario, overrides, the study's own ``inputs``, root seed, seeds, weeks, then
    ``after``. ``result`` has ``scenario``, ``overrides``, ``root_seed``, ``seeds`` and
    ``steps``; a tuple value becomes a list, as JSON writes it anyway."""
    return {
        "kind": kind,
        "scenario": result.scenario,
        "overrides": {
            k: list(v) if isinstance(v, tuple) else v for k, v in result.overrides.items()
        },
        **inputs,
        "root_seed": result.root_seed,
        "seeds": result.seeds,
        "steps": result.steps,
        **after,
    }


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


MAX_INPUT_BYTES = 1_000_000
"""Largest spec or scenario file read (a real one is a few kilobytes): a bigger one is
refused before it is read, so a multi-gigabyte file cannot fill the memory."""


def kind_of(path: Path) -> str:
    """What ``path`` is, in words: ``a file``, ``a directory``, ``a character device``
    (``/dev/zero``), ``a block device``, ``a FIFO (named pipe)``, ``a socket``."""
    import stat

    mode = os.stat(path).st_mode
    for test, words in (
        (stat.S_ISREG, "a file"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return words
    return "a special file"


def folder_problem(path: Path, what: str) -> str | None:
    """Why ``path`` is not a folder to read, in one line (``what`` names it); None if it is.

    A special file is named for what it is (``/dev/zero`` "is a character device"), as
    :func:`input_file_problem` does for files, never called missing or empty.
    """
    path = Path(path)
    shown = repr(str(path))
    try:
        if path.is_dir():
            return None
    except OSError as exc:
        return f"{what} {shown} cannot be read ({exc.strerror or exc})"
    if not path.exists():
        if os.path.islink(path):
            return f"{what} {shown} is a broken symbolic link"
        return f"{what} {shown} does not exist"
    return f"{what} {shown} is {kind_of(path)}; give a folder"


def input_file_problem(path: Path, what: str, max_bytes: int = MAX_INPUT_BYTES) -> str | None:
    """Why ``path`` cannot be read as a small text input, in one line; None if it can.

    Names special files as such (a directory, a character or block device such as
    ``/dev/zero``, a FIFO, a socket, a broken link) instead of calling them missing,
    and refuses files above ``max_bytes`` before reading a byte.
    """
    import stat

    path = Path(path)
    shown = repr(str(path))
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return f"{what} {shown} is a broken symbolic link"
        return f"{what} {shown} does not exist"
    except PermissionError:
        return f"{what} {shown} cannot be read (permission denied)"
    except OSError as exc:
        return f"{what} {shown} cannot be read ({exc.strerror or exc})"
    if stat.S_ISDIR(st.st_mode):
        return f"{what} {shown} is a directory; give a file"
    if not stat.S_ISREG(st.st_mode):
        return f"{what} {shown} is {kind_of(path)}, not a file"
    if st.st_size > max_bytes:
        return f"{what} {shown} is {st.st_size:,} bytes; at most {max_bytes:,} are read"
    if not os.access(path, os.R_OK):
        return f"{what} {shown} cannot be read (permission denied)"
    return None
