"""The explorers' figures: their sizes, fixed margins (no constrained layout) and fast PNG frames.

An explorer keeps one figure for its life and redraws it in place (:mod:`course_lib.plotting.live`);
this module decides its size and spacing, once, and turns a drawn figure into the PNG the
explorer's image widget shows.

Fixed spacing in inches, not constrained layout: constrained layout measures every tick label of
every axes at every draw, which was most of the time a redraw took. The gaps between panels hold
a y axis' tick labels and label (and a twin axis' on the right).

>>> fig, axes = explorer_figure("schedule")
>>> fig.get_size_inches().tolist(), len(axes)
([8.0, 4.5], 1)
>>> frame_png(fig)[:4]
b'\\x89PNG'
"""

from __future__ import annotations

import struct
import zlib
from collections import OrderedDict
from typing import Any, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

from course_lib.plotting.legends import FIXED_MARGINS, LATER_MARK, OUTSIDE_MARK, place_legend
from course_lib.plotting.style import course_style, fit_to_slide
from course_lib.validation import check_in

__all__ = [
    "EXPLORER_FIGURES",
    "GAP_IN",
    "TWIN_IN",
    "ROW_GAP_IN",
    "MARGINS_IN",
    "explorer_figure",
    "fixed_layout",
    "place_marked_legends",
    "frame_png",
    "ExplorerCanvas",
]

#: Each explorer's figure: size (inches, at 100 dpi), panels in a row, their width ratios and
#: which columns carry a twin y axis on the right. Under the projector style the size shrinks
#: to :data:`course_lib.plotting.style.PROJECTOR_MAX_FIGSIZE`.
EXPLORER_FIGURES: dict[str, dict[str, Any]] = {
    "schedule": {"figsize": (8.0, 4.5), "ncols": 1},
    "conventions": {"figsize": (8.0, 4.5), "ncols": 1},
    "gd": {"figsize": (13.0, 5.0), "ncols": 2, "width_ratios": (1, 1.25), "twins": (1,)},
    "plateau": {"figsize": (8.0, 4.5), "ncols": 1, "twins": (0,)},
    "results": {"figsize": (13.0, 4.8), "ncols": 2},
    "large_batch": {"figsize": (14.1, 4.3), "ncols": 3, "suptitle": True},
    "weight_decay": {"figsize": (13.0, 4.5), "ncols": 2},
}

GAP_IN = 1.05  # between panels of a row: the next panel's y tick labels and label
TWIN_IN = 0.95  # extra room for a right-hand (twin) y axis
ROW_GAP_IN = 0.95  # between rows: x tick labels, x label and a title
MARGINS_IN = dict(left=1.0, right=0.2, bottom=0.8, top=0.45)
SUPTITLE_IN = 0.35  # extra top margin for a figure title


def explorer_figure(kind: str) -> tuple[Figure, list[Axes]]:
    """A new figure for the explorer ``kind`` (a key of :data:`EXPLORER_FIGURES`) and its axes.

    The figure is not managed by pyplot (nothing to close, never shown by the inline backend):
    the explorer renders it with :func:`frame_png`.
    """
    check_in("kind", kind, tuple(EXPLORER_FIGURES))
    spec = EXPLORER_FIGURES[kind]
    with course_style():
        fig = Figure(figsize=spec["figsize"], dpi=100)
        ExplorerCanvas(fig)
        fit_to_slide(fig)
        kw = {"width_ratios": spec["width_ratios"]} if "width_ratios" in spec else None
        axes = list(fig.subplots(1, spec["ncols"], squeeze=False, gridspec_kw=kw)[0])
    _space(fig, 1, spec["ncols"], set(spec.get("twins", ())), bool(spec.get("suptitle")))
    return fig, axes


