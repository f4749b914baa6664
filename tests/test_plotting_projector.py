"""The projector style: one call switches every course figure, explorers' too, to slide size."""
from __future__ import annotations

import matplotlib as mpl
import pytest

from course_lib import plotting as viz
from course_lib import schedules as S
from course_lib import explorers as W


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
    assert tuple(shown[-1].get_size_inches()) == (13.0, 5.0)    # explorers keep their own size


def test_bad_switch_is_named():
    with pytest.raises(TypeError, match="on="):
        viz.use_projector_style("yes")
