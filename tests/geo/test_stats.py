"""The exact tests written out in geo._stats equal scipy.stats' own."""

import numpy as np
import pytest
from scipy.stats import binomtest, false_discovery_control

from geo._stats import benjamini_hochberg, binomial_p


@pytest.mark.parametrize("p", [0.5, 1 / 3, 0.6, 0.05, 0.93])
def test_binomial_p_equals_scipy_for_every_k(p):
    for n in (1, 2, 7, 30, 101, 600):
        for k in range(n + 1):
            want = binomtest(k, n, p).pvalue
            assert binomial_p(k, n, p) == pytest.approx(want, rel=1e-9, abs=1e-300), (
                k, n, p,
            )  # fmt: skip


def test_binomial_p_of_large_counts_and_edges():
    rng = np.random.default_rng(3)
    for _ in range(40):
        n = int(rng.integers(1_000, 40_000))
        p = float(rng.uniform(0.2, 0.8))
        k = int(rng.binomial(n, p * rng.uniform(0.95, 1.05)))
        k = min(k, n)
        assert binomial_p(k, n, p) == pytest.approx(
            binomtest(k, n, p).pvalue, rel=1e-8, abs=1e-300
        )
    assert binomial_p(0, 0, 0.5) == 1.0
    for k, n, p in [(0, 5, 0.0), (1, 5, 0.0), (5, 5, 1.0), (4, 5, 1.0), (3, 6, 0.5)]:
        assert binomial_p(k, n, p) == binomtest(k, n, p).pvalue


def test_benjamini_hochberg_equals_scipy():
    rng = np.random.default_rng(5)
    for size in (1, 2, 10, 49):
        p = rng.uniform(0, 0.2, size) ** 2
        p[: size // 3] = p[0]  # ties
        got = benjamini_hochberg(p)
        assert got == pytest.approx(false_discovery_control(p), rel=1e-12)
    assert benjamini_hochberg(np.array([])).size == 0
