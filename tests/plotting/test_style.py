"""plotting.style.

the course style (rcParams, figure size, line width); the projector style: one call switches every
course figure, explorers' too, to slide size.
"""

from __future__ import annotations

import matplotlib
import matplotlib as mpl
import matplotlib.pyplot as plt  # noqa: F401
import numpy as np  # noqa: F401
import pytest  # noqa: F401

from course_lib import explorers as W
from course_lib import plotting as viz  # noqa: F401
from course_lib import problems as P  # noqa: F401
from course_lib import schedules as S  # noqa: F401
from course_lib import training as T  # noqa: F401
from course_lib.training.history import History  # noqa: F401

from .helpers import assert_labelled, legend_texts, seeds_group, val_history  # noqa: F401


def test_course_style_context_restores_rcparams():
    before = matplotlib.rcParams["lines.linewidth"]
    with viz.course_style():
        assert matplotlib.rcParams["lines.linewidth"] == viz.COURSE_STYLE["lines.linewidth"]
        assert 12 <= matplotlib.rcParams["font.size"] <= 13
    assert matplotlib.rcParams["lines.linewidth"] == before


def test_use_course_style_sets_rcparams_globally():
    with matplotlib.rc_context():
        viz.use_course_style()
        assert tuple(matplotlib.rcParams["figure.figsize"]) == (8.0, 4.5)
        assert matplotlib.rcParams["axes.grid"] is True


def test_new_figures_have_the_course_size():
    ax = viz.plot_schedules([S.constant(0.1)], 10)
    assert tuple(ax.figure.get_size_inches()) == pytest.approx((8.0, 4.5))
    assert ax.lines[0].get_linewidth() == pytest.approx(2.0)


# ---------------------------------------------------------------------------
# from tests/test_plotting_projector.py
# ---------------------------------------------------------------------------


@pytest.fixture
def projector():
    viz.use_projector_style()
    yield
    viz.use_course_style()


def test_projector_style_enlarges_text_and_lines(projector):
    assert viz.projector_on()
    assert mpl.rcParams["font.size"] > viz.COURSE_STYLE["font.size"]
    assert mpl.rcParams["lines.linewidth"] > viz.COURSE_STYLE["lines.linewidth"]
    ax = viz.plot_schedules({"cosine": S.cosine_decay(0.1, 100)}, 100)
    assert ax.xaxis.label.get_fontsize() == viz.PROJECTOR_STYLE["axes.labelsize"]
    assert ax.lines[0].get_linewidth() == viz.PROJECTOR_STYLE["lines.linewidth"]


def test_explorer_figures_fit_a_slide_under_the_projector_style(projector, shown):
    W.explore_schedules(n_steps=200)
    W.explore_gd()
    assert shown
    for fig in shown:
        width, height = fig.get_size_inches()
        assert width <= viz.PROJECTOR_MAX_FIGSIZE[0] + 1e-9 and height <= viz.PROJECTOR_MAX_FIGSIZE[1] + 1e-9
        px_w, px_h = width * fig.dpi, height * fig.dpi
        assert px_w <= 1280 and px_h <= 720 * 0.65, "the picture leaves room for the controls on a 1280x720 slide"


def test_off_again_restores_the_course_style(shown):
    viz.use_projector_style()
    viz.use_projector_style(False)
    assert not viz.projector_on() and mpl.rcParams["font.size"] == viz.COURSE_STYLE["font.size"]
    W.explore_gd()
    assert tuple(shown[-1].get_size_inches()) == (13.0, 5.0)  # explorers keep their own size


def test_bad_switch_is_named():
    with pytest.raises(TypeError, match="on="):
        viz.use_projector_style("yes")
