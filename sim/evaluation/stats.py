"""Statistics for evaluators: summaries with confidence intervals and paired comparisons.

Confidence intervals use Student's t (two-sided 95%). Paired comparisons (two plans or
trainees on the same seeds: common random numbers) use a sign-flip permutation test,
which assumes no distribution for the differences, exact for small samples.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

# two-sided 95% critical values of Student's t by degrees of freedom
_T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
        10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
        18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060,
        26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980}


def t95(df: int) -> float:
    if df <= 0:
        return math.nan
    if df in _T95:
        return _T95[df]
    if df > 120:
        return 1.960 + (1.980 - 1.960) * 120 / df
    lower = max(k for k in _T95 if k < df)
    upper = min(k for k in _T95 if k > df)
    # interpolate in 1/df, which is close to linear for t quantiles
    w = (1 / df - 1 / upper) / (1 / lower - 1 / upper)
    return _T95[upper] + w * (_T95[lower] - _T95[upper])


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


def paired_test(a: Sequence[float], b: Sequence[float], *, resamples: int = 20_000, seed: int = 0) -> Paired:
    """Is the mean of a - b (paired by seed) different from zero?"""
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    n = len(d)
    if n == 0:
        return Paired(0, math.nan, math.nan, math.nan, math.nan)
    s = summarise(d)
    observed = abs(d.mean())
    if np.allclose(d, 0):
        return Paired(n, 0.0, 0.0, 0.0, 1.0)
    if n <= 16:  # every sign pattern: exact
        signs = np.array(list(itertools.product((1.0, -1.0), repeat=n)))
    else:
        rng = np.random.default_rng(seed)
        signs = rng.choice((1.0, -1.0), size=(resamples, n))
    means = np.abs((signs * d).mean(axis=1))
    p = float((np.count_nonzero(means >= observed - 1e-12) + (0 if n <= 16 else 1)) /
              (len(signs) + (0 if n <= 16 else 1)))
    return Paired(n, s.mean, s.ci_low, s.ci_high, min(1.0, p))
