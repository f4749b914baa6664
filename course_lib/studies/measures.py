"""Small measurements on a :class:`~course_lib.training.history.History` that the notebooks share.

Trainers record; these functions turn a record into the one number (or the curve)
a lesson rests on, so notebook cells stay one line long: how far from the minimum and
how fast (excess loss, steps to a tolerance, progress per axis), how much a schedule
moves in total (partial sums), how large the early loss spike is. No torch here.

>>> from course_lib import problems as P
>>> from course_lib.training.gd import run_gd
>>> bowl = P.quadratic_bowl(condition_number=10.0)
>>> steps_to_tolerance(run_gd(bowl, bowl.optimal_lr, 200), bowl, rel_tol=1e-6)
35
"""

from __future__ import annotations

import dataclasses
import math
from numbers import Real
from typing import Any, Sequence

import numpy as np

from course_lib import schedules as S
from course_lib.training.history import History
from course_lib.validation import check_int, check_positive

__all__ = [
    "check_history",
    "excess_loss",
    "late_excess_loss",
    "noise_floor",
    "steps_to_tolerance",
    "partial_sums",
    "axis_progress",
    "early_spike",
]


def check_history(history: Any) -> History:
    if not isinstance(history, History):
        raise TypeError(
            f"history must be a History (from a trainer), got history={history!r} ({type(history).__name__})"
        )
    return history


def _min_loss(problem: Any) -> float:
    value = getattr(problem, "min_loss", None)
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise TypeError(f"problem must have a finite number min_loss (the best loss), got problem={problem!r}")
    return float(value)


# ---------------------------------------------------------------------------
# Fixed learning rates: how far from the minimum, how fast
# ---------------------------------------------------------------------------


def excess_loss(history: History, problem: Any) -> History:
    """A copy of ``history`` whose ``loss`` is loss - problem.min_loss (the distance to the best loss).

    Use it to draw a run on a log axis, where a loss that levels off at min_loss + a
    small floor would otherwise look flat. Everything else (label, lr, params) is kept.

    Args:
        history: a run on ``problem``.
        problem: has ``min_loss`` (e.g. ``problems.noisy_least_squares()``).

    Returns:
        a new History (the original is not changed).

    Raises:
        TypeError: not a History, or a problem without min_loss.
    """
    history = check_history(history)
    f_star = _min_loss(problem)
    return dataclasses.replace(history, loss=np.asarray(history.loss, dtype=np.float64) - f_star)


def late_excess_loss(history: History, problem: Any, window: int = 1000) -> float:
    """Mean of loss - problem.min_loss over the last ``window`` recorded steps.

    For constant-rate SGD this is the *noise floor*: the level where the pull of the
    gradient and the kicks of the gradient noise balance (roughly proportional to lr).

    Args:
        history: a run on ``problem`` (training loss recorded before each update).
        problem: has ``min_loss``.
        window: number of final steps averaged (>= 1, at most the recorded steps).

    Returns:
        the mean excess loss; ``math.inf`` for a run that diverged (it has no floor).

    Raises:
        TypeError: not a History, or a problem without min_loss.
        ValueError: window < 1 or longer than the run.
    """
    history = check_history(history)
    f_star = _min_loss(problem)
    window = check_int("window", window, minimum=1)
    if history.diverged:
        return math.inf
    if window > history.n_steps:
        raise ValueError(
            f"window must be at most the number of recorded steps ({history.n_steps}), got window={window}"
        )
    return float(np.mean(np.asarray(history.loss[-window:], dtype=np.float64)) - f_star)


