"""Accessible figures: describe_figure, the alt text every shown figure carries, the palette."""

from __future__ import annotations

import html

import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_hex

from course_lib import plotting as viz
from course_lib import schedules as S


def test_describe_figure_names_title_axes_scales_and_series():
    ax = viz.plot_schedules(
        {"cosine": S.cosine_decay(0.1, 100), "constant": S.constant(0.05)}, 100, log=True, title="two schedules"
    )
    text = viz.describe_figure(ax.figure)
    assert text.startswith("Figure: “two schedules”, line plot")
    assert "x axis: step (optimizer updates)" in text
    assert "y axis: learning rate (log scale)" in text
    assert "series: cosine; constant" in text
    assert viz.describe_figure(ax) == text  # an Axes stands for its figure


def test_describe_figure_panels_suptitle_and_twin_axis():
    fig, (left, right) = plt.subplots(1, 2)
    left.plot([0, 1], [1, 2], label="loss")
    left.legend()
    twin = right.twinx()
    right.plot([0, 1], [3, 4])
    twin.set_ylabel("learning rate")
    fig.suptitle("a run")
    text = viz.describe_figure(fig)
    assert text.startswith("Figure “a run” with 2 panels. Panel 1:")
    assert "Panel 2:" in text and "right-hand y axis: learning rate" in text
    assert "Panel 3" not in text  # the twin axis belongs to panel 2


def test_describe_figure_rejects_what_is_not_a_figure():
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure or Axes, got fig='x'"):
        viz.describe_figure("x")


def test_shown_figures_carry_their_description_as_alt_text():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import select_figure_formats

    shell = InteractiveShell.instance()
    try:
        select_figure_formats(shell, {"png"})
        assert viz.install_alt_text(shell)
        ax = viz.plot_schedules({"cosine": S.cosine_decay(0.1, 100)}, 100, title="one")
        data, metadata = shell.display_formatter.format(ax.figure)
        assert data["image/png"] and data["text/plain"] == viz.describe_figure(ax.figure)
        assert metadata["image/png"]["alt"] == data["text/plain"]
    finally:
        InteractiveShell.clear_instance()


def test_palette_is_colour_blind_safe_and_series_differ_beyond_colour():
    import matplotlib.style

    from course_lib.plotting import style as _style_module

    petroff = (
        matplotlib.style.library["petroff10"]["axes.prop_cycle"].by_key()["color"]
        if "petroff10" in matplotlib.style.library
        else list(_style_module._PETROFF10)
    )  # matplotlib < 3.10
    cycle = viz.COURSE_STYLE["axes.prop_cycle"].by_key()
    assert cycle["color"] == petroff and len(set(map(str, cycle["linestyle"]))) == len(petroff)
    ax = viz.plot_schedules({"a": S.constant(0.1), "b": S.constant(0.2)}, 100)
    lines = ax.get_lines()
    assert [to_hex(line.get_color()) for line in lines] == petroff[:2]
    assert lines[0].get_marker() != lines[1].get_marker()


def test_explorer_image_carries_the_figure_description():
    from course_lib import explorers as W

    ex = W.explore_conventions()
    text = viz.describe_figure(ex.figure)
    assert ex.alt.value == html.escape(text) and text.startswith("Figure") and ex.alt.layout.display == "none"
