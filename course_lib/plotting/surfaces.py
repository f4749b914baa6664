"""Pictures on 2-D problems: descent paths over contours, and the contraction factor of GD on a quadratic."""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm

from course_lib.plotting.legends import place_legend
from course_lib.plotting.records import as_histories, diverged_text, run_label
from course_lib.plotting.style import LR_LABEL, checked_plot, course_style, finish_axes, new_axes, series_color
from course_lib.training.history import History
from course_lib.validation import check_int

__all__ = ['plot_path', 'plot_contraction', 'path_view', 'exit_point', 'draw_landscape']


# A path's line is clipped to the problem's bounds widened by this fraction on each side.
_VIEW_MARGIN = 0.1
# ---------------------------------------------------------------------------
# Paths on 2-D problems
# ---------------------------------------------------------------------------


def path_view(bounds: Any, margin: float = _VIEW_MARGIN) -> tuple[tuple[float, float], tuple[float, float]]:
    (x0, x1), (y0, y1) = bounds
    dx, dy = (x1 - x0) * margin, (y1 - y0) * margin
    return (x0 - dx, x1 + dx), (y0 - dy, y1 + dy)


def _inside(points: np.ndarray, view: Any) -> np.ndarray:
    (x0, x1), (y0, y1) = view
    return (points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)


def exit_point(path: np.ndarray, view: Any) -> np.ndarray:
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


@checked_plot
def plot_path(
    problem: Any,
    histories: History | Sequence[History],
    *,
    ax: Axes | None = None,
    levels: int = 30,
    log_levels: bool = True,
    grid_points: int = 160,
) -> Axes:
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
    runs = as_histories(histories, "histories")
    bounds = getattr(problem, "bounds", None)
    if bounds is None or getattr(problem, "dim", 2) != 2:
        raise ValueError(f"problem must be a 2-D problem with bounds, got problem={problem!r}")
    levels = check_int("levels", levels, minimum=2)
    grid_points = check_int("grid_points", grid_points, minimum=10)
    for i, h in enumerate(runs):
        if h.params is None or np.ndim(h.params) != 2 or np.shape(h.params)[1] != 2:
            raise ValueError(
                f"histories[{i}].params must be a path of shape (n+1, 2), got "
                f"{None if h.params is None else np.shape(h.params)} (train with run_gd on a 2-D problem)"
            )

    (vx0, vx1), (vy0, vy1) = path_view(bounds)
    with course_style():
        ax = new_axes(ax, figsize=(6.5, 5.5))
        draw_landscape(ax, problem, levels=levels, log_levels=log_levels, grid_points=grid_points, legend=False)
        for i, h in enumerate(runs):
            color = series_color(i)
            path = np.asarray(h.params, dtype=np.float64)
            path = path[np.all(np.isfinite(path), axis=1)]
            if not len(path):
                continue
            label = run_label(h, i) + (f" ({diverged_text(h)})" if h.diverged else "")
            marker = "." if len(path) <= 400 else None
            ax.plot(
                path[:, 0],
                path[:, 1],
                color=color,
                marker=marker,
                markersize=4,
                linewidth=1.6,
                alpha=0.9,
                label=label,
                zorder=3,
            )
            ax.plot(*path[0], "o", color=color, markersize=8, markeredgecolor="black", zorder=4)
            if h.diverged:
                end = exit_point(path, ((vx0, vx1), (vy0, vy1)))
                ax.plot(*end, "X", color=color, markersize=13, markeredgecolor="black", zorder=5, clip_on=False)
            else:
                ax.plot(*path[-1], "s", color=color, markersize=6, markeredgecolor="black", zorder=4)
        _landscape_legend(ax)
    return ax


def draw_landscape(
    ax: Axes, problem: Any, *, levels: int = 30, log_levels: bool = True, grid_points: int = 160, legend: bool = True
) -> None:
    """What :func:`plot_path` draws under the paths: contours, basin minima, the minimum, limits and labels.

    The static layer of a path picture (the GD explorers draw it once per problem, then
    only move the paths). ``legend=True`` adds the legend of what is drawn.
    """
    (vx0, vx1), (vy0, vy1) = path_view(problem.bounds)
    with course_style():
        X, Y = np.meshgrid(np.linspace(vx0, vx1, grid_points), np.linspace(vy0, vy1, grid_points))
        with np.errstate(all="ignore"):
            Z = np.asarray(problem.loss(np.stack([X, Y], axis=-1)), dtype=np.float64)
        height, lv, norm = _contour_levels(Z, levels, log_levels)
        ax.contour(X, Y, height, levels=lv, cmap="viridis", norm=norm, linewidths=0.9, alpha=0.55, zorder=1)
        centers = getattr(problem, "basin_centers", None)
        if centers is not None:
            centers = np.asarray(centers)
            ax.plot(
                centers[:, 0],
                centers[:, 1],
                "P",
                color="gray",
                markersize=8,
                linestyle="none",
                label="basin minima",
                zorder=2,
            )
        minimum = np.asarray(problem.minimum, dtype=np.float64)
        ax.plot(
            *minimum,
            "*",
            color="gold",
            markersize=18,
            markeredgecolor="black",
            label="minimum",
            linestyle="none",
            zorder=6,
        )
        ax.plot([], [], "o", color="white", markeredgecolor="black", label="start", linestyle="none")
        ax.set_xlim(vx0, vx1)
        ax.set_ylim(vy0, vy1)
        ax.set_title(getattr(problem, "name", type(problem).__name__))
        finish_axes(ax, "w[0] (first parameter)", "w[1] (second parameter)", legend=legend)