def noise_floor(
    problem: Any,
    lr: float,
    batch_size: int | None,
    *,
    seeds: Sequence[int] = (0, 1, 2),
    n_steps: int = 4000,
    window: int = 3000,
    method: str = "sgd",
    momentum: float = 0.0,
) -> np.ndarray:
    """The noise floor of a constant rate, once per seed: :func:`late_excess_loss` of a run started at the minimum.

    Each run starts at ``problem.minimum`` (no transient to wait out), takes ``n_steps``
    mini-batch steps at the constant rate ``lr`` and averages loss - min_loss over the last
    ``window`` steps. For SGD on least squares the floor is about
    lr * noise^2 * trace(H) / (4 * batch_size): it depends on lr / batch_size (first order in lr).

    Args:
        problem: a problem with ``minimum``, ``min_loss`` and ``stochastic_grad``.
        lr: the constant rate (> 0).
        batch_size: examples per gradient (>= 1; None for the exact gradient: floor 0).
        seeds: mini-batch seeds, one run each.
        n_steps: steps per run (>= window).
        window: final steps averaged (>= 1).
        method: "sgd" (:func:`~course_lib.training.gd.run_gd`, with ``momentum``) or "adam",
            "rmsprop", "adagrad" (:func:`~course_lib.training.gd.run_adaptive`).
        momentum: heavy-ball momentum for "sgd" (torch's convention).

    Returns:
        the floors, one per seed (``math.inf`` for a run that diverged).

    >>> from course_lib import problems as P
    >>> floors = noise_floor(P.noisy_least_squares(), 0.04, 4, seeds=[0, 1], n_steps=2000, window=1500)
    >>> floors.shape, bool(np.all((floors > 1e-3) & (floors < 1e-2)))   # about 0.04 * 0.25 * 4.09 / 16
    ((2,), True)
    """
    from course_lib.training.gd import METHODS, run_adaptive, run_gd  # the runs, loaded when measured

    if method not in ("sgd",) + METHODS:
        raise ValueError(f"method must be one of {('sgd',) + METHODS}, got method={method!r}")
    if getattr(problem, "minimum", None) is None:
        raise TypeError(f"problem must have a minimum (the start), got problem={problem!r}")
    window = check_int("window", window, minimum=1)
    n_steps = check_int("n_steps", n_steps, minimum=window)
    floors = []
    for seed in seeds:
        if method == "sgd":
            h = run_gd(problem, lr, n_steps, w0=problem.minimum, momentum=momentum, batch_size=batch_size, seed=seed)
        else:
            h = run_adaptive(problem, lr, n_steps, method=method, w0=problem.minimum, batch_size=batch_size, seed=seed)
        floors.append(late_excess_loss(h, problem, window=window))
    return np.array(floors, dtype=np.float64)


def steps_to_tolerance(history: History, problem: Any, rel_tol: float = 1e-6, stay: bool = False) -> int | None:
    """First step t with loss[t] - f* <= rel_tol * (loss[0] - f*), f* = problem.min_loss.

    loss[t] is the loss after t updates, so the answer counts updates. With ``stay=True`` it is the
    first step from which the loss *stays* within the tolerance up to the end of the record: the
    measure to use when the loss is not monotone (momentum, oscillating runs), where the first dip
    below the tolerance can be followed by a climb far above it. On a monotone loss both agree.

    Args:
        history: a run on ``problem``.
        problem: has ``min_loss``.
        rel_tol: the fraction of the initial excess loss to reach (> 0).
        stay: count from the first step after which every later recorded loss is within the
            tolerance (so the answer depends on how long the run was recorded: run long enough).

    Returns:
        the number of updates, or None if the run never got there (or diverged first; with
        ``stay=True``: or was above the tolerance at its last recorded step).

    Raises:
        TypeError: not a History, or a problem without min_loss.
        ValueError: rel_tol <= 0, or an empty history.
    """
    history = check_history(history)
    f_star = _min_loss(problem)
    rel_tol = check_positive("rel_tol", rel_tol)
    excess = np.asarray(history.loss, dtype=np.float64) - f_star
    if excess.size == 0:
        raise ValueError("history must hold at least one recorded step, got an empty history")
    within = excess <= rel_tol * excess[0]
    if stay:
        above = np.flatnonzero(~within)
        if above.size == 0:
            return 0
        return int(above[-1]) + 1 if above[-1] + 1 < within.size else None
    reached = np.flatnonzero(within)
    return int(reached[0]) if reached.size else None


# ---------------------------------------------------------------------------
# Decaying rates: how much a schedule moves in total
# ---------------------------------------------------------------------------


