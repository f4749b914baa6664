"""The articles' formulas are reproduced as written, and differ from the correct schedules where claimed."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import schedules as S
from course_lib.references import articles

STEPS = np.arange(0, 2001)


@pytest.mark.parametrize(
    "fn", [getattr(articles, name) for name in articles.__all__ if callable(getattr(articles, name))]
)
def test_scalar_gives_float_and_array_gives_array(fn):
    assert isinstance(fn(3), float)
    values = fn(np.arange(5))
    assert isinstance(values, np.ndarray) and values.dtype == np.float64 and values.shape == (5,)
    assert values[3] == fn(3)


@pytest.mark.parametrize("fn", [articles.a000_exponential_decay, articles.a001_linear_decay, articles.a002_warmup])
def test_negative_steps_are_refused(fn):
    with pytest.raises(ValueError, match="t must be >= 0"):
        fn(-1)


def test_000_exponential_is_linear_and_goes_negative():
    values = articles.a000_exponential_decay(STEPS[:200], lr0=0.1, alpha=0.01)
    assert np.allclose(np.diff(values), -0.001)  # constant slope: linear, not exponential
    assert values[100] == pytest.approx(0.0, abs=1e-15) and values[150] == pytest.approx(-0.05)
    assert articles.a000_exponential_decay(150) < 0 < S.exponential_decay(0.1, 0.99)(150)


def test_000_ema_decay_is_scaled_exponential_that_starts_above_lr0():
    values = articles.a000_ema_decay(STEPS, lr0=0.1, alpha=0.01, T=100)
    assert values[0] == pytest.approx(0.1 / (1 - 0.99**100)) and 1.57 < values[0] / 0.1 < 1.58
    assert np.allclose(values / S.exponential_decay(0.1, 0.99)(STEPS), 1 / (1 - 0.99**100))  # a constant factor
    assert values[100] > S.exponential_decay(0.1, 0.99)(100)
    for bad in ({"alpha": 0.0}, {"alpha": 1.0}, {"T": 0}):
        with pytest.raises(ValueError):
            articles.a000_ema_decay(1, **bad)


def test_001_names():
    assert np.allclose(articles.a001_exponential_decay(STEPS, 0.01, 0.001), S.inverse_sqrt_decay(0.01, 0.001)(STEPS))
    # the "gradient-based" decay is a function of t only
    assert np.allclose(
        articles.a001_gradient_based_decay(STEPS, 0.01, 1000, 2.0),
        S.inverse_sqrt_decay(0.01, decay_rate=2.0 / 1000)(STEPS),
    )
    # the "dynamic" listing is staircase inverse-time decay
    assert np.allclose(
        articles.a001_dynamic_listing(STEPS), S.inverse_time_decay(0.01, 0.1, 100, staircase=True)(STEPS)
    )


def test_001_linear_decay_with_dataset_size_as_T():
    # digits: 1348 examples, 22 steps per epoch, 20 epochs = 440 steps; T = 1348 leaves the rate high
    assert articles.a001_linear_decay(440, 0.1, T=1348) == pytest.approx(0.1 * (1 - 440 / 1348))
    assert articles.a001_linear_decay(2000, 0.1, T=1000) < 0


def test_002_warmup_is_flat_then_jumps_and_misses_final_lr():
    values = articles.a002_warmup(STEPS[:1001])
    assert np.all(values[:100] == 0.01)  # no warm-up at all
    jump = values[100] - values[99]
    assert jump == pytest.approx(-0.001)  # 100 normal steps' worth at once
    assert abs(jump) > 50 * np.abs(np.diff(values[100:1000])).max()
    assert values[1000] == pytest.approx(0.0, abs=1e-15)  # ends at 0, not at final_lr = 0.001
    assert values[900] == pytest.approx(0.001)  # it passes final_lr at t = 900


def test_002_decay_never_reaches_final_lr():
    assert articles.a002_decay(1000) == pytest.approx(0.09)  # declared final_lr is 0.01


def test_003_value_and_claim():
    assert articles.a003_decay_lr(10) == pytest.approx(0.0599, abs=1e-4)
    assert articles.A003_CLAIMED_VALUE == 0.003
    assert articles.a003_decay_lr(10) / articles.A003_CLAIMED_VALUE > 19


def test_004_exponential_is_inverse_time():
    assert np.allclose(articles.a004_exponential_decay(STEPS, 0.1, 0.01), S.inverse_time_decay(0.1, 0.01)(STEPS))


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: articles.a000_exponential_decay(1, lr0=0), "lr0"),
        (lambda: articles.a000_exponential_decay(1, alpha=-1), "alpha"),
        (lambda: articles.a001_linear_decay(1, T=0), "T"),
        (lambda: articles.a001_dynamic_listing(1, every=0), "every"),
        (lambda: articles.a002_warmup(1, warmup_steps=100, total_steps=100), "total_steps"),
        (lambda: articles.a002_decay(1, decay_rate=-0.1), "decay_rate"),
        (lambda: articles.a003_decay_lr(1, decay_rate=0), "decay_rate"),
        (lambda: articles.a004_exponential_decay(1, alpha0=-1), "alpha0"),
    ],
)
def test_bad_arguments_name_the_argument(call, name):
    with pytest.raises((ValueError, TypeError), match=name):
        call()
