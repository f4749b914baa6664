"""Pictures drawn in place: the explorers' panels keep their artists and only move them.

Each class owns one axes (or two) of an explorer's figure (:func:`explorer_figure`), creates
its artists once and, at every ``update``, sets their data (``set_data``), and touches scales,
limits, labels and the legend only when they change. The look is the static plots' own: the
same palette, markers, labels and rules as :func:`plot_schedules`, :func:`plot_path` and
:func:`plot_history`.

>>> from course_lib import schedules as S
>>> from course_lib.plotting.explorer_layout import explorer_figure, frame_png
>>> fig, (ax,) = explorer_figure("schedule")
>>> curves = LiveCurves(ax)
>>> curves.update({"cosine": S.cosine_decay(0.1, 100)}, 100, title="cosine")
>>> line = ax.get_lines()[0]
>>> curves.update({"cosine": S.cosine_decay(0.2, 100)}, 100, title="cosine")
>>> ax.get_lines()[0] is line, float(line.get_ydata()[0])
(True, 0.2)
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Mapping, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib.plotting.legends import place_legend
from course_lib.plotting.records import as_histories, diverged_text, run_label
from course_lib.plotting.runs import epoch_series, loss_scale
from course_lib.plotting.schedules import as_named, say_not_drawn, schedule_values
from course_lib.plotting.style import (
    LR_LABEL,
    STEP_LABEL,
    any_finite,
    course_style,
    finish_axes,
    marker_spacing,
    plain_log_ticks,
    positive_for_log,
    series_color,
    series_style,
)
from course_lib.plotting.surfaces import draw_landscape, exit_point, path_view
from course_lib.training.history import History

__all__ = ["LiveCurves", "LivePaths", "LiveLoss", "Blit", "update_runs_by_epoch"]


def _set_scale(ax: Axes, axis: str, scale: str) -> None:
    get, set_ = (ax.get_yscale, ax.set_yscale) if axis == "y" else (ax.get_xscale, ax.set_xscale)
    if get() != scale:
        set_(scale)
        plain_log_ticks(ax)


def _set_limits(ax: Axes, xlim: tuple[float, float] | None = None, ylim: tuple[float, float] | None = None) -> None:
    """Set the limits only where they changed (a change invalidates the ticks' layout)."""
    if xlim is not None and tuple(ax.get_xlim()) != tuple(xlim):
        ax.set_xlim(*xlim)
    if ylim is not None and tuple(ax.get_ylim()) != tuple(ylim):
        ax.set_ylim(*ylim)


def _autoscale(ax: Axes) -> None:
    """Fit the limits to the data again (a ``set_ylim(bottom=0)`` of the last frame switched autoscaling off)."""
    ax.set_autoscale_on(True)
    ax.relim()
    ax.autoscale_view()


def _set_text(current: str, new: str, setter) -> None:
    if current != new:
        setter(new)


def _legend(ax: Axes, state: dict, handles: Sequence[Any] | None = None) -> None:
    """(Re)build the legend only when its labels changed; every frame, move it off the data
    (:func:`place_legend`, inside the axes: an explorer's figure has fixed margins)."""
    handles = list(handles) if handles is not None else ax.get_legend_handles_labels()[0]
    labels = tuple(h.get_label() for h in handles)
    if labels != state.get("legend"):
        state["legend"] = labels
        if handles:
            ax.legend(handles=handles, loc="best")
        elif ax.get_legend() is not None:
            ax.get_legend().remove()
    if handles:
        place_legend(ax, outside=False, draw=False)


def _fit(lines: list, n: int, make) -> list:
    """Grow or shrink a list of artists to ``n`` (new ones from ``make()``, extra ones removed)."""
    while len(lines) < n:
        lines.append(make())
    for extra in lines[n:]:
        for artist in extra if isinstance(extra, tuple) else (extra,):
            artist.remove()
    del lines[n:]
    return lines


class LiveCurves:
    """Rate curves on one axes, updated in place: what :func:`plot_schedules` draws."""

    def __init__(self, ax: Axes) -> None:
        self.ax = ax
        self.lines: list = []
        self._note = None
        self._state: dict = {}
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))

    def update(
        self,
        schedules: Mapping[str, Any] | Sequence[Any] | Any,
        n_steps: int,
        *,
        log: bool = False,
        title: str | None = None,
        ylim: tuple[float, float] | None = None,
    ) -> None:
        """Draw ``schedules`` (as :func:`plot_schedules` takes them) over steps 0 .. n_steps-1.

        ``ylim``: fixed y limits (the rate's units), so that a change of the rate moves the curve
        instead of the axis; None: fit the data (from 0 on a linear axis)."""
        named = as_named(schedules)
        ax, steps = self.ax, np.arange(n_steps)
        drawn, blank, masked = [], [], False
        for i, (label, s) in enumerate(named.items()):
            values = schedule_values(s, n_steps)
            shown = positive_for_log(values) if log else values
            masked |= bool(np.any(np.isfinite(values) & (values <= 0)))
            (drawn.append((i, label, shown)) if any_finite(shown) else blank.append(label))
        with course_style():
            _fit(self.lines, len(drawn), lambda: ax.plot([], [])[0])
            for line, (i, label, y) in zip(self.lines, drawn):
                line.set_data(steps, y)
                line.set(
                    label=label,
                    drawstyle="steps-post" if n_steps <= 60 else "default",
                    linestyle="-",
                    **series_style(i, n_steps),
                )
            if self._note is not None:
                self._note.remove()
                self._note = None
            if blank:
                say_not_drawn(ax, blank, n_steps, log)
                self._note = ax.texts[-1]
            _set_scale(ax, "y", "log" if log and drawn else "linear")
            _autoscale(ax)
            if ylim is not None and drawn:
                ax.set_ylim(*ylim)
            elif not (log and drawn):
                ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
            ylabel = LR_LABEL + (" (log scale; zeros not shown)" if log and masked else " (log scale)" if log else "")
            if "grid" not in self._state:
                finish_axes(ax, STEP_LABEL, ylabel, legend=False, live=True)
                self._state["grid"] = True
            _set_text(ax.get_ylabel(), ylabel, ax.set_ylabel)
            _set_text(ax.get_title(), title or "", ax.set_title)
            _legend(ax, self._state, self.lines)


