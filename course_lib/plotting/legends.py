"""Legends that never sit on the data: count what a legend covers, and place it where it covers nothing.

A legend is "on the data" when a data point of its axes (or of an axes drawn over the same
area, such as the twin axis of a rate line) lies inside the legend's box on screen.
:func:`covered_points` counts them: the vertices of every visible line, points sampled along
its segments every :data:`SAMPLE_PX` pixels (a straight segment under a legend has no vertex
there but is still hidden), and the points of scatter plots. Only what is inside the axes' box
counts (a line is clipped there). Contours, bands and grid lines are background, not counted.
A legend must not hide the figure's words either: :func:`covered_labels` counts the tick labels,
axis labels and titles of every axes of the figure (and its title) that the legend's box overlaps
(a legend wider than its axes stuck out over the y axis' "0.10" and "0.12" in the large-batch
explorer). A legend wider or taller than its axes is made again in a smaller font
(:data:`MIN_FONTSIZE` at least) before it is placed.

:func:`place_legend` tries matplotlib's ``loc="best"``, then each of the nine places inside the
axes, and, if every one covers something, puts the legend outside the axes (right of it), where a
figure with a layout engine makes room for it. :func:`place_legends` does that for every legend
of a figure: the course runs it before a figure is shown in a notebook
(:func:`course_lib.plotting.describe.install_alt_text`), so a line drawn after the legend (an
``axvline`` in a notebook cell) is seen too. Explorers' figures have fixed margins: their legends
stay inside (``outside=False``), at the place that covers least.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots()
>>> _ = ax.plot([0, 1], [0, 1], label="rising")
>>> legend = ax.legend(loc="upper left")
>>> covered_points(ax) > 0
False
>>> _ = ax.legend(loc="upper right"); covered_points(ax) > 0
True
>>> place_legend(ax) is not None and covered_points(ax) == 0
True
>>> plt.close(fig)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox, ScaledTranslation

__all__ = [
    "SAMPLE_PX",
    "INSIDE",
    "OUTSIDE",
    "FIXED_MARGINS",
    "OUTSIDE_MARK",
    "CROWDED_MARK",
    "covered_points",
    "covered_labels",
    "MIN_FONTSIZE",
    "place_legend",
    "place_legends",
    "fixed_margins",
    "placed_later",
    "LATER_MARK",
]

#: Pixels between the points sampled along a line's segments.
SAMPLE_PX = 3.0
#: The places inside the axes tried after "best", in order.
INSIDE = (
    "upper right",
    "upper left",
    "lower left",
    "lower right",
    "center right",
    "center left",
    "upper center",
    "lower center",
    "center",
)
#: The places outside the axes tried when every inside one covers data: (loc, bbox_to_anchor in axes
#: coordinates). "right" is tried only for a legend narrower than :data:`RIGHT_MAX` of the axes' width
#: (a wide one would squeeze the plot); "below" hangs under the x axis' label.
OUTSIDE = (("upper left", (1.02, 1.0)), ("upper center", (0.5, 0.0)))
RIGHT_MAX = 0.4
#: The smallest font (points) a legend shrinks to, to fit inside its axes.
MIN_FONTSIZE = 6.5


def _renderer(fig: Figure) -> Any:
    canvas = fig.canvas
    if hasattr(canvas, "get_renderer"):
        return canvas.get_renderer()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return FigureCanvasAgg(fig).get_renderer()


def _neighbours(ax: Axes) -> list[Axes]:
    """``ax`` and every visible axes of its figure drawn over the same area (its twins)."""
    box = ax.get_position()
    return [
        other
        for other in ax.figure.axes
        if other is ax or (other.get_visible() and np.allclose(other.get_position().bounds, box.bounds, atol=1e-6))
    ]


def _line_points(line: Line2D) -> np.ndarray:
    """Display coordinates of a line's vertices and of points every SAMPLE_PX along its segments."""
    xy = np.asarray(line.get_xydata(), dtype=np.float64)
    if xy.ndim != 2 or not len(xy):
        return np.empty((0, 2))
    pts = line.get_transform().transform(xy)
    if line.get_linestyle() in ("None", "none", "", " ") or len(pts) < 2:
        return pts[np.all(np.isfinite(pts), axis=1)]
    a, b = pts[:-1], pts[1:]
    ok = np.all(np.isfinite(a), axis=1) & np.all(np.isfinite(b), axis=1)
    a, b = a[ok], b[ok]
    if line.get_drawstyle().startswith("steps"):  # a step line goes across, then up: sample both legs
        corner = np.column_stack([b[:, 0], a[:, 1]])
        a, b = np.concatenate([a, corner]), np.concatenate([corner, b])
    length = np.hypot(*(b - a).T)
    n = np.minimum(np.ceil(length / SAMPLE_PX).astype(int), 2000)
    if not len(n):
        return pts[np.all(np.isfinite(pts), axis=1)]
    idx = np.repeat(np.arange(len(n)), n)
    frac = (np.arange(idx.size) - np.repeat(np.cumsum(n) - n, n)) / np.repeat(np.maximum(n, 1), n)
    sampled = a[idx] + (b[idx] - a[idx]) * frac[:, None]
    return np.concatenate([sampled, b[-1:]])


