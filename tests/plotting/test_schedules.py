"""plotting.schedules.

plot_schedules and the gallery; plotting.plot_partial_sums and experiments.partial_sums (notebook 04: Robbins-Monro).
"""

from __future__ import annotations

import math
import warnings

import matplotlib.pyplot as plt  # noqa: F401
import numpy as np  # noqa: F401
import pytest  # noqa: F401

from course_lib import plotting as viz  # noqa: F401
from course_lib import problems as P  # noqa: F401
from course_lib import schedules as S  # noqa: F401
from course_lib import studies as X  # noqa: E402
from course_lib import training as T  # noqa: F401
from course_lib.training.history import History  # noqa: F401

from .helpers import assert_labelled, legend_texts, seeds_group, val_history  # noqa: F401


def test_plot_schedules_dict_labels_axes_and_legend():
    ax = viz.plot_schedules({"cosine": S.cosine_decay(0.1, 100), "step": S.step_decay(0.1, 30)}, 100, title="two")
    assert_labelled(ax, x=viz.STEP_LABEL, y=viz.LR_LABEL)
    assert legend_texts(ax) == ["cosine", "step"]
    assert ax.get_title() == "two"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), S.cosine_decay(0.1, 100)(np.arange(100)))


def test_plot_schedules_list_uses_shortened_repr():
    long = S.one_cycle(0.1, 1000, pct_start=0.25, div_factor=10.0, final_div_factor=100.0)
    ax = viz.plot_schedules([S.constant(0.1), long], 50)
    labels = legend_texts(ax)
    assert labels[0] == "Constant(lr=0.1)"
    assert labels[1].startswith("OneCycle(") and labels[1].endswith("...") and len(labels[1]) <= 48


def test_plot_schedules_uses_given_axes():
    fig, ax = plt.subplots()
    assert viz.plot_schedules({"c": S.constant(0.1)}, 10, ax=ax) is ax


def test_plot_schedules_log_masks_zeros_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = viz.plot_schedules({"cosine": S.cosine_decay(0.1, 50), "noam": S.noam(0.1, 10)}, 80, log=True)
        ax.figure.canvas.draw()
    assert ax.get_yscale() == "log"
    cos = ax.lines[0].get_ydata()
    assert np.isnan(cos[50:]).all() and np.all(cos[:50] > 0)  # zero from step 50 on: masked
    assert np.isnan(ax.lines[1].get_ydata()[0])  # noam starts at 0
    assert "zeros not shown" in ax.get_ylabel()


def test_plot_schedules_plain_functions_and_broken_formulas():
    def inverse(t):
        return 0.1 / t  # ZeroDivisionError at t = 0, as in the article

    def negative(t):
        return 0.1 - 0.001 * t  # goes negative

    ax = viz.plot_schedules({"inverse": inverse, "negative": negative, "lam": lambda t: 0.05}, 200, log=True)
    y = ax.lines[0].get_ydata()
    assert np.isnan(y[0]) and y[1] == pytest.approx(0.1)
    assert np.isnan(ax.lines[1].get_ydata()[150])
    labels = viz.plot_schedules([inverse], 10).get_legend().get_texts()
    assert labels[0].get_text() == "inverse"


def test_plot_schedules_all_zero_log_does_not_crash():
    ax = viz.plot_schedules({"zero": lambda t: 0.0}, 10, log=True)
    ax.figure.canvas.draw()


@pytest.mark.parametrize("empty", [{}, [], ()])
def test_plot_schedules_empty_raises_naming_the_argument(empty):
    with pytest.raises(ValueError, match="schedules"):
        viz.plot_schedules(empty, 10)


def test_plot_schedules_bad_arguments():
    with pytest.raises(ValueError, match="n_steps"):
        viz.plot_schedules([S.constant(0.1)], 0)
    with pytest.raises(TypeError, match="schedules"):
        viz.plot_schedules({"x": 0.1}, 10)
    with pytest.raises(TypeError, match="ax"):
        viz.plot_schedules([S.constant(0.1)], 10, ax="left")


