"""Reference solutions of the notebook exercises, one per check in ``course_lib.exercises``.

Written the way a learner would (plain formulas, no course_lib schedules), so
that running each through its check tests the check as well as the solution.
Defaults match the checks' defaults: ``E.check_linear_decay(linear_decay_fn)``
passes.

>>> from course_lib import exercises as E, solutions as sol
>>> bool(E.check_exponential_value(sol.EXPONENTIAL_VALUE, quiet=True))
True
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = [
    "stability_limit", "half_life", "EXPONENTIAL_VALUE", "linear_decay_fn", "warmup_cosine_fn",
    "sgdr_cycle_ends", "one_cycle_peak_step", "scaled_lr", "SCHEDULER_ORDER", "total_steps",
]


def stability_limit(problem: Any) -> float:
    """2 / L, with L the largest eigenvalue of the Hessian at problem.w0 (problem.L if it is given).

    The Hessian is built column by column from central differences of the gradient.
    """
    L = getattr(problem, "L", None)
    if L is None:
        w0 = np.asarray(problem.w0, dtype=float)
        h = 1e-5
        columns = []
        for i in range(w0.size):
            e = np.zeros_like(w0)
            e[i] = h
            columns.append((np.asarray(problem.grad(w0 + e)) - np.asarray(problem.grad(w0 - e))) / (2 * h))
        hessian = np.column_stack(columns)
        L = np.linalg.eigvalsh((hessian + hessian.T) / 2).max()
    return 2 / float(L)


def half_life(gamma: float = 0.95, decay_steps: float = 1) -> float:
    """Solve gamma ** (t / decay_steps) = 1/2: t = decay_steps * ln 2 / ln(1 / gamma)."""
    return decay_steps * math.log(2) / math.log(1 / gamma)


#: 0.1 * 0.95 ** 10 ≈ 0.0599 (article 003 says 0.003).
EXPONENTIAL_VALUE: float = 0.1 * 0.95 ** 10


def linear_decay_fn(t: int, lr: float = 0.1, total_steps: int = 100, end_lr: float = 0.01) -> float:
    """A straight line from lr to end_lr over total_steps, then flat (never below end_lr)."""
    progress = min(t, total_steps) / total_steps
    return lr + (end_lr - lr) * progress


def warmup_cosine_fn(t: int, lr: float = 0.1, warmup_steps: int = 10, total_steps: int = 100,
                     start_lr: float = 0.0) -> float:
    """Linear warm-up from start_lr to lr, then cosine from lr to 0 over the remaining steps."""
    if t < warmup_steps:
        return start_lr + (lr - start_lr) * t / warmup_steps
    decay_steps = total_steps - warmup_steps
    progress = min(t - warmup_steps, decay_steps) / decay_steps
    return lr * (1 + math.cos(math.pi * progress)) / 2


def sgdr_cycle_ends(cycle_steps: int = 10, cycle_mult: float = 2, n: int = 4) -> list[int]:
    """Last step of each of the first n cycles: running sum of cycle_steps * cycle_mult ** i, minus 1."""
    ends, total = [], 0
    for i in range(n):
        total += cycle_steps * cycle_mult ** i
        ends.append(int(math.ceil(total)) - 1)
    return ends


def one_cycle_peak_step(total_steps: int = 1000, pct_start: float = 0.3) -> int:
    """torch OneCycleLR's warm-up ends at step pct_start * total_steps - 1; at whole steps the peak is the nearest one."""
    end = pct_start * total_steps - 1
    candidates = [max(math.floor(end), 0), math.ceil(end)]
    # the rate rises (cosine) up to `end` and falls after it: compare the two whole steps around it
    def rate(t: float) -> float:
        if t <= end:
            return (1 - math.cos(math.pi * t / end)) / 2 if end > 0 else 1.0
        return (1 + math.cos(math.pi * (t - end) / (total_steps - 1 - end))) / 2
    return max(candidates, key=lambda t: (rate(t), -t))


def scaled_lr(base_lr: float = 0.1, base_batch: int = 256, batch: int = 1024) -> float:
    """Linear scaling rule: base_lr * batch / base_batch."""
    return base_lr * batch / base_batch


#: The order of the two calls in a torch training step.
SCHEDULER_ORDER: str = "optimizer.step() then scheduler.step()"


def total_steps(n_examples: int = 1797, batch_size: int = 64, epochs: int = 10,
                drop_last: bool = False) -> int:
    """Optimizer updates in a run: steps per epoch (ceil, or floor with drop_last) times epochs."""
    per_epoch = n_examples // batch_size if drop_last else math.ceil(n_examples / batch_size)
    return per_epoch * epochs