def _data_points(ax: Axes) -> np.ndarray:
    """Display coordinates of every data point of ``ax`` and its twins that is inside the axes' box."""
    chunks = []
    for other in _neighbours(ax):
        for line in other.get_lines():
            if line.get_visible():
                chunks.append(_line_points(line))
        for coll in other.collections:
            if isinstance(coll, PathCollection) and coll.get_visible():
                offsets = np.asarray(coll.get_offsets(), dtype=np.float64)
                if offsets.size:
                    chunks.append(coll.get_offset_transform().transform(offsets))
    if not chunks:
        return np.empty((0, 2))
    pts = np.concatenate(chunks)
    box = ax.bbox
    inside = (pts[:, 0] >= box.x0) & (pts[:, 0] <= box.x1) & (pts[:, 1] >= box.y0) & (pts[:, 1] <= box.y1)
    return pts[inside]


def _count(points: np.ndarray, extent: Bbox) -> int:
    if not len(points):
        return 0
    return int(
        np.count_nonzero(
            (points[:, 0] > extent.x0)
            & (points[:, 0] < extent.x1)
            & (points[:, 1] > extent.y0)
            & (points[:, 1] < extent.y1)
        )
    )


def covered_points(ax: Axes, renderer: Any = None, *, draw: bool = True) -> int:
    """How many data points of ``ax`` (and its twins) lie under its legend on screen (0: none, or no legend).

    Lays the figure out first (a draw without rendering; ``draw=False``: the figure's layout is
    fixed and its limits are set, as an explorer's are), so call it after drawing everything.
    """
    legend = ax.get_legend()
    if legend is None or not legend.get_visible():
        return 0
    fig = ax.figure
    if draw:
        fig.draw_without_rendering()
    renderer = renderer or _renderer(fig)
    return _count(_data_points(ax), legend.get_window_extent(renderer))


def _tick_labels_reach(ax: Axes, which: str, inner: Bbox) -> bool:
    """Could a tick label of ``ax``'s x (``which="x"``) or y axis overlap the box ``inner``? Cheap: no
    tick is made. The labels sit outside the axes' box, beyond the spine they belong to (a pad of 0 or
    more), so a box that lies within the axes' band across that axis (between the bottom and top spines
    for the x axis, the left and right ones for the y axis) cannot reach them, however long they are."""
    if ax.name != "rectilinear":
        return True
    axis = ax.xaxis if which == "x" else ax.yaxis
    pad = axis.get_tick_params().get("pad", mpl.rcParams[f"{which}tick.major.pad"])
    if pad < 0:  # labels drawn inside the box
        return True
    box = ax.bbox
    if which == "x":
        return inner.y0 < box.y0 or inner.y1 > box.y1
    return inner.x0 < box.x0 or inner.x1 > box.x1


def _may_reach(text: Any, inner: Bbox) -> bool:
    """False if ``text`` cannot overlap ``inner`` whatever its layout: its anchor is farther from the
    box than the text can extend (1.5 font sizes per character of its longest line plus two, in any
    direction: rotated text too). Saves laying out the words far from a legend."""
    try:
        x, y = text.get_transform().transform(text.get_position())
    except (TypeError, ValueError):
        return True
    if not (np.isfinite(x) and np.isfinite(y)):
        return True
    lines = text.get_text().split("\n")
    size = text.get_fontsize() * text.get_figure(root=True).dpi / 72.0
    reach = size * (1.5 * max(len(line) for line in lines) + 2.0 * len(lines))
    return inner.x0 - reach < x < inner.x1 + reach and inner.y0 - reach < y < inner.y1 + reach


