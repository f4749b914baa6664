"""Recipes: a schedule's shape fitted to a peak rate ``lr`` and a run of ``total_steps`` updates.

THE home of "shape x horizon" (fastai's idea): each recipe is a function ``(lr, T) ->
Schedule``. The registry row of a schedule names its recipe (``REGISTRY[name].fit``), and
the GD explorers offer every row's recipe (:func:`~course_lib.schedules.registry.gd_schedule`);
the tables below pick recipes for the lessons: :data:`STANDARD_SCHEDULES` (notebook 09's
seven), :func:`budget_cut_schedules` and :func:`scaled_schedule` (Goyal et al.'s large-batch recipe).

>>> warmup_cosine_schedule(0.1, 100)
Warmup(schedule=CosineDecay(lr=0.1, total_steps=90, min_lr=0.0), warmup_steps=10, start_lr=0.0)
>>> step_thirds_schedule(0.5, 90)
StepDecay(lr=0.5, step_size=30, gamma=0.1)
"""

from __future__ import annotations

import math
from typing import Callable

from course_lib.schedules.base import Schedule
from course_lib.schedules.compose import warmup, warmup_stable_decay
from course_lib.schedules.cycles import cosine_restarts, cyclic, one_cycle
from course_lib.schedules.decay import (
    constant,
    cosine_decay,
    exponential_decay,
    inverse_time_decay,
    linear_decay,
    multistep_decay,
    step_decay,
)
from course_lib.validation import check_int, check_positive

__all__ = [
    "Recipe",
    "constant_schedule",
    "step_schedule",
    "cosine_schedule",
    "warmup_cosine_schedule",
    "one_cycle_schedule",
    "sgdr_schedule",
    "wsd_schedule",
    "step_thirds_schedule",
    "exponential_schedule",
    "inverse_time_schedule",
    "linear_decay_schedule",
    "restarts_schedule",
    "cyclic_schedule",
    "STANDARD_SCHEDULES",
    "budget_cut_schedules",
    "scaled_schedule",
]

#: A recipe: make(lr, total_steps) -> Schedule.
Recipe = Callable[[float, int], Schedule]


def constant_schedule(lr: float, total_steps: int) -> Schedule:
    """lr at every step (total_steps is not needed: a constant rate has no horizon)."""
    check_int("total_steps", total_steps, minimum=1)
    return constant(lr)


