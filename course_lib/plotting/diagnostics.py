"""Diagnostic pictures: the range test, learning-rate sweeps, sharpness and Adam's update sizes."""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

import matplotlib as mpl
import matplotlib.style  # noqa: F401  (mpl.style)
import matplotlib.ticker  # noqa: F401  (mpl.ticker)
import numpy as np
from matplotlib.axes import Axes

from course_lib import schedules as S
from course_lib.plotting.style import (
    EPOCH_LABEL,
    LR_LABEL,
    MARKERS,
    check_nonempty,
    checked_plot,
    course_style,
    finish_axes,
    log_scale,
    new_axes,
    positive_for_log,
    series_color,
    series_style,
)
from course_lib.validation import check_int

__all__ = ['plot_range_test', 'plot_lr_sweeps', 'plot_sharpness', 'plot_adam_update_sizes']


# ---------------------------------------------------------------------------
# LR range test
# ---------------------------------------------------------------------------

_SUGGESTION_MARKERS = ("o", "s", "^", "D", "v", "P")


@checked_plot
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
        ax = new_axes(ax)
        if show_raw:
            ax.plot(
                lrs, np.where(np.isfinite(raw), raw, np.nan), color="gray", linewidth=1, alpha=0.4, label="loss (raw)"
            )
        ax.plot(lrs, np.where(np.isfinite(smoothed), smoothed, np.nan), color=series_color(0), label="loss (smoothed)")
        log_scale(ax, "x")
        for i, (name, lr) in enumerate(dict(getattr(result, "suggestions", {}) or {}).items()):
            color = series_color(i + 1)
            ax.axvline(lr, color=color, linestyle="--", linewidth=1.5, alpha=0.8)
            y = (
                result.loss_at(lr)
                if hasattr(result, "loss_at")
                else float(np.interp(np.log10(lr), np.log10(lrs), smoothed))
            )
            ax.plot(
                lr,
                y,
                _SUGGESTION_MARKERS[i % len(_SUGGESTION_MARKERS)],
                color=color,
                markersize=10,
                markeredgecolor="black",
                linestyle="none",
                label=f"{name}: {lr:.2g}",
                zorder=5,
            )
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
        finish_axes(ax, LR_LABEL + " (log scale)", "training loss")
    return ax


# ---------------------------------------------------------------------------
# Learning-rate sweeps: score vs peak rate, one curve per schedule
# ---------------------------------------------------------------------------


