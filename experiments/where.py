"""A safe ``--where`` expression: a boolean over a table's columns, never ``eval``.

``salesweb discover DIR --where "winner == 'bottoms_up' and arr_total > 1e6"`` names
the runs of interest. The text is parsed with :func:`ast.parse` and only this grammar
is evaluated, column by column with numpy (no name lookup beyond the table's columns,
no attribute, call, subscript or comprehension, so nothing but arithmetic and
comparisons can run)::

    expr   := expr and expr | expr or expr | not expr | ( expr )
            | value (== | != | < | <= | > | >= | in | not in) value ...   (chains allowed)
    value  := column | number | 'text' | true/false | value (+ - * / %) value | -value
            | [literal, ...]                                           (after in / not in)

Bad input raises :class:`WhereError` with one line that says what is wrong and, for an
unknown name, the closest column.
"""

from __future__ import annotations

import ast
import difflib
import operator
from typing import Any

import numpy as np
import pandas as pd

MAX_LENGTH = 2000
"""Longest expression accepted (a real one is a line)."""

_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_ARITH = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
}
_LITERALS = {"true": True, "false": False, "True": True, "False": False}


class WhereError(ValueError):
    """A ``--where`` expression that cannot be parsed or evaluated on the table."""


def evaluate(expr: str, table: pd.DataFrame) -> np.ndarray:
    """The boolean mask of ``table``'s rows where ``expr`` holds.

    Raises
    ------
    WhereError
        Not a boolean expression of the grammar above, an unknown column, or values
        that cannot be compared (one line).
    """
    if not isinstance(expr, str) or not expr.strip():
        raise WhereError("--where: give a boolean expression, e.g. \"winner == 'bottoms_up'\"")
    if len(expr) > MAX_LENGTH:
        raise WhereError(f"--where: {len(expr):,} characters; at most {MAX_LENGTH:,}")
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except (SyntaxError, ValueError) as exc:
        raise WhereError(
            f"--where: not an expression ({exc.msg if hasattr(exc, 'msg') else exc})"
        ) from None
    except (RecursionError, MemoryError):
        raise WhereError("--where: nested too deeply") from None
    try:
        result = _Evaluator(table).visit(tree.body)
    except RecursionError:
        raise WhereError("--where: nested too deeply") from None
    except TypeError as exc:
        raise WhereError(f"--where: values that cannot be compared ({exc})") from None
    mask = np.asarray(result)
    if mask.dtype != bool:
        raise WhereError(
            f"--where {expr!r} is not true or false for each run; compare with ==, <, ... "
        )
    if mask.ndim == 0:
        mask = np.full(len(table), bool(mask))
    return mask


class _Evaluator(ast.NodeVisitor):
    def __init__(self, table: pd.DataFrame):
        self.table = table

    def generic_visit(self, node: ast.AST) -> Any:
        raise WhereError(f"--where: {_describe(node)} is not allowed; use columns, numbers, "
                         "'text', comparisons, and, or, not")  # fmt: skip

    def visit_BoolOp(self, node: ast.BoolOp) -> Any:
        values = [self._bool(v) for v in node.values]
        join = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        out = values[0]
        for v in values[1:]:
            out = join(out, v)
        return out

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        if isinstance(node.op, ast.Not):
            return np.logical_not(self._bool(node.operand))
        if isinstance(node.op, ast.USub):
            return -self._number(node.operand)
        if isinstance(node.op, ast.UAdd):
            return self._number(node.operand)
        return self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        op = _ARITH.get(type(node.op))
        if op is None:
            return self.generic_visit(node)
        with np.errstate(all="ignore"):
            return op(self._number(node.left), self._number(node.right))

    def visit_Compare(self, node: ast.Compare) -> Any:
        left = self.visit(node.left)
        out = None
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                options = self._list(right_node)
                part = np.isin(np.asarray(left, dtype=object), np.asarray(options, dtype=object))
                part = ~part if isinstance(op, ast.NotIn) else part
                right = None
            else:
                fn = _COMPARE.get(type(op))
                if fn is None:
                    return self.generic_visit(op)
                right = self.visit(right_node)
                _check_comparable(left, right)
                part = np.asarray(fn(left, right), dtype=bool)
            out = part if out is None else np.logical_and(out, part)
            left = right
        return out

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in self.table.columns:
            return self.table[node.id].to_numpy()
        if node.id in _LITERALS:
            return _LITERALS[node.id]
        close = difflib.get_close_matches(node.id, [str(c) for c in self.table.columns], 1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise WhereError(f"--where: no column {node.id!r}{hint}")

    def visit_Constant(self, node: ast.Constant) -> Any:
        if isinstance(node.value, bool | int | float | str):
            return node.value
        return self.generic_visit(node)

    def _bool(self, node: ast.AST) -> np.ndarray:
        value = np.asarray(self.visit(node))
        if value.dtype != bool:
            raise WhereError(f"--where: {ast.unparse(node)!r} is not a comparison (true or false)")
        return value

    def _number(self, node: ast.AST) -> Any:
        value = self.visit(node)
        arr = np.asarray(value)
        if isinstance(value, str) or arr.dtype.kind not in "iufb":
            raise WhereError(f"--where: {ast.unparse(node)!r} is not a number")
        return value

    def _list(self, node: ast.AST) -> list[Any]:
        if not isinstance(node, ast.List | ast.Tuple):
            raise WhereError("--where: in needs a list, e.g. winner in ['direct', 'hybrid']")
        return [self.visit_Constant(e) if isinstance(e, ast.Constant) else self.generic_visit(e)
                for e in node.elts]  # fmt: skip


def _check_comparable(left: Any, right: Any) -> None:
    kinds = {"text" if np.asarray(v).dtype.kind in "OUS" else "number" for v in (left, right)}
    if len(kinds) > 1:
        raise WhereError("--where: compares text with a number; quote text as 'bottoms_up'")


def _describe(node: ast.AST) -> str:
    try:
        return repr(ast.unparse(node))
    except Exception:  # noqa: BLE001 - only for the message
        return type(node).__name__
