"""Repeats over seeds, and the one mean ± band over runs that tables and plots use.

>>> from course_lib import problems as P
>>> from course_lib.training.gd import run_gd
>>> runs = run_many(run_gd, [0, 1], P.noisy_least_squares(), 0.05, 10, batch_size=4)
>>> [h.config["seed"] for h in runs]
[0, 1]
>>> x, mean, std = mean_curve(runs, "loss")
>>> x.shape, mean.shape
((10,), (10,))
"""

from __future__ import annotations

import copy
import math
import sys
import warnings
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from course_lib.training.history import History
from course_lib.validation import check_in

__all__ = ["run_many", "summarize", "mean_curve", "stack_runs", "moving_average", "mean_and_std", "mean_and_band"]


def run_many(fn: Callable[..., History], seeds: Iterable[int], *args: Any, **kwargs: Any) -> list[History]:
    """``[fn(*args, seed=s, **kwargs) for s in seeds]``: the same run repeated over seeds.

    A ``model`` given as an ``nn.Module`` is deep-copied for each run (so every seed starts
    from the same weights instead of continuing the previous run); pass a function building
    the model to get a different initialisation per seed. (Does not import torch.)
    """
    if "seed" in kwargs:
        raise TypeError("run_many sets seed itself: pass seeds=[...] instead of seed=")
    torch = sys.modules.get("torch")  # a Module exists only if torch is already imported
    runs = []
    for s in seeds:
        kw = dict(kwargs)
        if torch is not None and isinstance(kw.get("model"), torch.nn.Module):
            kw["model"] = copy.deepcopy(kw["model"])
        runs.append(fn(*args, seed=s, **kw))
    return runs


def _metric_values(histories: Sequence[History], metric: str | Callable[[History], float]) -> np.ndarray:
    if callable(metric):
        return np.array([float(metric(h)) for h in histories])
    if not isinstance(metric, str) or not hasattr(History, metric):
        raise ValueError(
            f"metric must be a History attribute such as 'final_val_acc', 'final_loss' "
            f"or a function of a History, got metric={metric!r}"
        )
    return np.array([float(getattr(h, metric)) for h in histories])


def summarize(
    histories: Sequence[History], metric: str | Callable[[History], float] = "final_val_acc"
) -> tuple[float, float]:
    """Mean and sample standard deviation (ddof=1; 0 for one run) of a metric over runs.

    Runs where the metric is nan (e.g. no validation) are left out; (nan, nan) if none is left.

    Args:
        histories: the runs, e.g. from :func:`run_many`.
        metric: a History property ("final_val_acc", "final_val_loss", "final_loss") or a
            function History -> float.

    >>> summarize([History(val_acc=np.array([0.25])), History(val_acc=np.array([0.75]))])
    (0.5, 0.3535533905932738)
    """
    values = _metric_values(histories, metric)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return math.nan, math.nan
    return float(values.mean()), float(values.std(ddof=1)) if values.size > 1 else 0.0


def stack_runs(histories: Sequence[History], field: str) -> tuple[np.ndarray, np.ndarray]:
    """(x, table): one row per run of a per-step or per-epoch array, shorter runs padded with nan.

    x is the step 0, 1, ... (per-step fields) or the epoch of the longest run (``val_*`` fields).

    >>> x, table = stack_runs([History(loss=np.ones(3)), History(loss=np.ones(2))], "loss")
    >>> x.tolist(), table[1].tolist()
    ([0, 1, 2], [1.0, 1.0, nan])
    """
    arrays = [
        np.asarray(getattr(h, field) if getattr(h, field) is not None else [], dtype=np.float64) for h in histories
    ]
    if not arrays:
        raise ValueError("histories must hold at least one History, got an empty sequence")
    longest = max(range(len(arrays)), key=lambda i: len(arrays[i]))
    table = np.full((len(arrays), len(arrays[longest])), np.nan)
    for row, a in zip(table, arrays):
        row[: len(a)] = a
    h = histories[longest]
    if field.startswith("val_"):
        x = np.asarray(h.val_epochs) if len(h.val_epochs) == table.shape[1] else np.arange(1, table.shape[1] + 1)
    else:
        x = np.arange(table.shape[1])
    return x, table


def moving_average(y: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean over the last ``window`` values (fewer at the start); window <= 1 is a no-op.

    >>> moving_average(np.array([1.0, 3.0, 5.0]), 2).tolist()
    [1.0, 2.0, 4.0]
    """
    if window <= 1 or y.size == 0:
        return y
    c = np.cumsum(np.insert(y, 0, 0.0))
    n = np.arange(1, y.size + 1)
    lo = np.maximum(n - window, 0)
    return (c[n] - c[lo]) / (n - lo)


def mean_and_std(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and (population) standard deviation over runs (rows), ignoring nan; all-nan columns stay nan."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # columns where every run is nan
        return np.nanmean(table, axis=0), np.nanstd(table, axis=0)


def mean_and_band(table: np.ndarray, band: str = "std", smooth: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, low, high) over runs (rows): mean ± std (band="std") or min..max ("minmax").

    With smooth > 1 each row is first replaced, in place, by its moving average over ``smooth``
    points, up to its first non-finite value (a run that diverged or stopped early). NaN columns
    (no run got that far) stay NaN, quietly.

    >>> mean_and_band(np.array([[1.0, 2.0], [3.0, np.nan]]))[0].tolist()
    [2.0, 2.0]
    """
    if smooth > 1:
        for row in table:
            good = np.isfinite(row)
            n = int(np.argmin(good)) if not good.all() else row.size
            row[:n] = moving_average(row[:n], smooth)
    if band == "std":
        mean, spread = mean_and_std(table)
        return mean, mean - spread, mean + spread
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(table, axis=0), np.nanmin(table, axis=0), np.nanmax(table, axis=0)


def mean_curve(histories: Sequence[History], field: str = "loss") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and standard deviation across runs of a per-step or per-epoch array, for a band plot.

    Shorter runs (diverged ones) are padded with nan and ignored where they have no value.

    Args:
        histories: the runs.
        field: "loss", "lr", "momentum" (x = steps) or "val_loss", "val_acc" (x = epochs).

    Returns:
        (x, mean, std), each of the length of the longest run.
    """
    check_in("field", field, ("loss", "lr", "momentum", "val_loss", "val_acc"))
    x, table = stack_runs(histories, field)
    return (x, *mean_and_std(table))
