"""The look of every figure: labels, palette, markers, rcParams (course and projector), axes helpers.

Change the look of every plot here: colours and markers (:data:`PALETTE`, :data:`MARKERS`), the
rcParams (:data:`COURSE_STYLE`, :data:`PROJECTOR_STYLE`), axis labels, and the helpers every
plotting module uses to make and finish an axes.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
from typing import Any, Callable, Iterator, TypeVar

import matplotlib as mpl
import matplotlib.pyplot as plt
import matplotlib.style  # noqa: F401  (mpl.style)
import matplotlib.ticker  # noqa: F401  (mpl.ticker)
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib import schedules as S
from course_lib.plotting.legends import place_legend
from course_lib.validation import check_flag

__all__ = [
    'STEP_LABEL',
    'LR_LABEL',
    'EPOCH_LABEL',
    'PALETTE',
    'MARKERS',
    'LINESTYLES',
    'series_color',
    'marker_spacing',
    'series_style',
    'COURSE_STYLE',
    'PROJECTOR_STYLE',
    'PROJECTOR_MAX_FIGSIZE',
    'use_course_style',
    'use_projector_style',
    'projector_on',
    'PROJECTOR_ENV',
    'projector_from_environment',
    'fit_to_slide',
    'course_style',
    'new_axes',
    'plain_number',
    'PlainLogFormatter',
    'plain_log_ticks',
    'finish_axes',
    'log_scale',
    'drop_blank_lines',
    'checked_plot',
    'shorten',
    'name_of',
    'check_nonempty',
    'positive_for_log',
    'any_finite',
]


STEP_LABEL = "step (optimizer updates)"
LR_LABEL = "learning rate"
EPOCH_LABEL = "epoch"

#: Line colours, in order: matplotlib's "petroff10" style, a palette chosen for readers with
#: colour-vision deficiencies (Petroff 2021) and distinct on a projector. The one home of the
#: course's colours: everything else asks :func:`series_color` or draws in :data:`COURSE_STYLE`.
#: matplotlib < 3.10 has no "petroff10" style: the same ten colours, as that style lists them.
_PETROFF10 = (
    "#3f90da",
    "#ffa90e",
    "#bd1f01",
    "#94a4a2",
    "#832db6",
    "#a96b59",
    "#e76300",
    "#b9ac70",
    "#717581",
    "#92dadd",
)
PALETTE = tuple(
    mpl.style.library["petroff10"]["axes.prop_cycle"].by_key()["color"]
    if "petroff10" in mpl.style.library
    else _PETROFF10
)
#: Series are told apart by marker shape (and, in the style's cycle, line style) as well as by
#: colour, so no picture depends on colour alone. Line styles carry meaning in some course
#: figures (dashed = learning rate on a twin axis, dotted = divergence), so the course's own
#: series vary the marker, not the line.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "*")
LINESTYLES = (
    "-",
    "--",
    "-.",
    ":",
    (0, (5, 1)),
    (0, (3, 1, 1, 1)),
    (0, (1, 1)),
    (0, (5, 5)),
    (0, (3, 5, 1, 5)),
    (0, (5, 2, 1, 2, 1, 2)),
)


def series_color(i: int) -> str:
    """The i-th course colour as a hex string (resolved now, not when the figure is drawn)."""
    return PALETTE[i % len(PALETTE)]


def marker_spacing(i: int, n_points: int) -> tuple[int, int]:
    """Where the i-th series of ``n_points`` points puts markers: every ~10th of its points.

    The start is staggered per series, so overlapping lines still show each one's markers.
    """
    every = max(1, n_points // 10)
    return (i * every // 5) % every, every


def series_style(i: int, n_points: int) -> dict[str, Any]:
    """Plot keywords of the i-th series of ``n_points`` points: its colour and marker shape."""
    return {
        "color": series_color(i),
        "marker": MARKERS[i % len(MARKERS)],
        "markevery": marker_spacing(i, n_points),
        "markersize": 5.5,
    }


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
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE)) + mpl.cycler(linestyle=list(LINESTYLES)),
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

#: The one switch for teaching in a room: ``COURSE_PROJECTOR=1`` in the environment of the kernel
#: (``python course.py lab --projector`` sets it, and larger text in JupyterLab) switches
#: :data:`PROJECTOR_STYLE` on when course_lib is imported, so Run All draws every static figure and
#: every explorer in it from the first cell on.
PROJECTOR_ENV = "COURSE_PROJECTOR"


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


def projector_from_environment(environ: Any = None) -> bool:
    """Switch the projector style on if :data:`PROJECTOR_ENV` is "1" (also "true", "yes", "on");
    called when this module is imported. Returns whether it is on."""
    value = (os.environ if environ is None else environ).get(PROJECTOR_ENV, "")
    if value.strip().lower() in ("1", "true", "yes", "on"):
        use_projector_style(True)
    return projector_on()


@contextlib.contextmanager
def course_style() -> Iterator[None]:
    """Context manager: draw in the active style (:data:`COURSE_STYLE`, or :data:`PROJECTOR_STYLE`
    after :func:`use_projector_style`), restore the previous rcParams after."""
    with mpl.rc_context(_active_style):
        yield


def new_axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    """``ax`` itself, or the Axes of a new figure in the course style."""
    if ax is not None:
        if not isinstance(ax, Axes):
            raise TypeError(f"ax must be a matplotlib Axes or None, got ax={ax!r} ({type(ax).__name__})")
        return ax
    _, ax = plt.subplots(figsize=figsize or _active_style["figure.figsize"], layout="constrained")
    return ax


def plain_number(x: float) -> str:
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
        return plain_number(x)


def plain_log_ticks(ax: Axes) -> None:
    """Give every log-scaled axis of ``ax`` that has matplotlib's default labels the plain ones."""
    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() != "log":
            continue
        for minor in (False, True):
            current = axis.get_minor_formatter() if minor else axis.get_major_formatter()
            if isinstance(current, mpl.ticker.LogFormatterSciNotation):
                plain = PlainLogFormatter(
                    base=current._base, labelOnlyBase=current.labelOnlyBase, minor_thresholds=current.minor_thresholds
                )
                (axis.set_minor_formatter if minor else axis.set_major_formatter)(plain)


