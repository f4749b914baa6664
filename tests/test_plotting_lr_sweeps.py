"""plotting.plot_lr_sweeps: tuning curves on a log rate axis, best marked, divergence on the top edge."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import plotting as viz  # noqa: E402
from course_lib.studies import LRSweep  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_curves_best_markers_and_divergence():
    lrs = np.array([0.01, 0.1, 1.0])
    sweeps = {"a": LRSweep(lrs, np.array([0.5, 0.2, np.inf]), [[], [], []]),
              "b": (lrs, [0.4, 0.3, 0.35])}
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


@pytest.mark.parametrize("sweeps, error, name", [
    ({}, ValueError, "sweeps"),
    ([1, 2], TypeError, "sweeps"),
    ({"a": 3}, TypeError, "sweeps"),
    ({"a": ([0.1, 1.0], [1.0])}, ValueError, "sweeps"),
    ({"a": ([0.0, 1.0], [1.0, 2.0])}, ValueError, "sweeps"),
])
def test_errors_name_the_argument(sweeps, error, name):
    with pytest.raises(error, match=name):
        viz.plot_lr_sweeps(sweeps)


def test_the_rates_tried_label_the_x_axis():
    ax = viz.plot_lr_sweeps({"a": (np.geomspace(3e-3, 8e-2, 5), [0.3, 0.2, 0.1, 0.2, 0.5])})
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.003", "0.00682", "0.0155", "0.0352", "0.08"]