class LivePaths:
    """Optimizer paths over a problem's contours: the landscape is drawn once per problem (``key``),
    the paths move (what :func:`plot_path` draws)."""

    def __init__(self, ax: Axes) -> None:
        self.ax = ax
        self.key: Any = None
        self.groups: list = []
        self._state: dict = {}

    def set_problem(
        self, problem: Any, key: Any, *, log_levels: bool = True, levels: int = 20, grid_points: int = 100
    ) -> bool:
        """Draw the landscape of ``problem`` unless ``key`` is the one drawn; True if it was redrawn."""
        if key == self.key:
            return False
        self.ax.cla()
        self.groups, self._state, self.key = [], {}, key
        self.view = path_view(problem.bounds)
        draw_landscape(self.ax, problem, levels=levels, log_levels=log_levels, grid_points=grid_points, legend=False)
        self._static = list(self.ax.get_legend_handles_labels()[0])
        return True

    def moving(self) -> list:
        """What is drawn over the contours, in drawing order: the paths, the legend, and the markers
        at their height or above (the minimum's star); the contours are the static layer."""
        legend = self.ax.get_legend()
        lines = [a for a in self.ax.get_lines() if a.get_zorder() >= 3]
        return sorted(lines + ([legend] if legend is not None else []), key=lambda a: a.get_zorder())

    def update(self, runs: History | Sequence[History]) -> None:
        runs = as_histories(runs, "runs")
        ax = self.ax

        def make():
            (line,) = ax.plot([], [], linewidth=1.6, alpha=0.9, zorder=3, markersize=4)
            (start,) = ax.plot([], [], "o", markersize=8, markeredgecolor="black", zorder=4)
            (end,) = ax.plot([], [], markeredgecolor="black", zorder=5, linestyle="none")
            return line, start, end

        with course_style():
            _fit(self.groups, len(runs), make)
            shown = []
            for i, (h, (line, start, end)) in enumerate(zip(runs, self.groups)):
                color = series_color(i)
                path = np.asarray(h.params, dtype=np.float64)
                path = path[np.all(np.isfinite(path), axis=1)]
                for artist in (line, start, end):
                    artist.set_visible(bool(len(path)))
                    artist.set_color(color)
                if not len(path):
                    line.set_label("_hidden")
                    continue
                line.set_data(path[:, 0], path[:, 1])
                line.set_marker("." if len(path) <= 400 else "None")
                line.set_label(run_label(h, i) + (f" ({diverged_text(h)})" if h.diverged else ""))
                start.set_data([path[0, 0]], [path[0, 1]])
                tip = exit_point(path, self.view) if h.diverged else path[-1]
                end.set_data([tip[0]], [tip[1]])
                end.set(marker="X" if h.diverged else "s", markersize=13 if h.diverged else 6, clip_on=not h.diverged)
                shown.append(line)
            _legend(ax, self._state, shown + self._static)


