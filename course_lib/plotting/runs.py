"""Loss and metric curves of runs: one run, a family of runs over seeds (mean and band), by step or epoch."""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import matplotlib.style  # noqa: F401  (mpl.style)
import matplotlib.ticker  # noqa: F401  (mpl.ticker)
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib.plotting.legends import place_legend
from course_lib.plotting.records import as_histories, diverged_text, run_label
from course_lib.plotting.style import (
    EPOCH_LABEL,
    LR_LABEL,
    MARKERS,
    STEP_LABEL,
    check_nonempty,
    checked_plot,
    course_style,
    finish_axes,
    log_scale,
    marker_spacing,
    new_axes,
    plain_log_ticks,
    positive_for_log,
    series_color,
    series_style,
)
from course_lib.training.history import History
from course_lib.training.seeds import mean_and_band, stack_runs
from course_lib.validation import check_in, check_int

__all__ = [
    'plot_history',
    'plot_runs',
    'plot_loss_levels',
    'plot_finals',
    'plot_val_history',
    'plot_step_sizes',
    'plot_runs_by_epoch',
    'loss_scale',
]


# ---------------------------------------------------------------------------
# Loss curves
# ---------------------------------------------------------------------------


def loss_scale(arrays: list[np.ndarray], log_loss: bool) -> bool:
    """Use a log loss axis only if asked and no finite loss is negative (zeros are masked)."""
    if not log_loss:
        return False
    finite = [a[np.isfinite(a)] for a in arrays]
    values = np.concatenate(finite) if finite else np.zeros(0)
    return bool(values.size and values.min() >= 0 and np.any(values > 0))


@checked_plot
def plot_history(
    history_or_list: History | Sequence[History], *, ax: Axes | None = None, log_loss: bool = True, show_lr: bool = True
) -> Axes:
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
    runs = as_histories(history_or_list, "history_or_list")
    losses = [np.asarray(h.loss, dtype=np.float64) for h in runs]
    use_log = loss_scale(losses, log_loss)
    with course_style():
        ax = new_axes(ax)
        lr_ax = ax.twinx() if show_lr else None
        handles = []
        for i, (h, loss) in enumerate(zip(runs, losses)):
            color = series_color(i)
            steps = np.asarray(h.steps) if len(h.steps) == len(loss) else np.arange(len(loss))
            (line,) = ax.plot(
                steps, positive_for_log(loss) if use_log else loss, label=run_label(h, i), **series_style(i, len(loss))
            )
            handles.append(line)
            if lr_ax is not None and len(h.lr):
                lr_ax.plot(np.arange(len(h.lr)), h.lr, color=color, linestyle="--", linewidth=1.4, alpha=0.7)
            if h.diverged and h.diverged_step is not None:
                ax.axvline(h.diverged_step, color=color, linestyle=":", linewidth=2)
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
        if use_log:
            log_scale(ax, "y")
        ylabel = "training loss" + (" (log scale)" if use_log else "")
        if lr_ax is not None:
            lr_ax.set_ylabel(LR_LABEL + " (dashed)")
            lr_ax.set_ylim(bottom=0)
            lr_ax.grid(False)
            lr_ax.spines["right"].set_visible(True)
            handles.append(
                mpl.lines.Line2D(
                    [], [], color="gray", linestyle="--", linewidth=1.4, label="learning rate (right axis)"
                )
            )
            ax.set_zorder(lr_ax.get_zorder() + 1)  # loss lines and legend above the lr lines
            ax.patch.set_visible(False)
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        finish_axes(ax, STEP_LABEL, ylabel, legend=False)
        place_legend(ax, handles=handles)
        ax.lr_axis = lr_ax
    return ax


_METRICS = {
    "loss": ("loss", STEP_LABEL, "training loss"),
    "lr": ("lr", STEP_LABEL, LR_LABEL),
    "val_loss": ("val_loss", EPOCH_LABEL, "validation loss"),
    "val_acc": ("val_acc", EPOCH_LABEL, "validation accuracy"),
}


