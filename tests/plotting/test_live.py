"""plotting.live and plotting.explorer_layout: panels drawn in place match the static plots; blitting is exact."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from course_lib import plotting as viz
from course_lib import problems as P
from course_lib import schedules as S
from course_lib import training as T
from course_lib.plotting.explorer_layout import EXPLORER_FIGURES, explorer_figure, fixed_layout, frame_png
from course_lib.plotting.legends import CROWDED_MARK, covered_points
from course_lib.plotting.live import Blit, LiveCurves, LiveLoss, LivePaths


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


def test_live_curves_match_plot_schedules_and_keep_their_lines():
    schedules = {"cosine": S.cosine_decay(0.1, 100), "step": S.step_decay(0.1, 30)}
    fig, (ax,) = explorer_figure("schedule")
    live = LiveCurves(ax)
    live.update(schedules, 100, log=True, title="two")
    lines = ax.get_lines()
    static = viz.plot_schedules(schedules, 100, log=True, title="two")
    assert [line.get_label() for line in lines] == [line.get_label() for line in static.get_lines()]
    assert ax.get_ylabel() == static.get_ylabel() and ax.get_yscale() == "log" and ax.get_title() == "two"
    for a, b in zip(lines, static.get_lines()):
        np.testing.assert_array_equal(a.get_ydata(), b.get_ydata())
    live.update({"cosine": S.cosine_decay(0.2, 100)}, 100)
    assert ax.get_lines() == lines[:1] and ax.get_yscale() == "linear"  # the same Line2D, moved
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["cosine"]
    live.update({"cosine": S.cosine_decay(0.9, 100)}, 100)  # the limits follow the data, both ways
    assert 0.9 < ax.get_ylim()[1] < 1.0 and ax.get_ylim()[0] <= 0.0
    live.update({"cosine": S.cosine_decay(0.01, 100)}, 100)
    assert ax.get_ylim()[1] < 0.02


def test_live_curves_say_what_they_cannot_draw():
    fig, (ax,) = explorer_figure("schedule")
    live = LiveCurves(ax)
    live.update({"zero": lambda t: 0.0}, 10, log=True)
    assert not ax.get_lines() and "no rate > 0" in ax.texts[-1].get_text()
    live.update({"one": S.constant(0.1)}, 10, log=True)
    assert len(ax.get_lines()) == 1 and not ax.texts


@pytest.fixture(scope="module")
def two_runs():
    bowl = P.quadratic_bowl()
    return [T.run_gd(bowl, S.constant(1.0), 50, label="fine"), T.run_gd(bowl, S.constant(2.5), 80, label="hot")]


def test_blitted_gd_frame_is_the_full_draw(two_runs):
    fig, (ax_path, ax_loss) = explorer_figure("gd")
    paths, loss, blit = LivePaths(ax_path), LiveLoss(ax_loss), Blit(fig)
    bowl = P.quadratic_bowl()
    for runs in (two_runs, two_runs[:1], two_runs):
        paths.set_problem(bowl, "bowl")
        paths.update(runs)
        loss.update(runs)
        blit.paint(paths.key, [loss.lr_ax, ax_loss], paths.moving())
        blitted = pixels(frame_png(fig, draw=False))
        np.testing.assert_array_equal(blitted, pixels(frame_png(fig)))
    assert "diverged at step" in " ".join(t.get_text() for t in ax_loss.texts)
    assert len(ax_loss.get_legend().get_texts()) == 3  # two runs and the rate's key
    # fits the rates (peak 2.5), raised at most by the band the legend needs above them (plotting.legends)
    assert 2.5 < loss.lr_ax.get_ylim()[1] < 2.5 / (1 - 0.6)
    assert covered_points(ax_loss, draw=False) == 0 or getattr(ax_loss.get_legend(), CROWDED_MARK)
    hotter = T.run_gd(P.quadratic_bowl(), S.constant(0.5), 20)
    loss.update([hotter])
    assert loss.lr_ax.get_ylim()[0] == 0.0 and 0.5 < loss.lr_ax.get_ylim()[1] < 0.55  # shrinks back


def test_explorer_figures_have_fixed_margins_and_fit_a_slide():
    for kind, spec in EXPLORER_FIGURES.items():
        fig, axes = explorer_figure(kind)
        assert tuple(fig.get_size_inches()) == pytest.approx(spec["figsize"]) and len(axes) == spec["ncols"]
        assert fig.get_layout_engine() is None
    viz.use_projector_style()
    try:
        fig, _ = explorer_figure("gd")
        assert fig.get_size_inches()[0] <= viz.PROJECTOR_MAX_FIGSIZE[0] + 1e-9
    finally:
        viz.use_projector_style(False)
    with pytest.raises(ValueError, match="kind"):
        explorer_figure("spiral")


def test_frame_png_is_the_canvas_pixels():
    fig, (ax,) = explorer_figure("schedule")
    LiveCurves(ax).update({"cosine": S.cosine_decay(0.1, 100)}, 100)
    png = frame_png(fig)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.mode == "RGB" and image.size == (800, 450)
    np.testing.assert_array_equal(np.asarray(image), np.asarray(fig.canvas.buffer_rgba())[..., :3])


def test_fixed_layout_replaces_constrained_layout():
    ax = viz.plot_schedules({"a": S.constant(0.1)}, 10)
    out = fixed_layout(ax.figure)
    assert out is ax.figure and type(out.get_layout_engine()).__name__ != "ConstrainedLayoutEngine"
    assert frame_png(out).startswith(b"\x89PNG")


def test_blit_keeps_a_background_per_key_and_a_revisit_is_the_full_draw(two_runs):
    fig, (ax_path, ax_loss) = explorer_figure("gd")
    paths, loss, blit = LivePaths(ax_path), LiveLoss(ax_loss), Blit(fig, size=2)
    for kappa in (10.0, 100.0, 10.0, 30.0, 10.0):  # 10 comes back from the cache, then again after 30
        bowl = P.quadratic_bowl(condition_number=kappa)
        paths.set_problem(bowl, ("bowl", kappa))
        paths.update(two_runs)
        loss.update(two_runs)
        blit.paint(paths.key, [loss.lr_ax, ax_loss], paths.moving())
        np.testing.assert_array_equal(pixels(frame_png(fig, draw=False)), pixels(frame_png(fig)))
    assert len(blit.backgrounds) == 2 and blit.key == ("bowl", 10.0)  # the least recently used went


def test_text_from_remembered_glyphs_is_what_agg_draws(two_runs):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from course_lib.plotting.explorer_layout import ExplorerCanvas

    fig, (ax_path, ax_loss) = explorer_figure("gd")
    assert isinstance(fig.canvas, ExplorerCanvas)
    paths, loss = LivePaths(ax_path), LiveLoss(ax_loss)
    paths.set_problem(P.quadratic_bowl(), "bowl")
    for runs in (two_runs, two_runs[:1], two_runs, two_runs):  # the last frames draw their text from the cache
        paths.update(runs)
        loss.update(runs)
        cached = pixels(frame_png(fig))
        FigureCanvasAgg(fig)  # plain Agg: lays out and rasterises every text
        np.testing.assert_array_equal(cached, pixels(frame_png(fig)))
        ExplorerCanvas(fig)


def test_explorer_titles_are_not_placed_again_at_each_draw_and_sit_where_matplotlib_puts_them():
    """Matplotlib places a title again at every draw (a quarter of the plateau explorer's frame);
    an explorer's axes have nothing at the top, so its place is fixed: the same pixels."""
    from matplotlib.figure import Figure

    from course_lib import explorers as W

    ex = W.explore_plateau()
    ax = ex.axes[0]
    assert ax.get_title() and ax._autotitlepos is False
    fixed = ax.title.get_window_extent(ex.figure.canvas.get_renderer()).bounds
    ax._autotitlepos = True  # matplotlib's automatic placement
    ex.figure.canvas.draw()
    assert ax.title.get_window_extent(ex.figure.canvas.get_renderer()).bounds == pytest.approx(fixed)
    fig = Figure()
    top = fig.add_subplot()
    top.xaxis.tick_top()
    fixed_layout(fig)
    assert top._autotitlepos is not False  # ticks at the top: placed automatically
