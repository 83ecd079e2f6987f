"""Customer lifetime value models as pure numpy/scipy functions: BG/NBD (Fader, Hardie &
Lee 2005) for repeat purchases and "alive" probability, Gamma-Gamma (Fader, Hardie & Lee
2005b) for spend per transaction.

Inputs are each customer's sufficient statistics: ``x`` repeat transactions (frequency),
``t_x`` time of the last one from the first (recency), ``T`` time from the first to the
end of calibration (age), and ``m`` the mean value of the repeat transactions. The
likelihoods are those of ``lifetimes`` (no penalty), in log space with ``gammaln`` and an
Euler-transformed hypergeometric term, so hundreds of transactions and ages of years stay
finite. Fits maximise the likelihood over log parameters with BFGS and the analytic
gradient, on identical customers counted once (weights)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, expit, gammaln, hyp2f1

GRADIENT_TOLERANCE = 1e-7  # on the mean log-likelihood per customer, as lifetimes' tol
CONVERGED_GRADIENT = 1e-5  # a stop for precision loss still counts as converged below this
LOG_PARAM_LIMIT = 15.0  # |log parameter| (times scaled to an age of 10) beyond this: it runs off, not identified


@dataclass(frozen=True)
class Fit:
    """A maximum-likelihood fit: parameters (in the model's order), the total
    log-likelihood over all customers, and how the optimiser ended."""

    params: tuple[float, ...]
    log_likelihood: float
    converged: bool
    iterations: int
    gradient_norm: float  # of the mean log-likelihood per customer, in log parameters
    message: str
    identified: bool  # every parameter and the log-likelihood finite
    runs_off: tuple[str, ...] = ()  # parameters beyond exp(+-LOG_PARAM_LIMIT): a boundary of the model


def compress(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Identical rows of ``columns`` once each, with how many customers share them."""
    unique, counts, _ = compress_with_inverse(*columns)
    return unique, counts


def compress_with_inverse(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """As ``compress``, and the unique row of every input row (``unique[i][inverse]`` is
    ``columns[i]``): predictions computed once per distinct customer history."""
    stacked = np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])
    unique, inverse, counts = np.unique(stacked, axis=0, return_inverse=True, return_counts=True)
    return [unique[:, i] for i in range(unique.shape[1])], counts.astype(np.float64), inverse.reshape(-1)


# ------------------------------------------------------------------------------ BG/NBD


def bgnbd_log_likelihood(
    r: float, alpha: float, a: float, b: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Each customer's BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6)."""
    ll, _ = _bgnbd_terms(np.array([r, alpha, a, b]), np.asarray(x, float), np.asarray(t_x, float), np.asarray(T, float))
    return ll


def _bgnbd_terms(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, grad: bool = False
) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-customer log-likelihood and (``grad``) its derivatives in r, alpha, a, b."""
    r, alpha, a, b = params
    repeat = x > 0
    bx1 = b + np.maximum(x, 1) - 1
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    A3 = -(r + x) * np.log(alpha + T)
    A4 = np.log(a) - np.log(bx1) - (r + x) * np.log(alpha + t_x)
    top = np.where(repeat, np.maximum(A3, A4), A3)
    e3 = np.exp(A3 - top)
    e4 = np.where(repeat, np.exp(A4 - top), 0.0)
    total = e3 + e4
    ll = A1 + A2 + np.log(total) + top
    if not grad:
        return ll, None
    w3, w4 = e3 / total, e4 / total
    d_r = digamma(r + x) - digamma(r) + np.log(alpha) - w3 * np.log(alpha + T) - w4 * np.log(alpha + t_x)
    d_alpha = r / alpha - w3 * (r + x) / (alpha + T) - w4 * (r + x) / (alpha + t_x)
    dg_ab, dg_abx = digamma(a + b), digamma(a + b + x)
    d_a = dg_ab - dg_abx + w4 / a
    d_b = dg_ab + digamma(b + x) - digamma(b) - dg_abx - w4 / bx1
    return ll, np.vstack([d_r, d_alpha, d_a, d_b])


def fit_bgnbd(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, weights: np.ndarray | None = None) -> Fit:
    """BG/NBD by maximum likelihood: (r, alpha, a, b). Times are rescaled so that the
    largest age is 10 for the search (alpha is a scale parameter; the maximum is the same)
    and alpha is given back in the input's unit. Starts where lifetimes does."""
    x, t_x, T = (np.asarray(v, dtype=np.float64) for v in (x, t_x, T))
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64)
    scale = 10.0 / float(np.max(T)) if len(T) and np.max(T) > 0 else 1.0
    ts_x, ts_T, total = t_x * scale, T * scale, float(w.sum())

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(theta)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            ll, d = _bgnbd_terms(params, x, ts_x, ts_T, grad=True)
        assert d is not None
        value = -float(w @ ll) / total
        gradient = -(d @ w) * params / total
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            return np.inf, np.zeros(4)
        return value, gradient

    fit = _maximise(objective, np.full(4, 0.1))
    r, alpha, a, b = np.exp(fit.x)
    alpha /= scale
    ll = float(w @ bgnbd_log_likelihood(r, alpha, a, b, x, t_x, T))
    return _fit_of(("r", "alpha", "a", "b"), (r, alpha, a, b), ll, fit)


