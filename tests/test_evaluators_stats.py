"""The evaluators' statistics checked against distributions whose answers are known.

summarise(): a 95% t interval must cover the true mean in about 95% of repeated
samples (a z interval, or a wrong t table, covers visibly less at small n); the
percentiles of a large uniform sample sit on the true quantiles; the t table matches
the textbook. paired_test(): finds a planted difference, finds none between a plan
and itself, and rejects in about 5% of repetitions when there is no difference.
All samples come from fixed-seed numpy Generators, so the results are repeatable.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from sim.evaluation.stats import paired_test, summarise, t95

TRUE_MEAN, TRUE_SD = 3.0, 2.0


def coverage(n: int, repetitions: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(repetitions):
        s = summarise(rng.normal(TRUE_MEAN, TRUE_SD, n))
        hits += s.ci_low <= TRUE_MEAN <= s.ci_high
    return hits / repetitions


def test_ci_covers_true_mean_about_95_percent_at_n20():
    assert 0.92 <= coverage(20, 400, seed=20240601) <= 0.98


def test_ci_uses_t_not_z_at_small_n():
    # With n=5 a z interval (1.96) covers about 88%; Student's t (2.776) covers 95%.
    assert 0.93 <= coverage(5, 2000, seed=7) <= 0.97


def test_summary_of_large_normal_sample():
    rng = np.random.default_rng(11)
    x = rng.normal(TRUE_MEAN, TRUE_SD, 200_000)
    s = summarise(x)
    assert s.n == 200_000
    assert s.mean == pytest.approx(TRUE_MEAN, abs=0.02)
    assert s.sd == pytest.approx(TRUE_SD, rel=0.01)
    # half-width is t * sd / sqrt(n): about 1.96 * 2 / 447 = 0.0088
    assert (s.ci_high - s.ci_low) / 2 == pytest.approx(1.96 * s.sd / math.sqrt(s.n), rel=0.01)
    assert s.ci_low < s.mean < s.ci_high
    assert s.median == pytest.approx(TRUE_MEAN, abs=0.03)


def test_percentiles_of_uniform_sample_near_true_quantiles():
    rng = np.random.default_rng(3)
    s = summarise(rng.uniform(0.0, 1.0, 100_000))
    for got, want in ((s.p5, 0.05), (s.p25, 0.25), (s.median, 0.50), (s.p75, 0.75), (s.p95, 0.95)):
        assert got == pytest.approx(want, abs=0.01)
    assert s.p5 < s.p25 < s.median < s.p75 < s.p95


def test_summary_of_tiny_samples():
    empty = summarise([])
    assert empty.n == 0 and math.isnan(empty.mean)
    one = summarise([0.7])
    assert one.n == 1 and one.mean == 0.7 and one.sd == 0.0
    two = summarise([0.0, 1.0])
    # mean 0.5, sd 0.7071, half-width 12.706 * 0.7071 / sqrt(2) = 6.353
    assert two.ci_high - 0.5 == pytest.approx(6.353, abs=1e-3)


@pytest.mark.parametrize("df, textbook", [(1, 12.706), (2, 4.303), (10, 2.228), (30, 2.042),
                                          (35, 2.030), (50, 2.009), (100, 1.984), (200, 1.972),
                                          (1000, 1.962)])
def test_t95_matches_textbook(df, textbook):
    assert t95(df) == pytest.approx(textbook, abs=0.002)


def test_t95_decreases_with_df():
    values = [t95(df) for df in range(1, 2000)]
    assert all(a >= b for a, b in zip(values, values[1:]))
    assert values[-1] > 1.959


# -- paired comparisons ------------------------------------------------------------------

def test_paired_test_finds_planted_difference():
    rng = np.random.default_rng(42)
    a = rng.normal(0.6, 0.1, 40)
    b = a + 0.05 + rng.normal(0.0, 0.01, 40)
    result = paired_test(a, b)
    assert result.n == 40
    assert result.significant and result.p_value < 0.001
    assert result.mean_difference == pytest.approx(-0.05, abs=0.005)
    assert result.ci_low < -0.05 < result.ci_high < 0
    # the other way round: same p, opposite sign
    back = paired_test(b, a)
    assert back.mean_difference == pytest.approx(-result.mean_difference)
    assert back.p_value == pytest.approx(result.p_value)


def test_paired_test_finds_no_difference_between_a_plan_and_itself():
    a = np.random.default_rng(5).normal(0.7, 0.2, 40)
    result = paired_test(a, a.copy())
    assert result.p_value == 1.0
    assert not result.significant
    assert result.mean_difference == 0.0


def test_paired_test_small_n_is_exact():
    # ten differences all +0.1: only the all-plus and all-minus sign patterns are as
    # extreme, so the exact two-sided p is 2 / 2**10.
    a = np.full(10, 0.6)
    result = paired_test(a, a - 0.1)
    assert result.p_value == pytest.approx(2 / 1024)
    assert result.significant


def test_paired_test_rejects_about_5_percent_under_the_null():
    rng = np.random.default_rng(2024)
    rejections = 0
    repetitions = 200
    for i in range(repetitions):
        a = rng.normal(0.6, 0.1, 40)
        b = rng.normal(0.6, 0.1, 40)
        rejections += paired_test(a, b, seed=i).significant
    rate = rejections / repetitions
    assert 0.01 <= rate < 0.10, rate
