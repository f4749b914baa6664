"""The stability limit 2/L and the regime of fixed-rate GD (monotone / oscillating / diverging) on a quadratic."""

from __future__ import annotations

import pytest

from course_lib import exercises as E
from course_lib.exercises import solutions as sol

from .cases import Quadratic, RotatedQuadratic


@pytest.mark.parametrize(
    "lr, L, mu, expected",
    [
        (0.5, 1.0, 0.1, "converges without oscillating"),
        (1.0, 1.0, 0.1, "converges without oscillating"),
        (1.5, 1.0, 0.1, "oscillates but converges"),
        (1.9, 1.0, 0.5, "oscillates but converges"),
        (2.1, 1.0, 0.1, "diverges"),
        (0.3, 4.0, 1.0, "oscillates but converges"),
        (0.6, 4.0, 1.0, "diverges"),
    ],
)
def test_solution_and_check_agree(lr, L, mu, expected):
    assert sol.gd_regime(lr, L, mu) == expected
    assert E.check_gd_regime(expected, lr, L, mu, quiet=True)
    for other in E.GD_REGIME_OPTIONS:
        if other != expected:
            result = E.check_gd_regime(other, lr, L, mu, quiet=True)
            assert not result and "factor" in result.message


@pytest.mark.parametrize("answer", ["b", "B)", "oscillates", "it zig-zags but converges", "Oscillates but converges."])
def test_accepted_spellings(answer):
    assert E.check_gd_regime(answer, quiet=True)


def test_diverging_answer_may_mention_oscillation():
    assert E.check_gd_regime("oscillates and diverges", lr=2.5, quiet=True)


def test_ambiguous_converges_asks_for_more():
    result = E.check_gd_regime("it converges", quiet=True)
    assert not result and "oscillates" in result.message


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(lr=2.0, L=1.0), "lr"),
        (dict(lr=-1.0), "lr"),
        (dict(L=0.0), "L"),
        (dict(mu=2.0), "mu"),
    ],
)
def test_author_mistakes_raise(kwargs, name):
    with pytest.raises(ValueError, match=name):
        E.check_gd_regime("a", **kwargs)


def test_stability_limit_reads_L_hessian_or_estimates():
    rotated = RotatedQuadratic()
    assert sol.stability_limit(rotated) == pytest.approx(2 / 25, rel=1e-6)
    assert E.check_stability_limit(2 / 25, rotated, quiet=True)
    assert E.check_stability_limit(0.2, L=10.0, quiet=True)
    with_l = Quadratic((2.0, 4.0))
    with_l.L = 4.0
    assert E.check_stability_limit(0.5, with_l, quiet=True)
    no_hessian = Quadratic((3.0, 0.5, 8.0))
    assert E.check_stability_limit(2 / 8, no_hessian, quiet=True)  # estimated by power iteration


def test_stability_limit_with_course_problems_if_available():
    P = pytest.importorskip("course_lib.problems")
    candidates = [
        getattr(P, name)
        for name in ("quadratic", "Quadratic", "ill_conditioned_quadratic")
        if callable(getattr(P, name, None))
    ]
    if not candidates:
        pytest.skip("course_lib.problems has no quadratic factory yet")
    try:
        problem = candidates[0]()
    except TypeError:
        pytest.skip("quadratic factory needs arguments")
    assert E.check_stability_limit(sol.stability_limit(problem), problem, quiet=True)