def partial_sums(schedule: Any, n_steps: int, power: float = 1.0) -> np.ndarray:
    """Running totals S_t = sum_{s=0..t} lr(s) ** power, for t = 0 .. n_steps-1.

    power=1 gives the total learning after t+1 updates (the first Robbins-Monro sum,
    which must grow without bound for SGD to reach the minimum from any start);
    power=2 gives the accumulated gradient noise (the second sum, which must stay
    bounded for that noise to die out).

    Args:
        schedule: a course_lib schedule (evaluated in one vectorised call) or any
            function of the step.
        n_steps: number of steps (>= 1).
        power: exponent applied to each rate (> 0).

    Returns:
        a float64 array of length n_steps.

    Raises:
        ValueError: n_steps < 1 or power <= 0.

    >>> from course_lib import schedules as S
    >>> partial_sums(S.constant(0.5), 4)
    array([0.5, 1. , 1.5, 2. ])
    >>> round(float(partial_sums(S.exponential_decay(1.0, 0.5), 60)[-1]), 9)  # 1 / (1 - 0.5)
    2.0
    """
    n_steps = check_int("n_steps", n_steps, minimum=1)
    power = check_positive("power", power)
    return np.cumsum(np.asarray(S.evaluate(schedule, n_steps), dtype=np.float64) ** power)


# ---------------------------------------------------------------------------
# Per-parameter rates: progress along each axis
# ---------------------------------------------------------------------------


def axis_progress(history: History, problem: Any, fraction: float = 0.1) -> list[int | None]:
    """For each parameter i, the first step t with |w_t,i - w*_i| <= fraction * |w_0,i - w*_i|.

    On an ill-conditioned quadratic plain GD solves the steep axis in a few steps and
    needs hundreds on the flat one; a per-parameter method (AdaGrad, RMSProp, Adam)
    brings the two counts together.

    Args:
        history: a run with a ``params`` path (a NumPy trainer).
        problem: has ``minimum`` (w*).
        fraction: the fraction of the starting distance to reach, in (0, 1].

    Returns:
        one entry per parameter: the number of updates, or None if the run never got there.

    Raises:
        TypeError: not a History, or a problem without ``minimum``.
        ValueError: no path, or fraction outside (0, 1].

    >>> from course_lib import problems as P
    >>> from course_lib.training.gd import run_gd
    >>> bowl = P.quadratic_bowl(condition_number=100.0)
    >>> axis_progress(run_gd(bowl, 1.0, 300), bowl)
    [1, 230]
    """
    history = check_history(history)
    fraction = check_positive("fraction", fraction)
    if fraction > 1:
        raise ValueError(f"fraction must be in (0, 1], got fraction={fraction!r}")
    if history.params is None or np.ndim(history.params) != 2:
        raise ValueError("history must have a params path (run it with a NumPy trainer)")
    if getattr(problem, "minimum", None) is None:
        raise TypeError(f"problem must have a minimum (w*), got problem={problem!r}")
    distance = np.abs(np.asarray(history.params, dtype=np.float64) - np.asarray(problem.minimum, dtype=np.float64))
    out: list[int | None] = []
    for i in range(distance.shape[1]):
        reached = np.flatnonzero(distance[:, i] <= fraction * distance[0, i])
        out.append(int(reached[0]) if reached.size else None)
    return out


# ---------------------------------------------------------------------------
# Large batches
# ---------------------------------------------------------------------------


def early_spike(history: History, epochs: float = 1.0) -> float:
    """Largest training loss over the first ``epochs`` epochs, divided by the first loss.

    1.0 means the loss never rose above where it started; 2.0 that it doubled at some step
    (a rate too large for the initial curvature). The window is ``epochs * steps_per_epoch``
    steps (from the History's config; the whole run if it has none).

    Args:
        history: a History from a torch trainer.
        epochs: the window, in epochs (> 0).

    Returns:
        The ratio (nan for a run with no steps).

    >>> early_spike(History(loss=np.array([2.0, 3.0, 1.0, 0.5]), config={"steps_per_epoch": 2}))
    1.5
    """
    check_history(history)
    epochs = check_positive("epochs", epochs)
    loss = np.asarray(history.loss, dtype=np.float64)
    if loss.size == 0:
        return math.nan
    per_epoch = history.plan.steps_per_epoch if history.plan is not None else loss.size
    window = loss[: max(int(round(epochs * per_epoch)), 1)]
    return float(np.max(window) / loss[0])
