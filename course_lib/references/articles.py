"""What the source articles wrote, kept to show why they are wrong.

The course was commissioned from five tutorial articles (``/work/shared/seeds``,
numbered 000-004) that get several schedules wrong. Each function here
reproduces one of their formulas *exactly as written*, with the article's own
numbers as defaults, so a notebook can run it next to the correct course_lib
schedule and show the difference. Do not train with them.

Every function takes the step ``t`` (an int, a float or a numpy array of steps
>= 0) and returns a float (or a float64 array of the same shape), like a
course_lib schedule, so ``schedules.evaluate``, ``plotting.plot_schedules`` and the trainers
accept them. Bad arguments raise ``ValueError``/``TypeError`` naming the argument.

>>> from course_lib import references
>>> references.a000_exponential_decay(150)          # "exponential" decay that goes negative
-0.05
>>> round(references.a003_decay_lr(10), 4), references.A003_CLAIMED_VALUE   # 0.1 * 0.95 ** 10, and what 003 says
(0.0599, 0.003)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_lib.schedules import as_steps, shaped_like
from course_lib.validation import check_int, check_non_negative, check_positive

__all__ = [
    "a000_exponential_decay",
    "a000_ema_decay",
    "a001_exponential_decay",
    "a001_linear_decay",
    "a001_gradient_based_decay",
    "a001_dynamic_listing",
    "a002_warmup",
    "a002_decay",
    "a003_decay_lr",
    "A003_CLAIMED_VALUE",
    "a004_exponential_decay",
]


# ---------------------------------------------------------------------------
# Article 000
# ---------------------------------------------------------------------------


def a000_exponential_decay(t: Any, lr0: float = 0.1, alpha: float = 0.01) -> float | np.ndarray:
    """Article 000's "exponential decay": lr0 * (1 - alpha * t).

    It is *linear* decay with no floor: the rate reaches 0 at t = 1/alpha and is
    negative after that (a negative rate climbs the loss). The correct schedules
    are ``schedules.exponential_decay(lr0, gamma)`` (lr0 * gamma ** t, always > 0) and
    ``schedules.linear_decay(lr0, total_steps)`` (a line that stops at its end value).

    Args:
        t: steps completed (>= 0).
        lr0: initial rate (> 0).
        alpha: the article's "decay rate" per step (>= 0).
    """
    steps = as_steps(t)
    lr0 = check_positive("lr0", lr0)
    alpha = check_non_negative("alpha", alpha)
    return shaped_like(t, lr0 * (1 - alpha * steps))


def a000_ema_decay(t: Any, lr0: float = 0.1, alpha: float = 0.01, T: int = 100) -> float | np.ndarray:
    """Article 000's "指数移平均衰减" (exponential moving-average decay): lr0 (1-alpha)^t / (1 - (1-alpha)^T).

    Nothing is averaged: it is exponential decay with gamma = 1 - alpha, times the
    constant 1 / (1 - (1-alpha)^T). That constant is > 1, so the schedule starts
    *above* lr0 (about 1.58 lr0 for alpha = 0.01, T = 100). Correct:
    ``schedules.exponential_decay(lr0, 1 - alpha)``, which starts at lr0.
    """
    steps = as_steps(t)
    lr0 = check_positive("lr0", lr0)
    alpha = check_positive("alpha", alpha)
    if alpha >= 1:
        raise ValueError(f"alpha must be < 1, got {alpha}")
    T = check_int("T", T, minimum=1)
    return shaped_like(t, lr0 * (1 - alpha) ** steps / (1 - (1 - alpha) ** T))


# ---------------------------------------------------------------------------
# Article 001
# ---------------------------------------------------------------------------


def a001_exponential_decay(t: Any, lr0: float = 0.01, alpha: float = 0.001) -> float | np.ndarray:
    """Article 001's "exponential decay": lr0 / sqrt(1 + alpha * t).

    That is inverse-square-root decay (``schedules.inverse_sqrt_decay(lr0, alpha)``): it
    falls like 1/sqrt(t), far slower than any exponential.
    """
    steps = as_steps(t)
    lr0 = check_positive("lr0", lr0)
    alpha = check_non_negative("alpha", alpha)
    return shaped_like(t, lr0 / np.sqrt(1 + alpha * steps))


def a001_linear_decay(t: Any, lr0: float = 0.01, T: int = 1000) -> float | np.ndarray:
    """Article 001's linear decay: lr0 - t / T * lr0, where the article calls T "the size of the training set".

    T must be the number of optimizer *steps* of the run (epochs * steps per
    epoch), not the number of examples; and the formula has no floor, so it goes
    negative after T steps. Correct: ``schedules.linear_decay(lr0, total_steps)``.
    """
    steps = as_steps(t)
    lr0 = check_positive("lr0", lr0)
    T = check_int("T", T, minimum=1)
    return shaped_like(t, lr0 - steps / T * lr0)


def a001_gradient_based_decay(t: Any, lr0: float = 0.01, T: int = 1000, beta: float = 1.0) -> float | np.ndarray:
    """Article 001's "gradient-based decay": lr0 / sqrt(1 + t / T * beta).

    No gradient appears anywhere in it: it is a fixed function of the step,
    exactly ``schedules.inverse_sqrt_decay(lr0, decay_rate=beta / T)``.
    """
    steps = as_steps(t)
    lr0 = check_positive("lr0", lr0)
    T = check_int("T", T, minimum=1)
    beta = check_non_negative("beta", beta)
    return shaped_like(t, lr0 / np.sqrt(1 + steps / T * beta))


def a001_dynamic_listing(t: Any, lr0: float = 0.01, k: float = 0.001, every: int = 100) -> float | np.ndarray:
    """Article 001's "dynamic" (and, identically, its "decay") code listing.

    The loop sets ``lr = lr0 / (1 + k * i)`` only when ``i % every == 0``, so the
    rate at step t is lr0 / (1 + k * every * floor(t / every)): staircase
    inverse-time decay, ``schedules.inverse_time_decay(lr0, k * every, every, staircase=True)``.
    """
    steps = as_steps(t)
    lr0 = check_positive("lr0", lr0)
    k = check_non_negative("k", k)
    every = check_int("every", every, minimum=1)
    return shaped_like(t, lr0 / (1 + k * every * np.floor(steps / every)))


# ---------------------------------------------------------------------------
# Article 002
# ---------------------------------------------------------------------------


def a002_warmup(
    t: Any, initial_lr: float = 0.01, final_lr: float = 0.001, warmup_steps: int = 100, total_steps: int = 1000
) -> float | np.ndarray:
    """Article 002's warm-up code: flat initial_lr for t < warmup_steps, then initial_lr + lr_step * t.

    With lr_step = (final_lr - initial_lr) / (total_steps - warmup_steps). Three
    bugs: the rate does not warm up (it is flat), the second phase uses t instead
    of t - warmup_steps so the rate jumps at t = warmup_steps, and it passes
    final_lr before the end (at t = total_steps it is
    initial_lr + lr_step * total_steps, not final_lr). Correct:
    ``schedules.warmup(schedules.linear_decay(peak, total_steps - warmup_steps, end_lr=final_lr), warmup_steps)``.
    """
    steps = as_steps(t)
    initial_lr = check_positive("initial_lr", initial_lr)
    final_lr = check_non_negative("final_lr", final_lr)
    warmup_steps = check_int("warmup_steps", warmup_steps, minimum=0)
    total_steps = check_int("total_steps", total_steps, minimum=warmup_steps + 1)
    lr_step = (final_lr - initial_lr) / (total_steps - warmup_steps)
    return shaped_like(t, np.where(steps < warmup_steps, initial_lr, initial_lr + lr_step * steps))


def a002_decay(t: Any, initial_lr: float = 0.1, decay_rate: float = 0.1, total_steps: int = 1000) -> float | np.ndarray:
    """Article 002's decay: initial_lr * (1 - decay_rate * t / total_steps).

    The article declares final_lr = 0.01 but the formula never uses it: with its
    numbers the rate only falls to initial_lr * (1 - decay_rate) = 0.09.
    Correct: ``schedules.linear_decay(initial_lr, total_steps, end_lr=final_lr)``.
    """
    steps = as_steps(t)
    initial_lr = check_positive("initial_lr", initial_lr)
    decay_rate = check_non_negative("decay_rate", decay_rate)
    total_steps = check_int("total_steps", total_steps, minimum=1)
    return shaped_like(t, initial_lr * (1 - decay_rate * steps / total_steps))


# ---------------------------------------------------------------------------
# Article 003
# ---------------------------------------------------------------------------

#: The value article 003 gives for 0.1 * 0.95 ** 10 (the true value is about 0.0599).
A003_CLAIMED_VALUE: float = 0.003


def a003_decay_lr(epoch: Any, initial_lr: float = 0.1, decay_rate: float = 0.95) -> float | np.ndarray:
    """Article 003's ``decay_lr(epoch)``: initial_lr * decay_rate ** epoch.

    The formula is right (``schedules.exponential_decay(initial_lr, decay_rate)``); the
    article's training loop never calls it, so the optimizer keeps initial_lr.
    """
    steps = as_steps(epoch)
    initial_lr = check_positive("initial_lr", initial_lr)
    decay_rate = check_positive("decay_rate", decay_rate)
    return shaped_like(epoch, initial_lr * decay_rate**steps)


# ---------------------------------------------------------------------------
# Article 004
# ---------------------------------------------------------------------------


def a004_exponential_decay(t: Any, alpha0: float = 0.1, gamma: float = 0.01) -> float | np.ndarray:
    """Article 004's ``gradient_descent_exp_decay`` rate: alpha0 / (1 + gamma * t).

    Its text says exponential decay (alpha0 * gamma ** t) but the code computes
    inverse-time decay, ``schedules.inverse_time_decay(alpha0, gamma)``, which falls like
    1/t (after 1000 steps with gamma = 0.01 it is alpha0 / 11), not geometrically.
    """
    steps = as_steps(t)
    alpha0 = check_positive("alpha0", alpha0)
    gamma = check_non_negative("gamma", gamma)
    return shaped_like(t, alpha0 / (1 + gamma * steps))
