"""Generational change (mechanism 11) in three compiled passes (Numba).

:func:`sim.workforce.turnover` drew a uniform per employee (``rng.random(n)``), took
the positions below the weekly leaving chance, then drew the leavers' ages
(:func:`sim.population.draw_ages`: ``rng.normal`` with per-role means) and openness
(:func:`sim.population.draw_openness`: ``rng.beta``), and wrote six employee arrays and
the committee seats: some twenty numpy calls a week for about eighty leavers among
twenty thousand employees, and a 150 KB array of uniforms, about 0.14 ms a week in a
run, a tenth of a default run.

The leavers are now drawn by skipping from one to the next
(:func:`sim.compiled_skips.successes`: a draw per leaver, through the bit generator's
own C function ``next_double`` at the addresses
:func:`sim.compiled_skips.generator_pointers` reads).
The ages' normal draws and the openness Beta draws stay numpy's calls on the leavers
alone (numpy's algorithms, not a port: Numba's own ``Generator.beta`` rejects where
numpy's does not when both parameters are tiny), and the arithmetic around them is
numpy's expressions element by element, in their order (no ``fastmath``), in
:func:`newcomer_ages` and :func:`seat_newcomers`: a seed's results are bit for bit
those of the numpy reference (``tests/test_compiled_turnover.py`` compares the passes
with it, seed by seed, leavers drawn by the same skips).

:func:`team_tools` is ``newcomer_invites``' pass (off by default): for each newcomer
with no product, the self-serve product most of their colleagues use (one read of
each newcomer's row; :func:`sim.workforce.join_team_tools` draws and applies).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def newcomer_ages(
    leavers, z, emp_level, age_mean, age_sd, openness_mean, age_slope, drift_now, spread, emp_age
):
    """Write the newcomers' ages into ``emp_age``; return ``(means, a, b)``.

    ``z`` are ``rng.standard_normal(len(leavers))``, the draws of numpy's
    ``rng.normal(loc, scale)`` (``loc + scale * z`` each), so the ages are
    :func:`sim.population.draw_ages`'s: ``clip(loc + scale * z, 21, 67)`` by role.
    ``means`` are :func:`sim.population.openness_means`' (``drift_now`` is
    ``drift * years``, the Python float numpy added), and ``a``, ``b`` the Beta
    parameters :func:`sim.population.draw_openness` passes to ``rng.beta``:
    ``m * kappa`` and ``(1 - m) * kappa`` with ``m = clip(means, 0.005, 0.995)``,
    ``kappa = 1 / spread - 1`` (empty when ``spread <= 0``: no draw).
    """
    k = leavers.shape[0]
    means = np.empty(k, dtype=np.float64)
    n_beta = k if spread > 0 else 0
    a = np.empty(n_beta, dtype=np.float64)
    b = np.empty(n_beta, dtype=np.float64)
    kappa = 1.0 / spread - 1.0 if spread > 0 else 0.0
    for j in range(k):
        i = leavers[j]
        level = emp_level[i]
        age = min(max(age_mean[level] + age_sd[level] * z[j], 21.0), 67.0)  # finite: clip
        emp_age[i] = age
        means[j] = openness_mean + age_slope * (40.0 - age) / 10.0 + drift_now
        if n_beta:
            m = min(max(means[j], 0.005), 0.995)
            a[j] = m * kappa
            b[j] = (1.0 - m) * kappa
    return means, a, b


@njit(cache=True, nogil=True)
def seat_newcomers(
    leavers,
    openness,
    emp_openness,
    emp_mandated,
    emp_product,
    emp_paid,
    emp_since,
    emp_buyer,
    receptivity,
    receptivity_initial,
):
    """Write the newcomers' ``openness`` and vacate what the leavers took; returns
    ``(own, products)``.

    The leavers whose seat is not mandated (``own``) lose their product
    (``NO_PRODUCT``, ``-1``), their paid flag and their start week (``-1``); a leaver's
    committee seat (``emp_buyer >= 0``) gets ``receptivity_initial``. ``products`` are
    the products ``own`` held before (``int64``), what
    :meth:`sim.user_counts.UserCounts.removed` takes.
    """
    k = leavers.shape[0]
    n_own = 0
    for j in range(k):
        if not emp_mandated[leavers[j]]:
            n_own += 1
    own = np.empty(n_own, dtype=np.int64)
    products = np.empty(n_own, dtype=np.int64)
    at = 0
    for j in range(k):
        i = leavers[j]
        emp_openness[i] = openness[j]
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
    return own, products


@njit(cache=True, nogil=True)
def team_tools(newcomers, emp_product, emp_enterprise, ent_on_prem, indptr, indices, qualifies):
    """The newcomers invited into their team's tool (``newcomer_invites``), and the tool.

    A newcomer (of ``newcomers``, ascending) with no product, in an enterprise that is
    not on-prem only, is invited into the product most of their network neighbours use
    among those that qualify (``qualifies[v]``: an alive vendor with a self-serve
    motion), the lower code on a tie; a newcomer with no neighbour on one is not
    invited. The neighbours' products are read as they stand after the week's leavers
    left (a neighbour who is a newcomer too has none and counts for nothing). Returns
    ``(invitee, product)`` (``int64``), in the newcomers' order; draws nothing.
    """
    n = newcomers.shape[0]
    invitee = np.empty(n, dtype=np.int64)
    product = np.empty(n, dtype=np.int64)
    counts = np.zeros(qualifies.shape[0], dtype=np.int64)
    seen = np.empty(qualifies.shape[0], dtype=np.int64)  # the products counted, to reset
    k = 0
    for j in range(n):
        i = newcomers[j]
        if emp_product[i] >= 0 or ent_on_prem[emp_enterprise[i]]:
            continue
        best, most, n_seen = -1, 0, 0
        for t in range(indptr[i], indptr[i + 1]):
            v = emp_product[indices[t]]
            if v >= 0 and qualifies[v]:
                if counts[v] == 0:
                    seen[n_seen] = v
                    n_seen += 1
                counts[v] += 1
                c = counts[v]
                if c > most or (c == most and v < best):
                    best, most = v, c
        for t in range(n_seen):  # back to zeros for the next newcomer
            counts[seen[t]] = 0
        if best >= 0:
            invitee[k] = i
            product[k] = best
            k += 1
    return invitee[:k], product[:k]


_warm = False


def warm_up() -> None:
    """Compile (or load from the cache) the passes for the model's dtypes (``int8``
    levels, ``int32`` products and start weeks, ``int64`` seats), once a process, and
    those of :mod:`sim.compiled_outputs`; :func:`sim.compiled.warm_up` calls it, so no
    step pays a compile."""
    global _warm
    if _warm:
        return
    x = np.zeros(1)
    i32 = np.zeros(1, dtype=np.int32)
    flags = np.zeros(1, dtype=bool)
    ids = np.zeros(1, dtype=np.int64)
    level = np.zeros(1, dtype=np.int8)
    newcomer_ages(ids, x, level, x, x, 0.3, 0.05, 0.0, 0.2, x.copy())
    seat_newcomers(
        ids, x, x.copy(), flags, i32.copy(), flags.copy(), i32.copy(), ids, x.copy(), 0.3
    )
    indptr = np.array([0, 0], dtype=np.int32)
    team_tools(ids, i32.copy() - 1, i32, flags, indptr, indptr[:0], flags)
    from sim import compiled_outputs  # the outputs' loops (one warm-up call in sim.compiled)

    compiled_outputs.warm_up()
    _warm = True
