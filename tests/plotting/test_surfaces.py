"""plotting.surfaces.

paths over contours, divergence markers; plotting.plot_contraction: |1 - lr * lambda| against lr for
fixed-rate GD on a quadratic.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt  # noqa: F401
import numpy as np  # noqa: F401
import pytest  # noqa: F401

from course_lib import plotting as viz  # noqa: F401
from course_lib import problems as P  # noqa: F401
from course_lib import schedules as S  # noqa: F401
from course_lib import training as T  # noqa: F401
from course_lib.plotting.surfaces import exit_point  # noqa: E402,F401
from course_lib.training.history import History  # noqa: F401

from .helpers import assert_labelled, legend_texts, seeds_group, val_history  # noqa: F401


def markers(ax):
    return [line.get_marker() for line in ax.lines]


def test_plot_path_marks_start_minimum_and_divergence(bowl, runs):
    good, bad = runs
    ax = viz.plot_path(bowl, [good, bad])
    assert_labelled(ax)
    labels = legend_texts(ax)
    assert "cosine" in labels and "minimum" in labels and "start" in labels
    assert f"too big (diverged at step {bad.diverged_step}, lr=2.5)" in labels
    assert "*" in markers(ax) and "X" in markers(ax)
    # the diverging path does not wreck the view: limits stay near the bounds
    (x0, x1), (y0, y1) = bowl.bounds
    lo, hi = ax.get_xlim()
    assert x0 - (x1 - x0) * 0.2 <= lo and hi <= x1 + (x1 - x0) * 0.2
    lo, hi = ax.get_ylim()
    assert y0 - (y1 - y0) * 0.2 <= lo and hi <= y1 + (y1 - y0) * 0.2
    ax.figure.canvas.draw()


def test_diverged_marker_sits_where_the_path_leaves_the_view():
    view = ((-1.0, 1.0), (-1.0, 1.0))
    leaving = np.array([[0.0, 0.0], [0.5, 0.5], [10.0, 0.5]])
    np.testing.assert_allclose(exit_point(leaving, view), [1.0, 0.5])
    np.testing.assert_allclose(exit_point(leaving[:2], view), [0.5, 0.5])  # end inside: the end
    np.testing.assert_allclose(exit_point(np.array([[5.0, 5.0], [6.0, 7.0]]), view), [1.0, 1.0])


def test_plot_path_single_history_and_other_problems():
    for problem, schedule, n, kwargs in [
        (P.rosenbrock(), S.constant(1e-3), 300, {}),
        (P.multi_basin(), S.cosine_restarts(0.5, 50), 200, dict(batch_size=1)),
    ]:
        h = T.run_gd(problem, schedule, n, label="run", **kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ax = viz.plot_path(problem, h, levels=10, grid_points=40)
            viz.plot_path(problem, h, levels=10, grid_points=40, log_levels=False)
        assert "run" in legend_texts(ax)
        assert ax.get_title() == problem.name


def test_plot_path_errors(bowl, runs):
    with pytest.raises(ValueError, match="histories"):
        viz.plot_path(bowl, [])
    with pytest.raises(TypeError, match="histories"):
        viz.plot_path(bowl, "not a history")
    with pytest.raises(ValueError, match=r"histories\[0\].params"):
        viz.plot_path(bowl, History(loss=np.ones(3)))
    with pytest.raises(ValueError, match="problem"):
        viz.plot_path(P.noisy_least_squares(n_samples=20, dim=3), runs[0])


# ---------------------------------------------------------------------------
# from tests/test_plotting_contraction.py
# ---------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    "problem, kwargs, error, name",
    [
        (NoCurvature(), {}, TypeError, "problem"),
        (Bad(), {}, ValueError, "mu"),
        (P.quadratic_bowl(), dict(max_lr=0.0), ValueError, "max_lr"),
        (P.quadratic_bowl(), dict(max_lr="1"), ValueError, "max_lr"),
        (P.quadratic_bowl(), dict(n_points=3), ValueError, "n_points"),
    ],
)
def test_bad_arguments_name_themselves(problem, kwargs, error, name):
    with pytest.raises(error, match=name):
        viz.plot_contraction(problem, **kwargs)
