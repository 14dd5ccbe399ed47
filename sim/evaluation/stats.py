"""Statistics for evaluators: summaries with confidence intervals and paired comparisons.

Confidence intervals use Student's t (two-sided 95%, scipy.stats). Paired comparisons (two
plans or trainees on the same seeds: common random numbers) use scipy's permutation test
of the paired differences (signs flipped: no distribution assumed, exact for small
samples), with a bootstrap interval of the mean difference beside the t interval.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import stats as _stats


def t95(df: int) -> float:
    """The two-sided 95% critical value of Student's t with `df` degrees of freedom."""
    if df <= 0:
        return math.nan
    return float(_stats.t.ppf(0.975, df))


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float
    sd: float
    ci_low: float
    ci_high: float
    p5: float
    p25: float
    median: float
    p75: float
    p95: float


def summarise(values: Sequence[float]) -> Summary:
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n == 0:
        nan = math.nan
        return Summary(0, nan, nan, nan, nan, nan, nan, nan, nan, nan)
    mean = float(x.mean())
    sd = float(x.std(ddof=1)) if n > 1 else 0.0
    half = t95(n - 1) * sd / math.sqrt(n) if n > 1 else math.nan
    p = np.percentile(x, [5, 25, 50, 75, 95])
    return Summary(n, mean, sd, mean - half, mean + half, *map(float, p))


@dataclass(frozen=True)
class Paired:
    n: int
    mean_difference: float  # a - b
    ci_low: float
    ci_high: float
    p_value: float

    @property
    def significant(self) -> bool:
        return self.p_value < 0.05


def paired_test(a: Sequence[float], b: Sequence[float], *, resamples: int = 4_999, seed: int = 0) -> Paired:
    """Is the mean of a - b (paired by seed) different from zero? A permutation test of the
    paired differences (scipy.stats.permutation_test, permutation_type='samples')."""
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    n = len(d)
    if n == 0:
        return Paired(0, math.nan, math.nan, math.nan, math.nan)
    s = summarise(d)
    if n == 1:  # one pair: a difference, but nothing to test it with
        return Paired(1, float(d[0]), math.nan, math.nan, math.nan)
    if np.allclose(d, 0):
        return Paired(n, 0.0, 0.0, 0.0, 1.0)
    result = _stats.permutation_test((d,), np.mean, permutation_type="samples", n_resamples=resamples,
                                     alternative="two-sided", random_state=np.random.default_rng(seed))
    return Paired(n, s.mean, s.ci_low, s.ci_high, min(1.0, float(result.pvalue)))


def bootstrap_ci(values: Sequence[float], *, resamples: int = 2_000, seed: int = 0) -> tuple[float, float]:
    """A 95% bootstrap interval (BCa) of the mean: for scores bunched against 0 or 1, where
    the t interval can run past the ends."""
    x = np.asarray(values, dtype=float)
    if len(x) < 3 or np.allclose(x, x[0]):
        m = float(x.mean()) if len(x) else math.nan
        return m, m
    result = _stats.bootstrap((x,), np.mean, n_resamples=resamples, confidence_level=0.95, method="BCa",
                              random_state=np.random.default_rng(seed))
    low, high = result.confidence_interval
    if not (math.isfinite(low) and math.isfinite(high)):  # degenerate: fall back to percentiles
        result = _stats.bootstrap((x,), np.mean, n_resamples=resamples, method="percentile",
                                  random_state=np.random.default_rng(seed))
        low, high = result.confidence_interval
    return float(low), float(high)


def p_text(p: float) -> str:
    """A p-value as a reader wants it: 'p<0.001' rather than 'p=0.000'."""
    if math.isnan(p):
        return "no test (one pair)"
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"
