"""Plotting: every figure of the course, and its look.

One readable style, one function per picture. Every function draws into ``ax`` (a new figure if
``ax=None``), returns the matplotlib Axes (a Figure for multi-panel pictures) and never calls
``plt.show()``: notebooks show figures inline, explorers render theirs into an image widget.
Functions take the records the rest of course_lib produces (schedules,
:class:`~course_lib.training.history.History`, a range-test result) and never train.

Where things are: ``style`` (THE look: labels, palette, markers, rcParams, axes helpers),
``describe`` (alt text), ``schedules`` (rate curves), ``surfaces`` (paths on 2-D problems),
``runs`` (loss and metric curves), ``tables`` (result tables), ``diagnostics`` (range test,
sweeps, sharpness, Adam's update sizes), ``batch_size`` (the noise scale, steps against the batch,
the critical batch's trade-off, a decay against a growing batch), ``records`` (reading Histories), ``explorer_layout``
(the explorers' figure sizes, fixed margins and fast PNG frames) and ``live`` (the explorers' panels,
drawn once and then updated in place; blitting of static layers).

Axis units are spelled out: x is "step (optimizer updates)" (t = 0, 1, ... completed updates)
unless it says epochs; y is "learning rate" or the loss.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from course_lib import plotting, schedules
>>> ax = plotting.plot_schedules({"cosine": schedules.cosine_decay(0.1, 100)}, 100)
>>> ax.get_xlabel(), ax.get_ylabel()
('step (optimizer updates)', 'learning rate')
"""

from __future__ import annotations

from course_lib.plotting.batch_size import plot_decay_or_grow, plot_noise_scale, plot_steps_to_target, plot_tradeoff
from course_lib.plotting.describe import describe_figure, install_alt_text
from course_lib.plotting.diagnostics import (
    plot_adam_update_sizes,
    plot_lr_sweeps,
    plot_noise_floors,
    plot_range_test,
    plot_sharpness,
)
from course_lib.plotting.records import as_histories, diverged_text, run_label
from course_lib.plotting.runs import (
    plot_finals,
    plot_history,
    plot_loss_levels,
    plot_runs,
    plot_runs_by_epoch,
    plot_step_sizes,
    plot_val_history,
)
from course_lib.plotting.schedules import plot_partial_sums, plot_schedule_gallery, plot_schedules
from course_lib.plotting.style import (
    COURSE_STYLE,
    EPOCH_LABEL,
    LINESTYLES,
    LR_LABEL,
    MARKERS,
    PALETTE,
    PROJECTOR_MAX_FIGSIZE,
    PROJECTOR_STYLE,
    STEP_LABEL,
    PlainLogFormatter,
    any_finite,
    check_nonempty,
    course_style,
    finish_axes,
    fit_to_slide,
    marker_spacing,
    name_of,
    new_axes,
    plain_log_ticks,
    plain_number,
    positive_for_log,
    projector_on,
    series_color,
    series_style,
    shorten,
    use_course_style,
    use_projector_style,
)
from course_lib.plotting.surfaces import plot_contraction, plot_path
from course_lib.plotting.tables import results_table

__all__ = [
    "COURSE_STYLE",
    "PROJECTOR_STYLE",
    "STEP_LABEL",
    "LR_LABEL",
    "course_style",
    "use_course_style",
    "use_projector_style",
    "projector_on",
    "fit_to_slide",
    "describe_figure",
    "install_alt_text",
    "plot_schedules",
    "plot_schedule_gallery",
    "plot_path",
    "plot_history",
    "plot_runs",
    "plot_loss_levels",
    "plot_finals",
    "plot_range_test",
    "results_table",
    "plot_contraction",
    "plot_partial_sums",
    "plot_val_history",
    "plot_step_sizes",
    "plot_lr_sweeps",
    "plot_sharpness",
    "plot_adam_update_sizes",
    "plot_noise_floors",
    "plot_runs_by_epoch",
    "plot_noise_scale",
    "plot_steps_to_target",
    "plot_tradeoff",
    "plot_decay_or_grow",
]
