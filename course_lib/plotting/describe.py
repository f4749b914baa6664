"""Text alternatives: what a figure shows, for alt text and screen readers."""

from __future__ import annotations

from typing import Any

import matplotlib.style  # noqa: F401  (mpl.style)
import matplotlib.ticker  # noqa: F401  (mpl.ticker)
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib.plotting.legends import place_legends
from course_lib.plotting.style import plain_number

__all__ = ['describe_figure', 'install_alt_text']


# ---------------------------------------------------------------------------
# Text alternatives: what a figure shows, for alt text and screen readers
# ---------------------------------------------------------------------------


def _axis_text(axis_name: str, label: str, scale: str, limits: tuple[float, float]) -> str:
    lo, hi = (float(f"{v:.3g}") for v in sorted(limits))
    scale_text = "log scale" if scale == "log" else scale if scale != "linear" else ""
    name = label.strip() or "unlabelled"
    return (
        f"{axis_name} axis: {name}"
        + (f" ({scale_text})" if scale_text and scale_text not in name else "")
        + f", from {plain_number(lo)} to {plain_number(hi)}"
    )


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
    if ax.collections and any(
        type(c).__name__ in ("QuadContourSet", "ContourSet") or hasattr(c, "levels") for c in ax.collections
    ):
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
    >>> from course_lib.plotting.schedules import plot_schedules
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
    return f"{head} with {len(texts)} panels. " + " ".join(f"Panel {i}: {t}." for i, t in enumerate(texts, start=1))


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
    place_legends(fig)  # a line drawn after the legend (a notebook's axvline): the legend moves off it
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
