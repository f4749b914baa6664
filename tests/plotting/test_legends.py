"""No legend covers the data its figure is about: the counter, the placement, and the figures the
newcomer review named (05 §1.2's step-1 point, 06 §5's line ends, 06's budget cut, a notebook's
``axvline`` drawn after the legend). The explorers' frames are checked by the ``shown`` fixture
(tests/conftest.py), every plotting test's figures by tests/plotting/conftest.py."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import plotting, references, schedules, studies  # noqa: E402
from course_lib.plotting.describe import _alt_text_bundle  # noqa: E402
from course_lib.plotting.legends import covered_points, place_legend, place_legends  # noqa: E402


def test_covered_points_counts_vertices_and_segments_under_the_legend():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="two points, one segment")
    ax.legend(loc="center")
    assert covered_points(ax) > 0  # no vertex under the legend, but the segment crosses it
    ax.get_legend().set_loc("upper left")
    assert covered_points(ax) == 0


def test_a_twin_axis_line_counts():
    fig, ax = plt.subplots()
    ax.plot(np.arange(10), np.linspace(1, 0, 10), label="loss")
    twin = ax.twinx()
    twin.plot(np.arange(10), np.full(10, 1.0), "--")  # the rate, flat at the top of the twin axis
    twin.set_ylim(0, 1.05)
    ax.legend(loc="upper right")
    assert covered_points(ax) > 0
    place_legend(ax)
    assert covered_points(ax) == 0


def test_a_legend_with_no_free_place_inside_goes_outside():
    fig, ax = plt.subplots(layout="constrained")
    for k in range(12):
        ax.plot(np.linspace(0, 1, 50), np.full(50, k / 11), label=f"line {k}")
    place_legend(ax)
    assert covered_points(ax) == 0
    assert not ax.bbox.contains(*ax.get_legend().get_window_extent().corners()[0])


def test_adam_update_sizes_show_the_step_1_point():
    """05 §1.2: |update|/lr = 1 at step 1 is the section's point; the legend sat on it."""
    updates = {
        "pure noise (signal 0)": studies.adam_update_sizes(1000),
        "signal = noise": studies.adam_update_sizes(1000, signal=1.0, noise=1.0),
    }
    ax = plotting.plot_adam_update_sizes(updates)
    assert covered_points(ax) == 0


def test_article_002_warmup_line_ends_are_not_covered():
    """06 §5: the legend stuck out past the axes and hid the line ends."""
    correct_warm = schedules.warmup(schedules.linear_decay(0.01, 900, end_lr=0.001), 100)
    correct_decay = schedules.linear_decay(0.1, 1000, end_lr=0.01)
    fig, (ax_w, ax_d) = plt.subplots(1, 2, figsize=(13, 4.5), layout="constrained")
    plotting.plot_schedules(
        {
            "article 002 'warm-up'": references.a002_warmup,
            "schedules.warmup(schedules.linear_decay(0.01, 900, 0.001), 100)": correct_warm,
        },
        1000,
        ax=ax_w,
    )
    plotting.plot_schedules(
        {
            "article 002 decay": references.a002_decay,
            "schedules.linear_decay(0.1, 1000, end_lr=0.01)": correct_decay,
        },
        1001,
        ax=ax_d,
    )
    assert [covered_points(ax) for ax in (ax_w, ax_d)] == [0, 0]


def test_budget_cut_and_a_line_drawn_after_the_legend():
    """09 §4: the cut schedules and the T/2 marker a notebook cell adds after the plot call; the
    notebook display hook moves the legend off it."""
    lr, total = 0.0155, 480
    cut = schedules.budget_cut_schedules(lr, total)
    ax = plotting.plot_schedules({**cut, "WSD planned for T": schedules.wsd_schedule(lr, total)}, total)
    assert covered_points(ax) == 0
    fig, ax = plt.subplots()
    ax.plot(np.arange(100), np.linspace(0, 1, 100), label="rate")
    ax.legend(loc="upper left")
    ax.axvline(10, color="gray", linestyle=":")  # under the legend
    assert covered_points(ax) > 0
    _alt_text_bundle(fig)  # what a notebook does when it shows the figure
    assert covered_points(ax) == 0


@pytest.mark.parametrize("n_legends", [2])
def test_place_legends_returns_what_is_left_covered(n_legends):
    fig, axes = plt.subplots(1, n_legends, layout="constrained")
    for ax in axes:
        ax.plot([0, 1], [1, 0], label="falling")
        ax.legend(loc="lower left")
    assert place_legends(fig) == 0


def test_words_of_a_neighbouring_panel_that_reach_into_the_legend_count():
    """place_legend skips the tick labels that cannot reach the legend (those of an axis whose band the
    legend stays within): long y tick labels of the right panel that stick into the left panel still count."""
    from course_lib.plotting.legends import covered_labels

    fig = plt.figure(figsize=(8, 4), dpi=100)
    left = fig.add_axes((0.08, 0.1, 0.4, 0.8))
    right = fig.add_axes((0.5, 0.1, 0.45, 0.8))  # 0.02 of the width between: its tick labels reach into `left`
    left.plot([0, 1], [0, 1], label="a line")
    right.plot([0, 1], [0, 1])
    right.set_yticks([0.25, 0.5, 0.75], ["a very long tick label", "another long label", "and a third one"])
    legend = left.legend(loc="center right", fontsize=14)
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    assert legend.get_window_extent(renderer).x1 <= left.bbox.x1 + 1  # inside its own axes
    assert covered_labels(left) == ["another long label"]
    legend.set_loc("center left")  # away from the neighbour's words
    assert covered_labels(left) == []
    plt.close(fig)
