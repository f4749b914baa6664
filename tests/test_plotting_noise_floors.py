"""plotting.plot_noise_floors (notebook 01: batch size)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import plotting  # noqa: E402

FLOORS = {(0.01, 1): [1.0e-3, 1.2e-3], (0.04, 4): [1.1e-3, 1.0e-3], (0.04, 1): [4e-3, 4.4e-3]}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_one_series_per_batch_size_at_lr_over_b():
    ax = plotting.plot_noise_floors(FLOORS, reference=0.1)
    labels = ax.get_legend_handles_labels()[1]
    assert set(labels) == {"B = 1", "B = 4", "floor = 0.1 × x"}
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert "lr / B" in ax.get_xlabel() and "noise floor" in ax.get_ylabel()
    b4 = ax.containers[1]                                    # errorbar container of B = 4
    np.testing.assert_allclose(b4.lines[0].get_xdata(), [0.01])
    np.testing.assert_allclose(b4.lines[0].get_ydata(), [1.05e-3])


def test_sqrt_scaling_moves_the_points_and_an_axes_is_reused():
    _, ax = plt.subplots()
    assert plotting.plot_noise_floors(FLOORS, scaling="sqrt", ax=ax) is ax
    np.testing.assert_allclose(ax.containers[1].lines[0].get_xdata(), [0.02])
    assert "√B" in ax.get_xlabel()


@pytest.mark.parametrize("floors,kwargs,error", [({}, {}, ValueError), (FLOORS, dict(scaling="log"), ValueError),
                                                 ({(0.1, 1): [np.inf]}, {}, ValueError), ([1, 2], {}, TypeError)])
def test_bad_arguments(floors, kwargs, error):
    with pytest.raises(error):
        plotting.plot_noise_floors(floors, **kwargs)
