"""Shared by the plotting tests: no test leaves a figure open or calls plt.show(); a bowl and two runs."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from course_lib import problems as P
from course_lib import schedules as S
from course_lib import training as T


@pytest.fixture(autouse=True)
def close_figures(monkeypatch):
    """No test leaves a figure open, and no plotting function may call plt.show()."""

    def no_show(*args, **kwargs):
        raise AssertionError("plotting functions must not call plt.show()")

    monkeypatch.setattr(plt, "show", no_show)
    yield
    covered = {n: _covered(plt.figure(n)) for n in plt.get_fignums()}
    plt.close("all")
    covered = {n: c for n, c in covered.items() if any(c)}
    assert not covered, f"legends cover data points or labels (figure number: per axes): {covered}"


def _covered(fig):
    """Data points and the words (tick labels, axis labels, titles) under each axes' legend, the figure as
    a plotting function left it."""
    from course_lib.plotting.legends import covered_labels, covered_points

    return [covered_points(ax) or covered_labels(ax, draw=False) for ax in fig.axes]


@pytest.fixture(scope="module")
def bowl():
    return P.quadratic_bowl(condition_number=10.0)


@pytest.fixture(scope="module")
def runs(bowl):
    """A converging run and a diverging one (lr above 2/L) on the quadratic."""
    good = T.run_gd(bowl, S.cosine_decay(1.5, 60), 60, label="cosine")
    bad = T.run_gd(bowl, S.constant(2.5), 200, label="too big")
    assert bad.diverged and not good.diverged
    return good, bad