@checked_plot
def plot_lr_sweeps(
    sweeps: Mapping[str, Any], *, ax: Axes | None = None, log_score: bool = True, ylabel: str = "final validation loss"
) -> Axes:
    """The tuning curves of several schedules: score (lower is better) vs peak rate, log x axis.

    Each schedule's best rate is a large marker; a rate whose run diverged (score inf or
    nan) is an X on the top edge of the axes, labelled "diverged".

    Args:
        sweeps: a dict name -> sweep, where a sweep has ``lrs`` and ``scores`` (an
            ``studies.LRSweep``) or is a pair ``(lrs, scores)``.
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
    check_nonempty("sweeps", sweeps)
    curves = {}
    for name, sweep in sweeps.items():
        if hasattr(sweep, "lrs") and hasattr(sweep, "scores"):
            lrs, scores = sweep.lrs, sweep.scores
        elif isinstance(sweep, (tuple, list)) and len(sweep) == 2:
            lrs, scores = sweep
        else:
            raise TypeError(
                f"sweeps[{name!r}] must have lrs and scores (an LRSweep) or be a pair (lrs, scores), got {sweep!r}"
            )
        lrs, scores = np.asarray(lrs, dtype=np.float64), np.asarray(scores, dtype=np.float64)
        if lrs.shape != scores.shape or lrs.ndim != 1 or lrs.size == 0 or not np.all(lrs > 0):
            raise ValueError(
                f"sweeps[{name!r}] must have as many scores as rates (> 0), got lrs={lrs!r}, scores={scores!r}"
            )
        curves[name] = (lrs, scores)
    with course_style():
        ax = new_axes(ax)
        any_bad = False
        for i, (name, (lrs, scores)) in enumerate(curves.items()):
            color, good = series_color(i), np.isfinite(scores) & (scores > 0 if log_score else True)
            ax.plot(lrs[good], scores[good], "o-", color=color, label=name, markersize=5)
            if good.any():
                best = int(np.flatnonzero(good)[np.argmin(scores[good])])
                ax.plot(lrs[best], scores[best], "o", color=color, markersize=12, markeredgecolor="black", zorder=5)
            bad = ~np.isfinite(scores)
            if bad.any():
                any_bad = True
                ax.plot(
                    lrs[bad],
                    np.ones(int(bad.sum())),
                    "X",
                    color=color,
                    markersize=11,
                    transform=ax.get_xaxis_transform(),
                    clip_on=False,
                    linestyle="none",
                )
        log_scale(ax, "x")
        rates = np.unique(np.concatenate([lrs for lrs, _ in curves.values()]))
        if rates.size <= 8:  # label the rates tried, not the decades
            ax.set_xticks(rates, [f"{r:.3g}" for r in rates])
            ax.xaxis.set_minor_formatter(mpl.ticker.NullFormatter())
        if log_score:
            log_scale(ax, "y")
        if any_bad:
            ax.text(
                0.99,
                0.97,
                "X on the top edge: diverged",
                transform=ax.transAxes,
                ha="right",
                va="top",
                fontsize=10,
                color="gray",
            )
        ax.plot(
            [],
            [],
            "o",
            color="gray",
            markersize=12,
            markeredgecolor="black",
            linestyle="none",
            label="best rate of each",
        )
        finish_axes(ax, "peak learning rate (log scale)", ylabel + (" (log scale)" if log_score else ""))
    return ax


# ---------------------------------------------------------------------------
# Warm-up: sharpness during training, Adam's first steps
# ---------------------------------------------------------------------------


@checked_plot
def plot_sharpness(
    traces: Mapping[str, Any] | Sequence[Any] | Any,
    *,
    lr: float | None = None,
    schedule: Callable[[int], float] | None = None,
    steps_per_epoch: int | None = None,
    ax: Axes | None = None,
) -> Axes:
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
            ``studies.sharpness_during_training``).
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
    check_nonempty("traces", named)
    for name, tr in named.items():
        if not (hasattr(tr, "epochs") and hasattr(tr, "sharpness")):
            raise TypeError(f"traces[{name!r}] must have epochs and sharpness arrays, got {tr!r}")
    if lr is not None and (
        isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating)) or not (math.isfinite(lr) and lr > 0)
    ):
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
            raise ValueError(
                f"schedule must give finite rates >= 0, got {rates[~(np.isfinite(rates) & (rates >= 0))][:3]}"
            )
        limit = np.full(rates.shape, np.nan)
        np.divide(2.0, rates, out=limit, where=rates > 0)
    with course_style():
        ax = new_axes(ax)
        for i, (name, tr) in enumerate(named.items()):
            ax.plot(
                np.asarray(tr.epochs),
                positive_for_log(np.asarray(tr.sharpness, dtype=np.float64)),
                "-",
                color=series_color(i),
                marker=MARKERS[i % len(MARKERS)],
                label=name,
            )
        if lr is not None:
            ax.axhline(
                2 / lr,
                color="black",
                linestyle="--",
                linewidth=1.6,
                label=f"2 / lr = {2 / lr:.3g}  (stability limit of GD at lr = {lr:.3g})",
            )
        if schedule is not None:
            ax.plot(
                t / steps_per_epoch,
                limit,
                color="black",
                linestyle="--",
                linewidth=1.6,
                label="2 / lr_t  (moving stability limit of GD at the scheduled rate)",
            )
        log_scale(ax, "y")
        if schedule is not None:
            values = np.concatenate([np.asarray(tr.sharpness, dtype=np.float64) for tr in named.values()])
            values = values[np.isfinite(values) & (values > 0)]
            start = limit[0] if np.isfinite(limit[0]) else 0.0
            ax.set_ylim(top=4 * max(float(values.max()) if values.size else 1.0, start))
        finish_axes(ax, EPOCH_LABEL + " (0 = initialisation)", "sharpness: top Hessian eigenvalue (log scale)")
    return ax


@checked_plot
def plot_adam_update_sizes(
    updates: Mapping[str, Any], *, ax: Axes | None = None, band: tuple[float, float] = (10.0, 90.0)
) -> Axes:
    """Size of Adam's update per unit of lr, |m_hat / sqrt(v_hat)|, against the step (log x).

    For each simulation (e.g. ``studies.adam_update_sizes``): the median over
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
    check_nonempty("updates", updates)
    low, high = (float(b) for b in band)
    if not 0 <= low < high <= 100:
        raise ValueError(f"band must be two percentiles 0 <= low < high <= 100, got band={band!r}")
    with course_style():
        ax = new_axes(ax)
        for i, (name, u) in enumerate(updates.items()):
            size = np.abs(np.asarray(u, dtype=np.float64))
            if size.ndim != 2 or size.size == 0:
                raise ValueError(
                    f"updates[{name!r}] must be a non-empty 2-D array (n_steps, n_params), got shape {size.shape}"
                )
            steps = np.arange(1, size.shape[0] + 1)
            ax.plot(steps, np.median(size, axis=1), label=f"{name}: median", **series_style(i, len(steps)))
            ax.fill_between(
                steps,
                np.percentile(size, low, axis=1),
                np.percentile(size, high, axis=1),
                color=series_color(i),
                alpha=0.2,
                linewidth=0,
                label=f"{name}: {low:g}th–{high:g}th percentile",
            )
        log_scale(ax, "x")
        ax.set_ylim(bottom=0)
        finish_axes(ax, "Adam step t (log scale)", "|update| / lr")
    return ax


