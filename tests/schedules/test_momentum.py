"""Momentum schedules run opposite to the rate they pair with."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import schedules as S


@pytest.mark.parametrize("three", [False, True])
def test_one_cycle_momentum_is_low_where_the_rate_peaks(three):
    rate, mom = S.one_cycle(0.1, 100, three_phase=three), S.one_cycle_momentum(100, three_phase=three)
    t = np.arange(100)
    assert t[np.argmax(rate(t))] == t[np.argmin(mom(t))]
    assert mom(0) == 0.95 and mom(99) == 0.95 and min(mom(t)) == pytest.approx(0.85)


def test_cyclic_momentum_mirrors_cyclic():
    rate, mom = S.cyclic(0.01, 0.1, 5), S.cyclic_momentum(5, base_momentum=0.8, max_momentum=0.9)
    t = np.arange(40)
    height = (rate(t) - 0.01) / 0.09
    np.testing.assert_allclose(mom(t), 0.9 - 0.1 * height, rtol=1e-12)


def test_constant_momentum():
    assert S.constant_momentum(0.9)(np.arange(3)).tolist() == [0.9, 0.9, 0.9]


def test_effective_lr_is_lr_over_one_minus_momentum():
    n = 300
    rate, mom = S.one_cycle(0.3, n), S.one_cycle_momentum(n)
    t = np.arange(n)
    np.testing.assert_allclose(S.effective_lr(rate, mom, n), rate(t) / (1 - mom(t)))
    np.testing.assert_allclose(S.effective_lr(0.1, 0.9, 4), [1.0] * 4)
    np.testing.assert_allclose(S.effective_lr(S.constant(0.2), 0.0, 3), [0.2] * 3)
    warm = slice(0, int(np.argmax(rate(t))) + 1)  # the warm-up phase: 25x in lr, 25/3x in effect
    eff = S.effective_lr(rate, mom, n)[warm]
    assert rate(t)[warm].max() / rate(t)[warm].min() == pytest.approx(25)
    assert eff.max() / eff.min() == pytest.approx(25 / 3)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(lr=0.1, momentum=1.0, n_steps=3), "momentum"),
        (dict(lr=-0.1, momentum=0.5, n_steps=3), "lr"),
        (dict(lr=0.1, momentum=0.5, n_steps=0), "n_steps"),
    ],
)
def test_effective_lr_checks_its_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        S.effective_lr(**kwargs)