def _tick_labels(ax: Axes, which: str) -> list[Any]:
    """The tick labels ``ax`` draws on its x or y axis (made now: the axis' ticks are updated)."""
    box, labels = ax.bbox, []
    for label in ax.get_xticklabels() if which == "x" else ax.get_yticklabels():
        if not label.get_visible() or not label.get_text():
            continue
        # tick labels outside the view (not drawn) are kept by the axis too: skip them
        x, y = label.get_transform().transform(label.get_position())
        at = (x, box.x0, box.x1) if which == "x" else (y, box.y0, box.y1)
        if at[1] - 1 <= at[0] <= at[2] + 1:
            labels.append(label)
    return labels


def _figure_texts(fig: Figure, near: Bbox | None = None, ticks: dict | None = None) -> list[Any]:
    """The words of ``fig`` a legend must not hide: every axes' drawn tick labels, axis labels and
    title, and the figure's title. ``near``: only those that could overlap that box (the tick labels
    of an axis that cannot reach it are not even made: :func:`_tick_labels_reach`). ``ticks``: a
    cache of the tick labels by axes and axis, for several calls on an unchanged figure."""
    texts = [fig._suptitle] if getattr(fig, "_suptitle", None) is not None else []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for which in ("x", "y"):
            if near is not None and not _tick_labels_reach(ax, which, near):
                continue
            if ticks is None:
                texts += _tick_labels(ax, which)
            else:
                key = (id(ax), which)
                if key not in ticks:
                    ticks[key] = _tick_labels(ax, which)
                texts += ticks[key]
        texts += [ax.xaxis.label, ax.yaxis.label, ax.title, ax._left_title, ax._right_title]
    texts = [t for t in texts if t.get_visible() and t.get_text()]
    return texts if near is None else [t for t in texts if _may_reach(t, near)]


def covered_labels(ax: Axes, renderer: Any = None, *, draw: bool = True) -> list[str]:
    """The tick labels, axis labels and titles of ``ax``'s figure that its legend overlaps on screen
    ([]: none, or no legend). ``draw``: as :func:`covered_points`."""
    legend = ax.get_legend()
    if legend is None or not legend.get_visible():
        return []
    fig = ax.figure
    if draw:
        fig.draw_without_rendering()
    renderer = renderer or _renderer(fig)
    return _overlapped(legend.get_window_extent(renderer), fig, renderer)


def _inner(extent: Bbox) -> Bbox:
    return Bbox.from_extents(extent.x0 + 1, extent.y0 + 1, extent.x1 - 1, extent.y1 - 1)  # touching is fine


def _overlapped(extent: Bbox, fig: Figure, renderer: Any, words: "_Words | None" = None) -> list[str]:
    """The texts of :func:`_figure_texts` that the box ``extent`` overlaps. ``words``: measure each
    text once across the places one :func:`place_legend` call tries (the layout unchanged)."""
    inner = _inner(extent)
    if words is not None:
        return words.overlapped(inner)
    return [t.get_text() for t in _figure_texts(fig, near=inner) if t.get_window_extent(renderer).overlaps(inner)]


class _Words:
    """The figure's words and their boxes on screen, measured once each while a legend tries its
    places (the figure's layout and limits unchanged: make a new one after either changes)."""

    def __init__(self, fig: Figure, renderer: Any) -> None:
        self.fig, self.renderer = fig, renderer
        self.ticks: dict = {}
        self.extents: dict[int, Bbox] = {}

    def overlapped(self, inner: Bbox) -> list[str]:
        hits = []
        for text in _figure_texts(self.fig, near=inner, ticks=self.ticks):
            extent = self.extents.get(id(text))
            if extent is None:
                extent = self.extents[id(text)] = text.get_window_extent(self.renderer)
            if extent.overlaps(inner):
                hits.append(text.get_text())
        return hits