def step_schedule(lr: float, total_steps: int) -> Schedule:
    """lr, times 0.1 after 50% and again after 75% of the steps (the classic ResNet recipe)."""
    total_steps = check_int("total_steps", total_steps, minimum=4)
    return multistep_decay(lr, [total_steps // 2, 3 * total_steps // 4], gamma=0.1)


def step_thirds_schedule(lr: float, total_steps: int) -> Schedule:
    """lr x 0.1 every T/3 steps."""
    return step_decay(lr, max(total_steps // 3, 1), 0.1)


def exponential_schedule(lr: float, total_steps: int) -> Schedule:
    """lr -> lr/100 over T steps (gamma = 0.01 ** (1/T) per step)."""
    return exponential_decay(lr, 0.01 ** (1.0 / total_steps))


def inverse_time_schedule(lr: float, total_steps: int) -> Schedule:
    """lr / (1 + 10 t / T)."""
    return inverse_time_decay(lr, decay_rate=1.0, decay_steps=max(total_steps // 10, 1))


def linear_decay_schedule(lr: float, total_steps: int) -> Schedule:
    """lr -> 0 in a straight line over T steps."""
    return linear_decay(lr, total_steps)


def cosine_schedule(lr: float, total_steps: int) -> Schedule:
    """Cosine from lr to 0 over total_steps."""
    return cosine_decay(lr, total_steps)


def warmup_cosine_schedule(lr: float, total_steps: int) -> Schedule:
    """Linear warm-up from 0 over the first 10% of the steps, then cosine to 0 at total_steps."""
    total_steps = check_int("total_steps", total_steps, minimum=2)
    w = max(total_steps // 10, 1)
    return warmup(cosine_decay(lr, total_steps - w), w)


def one_cycle_schedule(lr: float, total_steps: int) -> Schedule:
    """1cycle with peak lr at 30% of total_steps (torch OneCycleLR defaults)."""
    return one_cycle(lr, total_steps)


def sgdr_schedule(lr: float, total_steps: int) -> Schedule:
    """SGDR with cycle_mult = 2: three cosine cycles of 1/7, 2/7 and 4/7 of the steps (rounded up)."""
    total_steps = check_int("total_steps", total_steps, minimum=1)
    return cosine_restarts(lr, math.ceil(total_steps / 7), cycle_mult=2)


def restarts_schedule(lr: float, total_steps: int) -> Schedule:
    """Cosine restarts every T/4 steps (four equal cycles)."""
    return cosine_restarts(lr, max(total_steps // 4, 1))


def cyclic_schedule(lr: float, total_steps: int) -> Schedule:
    """Triangle between lr/10 and lr, period T/5."""
    return cyclic(lr / 10, lr, max(total_steps // 10, 1))


def wsd_schedule(lr: float, total_steps: int, min_warmup_steps: int = 0) -> Schedule:
    """Warm-up over 10% of the steps, hold lr, linear decay to 0 over the last 20%.

    ``min_warmup_steps`` lengthens a warm-up shorter than that (a run under 10 steps),
    as long as warm-up and decay still fit in the run (else no warm-up).
    """
    total_steps = check_int("total_steps", total_steps, minimum=1)
    fifth = max(total_steps // 5, 1)
    warm = max(total_steps // 10, min_warmup_steps)
    return warmup_stable_decay(lr, total_steps, warm if warm + fifth <= total_steps else 0, fifth, decay="linear")


#: The seven schedules notebook 09 compares: name -> make(lr, total_steps) -> Schedule.
STANDARD_SCHEDULES: dict[str, Recipe] = {
    "constant": constant_schedule,
    "step": step_schedule,
    "cosine": cosine_schedule,
    "warmup+cosine": warmup_cosine_schedule,
    "one-cycle": one_cycle_schedule,
    "SGDR": sgdr_schedule,
    "WSD": wsd_schedule,
}


def budget_cut_schedules(lr: float, total_steps: int) -> dict[str, Schedule]:
    """Four ways to end up with a model after half of a budget of T = total_steps updates.

    * "cosine(T) stopped at T/2": the cosine planned for T, cut at T/2 (its rate there is lr/2);
    * "cosine(T/2)": a cosine planned for T/2 from the start (needs to know the cut in advance);
    * "WSD branch at T/2": the WSD run of :func:`wsd_schedule` (warm-up T//10), decayed over
      the last 20% of T/2 instead of T. Its first T/2 - (T/2)//5 steps are those of
      ``wsd_schedule(lr, T)``: it is a branch from a checkpoint of the full-length run;
    * "constant": lr throughout, stopped at T/2.

    Train each for T//2 updates and compare.

    >>> from course_lib.schedules.base import evaluate
    >>> cut = budget_cut_schedules(0.1, 200)
    >>> round(cut["cosine(T) stopped at T/2"](100), 6), cut["cosine(T/2)"](100)
    (0.05, 0.0)
    >>> bool((evaluate(cut["WSD branch at T/2"], 80) == evaluate(wsd_schedule(0.1, 200), 80)).all())
    True
    """
    lr = check_positive("lr", lr)
    total_steps = check_int("total_steps", total_steps, minimum=4)
    half = total_steps // 2
    return {
        "cosine(T) stopped at T/2": cosine_decay(lr, total_steps),
        "cosine(T/2)": cosine_decay(lr, half),
        "WSD branch at T/2": warmup_stable_decay(lr, half, total_steps // 10, max(half // 5, 1)),
        "constant": constant(lr),
    }


def scaled_schedule(base_lr: float, k: float, total_steps: int, warmup_steps: int = 0) -> Schedule:
    """The large-batch recipe of Goyal et al. (2017), with a cosine decay after the warm-up.

    Linear scaling rule: with a k times larger batch, use the rate k * base_lr. Gradual
    warm-up: reach it by a straight line from base_lr over warmup_steps (the paper: 5 epochs),
    then decay (here a cosine to 0 at total_steps; the paper divides by 10 at fixed epochs):

        lr(t) = base_lr + (k * base_lr - base_lr) * t / W            for t < W
        lr(t) = k * base_lr * (1 + cos(pi * (t - W) / (T - W))) / 2  for W <= t <= T

    ``warmup_steps=0`` starts at k * base_lr directly; k=1 gives cosine_decay(base_lr, T).

    >>> s = scaled_schedule(0.02, 4, total_steps=165, warmup_steps=55)
    >>> round(s(0), 4), round(s(55), 4), round(s(165), 4)
    (0.02, 0.08, 0.0)

    Raises:
        ValueError: base_lr or k not > 0, total_steps < 1, or warmup_steps not in [0, total_steps).
    """
    base_lr, k = check_positive("base_lr", base_lr), check_positive("k", k)
    total_steps = check_int("total_steps", total_steps, minimum=1)
    warmup_steps = check_int("warmup_steps", warmup_steps, minimum=0)
    if warmup_steps >= total_steps:
        raise ValueError(f"warmup_steps must be < total_steps={total_steps}, got warmup_steps={warmup_steps}")
    decay = cosine_decay(k * base_lr, total_steps - warmup_steps)
    return warmup(decay, warmup_steps, start_lr=base_lr) if warmup_steps else decay