def _landscape_legend(ax: Axes) -> None:
    """The legend of a path picture: the paths first, then the landscape's markers."""
    handles, labels = ax.get_legend_handles_labels()
    static = {"basin minima", "minimum", "start"}
    order = [i for i, lab in enumerate(labels) if lab not in static] + [
        i for i, lab in enumerate(labels) if lab in static
    ]
    ax.legend([handles[i] for i in order], [labels[i] for i in order], loc="best")
    place_legend(ax)


# ---------------------------------------------------------------------------
# Gradient descent on a quadratic: the contraction factor
# ---------------------------------------------------------------------------


@checked_plot
def plot_contraction(problem: Any, *, max_lr: float | None = None, ax: Axes | None = None, n_points: int = 500) -> Axes:
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
        raise TypeError(
            f"problem must have numeric curvatures L and mu (e.g. problems.quadratic_bowl()), got problem={problem!r}"
        )
    L, mu = float(L), float(mu)
    if not (math.isfinite(L) and L > 0 and math.isfinite(mu) and 0 <= mu <= L):
        raise ValueError(f"problem must have 0 <= mu <= L and L > 0, got problem.L={L!r}, problem.mu={mu!r}")
    if max_lr is None:
        max_lr = 1.25 * 2 / L
    elif (
        isinstance(max_lr, bool)
        or not isinstance(max_lr, (int, float, np.floating))
        or not (math.isfinite(max_lr) and max_lr > 0)
    ):
        raise ValueError(f"max_lr must be a finite number > 0 or None, got max_lr={max_lr!r}")
    n_points = check_int("n_points", n_points, minimum=10)
    lrs = np.linspace(0.0, float(max_lr), n_points)
    steep, flat = np.abs(1 - lrs * L), np.abs(1 - lrs * mu)
    worst = np.maximum(steep, flat)
    top = max(1.6, min(float(worst.max()), 3.0) + 0.1)
    with course_style():
        ax = new_axes(ax)
        ax.axhspan(1.0, top, color=series_color(1), alpha=0.08, linewidth=0)
        ax.axhline(1.0, color=series_color(1), linewidth=1.2, linestyle="-")
        ax.text(
            0.01,
            1.0 + 0.03 * top,
            "above 1: the error grows, GD diverges",
            color=series_color(1),
            transform=ax.get_yaxis_transform(),
            va="bottom",
            fontsize=11,
        )
        ax.plot(lrs, steep, color=series_color(0), linestyle="--", label=f"|1 − η·L|  (steepest, L = {L:.3g})")
        ax.plot(lrs, flat, color=series_color(2), linestyle="--", label=f"|1 − η·μ|  (flattest, μ = {mu:.3g})")
        ax.plot(lrs, worst, color="black", linewidth=2.6, label="max: the factor of the run")
        marks = [
            (1 / L, "1/L: oscillation starts", series_color(4)),
            (2 / (L + mu), "2/(L+μ): best fixed rate", series_color(2)),
            (2 / L, "2/L: stability limit", series_color(1)),
        ]
        for x, text, color in marks:
            if x <= max_lr:
                ax.axvline(x, color=color, linestyle=":", linewidth=1.8)
                ax.text(
                    x,
                    0.02,
                    " " + text,
                    rotation=90,
                    color=color,
                    ha="right",
                    va="bottom",
                    transform=ax.get_xaxis_transform(),
                    fontsize=10.5,
                    bbox=dict(facecolor="white", alpha=0.75, edgecolor="none", pad=1.0),
                )
        ax.set_xlim(0, float(max_lr))
        ax.set_ylim(0, top)
        finish_axes(ax, LR_LABEL + " η", "factor on the error per step")
        ax.legend(loc="upper center")
        place_legend(ax)
    return ax
