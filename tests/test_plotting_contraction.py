"""plotting.plot_contraction: |1 - lr * lambda| against lr for fixed-rate GD on a quadratic."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import plotting as viz  # noqa: E402
from course_lib import problems as P  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_draws_the_three_factors_and_marks_the_rates():
    bowl = P.quadratic_bowl(condition_number=10.0, L=2.0)
    ax = viz.plot_contraction(bowl)
    lines = {line.get_label(): line for line in ax.get_lines()}
    worst = next(line for label, line in lines.items() if label.startswith("max"))
    x, y = worst.get_data()
    assert x[-1] == pytest.approx(1.25 * bowl.stability_limit)
    np.testing.assert_allclose(y, bowl.contraction(x))
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "stability limit" in texts and "best fixed rate" in texts and "oscillation" in texts
    assert ax.get_xlabel().startswith("learning rate") and ax.get_ylabel()


def test_works_with_noisy_least_squares_and_a_given_axis():
    _, ax = plt.subplots()
    assert viz.plot_contraction(P.noisy_least_squares(), ax=ax, max_lr=1.0) is ax
    assert ax.get_xlim() == pytest.approx((0.0, 1.0))


def test_marks_beyond_max_lr_are_left_out():
    ax = viz.plot_contraction(P.quadratic_bowl(), max_lr=0.5)
    assert not ax.texts or all("stability" not in t.get_text() for t in ax.texts)


class NoCurvature:
    pass


class Bad:
    L, mu = 1.0, 2.0


@pytest.mark.parametrize("problem, kwargs, error, name", [
    (NoCurvature(), {}, TypeError, "problem"),
    (Bad(), {}, ValueError, "mu"),
    (P.quadratic_bowl(), dict(max_lr=0.0), ValueError, "max_lr"),
    (P.quadratic_bowl(), dict(max_lr="1"), ValueError, "max_lr"),
    (P.quadratic_bowl(), dict(n_points=3), ValueError, "n_points"),
])
def test_bad_arguments_name_themselves(problem, kwargs, error, name):
    with pytest.raises(error, match=name):
        viz.plot_contraction(problem, **kwargs)
