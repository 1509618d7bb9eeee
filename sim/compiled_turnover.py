"""Generational change (mechanism 11) in one compiled pass (Numba).

:func:`sim.workforce.turnover` drew a uniform per employee (``rng.random(n)``), took
the positions below the weekly leaving chance, then drew the leavers' ages
(:func:`sim.population.draw_ages`: ``rng.normal`` with per-role means) and openness
(:func:`sim.population.draw_openness`: ``rng.beta``), and wrote six employee arrays and
the committee seats. That was some twenty numpy calls a week for about eighty leavers
among twenty thousand employees, and a 150 KB array of uniforms: about 0.14 ms a week,
a tenth of a default run.

:func:`replace_leavers` does it in one call. Unlike the loops of :mod:`sim.compiled`,
it draws its own numbers, from the model's ``numpy.random.Generator`` passed in: Numba
compiles ``rng.random()``, ``rng.normal(loc, scale)`` and ``rng.beta(a, b)`` to
NumPy's own C algorithms on the same bit generator (its state advances in place, as a
call from Python advances it), so the draws are the ones numpy made, in the same order
(every uniform, then every age, then every openness) and number. The arithmetic is
numpy's expressions element by element, in their order (no ``fastmath``), so a seed's
results are bit for bit those of the numpy code (``tests/test_bit_identical.py``;
``tests/test_compiled_turnover.py`` compares the pass with that code, seed by seed).
"""

from __future__ import annotations

import ctypes
from collections import OrderedDict

import numpy as np
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic
from numba.np.random.distributions import random_beta, random_normal
from numba.np.random.generator_core import next_double

_BIT_GENERATOR = types.NumPyRandomBitGeneratorType("bit_generator")
_KEPT = 8  # generators whose pointers are kept (a run uses one; a study builds many)
_POINTERS: OrderedDict[int, tuple[object, np.ndarray]] = OrderedDict()


def generator_pointers(rng: np.random.Generator) -> np.ndarray:
    """``int64 [state, next_uint64, next_uint32, next_double]``: the C interface of
    ``rng``'s bit generator (``bit_generator.ctypes``), what Numba reads from a
    ``Generator`` argument on every call.

    Numba's own unboxing of a ``Generator`` argument makes three ``ctypes.cast`` calls
    and an import each call: 13 microseconds alone, about 30 inside a run, a third of
    the week's turnover. These addresses do not change while the bit generator lives,
    so they are read once and kept, with the bit generator itself (so that its id is
    not reused while kept), for the last few generators.
    """
    bit_generator = rng.bit_generator
    key = id(bit_generator)
    kept = _POINTERS.get(key)
    if kept is not None and kept[0] is bit_generator:
        return kept[1]
    iface = bit_generator.ctypes

    def address(fn) -> int:
        return ctypes.cast(fn, ctypes.c_void_p).value

    pointers = np.array(
        [
            iface.state.value,
            address(iface.next_uint64),
            address(iface.next_uint32),
            address(iface.next_double),
        ],
        dtype=np.int64,
    )
    _POINTERS[key] = (bit_generator, pointers)
    while len(_POINTERS) > _KEPT:
        _POINTERS.popitem(last=False)
    return pointers


@intrinsic
def _bit_generator(typingctx, state, next_uint64, next_uint32, next_double_fn):
    """Numba's bit generator value (what it unboxes from a ``Generator``) built from
    the addresses of :func:`generator_pointers`, so that its ``next_double`` and
    distributions (``random_normal``, ``random_beta``) call the bit generator's C
    functions on its state, as numpy's ``Generator`` methods do."""
    if not all(isinstance(t, types.Integer) for t in (state, next_uint64, next_uint32)):
        return None
    sig = _BIT_GENERATOR(state, next_uint64, next_uint32, next_double_fn)

    def codegen(context, builder, signature, args):
        bitgen = cgutils.create_struct_proxy(_BIT_GENERATOR)(context, builder)
        bitgen.parent = cgutils.get_null_value(context.get_value_type(types.pyobject))
        uintp = context.get_value_type(types.uintp)
        addresses = [builder.zext(a, uintp) if a.type != uintp else a for a in args]
        bitgen.state_address = addresses[0]
        bitgen.state = addresses[0]
        bitgen.fnptr_next_uint64 = addresses[1]
        bitgen.fnptr_next_uint32 = addresses[2]
        bitgen.fnptr_next_double = addresses[3]
        bitgen.bit_generator = cgutils.get_null_value(uintp)
        return bitgen._getvalue()

    return sig, codegen


