"""The range test's sweep of rates and the four rules that turn its curve into a suggestion.

The runs themselves are in :mod:`course_lib.training.lr_finder`. About the test:

Train for a few hundred mini-batches while the learning rate grows
exponentially, one mini-batch per rate, and watch the loss: it stays flat
while the rate is too small to matter, falls once the rate is useful, and
explodes when the rate is too large. A good rate sits on the falling part,
well before the explosion.

The sweep, exactly fastai's (``LRFinder`` + ``Recorder``):

* rate of step k (k = 0 .. num_steps-1): lr_k = start_lr * (end_lr / start_lr) ** (k / num_steps)
* the loss recorded at step k is the mini-batch loss measured *before* step k's update;
* smoothed loss (bias-corrected exponential moving average, beta = ``smooth``):
  avg_k = beta * avg_{k-1} + (1 - beta) * loss_k (avg_{-1} = 0),
  smoothed_k = avg_k / (1 - beta ** (k + 1));
* stop early once smoothed_k > diverge_factor * min(smoothed_0..k), or a loss is nan/inf.

Afterwards the model's weights (and the optimizer's state, if you passed one)
are put back as they were: the test is a measurement, not training.

Four rules turn the curve into a suggestion (:data:`RANGE_TEST_RULES`, :data:`SUGGESTERS`).
Like fastai, :func:`lr_range_test` applies them to the *smoothed* curve with
its first ``num_steps // 10`` and last 5 recorded points cut off
(``recorded[num_steps//10 : -5]``), truncated at the first non-finite value;
the pure functions :func:`suggest_valley`, :func:`suggest_slide`,
:func:`suggest_minimum` and :func:`suggest_steepest` take any curve.

Nothing here draws: ``plotting.plot_range_test(result)`` does.

>>> import numpy as np
>>> lrs = np.logspace(-5, 0, 51)            # 10 points per decade
>>> losses = (np.log10(lrs) + 2) ** 2          # a U with its bottom at lr = 1e-2
>>> round(suggest_minimum(lrs, losses), 6)     # one tenth of the bottom
0.001
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from course_lib.validation import (
    check_int,
    check_non_negative,
    check_positive,
    check_range,
)

__all__ = [
    "lr_sweep",
    "smooth_losses",
    "suggest_valley",
    "suggest_slide",
    "suggest_minimum",
    "suggest_steepest",
    "RANGE_TEST_RULES",
    "SUGGESTERS",
    "TOO_SHORT_ADVICE",
    "check_sweep",
]

#: One plain-text statement per suggestion rule (fastai's four), for notebooks to print.
RANGE_TEST_RULES: dict[str, str] = {
    "valley": (
        "fastai's default: find the longest strictly decreasing stretch of the loss "
        "(longest decreasing subsequence, length n, ending at index e) and take the rate "
        "at index e - n + int(n/3) + int(n/6), about half way down that valley."
    ),
    "slide": (
        "slide a window of lr_diff points leftwards from the right end of the curve while "
        "the loss gradients (per point) at its two ends differ by more than thresh; "
        "suggest the rate at the window's left end, times adjust_value."
    ),
    "minimum": "the rate at which the loss is lowest, divided by 10.",
    "steepest": "the rate at which the loss falls fastest: the most negative d loss / d log(lr).",
}

TOO_SHORT_ADVICE = "increase num_steps or widen the range (lower start_lr / raise end_lr)"


# ---------------------------------------------------------------------------
# Pure pieces: the sweep, the smoothing, the four rules
# ---------------------------------------------------------------------------


def check_sweep(start_lr: Any, end_lr: Any, num_steps: Any) -> tuple[float, float, int]:
    """The checked sweep (start_lr > 0, end_lr > start_lr, num_steps >= 10)."""
    start_lr = check_positive("start_lr", start_lr)
    end_lr = check_positive("end_lr", end_lr)
    if end_lr <= start_lr:
        raise ValueError(f"end_lr must be > start_lr ({start_lr!r}): the sweep goes upwards; got end_lr={end_lr!r}")
    num_steps = check_int("num_steps", num_steps, minimum=10)
    return start_lr, end_lr, num_steps


def lr_sweep(start_lr: float, end_lr: float, num_steps: int) -> np.ndarray:
    """The rates of the sweep: lr_k = start_lr * (end_lr / start_lr) ** (k / num_steps), k = 0 .. num_steps-1.

    fastai's ``SchedExp``; the last rate is just below ``end_lr``.

    Args:
        start_lr: first rate (> 0).
        end_lr: the rate the sweep heads for (> start_lr).
        num_steps: number of steps (mini-batches), >= 10.

    Returns:
        float64 array of shape (num_steps,).

    Raises:
        ValueError/TypeError naming the bad argument.
    """
    start_lr, end_lr, num_steps = check_sweep(start_lr, end_lr, num_steps)
    k = np.arange(num_steps)
    ratio = end_lr / start_lr
    if math.isinf(ratio):  # a range wider than 1e308: the same rates, computed in log space
        return np.exp(math.log(start_lr) + (math.log(end_lr) - math.log(start_lr)) * (k / num_steps))
    return start_lr * ratio ** (k / num_steps)


def smooth_losses(losses: Any, beta: float = 0.98) -> np.ndarray:
    """Bias-corrected exponential moving average (fastai's ``AvgSmoothLoss``).

    avg_k = beta * avg_{k-1} + (1 - beta) * loss_k with avg_{-1} = 0, and
    smoothed_k = avg_k / (1 - beta ** (k + 1)). beta = 0 returns the losses.
    A nan/inf loss makes every later smoothed value nan/inf.

    Args:
        losses: 1-D sequence of losses.
        beta: smoothing factor in [0, 1).

    Returns:
        float64 array, same length as ``losses``.
    """
    beta = check_range("beta", beta, 0.0, 1.0, high_open=True)
    losses = np.asarray(losses, dtype=np.float64).reshape(-1)
    out = np.empty_like(losses)
    avg = 0.0
    with np.errstate(all="ignore"):
        for k, loss in enumerate(losses):
            avg = beta * avg + (1 - beta) * loss
            out[k] = avg / (1 - beta ** (k + 1))
    return out


def _curve(lrs: Any, losses: Any, min_points: int, rule: str) -> tuple[np.ndarray, np.ndarray]:
    """Validate a curve and cut it at its first non-finite loss (as fastai does for nan)."""
    try:
        lrs = np.asarray(lrs, dtype=np.float64).reshape(-1)
        losses = np.asarray(losses, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(
            f"lrs and losses must be 1-D sequences of numbers; got lrs={lrs!r}, losses={losses!r}"
        ) from None
    if lrs.shape != losses.shape:
        raise ValueError(
            f"lrs and losses must have the same length; got len(lrs)={lrs.size}, len(losses)={losses.size}"
        )
    if lrs.size and (not np.all(np.isfinite(lrs)) or lrs.min() <= 0):
        raise ValueError("lrs must all be finite and > 0 (they are plotted on a log axis)")
    if lrs.size > 1 and np.any(np.diff(lrs) <= 0):
        raise ValueError("lrs must be strictly increasing (a range test sweeps upwards)")
    bad = np.flatnonzero(~np.isfinite(losses))
    if bad.size:
        lrs, losses = lrs[: bad[0]], losses[: bad[0]]
    if losses.size < min_points:
        raise ValueError(
            f"{rule} needs at least {min_points} finite points, got {losses.size} (after cutting "
            f"the curve at its first nan/inf loss): {TOO_SHORT_ADVICE}"
        )
    return lrs, losses


def suggest_valley(lrs: Any, losses: Any) -> float:
    """fastai's default rule (``valley``): half way down the longest valley.

    lds[i] = length of the longest strictly decreasing subsequence of the
    losses ending at i (O(n^2) dynamic programme); e = the first index with the
    largest lds, n = lds[e]; suggestion = lrs[e - n + int(n/3) + int(n/6)].
    ``e - n`` is fastai's start (one before the subsequence's first point:
    fastai's off-by-one, kept). Where fastai's index would be -1 (a curve that
    never falls for more than two points) it wraps to the *largest* rate; we
    clamp it to index 0, the smallest rate, instead.

    Args:
        lrs: strictly increasing positive rates.
        losses: loss at each rate (cut at the first nan/inf).

    Returns:
        the suggested rate (a float from ``lrs``).

    Raises:
        ValueError: fewer than 2 finite points.
    """
    lrs, losses = _curve(lrs, losses, 2, "suggest_valley")
    n = losses.size
    lds = np.ones(n, dtype=int)
    for i in range(1, n):
        higher = losses[:i] > losses[i]
        if higher.any():
            lds[i] = lds[:i][higher].max() + 1
    end = int(np.argmax(lds))  # the first index with the longest valley, as fastai
    start = end - int(lds[end])
    sections = (end - start) / 3
    idx = max(start + int(sections) + int(sections / 2), 0)
    return float(lrs[idx])


def suggest_slide(lrs: Any, losses: Any, lr_diff: int = 15, thresh: float = 0.005, adjust_value: float = 1.0) -> float:
    """fastai's ``slide`` rule: where the loss curve stops bending, seen from the right.

    g = np.gradient(losses) (per point, not per log lr). Start with a window
    whose right end r is the last point and left end l = r - lr_diff; while
    l is inside the curve and |g[r] - g[l]| > thresh, remember lrs[l] and move
    both ends one point left. Suggestion = the last remembered rate (or
    lrs[-1 - lr_diff] if the loop never ran) times adjust_value. thresh is in
    loss units per point, so the rule depends on the scale of the loss.

    Args:
        lrs: strictly increasing positive rates.
        losses: loss at each rate (cut at the first nan/inf).
        lr_diff: window width in points (>= 1).
        thresh: gradient difference that counts as "still bending" (>= 0).
        adjust_value: factor applied to the result (> 0).

    Returns:
        the suggested rate.

    Raises:
        ValueError: fewer than lr_diff + 1 finite points, or a bad argument.
    """
    lr_diff = check_int("lr_diff", lr_diff, minimum=1)
    thresh = check_non_negative("thresh", thresh)
    adjust_value = check_positive("adjust_value", adjust_value)
    lrs, losses = _curve(lrs, losses, max(lr_diff + 1, 2), "suggest_slide")
    grad = np.gradient(losses)
    r_idx = -1
    l_idx = r_idx - lr_diff
    local_min_lr = lrs[l_idx]
    while l_idx >= -len(losses) and abs(grad[r_idx] - grad[l_idx]) > thresh:
        local_min_lr = lrs[l_idx]
        r_idx -= 1
        l_idx -= 1
    return float(local_min_lr) * adjust_value


def suggest_minimum(lrs: Any, losses: Any) -> float:
    """fastai's ``minimum`` rule: lrs[argmin(losses)] / 10.

    Raises:
        ValueError: no finite point.
    """
    lrs, losses = _curve(lrs, losses, 1, "suggest_minimum")
    return float(lrs[int(np.argmin(losses))]) / 10


def suggest_steepest(lrs: Any, losses: Any) -> float:
    """fastai's ``steep`` rule: the rate where d loss / d log(lr) is most negative.

    slope_i = (losses[i+1] - losses[i]) / (ln lrs[i+1] - ln lrs[i]); the
    suggestion is lrs[argmin(slope)], the left end of the steepest segment.

    Raises:
        ValueError: fewer than 2 finite points.
    """
    lrs, losses = _curve(lrs, losses, 2, "suggest_steepest")
    slopes = np.diff(losses) / np.diff(np.log(lrs))
    return float(lrs[int(np.argmin(slopes))])


#: name -> rule function (lrs, losses) -> rate. Same keys as :data:`RANGE_TEST_RULES`.
SUGGESTERS: dict[str, Callable[[Any, Any], float]] = {
    "valley": suggest_valley,
    "slide": suggest_slide,
    "minimum": suggest_minimum,
    "steepest": suggest_steepest,
}
