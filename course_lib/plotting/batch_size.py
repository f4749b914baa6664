"""Pictures of batch size beyond linear scaling: the noise scale, steps against the batch, the trade-off.

Inputs are the records of :mod:`course_lib.studies.batch_size` (a ``BatchSweep``, a ``Tradeoff``,
``Phase`` lists and excess-loss arrays); batch sizes and losses span decades, so the axes are log-log.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib.plotting.style import (
    MARKERS,
    check_nonempty,
    checked_plot,
    course_style,
    finish_axes,
    log_scale,
    new_axes,
    series_color,
)

__all__ = ["plot_noise_scale", "plot_steps_to_target", "plot_tradeoff", "plot_decay_or_grow"]

BATCH_LABEL = "batch size B (examples per step, log scale)"


@checked_plot
def plot_noise_scale(
    excess: Any, b_simple: Any, *, estimates: Mapping[str, tuple[Any, Any]] | None = None, ax: Axes | None = None
) -> Axes:
    """B_simple = tr(C) / |G|^2 (examples) against the excess loss at which it is measured, log-log.

    Args:
        excess: excess losses f(w) - f* of the points (x).
        b_simple: their exact noise scales (y), drawn as a line.
        estimates: label -> (excess losses, estimates), drawn as markers (e.g. the two-batch estimator).
        ax: the Axes to draw into; None makes a new figure.
    """
    excess, b_simple = np.asarray(excess, dtype=float), np.asarray(b_simple, dtype=float)
    check_nonempty("excess", excess)
    with course_style():
        ax = new_axes(ax)
        ax.plot(excess, b_simple, color=series_color(0), label="exact: tr(C) / |G|²")
        for i, (label, (x, y)) in enumerate((estimates or {}).items(), start=1):
            ax.plot(x, y, linestyle="none", marker=MARKERS[i], color=series_color(i), label=label)
        log_scale(ax, "x")
        log_scale(ax, "y")
        ax.invert_xaxis()  # training moves left to right: the loss falls
        finish_axes(ax, "excess loss f(w) − f* (log scale, falling →)", "noise scale B_simple (examples, log scale)")
    return ax


@checked_plot
def plot_steps_to_target(
    sweeps: Mapping[str, Any], fits: Mapping[str, Any] | None = None, *, ax: Axes | None = None
) -> Axes:
    """Steps to reach a target against the batch size, one series per sweep, with the fitted
    S = S_min + E_min / B (dashed) and its B_crit = E_min / S_min (a marker on the curve, at 2 S_min).

    Args:
        sweeps: label -> a ``studies.batch_size.BatchSweep`` (batch_sizes, steps).
        fits: label -> its ``Tradeoff`` (s_min, e_min, b_crit, steps(B)), or None.
        ax: the Axes to draw into; None makes a new figure.
    """
    check_nonempty("sweeps", sweeps)
    fits = fits or {}
    with course_style():
        ax = new_axes(ax)
        for i, (label, sw) in enumerate(sweeps.items()):
            B = np.asarray(sw.batch_sizes, dtype=float)
            color = series_color(i)
            ax.plot(B, sw.steps, marker=MARKERS[i], linestyle="none", color=color, label=label)
            if label in fits:
                fit = fits[label]
                grid = np.geomspace(B.min(), B.max(), 100)
                ax.plot(
                    grid,
                    fit.steps(grid),
                    linestyle="--",
                    color=color,
                    label=f"S_min + E_min/B, B_crit = {fit.b_crit:.0f}",
                )
                ax.plot([fit.b_crit], [2 * fit.s_min], marker="*", markersize=14, color=color, linestyle="none")
        ax.plot(
            B, sweeps[next(iter(sweeps))].steps[0] / B, color="0.5", linestyle=":", label="perfect scaling: S ∝ 1/B"
        )
        log_scale(ax, "x")
        log_scale(ax, "y")
        finish_axes(ax, BATCH_LABEL, "steps to the target, rate tuned per B (log scale)")
    return ax


@checked_plot
def plot_tradeoff(sweeps: Mapping[str, Any], fits: Mapping[str, Any], *, ax: Axes | None = None) -> Axes:
    """Steps against examples, each in units of its minimum: S / S_min against E / E_min, log-log,
    with McCandlish et al.'s hyperbola (S / S_min - 1)(E / E_min - 1) = 1 through B_crit at (2, 2).
    """
    check_nonempty("sweeps", sweeps)
    with course_style():
        ax = new_axes(ax)
        for i, (label, sw) in enumerate(sweeps.items()):
            fit = fits[label]
            ax.plot(
                sw.examples / fit.e_min,
                np.asarray(sw.steps) / fit.s_min,
                marker=MARKERS[i],
                color=series_color(i),
                linestyle="none",
                label=label,
            )
        x = np.geomspace(1.02, 60, 200)
        ax.plot(x, 1 + 1 / (x - 1), color="0.3", linestyle="--", label="(S/S_min − 1)(E/E_min − 1) = 1")
        ax.plot([2], [2], marker="*", markersize=14, color="0.3", linestyle="none", label="B = B_crit")
        log_scale(ax, "x")
        log_scale(ax, "y")
        finish_axes(ax, "examples E / E_min (log scale)", "steps S / S_min (log scale)")
    return ax


@checked_plot
def plot_decay_or_grow(
    runs: Mapping[str, tuple[Sequence[Any], Any]], *, floors: Sequence[float] = (), fig: Figure | None = None
) -> Figure:
    """Two panels: the seed-mean excess loss of each run against examples seen, and against steps.

    Args:
        runs: label -> (its phases, excess loss of shape (steps + 1, seeds)).
        floors: first-order floors of the phases (drawn as dotted levels in the first panel).
        fig: a figure to draw into (two axes are added); None makes one.
    """
    import matplotlib.pyplot as plt

    from course_lib.studies.batch_size import examples_seen

    check_nonempty("runs", runs)
    with course_style():
        if fig is None:
            fig = plt.figure(figsize=(12, 4.5), layout="constrained")
        ax_data, ax_steps = fig.subplots(1, 2, sharey=True)
        for i, (label, (phases, excess)) in enumerate(runs.items()):
            mean = np.asarray(excess, dtype=float).mean(axis=-1)
            ex = examples_seen(phases)
            style = dict(color=series_color(i), linestyle=("-", "--")[i % 2], label=f"{label}: {len(mean) - 1} steps")
            ax_data.plot(ex, mean, **style)
            ax_steps.plot(np.arange(len(mean)), mean, **style)
        for k, level in enumerate(floors):
            ax_data.axhline(level, color="0.5", linestyle=":", label="floor σ²tr(H)/4 · lr/B" if k == 0 else None)
        for ax, xlabel in ((ax_data, "examples seen"), (ax_steps, "step (optimizer updates)")):
            log_scale(ax, "y")
            finish_axes(ax, xlabel, "excess loss, mean of seeds (log scale)")
        ax_data.set_title("against data: the same curve")
        ax_steps.set_title("against updates: growing the batch is faster")
    return fig
