"""check_gd_regime: monotone / oscillating / diverging fixed-rate GD on a quadratic."""
from __future__ import annotations

import pytest

from course_lib import exercises as E
from course_lib import solutions as sol


@pytest.mark.parametrize("lr, L, mu, expected", [
    (0.5, 1.0, 0.1, "converges without oscillating"),
    (1.0, 1.0, 0.1, "converges without oscillating"),
    (1.5, 1.0, 0.1, "oscillates but converges"),
    (1.9, 1.0, 0.5, "oscillates but converges"),
    (2.1, 1.0, 0.1, "diverges"),
    (0.3, 4.0, 1.0, "oscillates but converges"),
    (0.6, 4.0, 1.0, "diverges"),
])
def test_solution_and_check_agree(lr, L, mu, expected):
    assert sol.gd_regime(lr, L, mu) == expected
    assert E.check_gd_regime(expected, lr, L, mu, quiet=True)
    for other in E.GD_REGIME_OPTIONS:
        if other != expected:
            result = E.check_gd_regime(other, lr, L, mu, quiet=True)
            assert not result and "1 - lr*L" in result.message


@pytest.mark.parametrize("answer", ["b", "B)", "oscillates", "it zig-zags but converges", "Oscillates but converges."])
def test_accepted_spellings(answer):
    assert E.check_gd_regime(answer, quiet=True)


def test_diverging_answer_may_mention_oscillation():
    assert E.check_gd_regime("oscillates and diverges", lr=2.5, quiet=True)


def test_ambiguous_converges_asks_for_more():
    result = E.check_gd_regime("it converges", quiet=True)
    assert not result and "oscillates" in result.message


@pytest.mark.parametrize("kwargs, name", [
    (dict(lr=2.0, L=1.0), "lr"), (dict(lr=-1.0), "lr"), (dict(L=0.0), "L"), (dict(mu=2.0), "mu"),
])
def test_author_mistakes_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        E.check_gd_regime("a", **kwargs)