def _remake(legend: Legend, ax: Axes, size: float) -> Legend:
    """The same legend made again at ``size`` points (at "best"; the course's marks kept)."""
    title = legend.get_title().get_text() or None
    handles, labels = legend.legend_handles, [t.get_text() for t in legend.get_texts()]
    flags = (LATER_MARK, OUTSIDE_MARK, CROWDED_MARK)
    marks = {flag: getattr(legend, flag) for flag in flags if hasattr(legend, flag)}
    legend = ax.legend(handles, labels, loc="best", fontsize=size, title=title, ncols=legend._ncols)
    for flag, value in marks.items():
        setattr(legend, flag, value)
    return legend


def _fit_font(legend: Legend, ax: Axes, renderer: Any) -> Legend:
    """``legend``, or the same legend made again in a smaller font if it is wider or taller than its axes
    (its markers do not shrink with the font: a few tries, down to :data:`MIN_FONTSIZE`)."""
    box = ax.bbox
    for _ in range(4):
        extent = legend.get_window_extent(renderer)
        size = legend.prop.get_size_in_points()
        if (extent.width <= box.width - 4 and extent.height <= box.height - 4) or size <= MIN_FONTSIZE:
            return legend
        scale = min((box.width - 4) / extent.width, (box.height - 4) / extent.height)
        legend = _remake(legend, ax, max(size * scale * 0.97, MIN_FONTSIZE))
    return legend


def _set_place(legend: Legend, loc: str, anchor: tuple[float, float] | None, ax: Axes) -> None:
    transform = ax.transAxes if anchor is not None else None
    if anchor is not None and anchor[1] <= 0.0:  # below: under the x axis' ticks and label
        renderer = _renderer(ax.figure)
        axis_box = ax.xaxis.get_tightbbox(renderer)
        drop = (ax.bbox.y0 - axis_box.y0) if axis_box is not None else 0.0
        transform = ax.transAxes + ScaledTranslation(0, -(drop + 4) / ax.figure.dpi, ax.figure.dpi_scale_trans)
    legend.set_bbox_to_anchor(anchor, transform=transform)
    legend.set_loc(loc)
    setattr(legend, OUTSIDE_MARK, anchor is not None)


def place_legend(ax: Axes, *, outside: bool | None = None, draw: bool = True, **kwargs: Any) -> Legend | None:
    """Give ``ax`` a legend (of its labelled artists, or of ``handles=`` in ``kwargs``) that covers no data.

    Tries ``loc="best"``, then :data:`INSIDE`, then (if ``outside``) :data:`OUTSIDE`; keeps the
    first place that covers nothing, else the one that covers least. An existing legend of
    ``ax`` is moved (``kwargs`` then unused). ``outside=None``: outside unless the figure has the
    explorers' fixed margins (:func:`fixed_margins`: nothing outside the axes would be seen).
    ``draw=False``: the figure is not laid out first (an explorer's frame: fixed layout, limits set).
    Returns the legend (None: nothing to label).
    """
    if outside is None:
        outside = not fixed_margins(ax.figure)
    legend = ax.get_legend()
    if legend is None:
        handles = kwargs.pop("handles", None)
        if handles is None:
            handles, labels = ax.get_legend_handles_labels()
            if not handles:
                return None
            legend = ax.legend(handles, labels, loc="best", **kwargs)
        else:
            if not handles:
                return None
            legend = ax.legend(handles=handles, loc="best", **kwargs)
    fig = ax.figure
    if _later[0]:
        setattr(legend, LATER_MARK, True)
        return legend
    if draw:
        fig.draw_without_rendering()
    renderer = _renderer(fig)
    if not outside:  # it has to fit inside the axes
        legend = _fit_font(legend, ax, renderer)
    points = _data_points(ax)
    extent = legend.get_window_extent(renderer)
    setattr(legend, CROWDED_MARK, False)
    words = _Words(fig, renderer)  # measured once for every place tried inside (new after a layout change)
    if _count(points, extent) == 0 and _within(extent, ax, renderer) and not _overlapped(extent, fig, renderer, words):
        return legend
    tries: list[tuple[str, tuple[float, float] | None]] = [(loc, None) for loc in INSIDE]
    if outside:
        wide = extent.width > RIGHT_MAX * ax.bbox.width
        tries += [place for place in OUTSIDE if not (wide and place[1][1] > 0)]
    best: tuple[int, str, Any] | None = None
    for loc, anchor in tries:
        _set_place(legend, loc, anchor, ax)
        if anchor is not None:
            fig.draw_without_rendering()  # a layout engine makes room for it
            points = _data_points(ax)
            words = _Words(fig, renderer)
        extent = legend.get_window_extent(renderer)
        n = _count(points, extent) + (0 if anchor is not None or _within(extent, ax, renderer) else 1)
        n += len(_overlapped(extent, fig, renderer, words))
        if n == 0:
            return legend
        if best is None or n < best[0]:
            best = (n, loc, anchor)
    assert best is not None
    if not outside:  # no room outside: a smaller font first (the explorers at the projector's size)
        size = legend.prop.get_size_in_points()
        for scale in (0.8, 0.65):
            if size * scale < MIN_FONTSIZE:
                break
            legend = _remake(legend, ax, size * scale)
            setattr(legend, CROWDED_MARK, False)
            for loc in ("best", *INSIDE):
                _set_place(legend, loc, None, ax)
                extent = legend.get_window_extent(renderer)
                if (
                    _count(points, extent) == 0
                    and _within(extent, ax, renderer)
                    and not _overlapped(extent, fig, renderer, words)
                ):
                    return legend
    if not outside:  # still no room: make room above the data for the (smaller) legend (raise the y axes' top)
        _set_place(legend, "upper right", None, ax)
        _headroom(ax, legend.get_window_extent(renderer).height)
        extent = legend.get_window_extent(renderer)
        if _count(_data_points(ax), extent) == 0 and not _overlapped(extent, fig, renderer):
            return legend
    _set_place(legend, best[1], best[2], ax)
    setattr(legend, CROWDED_MARK, True)  # data everywhere (a noisy path filling the view): the least covered place
    return legend


