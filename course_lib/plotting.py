"""Plots for the course: one readable style, one function per picture.

Every function draws into ``ax`` (a new figure if ``ax=None``), returns the
matplotlib Axes (a Figure for multi-panel pictures) and never calls
``plt.show()``: notebooks show figures inline, widgets show them in their output
area. Functions take the records the rest of course_lib produces -- schedules,
:class:`~course_lib.training.history.History`, a range-test result -- and never train.

Axis units are spelled out: x is "step (optimizer updates)" (t = 0, 1, ...
completed updates) unless it says epochs; y is "learning rate" or the loss.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from course_lib import schedules as S
>>> ax = plot_schedules({"cosine": S.cosine_decay(0.1, 100)}, 100)
>>> ax.get_xlabel(), ax.get_ylabel()
('step (optimizer updates)', 'learning rate')
"""
from __future__ import annotations

import contextlib
import math
import warnings
from typing import Any, Callable, Iterator, Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import matplotlib.style  # noqa: F401  (mpl.style)
import matplotlib.ticker  # noqa: F401  (mpl.ticker)
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from course_lib import schedules as S
from course_lib.validation import check_in, check_int
from course_lib.training.history import History
from course_lib.training.seeds import mean_and_band, stack_runs

__all__ = [
    "COURSE_STYLE", "PROJECTOR_STYLE", "STEP_LABEL", "LR_LABEL", "course_style", "use_course_style",
    "use_projector_style", "projector_on", "fit_to_slide", "describe_figure", "install_alt_text",
    "plot_schedules", "plot_schedule_gallery", "plot_path", "plot_history", "plot_runs",
    "plot_range_test", "results_table", "plot_contraction", "plot_partial_sums",
    "plot_val_history", "plot_step_sizes", "plot_lr_sweeps",
    "plot_sharpness", "plot_adam_update_sizes", "plot_runs_by_epoch",
]

STEP_LABEL = "step (optimizer updates)"
LR_LABEL = "learning rate"
EPOCH_LABEL = "epoch"

#: Line colours, in order: matplotlib's "petroff10" style, a palette chosen for readers with
#: colour-vision deficiencies (Petroff 2021) and distinct on a projector. The one home of the
#: course's colours: everything else asks :func:`_color` or draws in :data:`COURSE_STYLE`.
_PALETTE = tuple(mpl.style.library["petroff10"]["axes.prop_cycle"].by_key()["color"])
#: Series are told apart by marker shape (and, in the style's cycle, line style) as well as by
#: colour, so no picture depends on colour alone. Line styles carry meaning in some course
#: figures (dashed = learning rate on a twin axis, dotted = divergence), so the course's own
#: series vary the marker, not the line.
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "*")
_LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1)), (0, (5, 5)),
               (0, (3, 5, 1, 5)), (0, (5, 2, 1, 2, 1, 2)))


def _color(i: int) -> str:
    """The i-th course colour as a hex string (resolved now, not when the figure is drawn)."""
    return _PALETTE[i % len(_PALETTE)]


