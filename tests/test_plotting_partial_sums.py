"""plotting.plot_partial_sums and experiments.partial_sums (notebook 02: Robbins-Monro)."""
from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import studies as X  # noqa: E402
from course_lib import plotting as viz  # noqa: E402
from course_lib import schedules as S  # noqa: E402


def test_partial_sums_of_constant_and_exponential():
    assert np.allclose(X.partial_sums(S.constant(0.2), 5), 0.2 * np.arange(1, 6))
    sums = X.partial_sums(S.exponential_decay(0.1, 0.99), 5000)
    assert sums[-1] == pytest.approx(0.1 / (1 - 0.99), rel=1e-9)     # geometric series: a finite sum
    assert np.all(np.diff(sums) >= 0)


def test_partial_sums_powers_and_plain_functions():
    inv = S.inverse_time_decay(1.0, 1.0)                              # 1 / (1 + t)
    assert X.partial_sums(inv, 10_000, power=2)[-1] == pytest.approx(math.pi ** 2 / 6, abs=2e-4)
    harmonic = X.partial_sums(inv, 10_000)[-1]
    assert harmonic == pytest.approx(math.log(10_000) + 0.5772, abs=1e-3)   # diverges like ln t
    assert np.allclose(X.partial_sums(lambda t: 0.5 ** t, 3), [1.0, 1.5, 1.75])


@pytest.mark.parametrize("kwargs, name", [(dict(n_steps=0), "n_steps"), (dict(n_steps=3, power=0), "power")])
def test_partial_sums_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        X.partial_sums(S.constant(0.1), **kwargs)


def test_plot_partial_sums_draws_one_log_log_panel_per_power():
    fig = viz.plot_partial_sums({"1/t": S.inverse_time_decay(0.1, 0.01), "exp": S.exponential_decay(0.1, 0.99),
                                 "cos": S.cosine_decay(0.1, 1000)}, 100_000)
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
    for kwargs, name in [(dict(powers=()), "powers"), (dict(powers=(0,)), "powers"),
                         (dict(n_points=2), "n_points"), (dict(n_steps=1), "n_steps")]:
        args = dict(n_steps=50) | kwargs
        with pytest.raises(ValueError, match=name):
            viz.plot_partial_sums(S.constant(0.1), **args)
    with pytest.raises(ValueError, match="schedules"):
        viz.plot_partial_sums({}, 50)
