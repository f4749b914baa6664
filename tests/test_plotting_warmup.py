"""plotting.plot_sharpness and plotting.plot_adam_update_sizes (notebook 03: warm-up)."""
from __future__ import annotations

from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import studies as X  # noqa: E402
from course_lib import plotting as viz  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


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
    from course_lib import problems as P
    from course_lib.training import models as M

    data = P.moons_dataset(n_samples=60)
    trace = X.sharpness_during_training(M.mlp(2, 2, hidden=(4,), seed=0), data, 0.1, epochs=1, n_iter=3)
    assert viz.plot_sharpness({"moons": trace}, lr=0.1).get_yscale() == "log"


def test_plot_sharpness_draws_the_moving_limit_of_a_schedule():
    from course_lib import schedules as S

    cosine = S.cosine_decay(0.1, 40)                       # 4 epochs of 10 updates, down to 0
    ax = viz.plot_sharpness(_trace(values=(50.0, 20.0, 8.0, 30.0, 9.0)), schedule=cosine, steps_per_epoch=10)
    limit = ax.lines[-1]
    assert "2 / lr_t" in limit.get_label()
    x, y = limit.get_xdata(), limit.get_ydata()
    assert x[0] == 0 and x[-1] == 4 and np.isclose(x[10], 1.0)
    assert np.isclose(y[0], 20) and np.isclose(y[20], 2 / cosine(20)) and np.isnan(y[-1])   # rate 0: no limit
    assert ax.get_ylim()[1] == pytest.approx(4 * 50)       # the infinite limit does not flatten the plot
    ax.figure.canvas.draw()


@pytest.mark.parametrize("traces, kwargs, error, name", [
    ({}, {}, ValueError, "traces"),
    ({"a": _trace()}, dict(lr=0.1, schedule=lambda t: 0.1, steps_per_epoch=2), ValueError, "not both"),
    ({"a": _trace()}, dict(schedule=0.1, steps_per_epoch=2), TypeError, "schedule"),
    ({"a": _trace()}, dict(schedule=lambda t: 0.1), ValueError, "steps_per_epoch"),
    ({"a": _trace()}, dict(schedule=lambda t: 0.1, steps_per_epoch=0), ValueError, "steps_per_epoch"),
    ({"a": _trace()}, dict(schedule=lambda t: -0.1, steps_per_epoch=2), ValueError, "schedule"),
    ({"a": 3}, {}, TypeError, "traces"),
    ({"a": SimpleNamespace(epochs=[0], sharpness=[1.0])}, dict(lr=0.0), ValueError, "lr"),
])
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


@pytest.mark.parametrize("updates, kwargs, error, name", [
    ({}, {}, ValueError, "updates"),
    ([np.ones((3, 2))], {}, TypeError, "updates"),
    ({"a": np.ones(3)}, {}, ValueError, "updates"),
    ({"a": np.ones((3, 2))}, dict(band=(90, 10)), ValueError, "band"),
])
def test_plot_adam_update_sizes_bad_arguments(updates, kwargs, error, name):
    with pytest.raises(error, match=name):
        viz.plot_adam_update_sizes(updates, **kwargs)
