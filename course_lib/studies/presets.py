"""Preset schedules fitted to (peak lr, T): the comparisons' standard set and the budget cuts.

Each preset is a function (lr, total_steps) -> Schedule (kept as they were: the schedules
package is becoming their home).
"""
from __future__ import annotations

import copy
import dataclasses
import math
from numbers import Real
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from course_lib import schedules as S
from course_lib.validation import check_int, check_positive

__all__ = ["STANDARD_SCHEDULES", "constant_schedule", "step_schedule", "cosine_schedule",
           "warmup_cosine_schedule", "one_cycle_schedule", "sgdr_schedule", "wsd_schedule",
           "budget_cut_schedules"]


def constant_schedule(lr: float, total_steps: int) -> S.Schedule:
    """lr at every step (total_steps is not needed: a constant rate has no horizon)."""
    check_int("total_steps", total_steps, minimum=1)
    return S.constant(lr)


def step_schedule(lr: float, total_steps: int) -> S.Schedule:
    """lr, times 0.1 after 50% and again after 75% of the steps (the classic ResNet recipe)."""
    total_steps = check_int("total_steps", total_steps, minimum=4)
    return S.multistep_decay(lr, [total_steps // 2, 3 * total_steps // 4], gamma=0.1)


def cosine_schedule(lr: float, total_steps: int) -> S.Schedule:
    """Cosine from lr to 0 over total_steps."""
    return S.cosine_decay(lr, total_steps)


def warmup_cosine_schedule(lr: float, total_steps: int) -> S.Schedule:
    """Linear warm-up from 0 over the first 10% of the steps, then cosine to 0 at total_steps."""
    total_steps = check_int("total_steps", total_steps, minimum=2)
    w = max(total_steps // 10, 1)
    return S.warmup(S.cosine_decay(lr, total_steps - w), w)


def one_cycle_schedule(lr: float, total_steps: int) -> S.Schedule:
    """1cycle with peak lr at 30% of total_steps (torch OneCycleLR defaults)."""
    return S.one_cycle(lr, total_steps)


def sgdr_schedule(lr: float, total_steps: int) -> S.Schedule:
    """SGDR with cycle_mult = 2: three cosine cycles of 1/7, 2/7 and 4/7 of the steps (rounded up)."""
    total_steps = check_int("total_steps", total_steps, minimum=1)
    return S.cosine_restarts(lr, math.ceil(total_steps / 7), cycle_mult=2)


def wsd_schedule(lr: float, total_steps: int) -> S.Schedule:
    """Warm-up over 10% of the steps, hold lr, linear decay to 0 over the last 20%."""
    total_steps = check_int("total_steps", total_steps, minimum=1)
    return S.warmup_stable_decay(lr, total_steps, total_steps // 10, max(total_steps // 5, 1))


#: The seven schedules notebook 06 compares: name -> make(lr, total_steps) -> Schedule.
STANDARD_SCHEDULES: dict[str, Callable[[float, int], S.Schedule]] = {
    "constant": constant_schedule,
    "step": step_schedule,
    "cosine": cosine_schedule,
    "warmup+cosine": warmup_cosine_schedule,
    "one-cycle": one_cycle_schedule,
    "SGDR": sgdr_schedule,
    "WSD": wsd_schedule,
}


def budget_cut_schedules(lr: float, total_steps: int) -> dict[str, S.Schedule]:
    """Four ways to end up with a model after half of a budget of T = total_steps updates.

    * "cosine(T) stopped at T/2": the cosine planned for T, cut at T/2 (its rate there is lr/2);
    * "cosine(T/2)": a cosine planned for T/2 from the start (needs to know the cut in advance);
    * "WSD branch at T/2": the WSD run of :func:`wsd_schedule` (warm-up T//10), decayed over
      the last 20% of T/2 instead of T. Its first T/2 - (T/2)//5 steps are those of
      ``wsd_schedule(lr, T)``: it is a branch from a checkpoint of the full-length run;
    * "constant": lr throughout, stopped at T/2.

    Train each for T//2 updates and compare.

    >>> cut = budget_cut_schedules(0.1, 200)
    >>> round(cut["cosine(T) stopped at T/2"](100), 6), cut["cosine(T/2)"](100)
    (0.05, 0.0)
    >>> bool((S.evaluate(cut["WSD branch at T/2"], 80) == S.evaluate(wsd_schedule(0.1, 200), 80)).all())
    True
    """
    lr = check_positive("lr", lr)
    total_steps = check_int("total_steps", total_steps, minimum=4)
    half = total_steps // 2
    return {
        "cosine(T) stopped at T/2": S.cosine_decay(lr, total_steps),
        "cosine(T/2)": S.cosine_decay(lr, half),
        "WSD branch at T/2": S.warmup_stable_decay(lr, half, total_steps // 10, max(half // 5, 1)),
        "constant": S.constant(lr),
    }