def test_gallery_one_panel_per_schedule():
    schedules = {name: S.CATALOG[name](0.1, 100) for name in ("linear_decay", "cosine_decay", "one_cycle")}
    schedules["constant"] = S.constant(0.1)
    schedules["step"] = S.step_decay(0.1, 30)
    fig = viz.plot_schedule_gallery(schedules, 100, ncols=2)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 5 and len(fig.axes) == 6
    assert [ax.get_title() for ax in visible] == list(schedules)
    assert all(ax.get_ylabel() == viz.LR_LABEL for ax in visible[::2])
    assert visible[-1].get_xlabel() == viz.STEP_LABEL


def test_gallery_log_and_errors():
    fig = viz.plot_schedule_gallery({"cos": S.cosine_decay(0.1, 20)}, 30, log=True)
    assert fig.axes[0].get_yscale() == "log"
    with pytest.raises(ValueError, match="schedules"):
        viz.plot_schedule_gallery({}, 10)
    with pytest.raises(ValueError, match="ncols"):
        viz.plot_schedule_gallery({"c": S.constant(0.1)}, 10, ncols=0)


# ---------------------------------------------------------------------------
# from tests/test_plotting_partial_sums.py
# ---------------------------------------------------------------------------


def test_partial_sums_of_constant_and_exponential():
    assert np.allclose(X.partial_sums(S.constant(0.2), 5), 0.2 * np.arange(1, 6))
    sums = X.partial_sums(S.exponential_decay(0.1, 0.99), 5000)
    assert sums[-1] == pytest.approx(0.1 / (1 - 0.99), rel=1e-9)  # geometric series: a finite sum
    assert np.all(np.diff(sums) >= 0)


def test_partial_sums_powers_and_plain_functions():
    inv = S.inverse_time_decay(1.0, 1.0)  # 1 / (1 + t)
    assert X.partial_sums(inv, 10_000, power=2)[-1] == pytest.approx(math.pi**2 / 6, abs=2e-4)
    harmonic = X.partial_sums(inv, 10_000)[-1]
    assert harmonic == pytest.approx(math.log(10_000) + 0.5772, abs=1e-3)  # diverges like ln t
    assert np.allclose(X.partial_sums(lambda t: 0.5**t, 3), [1.0, 1.5, 1.75])


@pytest.mark.parametrize("kwargs, name", [(dict(n_steps=0), "n_steps"), (dict(n_steps=3, power=0), "power")])
def test_partial_sums_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        X.partial_sums(S.constant(0.1), **kwargs)


def test_plot_partial_sums_draws_one_log_log_panel_per_power():
    fig = viz.plot_partial_sums(
        {
            "1/t": S.inverse_time_decay(0.1, 0.01),
            "exp": S.exponential_decay(0.1, 0.99),
            "cos": S.cosine_decay(0.1, 1000),
        },
        100_000,
    )
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        assert len(ax.lines) == 3 and len(ax.lines[0].get_xdata()) <= 400
    assert "Σ lr(s)²" in fig.axes[1].get_ylabel()
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["1/t", "exp", "cos"]
    exp_line = fig.axes[0].lines[1]
    assert exp_line.get_ydata()[-1] == pytest.approx(0.1 / 0.01, rel=1e-6)
    plt.close(fig)


def test_plot_partial_sums_custom_powers_and_errors():
    fig = viz.plot_partial_sums(S.constant(0.1), 50, powers=(1,), n_points=10)
    assert len(fig.axes) == 1
    plt.close(fig)
    for kwargs, name in [
        (dict(powers=()), "powers"),
        (dict(powers=(0,)), "powers"),
        (dict(n_points=2), "n_points"),
        (dict(n_steps=1), "n_steps"),
    ]:
        args = dict(n_steps=50) | kwargs
        with pytest.raises(ValueError, match=name):
            viz.plot_partial_sums(S.constant(0.1), **args)
    with pytest.raises(ValueError, match="schedules"):
        viz.plot_partial_sums({}, 50)