def _space(fig: Figure, nrows: int, ncols: int, twin_columns: set[int], suptitle: bool) -> None:
    width, height = fig.get_size_inches()
    right = MARGINS_IN["right"] + (TWIN_IN if ncols - 1 in twin_columns else 0.0)
    top = MARGINS_IN["top"] + (SUPTITLE_IN if suptitle else 0.0)
    gap = GAP_IN + (TWIN_IN if twin_columns - {ncols - 1} else 0.0)
    inner_w = width - MARGINS_IN["left"] - right
    inner_h = height - MARGINS_IN["bottom"] - top
    panel_w = max((inner_w - (ncols - 1) * gap) / ncols, 0.5)
    panel_h = max((inner_h - (nrows - 1) * ROW_GAP_IN) / nrows, 0.5)
    fig.set_layout_engine("none")
    setattr(fig, FIXED_MARGINS, True)  # legends stay inside the axes (place_legend)
    # what fig.subplots_adjust does (it refuses to run on a figure that had constrained layout)
    fig.subplotpars.update(
        left=MARGINS_IN["left"] / width,
        right=1 - right / width,
        bottom=MARGINS_IN["bottom"] / height,
        top=1 - top / height,
        wspace=gap / panel_w,
        hspace=ROW_GAP_IN / panel_h,
    )
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        if spec is not None:
            ax.set_position(spec.get_position(fig))
        fixed_title_position(ax)


def fixed_title_position(ax: Axes) -> None:
    """Keep ``ax``'s title at the top of the axes instead of placing it again at every draw.

    Matplotlib's automatic placement lifts a title above whatever sits at the top of the axes
    and its twins (top ticks, a top x label, an offset text), measuring their boxes at every
    draw: a quarter of an explorer's frame (the plateau panel and its twin). An explorer's axes
    have nothing at the top (their x axis is at the bottom): the title's place is fixed, as a
    title given ``y=`` is. Axes with top ticks or a top x label keep the automatic placement.
    """
    if ax.xaxis.get_ticks_position() in ("top", "unknown") or ax.xaxis.get_label_position() == "top":
        return
    ax._autotitlepos = False  # what set_title(y=...) and rcParams["axes.titley"] set; no public setter


def fixed_layout(fig: Figure) -> Figure:
    """Give a figure made by a plotting function (constrained layout) the explorers' fixed spacing.

    For the explorers that draw a new figure per update (those that train). Under the projector
    style the figure first shrinks to fit a slide. Figures whose axes are not on one grid are
    left as they are. The figure gets an Agg canvas of its own (it is rendered by :func:`frame_png`,
    not shown by pyplot). Returns ``fig``.
    """
    if not isinstance(fig.canvas, ExplorerCanvas):
        ExplorerCanvas(fig)
    fit_to_slide(fig)
    specs = [ax.get_subplotspec() for ax in fig.axes]
    if not specs or any(spec is None for spec in specs) or len({id(s.get_gridspec()) for s in specs}) != 1:
        return fig
    nrows, ncols = specs[0].get_gridspec().get_geometry()
    twin_columns = {
        spec.colspan.stop - 1
        for ax, spec in zip(fig.axes, specs)
        if ax.yaxis.get_label_position() == "right" and ax.yaxis.get_label().get_text()
    }
    _space(fig, nrows, ncols, twin_columns, fig._suptitle is not None)
    place_marked_legends(fig.axes)
    return fig


def place_marked_legends(axes: Sequence[Axes]) -> None:
    """Place, inside its axes, each legend of ``axes`` that a plotting function left at "best" under
    :func:`~course_lib.plotting.legends.placed_later` or put outside (the fixed margins would cut it
    off), against the frame's own layout and limits: no layout is drawn first."""
    for ax in axes:
        legend = ax.get_legend()
        if legend is not None and (getattr(legend, OUTSIDE_MARK, False) or getattr(legend, LATER_MARK, False)):
            ax.autoscale_view()  # the limits the frame will show: the legend is placed against them
            setattr(legend, LATER_MARK, False)
            place_legend(ax, outside=False, draw=False)