@checked_plot
def plot_runs(
    groups: Mapping[str, Sequence[History]],
    *,
    metric: str = "loss",
    ax: Axes | None = None,
    log: bool = False,
    smooth: int = 0,
    band: str = "std",
    quantity: str | None = None,
) -> Axes:
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
    check_nonempty("groups", groups)
    check_in("metric", metric, tuple(_METRICS))
    check_in("band", band, ("std", "minmax", "none"))
    smooth = check_int("smooth", smooth, minimum=0)
    field, xlabel, ylabel = _METRICS[metric]
    if quantity is not None:
        if not isinstance(quantity, str) or not quantity.strip():
            raise ValueError(f"quantity must be a non-empty string or None, got quantity={quantity!r}")
        ylabel = quantity
    with course_style():
        ax = new_axes(ax)
        for i, (name, runs) in enumerate(groups.items()):
            runs = as_histories(runs, f"groups[{name!r}]")
            if all(len(getattr(h, field)) == 0 for h in runs):
                raise ValueError(
                    f"groups[{name!r}] has no {metric} values (metric={metric!r}); "
                    f"val_loss/val_acc need runs trained with validation data"
                )
            x, table = stack_runs(runs, field)
            mean, lo, hi = mean_and_band(table, band, smooth)
            n_div = sum(h.diverged for h in runs)
            label = f"{name} (n={len(runs)}" + (f", {n_div} diverged)" if n_div else ")")
            color = series_color(i)
            ax.plot(x, positive_for_log(mean) if log else mean, label=label, **series_style(i, len(x)))
            if band != "none" and len(runs) > 1:
                if log:
                    lo, hi = positive_for_log(lo), positive_for_log(hi)
                ax.fill_between(x, lo, hi, color=color, alpha=0.2, linewidth=0)
        if log:
            log_scale(ax, "y")
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        spread = {"std": "mean ± std over seeds", "minmax": "mean, min–max over seeds", "none": "mean over seeds"}[band]
        smooth_text = f", moving average of {smooth}" if smooth > 1 else ""
        finish_axes(ax, xlabel, f"{ylabel}" + (" (log scale)" if log else ""))
        ax.set_title(f"{ylabel}: {spread}{smooth_text}", fontsize=12)
    return ax


@checked_plot
def plot_loss_levels(levels: Mapping[str, float], *, ax: Axes | None = None) -> Axes:
    """Reference losses as labelled horizontal lines (grey, dotted), e.g. a corpus's unigram,
    bigram and source levels (``studies.LMSetup.levels()``) behind a language model's loss curves.

    Args:
        levels: label -> loss value (finite).
        ax: the Axes to draw into (usually one ``plot_runs`` drew); None makes a new figure.

    Returns:
        The Axes; each line is labelled at its right end with its name and value.
    """
    if not isinstance(levels, Mapping):
        raise TypeError(f"levels must be a dict label -> loss, got levels={levels!r}")
    check_nonempty("levels", levels)
    values = {str(k): float(v) for k, v in levels.items()}
    bad = {k: v for k, v in values.items() if not math.isfinite(v)}
    if bad:
        raise ValueError(f"levels must be finite numbers, got {bad}")
    with course_style():
        ax = new_axes(ax)
        for name, value in values.items():
            ax.axhline(value, color="0.45", linestyle=":", linewidth=1.2, zorder=0)
            ax.annotate(
                f"{name} {value:.2f}",
                (1.0, value),
                xycoords=("axes fraction", "data"),
                xytext=(-4, 3),
                textcoords="offset points",
                ha="right",
                va="bottom",
                fontsize=9,
                color="0.3",
            )
    return ax


def plot_finals(
    finals: Mapping[str, Sequence[float]],
    *,
    ax: Axes | None = None,
    log: bool = True,
    ylabel: str = "final excess loss f(w_T) − f*",
    xlabel: str = "method (each at its own tuned rate)",
    title: str = "",
) -> Axes:
    """One number per seed for each method: a dot per seed and a bar at the mean (a paired comparison's raw data).

    Args:
        finals: method -> one value per seed (e.g. ``studies.averaging_finals``' result).
        ax: the Axes to draw into; None makes a new figure.
        log: log-scale y axis (values must then be positive).
        ylabel, xlabel, title: the axis labels (units in the label) and the title.

    Returns:
        The Axes; each method has its own colour and marker, and the mean is a black bar.
    """
    if not isinstance(finals, Mapping):
        raise TypeError(f"finals must be a dict method -> values per seed, got finals={finals!r}")
    check_nonempty("finals", finals)
    values = {str(k): np.asarray(v, dtype=np.float64).ravel() for k, v in finals.items()}
    with course_style():
        ax = new_axes(ax, figsize=(8, 3.8))
        for i, (name, v) in enumerate(values.items()):
            jitter = np.linspace(-0.18, 0.18, len(v)) if len(v) > 1 else np.zeros(1)
            ax.plot(
                i + jitter,
                positive_for_log(v) if log else v,
                linestyle="none",
                marker=MARKERS[i % len(MARKERS)],
                color=series_color(i),
                alpha=0.75,
                markersize=5,
            )
            ax.plot([i - 0.28, i + 0.28], [np.mean(v)] * 2, color="black", linestyle="-", linewidth=2.2)
        ax.set_xticks(range(len(values)), [name.replace(" + ", " +\n") for name in values], fontsize=9)
        if log:
            log_scale(ax)
        if title:
            ax.set_title(title, fontsize=12)
        finish_axes(ax, xlabel, ylabel + (" (log scale)" if log and "log" not in ylabel else ""), legend=False)
    return ax