class LiveLoss:
    """Training loss against steps, the rate on a twin axis (right, dashed): :func:`plot_history` in place."""

    def __init__(self, ax: Axes) -> None:
        self.ax = ax
        with course_style():
            self.lr_ax = ax.twinx()
            self.lr_ax.set_ylabel(LR_LABEL + " (dashed)")
            self.lr_ax.grid(False)
            self.lr_ax.spines["right"].set_visible(True)
            self._lr_proxy = mpl.lines.Line2D(
                [], [], color="gray", linestyle="--", linewidth=1.4, label="learning rate (right axis)"
            )
        ax.set_zorder(self.lr_ax.get_zorder() + 1)  # loss lines and legend above the lr lines
        ax.patch.set_visible(False)
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        ax.lr_axis = self.lr_ax
        self.lines: list = []
        self.lr_lines: list = []
        self._marks: list = []
        self._state: dict = {}

    def update(self, runs: History | Sequence[History], *, log_loss: bool = True) -> None:
        runs = as_histories(runs, "runs")
        ax, lr_ax = self.ax, self.lr_ax
        losses = [np.asarray(h.loss, dtype=np.float64) for h in runs]
        use_log = loss_scale(losses, log_loss)
        with course_style():
            _fit(self.lines, len(runs), lambda: ax.plot([], [])[0])
            _fit(self.lr_lines, len(runs), lambda: lr_ax.plot([], [], linestyle="--", linewidth=1.4, alpha=0.7)[0])
            for mark in self._marks:
                mark.remove()
            self._marks = []
            for i, (h, loss, line, lr_line) in enumerate(zip(runs, losses, self.lines, self.lr_lines)):
                color = series_color(i)
                steps = np.asarray(h.steps) if len(h.steps) == len(loss) else np.arange(len(loss))
                line.set_data(steps, positive_for_log(loss) if use_log else loss)
                line.set(label=run_label(h, i), linestyle="-", **series_style(i, len(loss)))
                lr_line.set_data(np.arange(len(h.lr)), h.lr)
                lr_line.set_color(color)
                if h.diverged and h.diverged_step is not None:
                    self._marks.append(ax.axvline(h.diverged_step, color=color, linestyle=":", linewidth=2))
                    self._marks.append(
                        ax.text(
                            h.diverged_step,
                            0.96 - 0.08 * (i % 5),
                            " " + diverged_text(h),
                            color=color,
                            transform=ax.get_xaxis_transform(),
                            ha="right" if steps.size and h.diverged_step > 0.6 * max(int(steps.max()), 1) else "left",
                            va="top",
                            fontsize=11,
                            bbox=dict(facecolor="white", alpha=0.75, edgecolor="none", pad=1.5),
                        )
                    )
            _set_scale(ax, "y", "log" if use_log else "linear")
            _autoscale(ax)
            _autoscale(lr_ax)
            lr_ax.set_ylim(bottom=0)
            ylabel = "training loss" + (" (log scale)" if use_log else "")
            if "grid" not in self._state:
                finish_axes(ax, STEP_LABEL, ylabel, legend=False, live=True)
                self._state["grid"] = True
            _set_text(ax.get_ylabel(), ylabel, ax.set_ylabel)
            _legend(ax, self._state, self.lines + [self._lr_proxy])