def frame_png(fig: Figure, *, draw: bool = True) -> bytes:
    """The figure as PNG bytes: ``canvas.draw()`` (unless ``draw=False``: already drawn or blitted),
    then the canvas' pixels written as an RGB PNG, rows unfiltered, zlib level 1.

    No ``savefig``: it draws the figure again and compresses hard. Not Pillow either: at
    ``compress_level=1`` it still tries every row filter, which took twice as long (13.6 ms against
    5.9 ms for the 1300 x 500 px GD frame) for a larger file; a figure's pixels (flat colours) need
    no filter. The figure must be opaque (explorer figures are): the alpha channel is dropped.
    """
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    if draw:
        canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    height, width = rgba.shape[:2]
    rows = np.empty((height, 1 + 3 * width), dtype=np.uint8)  # each row: filter type 0, then R G B ...
    rows[:, 0] = 0
    for channel in range(3):  # one strided copy per channel: 7x faster than copying the (h, w, 3) view
        rows[:, 1 + channel :: 3] = rgba[..., channel]
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, truecolour, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 1))
        + _chunk(b"IEND", b"")
    )


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


# ---------------------------------------------------------------------------
# Text drawn again from remembered glyphs
# ---------------------------------------------------------------------------

#: (string, position, angle, font, dpi, text settings) -> the glyph images Agg drew for it, in order
_TEXT_CACHE: OrderedDict = OrderedDict()
_TEXT_CACHE_SIZE = 4096


class _Recorder:
    """Stands in for a renderer's Agg core while one text is drawn: forwards every call, keeps a
    copy of each glyph image drawn (``draw_text_image``)."""

    def __init__(self, core: Any) -> None:
        self.core, self.glyphs, self.ok = core, [], True

    def draw_text_image(self, image: Any, x: Any, y: Any, angle: Any, gc: Any) -> None:
        if isinstance(image, np.ndarray):
            self.glyphs.append((image.copy(), x, y, angle))
        else:  # an older matplotlib hands over its font object: nothing to keep
            self.ok = False
        self.core.draw_text_image(image, x, y, angle, gc)

    def __getattr__(self, name: str) -> Any:
        self.ok = False  # anything else drawn (a box...): not a text made of glyphs only
        return getattr(self.core, name)


class _TextCachingRenderer(RendererAgg):
    """Agg, but a text drawn at the same place with the same font and settings as before is drawn
    from the glyph images remembered then (laying out and rasterising a text is most of what a tick
    label costs). The images and positions are the ones Agg computed: the pixels are the same."""

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):  # noqa: ANN001 - Agg's signature
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        extra = (mtext.get_fontfeatures(), mtext.get_language()) if hasattr(mtext, "get_fontfeatures") else ()
        key = (
            s,
            float(x),
            float(y),
            float(angle),
            tuple(prop.get_family()),
            prop.get_style(),
            prop.get_variant(),
            prop.get_weight(),
            prop.get_stretch(),
            prop.get_size_in_points(),
            prop.get_file(),
            prop.get_math_fontfamily(),
            self.dpi,
            bool(gc.get_antialiased()),
            tuple(mpl.rcParams[k] for k in ("text.hinting", "text.hinting_factor", "text.kerning_factor")),
            *[tuple(e) if isinstance(e, list) else e for e in extra],
        )
        glyphs = _TEXT_CACHE.get(key)
        if glyphs is not None:
            _TEXT_CACHE.move_to_end(key)
            for image, gx, gy, gangle in glyphs:
                self._renderer.draw_text_image(image, gx, gy, gangle, gc)
            return None
        core, recorder = self._renderer, _Recorder(self._renderer)
        self._renderer = recorder
        try:
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        finally:
            self._renderer = core
        if recorder.ok:
            _TEXT_CACHE[key] = recorder.glyphs
            while len(_TEXT_CACHE) > _TEXT_CACHE_SIZE:
                _TEXT_CACHE.popitem(last=False)
        return None


class ExplorerCanvas(FigureCanvasAgg):
    """The explorers' Agg canvas: its renderer draws a text seen before from its remembered glyphs."""

    def get_renderer(self) -> RendererAgg:
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        renderer = getattr(self, "renderer", None)
        if getattr(self, "_lastKey", None) != key or not isinstance(renderer, _TextCachingRenderer):
            self.renderer = _TextCachingRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer
