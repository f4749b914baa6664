"""plotting.diagnostics.

the range test picture; plotting.plot_lr_sweeps: tuning curves on a log rate axis, best marked,
divergence on the top edge; plotting.plot_sharpness and plotting.plot_adam_update_sizes (notebook
03: warm-up).
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import matplotlib.pyplot as plt  # noqa: F401
import numpy as np  # noqa: F401
import pytest  # noqa: F401

from course_lib import plotting  # noqa: E402
from course_lib import plotting as viz  # noqa: F401
from course_lib import problems as P  # noqa: F401
from course_lib import schedules as S  # noqa: F401
from course_lib import studies as X  # noqa: E402
from course_lib import training as LF  # noqa: E402,F401
from course_lib import training as T  # noqa: F401
from course_lib.studies import LRSweep  # noqa: E402
from course_lib.training.history import History  # noqa: F401

from .helpers import assert_labelled, legend_texts, seeds_group, val_history  # noqa: F401


def test_plot_range_test_real_result_shows_every_suggestion(bowl):
    result = LF.lr_range_test_numpy(bowl, num_steps=60)
    assert result.suggestions
    ax = viz.plot_range_test(result)
    assert ax.get_xscale() == "log"
    assert_labelled(ax, y="loss")
    assert viz.LR_LABEL in ax.get_xlabel()
    labels = legend_texts(ax)
    for name, lr in result.suggestions.items():
        assert f"{name}: {lr:.2g}" in labels
    ax.figure.canvas.draw()


def test_plot_range_test_diverged_result_and_no_suggestions():
    lrs = np.geomspace(1e-4, 1.0, 30)
    losses = np.concatenate([np.linspace(2.0, 0.5, 25), [1.0, 5.0, 50.0, np.inf, np.nan]])
    result = LF.RangeTestResult(
        lrs=lrs, losses=losses, smoothed=losses, stopped_early=True, stop_step=29, suggestions={}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = viz.plot_range_test(result)
        ax.figure.canvas.draw()
    assert "stopped at step 29" in ax.get_title()
    assert ax.get_ylim()[1] < 50  # the blow-up does not flatten the curve
    with pytest.raises(ValueError, match="result"):
        viz.plot_range_test(
            LF.RangeTestResult(
                lrs=np.zeros(0),
                losses=np.zeros(0),
                smoothed=np.zeros(0),
                stopped_early=False,
                stop_step=None,
                suggestions={},
            )
        )


# ---------------------------------------------------------------------------
# from tests/test_plotting_lr_sweeps.py
# ---------------------------------------------------------------------------


def test_curves_best_markers_and_divergence():
    lrs = np.array([0.01, 0.1, 1.0])
    sweeps = {"a": LRSweep(lrs, np.array([0.5, 0.2, np.inf]), [[], [], []]), "b": (lrs, [0.4, 0.3, 0.35])}
    ax = viz.plot_lr_sweeps(sweeps)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "peak learning rate" in ax.get_xlabel() and "validation loss" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["a", "b"] and "best rate of each" in labels
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["a"].get_xdata(), [0.01, 0.1])  # the diverged rate is not on the curve
    assert any("diverged" in t.get_text() for t in ax.texts)
    best = [line for line in ax.get_lines() if line.get_markersize() == 12 and len(line.get_xdata()) == 1]
    assert sorted(float(line.get_xdata()[0]) for line in best) == [0.1, 0.1]


def test_linear_scale_and_given_axes():
    _, ax = plt.subplots()
    out = viz.plot_lr_sweeps({"a": ([0.1, 1.0], [0.9, 0.8])}, ax=ax, log_score=False, ylabel="1 - accuracy")
    assert out is ax and ax.get_yscale() == "linear" and ax.get_ylabel() == "1 - accuracy"
    assert not ax.texts


def test_all_diverged_draws_without_error():
    ax = viz.plot_lr_sweeps({"a": ([0.1, 1.0], [np.inf, np.nan])})
    assert ax.texts


@pytest.mark.parametrize(
    "sweeps, error, name",
    [
        ({}, ValueError, "sweeps"),
        ([1, 2], TypeError, "sweeps"),
        ({"a": 3}, TypeError, "sweeps"),
        ({"a": ([0.1, 1.0], [1.0])}, ValueError, "sweeps"),
        ({"a": ([0.0, 1.0], [1.0, 2.0])}, ValueError, "sweeps"),
    ],
)
def test_errors_name_the_argument(sweeps, error, name):
    with pytest.raises(error, match=name):
        viz.plot_lr_sweeps(sweeps)


def test_the_rates_tried_label_the_x_axis():
    ax = viz.plot_lr_sweeps({"a": (np.geomspace(3e-3, 8e-2, 5), [0.3, 0.2, 0.1, 0.2, 0.5])})
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.003", "0.00682", "0.0155", "0.0352", "0.08"]


# ---------------------------------------------------------------------------
# from tests/test_plotting_warmup.py
# ---------------------------------------------------------------------------


def _trace(label="run", values=(50.0, 20.0, 8.0)):
    return SimpleNamespace(epochs=np.arange(len(values)), sharpness=np.array(values), label=label)


def test_plot_sharpness_draws_each_run_and_the_limit():
    ax = viz.plot_sharpness({"raw": _trace(), "standardised": _trace(values=(0.5, 1.0, 3.0))}, lr=0.1)
    assert ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["raw", "standardised"] and "2 / lr = 20" in labels[2]
    assert "epoch" in ax.get_xlabel() and "sharpness" in ax.get_ylabel()


def test_plot_sharpness_accepts_a_list_or_one_trace_and_an_axes():
    fig, ax = plt.subplots()
    assert viz.plot_sharpness([_trace("a"), _trace("b")], ax=ax) is ax
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    assert viz.plot_sharpness(_trace("only")).get_legend().get_texts()[0].get_text() == "only"


def test_plot_sharpness_takes_a_real_trace():
    from course_lib.training import models as M

    data = P.moons_dataset(n_samples=60)
    trace = X.sharpness_during_training(M.mlp(2, 2, hidden=(4,), seed=0), data, 0.1, epochs=1, n_iter=3)
    assert viz.plot_sharpness({"moons": trace}, lr=0.1).get_yscale() == "log"


def test_plot_sharpness_draws_the_moving_limit_of_a_schedule():

    cosine = S.cosine_decay(0.1, 40)  # 4 epochs of 10 updates, down to 0
    ax = viz.plot_sharpness(_trace(values=(50.0, 20.0, 8.0, 30.0, 9.0)), schedule=cosine, steps_per_epoch=10)
    limit = ax.lines[-1]
    assert "2 / lr_t" in limit.get_label()
    x, y = limit.get_xdata(), limit.get_ydata()
    assert x[0] == 0 and x[-1] == 4 and np.isclose(x[10], 1.0)
    assert np.isclose(y[0], 20) and np.isclose(y[20], 2 / cosine(20)) and np.isnan(y[-1])  # rate 0: no limit
    assert ax.get_ylim()[1] == pytest.approx(4 * 50)  # the infinite limit does not flatten the plot
    ax.figure.canvas.draw()


@pytest.mark.parametrize(
    "traces, kwargs, error, name",
    [
        ({}, {}, ValueError, "traces"),
        ({"a": _trace()}, dict(lr=0.1, schedule=lambda t: 0.1, steps_per_epoch=2), ValueError, "not both"),
        ({"a": _trace()}, dict(schedule=0.1, steps_per_epoch=2), TypeError, "schedule"),
        ({"a": _trace()}, dict(schedule=lambda t: 0.1), ValueError, "steps_per_epoch"),
        ({"a": _trace()}, dict(schedule=lambda t: 0.1, steps_per_epoch=0), ValueError, "steps_per_epoch"),
        ({"a": _trace()}, dict(schedule=lambda t: -0.1, steps_per_epoch=2), ValueError, "schedule"),
        ({"a": 3}, {}, TypeError, "traces"),
        ({"a": SimpleNamespace(epochs=[0], sharpness=[1.0])}, dict(lr=0.0), ValueError, "lr"),
    ],
)
def test_plot_sharpness_bad_arguments(traces, kwargs, error, name):
    with pytest.raises(error, match=name):
        viz.plot_sharpness(traces, **kwargs)


def test_plot_adam_update_sizes_draws_median_and_band():
    u = X.adam_update_sizes(30, n_params=50)
    ax = viz.plot_adam_update_sizes({"noise": u, "signal": X.adam_update_sizes(30, n_params=50, signal=1.0)})
    assert ax.get_xscale() == "log"
    assert len(ax.lines) == 2 and len(ax.collections) == 2
    assert np.allclose(ax.lines[0].get_ydata(), np.median(np.abs(u), axis=1))
    assert np.allclose(ax.lines[0].get_xdata(), np.arange(1, 31))


@pytest.mark.parametrize(
    "updates, kwargs, error, name",
    [
        ({}, {}, ValueError, "updates"),
        ([np.ones((3, 2))], {}, TypeError, "updates"),
        ({"a": np.ones(3)}, {}, ValueError, "updates"),
        ({"a": np.ones((3, 2))}, dict(band=(90, 10)), ValueError, "band"),
    ],
)
def test_plot_adam_update_sizes_bad_arguments(updates, kwargs, error, name):
    with pytest.raises(error, match=name):
        viz.plot_adam_update_sizes(updates, **kwargs)


# ---------------------------------------------------------------------------
# plot_noise_floors (notebook 01: batch size)
# ---------------------------------------------------------------------------

FLOORS = {(0.01, 1): [1.0e-3, 1.2e-3], (0.04, 4): [1.1e-3, 1.0e-3], (0.04, 1): [4e-3, 4.4e-3]}


def test_one_series_per_batch_size_at_lr_over_b():
    ax = plotting.plot_noise_floors(FLOORS, reference=0.1)
    labels = ax.get_legend_handles_labels()[1]
    assert set(labels) == {"B = 1", "B = 4", "floor = 0.1 × x"}
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert "lr / B" in ax.get_xlabel() and "noise floor" in ax.get_ylabel()
    b4 = ax.containers[1]  # errorbar container of B = 4
    np.testing.assert_allclose(b4.lines[0].get_xdata(), [0.01])
    np.testing.assert_allclose(b4.lines[0].get_ydata(), [1.05e-3])


def test_sqrt_scaling_moves_the_points_and_an_axes_is_reused():
    _, ax = plt.subplots()
    assert plotting.plot_noise_floors(FLOORS, scaling="sqrt", ax=ax) is ax
    np.testing.assert_allclose(ax.containers[1].lines[0].get_xdata(), [0.02])
    assert "√B" in ax.get_xlabel()


@pytest.mark.parametrize(
    "floors,kwargs,error",
    [
        ({}, {}, ValueError),
        (FLOORS, dict(scaling="log"), ValueError),
        ({(0.1, 1): [np.inf]}, {}, ValueError),
        ([1, 2], {}, TypeError),
    ],
)
def test_bad_arguments(floors, kwargs, error):
    with pytest.raises(error):
        plotting.plot_noise_floors(floors, **kwargs)