@njit(cache=True, nogil=True)
def replace_leavers(
    pointers,
    p,
    emp_level,
    age_mean,
    age_sd,
    openness_mean,
    age_slope,
    drift_now,
    spread,
    emp_age,
    emp_openness,
    emp_mandated,
    emp_product,
    emp_paid,
    emp_since,
    emp_buyer,
    receptivity,
    receptivity_initial,
):
    """Replace this week's leavers in place; returns ``(leavers, own, products)``.

    The numpy code it replaces (:func:`sim.workforce.turnover` before it)::

        leavers = flatnonzero(rng.random(n) < p)
        age = clip(rng.normal(age_mean[level[leavers]], age_sd[level[leavers]]), 21, 67)
        means = openness_mean + age_slope * (40.0 - age) / 10.0 + drift_now
        openness = clip(means, 0, 1) if spread <= 0 else rng.beta(m * kappa, (1 - m) * kappa)
        # with m = clip(means, 0.005, 0.995), kappa = 1 / spread - 1

    then writes ``emp_age`` and ``emp_openness`` of the leavers; the leavers whose seat
    is not mandated (``own``) lose their product (``NO_PRODUCT``, ``-1``), their paid
    flag and their start week (``-1``); a leaver's committee seat (``emp_buyer >= 0``)
    gets ``receptivity_initial``. ``products`` are the products ``own`` held before
    (``int64``), what :meth:`sim.user_counts.UserCounts.removed` takes. ``drift_now``
    is ``drift * years`` (a Python float, as numpy added it).
    """
    rng = _bit_generator(pointers[0], pointers[1], pointers[2], pointers[3])
    n = emp_level.shape[0]
    found = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        if next_double(rng) < p:
            found[k] = i
            k += 1
    leavers = found[:k]
    age = np.empty(k, dtype=np.float64)
    for j in range(k):
        level = emp_level[leavers[j]]
        a = random_normal(rng, age_mean[level], age_sd[level])
        age[j] = min(max(a, 21.0), 67.0)  # np.clip of a finite draw
    kappa = 1.0 / spread - 1.0 if spread > 0 else 0.0
    for j in range(k):
        m = openness_mean + age_slope * (40.0 - age[j]) / 10.0 + drift_now
        if spread <= 0:
            x = min(max(m, 0.0), 1.0)
        else:
            m = min(max(m, 0.005), 0.995)
            x = random_beta(rng, m * kappa, (1.0 - m) * kappa)
        i = leavers[j]
        emp_age[i] = age[j]
        emp_openness[i] = x
    n_own = 0
    for j in range(k):
        if not emp_mandated[leavers[j]]:
            n_own += 1
    own = np.empty(n_own, dtype=np.int64)
    products = np.empty(n_own, dtype=np.int64)
    at = 0
    for j in range(k):
        i = leavers[j]
        seat = emp_buyer[i]
        if seat >= 0:
            receptivity[seat] = receptivity_initial
        if not emp_mandated[i]:
            own[at] = i
            products[at] = emp_product[i]
            at += 1
            emp_product[i] = -1
            emp_paid[i] = False
            emp_since[i] = -1
    return leavers, own, products


_warm = False


def warm_up() -> None:
    """Compile (or load from the cache) :func:`replace_leavers` for the model's dtypes
    (``int8`` levels, ``int32`` products and start weeks, ``int64`` seats), once a
    process; :func:`sim.compiled.warm_up` calls it, so no step pays a compile."""
    global _warm
    if _warm:
        return
    x = np.zeros(1)
    i32 = np.zeros(1, dtype=np.int32)
    flags = np.zeros(1, dtype=bool)
    # the model's floats and arrays; p 0: no leaver, no draw beyond the uniform
    replace_leavers(
        generator_pointers(np.random.default_rng(0)), 0.0, np.zeros(1, dtype=np.int8), x, x, 0.3, 0.05, 0.0, 0.2,
        x.copy(), x.copy(), flags, i32.copy(), flags.copy(), i32.copy(),
        np.full(1, -1, dtype=np.int64), x.copy(), 0.3,
    )  # fmt: skip
    _warm = True