def _headroom(ax: Axes, height_px: float) -> None:
    """Raise the top of ``ax``'s y axis (and its twins') so that a band ``height_px`` high (plus a
    little) above the highest data point is free: for a legend that finds no free place inside."""
    fraction = min((height_px + 8) / max(ax.bbox.height, 1.0), 0.6)
    for other in _neighbours(ax):
        low, high = other.get_ylim()
        log = other.get_yscale() == "log"
        a, b = (np.log10(low), np.log10(high)) if log else (low, high)
        top = a + (b - a) / (1 - fraction)
        other.set_ylim(low, 10**top if log else top)


def _within(extent: Bbox, ax: Axes, renderer: Any) -> bool:
    """The legend's box does not stick out of the axes' box (by more than a pixel)."""
    box = ax.bbox
    return extent.x0 >= box.x0 - 1 and extent.x1 <= box.x1 + 1 and extent.y0 >= box.y0 - 1 and extent.y1 <= box.y1 + 1


def place_legends(fig: Figure, *, outside: bool | None = None) -> int:
    """:func:`place_legend` for every axes of ``fig`` with a legend; returns the points still covered."""
    left = 0
    for ax in fig.axes:
        if ax.get_legend() is not None:
            place_legend(ax, outside=outside)
            left += covered_points(ax)
    return left


#: The attribute that marks a legend for which no place covers nothing (data fill the whole axes).
CROWDED_MARK = "course_crowded"
#: The attribute that marks a legend :func:`place_legend` put outside its axes.
OUTSIDE_MARK = "course_outside"
#: The attribute that marks a legend left at "best" under :func:`placed_later` (placed once the layout is fixed).
LATER_MARK = "course_placed_later"
_later = [False]


@contextlib.contextmanager
def placed_later() -> Iterator[None]:
    """Inside the block, :func:`place_legend` only makes the legend (at "best") and marks it.

    For a figure drawn by a plotting function and then given another layout (an explorer's fixed
    margins, :func:`~course_lib.plotting.explorer_layout.fixed_layout`): laying out the first
    layout to place its legends cost about 0.7 s per legend on a 3-panel figure, only to be
    thrown away. The layout that stays places the marked legends (``draw=False``).
    """
    before, _later[0] = _later[0], True
    try:
        yield
    finally:
        _later[0] = before


#: The attribute that marks a figure with fixed margins (an explorer's: nothing outside its axes is seen).
FIXED_MARGINS = "course_fixed_margins"


def fixed_margins(fig: Figure) -> bool:
    """True for a figure with the explorers' fixed margins (set by ``explorer_layout``)."""
    return bool(getattr(fig, FIXED_MARGINS, False))