# ---------------------------------------------------------------------------
# Validation curves with the rate, and per-parameter step sizes
# ---------------------------------------------------------------------------


@checked_plot
def plot_val_history(
    history_or_list: History | Sequence[History],
    *,
    ax: Axes | None = None,
    log_loss: bool = False,
    log_lr: bool = True,
    mark_cuts: bool = True,
) -> Axes:
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
    runs = as_histories(history_or_list, "history_or_list")
    for i, h in enumerate(runs):
        if len(h.val_loss) == 0:
            raise ValueError(f"history_or_list[{i}] has no validation losses: train it with validation data")
    with course_style():
        ax = new_axes(ax)
        lr_ax = ax.twinx()
        handles = []
        for i, h in enumerate(runs):
            color = series_color(i)
            per_epoch = h.steps_per_epoch
            (line,) = ax.plot(
                h.val_epochs,
                h.val_loss,
                "-",
                color=color,
                marker=MARKERS[i % len(MARKERS)],
                markersize=4,
                label=run_label(h, i),
            )
            handles.append(line)
            lr = np.asarray(h.lr, dtype=np.float64)
            if lr.size:
                x = np.arange(lr.size) / per_epoch
                lr_ax.plot(
                    x,
                    positive_for_log(lr) if log_lr else lr,
                    color=color,
                    linestyle="--",
                    linewidth=1.4,
                    alpha=0.8,
                    drawstyle="steps-post",
                )
            if mark_cuts and h.plateau_lrs is not None and lr.size > 1:
                for t in np.flatnonzero(np.diff(lr) < 0) + 1:
                    ax.axvline(t / per_epoch, color=color, linestyle=":", linewidth=1.5, alpha=0.8)
        if log_loss and loss_scale([np.asarray(h.val_loss) for h in runs], True):
            log_scale(ax, "y")
        if log_lr and any(np.any(np.asarray(h.lr) > 0) for h in runs):
            log_scale(lr_ax, "y")
        plain_log_ticks(lr_ax)
        lr_ax.set_ylabel(LR_LABEL + " (dashed" + (", log scale)" if log_lr else ")"))
        lr_ax.grid(False)
        lr_ax.spines["right"].set_visible(True)
        handles.append(
            mpl.lines.Line2D([], [], color="gray", linestyle="--", linewidth=1.4, label="learning rate (right axis)")
        )
        if mark_cuts and any(h.plateau_lrs is not None for h in runs):
            handles.append(mpl.lines.Line2D([], [], color="gray", linestyle=":", linewidth=1.5, label="plateau cut"))
        ax.set_zorder(lr_ax.get_zorder() + 1)
        ax.patch.set_visible(False)
        finish_axes(
            ax, EPOCH_LABEL, "validation loss" + (" (log scale)" if ax.get_yscale() == "log" else ""), legend=False
        )
        place_legend(ax, handles=handles)
        ax.lr_axis = lr_ax
    return ax