class Blit:
    """Draw a figure's static layer once per ``key``, then per frame restore it and draw only what moves.

    The static layer is every artist but ``moving_artists`` and the ``moving_axes`` (drawn whole:
    their ticks change with the data). It is cached with ``canvas.copy_from_bbox`` per ``key``
    (e.g. a problem and its condition number: one contour picture each), the last ``size`` keys
    kept (least recently used dropped), so moving back to a surface seen before costs no redraw of
    its contours. The caller's artists must match the key (as :class:`LivePaths` keeps them): the
    cache holds pixels, not artists. After :meth:`paint` the canvas holds the frame: encode it with
    ``frame_png(fig, draw=False)``.
    """

    def __init__(self, fig: Any, size: int = 8) -> None:
        self.fig = fig
        self.key: Any = None
        self.size = size
        self.backgrounds: OrderedDict = OrderedDict()  # (key, canvas size) -> the static layer's pixels

    @property
    def background(self) -> Any:
        """The static layer of the current key (None before the first paint)."""
        return self.backgrounds.get((self.key, self._canvas_size()))

    def _canvas_size(self) -> tuple[float, ...]:
        return tuple(self.fig.bbox.bounds)

    def paint(self, key: Any, moving_axes: Sequence[Axes], moving_artists: Sequence[Any]) -> None:
        canvas = self.fig.canvas
        for artist in moving_artists:
            artist.set_animated(True)  # left out of canvas.draw(): drawn below
        slot = (key, self._canvas_size())
        background = self.backgrounds.get(slot)
        if background is None:
            for ax in moving_axes:
                ax.set_visible(False)
            try:
                canvas.draw()
            finally:
                for ax in moving_axes:
                    ax.set_visible(True)
            background = self.backgrounds[slot] = canvas.copy_from_bbox(self.fig.bbox)
            while len(self.backgrounds) > self.size:
                self.backgrounds.popitem(last=False)
        else:
            self.backgrounds.move_to_end(slot)
            canvas.restore_region(background)
        self.key = key
        renderer = canvas.get_renderer()
        for artist in moving_artists:
            artist.draw(renderer)
            artist.set_animated(False)  # a plain figure again for anyone else who draws it
        for ax in sorted(moving_axes, key=lambda a: a.get_zorder()):
            ax.draw(renderer)


def update_runs_by_epoch(
    fig: Figure,
    groups: Mapping[str, History],
    *,
    metrics: Sequence[str] = ("lr", "loss", "val_loss"),
    smooth_epochs: float = 0.0,
    log_loss: bool = True,
) -> bool:
    """Redraw a figure of :func:`plot_runs_by_epoch` in place for new runs (one History per label).

    The lines get the new data and labels (the legend's texts too), the axes their new limits; the
    figure keeps its layout, so an explorer renders it again without building a new one. Placing
    the legend again is the caller's (its layout is final: ``place_legend(ax, draw=False)``).

    Returns:
        True if it was redrawn; False (the figure untouched) if the new runs do not fit it: another
        number of runs or panels, a series with no finite value, a log axis whose data would have
        no positive value, a label the figure did not have. Then draw a new figure.
    """
    axes = fig.axes
    if not isinstance(groups, Mapping) or len(axes) != len(metrics) or not groups:
        return False
    if any(not isinstance(h, History) for h in groups.values()):
        return False
    series = []
    try:
        for ax, metric in zip(axes, metrics):
            lines = ax.get_lines()
            if len(lines) != len(groups) or ax.collections:
                return False
            log = log_loss and metric in ("loss", "val_loss")
            if (ax.get_yscale() == "log") != log:
                return False
            for name, h in groups.items():
                x, mean, _, _ = epoch_series(name, [h], metric, smooth_epochs, "none")
                y = positive_for_log(mean) if log else mean
                if not np.any(np.isfinite(y)):
                    return False
                series.append((x, y))
    except ValueError:
        return False
    done = iter(series)
    for ax, metric in zip(axes, metrics):
        per_step = not metric.startswith("val_")  # a per-step metric (not "val_loss", "val_acc")
        for i, (line, name) in enumerate(zip(ax.get_lines(), groups)):
            x, y = next(done)
            line.set_data(x, y)
            line.set_label(name)
            if per_step:
                line.set_markevery(marker_spacing(i, len(x)))
        legend = ax.get_legend()
        if legend is not None:
            for text, name in zip(legend.get_texts(), groups):
                text.set_text(name)
        ax.relim()
        ax.set_autoscale_on(True)
        ax.autoscale_view()
        if metric == "lr":
            ax.set_ylim(bottom=0)
    return True
