"""Growable tables: column views stay live across growth, copies and pickles."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from sim.tables import ContractBook


def book_with(rows: int) -> ContractBook:
    book = ContractBook(capacity=4)
    for i in range(rows):
        book.add(enterprise=i, vendor=i % 3, kind=0, acv=10.0 * i, seats=1, start=0, renew_at=52)
    return book


def test_columns_read_and_write_the_rows_after_growth():
    book = book_with(3)
    acv_before = book.acv
    ids = book.add(
        enterprise=np.arange(5), vendor=1, kind=2, acv=np.ones(5), seats=2, start=1, renew_at=53
    )
    assert ids.tolist() == [3, 4, 5, 6, 7] and book.n == 8
    assert len(acv_before) == 3 and len(book.acv) == 8  # grew past capacity 4
    book.acv[ids] = 7.0
    book.active[0] = False
    assert book.row(5)["acv"] == 7.0 and book.n_active() == 7
    assert book.kind_of(np.array([0, -1, 4])).tolist() == [0, -1, 2]


@pytest.mark.parametrize("clone", [copy.deepcopy, lambda b: pickle.loads(pickle.dumps(b))])
def test_a_copy_is_a_table_of_its_own(clone):
    book = book_with(6)
    twin = clone(book)
    twin.acv[:] = 1.0
    twin.active[:] = False
    assert twin.row(2)["acv"] == 1.0 and twin.n_active() == 0
    assert book.row(2)["acv"] == 20.0 and book.n_active() == 6


def test_a_row_needs_every_column():
    with pytest.raises(ValueError, match="missing column 'seats'"):
        ContractBook().add(enterprise=1, vendor=1, kind=0, acv=1.0, start=0, renew_at=52)


def test_add_one_writes_the_row_add_writes():
    """A signing's one-contract append: the same entries, ids and growth as ``add`` (numpy
    and Python scalars, past the capacity)."""
    rows = [
        (3, 1, 2, 1234.5, 10, 7, 59),
        (np.int64(4), 2, 0, np.float64(0.1) * 3, 1, 8, 60),
        (2**31 - 1, 0, 1, 1e300, 2**40, 0, 52),
    ] * 3
    one, many = ContractBook(capacity=4), ContractBook(capacity=4)
    for row in rows:
        cid = one.add_one(*row)
        ids = many.add(**dict(zip(ContractBook.COLUMNS, row, strict=True)))
        assert isinstance(cid, int) and [cid] == ids.tolist()
    assert one.n == many.n == len(rows) and len(one.acv) == len(rows)
    for name, col in many._cols.items():
        assert one._cols[name].dtype == col.dtype
        assert np.array_equal(one._cols[name][: one.n], col[: many.n])
