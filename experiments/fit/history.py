"""A company's monthly history: the CSV a strategist brings, read and checked.

One row per month, oldest first. ``month`` is required (``1, 2, 3, ...`` counted from
the company's launch, or calendar months ``2024-01``); every other column is optional
and is fitted to only if present:

========== ========================================================== =============
column     meaning                                                    model figure
========== ========================================================== =============
arr        annual recurring revenue at the end of the month, USD      ``Vendor.arr``
customers  paying customer accounts at the end of the month           ``customers``
users      active users (free and paid seats) at the end of the month ``users``
reps       quota-carrying sales reps at the end of the month          ``reps``
sm_spend   sales and marketing spent during the month, USD            ``sm_spend_total``
cash       cash in the bank at the end of the month, USD              ``cash``
========== ========================================================== =============

A month ``k`` (counted from 1 at the first row when months are calendar months) is the
model's week ``round(k * 52 / 12)``: the model starts the company at week 0.
Bad files are refused with one line that says what is wrong (:class:`HistoryError`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.params import ParameterError

COLUMNS: tuple[str, ...] = ("arr", "customers", "users", "reps", "sm_spend", "cash")
"""The figures a history may hold besides ``month``."""

NON_NEGATIVE: frozenset[str] = frozenset({"arr", "customers", "users", "reps", "sm_spend"})
"""Columns that cannot be below zero (cash can: a company in debt)."""

MIN_MONTHS = 6
"""Fewer months leave nothing to fit a growth curve to."""

MAX_MONTHS = 120
"""Ten years: the model's horizon for a fit (a run is 52 weeks a year)."""

WEEKS_PER_MONTH = 52 / 12


class HistoryError(ParameterError):
    """The history file cannot be used; the message is one line naming the problem."""


@dataclass(frozen=True)
class History:
    """A checked history: month numbers from 1 and the observed columns.

    Parameters
    ----------
    months : numpy.ndarray
        Month numbers since launch (1 = the end of the first month), increasing.
    data : pandas.DataFrame
        One column per observed figure (a subset of :data:`COLUMNS`), one row per month;
        NaN where a month's figure is blank.
    source : str
        The file it came from (for reports).
    """

    months: np.ndarray
    data: pd.DataFrame
    source: str = ""

    @property
    def columns(self) -> list[str]:
        return list(self.data.columns)

    @property
    def weeks(self) -> np.ndarray:
        """The model week of each month's end: ``round(month * 52 / 12)``."""
        return month_weeks(self.months)

    def frame(self) -> pd.DataFrame:
        """``month`` and the observed columns, as the file had them (after checks)."""
        return pd.concat([pd.Series(self.months, name="month"), self.data], axis=1)

    def describe(self) -> dict:
        """JSON-ready: file, months, columns (what fit.json records)."""
        return {
            "file": self.source,
            "months": len(self.months),
            "first_month": int(self.months[0]),
            "last_month": int(self.months[-1]),
            "columns": self.columns,
            "rows": {
                c: [None if math.isnan(x) else float(x) for x in self.data[c]] for c in self.columns
            },
        }


def month_weeks(months: np.ndarray) -> np.ndarray:
    """Model week at the end of each month number (month 1 ends at week 4)."""
    return np.rint(np.asarray(months, dtype=float) * WEEKS_PER_MONTH).astype(int)


def load_history(path: str | Path) -> History:
    """Read and check a history CSV; raise :class:`HistoryError` (one line) if unusable."""
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise HistoryError(f"history {name!r}: no such file")
    try:
        raw = pd.read_csv(path, dtype=str, skipinitialspace=True, comment="#")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise HistoryError(f"history {name!r}: not a readable CSV ({reason})") from None
    return check_history(raw, name)


def check_history(raw: pd.DataFrame, name: str = "history") -> History:
    """Check a table of strings (or numbers) as :func:`load_history` does."""
    raw = raw.rename(columns=lambda c: str(c).strip().lower())
    cols = list(raw.columns)
    unknown = [c for c in cols if c != "month" and c not in COLUMNS]
    if unknown:
        raise HistoryError(
            f"history {name!r}: unknown column {unknown[0]!r}; allowed: month, {', '.join(COLUMNS)}"
        )
    if len(set(cols)) < len(cols):
        raise HistoryError(f"history {name!r}: a column is repeated in the header")
    if "month" not in cols:
        raise HistoryError(f"history {name!r}: no 'month' column (months 1, 2, 3, ... or 2024-01)")
    observed = [c for c in COLUMNS if c in cols]
    if not observed:
        raise HistoryError(
            f"history {name!r}: nothing to fit to; give at least one of {', '.join(COLUMNS)}"
        )
    raw = raw.dropna(how="all").reset_index(drop=True)
    if len(raw) < MIN_MONTHS:
        raise HistoryError(
            f"history {name!r}: {len(raw)} months; at least {MIN_MONTHS} are needed to fit"
        )
    if len(raw) > MAX_MONTHS:
        raise HistoryError(f"history {name!r}: {len(raw)} months; at most {MAX_MONTHS} are allowed")
    months = _months(raw["month"], name)
    data = pd.DataFrame(index=range(len(raw)))
    for c in observed:
        values = pd.to_numeric(raw[c].astype(str).str.replace(",", "").str.strip(), errors="coerce")
        given = raw[c].notna() & (raw[c].astype(str).str.strip() != "")
        bad = given & values.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise HistoryError(
                f"history {name!r}: {c} in month {months[row]} is {raw[c].iloc[row]!r}, not a number"
            )
        if not np.isfinite(values.dropna()).all():
            raise HistoryError(f"history {name!r}: {c} holds an infinite value")
        if c in NON_NEGATIVE and (values < 0).any():
            row = int(np.flatnonzero((values < 0).to_numpy())[0])
            what = "ARR" if c == "arr" else c
            raise HistoryError(
                f"history {name!r}: negative {what} ({values.iloc[row]:g}) in month {months[row]}"
            )
        if values.notna().sum() == 0:
            raise HistoryError(f"history {name!r}: column {c!r} is empty")
        data[c] = values.astype(float).to_numpy()
    return History(months, data, name)


def _months(col: pd.Series, name: str) -> np.ndarray:
    """Month numbers from 1..n integers or YYYY-MM calendar months; strictly increasing."""
    text = col.astype(str).str.strip()
    if text.isin(["", "nan"]).any():
        raise HistoryError(f"history {name!r}: a row has no month")
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.notna().all():
        if (numbers != np.round(numbers)).any() or (numbers < 1).any():
            raise HistoryError(
                f"history {name!r}: months must be whole numbers from 1 (months since launch)"
            )
        months = numbers.astype(int).to_numpy()
    else:
        stamps = pd.to_datetime(text, format="%Y-%m", errors="coerce")
        if stamps.isna().any():
            bad = text[stamps.isna()].iloc[0]
            raise HistoryError(
                f"history {name!r}: month {bad!r} is neither a number nor a YYYY-MM month"
            )
        index = (stamps.dt.year * 12 + stamps.dt.month).to_numpy()
        months = index - index[0] + 1
    steps = np.diff(months)
    if (steps <= 0).any():
        row = int(np.flatnonzero(steps <= 0)[0]) + 1
        raise HistoryError(
            f"history {name!r}: months are not increasing (row {row + 1}: {text.iloc[row]} "
            f"after {text.iloc[row - 1]})"
        )
    if months[-1] > MAX_MONTHS:
        raise HistoryError(f"history {name!r}: month {months[-1]} is past {MAX_MONTHS}")
    return months
