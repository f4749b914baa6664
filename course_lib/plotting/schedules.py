"""Pictures of schedules: rate curves, galleries and partial sums (no training)."""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import matplotlib.style  # noqa: F401  (mpl.style)
import matplotlib.ticker  # noqa: F401  (mpl.ticker)
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib import schedules as S
from course_lib.plotting.legends import place_legend
from course_lib.plotting.style import (
    COURSE_STYLE,
    LR_LABEL,
    STEP_LABEL,
    any_finite,
    check_nonempty,
    checked_plot,
    course_style,
    finish_axes,
    log_scale,
    name_of,
    new_axes,
    plain_log_ticks,
    positive_for_log,
    series_color,
    series_style,
    shorten,
)
from course_lib.validation import MAX_MAGNITUDE, check_int

__all__ = [
    'plot_schedules',
    'plot_schedule_gallery',
    'plot_partial_sums',
    'schedule_values',
    'as_named',
    'say_not_drawn',
]


# ---------------------------------------------------------------------------
# Schedules
# ---------------------------------------------------------------------------


def schedule_values(schedule: Callable[[Any], Any], n_steps: int) -> np.ndarray:
    """schedule(0..n_steps-1); a plain function that fails at some step gives nan there (no raise).

    Non-finite values (and values past :data:`~course_lib.validation.MAX_MAGNITUDE`, which overflow
    matplotlib's axis margins) become nan, so a broken article formula draws as a gap, not a crash.
    """
    if isinstance(schedule, S.Schedule):
        values = S.evaluate(schedule, n_steps)
    else:
        values = np.full(n_steps, np.nan)
        with np.errstate(all="ignore"):
            for t in range(n_steps):
                try:
                    value = schedule(t)
                    values[t] = np.nan if np.iscomplexobj(value) else float(value)  # no ComplexWarning
                except (ArithmeticError, ValueError, TypeError, OverflowError):
                    values[t] = np.nan
    values = np.asarray(values, dtype=np.float64)
    values[~(np.abs(values) <= MAX_MAGNITUDE)] = np.nan  # nan, inf, and sizes that overflow the axis margins
    return values


def as_named(schedules: Any, argname: str = "schedules") -> dict[str, Callable[[Any], Any]]:
    """A dict name -> schedule from a dict, a list/tuple, or one schedule."""
    if isinstance(schedules, Mapping):
        named = dict(schedules)
    elif isinstance(schedules, S.Schedule) or (callable(schedules) and not isinstance(schedules, (list, tuple))):
        named = {name_of(schedules): schedules}
    elif isinstance(schedules, (list, tuple)):
        named = {}
        for i, s in enumerate(schedules):
            label = name_of(s)
            named[label if label not in named else f"{label} #{i}"] = s
    else:
        raise TypeError(
            f"{argname} must be a dict name -> schedule or a list of schedules, "
            f"got {argname}={schedules!r} ({type(schedules).__name__})"
        )
    check_nonempty(argname, named)
    for name, s in named.items():
        if not callable(s):
            raise TypeError(f"{argname}[{name!r}] must be a schedule or a function of the step t, got {s!r}")
    return named


@checked_plot
def plot_schedules(
    schedules: Mapping[str, Any] | Sequence[Any] | Any,
    n_steps: int,
    *,
    ax: Axes | None = None,
    log: bool = False,
    title: str | None = None,
) -> Axes:
    """Several learning-rate schedules on one axis: lr(t) for t = 0 .. n_steps-1.

    Args:
        schedules: a dict label -> schedule, or a list of schedules (labelled by their
            shortened repr), or one schedule. A schedule is a course_lib schedule or any
            plain function of the step t (a formula copied from an article); a function
            that fails or returns nan/inf at some step is drawn with a gap there.
        n_steps: number of steps to draw (>= 1).
        ax: the Axes to draw into; None makes a new figure.
        log: log-scale y axis. Zeros and negative values cannot be drawn on it and are
            left out (masked), e.g. a cosine decay that ends at exactly 0.
        title: the axes title; None for none.

    Returns:
        The Axes.

    Raises:
        ValueError: empty ``schedules`` or n_steps < 1.
        TypeError: an entry is not callable.
    """
    named = as_named(schedules)
    n_steps = check_int("n_steps", n_steps, minimum=1)
    with course_style():
        ax = new_axes(ax)
        steps = np.arange(n_steps)
        masked_any, drawable, blank = False, False, []
        drawstyle = "steps-post" if n_steps <= 60 else "default"
        for i, (label, s) in enumerate(named.items()):
            values = schedule_values(s, n_steps)
            shown = positive_for_log(values) if log else values
            masked_any |= bool(np.any(np.isfinite(values) & (values <= 0)))
            if not any_finite(shown):  # an all-nan line draws nothing: say so instead
                blank.append(label)
                continue
            drawable = True
            ax.plot(steps, shown, label=label, drawstyle=drawstyle, **series_style(i, n_steps))
        if blank:
            say_not_drawn(ax, blank, n_steps, log)
        if log and drawable:
            log_scale(ax, "y")
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        ylabel = LR_LABEL + (" (log scale; zeros not shown)" if log and masked_any else " (log scale)" if log else "")
        if not log:
            ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
        finish_axes(ax, STEP_LABEL, ylabel)
        if title:
            ax.set_title(title)
    return ax