def _markevery(i: int, n_points: int) -> tuple[int, int]:
    """Where the i-th series of ``n_points`` points puts markers: every ~10th of its points.

    The start is staggered per series, so overlapping lines still show each one's markers.
    """
    every = max(1, n_points // 10)
    return (i * every // 5) % every, every


def _series(i: int, n_points: int) -> dict[str, Any]:
    """Plot keywords of the i-th series of ``n_points`` points: its colour and marker shape."""
    return {"color": _color(i), "marker": _MARKERS[i % len(_MARKERS)],
            "markevery": _markevery(i, n_points), "markersize": 5.5}


#: rcParams for projector-readable figures (font ~12-13 pt, lines 2 pt, grid on).
COURSE_STYLE: dict[str, Any] = {
    "figure.figsize": (8.0, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 120,
    "savefig.bbox": "tight",
    "font.size": 12.5,
    "axes.titlesize": 13,
    "axes.labelsize": 12.5,
    "xtick.labelsize": 11.5,
    "ytick.labelsize": 11.5,
    "legend.fontsize": 11,
    "legend.framealpha": 0.85,
    "lines.linewidth": 2.0,
    "lines.markersize": 6,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linestyle": "-",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=list(_PALETTE)) + mpl.cycler(linestyle=list(_LINESTYLES)),
}

#: The projector style: :data:`COURSE_STYLE` with larger text and thicker lines, for a class reading a
#: 1280x720 projector from the back row. Switched on by :func:`use_projector_style`.
PROJECTOR_STYLE: dict[str, Any] = {
    **COURSE_STYLE,
    "figure.figsize": (10.0, 4.4),
    "font.size": 16,
    "axes.titlesize": 17,
    "axes.labelsize": 16,
    "xtick.labelsize": 14.5,
    "ytick.labelsize": 14.5,
    "legend.fontsize": 14,
    "lines.linewidth": 3.0,
    "lines.markersize": 8,
    "grid.alpha": 0.4,
}

#: Largest explorer figure (inches at figure.dpi = 100, i.e. 1150 x 430 px) in the projector style:
#: it leaves room for the controls on a 1280x720 slide.
PROJECTOR_MAX_FIGSIZE: tuple[float, float] = (11.5, 4.3)

_active_style: dict[str, Any] = COURSE_STYLE

# A path's line is clipped to the problem's bounds widened by this fraction on each side.
_VIEW_MARGIN = 0.1


# ---------------------------------------------------------------------------
# Style
# ---------------------------------------------------------------------------

def use_course_style() -> None:
    """Apply :data:`COURSE_STYLE` to matplotlib globally (for the rest of the session).

    The plotting functions already draw in this style (via :func:`course_style`);
    call this to give your own figures the same look. Switches the projector style off.
    """
    global _active_style
    _active_style = COURSE_STYLE
    mpl.rcParams.update(COURSE_STYLE)


def use_projector_style(on: bool = True) -> None:
    """Switch every course figure to :data:`PROJECTOR_STYLE` (``on=False``: back to the course style).

    One call before presenting: plots and explorers redraw with ~16 pt text and 3 pt lines,
    and explorer figures shrink to :data:`PROJECTOR_MAX_FIGSIZE` so that a slide of
    1280x720 px holds the picture and its controls.

    >>> use_projector_style(); projector_on()
    True
    >>> use_projector_style(False); projector_on()
    False
    """
    global _active_style
    if not isinstance(on, bool):
        raise TypeError(f"on must be True or False, got on={on!r}")
    _active_style = PROJECTOR_STYLE if on else COURSE_STYLE
    mpl.rcParams.update(_active_style)


def projector_on() -> bool:
    """True while :func:`use_projector_style` is on."""
    return _active_style is PROJECTOR_STYLE


def fit_to_slide(fig: Figure) -> Figure:
    """Shrink ``fig`` (keeping its aspect) to :data:`PROJECTOR_MAX_FIGSIZE` if the projector style is on.

    Text keeps its size in points, so it grows relative to the plot. Returns ``fig``.
    """
    if projector_on():
        width, height = fig.get_size_inches()
        scale = min(1.0, PROJECTOR_MAX_FIGSIZE[0] / width, PROJECTOR_MAX_FIGSIZE[1] / height)
        if scale < 1.0:
            fig.set_size_inches(width * scale, height * scale)
    return fig


@contextlib.contextmanager
def course_style() -> Iterator[None]:
    """Context manager: draw in the active style (:data:`COURSE_STYLE`, or :data:`PROJECTOR_STYLE`
    after :func:`use_projector_style`), restore the previous rcParams after."""
    with mpl.rc_context(_active_style):
        yield


def _new_axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    """``ax`` itself, or the Axes of a new figure in the course style."""
    if ax is not None:
        if not isinstance(ax, Axes):
            raise TypeError(f"ax must be a matplotlib Axes or None, got ax={ax!r} ({type(ax).__name__})")
        return ax
    _, ax = plt.subplots(figsize=figsize or _active_style["figure.figsize"], layout="constrained")
    return ax


def _plain_number(x: float) -> str:
    """A tick value as plain text: 0.001 .. 9999 as a decimal ("0.01", "250"), else "1e-05" -> "1e-5"."""
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.6g}"
    mantissa, exponent = f"{x:.2e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


class PlainLogFormatter(mpl.ticker.LogFormatter):
    """Log-axis tick labels in plain text ("0.01", "1", "1e-5") instead of mathtext ("$10^{-2}$").

    Same ticks and the same rule for which minor ticks get a label as matplotlib's default
    ``LogFormatterSciNotation``, but no mathtext: parsing "$10^{-2}$" at every draw was most of
    the time an explorer took to redraw (mathtext's cache is small: it misses on every redraw).
    """

    def _num_to_string(self, x: float, vmin: float, vmax: float) -> str:
        return _plain_number(x)


def _plain_log_ticks(ax: Axes) -> None:
    """Give every log-scaled axis of ``ax`` that has matplotlib's default labels the plain ones."""
    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() != "log":
            continue
        for minor in (False, True):
            current = axis.get_minor_formatter() if minor else axis.get_major_formatter()
            if isinstance(current, mpl.ticker.LogFormatterSciNotation):
                plain = PlainLogFormatter(base=current._base, labelOnlyBase=current.labelOnlyBase,
                                          minor_thresholds=current.minor_thresholds)
                (axis.set_minor_formatter if minor else axis.set_major_formatter)(plain)


def _finish(ax: Axes, xlabel: str, ylabel: str, legend: bool = True) -> None:
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=COURSE_STYLE["grid.alpha"])
    _plain_log_ticks(ax)
    if legend and ax.get_legend_handles_labels()[0]:  # no labelled line: no empty legend (and no warning)
        ax.legend(loc="best")


def _shorten(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _name_of(thing: Any) -> str:
    """A legend label for a schedule or a plain function of t."""
    if isinstance(thing, S.Schedule):
        return _shorten(repr(thing))
    return _shorten(getattr(thing, "__name__", None) or repr(thing))


def _check_nonempty(name: str, value: Any) -> None:
    if value is None or len(value) == 0:
        raise ValueError(f"{name} must not be empty, got {name}={value!r}")


def _for_log(values: np.ndarray) -> np.ndarray:
    """Copy of ``values`` with zeros, negatives and non-finite entries masked (nan) for a log axis."""
    out = np.array(values, dtype=np.float64)
    out[~(np.isfinite(out) & (out > 0))] = np.nan
    return out


def _any_finite(values: np.ndarray) -> bool:
    return bool(np.any(np.isfinite(values)))


# ---------------------------------------------------------------------------
# Text alternatives: what a figure shows, for alt text and screen readers
# ---------------------------------------------------------------------------

def _axis_text(axis_name: str, label: str, scale: str, limits: tuple[float, float]) -> str:
    lo, hi = (float(f"{v:.3g}") for v in sorted(limits))
    scale_text = "log scale" if scale == "log" else scale if scale != "linear" else ""
    name = label.strip() or "unlabelled"
    return (f"{axis_name} axis: {name}" + (f" ({scale_text})" if scale_text and scale_text not in name else "")
            + f", from {_plain_number(lo)} to {_plain_number(hi)}")


def _series_names(ax: Axes) -> list[str]:
    """The legend's entries of ``ax``; without a legend, the labels of its labelled lines."""
    legend = ax.get_legend()
    if legend is not None:
        names = [t.get_text() for t in legend.get_texts()]
    else:
        names = [line.get_label() for line in ax.get_lines()]
    return [n for n in names if n and not n.startswith("_")]


def _describe_axes(ax: Axes) -> str:
    parts = []
    if ax.get_title():
        parts.append(f"\u201c{ax.get_title()}\u201d")
    kinds = []
    if ax.collections and any(type(c).__name__ in ("QuadContourSet", "ContourSet") or hasattr(c, "levels")
                              for c in ax.collections):
        kinds.append("contour map")
    if ax.images:
        kinds.append("image")
    n_lines = sum(not line.get_label().startswith("_") or len(line.get_xdata()) > 1 for line in ax.get_lines())
    if n_lines:
        kinds.append("line plot")
    if kinds:
        parts.append(" with ".join(kinds))
    parts.append(_axis_text("x", ax.get_xlabel(), ax.get_xscale(), ax.get_xlim()))
    parts.append(_axis_text("y", ax.get_ylabel(), ax.get_yscale(), ax.get_ylim()))
    names = _series_names(ax)
    if names:
        parts.append("series: " + "; ".join(names))
    return ", ".join(parts)


def describe_figure(fig: Figure | Axes) -> str:
    """A text description of a figure -- title, axes, scales, series -- for alt text.

    Built from what the figure itself holds: the figure's title, then for each visible panel
    its title, kind (line plot, contour map), x and y axis (label, scale, range; a twin axis
    is described with the panel it shares) and the entries of its legend. The course shows
    it as the alt text of every figure (see :func:`install_alt_text`).

    Args:
        fig: a matplotlib Figure, or an Axes (its figure is described).

    Returns:
        One paragraph of plain text.

    Raises:
        TypeError: ``fig`` is neither a Figure nor an Axes.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from course_lib import schedules as S
    >>> ax = plot_schedules({"cosine": S.cosine_decay(0.1, 100)}, 100, title="one cosine")
    >>> describe_figure(ax).split(", from")[0]
    'Figure: \u201cone cosine\u201d, line plot, x axis: step (optimizer updates)'
    """
    if isinstance(fig, Axes):
        fig = fig.figure
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure or Axes, got fig={fig!r} ({type(fig).__name__})")
    axes = [ax for ax in fig.get_axes() if ax.get_visible() and ax.axison]
    panels = [ax for ax in axes if not _is_twin(ax, axes)]
    head = "Figure"
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        head += f" \u201c{suptitle.get_text()}\u201d"
    if not panels:
        return head + " (empty)."
    texts = []
    for ax in panels:
        text = _describe_axes(ax)
        twins = [t for t in axes if t is not ax and _is_twin(t, axes) and _twin_of(t, axes) is ax]
        for twin in twins:
            right = _axis_text("right-hand y", twin.get_ylabel(), twin.get_yscale(), twin.get_ylim())
            names = _series_names(twin)
            text += "; " + right + ("; series: " + "; ".join(names) if names else "")
        texts.append(text)
    if len(texts) == 1:
        return f"{head}: {texts[0]}."
    return f"{head} with {len(texts)} panels. " + " ".join(
        f"Panel {i}: {t}." for i, t in enumerate(texts, start=1))


def _twin_of(ax: Axes, axes: list[Axes]) -> Axes | None:
    """The earlier panel ``ax`` shares its x axis and position with (a ``twinx`` axis), if any."""
    for other in axes:
        if other is ax:
            break
        if other.get_position().bounds == ax.get_position().bounds and ax.get_shared_x_axes().joined(ax, other):
            return other
    return None


def _is_twin(ax: Axes, axes: list[Axes]) -> bool:
    return _twin_of(ax, axes) is not None


def _alt_text_bundle(fig: Figure) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """IPython mime-bundle hook: the description as text/plain and as the PNG's ``alt`` metadata.

    The PNG itself still comes from the inline backend's formatter; IPython merges the two.
    """
    text = describe_figure(fig)
    return {"text/plain": text}, {"image/png": {"alt": text}}


def install_alt_text(shell: Any = None) -> bool:
    """Make every matplotlib figure shown in this IPython session carry its description.

    A displayed figure's output gets ``text/plain`` = :func:`describe_figure` and the metadata
    ``{"image/png": {"alt": ...}}``: stored notebooks keep it, and the course website uses it
    as the ``<img>`` alt text. Called when this module is imported in a kernel; harmless to
    call again.

    Args:
        shell: the IPython shell; None uses the running one.

    Returns:
        True if installed, False outside IPython.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython comes with the course
            return False
        shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.mimebundle_formatter.for_type(Figure, _alt_text_bundle)
    return True


install_alt_text()


# ---------------------------------------------------------------------------
# Schedules
# ---------------------------------------------------------------------------

def _schedule_values(schedule: Callable[[Any], Any], n_steps: int) -> np.ndarray:
    """schedule(0..n_steps-1); a plain function that fails at some step gives nan there (no raise).

    Non-finite values become nan, so a broken article formula draws as a gap, not a crash.
    """
    if isinstance(schedule, S.Schedule):
        values = S.evaluate(schedule, n_steps)
    else:
        values = np.full(n_steps, np.nan)
        with np.errstate(all="ignore"):
            for t in range(n_steps):
                try:
                    values[t] = float(schedule(t))
                except (ArithmeticError, ValueError, TypeError, OverflowError):
                    values[t] = np.nan
    values = np.asarray(values, dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values


def _as_named(schedules: Any, argname: str = "schedules") -> dict[str, Callable[[Any], Any]]:
    """A dict name -> schedule from a dict, a list/tuple, or one schedule."""
    if isinstance(schedules, Mapping):
        named = dict(schedules)
    elif isinstance(schedules, S.Schedule) or (callable(schedules) and not isinstance(schedules, (list, tuple))):
        named = {_name_of(schedules): schedules}
    elif isinstance(schedules, (list, tuple)):
        named = {}
        for i, s in enumerate(schedules):
            label = _name_of(s)
            named[label if label not in named else f"{label} #{i}"] = s
    else:
        raise TypeError(f"{argname} must be a dict name -> schedule or a list of schedules, "
                        f"got {argname}={schedules!r} ({type(schedules).__name__})")
    _check_nonempty(argname, named)
    for name, s in named.items():
        if not callable(s):
            raise TypeError(f"{argname}[{name!r}] must be a schedule or a function of the step t, got {s!r}")
    return named


def plot_schedules(schedules: Mapping[str, Any] | Sequence[Any] | Any, n_steps: int, *,
                   ax: Axes | None = None, log: bool = False, title: str | None = None) -> Axes:
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
    named = _as_named(schedules)
    n_steps = check_int("n_steps", n_steps, minimum=1)
    with course_style():
        ax = _new_axes(ax)
        steps = np.arange(n_steps)
        masked_any, drawable, blank = False, False, []
        drawstyle = "steps-post" if n_steps <= 60 else "default"
        for i, (label, s) in enumerate(named.items()):
            values = _schedule_values(s, n_steps)
            shown = _for_log(values) if log else values
            masked_any |= bool(np.any(np.isfinite(values) & (values <= 0)))
            if not _any_finite(shown):  # an all-nan line draws nothing: say so instead
                blank.append(label)
                continue
            drawable = True
            ax.plot(steps, shown, label=label, drawstyle=drawstyle, **_series(i, n_steps))
        if blank:
            _say_not_drawn(ax, blank, n_steps, log)
        if log and drawable:
            ax.set_yscale("log")
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        ylabel = LR_LABEL + (" (log scale; zeros not shown)" if log and masked_any else
                             " (log scale)" if log else "")
        if not log:
            ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
        _finish(ax, STEP_LABEL, ylabel)
        if title:
            ax.set_title(title)
    return ax


def _say_not_drawn(ax: Axes, labels: Sequence[str], n_steps: int, log: bool, fontsize: float | None = None) -> None:
    """Write in ``ax`` which schedules were left out because they have nothing to draw."""
    why = "no rate > 0 to show on a log axis" if log else "no finite rate"
    ax.text(0.5, 0.5, f"not drawn ({why} in steps 0..{n_steps - 1}):\n" + "\n".join(labels),
            transform=ax.transAxes, ha="center", va="center", color="#b00020", fontsize=fontsize)


def plot_schedule_gallery(schedules: Mapping[str, Any] | Sequence[Any], n_steps: int,
                          ncols: int = 4, *, log: bool = False) -> Figure:
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
    named = _as_named(schedules)
    n_steps = check_int("n_steps", n_steps, minimum=1)
    ncols = check_int("ncols", ncols, minimum=1)
    ncols = min(ncols, len(named))
    nrows = math.ceil(len(named) / ncols)
    with course_style():
        fig, axes = plt.subplots(nrows, ncols, figsize=(3.4 * ncols, 2.6 * nrows), sharex=True,
                                 squeeze=False, layout="constrained")
        steps = np.arange(n_steps)
        for i, (title, s) in enumerate(named.items()):
            ax = axes.flat[i]
            values = _schedule_values(s, n_steps)
            shown = _for_log(values) if log else values
            if not _any_finite(shown):  # an all-nan line draws nothing: say so instead
                _say_not_drawn(ax, [_shorten(title, 34)], n_steps, log, fontsize=9)
            elif log:
                ax.plot(steps, shown, color=_color(i))
                ax.set_yscale("log")
                _plain_log_ticks(ax)
            else:
                ax.plot(steps, shown, color=_color(i))
                ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
            ax.set_title(_shorten(title, 34), fontsize=12)
            ax.tick_params(labelsize=10)
            ax.grid(True, alpha=COURSE_STYLE["grid.alpha"])
            if i % ncols == 0:
                ax.set_ylabel(LR_LABEL, fontsize=11)
            if i >= len(named) - ncols:
                ax.set_xlabel(STEP_LABEL, fontsize=11)
                ax.xaxis.set_tick_params(labelbottom=True)
        for ax in axes.flat[len(named):]:
            ax.set_visible(False)
    return fig


# ---------------------------------------------------------------------------
# Paths on 2-D problems
# ---------------------------------------------------------------------------

def _as_histories(value: Any, argname: str) -> list[History]:
    if isinstance(value, History):
        return [value]
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{argname} must be a History or a list of them, got {argname}={value!r} "
                        f"({type(value).__name__})")
    _check_nonempty(argname, value)
    for i, h in enumerate(value):
        if not isinstance(h, History):
            raise TypeError(f"{argname}[{i}] must be a History, got {h!r} ({type(h).__name__})")
    return list(value)


def _label(h: History, i: int) -> str:
    return h.label or (f"run {i}" if i else "run")


def _diverged_text(h: History) -> str:
    lr = f", lr={h.diverged_lr:.3g}" if h.diverged_lr is not None else ""
    return f"diverged at step {h.diverged_step}{lr}"


def _view(bounds: Any, margin: float = _VIEW_MARGIN) -> tuple[tuple[float, float], tuple[float, float]]:
    (x0, x1), (y0, y1) = bounds
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    return (x0 - dx, x1 + dx), (y0 - dy, y1 + dy)


def _inside(points: np.ndarray, view: Any) -> np.ndarray:
    (x0, x1), (y0, y1) = view
    return (points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)


def _exit_point(path: np.ndarray, view: Any) -> np.ndarray:
    """Where a diverging path is last seen: its end if inside the view, else where it last leaves it.

    The last segment that starts inside the view is cut at the view's edge
    (Liang-Barsky clipping); a path never inside the view ends at its clipped end.
    """
    (x0, x1), (y0, y1) = view
    inside = _inside(path, view)
    if inside[-1] or not inside.any():
        return np.clip(path[-1], [x0, y0], [x1, y1])
    k = int(np.flatnonzero(inside)[-1])
    a, d = path[k], path[k + 1] - path[k]
    t_exit = 1.0
    for lo, hi, start, delta in ((x0, x1, a[0], d[0]), (y0, y1, a[1], d[1])):
        if delta > 0:
            t_exit = min(t_exit, (hi - start) / delta)
        elif delta < 0:
            t_exit = min(t_exit, (lo - start) / delta)
    return a + max(t_exit, 0.0) * d


def _contour_levels(Z: np.ndarray, levels: int, log_levels: bool) -> tuple[np.ndarray, np.ndarray, Any]:
    """(height above the grid minimum, levels, norm) for a readable contour plot."""
    height = Z - np.nanmin(Z)
    top = float(np.nanmax(height))
    if top <= 0 or not math.isfinite(top):
        return height, np.linspace(0, 1, levels), None
    if log_levels:
        positive = height[height > 0]
        low = max(float(positive.min()), top * 1e-6)
        # lift the exact minimum off 0 so the log norm has nothing to mask
        return np.maximum(height, low / 2), np.geomspace(low, top, levels), LogNorm(low, top)
    return height, np.linspace(0, top, levels + 1)[1:], None


def plot_path(problem: Any, histories: History | Sequence[History], *, ax: Axes | None = None,
              levels: int = 30, log_levels: bool = True, grid_points: int = 160) -> Axes:
    """Optimizer paths over the contour lines of a 2-D problem.

    The view is ``problem.bounds`` widened by 10% on each side; a path that leaves
    it (a diverging run) is clipped there, so it cannot wreck the axes. The minimum
    is a star, each start a circle, and a diverged run ends in an X (at the last
    finite point, or where the path leaves the view) with "diverged at step k" in
    its legend label.

    Args:
        problem: a 2-D problem with ``bounds``, vectorised ``loss(w)`` for w of
            shape (..., 2) and ``minimum`` (optional ``basin_centers``, drawn as small
            plus signs).
        histories: a History with ``params`` (shape (n+1, 2)), or a list of them.
        ax: the Axes to draw into; None makes a new figure.
        levels: number of contour lines (>= 2).
        log_levels: space the contour levels geometrically in f(w) - min f (shows
            both the steep walls and the flat floor of a bowl or a valley); use
            False for landscapes with several basins (multi_basin), whose shallow
            wells sit far above the global minimum.
        grid_points: grid resolution per axis for the contours (>= 10).

    Returns:
        The Axes.

    Raises:
        ValueError: empty ``histories``, a History without a 2-D ``params`` path,
            or a problem without ``bounds``.
    """
    runs = _as_histories(histories, "histories")
    bounds = getattr(problem, "bounds", None)
    if bounds is None or getattr(problem, "dim", 2) != 2:
        raise ValueError(f"problem must be a 2-D problem with bounds, got problem={problem!r}")
    levels = check_int("levels", levels, minimum=2)
    grid_points = check_int("grid_points", grid_points, minimum=10)
    for i, h in enumerate(runs):
        if h.params is None or np.ndim(h.params) != 2 or np.shape(h.params)[1] != 2:
            raise ValueError(f"histories[{i}].params must be a path of shape (n+1, 2), got "
                             f"{None if h.params is None else np.shape(h.params)} (train with run_gd on a 2-D problem)")

    (vx0, vx1), (vy0, vy1) = _view(bounds)
    with course_style():
        ax = _new_axes(ax, figsize=(6.5, 5.5))
        X, Y = np.meshgrid(np.linspace(vx0, vx1, grid_points), np.linspace(vy0, vy1, grid_points))
        with np.errstate(all="ignore"):
            Z = np.asarray(problem.loss(np.stack([X, Y], axis=-1)), dtype=np.float64)
        height, lv, norm = _contour_levels(Z, levels, log_levels)
        ax.contour(X, Y, height, levels=lv, cmap="viridis", norm=norm, linewidths=0.9, alpha=0.55, zorder=1)

        for i, h in enumerate(runs):
            color = _color(i)
            path = np.asarray(h.params, dtype=np.float64)
            path = path[np.all(np.isfinite(path), axis=1)]
            if not len(path):
                continue
            label = _label(h, i) + (f" ({_diverged_text(h)})" if h.diverged else "")
            marker = "." if len(path) <= 400 else None
            ax.plot(path[:, 0], path[:, 1], color=color, marker=marker, markersize=4, linewidth=1.6,
                    alpha=0.9, label=label, zorder=3)
            ax.plot(*path[0], "o", color=color, markersize=8, markeredgecolor="black", zorder=4)
            if h.diverged:
                end = _exit_point(path, ((vx0, vx1), (vy0, vy1)))
                ax.plot(*end, "X", color=color, markersize=13, markeredgecolor="black", zorder=5, clip_on=False)
            else:
                ax.plot(*path[-1], "s", color=color, markersize=6, markeredgecolor="black", zorder=4)

        centers = getattr(problem, "basin_centers", None)
        if centers is not None:
            centers = np.asarray(centers)
            ax.plot(centers[:, 0], centers[:, 1], "P", color="gray", markersize=8, linestyle="none",
                    label="basin minima", zorder=2)
        minimum = np.asarray(problem.minimum, dtype=np.float64)
        ax.plot(*minimum, "*", color="gold", markersize=18, markeredgecolor="black", label="minimum",
                linestyle="none", zorder=6)
        ax.plot([], [], "o", color="white", markeredgecolor="black", label="start", linestyle="none")
        ax.set_xlim(vx0, vx1)
        ax.set_ylim(vy0, vy1)
        ax.set_title(getattr(problem, "name", type(problem).__name__))
        _finish(ax, "w[0] (first parameter)", "w[1] (second parameter)")
    return ax


# ---------------------------------------------------------------------------
# Loss curves
# ---------------------------------------------------------------------------

def _loss_scale(arrays: list[np.ndarray], log_loss: bool) -> bool:
    """Use a log loss axis only if asked and no finite loss is negative (zeros are masked)."""
    if not log_loss:
        return False
    finite = [a[np.isfinite(a)] for a in arrays]
    values = np.concatenate(finite) if finite else np.zeros(0)
    return bool(values.size and values.min() >= 0 and np.any(values > 0))


def plot_history(history_or_list: History | Sequence[History], *, ax: Axes | None = None,
                 log_loss: bool = True, show_lr: bool = True) -> Axes:
    """Training loss vs step, with the learning rate on a twin axis (right, dashed).

    A diverged run gets a dotted vertical line at the step where it was stopped and
    the text "diverged at step k".

    Args:
        history_or_list: a History or a list of them (labelled by ``History.label``).
        ax: the Axes to draw into; None makes a new figure.
        log_loss: log-scale loss axis; zeros are masked, and a loss that goes
            negative (e.g. multi_basin) falls back to a linear axis.
        show_lr: draw the learning rate on a twin axis on the right.

    Returns:
        The loss Axes (the learning-rate axis is ``ax.lr_axis``, or None).

    Raises:
        ValueError: an empty list.
    """
    runs = _as_histories(history_or_list, "history_or_list")
    losses = [np.asarray(h.loss, dtype=np.float64) for h in runs]
    use_log = _loss_scale(losses, log_loss)
    with course_style():
        ax = _new_axes(ax)
        lr_ax = ax.twinx() if show_lr else None
        handles = []
        for i, (h, loss) in enumerate(zip(runs, losses)):
            color = _color(i)
            steps = np.asarray(h.steps) if len(h.steps) == len(loss) else np.arange(len(loss))
            line, = ax.plot(steps, _for_log(loss) if use_log else loss, label=_label(h, i), **_series(i, len(loss)))
            handles.append(line)
            if lr_ax is not None and len(h.lr):
                lr_ax.plot(np.arange(len(h.lr)), h.lr, color=color, linestyle="--", linewidth=1.4, alpha=0.7)
            if h.diverged and h.diverged_step is not None:
                ax.axvline(h.diverged_step, color=color, linestyle=":", linewidth=2)
                ax.text(h.diverged_step, 0.96 - 0.08 * (i % 5), " " + _diverged_text(h), color=color,
                        transform=ax.get_xaxis_transform(), ha="right" if steps.size and
                        h.diverged_step > 0.6 * max(int(steps.max()), 1) else "left", va="top", fontsize=11,
                        bbox=dict(facecolor="white", alpha=0.75, edgecolor="none", pad=1.5))
        if use_log:
            ax.set_yscale("log")
        ylabel = "training loss" + (" (log scale)" if use_log else "")
        if lr_ax is not None:
            lr_ax.set_ylabel(LR_LABEL + " (dashed)")
            lr_ax.set_ylim(bottom=0)
            lr_ax.grid(False)
            lr_ax.spines["right"].set_visible(True)
            handles.append(mpl.lines.Line2D([], [], color="gray", linestyle="--", linewidth=1.4,
                                            label="learning rate (right axis)"))
            ax.set_zorder(lr_ax.get_zorder() + 1)  # loss lines and legend above the lr lines
            ax.patch.set_visible(False)
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        _finish(ax, STEP_LABEL, ylabel, legend=False)
        ax.legend(handles=handles, loc="best")
        ax.lr_axis = lr_ax
    return ax


_METRICS = {
    "loss": ("loss", STEP_LABEL, "training loss"),
    "lr": ("lr", STEP_LABEL, LR_LABEL),
    "val_loss": ("val_loss", EPOCH_LABEL, "validation loss"),
    "val_acc": ("val_acc", EPOCH_LABEL, "validation accuracy"),
}



def plot_runs(groups: Mapping[str, Sequence[History]], *, metric: str = "loss", ax: Axes | None = None,
              log: bool = False, smooth: int = 0, band: str = "std", quantity: str | None = None) -> Axes:
    """Compare configurations repeated over seeds: the mean curve and a spread band per group.

    Runs that diverged early are padded with nan and ignored where they have no
    value; the legend says how many runs each group has and how many diverged.

    Args:
        groups: a dict label -> list of Histories (e.g. from ``trainers.run_many``).
        metric: "loss" or "lr" (x = steps) or "val_loss" or "val_acc" (x = epochs).
        ax: the Axes to draw into; None makes a new figure.
        log: log-scale y axis (zeros and negative values masked).
        smooth: trailing moving-average window in points applied to each run before
            averaging (0 or 1: no smoothing).
        band: "std" (mean +- one standard deviation), "minmax" (min to max over
            seeds) or "none".
        quantity: what the histories' ``metric`` field holds, for the title and the y
            label, when it is not the metric itself (e.g. "excess loss f(w) − f*" for
            ``experiments.excess_loss`` histories); None: the metric's own name.

    Returns:
        The Axes.

    Raises:
        ValueError: empty ``groups``, an empty group, a metric no run recorded,
            an unknown metric or band, smooth < 0, or an empty ``quantity``.
    """
    if not isinstance(groups, Mapping):
        raise TypeError(f"groups must be a dict label -> list of Histories, got groups={groups!r}")
    _check_nonempty("groups", groups)
    check_in("metric", metric, tuple(_METRICS))
    check_in("band", band, ("std", "minmax", "none"))
    smooth = check_int("smooth", smooth, minimum=0)
    field, xlabel, ylabel = _METRICS[metric]
    if quantity is not None:
        if not isinstance(quantity, str) or not quantity.strip():
            raise ValueError(f"quantity must be a non-empty string or None, got quantity={quantity!r}")
        ylabel = quantity
    with course_style():
        ax = _new_axes(ax)
        for i, (name, runs) in enumerate(groups.items()):
            runs = _as_histories(runs, f"groups[{name!r}]")
            if all(len(getattr(h, field)) == 0 for h in runs):
                raise ValueError(f"groups[{name!r}] has no {metric} values (metric={metric!r}); "
                                 f"val_loss/val_acc need runs trained with validation data")
            x, table = stack_runs(runs, field)
            mean, lo, hi = mean_and_band(table, band, smooth)
            n_div = sum(h.diverged for h in runs)
            label = f"{name} (n={len(runs)}" + (f", {n_div} diverged)" if n_div else ")")
            color = _color(i)
            ax.plot(x, _for_log(mean) if log else mean, label=label, **_series(i, len(x)))
            if band != "none" and len(runs) > 1:
                if log:
                    lo, hi = _for_log(lo), _for_log(hi)
                ax.fill_between(x, lo, hi, color=color, alpha=0.2, linewidth=0)
        if log:
            ax.set_yscale("log")
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        spread = {"std": "mean ± std over seeds", "minmax": "mean, min–max over seeds",
                  "none": "mean over seeds"}[band]
        smooth_text = f", moving average of {smooth}" if smooth > 1 else ""
        _finish(ax, xlabel, f"{ylabel}" + (" (log scale)" if log else ""))
        ax.set_title(f"{ylabel}: {spread}{smooth_text}", fontsize=12)
    return ax


# ---------------------------------------------------------------------------
# LR range test
# ---------------------------------------------------------------------------

_SUGGESTION_MARKERS = ("o", "s", "^", "D", "v", "P")


def plot_range_test(result: Any, *, ax: Axes | None = None, show_raw: bool = True) -> Axes:
    """The LR range test: loss vs learning rate on a log x axis, with the suggested rates.

    Each entry of ``result.suggestions`` is a vertical line and a marker on the
    smoothed curve, with its name and value in the legend.

    Args:
        result: a ``lr_finder.RangeTestResult`` (lrs, losses, smoothed, suggestions).
        ax: the Axes to draw into; None makes a new figure.
        show_raw: also draw the raw (unsmoothed) losses, faint.

    Returns:
        The Axes.

    Raises:
        ValueError: a result with no recorded steps.
    """
    lrs = np.asarray(getattr(result, "lrs", []), dtype=np.float64)
    if lrs.size == 0:
        raise ValueError(f"result must hold at least one recorded step, got result={result!r}")
    smoothed = np.asarray(result.smoothed, dtype=np.float64)
    raw = np.asarray(result.losses, dtype=np.float64)
    with course_style():
        ax = _new_axes(ax)
        if show_raw:
            ax.plot(lrs, np.where(np.isfinite(raw), raw, np.nan), color="gray", linewidth=1, alpha=0.4,
                    label="loss (raw)")
        ax.plot(lrs, np.where(np.isfinite(smoothed), smoothed, np.nan), color=_color(0), label="loss (smoothed)")
        ax.set_xscale("log")
        for i, (name, lr) in enumerate(dict(getattr(result, "suggestions", {}) or {}).items()):
            color = _color(i + 1)
            ax.axvline(lr, color=color, linestyle="--", linewidth=1.5, alpha=0.8)
            y = result.loss_at(lr) if hasattr(result, "loss_at") else float(np.interp(
                np.log10(lr), np.log10(lrs), smoothed))
            ax.plot(lr, y, _SUGGESTION_MARKERS[i % len(_SUGGESTION_MARKERS)], color=color, markersize=10,
                    markeredgecolor="black", linestyle="none", label=f"{name}: {lr:.2g}", zorder=5)
        finite = smoothed[np.isfinite(smoothed)]
        shown = np.concatenate([finite, raw[np.isfinite(raw)] if show_raw else np.zeros(0)])
        if finite.size > 1:  # keep the blow-up at the end from flattening the interesting part
            first = float(finite[min(int(getattr(result, "skip_start", 0) or 0), finite.size - 1)])
            low, high = float(shown.min()), float(shown.max())
            top = min(high, max(first, float(finite.min())) + 0.5 * abs(first - low))
            pad = 0.05 * (top - low) if top > low else 0.05 * abs(top) or 0.05
            ax.set_ylim(low - pad, top + pad)
        if getattr(result, "stopped_early", False):
            ax.set_title(f"stopped at step {result.stop_step}: the loss diverged", fontsize=12)
        _finish(ax, LR_LABEL + " (log scale)", "training loss")
    return ax


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------

def _metric_value(h: History, metric: str | Callable[[History], float]) -> float:
    return float(metric(h)) if callable(metric) else float(getattr(h, metric))


def results_table(groups: Mapping[str, Sequence[History]],
                  metric: str | Callable[[History], float] = "final_val_acc", *, digits: int = 4) -> str:
    """A markdown table: per configuration, the mean ± std of a metric over its runs.

    std is the sample standard deviation (ddof=1; 0 for one run). Diverged runs and runs
    where the metric is nan (e.g. no validation data) are left out of mean, std, min and
    max, and counted in the "diverged / nan" column. A diverged run's History keeps the
    metrics of its last finite evaluation, which says nothing about the rate: if every
    run of a configuration diverged, its cells read "diverged".

    Args:
        groups: a dict label -> list of Histories.
        metric: a History property ("final_val_acc", "final_val_loss", "final_loss")
            or a function History -> float.
        digits: significant digits shown.

    Returns:
        The table as a string (prints as plain text, renders as markdown).

    Raises:
        ValueError: empty ``groups``, an empty group, or an unknown metric.

    >>> import numpy as np
    >>> print(results_table({"a": [History(val_acc=np.array([0.8])), History(val_acc=np.array([0.9]))]}))
    | configuration | runs | final_val_acc (mean ± std) | min | max | diverged / nan |
    |---|---|---|---|---|---|
    | a | 2 | 0.85 ± 0.07071 | 0.8 | 0.9 | 0 |
    """
    if not isinstance(groups, Mapping):
        raise TypeError(f"groups must be a dict label -> list of Histories, got groups={groups!r}")
    _check_nonempty("groups", groups)
    if not callable(metric) and not (isinstance(metric, str) and isinstance(getattr(History, metric, None), property)):
        names = [k for k, v in vars(History).items() if isinstance(v, property)]
        raise ValueError(f"metric must be a History property ({', '.join(names)}) or a function of a "
                         f"History, got metric={metric!r}")
    digits = check_int("digits", digits, minimum=1)
    title = metric if isinstance(metric, str) else getattr(metric, "__name__", "metric")
    rows = [f"| configuration | runs | {title} (mean ± std) | min | max | diverged / nan |",
            "|---|---|---|---|---|---|"]
    g = f".{digits}g"
    for name, runs in groups.items():
        runs = _as_histories(runs, f"groups[{name!r}]")
        values = np.array([np.nan if h.diverged else _metric_value(h, metric) for h in runs])
        ok = values[np.isfinite(values)]
        bad = len(runs) - ok.size
        if ok.size:
            std = float(ok.std(ddof=1)) if ok.size > 1 else 0.0
            cells = f"{ok.mean():{g}} ± {std:{g}} | {ok.min():{g}} | {ok.max():{g}}"
        elif all(h.diverged for h in runs):
            cells = "diverged | diverged | diverged"
        else:
            cells = "n/a | n/a | n/a"
        rows.append(f"| {name} | {len(runs)} | {cells} | {bad} |")
    return "\n".join(rows)


# ---------------------------------------------------------------------------
# Gradient descent on a quadratic: the contraction factor
# ---------------------------------------------------------------------------

def plot_contraction(problem: Any, *, max_lr: float | None = None, ax: Axes | None = None,
                     n_points: int = 500) -> Axes:
    """Per-step factor of fixed-rate GD on a quadratic, |1 - lr * lambda|, against the rate.

    Gradient descent multiplies the error along the Hessian eigenvector of curvature
    lambda by (1 - lr * lambda) each step. Drawn: that factor for the steepest (L) and
    the flattest (mu) direction, their maximum (the rate of the whole run), the line 1
    above which the run diverges (shaded), and three rates: 1/L (the steep direction
    starts to flip sign, i.e. oscillate), 2/(L + mu) (the best fixed rate) and 2/L
    (the stability limit).

    Args:
        problem: anything with curvatures ``L`` >= ``mu`` >= 0, e.g. ``problems.quadratic_bowl()``
            or ``problems.noisy_least_squares()``.
        max_lr: right end of the x axis (> 0); default 1.25 * 2 / L.
        ax: the Axes to draw into; None makes a new figure.
        n_points: number of rates drawn (>= 10).

    Returns:
        The Axes.

    Raises:
        TypeError: a problem without numeric L and mu.
        ValueError: L <= 0, mu < 0, mu > L, max_lr <= 0 or n_points < 10.
    """
    L, mu = getattr(problem, "L", None), getattr(problem, "mu", None)
    if not all(isinstance(v, (int, float, np.floating)) and not isinstance(v, bool) for v in (L, mu)):
        raise TypeError(f"problem must have numeric curvatures L and mu (e.g. problems.quadratic_bowl()), "
                        f"got problem={problem!r}")
    L, mu = float(L), float(mu)
    if not (math.isfinite(L) and L > 0 and math.isfinite(mu) and 0 <= mu <= L):
        raise ValueError(f"problem must have 0 <= mu <= L and L > 0, got problem.L={L!r}, problem.mu={mu!r}")
    if max_lr is None:
        max_lr = 1.25 * 2 / L
    elif isinstance(max_lr, bool) or not isinstance(max_lr, (int, float, np.floating)) or not (
            math.isfinite(max_lr) and max_lr > 0):
        raise ValueError(f"max_lr must be a finite number > 0 or None, got max_lr={max_lr!r}")
    n_points = check_int("n_points", n_points, minimum=10)
    lrs = np.linspace(0.0, float(max_lr), n_points)
    steep, flat = np.abs(1 - lrs * L), np.abs(1 - lrs * mu)
    worst = np.maximum(steep, flat)
    top = max(1.6, min(float(worst.max()), 3.0) + 0.1)
    with course_style():
        ax = _new_axes(ax)
        ax.axhspan(1.0, top, color=_color(1), alpha=0.08, linewidth=0)
        ax.axhline(1.0, color=_color(1), linewidth=1.2, linestyle="-")
        ax.text(0.01, 1.0 + 0.03 * top, "above 1: the error grows, GD diverges", color=_color(1),
                transform=ax.get_yaxis_transform(), va="bottom", fontsize=11)
        ax.plot(lrs, steep, color=_color(0), linestyle="--", label=f"|1 − η·L|  (steepest, L = {L:.3g})")
        ax.plot(lrs, flat, color=_color(2), linestyle="--", label=f"|1 − η·μ|  (flattest, μ = {mu:.3g})")
        ax.plot(lrs, worst, color="black", linewidth=2.6, label="max: the factor of the run")
        marks = [(1 / L, "1/L: oscillation starts", _color(4)),
                 (2 / (L + mu), "2/(L+μ): best fixed rate", _color(2)),
                 (2 / L, "2/L: stability limit", _color(1))]
        for x, text, color in marks:
            if x <= max_lr:
                ax.axvline(x, color=color, linestyle=":", linewidth=1.8)
                ax.text(x, 0.02, " " + text, rotation=90, color=color, ha="right", va="bottom",
                        transform=ax.get_xaxis_transform(), fontsize=10.5,
                        bbox=dict(facecolor="white", alpha=0.75, edgecolor="none", pad=1.0))
        ax.set_xlim(0, float(max_lr))
        ax.set_ylim(0, top)
        _finish(ax, LR_LABEL + " η", "factor on the error per step")
        ax.legend(loc="upper center")
    return ax


# ---------------------------------------------------------------------------
# Partial sums of a schedule (Robbins-Monro)
# ---------------------------------------------------------------------------

_SUM_LABELS = {1: "Σ lr(s), s ≤ t  (total learning)", 2: "Σ lr(s)², s ≤ t  (accumulated noise)"}


def plot_partial_sums(schedules: Mapping[str, Any] | Sequence[Any] | Any, n_steps: int, *,
                      powers: Sequence[float] = (1, 2), n_points: int = 400) -> Figure:
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
    named = _as_named(schedules)
    n_steps = check_int("n_steps", n_steps, minimum=2)
    n_points = check_int("n_points", n_points, minimum=10)
    if isinstance(powers, (str, bytes)) or not isinstance(powers, Sequence) or len(powers) == 0:
        raise ValueError(f"powers must be a non-empty sequence of exponents > 0, got powers={powers!r}")
    for p in powers:
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not p > 0:
            raise ValueError(f"powers must all be numbers > 0, got {p!r} in powers={list(powers)}")
    index = np.unique(np.geomspace(1, n_steps, n_points).astype(int)) - 1  # steps 0 .. n_steps-1
    values = {label: _schedule_values(s, n_steps) for label, s in named.items()}
    with course_style():
        fig, axes = plt.subplots(1, len(powers), figsize=(6.2 * len(powers), 4.6), squeeze=False,
                                 layout="constrained")
        for ax, p in zip(axes.flat, powers):
            for i, (label, lr) in enumerate(values.items()):
                sums = np.cumsum(np.where(np.isfinite(lr), np.abs(lr), 0.0) ** p)
                ax.plot(index + 1, _for_log(sums[index]), label=label, **_series(i, len(index)))
            ax.set_xscale("log")
            ax.set_yscale("log")
            ylabel = _SUM_LABELS.get(p, f"Σ lr(s)^{p:g}, s ≤ t")
            _finish(ax, "t (optimizer updates, log scale)", ylabel + " (log scale)", legend=False)
        axes.flat[0].legend(loc="best")
    return fig


# ---------------------------------------------------------------------------
# Validation curves with the rate, and per-parameter step sizes (notebook 05)
# ---------------------------------------------------------------------------

def plot_val_history(history_or_list: History | Sequence[History], *, ax: Axes | None = None,
                     log_loss: bool = False, log_lr: bool = True, mark_cuts: bool = True) -> Axes:
    """Validation loss per epoch, with the learning rate on a twin axis (right, dashed).

    x is in epochs: the validation loss of epoch e is drawn at x = e (it is measured at
    the end of the epoch) and the rate of step t at x = t / steps_per_epoch, so a rate
    cut by a reduce-on-plateau policy after epoch e's evaluation drops at x = e. For runs
    trained with a plateau policy (``History.plateau_lrs`` set) each cut gets a dotted
    vertical line.

    Args:
        history_or_list: a History from ``trainers.train_torch`` (with validation), or a list.
        ax: the Axes to draw into; None makes a new figure.
        log_loss: log-scale validation-loss axis.
        log_lr: log-scale learning-rate axis (rates cut by factors read best on it).
        mark_cuts: draw the plateau cuts.

    Returns:
        The loss Axes (the learning-rate axis is ``ax.lr_axis``).

    Raises:
        ValueError: an empty list, or a run without validation losses.
    """
    runs = _as_histories(history_or_list, "history_or_list")
    for i, h in enumerate(runs):
        if len(h.val_loss) == 0:
            raise ValueError(f"history_or_list[{i}] has no validation losses: train it with validation data")
    with course_style():
        ax = _new_axes(ax)
        lr_ax = ax.twinx()
        handles = []
        for i, h in enumerate(runs):
            color = _color(i)
            per_epoch = h.steps_per_epoch
            line, = ax.plot(h.val_epochs, h.val_loss, "-", color=color, marker=_MARKERS[i % len(_MARKERS)],
                            markersize=4, label=_label(h, i))
            handles.append(line)
            lr = np.asarray(h.lr, dtype=np.float64)
            if lr.size:
                x = np.arange(lr.size) / per_epoch
                lr_ax.plot(x, _for_log(lr) if log_lr else lr, color=color, linestyle="--", linewidth=1.4,
                           alpha=0.8, drawstyle="steps-post")
            if mark_cuts and h.plateau_lrs is not None and lr.size > 1:
                for t in np.flatnonzero(np.diff(lr) < 0) + 1:
                    ax.axvline(t / per_epoch, color=color, linestyle=":", linewidth=1.5, alpha=0.8)
        if log_loss and _loss_scale([np.asarray(h.val_loss) for h in runs], True):
            ax.set_yscale("log")
        if log_lr and any(np.any(np.asarray(h.lr) > 0) for h in runs):
            lr_ax.set_yscale("log")
        _plain_log_ticks(lr_ax)
        lr_ax.set_ylabel(LR_LABEL + " (dashed" + (", log scale)" if log_lr else ")"))
        lr_ax.grid(False)
        lr_ax.spines["right"].set_visible(True)
        handles.append(mpl.lines.Line2D([], [], color="gray", linestyle="--", linewidth=1.4,
                                        label="learning rate (right axis)"))
        if mark_cuts and any(h.plateau_lrs is not None for h in runs):
            handles.append(mpl.lines.Line2D([], [], color="gray", linestyle=":", linewidth=1.5,
                                            label="plateau cut"))
        ax.set_zorder(lr_ax.get_zorder() + 1)
        ax.patch.set_visible(False)
        _finish(ax, EPOCH_LABEL, "validation loss" + (" (log scale)" if ax.get_yscale() == "log" else ""),
                legend=False)
        ax.legend(handles=handles, loc="best")
        ax.lr_axis = lr_ax
    return ax


def plot_step_sizes(history_or_list: History | Sequence[History], *, ax: Axes | None = None,
                    n_steps: int | None = None, names: Sequence[str] | None = None) -> Axes:
    """How far each parameter moved at each step, |w_{t+1, i} - w_{t, i}|, on a log axis.

    One colour per run, one line style per parameter: on an ill-conditioned problem,
    plain GD's lines sit decades apart (each parameter moves by lr * g_i), Adam's lie
    together near lr (it divides by each gradient's own size).

    Args:
        history_or_list: Histories with a ``params`` path (NumPy trainers), at most 4 parameters.
        ax: the Axes to draw into; None makes a new figure.
        n_steps: draw only the first n_steps steps (>= 1); None for all.
        names: parameter names for the legend; default "w[0]", "w[1]", ...

    Returns:
        The Axes.

    Raises:
        ValueError: an empty list, a run without a path, or more than 4 parameters.
    """
    runs = _as_histories(history_or_list, "history_or_list")
    if n_steps is not None:
        n_steps = check_int("n_steps", n_steps, minimum=1)
    styles = ("-", "--", ":", "-.")
    for i, h in enumerate(runs):
        if h.params is None or np.ndim(h.params) != 2:
            raise ValueError(f"history_or_list[{i}] has no parameter path (params); use a NumPy trainer")
        if np.shape(h.params)[1] > len(styles):
            raise ValueError(f"history_or_list[{i}] has {np.shape(h.params)[1]} parameters; "
                             f"plot_step_sizes draws at most {len(styles)}")
    with course_style():
        ax = _new_axes(ax)
        for i, h in enumerate(runs):
            steps = np.abs(np.diff(np.asarray(h.params, dtype=np.float64), axis=0))[:n_steps]
            for j in range(steps.shape[1]):
                name = names[j] if names is not None and j < len(names) else f"w[{j}]"
                ax.plot(np.arange(len(steps)), _for_log(steps[:, j]), color=_color(i), linestyle=styles[j],
                        label=f"{_label(h, i)}: {name}")
        ax.set_yscale("log")
        _finish(ax, STEP_LABEL, "|step| of each parameter (log scale)")
    return ax


# ---------------------------------------------------------------------------
# Learning-rate sweeps (notebook 06): score vs peak rate, one curve per schedule
# ---------------------------------------------------------------------------

def plot_lr_sweeps(sweeps: Mapping[str, Any], *, ax: Axes | None = None, log_score: bool = True,
                   ylabel: str = "final validation loss") -> Axes:
    """The tuning curves of several schedules: score (lower is better) vs peak rate, log x axis.

    Each schedule's best rate is a large marker; a rate whose run diverged (score inf or
    nan) is an X on the top edge of the axes, labelled "diverged".

    Args:
        sweeps: a dict name -> sweep, where a sweep has ``lrs`` and ``scores`` (an
            ``experiments.LRSweep``) or is a pair ``(lrs, scores)``.
        ax: the Axes to draw into; None makes a new figure.
        log_score: log-scale y axis.
        ylabel: what the score is.

    Returns:
        The Axes.

    Raises:
        ValueError: empty ``sweeps``, or a sweep whose lrs and scores differ in length or hold
            a rate that is not > 0.
        TypeError: a sweep that is neither.
    """
    if not isinstance(sweeps, Mapping):
        raise TypeError(f"sweeps must be a dict name -> sweep (lrs, scores), got sweeps={sweeps!r}")
    _check_nonempty("sweeps", sweeps)
    curves = {}
    for name, sweep in sweeps.items():
        if hasattr(sweep, "lrs") and hasattr(sweep, "scores"):
            lrs, scores = sweep.lrs, sweep.scores
        elif isinstance(sweep, (tuple, list)) and len(sweep) == 2:
            lrs, scores = sweep
        else:
            raise TypeError(f"sweeps[{name!r}] must have lrs and scores (an LRSweep) or be a pair (lrs, scores), "
                            f"got {sweep!r}")
        lrs, scores = np.asarray(lrs, dtype=np.float64), np.asarray(scores, dtype=np.float64)
        if lrs.shape != scores.shape or lrs.ndim != 1 or lrs.size == 0 or not np.all(lrs > 0):
            raise ValueError(f"sweeps[{name!r}] must have as many scores as rates (> 0), got lrs={lrs!r}, "
                             f"scores={scores!r}")
        curves[name] = (lrs, scores)
    with course_style():
        ax = _new_axes(ax)
        any_bad = False
        for i, (name, (lrs, scores)) in enumerate(curves.items()):
            color, good = _color(i), np.isfinite(scores) & (scores > 0 if log_score else True)
            ax.plot(lrs[good], scores[good], "o-", color=color, label=name, markersize=5)
            if good.any():
                best = int(np.flatnonzero(good)[np.argmin(scores[good])])
                ax.plot(lrs[best], scores[best], "o", color=color, markersize=12, markeredgecolor="black",
                        zorder=5)
            bad = ~np.isfinite(scores)
            if bad.any():
                any_bad = True
                ax.plot(lrs[bad], np.ones(int(bad.sum())), "X", color=color, markersize=11,
                        transform=ax.get_xaxis_transform(), clip_on=False, linestyle="none")
        ax.set_xscale("log")
        rates = np.unique(np.concatenate([lrs for lrs, _ in curves.values()]))
        if rates.size <= 8:  # label the rates tried, not the decades
            ax.set_xticks(rates, [f"{r:.3g}" for r in rates])
            ax.xaxis.set_minor_formatter(mpl.ticker.NullFormatter())
        if log_score:
            ax.set_yscale("log")
        if any_bad:
            ax.text(0.99, 0.97, "X on the top edge: diverged", transform=ax.transAxes, ha="right", va="top",
                    fontsize=10, color="gray")
        ax.plot([], [], "o", color="gray", markersize=12, markeredgecolor="black", linestyle="none",
                label="best rate of each")
        _finish(ax, "peak learning rate (log scale)", ylabel + (" (log scale)" if log_score else ""))
    return ax


# ---------------------------------------------------------------------------
# Warm-up (notebook 03): sharpness during training, Adam's first steps
# ---------------------------------------------------------------------------

def plot_sharpness(traces: Mapping[str, Any] | Sequence[Any] | Any, *, lr: float | None = None,
                   schedule: Callable[[int], float] | None = None, steps_per_epoch: int | None = None,
                   ax: Axes | None = None) -> Axes:
    """Sharpness (the top Hessian eigenvalue) against epochs, log y, one line per run.

    With ``lr``, a horizontal line at 2 / lr: plain gradient descent at that rate is
    locally stable only where a run's sharpness lies below it (notebook 01's limit 2/L).
    With ``schedule``, the moving limit 2 / lr_t instead, where lr_t = schedule(t) is the
    rate of the update that follows step t (t = epoch * steps_per_epoch); steps with a
    rate of 0 (no limit) are left out, and the y axis stops at 4 times the largest
    sharpness or starting limit, so a rate that decays to 0 does not flatten the plot.

    Args:
        traces: a dict label -> trace, a list of traces (labelled by their ``label``) or one
            trace; a trace has ``epochs`` and ``sharpness`` arrays (e.g.
            ``experiments.sharpness_during_training``).
        lr: draw the stability limit 2 / lr of this rate (> 0); None for no line.
        schedule: the runs' schedule, learning rate (per optimizer update) as a function of
            the update index t = 0, 1, ...; draws 2 / schedule(t). Not together with ``lr``.
        steps_per_epoch: optimizer updates per epoch (>= 1), to place t on the epoch axis;
            required with ``schedule``.
        ax: the Axes to draw into; None makes a new figure.

    Returns:
        The Axes.

    Raises:
        ValueError: empty ``traces``, lr <= 0, both lr and schedule, or a schedule
            without steps_per_epoch (>= 1) or with a negative or non-finite rate.
        TypeError: an entry without epochs and sharpness, or a schedule that is not callable.
    """
    if isinstance(traces, Mapping):
        named = dict(traces)
    elif isinstance(traces, (list, tuple)):
        named = {(getattr(tr, "label", "") or f"run {i}"): tr for i, tr in enumerate(traces)}
    else:
        named = {getattr(traces, "label", "") or "run": traces}
    _check_nonempty("traces", named)
    for name, tr in named.items():
        if not (hasattr(tr, "epochs") and hasattr(tr, "sharpness")):
            raise TypeError(f"traces[{name!r}] must have epochs and sharpness arrays, got {tr!r}")
    if lr is not None and (isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating))
                           or not (math.isfinite(lr) and lr > 0)):
        raise ValueError(f"lr must be a finite number > 0 or None, got lr={lr!r}")
    if schedule is not None:
        if lr is not None:
            raise ValueError(f"give lr (a constant limit) or schedule (a moving one), not both: lr={lr!r}")
        if not callable(schedule):
            raise TypeError(f"schedule must be a function step -> learning rate, got schedule={schedule!r}")
        if steps_per_epoch is None:
            raise ValueError("steps_per_epoch (>= 1) is required with schedule, got steps_per_epoch=None")
        steps_per_epoch = check_int("steps_per_epoch", steps_per_epoch, minimum=1)
        last = max(float(np.max(np.asarray(tr.epochs))) for tr in named.values())
        rates = S.evaluate(schedule, int(math.ceil(last * steps_per_epoch)) + 1)  # one call for a course schedule
        t = np.arange(rates.size)
        if not np.all(np.isfinite(rates) & (rates >= 0)):
            raise ValueError(f"schedule must give finite rates >= 0, got {rates[~(np.isfinite(rates) & (rates >= 0))][:3]}")
        limit = np.full(rates.shape, np.nan)
        np.divide(2.0, rates, out=limit, where=rates > 0)
    with course_style():
        ax = _new_axes(ax)
        for i, (name, tr) in enumerate(named.items()):
            ax.plot(np.asarray(tr.epochs), _for_log(np.asarray(tr.sharpness, dtype=np.float64)), "-",
                    color=_color(i), marker=_MARKERS[i % len(_MARKERS)], label=name)
        if lr is not None:
            ax.axhline(2 / lr, color="black", linestyle="--", linewidth=1.6,
                       label=f"2 / lr = {2 / lr:.3g}  (stability limit of GD at lr = {lr:.3g})")
        if schedule is not None:
            ax.plot(t / steps_per_epoch, limit, color="black", linestyle="--", linewidth=1.6,
                    label="2 / lr_t  (moving stability limit of GD at the scheduled rate)")
        ax.set_yscale("log")
        if schedule is not None:
            values = np.concatenate([np.asarray(tr.sharpness, dtype=np.float64) for tr in named.values()])
            values = values[np.isfinite(values) & (values > 0)]
            start = limit[0] if np.isfinite(limit[0]) else 0.0
            ax.set_ylim(top=4 * max(float(values.max()) if values.size else 1.0, start))
        _finish(ax, EPOCH_LABEL + " (0 = initialisation)", "sharpness: top Hessian eigenvalue (log scale)")
    return ax


def plot_adam_update_sizes(updates: Mapping[str, Any], *, ax: Axes | None = None,
                           band: tuple[float, float] = (10.0, 90.0)) -> Axes:
    """Size of Adam's update per unit of lr, |m_hat / sqrt(v_hat)|, against the step (log x).

    For each simulation (e.g. ``experiments.adam_update_sizes``): the median over
    parameters, and a band between two percentiles.

    Args:
        updates: a dict label -> array of shape (n_steps, n_params), row t-1 = step t.
        ax: the Axes to draw into; None makes a new figure.
        band: the two percentiles shaded (0 <= low < high <= 100).

    Returns:
        The Axes.

    Raises:
        ValueError: empty ``updates``, an array that is not 2-D, or a bad band.
    """
    if not isinstance(updates, Mapping):
        raise TypeError(f"updates must be a dict label -> array (n_steps, n_params), got updates={updates!r}")
    _check_nonempty("updates", updates)
    low, high = (float(b) for b in band)
    if not 0 <= low < high <= 100:
        raise ValueError(f"band must be two percentiles 0 <= low < high <= 100, got band={band!r}")
    with course_style():
        ax = _new_axes(ax)
        for i, (name, u) in enumerate(updates.items()):
            size = np.abs(np.asarray(u, dtype=np.float64))
            if size.ndim != 2 or size.size == 0:
                raise ValueError(f"updates[{name!r}] must be a non-empty 2-D array (n_steps, n_params), "
                                 f"got shape {size.shape}")
            steps = np.arange(1, size.shape[0] + 1)
            ax.plot(steps, np.median(size, axis=1), label=f"{name}: median", **_series(i, len(steps)))
            ax.fill_between(steps, np.percentile(size, low, axis=1), np.percentile(size, high, axis=1),
                            color=_color(i), alpha=0.2, linewidth=0,
                            label=f"{name}: {low:g}th–{high:g}th percentile")
        ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        _finish(ax, "Adam step t (log scale)", "|update| / lr")
    return ax


# ---------------------------------------------------------------------------
# Runs with different batch sizes: x in epochs (notebook 08)
# ---------------------------------------------------------------------------

def plot_runs_by_epoch(groups: Mapping[str, History | Sequence[History]], *,
                       metrics: Sequence[str] = ("lr", "loss", "val_loss"), smooth_epochs: float = 0.0,
                       log_loss: bool = True, band: str = "minmax") -> Figure:
    """Runs with different batch sizes side by side, x in epochs (examples seen), one panel per metric.

    A run with batch B makes ceil(n / B) updates per epoch, so on a step axis a run with a k
    times larger batch looks k times shorter. Here step t of a run is drawn at
    x = t / ``History.steps_per_epoch`` and the validation of epoch e at x = e,
    so runs that have seen the same number of examples line up.

    Args:
        groups: label -> a History, or a list of Histories (seeds: drawn as their mean and a band).
        metrics: panels, among "lr", "loss" (training loss), "val_loss", "val_acc".
        smooth_epochs: moving average of the training loss over this many epochs (0: none), so
            runs of different batch sizes are smoothed over the same number of examples.
        log_loss: log scale for the loss panels.
        band: spread over seeds: "minmax", "std" or "none".

    Returns:
        The Figure (its Axes in ``fig.axes``, in the order of ``metrics``).

    Raises:
        ValueError, TypeError: empty or malformed groups, an unknown metric or band, a metric no
            run recorded, or smooth_epochs < 0.
    """
    if not isinstance(groups, Mapping):
        raise TypeError(f"groups must be a dict label -> History or list of Histories, got groups={groups!r}")
    _check_nonempty("groups", groups)
    if isinstance(metrics, str) or not isinstance(metrics, Sequence) or len(metrics) == 0:
        raise TypeError(f"metrics must be a non-empty list of metric names, got metrics={metrics!r}")
    for metric in metrics:
        check_in("metrics", metric, tuple(_METRICS))
    check_in("band", band, ("std", "minmax", "none"))
    if not (isinstance(smooth_epochs, (int, float)) and math.isfinite(smooth_epochs) and smooth_epochs >= 0):
        raise ValueError(f"smooth_epochs must be a number >= 0, got smooth_epochs={smooth_epochs!r}")
    named = {name: _as_histories(runs, f"groups[{name!r}]") for name, runs in groups.items()}
    with course_style():
        fig, axes = plt.subplots(1, len(metrics), figsize=(4.7 * len(metrics), 4.3), layout="constrained",
                                 squeeze=False)
        for ax, metric in zip(axes[0], metrics):
            field, _, ylabel = _METRICS[metric]
            per_step = not field.startswith("val_")
            log = log_loss and metric in ("loss", "val_loss")
            for i, (name, runs) in enumerate(named.items()):
                if all(len(getattr(h, field)) == 0 for h in runs):
                    raise ValueError(f"groups[{name!r}] has no {metric} values (metric={metric!r})")
                per_epoch = runs[0].steps_per_epoch
                _, table = stack_runs(runs, field)
                window = int(round(smooth_epochs * per_epoch)) if metric == "loss" else 1
                mean, lo, hi = mean_and_band(table, band, window)
                x = np.arange(table.shape[1]) / per_epoch if per_step else np.arange(1, table.shape[1] + 1)
                color = _color(i)
                ax.plot(x, _for_log(mean) if log else mean, color=color, label=name,
                        marker=_MARKERS[i % len(_MARKERS)], markersize=3.5,
                        markevery=_markevery(i, len(x)) if per_step else None)
                if band != "none" and len(runs) > 1:
                    ax.fill_between(x, _for_log(lo) if log else lo, _for_log(hi) if log else hi, color=color,
                                    alpha=0.2, linewidth=0)
            if log:
                ax.set_yscale("log")
            if metric == "lr":
                ax.set_ylim(bottom=0)
            if metric == "loss" and smooth_epochs > 0:
                ax.set_title(f"moving average over {smooth_epochs:g} epoch", fontsize=11)
            _finish(ax, EPOCH_LABEL + " (examples seen / training set)", ylabel + (" (log scale)" if log else ""),
                    legend=False)
        axes[0][0].legend(loc="best")
    return fig
