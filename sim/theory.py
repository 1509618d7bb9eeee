"""Known results the model must reproduce in its limits: Bass diffusion and predator-prey.

Two limits of :class:`sim.model.MarketModel` have a mean field that can be written
down from the code, mechanism by mechanism (``docs/theory.md`` has the derivation):

* **Bass limit** (scenario ``bass``): one enterprise of ``N`` employees on a complete
  org network, one self-serve vendor of quality 1, everyone fully open, no churn.
  A non-user adopts with weekly probability ``1 - (1 - p)(1 - v)^k`` where ``k`` is
  the number of adopters, so the adopted share follows the recursion of
  :func:`bass_recursion` exactly in expectation, and the Bass (1969) curve
  :func:`bass_cdf` with ``p = marketing_reach`` and ``q = virality * N`` when the
  weekly hazards are small.
* **Predator-prey limit** (scenario ``predator_prey``): one-person enterprises whose
  only employee is the buyer (so buyers are well mixed), one direct vendor that
  cannot run out of cash, no entry. Buyers' mean receptivity ``R`` (prey) and reps
  ``Y`` (predators) follow :func:`mean_field_map`, whose continuous form is the
  Lotka-Volterra-type system of docs/model.md with coefficients from
  :func:`predator_prey_coefficients`.

The module also measures periods, lags and peaks in simulated series
(:func:`dominant_period`, :func:`peak_lag`), so tests, ``salesweb validate`` and a
researcher use one definition.

References
----------
Bass, F. M. (1969). A new product growth for model consumer durables. Management
Science 15(5), 215-227.
Fibich, G. and Gibori, R. (2010). Aggregate diffusion dynamics in agent-based models
with a spatial structure. Operations Research 58(5), 1450-1468.
Lotka, A. J. (1925). Elements of Physical Biology. Williams and Wilkins.
Volterra, V. (1926). Fluctuations in the abundance of a species considered
mathematically. Nature 118, 558-560.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from sim.economics import QUARTER
from sim.selling import N_STAGES

# --------------------------------------------------------------------------- Bass


def bass_cdf(t: np.ndarray | float, p: float, q: float) -> np.ndarray:
    """Bass (1969) adopted share ``F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})``.

    Parameters
    ----------
    t : array_like
        Time in weeks (steps).
    p, q : float
        Coefficients of innovation and imitation per week.

    Returns
    -------
    ndarray
        The share of adopters at ``t``, the solution of ``dF/dt = (1 - F)(p + q F)``
        with ``F(0) = 0``.

    References
    ----------
    Bass, F. M. (1969). A new product growth for model consumer durables.
    Management Science 15(5), 215-227.
    """
    t = np.asarray(t, dtype=float)
    e = np.exp(-(p + q) * t)
    return (1.0 - e) / (1.0 + (q / p) * e)


def bass_peak_time(p: float, q: float) -> float:
    """Time of peak adoption of the continuous Bass curve, ``ln(q/p) / (p + q)`` (0 if q <= p)."""
    return float(np.log(q / p) / (p + q)) if q > p else 0.0


def bass_recursion(p: float, v: float, n: int, steps: int) -> np.ndarray:
    """Mean-field adopted share of the ``bass`` scenario, week by week.

    ``F[t+1] = F[t] + (1 - F[t]) * (1 - (1 - p) * (1 - v) ** (n * F[t]))``, ``F[0] = 0``.

    This is the expectation of next week's share given this week's, exactly as
    :func:`sim.kernels.self_serve_adoption` draws it on a complete graph (every
    adopter is a neighbour of every non-adopter, so ``k = n F``) with
    ``a = marketing_reach * openness * quality = p`` and
    ``b = 1 - (1 - virality * quality) ** k``. Averaged over runs, the share tracks
    it up to the variance of the take-off time (Jensen's inequality), which falls as
    ``1 / n``.

    Parameters
    ----------
    p : float
        ``marketing_reach`` (weekly innovation hazard).
    v : float
        ``virality`` (weekly persuasion probability per adopting colleague).
    n : int
        Employees (``enterprise_size_min == enterprise_size_max``).
    steps : int
        Weeks to iterate.

    Returns
    -------
    ndarray of shape (steps + 1,)
        ``F[0] = 0`` then the share after each week.
    """
    f = np.zeros(steps + 1)
    for t in range(steps):
        f[t + 1] = f[t] + (1.0 - f[t]) * (1.0 - (1.0 - p) * (1.0 - v) ** (n * f[t]))
    return f


def degree_mean_field(p: float, v: float, degrees: np.ndarray, steps: int) -> np.ndarray:
    """Adopted share on an annealed network with these degrees, week by week.

    The heterogeneous mean field (Pastor-Satorras and Vespignani 2001; Barrat,
    Barthelemy and Vespignani 2008, ch. 4): people are grouped by degree ``k``; a
    colleague is an adopter with the probability ``theta`` that a random tie ends at one,
    ``theta = sum_k k P(k) rho_k / <k>``, so a person of degree ``k`` sees ``k theta``
    adopting colleagues and

        rho_k[t+1] = rho_k[t] + (1 - rho_k[t]) * (1 - (1 - p) * (1 - v) ** (k * theta[t])).

    It keeps a network's degrees and drops everything else (who knows whom, teams,
    clustering), so it is the right yardstick for a network whose degrees differ: with
    per-colleague ``v = q / <k>``, well-connected people are persuaded first and pull
    adoption ahead of the complete graph, which no clustering argument rules out.
    Clustering then slows the real network below this curve: adopters' colleagues are
    each other's colleagues (Fibich and Gibori 2010 for the complete-graph comparison
    on networks of equal degree). On a network where everyone has degree ``k`` it is
    :func:`bass_recursion` with ``k`` adopting colleagues per share instead of ``n``.

    Returns
    -------
    ndarray of shape (steps + 1,)
        ``0`` then the share after each week.
    """
    ks, counts = np.unique(np.asarray(degrees), return_counts=True)
    share_k = counts / counts.sum()
    mean_k = float((ks * share_k).sum())
    rho = np.zeros(len(ks))
    out = np.zeros(steps + 1)
    for t in range(steps):
        theta = float((ks * share_k * rho).sum()) / mean_k if mean_k > 0 else 0.0
        rho = rho + (1.0 - rho) * (1.0 - (1.0 - p) * (1.0 - v) ** (ks * theta))
        out[t + 1] = float((share_k * rho).sum())
    return out


def bass_pq(marketing_reach: float, virality: float, n: int) -> tuple[float, float]:
    """Bass ``(p, q)`` per week of the ``bass`` scenario: ``(marketing_reach, virality * n)``.

    For small hazards ``1 - (1-p)(1-v)^k ~ p + v k = p + (v n) F``. (docs/model.md writes
    ``virality * (n - 1)``, the count of colleagues; with ``F`` the share of all
    ``n`` employees it is ``v n``; the two differ by ``1/n``.)
    """
    return float(marketing_reach), float(virality * n)


def bass_overrides(p: float, q: float, n: int) -> dict[str, Any]:
    """Overrides of the ``bass`` scenario that realise Bass coefficients ``p, q`` on ``n`` people."""
    return {
        "marketing_reach": p,
        "virality": q / n,
        "enterprise_size_min": n,
        "enterprise_size_max": n,
    }


def peak_share(p: float, q: float) -> float:
    """Adopted share at the Bass peak of adoption, ``(q - p) / (2 q)`` (0 if q <= p)."""
    return max(0.0, (q - p) / (2.0 * q))


def peak_time(share: np.ndarray, p: float, q: float) -> float:
    """Week of peak adoption of a share curve: when it crosses the Bass peak share.

    The Bass adoption rate ``(1 - F)(p + q F)`` peaks at ``F = (q - p) / (2q)``
    (:func:`peak_share`), so the time a curve crosses that share is its peak time, and
    for :func:`bass_cdf` it equals :func:`bass_peak_time` exactly. The crossing (linear
    interpolation between weeks) is much less noisy than the argmax of the weekly
    increments of a simulated curve, which is flat near its top.
    """
    share = np.asarray(share, dtype=float)
    level = peak_share(p, q)
    above = np.flatnonzero(share >= level)
    if not len(above):
        return float("nan")
    i = int(above[0])
    if i == 0:
        return 0.0
    a, b = share[i - 1], share[i]
    return float(i - 1 + (level - a) / (b - a))


# ---------------------------------------------------------------- predator-prey


@dataclass(frozen=True)
class PredatorPrey:
    """Mean-field coefficients of the predator-prey limit, read off the code.

    Attributes
    ----------
    c : float
        ``receptivity_recovery``: ``R += c (1 - R)`` each week (``MarketModel._recover``).
    beta : float
        Receptivity lost per rep per week, ``touch_fatigue * touches_per_rep * spare / B``:
        a rep's Poisson touches land on each of the ``B`` eligible buyers with
        rate ``touches_per_rep * spare / B``, and ``E[(1 - f)^n] = exp(-f lambda)``
        for Poisson ``n``, so the week multiplies ``R`` by ``exp(-beta Y)``.
    delta : float
        Reps hired per rep per week per unit of receptivity: responses per rep
        (``touches_per_rep * spare * R``) times the share of responses that open an
        opportunity (``open_share``) times the win probability ``win_rate`` times
        ``ACV * rep_hiring_rate / (13 * rep_cost)``.
    gamma : float
        ``rep_attrition``: reps lost per rep per week.
    delay : int
        Weeks from a response to the hires it pays for (pipeline of four stages at
        hazard 1: the opportunity closes three steps after the step that opened it,
        and hiring follows in the same step).
    buyers : int
        Eligible buyers ``B`` (all committee seats).
    win_rate, acv, spare, open_share : float
        The pieces of ``delta``, for the record.
    """

    c: float
    beta: float
    delta: float
    gamma: float
    delay: int
    buyers: int
    win_rate: float
    acv: float
    spare: float
    open_share: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def _expected_capped_win(a: float) -> float:
    """``E[min(1, 2 a U)]`` for ``U ~ Uniform(0, 1)`` (the prospect's effort in the win formula)."""
    if a <= 0.5:
        return a
    return 1.0 - 1.0 / (4.0 * a)


def predator_prey_coefficients(params: dict[str, Any]) -> PredatorPrey:
    """Derive ``c, beta, delta, gamma`` and the pipeline delay from a parameter set.

    Parameters
    ----------
    params : dict
        A full parameter set (``model.params``, or a scenario's parameters merged
        with the defaults). It must describe the predator-prey limit: one-person
        enterprises (``enterprise_size_min == enterprise_size_max == 1``) or equal
        sizes, one direct vendor, ``vendor_heterogeneity = 0``, ``rep_ramp_weeks = 0``,
        ``hiring_interval = 1``, ``sales_cycle_weeks <= 4`` (stage hazard 1),
        ``warm_intro_share = 0``, ``qualification = 0``, ``rollout_share = 0`` (no
        champions), ``min_runway_weeks = 0``, no entry, adaptation or generational
        change, and cash that does not run out.

    Returns
    -------
    PredatorPrey

    Raises
    ------
    ValueError
        If the parameters are outside the limit (the message names the parameter).

    Notes
    -----
    Win probability (``sim.selling.advance_pipeline``) is
    ``base_win_rate * quality * 2 U * (1 + champion_boost * 0) * (1 - committee_drag)^(K-1)``
    (``effort_win_weight = 1``) with the prospect's effort ``U`` uniform, so its mean is
    ``a = base_win_rate * quality * (1 - committee_drag)^(K-1)`` when ``2a <= 1``.
    Bookings per win are the ACV of one seat at the enterprise tier,
    ``12 * seat_price * enterprise_uplift`` (no rollout, no users inside), capped by the
    budget ``n * budget_per_employee``. Hires each week are
    ``rep_hiring_rate * bookings / (13 * rep_cost)`` (``sim.economics.staff``).

    The ``spare`` capacity ``1 - open / (reps * rep_capacity)`` and the share of
    responses that find no open opportunity of the vendor in their enterprise
    (``open_share``; a response opens at most one opportunity per enterprise and
    vendor) are evaluated at the equilibrium: the pipeline holds ``delay`` weeks of
    responses, ``delay * touches_per_rep * R*`` per rep, spread over ``B`` buyers.
    """
    p = params
    checks = {
        "n_vendors": p["n_vendors"] == 1,
        "strategy_mix": tuple(p["strategy_mix"]) == (0.0, 1.0, 0.0),
        "enterprise_size_min": p["enterprise_size_min"] == p["enterprise_size_max"],
        "vendor_heterogeneity": p["vendor_heterogeneity"] == 0,
        "rep_ramp_weeks": p["rep_ramp_weeks"] == 0,
        "hiring_interval": p["hiring_interval"] == 1,
        "sales_cycle_weeks": p["sales_cycle_weeks"] <= N_STAGES,
        "warm_intro_share": p["warm_intro_share"] == 0,
        "qualification": p["qualification"] == 0,
        "effort_win_weight": p["effort_win_weight"] == 1,
        "lost_deal_cooloff_weeks": p["lost_deal_cooloff_weeks"] == 0,
        "sales_start_week": p["sales_start_week"] == 0,
        "rollout_share": p["rollout_share"] == 0,
        "min_runway_weeks": p["min_runway_weeks"] == 0,
        "entry_rate": p["entry_rate"] == 0,
        "adaptive_strategies": not p["adaptive_strategies"],
        # a newcomer on a committee resets the seat's receptivity (workforce.turnover)
        "generational_change": not p["generational_change"],
    }
    bad = [name for name, ok in checks.items() if not ok]
    if bad:
        raise ValueError(
            f"parameters {', '.join(bad)} are outside the predator-prey limit; "
            "start from the 'predator_prey' scenario"
        )
    size = int(p["enterprise_size_min"])
    k = min(size, int(p["committee_size"]))
    n_ent = int(p["n_enterprises"])
    buyers = n_ent * k
    a = p["base_win_rate"] * p["quality"] * (1.0 - p["committee_drag"]) ** (k - 1)
    win = _expected_capped_win(a)
    # no rollout and no users: one seat at the enterprise tier (sim.contracting.seat_acv)
    acv = min(12.0 * p["seat_price"] * p["enterprise_uplift"], size * p["budget_per_employee"])
    hires_per_booking = p["rep_hiring_rate"] / (QUARTER * p["rep_cost"])
    tau, f, gamma = float(p["touches_per_rep"]), p["touch_fatigue"], p["rep_attrition"]
    delay = N_STAGES - 1
    # Fixed point of the corrections (spare capacity, busy enterprises) at R*.
    spare, open_share = 1.0, 1.0
    for _ in range(50):
        delta = tau * spare * open_share * win * acv * hires_per_booking
        r_star = gamma / delta if delta > 0 else np.inf
        if not np.isfinite(r_star):
            break
        spare = max(1e-9, 1.0 - delay * tau * r_star / p["rep_capacity"])
        # responses per enterprise per week at equilibrium: recovery flux c (1 - R*) k / f
        # (each response costs its buyer a share f of receptivity); an enterprise is
        # busy for `delay` weeks after a response opens an opportunity.
        flux = p["receptivity_recovery"] * max(0.0, 1.0 - r_star) * k / max(f, 1e-12)
        open_share = 1.0 / (1.0 + delay * flux)
    beta = f * tau * spare / buyers
    return PredatorPrey(
        c=float(p["receptivity_recovery"]),
        beta=float(beta),
        delta=float(delta),
        gamma=float(gamma),
        delay=delay,
        buyers=buyers,
        win_rate=float(win),
        acv=float(acv),
        spare=float(spare),
        open_share=float(open_share),
    )


def scenario_params(scenario: str = "predator_prey", **overrides: Any) -> dict[str, Any]:
    """Full parameter set of a scenario plus overrides (defaults filled in, validated)."""
    from sim.params import defaults
    from sim.scenarios import load_scenario

    values = defaults()
    values.update(load_scenario(scenario).model_kwargs(**overrides))
    values.pop("rng", None)
    values.pop("vendors", None)
    return values


def equilibrium(pp: PredatorPrey) -> tuple[float, float]:
    """Interior equilibrium ``(R*, Y*)`` of the ODE: ``R* = gamma/delta``, ``Y* = c(1-R*)/(beta R*)``."""
    r = pp.gamma / pp.delta
    return r, pp.c * (1.0 - r) / (pp.beta * r)


def jacobian(pp: PredatorPrey) -> np.ndarray:
    """Jacobian of ``dR/dt = c(1-R) - beta R Y``, ``dY/dt = delta R Y - gamma Y`` at equilibrium.

    ``[[-c - beta Y*, -beta R*], [delta Y*, 0]]``: trace ``-c/R*``, determinant
    ``delta c (1 - R*)``.
    """
    r, y = equilibrium(pp)
    return np.array([[-pp.c - pp.beta * y, -pp.beta * r], [pp.delta * y, 0.0]])


def eigenvalues(pp: PredatorPrey) -> np.ndarray:
    """Eigenvalues of :func:`jacobian` (per week)."""
    return np.linalg.eigvals(jacobian(pp))


def map_equilibrium(pp: PredatorPrey) -> tuple[float, float]:
    """Fixed point ``(R*, Y*)`` of the weekly map :func:`mean_field_map`.

    ``R* = gamma / delta`` as in the ODE; ``Y*`` solves
    ``R* = c + (1 - c) R* exp(-beta Y*)``.
    """
    r = pp.gamma / pp.delta
    ratio = (r - pp.c) / ((1.0 - pp.c) * r)
    if ratio <= 0:
        return r, np.inf
    return r, -np.log(ratio) / pp.beta


def map_eigenvalues(pp: PredatorPrey) -> np.ndarray:
    """Eigenvalues of the weekly map linearised at its fixed point (with the pipeline delay).

    State ``(R_t, Y_t, z_t, z_{t-1}, ..., z_{t-d})`` with the flux ``z = R Y``; the map is
    ``R' = c + (1-c) R e^{-beta Y}`` and ``Y' = (1 - gamma) Y + delta z_{t-d}``.
    Returns the multipliers ``mu`` (per week); the continuous-time rate is ``log mu``.
    """
    return np.linalg.eigvals(_map_matrix(pp))


def _map_matrix(pp: PredatorPrey) -> np.ndarray:
    """Jacobian of the weekly mean-field map at its fixed point (see map_eigenvalues)."""
    r, y = map_equilibrium(pp)
    d = pp.delay
    e = np.exp(-pp.beta * y)
    n = 2 + d + 1  # R, Y, and the flux z_t = R_t Y_t, z_{t-1}, ..., z_{t-d}
    m = np.zeros((n, n))
    # R_{t+1}
    m[0, 0] = (1.0 - pp.c) * e
    m[0, 1] = -(1.0 - pp.c) * r * e * pp.beta
    # Y_{t+1} = (1-gamma) Y_t + delta z_{t-d}
    m[1, 1] = 1.0 - pp.gamma
    m[1, 2 + d] = pp.delta
    # z_{t+1} = R_{t+1} Y_{t+1}: linearised, y dR' + r dY'
    m[2, :] = y * m[0, :] + r * m[1, :]
    # shift register z_{t-j+1} <- z_{t-j}
    for j in range(1, d + 1):
        m[2 + j, 2 + j - 1] = 1.0
    return m


def _period_from(rates: np.ndarray) -> float:
    """Period ``2 pi / Im`` of the slowest-decaying oscillatory rate; inf if none."""
    osc = rates[np.abs(rates.imag) > 1e-12]
    if not len(osc):
        return float("inf")
    lead = osc[np.argmax(osc.real)]
    return float(2.0 * np.pi / abs(lead.imag))


def predicted_period(
    scenario: str = "predator_prey", method: str = "map", **overrides: Any
) -> float:
    """Predicted period (weeks) of the predator-prey cycle for a scenario plus overrides.

    Parameters
    ----------
    scenario : str
        Preset name or path (default ``predator_prey``).
    method : {"map", "ode"}
        ``"map"`` (default): the weekly mean-field map with the pipeline delay,
        linearised at its fixed point, period ``2 pi / |arg mu|`` of its leading
        complex multiplier: what the code does. ``"ode"``: the continuous
        Lotka-Volterra-type ODE of docs/model.md, ``2 pi / Im(lambda)``.
    **overrides
        Parameter overrides, as for :meth:`sim.model.MarketModel.from_scenario`.

    Returns
    -------
    float
        The period in weeks, ``inf`` when the eigenvalues are real (no cycle).
    """
    pp = predator_prey_coefficients(scenario_params(scenario, **overrides))
    if method == "ode":
        return _period_from(eigenvalues(pp))
    if method == "map":
        return _period_from(np.log(map_eigenvalues(pp).astype(complex)))
    raise ValueError(f"method {method!r}: expected 'map' or 'ode'")


def predicted_lag(pp: PredatorPrey, method: str = "map") -> float:
    """Weeks by which reps' peaks follow receptivity's in the linearised mean field.

    Along the leading eigenvector ``(v_R, v_Y, ...)`` a deviation is
    ``Re(v e^{lambda t})``, so ``Y`` peaks ``(arg v_R - arg v_Y) / Im(lambda)`` weeks after
    ``R`` (taken in ``[0, period)``). In Lotka-Volterra the predator follows the prey by
    about a quarter period. ``method`` is ``"map"`` (weekly map with the pipeline delay)
    or ``"ode"``.
    """
    if method == "ode":
        vals, vecs = np.linalg.eig(jacobian(pp))
    else:
        mu, vecs = np.linalg.eig(_map_matrix(pp))
        vals = np.log(mu.astype(complex))
    osc = np.flatnonzero(vals.imag > 1e-12)
    if not len(osc):
        return float("nan")
    i = int(osc[np.argmax(vals[osc].real)])
    w = vals[i].imag
    if w <= 0:
        return float("nan")
    phase = (np.angle(vecs[0, i]) - np.angle(vecs[1, i])) % (2 * np.pi)
    return float(phase / w)


def mean_field_map(pp: PredatorPrey, r0: float, y0: float, steps: int) -> np.ndarray:
    """Iterate the weekly mean-field map from ``(R_0, Y_0)``; returns an array (steps+1, 2).

    ``R_{t+1} = c + (1 - c) R_t exp(-beta Y_t)`` (touches, then recovery) and
    ``Y_{t+1} = (1 - gamma) Y_t + delta R_{t-d} Y_{t-d}`` (attrition, then hires paid by
    the wins of responses ``d`` weeks earlier; no hires before week ``d``).
    """
    out = np.zeros((steps + 1, 2))
    out[0] = r0, y0
    flux = np.zeros(steps + 1)
    for t in range(steps):
        r, y = out[t]
        flux[t] = r * y
        hires = pp.delta * flux[t - pp.delay] if t >= pp.delay else 0.0
        out[t + 1, 0] = pp.c + (1.0 - pp.c) * r * np.exp(-pp.beta * y)
        out[t + 1, 1] = (1.0 - pp.gamma) * y + hires
    return out


# ------------------------------------------------------------------ measurement


def autocorrelation(x: np.ndarray, max_lag: int) -> np.ndarray:
    """Sample autocorrelation of ``x`` (mean removed) at lags ``0..max_lag``."""
    x = np.asarray(x, dtype=float) - np.mean(x)
    n = len(x)
    spec = np.fft.rfft(x, 2 * n)
    acov = np.fft.irfft(spec * np.conj(spec))[: max_lag + 1] / n
    return acov / acov[0]


def dominant_period(series: list[np.ndarray] | np.ndarray, max_lag: int | None = None) -> float:
    """Dominant period (weeks) of one or several stationary series, from their autocorrelation.

    The autocorrelations of the series (means removed) are averaged and
    ``e^{-a t}(cos w t + b sin w t)`` is fitted to the average by least squares, over
    lags up to its second minimum (about one and a half periods: the tail is noise).
    For a linear system driven by noise, the autocorrelation of either variable has
    exactly this form with ``-a + i w`` the leading eigenvalue, so ``2 pi / w``
    estimates the period of the mean field's damped cycle. The extrema are located
    on the autocorrelation smoothed over 5 lags, so shot noise in a series (hires
    come in lumps) does not fake an early minimum.

    Parameters
    ----------
    series : array or list of arrays
        One series or several runs of equal settings (after their transient).
    max_lag : int, optional
        Longest lag computed (default: half the shortest series).

    Returns
    -------
    float
        ``2 pi / w`` in weeks; ``nan`` if the autocorrelation does not oscillate.
    """
    from scipy.optimize import curve_fit

    acf = _mean_acf(series, max_lag)
    smooth = np.convolve(acf, np.ones(5) / 5, mode="same")
    first = _first_extremum(smooth, 3, minimum=True)
    if first is None:
        return float("nan")
    peak = _first_extremum(smooth, first, minimum=False) or len(acf) - 1
    second = _first_extremum(smooth, peak, minimum=True) or len(acf) - 1
    lags = np.arange(second + 1, dtype=float)

    def model(t, a, w, b):
        return np.exp(-a * t) * (np.cos(w * t) + b * np.sin(w * t))

    try:
        (_, w, _), _ = curve_fit(
            model, lags, acf[: second + 1], p0=(0.01, np.pi / first, 0.0), maxfev=20000
        )
    except RuntimeError:
        return float("nan")
    return float(2.0 * np.pi / abs(w))


def spectral_period(series: list[np.ndarray] | np.ndarray) -> float:
    """Period (weeks) at the peak of the averaged periodogram (a cross-check of
    :func:`dominant_period`).

    Each run is demeaned and Hann-windowed; the periodograms of the runs are
    averaged, smoothed over three frequency bins (Daniell) and the peak, above two
    cycles per run (below is trend), is refined by a parabola. A raw periodogram is
    noisy (two degrees of freedom per bin), so this needs several runs of several
    periods each to be stable.
    """
    runs = [np.asarray(series, dtype=float)] if np.ndim(series) == 1 else list(series)
    n = min(len(s) for s in runs)
    window = np.hanning(n)
    power = np.mean(
        [np.abs(np.fft.rfft((s[:n] - np.mean(s[:n])) * window)) ** 2 for s in runs], axis=0
    )
    power = np.convolve(power, np.ones(3) / 3, mode="same")
    lowest = 2
    i = int(np.argmax(power[lowest:])) + lowest
    freq = _refine(power, i) / n
    return float(1.0 / freq) if freq > 0 else float("nan")


def peak_lag(lead: np.ndarray, follow: np.ndarray, max_lag: int) -> int:
    """Lag (weeks) at which ``follow`` correlates best with ``lead``: positive if it follows.

    Maximises the cross-correlation ``corr(lead_t, follow_{t+k})`` over
    ``k in [-max_lag, max_lag]``.
    """
    a = np.asarray(lead, dtype=float)
    b = np.asarray(follow, dtype=float)
    a = (a - a.mean()) / a.std()
    b = (b - b.mean()) / b.std()
    n = len(a)
    best, best_k = -np.inf, 0
    for k in range(-max_lag, max_lag + 1):
        cc = np.mean(a[: n - k] * b[k:]) if k >= 0 else np.mean(a[-k:] * b[: n + k])
        if cc > best:
            best, best_k = cc, k
    return best_k


def _mean_acf(series, max_lag):
    runs = [np.asarray(series, dtype=float)] if np.ndim(series) == 1 else list(series)
    n = min(len(s) for s in runs)
    max_lag = max_lag or n // 2
    return np.mean([autocorrelation(s, max_lag) for s in runs], axis=0)


def _first_extremum(acf: np.ndarray, start: int, minimum: bool) -> int | None:
    sign = 1.0 if minimum else -1.0
    for i in range(max(start, 1), len(acf) - 1):
        if sign * acf[i] <= sign * acf[i - 1] and sign * acf[i] < sign * acf[i + 1]:
            return i
    return None


def _refine(y: np.ndarray, i: int) -> float:
    if 0 < i < len(y) - 1:
        a, b, c = y[i - 1], y[i], y[i + 1]
        denom = a - 2 * b + c
        if denom != 0:
            return float(i + 0.5 * (a - c) / denom)
    return float(i)