@checked_plot
def plot_noise_floors(
    floors: Mapping[tuple[float, int], Any],
    *,
    scaling: str = "linear",
    reference: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Noise floors of constant-rate runs against lr / B (``scaling="linear"``) or lr / sqrt(B) ("sqrt").

    One series per batch size B: the mean floor over seeds at x, with a bar from the lowest to the
    highest seed. If the floors depend on that x only, every series falls on one line (log-log).

    Args:
        floors: a dict (lr, batch_size) -> the floors of that setting, one per seed
            (e.g. ``studies.noise_floor``).
        scaling: "linear" (x = lr / B, SGD) or "sqrt" (x = lr / sqrt(B), Adam).
        reference: draw the line floor = reference * x (e.g. noise^2 trace(H) / 4), or None.
        ax: the Axes to draw into; None makes a new figure.

    Returns:
        The Axes.

    Raises:
        ValueError: empty ``floors``, a bad ``scaling``, or a setting without finite floors.
    """
    if not isinstance(floors, Mapping):
        raise TypeError(f"floors must be a dict (lr, batch_size) -> floors per seed, got floors={floors!r}")
    check_nonempty("floors", floors)
    if scaling not in ("linear", "sqrt"):
        raise ValueError(f"scaling must be 'linear' or 'sqrt', got scaling={scaling!r}")
    power = 1.0 if scaling == "linear" else 0.5
    xlabel = "lr / B (log scale)" if scaling == "linear" else "lr / √B (log scale)"
    with course_style():
        ax = new_axes(ax)
        xs_all = []
        for i, size in enumerate(sorted({int(b) for _, b in floors})):
            rows = sorted((lr, np.asarray(v, dtype=np.float64)) for (lr, b), v in floors.items() if int(b) == size)
            for lr, v in rows:
                if not np.any(np.isfinite(v) & (v > 0)):
                    raise ValueError(f"floors[({lr!r}, {size})] has no finite floor > 0: {v!r}")
            x = np.array([lr / size**power for lr, _ in rows])
            mean = np.array([np.mean(v) for _, v in rows])
            low = mean - np.array([np.min(v) for _, v in rows])
            high = np.array([np.max(v) for _, v in rows]) - mean
            ax.errorbar(
                x,
                mean,
                yerr=[low, high],
                color=series_color(i),
                marker=MARKERS[i % len(MARKERS)],
                linestyle="none",
                capsize=3,
                label=f"B = {size}",
            )
            xs_all.extend(x)
        if reference is not None:
            grid = np.geomspace(min(xs_all) / 1.5, max(xs_all) * 1.5, 50)
            ax.plot(grid, reference * grid, color="0.4", linestyle="--", label=f"floor = {reference:.3g} × x")
        log_scale(ax, "x")
        log_scale(ax, "y")
        finish_axes(ax, xlabel, "noise floor: mean excess loss (log scale)")
        ax.xaxis.set_minor_formatter(mpl.ticker.NullFormatter())  # decade labels only: no crowding
    return ax
