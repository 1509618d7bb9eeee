"""Compiled loops of mechanisms 1-2 (self-serve adoption, user churn): fewer passes, no temporaries.

A week of self-serve adoption used to make a dozen numpy calls on the few candidates
who might adopt (a gather of their colleagues, a dense matrix of chances, a product
over its columns, a cumulative sum, a comparison), and to gather every candidate's
openness and colleague exposure into new arrays before bounding their chances. At
20,000 employees each of those calls costs more in Python and numpy overhead than in
arithmetic. The loops here do the same arithmetic in one pass each:

- :func:`churned` is :func:`tests.compiled_reference.churned_users` that reads a user's
  colleagues only when its uniform falls below the chance of a user with no colleague
  on its product (the largest the chance can be), so almost no user's row is read;
- :func:`below_bound_at` is :func:`tests.compiled_reference.below_bound` reading each
  candidate's exposure and openness where they are kept (no gathered copies);
- :func:`adoption_rows` is the neighbour counts (:func:`tests.compiled_reference.neighbour_columns`),
  the matrix of chances to stay (``_stay_matrix``, removed), the product of its
  columns, the comparison with the uniforms and the cumulative sum, for the few
  candidates below the bound;
- :func:`pick_vendors` is the choice of the product among the adopters' chances;
- :func:`with_joiners` adds the invitees who join a new workspace to the adopters;
- :func:`apply_changes` writes the sign-ups and the churn into the employee arrays
  (eight fancy-index reads and writes and the agreements' holders before).

They draw no random numbers (the caller draws every uniform with the model's
``numpy.random.Generator``, in the order and number it did), and they apply the same
IEEE operations in the same order as the numpy code they replace, without
``fastmath``: a seed's results are bit for bit the same (``tests/test_bit_identical.py``;
``tests/test_compiled_selfserve.py`` compares each loop with its numpy expression).
Cached on disk like :mod:`sim.compiled`; :func:`warm_up` compiles them for the model's
dtypes.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.compiled_skips import uniforms_below


@njit(cache=True, nogil=True)
def churned(users, uniforms, product, indptr, indices, rate, quality, collaborative):
    """Mechanism 2: users whose uniform falls below their chance to stop.

    ``p = rate * (1 - quality[v])``, times ``1 - share`` for a collaborative product
    (``share``: the user's neighbours on the same product over its degree, 0 when
    isolated), as :func:`tests.compiled_reference.churned_users` computes it. ``1 - share`` is in
    [0, 1], so the rounded product is at most ``p``: a uniform at or above ``p`` stops
    no one, and the user's colleagues are read only below it (``rate`` is a fraction of
    a percent a week, so almost never).
    """
    base = np.empty(quality.shape[0], dtype=np.float64)
    for c in range(quality.shape[0]):
        base[c] = rate * (1.0 - quality[c])
    out = np.empty(users.shape[0], dtype=np.int64)
    k = 0
    for i in range(users.shape[0]):
        j = users[i]
        v = product[j]
        p = base[v]
        u = uniforms[i]
        if u >= p:
            continue
        if collaborative[v]:
            start, stop = indptr[j], indptr[j + 1]
            same = 0
            for t in range(start, stop):
                if product[indices[t]] == v:
                    same += 1
            degree = stop - start
            share = same / degree if degree > 0 else 0.0
            p *= 1.0 - share
            if not u < p:
                continue
        out[k] = j
        k += 1
    return out[:k]


@njit(cache=True, nogil=True)
def churned_by_skips(pointers, users, product, indptr, indices, rate, quality, collaborative):
    """Mechanism 2 with :mod:`sim.compiled_skips`: :func:`churned`'s users, drawn by skipping.

    Every user's chance is at most ``q``, the largest ``rate * (1 - quality[v])`` of any
    vendor code, so the users reached by skips of chance ``q`` are the only ones whose
    uniform can fall below their chance; each of them gets its uniform as
    ``q * next_double()`` and is judged by :func:`churned`'s rule. The same law per
    user as a uniform each, with about ``q * len(users)`` draws instead of
    ``len(users)``.
    """
    q = 0.0
    for c in range(quality.shape[0]):  # churned computes each code's chance itself
        q = max(q, rate * (1.0 - quality[c]))
    picks, uniforms = uniforms_below(pointers, q, users.shape[0])
    if picks.shape[0] == 0:
        return picks
    return churned(users[picks], uniforms, product, indptr, indices, rate, quality, collaborative)


@njit(cache=True, nogil=True)
def below_bound_at(colleague, at, openness, open_at, marketing, uniforms, read_all):
    """Positions ``i`` of the candidates whose uniform falls below their bound on adopting.

    :func:`tests.compiled_reference.below_bound` with the inputs read in place: candidate ``i``'s
    colleague exposure is ``colleague[at[i]]`` and its openness ``openness[open_at[i]]``
    (an empty ``at`` or ``open_at``: position ``i`` itself), so neither is first
    gathered into a new array. The bound, in its order:
    ``(colleague + openness * marketing) * (1 + 1e-9) + 1e-9``; ``read_all`` makes it
    infinite.
    """
    n = uniforms.shape[0]
    gather = at.shape[0] > 0
    gather_open = open_at.shape[0] > 0
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        x = colleague[at[i]] if gather else colleague[i]
        o = openness[open_at[i]] if gather_open else openness[i]
        bound = x + o * marketing
        bound *= 1.0 + 1e-9
        bound += 1e-9
        if read_all or uniforms[i] < bound:
            out[k] = i
            k += 1
    return out[:k]


@njit(cache=True, nogil=True)
def adoption_rows(
    ids,
    uniforms,
    openness,
    brand,
    product,
    indptr,
    indices,
    lookup,
    rq,
    powers,
    collaborative,
    threshold,
):
    """Which of the employees ``ids`` adopt something, and their cumulative chances.

    ``ids``, ``uniforms``, ``openness`` and ``brand`` (rows aligned with ``ids``,
    ``(len(ids), m)``; ``(0, m)``: no brand) describe the candidates below the bound;
    ``lookup[product + 1]`` is a product's column among the ``m`` self-serve vendors
    (``-1``: not one), and ``powers[c, k] = (1 - vq[c]) ** k`` as numpy computes it
    (:func:`sim.kernels.colleague_powers`; numpy's power and the C library's ``pow``
    that a compiled ``**`` calls differ in the last bit of about one value in
    twenty). For each (row ``i``, column ``c``), as :func:`sim.kernels.self_serve_adoption`
    computed it with numpy:

    - ``k``: neighbours using the product of column ``c`` (the candidate's row read;
      an integer count, whatever the order);
    - ``stay = 1 - openness * rq[c] (* brand)``, then where ``k > 0`` and not (a
      collaborative product below ``threshold`` colleagues, whose hazard is 0 and
      leaves ``stay`` as it is) ``stay *= 1 - (1 - powers[c, k]) (* brand)``;
    - the chance of staying with every vendor, the columns multiplied left to right.

    Returns ``(rows, cum, k_max)``: the rows whose uniform is below ``1 - stay_all``,
    ascending; for each ``cumsum(1 - stay)`` over the columns; the largest ``k`` read.
    ``k_max >= powers.shape[1]``: the table was too short, the rest is not computed
    (call again with a wider one).
    """
    n, m = ids.shape[0], rq.shape[0]
    width = powers.shape[1]
    has_brand = brand.shape[0] > 0
    k = np.zeros(m, dtype=np.int64)
    stay = np.empty((n, m), dtype=np.float64)
    rows = np.empty(n, dtype=np.int64)
    kept = 0
    k_max = 0
    for i in range(n):
        k[:] = 0
        r = ids[i]
        for t in range(indptr[r], indptr[r + 1]):
            c = lookup[product[indices[t]] + 1]
            if c >= 0:
                k[c] += 1
                if k[c] > k_max:
                    k_max = k[c]
        if k_max >= width:
            return rows[:0], np.empty((0, m), dtype=np.float64), k_max
        o = openness[i]
        for c in range(m):
            a = o * rq[c]
            if has_brand:
                a *= brand[i, c]
            s = 1.0 - a
            kc = k[c]
            if kc > 0 and not (collaborative[c] and kc < threshold):
                b = 1.0 - powers[c, kc]
                if has_brand:
                    b *= brand[i, c]
                s *= 1.0 - b
            stay[i, c] = s
        stay_all = stay[i, 0]
        for c in range(1, m):
            stay_all *= stay[i, c]
        if uniforms[i] < 1.0 - stay_all:
            rows[kept] = i
            kept += 1
    cum = np.empty((kept, m), dtype=np.float64)
    for q in range(kept):
        i = rows[q]
        total = 1.0 - stay[i, 0]
        cum[q, 0] = total
        for c in range(1, m):
            total += 1.0 - stay[i, c]
            cum[q, c] = total
    return rows[:kept], cum, k_max


@njit(cache=True, nogil=True)
def pick_vendors(cum, uniforms):
    """The column each adopter takes: ``min(count(cum[i] < u[i] * cum[i, -1]), m - 1)``,
    as ``np.minimum((cum < (u * cum[:, -1])[:, None]).sum(axis=1), m - 1)`` gave it."""
    n, m = cum.shape
    pick = np.empty(n, dtype=np.int64)
    for i in range(n):
        u = uniforms[i] * cum[i, m - 1]
        below = 0
        for c in range(m):
            if cum[i, c] < u:
                below += 1
        pick[i] = min(below, m - 1)
    return pick


@njit(cache=True, nogil=True)
def with_joiners(adopters, products, invitee, product, uniforms, openness, team_invites):
    """The adopters followed by the invitees who join (mechanism 1b), and their products.

    :func:`tests.compiled_reference.joiners` and the two concatenations
    :meth:`sim.model.MarketModel._invites` made, in one call: an invitee joins when its
    uniform is below ``min(1, team_invites * openness)``; one invited into two
    workspaces joins the first (its earliest passing invitation); the joiners come
    ascending after the adopters. A stable sort of the passing invitations by invitee
    finds each one's first, where a dictionary did.
    """
    passing = np.empty(invitee.shape[0], dtype=np.int64)
    k = 0
    for i in range(invitee.shape[0]):
        if uniforms[i] < min(1.0, team_invites * openness[invitee[i]]):
            passing[k] = i
            k += 1
    passing = passing[:k]
    order = passing[np.argsort(invitee[passing], kind="mergesort")]
    n = adopters.shape[0]
    ids = np.empty(n + k, dtype=np.int64)
    out = np.empty(n + k, dtype=np.int64)
    ids[:n] = adopters
    out[:n] = products
    m = n
    for i in order:
        j = invitee[i]
        if m > n and ids[m - 1] == j:
            continue  # a later workspace of the same invitee
        ids[m] = j
        out[m] = product[i]
        m += 1
    return ids[:m], out[:m]


@njit(cache=True, nogil=True)
def apply_changes(
    adopters,
    products,
    churned,
    emp_product,
    emp_since,
    emp_mandated,
    emp_paid,
    emp_enterprise,
    agreement_at,
    contract_vendor,
    step,
    no_product,
):
    """Write the week's sign-ups and churn into the employee arrays; the churned products.

    What :meth:`sim.model.MarketModel._self_serve_phase` did with numpy, in its order:
    each adopter takes its product from ``step`` on, as a seat of its enterprise's
    agreement when the agreement's vendor (``contract_vendor[agreement_at[e]]``,
    ``agreement_at[e] = -1``: none) is that product's; then each churned user's product
    is read (returned, for :meth:`sim.user_counts.UserCounts.removed`) and cleared with
    its seat and payment. Adopters had no product and churned users had one, so no
    employee is in both lists.
    """
    for i in range(adopters.shape[0]):
        j = adopters[i]
        v = products[i]
        emp_product[j] = v
        emp_since[j] = step
        held = agreement_at[emp_enterprise[j]]
        emp_mandated[j] = held >= 0 and contract_vendor[held] == v
    gone = np.empty(churned.shape[0], dtype=np.int64)
    for i in range(churned.shape[0]):
        j = churned[i]
        gone[i] = emp_product[j]
        emp_product[j] = no_product
        emp_mandated[j] = False
        emp_paid[j] = False
    return gone


def warm_up() -> None:
    """Compile (or load) the loops for the model's dtypes (``int32`` products and network
    indices, ``int64`` ids); called by :func:`sim.compiled.warm_up`."""
    p = np.array([0, -1], dtype=np.int32)
    e = np.zeros(2, dtype=np.int32)
    b = np.zeros(2, dtype=bool)
    ids = np.zeros(1, dtype=np.int64)
    indptr = np.array([0, 1, 2], dtype=np.int32)
    indices = np.array([1, 0], dtype=np.int32)
    x = np.zeros(2)
    churned(ids, x[:1], p, indptr, indices, 0.1, np.ones(1), b[:1])
    from sim.compiled_skips import generator_pointers

    pointers = generator_pointers(np.random.default_rng(0))
    churned_by_skips(pointers, ids, p, indptr, indices, 0.1, np.zeros(1), b[:1])
    below_bound_at(x, ids, x, ids, 0.1, x[:1], False)
    lookup = np.array([-1, 0, -1], dtype=np.int64)
    powers = np.ones((1, 4))
    rows, cum, _ = adoption_rows(
        ids, x[:1], x[:1], np.zeros((0, 1)), p, indptr, indices, lookup, x[:1], powers, b[:1], 2
    )
    adoption_rows(
        ids, x[:1], x[:1], np.ones((1, 1)), p, indptr, indices, lookup, x[:1], powers, b[:1], 2
    )
    pick_vendors(cum, x[: len(rows)])
    with_joiners(ids, ids, ids, ids, x[:1], x, 0.5)
    since = np.zeros(2, dtype=np.int32)
    agreement = np.full(1, -1, dtype=np.int64)
    apply_changes(ids, ids, ids, p, since, b, b.copy(), e, agreement, e[:1], 3, -1)
    from sim.exposure import below_bound_by_rows  # the bound by rows (not a name here)

    below_bound_by_rows(ids, x[:1], x, ids, indptr, indices, p, x, 0.1, 0.01)
