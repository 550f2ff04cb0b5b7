"""Private: the exact tests the comparisons use, without importing scipy.stats.

``scipy.stats`` takes about a second to import, more than the rest of a ward
comparison. These are its exact binomial test (two-sided p-value, as
:func:`scipy.stats.binomtest` gives it) and its Benjamini-Hochberg adjustment
(:func:`scipy.stats.false_discovery_control`), and Fisher's exact test of a
2 x 2 table (:func:`scipy.stats.fisher_exact`), written out and tested against
scipy's own.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["benjamini_hochberg", "binomial_p", "fisher_p"]

_RERR = 1 + 1e-7
"""Outcomes this close in likelihood count as equally likely (scipy's rule)."""

_lgamma = np.frompyfunc(math.lgamma, 1, 1)


def binomial_p(k: int, n: int, p: float) -> float:
    """Two-sided p-value of ``k`` successes in ``n`` trials of chance ``p``.

    The chance of ``k`` or an outcome as far out on its side, plus that of the
    outcomes on the other side no more likely than ``k`` (the method of
    :func:`scipy.stats.binomtest`). ``n = 0`` gives 1.

    Examples
    --------
    >>> round(binomial_p(2, 10, 0.5), 6)  # 2 * P(X <= 2) for X ~ Bin(10, 0.5)
    0.109375
    """
    if n == 0:
        return 1.0
    if p <= 0.0 or p >= 1.0:
        return 1.0 if k == (0 if p <= 0.0 else n) else 0.0
    if k == p * n:
        return 1.0
    i = np.arange(n + 1, dtype=float)
    log_pmf = (
        math.lgamma(n + 1)
        - _lgamma(i + 1).astype(float)
        - _lgamma(n - i + 1).astype(float)
        + i * math.log(p)
        + (n - i) * math.log1p(-p)
    )
    pmf = np.exp(log_pmf)
    unlikely = pmf <= pmf[k] * _RERR
    if k < p * n:  # k's side: 0..k; the other: from the mean up
        mean = math.ceil(p * n)
        p_value = pmf[: k + 1].sum() + pmf[mean:][unlikely[mean:]].sum()
    else:  # k's side: k..n; the other: up to the mean
        top = math.floor(p * n) + 1
        p_value = pmf[k:].sum() + pmf[:top][unlikely[:top]].sum()
    return min(1.0, float(p_value))


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values, in the order given.

    Examples
    --------
    >>> benjamini_hochberg(np.array([0.01, 0.04, 0.03])).tolist()
    [0.03, 0.04, 0.04]
    """
    p = np.asarray(p, dtype=float)
    if p.size == 0:
        return p.copy()
    order = np.argsort(p)
    ranked = p[order] * (p.size / np.arange(1, p.size + 1))
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(ranked)
    out[order] = ranked
    return np.clip(out, 0, 1)


def fisher_p(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p-value of Fisher's exact test of the table ``[[a, b], [c, d]]``.

    Conditional on both margins, ``a`` is hypergeometric; the p-value sums the
    chances of every table no more likely than the one seen (the method of
    :func:`scipy.stats.fisher_exact`). A table with an empty margin gives 1.

    Examples
    --------
    In camera view 100 -> 70, elsewhere 100 -> 100:

    >>> round(fisher_p(100, 70, 100, 100), 3)
    0.095
    """
    row, col, n = a + b, a + c, a + b + c + d
    if min(row, col, n - row, n - col) == 0:
        return 1.0
    lo, hi = max(0, row + col - n), min(row, col)
    k = np.arange(lo, hi + 1, dtype=float)
    log_pmf = _log_choose(col, k) + _log_choose(n - col, row - k) - _log_choose(n, row)
    pmf = np.exp(log_pmf)
    seen = pmf[a - lo]
    return min(1.0, float(pmf[pmf <= seen * _RERR].sum()))


def _log_choose(n, k):
    k = np.atleast_1d(np.asarray(k, dtype=float))
    return (
        math.lgamma(n + 1)
        - _lgamma(k + 1).astype(float)
        - _lgamma(n - k + 1).astype(float)
    )