def _maximise(objective, start: np.ndarray):
    from scipy.optimize import minimize  # lazy: 0.45 s of imports every command paid, `--help` too

    return minimize(objective, start, jac=True, method="BFGS", options={"gtol": GRADIENT_TOLERANCE, "maxiter": 2000})


def _fit_of(names: tuple[str, ...], params: tuple[float, ...], ll: float, fit) -> Fit:
    grad = float(np.linalg.norm(fit.jac)) if fit.jac is not None else float("inf")
    identified = all(np.isfinite(p) and p > 0 for p in params) and bool(np.isfinite(ll))
    runs_off = tuple(n for n, theta in zip(names, fit.x, strict=True) if abs(theta) >= LOG_PARAM_LIMIT)
    converged = (bool(fit.success) or grad < CONVERGED_GRADIENT) and identified
    return Fit(
        tuple(float(p) for p in params), ll, converged, int(fit.nit), grad, str(fit.message), identified, runs_off
    )


def p_alive(r: float, alpha: float, a: float, b: float, x, t_x, T) -> np.ndarray:
    """P(alive | x, t_x, T) (Fader, Hardie & Lee, note 021): 1 without repeats."""
    x, t_x, T = (np.asarray(v, dtype=np.float64) for v in (x, t_x, T))
    log_div = (r + x) * (np.log(alpha + T) - np.log(alpha + t_x)) + np.log(a) - np.log(b + np.maximum(x, 1) - 1)
    return np.where(x == 0, 1.0, expit(-log_div))


def expected_purchases(r: float, alpha: float, a: float, b: float, t, x, t_x, T) -> np.ndarray:
    """E[X(T, T + t) | x, t_x, T]: expected purchases in the next ``t`` (eq. 10). The Gauss
    hypergeometric term is taken through Euler's transformation, 2F1(r+x, b+x; c; z)
    (1-z)^(r+x) = (1-z)^(a-1) 2F1(a+b-1-r, a-1; c; z), whose parameters do not grow with
    x, so no term overflows for customers with hundreds of purchases. Where scipy's 2F1
    still fails (a and b in the thousands: dropout nearly the same for everyone), the
    same expectation is integrated over the dropout probability (``_expected_by_quadrature``)."""
    x, t_x, T, t = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (x, t_x, T, t)))
    c = a + b + x - 1
    z = t / (alpha + T + t)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        log_tail = (a - 1) * np.log1p(-z) + np.log(hyp2f1(a + b - 1 - r, a - 1, c, z))
        alive_purchases = c / (a - 1) * -np.expm1(log_tail)
    failed = ~np.isfinite(alive_purchases) | (alive_purchases < 0)
    if np.any(failed):
        alive_purchases = np.array(alive_purchases, dtype=np.float64)
        alive_purchases[failed] = _expected_by_quadrature(r, alpha, a, b, t[failed], x[failed], T[failed])
    return alive_purchases * p_alive(r, alpha, a, b, x, t_x, T)


QUADRATURE_NODES = 200