_F = TypeVar("_F", bound=Callable[..., Any])


def checked_plot(plot: _F) -> _F:
    """Decorate a public plotting function: its flags (the parameters annotated ``bool``) must be
    True or False (an array is never truth-tested), and if it raises, the figures it opened are
    closed, so a refused call leaves no empty figure under its error message."""
    signature = inspect.signature(plot)
    flags = [name for name, p in signature.parameters.items() if p.annotation in (bool, "bool")]

    @functools.wraps(plot)
    def call(*args: Any, **kwargs: Any) -> Any:
        if flags:
            given = signature.bind_partial(*args, **kwargs).arguments
            for name in flags:
                if name in given:
                    check_flag(name, given[name])
        before = set(plt.get_fignums())
        try:
            return plot(*args, **kwargs)
        except BaseException:
            for number in set(plt.get_fignums()) - before:
                plt.close(number)
            raise

    return call  # type: ignore[return-value]


def log_scale(ax: Axes, axis: str = "y") -> bool:
    """Put ``axis`` ("x" or "y") of ``ax`` on a log scale if its data has a finite value > 0.

    With none (every value <= 0, nan or inf) the axis stays linear: matplotlib would warn
    "Data has no positive values" and draw an empty axis. :func:`finish_axes` then says
    "linear scale" in the axis label. Call after drawing. Returns True if the axis is log-scaled.
    """
    minpos = ax.dataLim.minposy if axis == "y" else ax.dataLim.minposx
    if not (np.isfinite(minpos) and minpos > 0):
        return False
    (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
    return True


def _say_scale(ax: Axes, axis: str, label: str) -> str:
    """``label``, its "log scale" changed to "linear scale ..." when the axis could not be log-scaled."""
    scale = ax.get_yscale() if axis == "y" else ax.get_xscale()
    if scale == "log" or "log scale" not in label:
        return label
    return label.replace("log scale", "linear scale: no value > 0 for a log scale")


def drop_blank_lines(ax: Axes) -> list[str]:
    """Remove the lines of ``ax`` with points but no finite one (an all-nan line draws nothing and
    its legend entry would lie), and say in the axes which were left out. Returns their labels."""
    blank = []
    for line in list(ax.get_lines()):
        x = np.asarray(line.get_xdata(), dtype=object)
        y = np.asarray(line.get_ydata(), dtype=object)
        if not (x.size and y.size):
            continue
        try:
            finite = np.isfinite(np.asarray(x, dtype=float)) & np.isfinite(np.asarray(y, dtype=float))
        except (TypeError, ValueError):  # dates, categories: not numbers, drawn as they are
            continue
        if not finite.any():
            label = str(line.get_label())
            blank.append(label if not label.startswith("_") else "a line")
            line.remove()
    if blank:
        ax.text(
            0.5,
            0.5,
            "not drawn (no finite value):\n" + "\n".join(blank),
            transform=ax.transAxes,
            ha="center",
            va="center",
            color="#b00020",
        )
    return blank


def finish_axes(ax: Axes, xlabel: str, ylabel: str, legend: bool = True, *, live: bool = False) -> None:
    """Labels, grid, plain log ticks and the legend. Unless ``live`` (an explorer's panel whose
    lines are placeholders until its first frame), lines with no finite value are left out."""
    if not live:
        drop_blank_lines(ax)
    ax.set_xlabel(_say_scale(ax, "x", xlabel))
    ax.set_ylabel(_say_scale(ax, "y", ylabel))
    ax.grid(True, alpha=COURSE_STYLE["grid.alpha"])
    plain_log_ticks(ax)
    if legend and ax.get_legend_handles_labels()[0]:  # no labelled line: no empty legend (and no warning)
        place_legend(ax)  # "best", else another place that covers no data


def shorten(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def name_of(thing: Any) -> str:
    """A legend label for a schedule or a plain function of t."""
    if isinstance(thing, S.Schedule):
        return shorten(repr(thing))
    return shorten(getattr(thing, "__name__", None) or repr(thing))


def check_nonempty(name: str, value: Any) -> None:
    if value is None or len(value) == 0:
        raise ValueError(f"{name} must not be empty, got {name}={value!r}")


def positive_for_log(values: np.ndarray) -> np.ndarray:
    """Copy of ``values`` with zeros, negatives and non-finite entries masked (nan) for a log axis."""
    out = np.array(values, dtype=np.float64)
    out[~(np.isfinite(out) & (out > 0))] = np.nan
    return out


def any_finite(values: np.ndarray) -> bool:
    return bool(np.any(np.isfinite(values)))


projector_from_environment()
