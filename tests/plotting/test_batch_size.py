"""plotting.batch_size: the noise scale against the loss, steps against the batch, the trade-off, decay or grow."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import plotting
from course_lib import studies as X

from .helpers import assert_labelled, legend_texts


@pytest.fixture(scope="module")
def sweeps():
    B = (1, 4, 16, 64, 256)
    out, fits = {}, {}
    for label, t in (("target 0.1", X.Tradeoff(3.0, 60.0)), ("target 0.01", X.Tradeoff(6.0, 600.0))):
        out[label] = X.BatchSweep(B, tuple(float(s) for s in t.steps(np.array(B)) * 1.05), (0.1,) * 5, 0.1, (0,))
        fits[label] = t
    return out, fits


def test_noise_scale_axes_are_log_and_the_loss_falls_to_the_right():
    ax = plotting.plot_noise_scale([1.0, 0.1, 0.01], [10.0, 40.0, 400.0], estimates={"two-batch": ([0.1], [35.0])})
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert ax.get_xlim()[0] > ax.get_xlim()[1]  # inverted: training runs left to right
    assert "B_simple" in ax.get_ylabel() and "two-batch" in legend_texts(ax)
    plt.close("all")


def test_steps_to_target_marks_each_critical_batch(sweeps):
    data, fits = sweeps
    ax = plotting.plot_steps_to_target(data, fits)
    assert_labelled(ax)
    assert ax.get_xscale() == "log" and "batch size" in ax.get_xlabel()
    stars = [line for line in ax.get_lines() if line.get_marker() == "*"]
    assert sorted(float(s.get_xdata()[0]) for s in stars) == pytest.approx([20.0, 100.0])
    assert any("B_crit = 100" in t for t in legend_texts(ax))
    plt.close("all")


def test_tradeoff_points_lie_near_the_hyperbola(sweeps):
    data, fits = sweeps
    ax = plotting.plot_tradeoff(data, fits)
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert any("E/E_min" in t for t in legend_texts(ax))
    plt.close("all")


def test_decay_or_grow_draws_both_runs_against_data_and_steps():
    pair = X.decay_or_grow(0.1, 4, 5, 2, 400)
    runs = {
        name: (phases, np.linspace(1, 0.01, sum(p.steps for p in phases) + 1)[:, None]) for name, phases in pair.items()
    }
    fig = plotting.plot_decay_or_grow(runs, floors=[0.05, 0.01])
    ax_data, ax_steps = fig.axes
    assert ax_data.get_xlabel() == "examples seen" and "step" in ax_steps.get_xlabel()
    assert ax_data.get_lines()[0].get_xdata()[-1] == ax_data.get_lines()[1].get_xdata()[-1] == 800
    assert any("120 steps" in t for t in legend_texts(ax_steps)) and any("floor" in t for t in legend_texts(ax_data))
    plt.close("all")