@checked_plot
def plot_step_sizes(
    history_or_list: History | Sequence[History],
    *,
    ax: Axes | None = None,
    n_steps: int | None = None,
    names: Sequence[str] | None = None,
) -> Axes:
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
    runs = as_histories(history_or_list, "history_or_list")
    if n_steps is not None:
        n_steps = check_int("n_steps", n_steps, minimum=1)
    styles = ("-", "--", ":", "-.")
    for i, h in enumerate(runs):
        if h.params is None or np.ndim(h.params) != 2:
            raise ValueError(f"history_or_list[{i}] has no parameter path (params); use a NumPy trainer")
        if np.shape(h.params)[1] > len(styles):
            raise ValueError(
                f"history_or_list[{i}] has {np.shape(h.params)[1]} parameters; "
                f"plot_step_sizes draws at most {len(styles)}"
            )
    with course_style():
        ax = new_axes(ax)
        for i, h in enumerate(runs):
            steps = np.abs(np.diff(np.asarray(h.params, dtype=np.float64), axis=0))[:n_steps]
            for j in range(steps.shape[1]):
                name = names[j] if names is not None and j < len(names) else f"w[{j}]"
                ax.plot(
                    np.arange(len(steps)),
                    positive_for_log(steps[:, j]),
                    color=series_color(i),
                    linestyle=styles[j],
                    label=f"{run_label(h, i)}: {name}",
                )
        log_scale(ax, "y")
        finish_axes(ax, STEP_LABEL, "|step| of each parameter (log scale)")
    return ax


# ---------------------------------------------------------------------------
# Runs with different batch sizes: x in epochs
# ---------------------------------------------------------------------------


@checked_plot
def plot_runs_by_epoch(
    groups: Mapping[str, History | Sequence[History]],
    *,
    metrics: Sequence[str] = ("lr", "loss", "val_loss"),
    smooth_epochs: float = 0.0,
    log_loss: bool = True,
    band: str = "minmax",
) -> Figure:
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
    check_nonempty("groups", groups)
    if isinstance(metrics, str) or not isinstance(metrics, Sequence) or len(metrics) == 0:
        raise TypeError(f"metrics must be a non-empty list of metric names, got metrics={metrics!r}")
    for metric in metrics:
        check_in("metrics", metric, tuple(_METRICS))
    check_in("band", band, ("std", "minmax", "none"))
    if not (isinstance(smooth_epochs, (int, float)) and math.isfinite(smooth_epochs) and smooth_epochs >= 0):
        raise ValueError(f"smooth_epochs must be a number >= 0, got smooth_epochs={smooth_epochs!r}")
    named = {name: as_histories(runs, f"groups[{name!r}]") for name, runs in groups.items()}
    with course_style():
        fig, axes = plt.subplots(
            1, len(metrics), figsize=(4.7 * len(metrics), 4.3), layout="constrained", squeeze=False
        )
        for ax, metric in zip(axes[0], metrics):
            field, _, ylabel = _METRICS[metric]
            per_step = not field.startswith("val_")
            log = log_loss and metric in ("loss", "val_loss")
            for i, (name, runs) in enumerate(named.items()):
                x, mean, lo, hi = epoch_series(name, runs, metric, smooth_epochs, band)
                color = series_color(i)
                ax.plot(
                    x,
                    positive_for_log(mean) if log else mean,
                    color=color,
                    label=name,
                    marker=MARKERS[i % len(MARKERS)],
                    markersize=3.5,
                    markevery=marker_spacing(i, len(x)) if per_step else None,
                )
                if band != "none" and len(runs) > 1:
                    ax.fill_between(
                        x,
                        positive_for_log(lo) if log else lo,
                        positive_for_log(hi) if log else hi,
                        color=color,
                        alpha=0.2,
                        linewidth=0,
                    )
            if log:
                log_scale(ax, "y")
            if metric == "lr":
                ax.set_ylim(bottom=0)
            if metric == "loss" and smooth_epochs > 0:
                ax.set_title(f"moving average over {smooth_epochs:g} epoch", fontsize=11)
            finish_axes(
                ax,
                EPOCH_LABEL + " (examples seen / training set)",
                ylabel + (" (log scale)" if log else ""),
                legend=False,
            )
        place_legend(axes[0][0])
    return fig


def epoch_series(
    name: str, runs: list[History], metric: str, smooth_epochs: float, band: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """x (epochs), mean, low and high of one group's ``metric``, as :func:`plot_runs_by_epoch` draws it."""
    field = _METRICS[metric][0]
    if all(len(getattr(h, field)) == 0 for h in runs):
        raise ValueError(f"groups[{name!r}] has no {metric} values (metric={metric!r})")
    per_epoch = runs[0].steps_per_epoch
    _, table = stack_runs(runs, field)
    window = int(round(smooth_epochs * per_epoch)) if metric == "loss" else 1
    mean, lo, hi = mean_and_band(table, band, window)
    per_step = not field.startswith("val_")
    x = np.arange(table.shape[1]) / per_epoch if per_step else np.arange(1, table.shape[1] + 1)
    return x, mean, lo, hi