def _expected_by_quadrature(r: float, alpha: float, a: float, b: float, t, x, T) -> np.ndarray:
    """E[X(T, T + t) | alive, x, T] as an integral: given alive, the purchase rate is
    Gamma(r + x, alpha + T) and the dropout probability p is Beta(a, b + x); integrating
    the rate out leaves E_p[(1 - ((alpha+T) / (alpha+T+p t))^(r+x)) / p], taken by
    Gauss-Legendre quadrature over the Beta's quantiles (smooth where 2F1's series is not)."""
    from scipy.special import betaincinv

    nodes, weights = np.polynomial.legendre.leggauss(QUADRATURE_NODES)
    u = (nodes + 1) / 2
    p = betaincinv(a, (b + x)[:, None], u[None, :])
    scale = (alpha + T)[:, None]
    g = -np.expm1(-(r + x)[:, None] * np.log1p(p * t[:, None] / scale)) / p
    return (g * weights[None, :]).sum(axis=1) / 2


def discounted_purchases(
    r: float, alpha: float, a: float, b: float, horizon: float, rate_per_unit: float, x, t_x, T
) -> np.ndarray:
    """Expected purchases in the next ``horizon`` units, each step of one unit discounted at
    its end: sum_i (E[X(t_i)] - E[X(t_(i-1))]) / (1 + rate)^t_i, t_i = min(i, horizon)."""
    x = np.asarray(x, dtype=np.float64)
    total = np.zeros_like(x)
    before = np.zeros_like(x)
    steps = int(np.ceil(horizon - 1e-12))
    for i in range(1, steps + 1):
        t = min(float(i), horizon)
        now = expected_purchases(r, alpha, a, b, t, x, t_x, T)
        total += (now - before) / (1.0 + rate_per_unit) ** t
        before = now
    return total


# ------------------------------------------------------------------------- Gamma-Gamma


def gamma_gamma_log_likelihood(p: float, q: float, v: float, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Each repeat customer's Gamma-Gamma log-likelihood of the mean ``m`` of ``x`` values."""
    ll, _ = _gg_terms(np.array([p, q, v]), np.asarray(x, float), np.asarray(m, float))
    return ll


def _gg_terms(
    params: np.ndarray, x: np.ndarray, m: np.ndarray, grad: bool = False
) -> tuple[np.ndarray, np.ndarray | None]:
    p, q, v = params
    px = p * x
    log_xmv = np.log(x * m + v)
    ll = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * log_xmv
    )
    if not grad:
        return ll, None
    dg = digamma(px + q)
    d_p = x * (dg - digamma(px) + np.log(m) + np.log(x) - log_xmv)
    d_q = dg - digamma(q) + np.log(v) - log_xmv
    d_v = q / v - (px + q) / (x * m + v)
    return ll, np.vstack([d_p, d_q, d_v])


def fit_gamma_gamma(x: np.ndarray, m: np.ndarray, weights: np.ndarray | None = None) -> Fit:
    """Gamma-Gamma by maximum likelihood over repeat customers (x > 0, m > 0): (p, q, v).
    Values are rescaled to a mean of 1 for the search (v is a scale parameter)."""
    x, m = np.asarray(x, dtype=np.float64), np.asarray(m, dtype=np.float64)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64)
    mean = float(np.average(m, weights=w)) if len(m) else 1.0
    scale = 1.0 / mean if mean > 0 else 1.0
    ms, total = m * scale, float(w.sum())

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(theta)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            ll, d = _gg_terms(params, x, ms, grad=True)
        assert d is not None
        value = -float(w @ ll) / total
        gradient = -(d @ w) * params / total
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            return np.inf, np.zeros(3)
        return value, gradient

    fit = _maximise(objective, np.full(3, 0.1))
    p, q, v = np.exp(fit.x)
    v /= scale
    ll = float(w @ gamma_gamma_log_likelihood(p, q, v, x, m))
    return _fit_of(("p", "q", "gamma"), (p, q, v), ll, fit)


def expected_spend(p: float, q: float, v: float, x, m) -> np.ndarray:
    """E[M | x, m]: the expected value per transaction, a weighted mean of the population
    mean p v / (q - 1) and the customer's own mean ``m`` (the population mean when x = 0)."""
    x, m = np.asarray(x, dtype=np.float64), np.asarray(m, dtype=np.float64)
    return p * (v + x * m) / (p * x + q - 1)
