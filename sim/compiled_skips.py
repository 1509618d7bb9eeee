"""Rare events among many trials, drawn by skipping to the next one (Numba).

A week asks of every employee whether they leave (a chance of about 1 in 200) and of
every user whether they stop (a fraction of a percent). One uniform per trial,
compared with the chance, costs the same whether anyone leaves or not: at 100,000
employees about a third of a millisecond a week, a tenth of a step
(docs/performance.md, "Skipping to the next event").

The gap before the next success of independent trials of chance ``p`` is geometric:
``P(gap = g) = (1 - p)^g p``, drawn from one uniform ``u`` as
``floor(log(1 - u) / log(1 - p))`` (the inverse of its distribution function; Devroye
1986, *Non-Uniform Random Variate Generation*, ch. X.2). So the successes among ``n``
trials take one uniform each plus one, not ``n``: the same law, trial by trial
independent, but other draws from the stream than a uniform per trial (a seed's
results changed once, when this came in: engine b446dcde6102, the thirteenth session).

Trials whose chances differ are thinned (Lewis and Shedler 1979): skip with the
largest chance ``q``, then, at each trial reached, a uniform below ``q`` is
``q * next_double()`` (a uniform below ``q`` is uniform on ``[0, q)``), and the trial
succeeds when it falls below its own chance, as a uniform per trial did.

The uniforms are the bit generator's own ``next_double``, called from the compiled
loop at the addresses :func:`generator_pointers` reads (numpy's ``Generator.random``
fills its arrays with the same function).
"""

from __future__ import annotations

import ctypes
import math
from collections import OrderedDict

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

_KEPT = 64  # generators whose pointers are kept (a run uses one; a study or a server many)
_POINTERS: OrderedDict[int, tuple[object, np.ndarray]] = OrderedDict()


def generator_pointers(rng: np.random.Generator) -> np.ndarray:
    """``int64 [state, next_double]``: the addresses of ``rng``'s bit generator state and
    of its ``next_double`` C function (``bit_generator.ctypes``).

    Numba reads them from a ``Generator`` argument on every call, with three
    ``ctypes.cast`` calls and an import: 13 microseconds alone, about 30 inside a run.
    They do not change while the bit generator lives, so they are read once and kept,
    with the bit generator itself (so that its id is not reused while kept), for the
    last few generators.
    """
    bit_generator = rng.bit_generator
    kept = _POINTERS.get(id(bit_generator))
    if kept is not None and kept[0] is bit_generator:
        return kept[1]
    iface = bit_generator.ctypes
    pointers = np.array(
        [iface.state.value, ctypes.cast(iface.next_double, ctypes.c_void_p).value],
        dtype=np.int64,
    )
    _POINTERS[id(bit_generator)] = (bit_generator, pointers)
    while len(_POINTERS) > _KEPT:
        _POINTERS.popitem(last=False)
    return pointers


@intrinsic
def _next_double(typingctx, state, function):
    """``function(state)``: a call of the bit generator's ``double next_double(void *)``
    from the two addresses of :func:`generator_pointers`."""
    if not (isinstance(state, types.Integer) and isinstance(function, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        void_p = ir.IntType(8).as_pointer()
        fn_type = ir.FunctionType(ir.DoubleType(), [void_p])
        fn = builder.inttoptr(args[1], fn_type.as_pointer())
        return builder.call(fn, [builder.inttoptr(args[0], void_p)])

    return types.float64(state, function), codegen


@njit(cache=True, nogil=True)
def next_trial(state, function, at, log_stay):
    """The index of the next success after trial ``at`` (``-1``: before the first),
    for a chance whose ``log(1 - p)`` is ``log_stay`` (< 0); a float, may pass ``n``."""
    u = _next_double(state, function)
    return at + 1.0 + np.floor(math.log1p(-u) / log_stay)  # a float: no int64 overflow


@njit(cache=True, nogil=True)
def successes(pointers, p, n):
    """Ascending indices of the successes among ``n`` independent trials of chance ``p``.

    ``p <= 0``: none, no draw; ``p >= 1``: all, no draw. Otherwise one
    ``next_double`` per success, and one more that passes ``n``.
    """
    if n <= 0 or p <= 0.0:
        return np.empty(0, dtype=np.int64)
    if p >= 1.0:
        return np.arange(n).astype(np.int64)
    state, function = pointers[0], pointers[1]
    log_stay = math.log1p(-p)
    found = []
    at = next_trial(state, function, -1.0, log_stay)
    while at < n:
        found.append(np.int64(at))
        at = next_trial(state, function, at, log_stay)
    out = np.empty(len(found), dtype=np.int64)
    for j in range(len(found)):
        out[j] = found[j]
    return out


@njit(cache=True, nogil=True)
def uniforms_below(pointers, q, n):
    """``(positions, uniforms)``: the trials among ``n`` whose uniform falls below ``q``,
    ascending, and those uniforms, each ``q * next_double()`` (uniform on ``[0, q)``).

    The law of ``u = rng.random(n)`` and ``flatnonzero(u < q)`` with ``u`` there (for
    ``q >= 1``: every trial, each uniform on ``[0, 1)``), with a draw per position
    returned plus one, not ``n``.
    """
    q = min(q, 1.0)
    picks = successes(pointers, q, n)
    state, function = pointers[0], pointers[1]
    uniforms = np.empty(picks.shape[0], dtype=np.float64)
    for j in range(picks.shape[0]):
        uniforms[j] = q * _next_double(state, function)
    return picks, uniforms


_warm = False


def warm_up() -> None:
    """Compile (or load from the cache) the loops, once a process."""
    global _warm
    if _warm:
        return
    pointers = generator_pointers(np.random.default_rng(0))
    next_trial(pointers[0], pointers[1], -1.0, -0.5)  # callable alone too (tests)
    successes(pointers, 0.5, 4)
    uniforms_below(pointers, 0.5, 4)
    _warm = True