def say_not_drawn(ax: Axes, labels: Sequence[str], n_steps: int, log: bool, fontsize: float | None = None) -> None:
    """Write in ``ax`` which schedules were left out because they have nothing to draw."""
    why = "no rate > 0 to show on a log axis" if log else "no finite rate"
    ax.text(
        0.5,
        0.5,
        f"not drawn ({why} in steps 0..{n_steps - 1}):\n" + "\n".join(labels),
        transform=ax.transAxes,
        ha="center",
        va="center",
        color="#b00020",
        fontsize=fontsize,
    )


@checked_plot
def plot_schedule_gallery(
    schedules: Mapping[str, Any] | Sequence[Any], n_steps: int, ncols: int = 4, *, log: bool = False
) -> Figure:
    """Small multiples: one panel per schedule, same x range and style (the figures/ gallery).

    Args:
        schedules: a dict title -> schedule (or a list, titled by shortened repr).
        n_steps: steps per panel (>= 1).
        ncols: panels per row (>= 1).
        log: log-scale y axes (zeros masked).

    A schedule with nothing to draw (no finite rate, or no rate > 0 on a log axis) gets
    a panel that says so instead of an empty line.

    Returns:
        The Figure (its axes: ``fig.axes``; unused panels are hidden).

    Raises:
        ValueError: empty ``schedules``, n_steps < 1 or ncols < 1.
    """
    named = as_named(schedules)
    n_steps = check_int("n_steps", n_steps, minimum=1)
    ncols = check_int("ncols", ncols, minimum=1)
    ncols = min(ncols, len(named))
    nrows = math.ceil(len(named) / ncols)
    with course_style():
        fig, axes = plt.subplots(
            nrows, ncols, figsize=(3.4 * ncols, 2.6 * nrows), sharex=True, squeeze=False, layout="constrained"
        )
        steps = np.arange(n_steps)
        for i, (title, s) in enumerate(named.items()):
            ax = axes.flat[i]
            values = schedule_values(s, n_steps)
            shown = positive_for_log(values) if log else values
            if not any_finite(shown):  # an all-nan line draws nothing: say so instead
                say_not_drawn(ax, [shorten(title, 34)], n_steps, log, fontsize=9)
            elif log:
                ax.plot(steps, shown, color=series_color(i))
                log_scale(ax, "y")
                plain_log_ticks(ax)
            else:
                ax.plot(steps, shown, color=series_color(i))
                ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
            ax.set_title(shorten(title, 34), fontsize=12)
            ax.tick_params(labelsize=10)
            ax.grid(True, alpha=COURSE_STYLE["grid.alpha"])
            if i % ncols == 0:
                ax.set_ylabel(LR_LABEL, fontsize=11)
            if i >= len(named) - ncols:
                ax.set_xlabel(STEP_LABEL, fontsize=11)
                ax.xaxis.set_tick_params(labelbottom=True)
        for ax in axes.flat[len(named) :]:
            ax.set_visible(False)
    return fig


# ---------------------------------------------------------------------------
# Partial sums of a schedule (Robbins-Monro)
# ---------------------------------------------------------------------------

_SUM_LABELS = {1: "Σ lr(s), s ≤ t  (total learning)", 2: "Σ lr(s)², s ≤ t  (accumulated noise)"}


@checked_plot
def plot_partial_sums(
    schedules: Mapping[str, Any] | Sequence[Any] | Any,
    n_steps: int,
    *,
    powers: Sequence[float] = (1, 2),
    n_points: int = 400,
) -> Figure:
    """The Robbins-Monro picture: running sums of lr(t) ** p against t, log-log, one panel per power.

    On log-log axes a sum that keeps growing (diverges) keeps rising; one that
    converges flattens into a horizontal line. Curves are drawn at ``n_points``
    log-spaced steps, so millions of steps stay cheap to draw.

    Args:
        schedules: a dict label -> schedule, a list of schedules, or one schedule
            (course_lib schedules are evaluated in one vectorised call).
        n_steps: number of steps summed (>= 2).
        powers: the exponents p, one panel each (each > 0); default (1, 2).
        n_points: points drawn per curve (>= 10).

    Returns:
        The Figure (its axes: ``fig.axes``, one per power).

    Raises:
        ValueError: empty ``schedules`` or ``powers``, n_steps < 2, n_points < 10, a power <= 0.
    """
    named = as_named(schedules)
    n_steps = check_int("n_steps", n_steps, minimum=2)
    n_points = check_int("n_points", n_points, minimum=10)
    if isinstance(powers, (str, bytes)) or not isinstance(powers, Sequence) or len(powers) == 0:
        raise ValueError(f"powers must be a non-empty sequence of exponents > 0, got powers={powers!r}")
    for p in powers:
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not p > 0:
            raise ValueError(f"powers must all be numbers > 0, got {p!r} in powers={list(powers)}")
    index = np.unique(np.geomspace(1, n_steps, n_points).astype(int)) - 1  # steps 0 .. n_steps-1
    values = {label: schedule_values(s, n_steps) for label, s in named.items()}
    with course_style():
        fig, axes = plt.subplots(1, len(powers), figsize=(6.2 * len(powers), 4.6), squeeze=False, layout="constrained")
        for ax, p in zip(axes.flat, powers):
            for i, (label, lr) in enumerate(values.items()):
                sums = np.cumsum(np.where(np.isfinite(lr), np.abs(lr), 0.0) ** p)
                ax.plot(index + 1, positive_for_log(sums[index]), label=label, **series_style(i, len(index)))
            log_scale(ax, "x")
            log_scale(ax, "y")
            ylabel = _SUM_LABELS.get(p, f"Σ lr(s)^{p:g}, s ≤ t")
            finish_axes(ax, "t (optimizer updates, log scale)", ylabel + " (log scale)", legend=False)
        place_legend(axes.flat[0])
    return fig
