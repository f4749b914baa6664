"""Checks on the pitfalls of a schedule's clock: the order of the two step() calls, libraries' boundary conventions.

>>> from course_lib import exercises
>>> exercises.check_wrong_order_first_rate(0.01, quiet=True).passed
True
>>> exercises.check_keras_boundary(31, quiet=True).passed
True
"""

from __future__ import annotations

from typing import Any

from course_lib.exercises.framework import CheckResult, check_setup, exercise_check, number_verdict
from course_lib.validation import check_int, check_positive

__all__ = ["check_wrong_order_first_rate", "check_keras_boundary"]


@exercise_check
def check_wrong_order_first_rate(
    answer: Any,
    lr: float = 0.1,
    warmup_steps: int = 10,
    hint: str = "In the wrong order, the scheduler has already stepped when the first update runs: which "
    "value of the schedule has it moved to? (The table above shows it for ExponentialLR.)",
) -> CheckResult:
    """The rate of the first update when scheduler.step() runs before optimizer.step() (notebook 10).

    The schedule is a linear warm-up, ``LambdaLR(opt, lambda t: min(1.0, t / warmup_steps))`` on base
    rate lr: s(t) = lr * min(1, t / warmup_steps).
    """
    with check_setup():
        lr = check_positive("lr", lr)
        warmup_steps = check_int("warmup_steps", warmup_steps, minimum=2)

    def s(t: int) -> float:
        return lr * min(1.0, t / warmup_steps)

    mistakes = [
        (
            s(0),
            "That is s(0), what the first update uses in the right order. Here the scheduler has already "
            "stepped once when the first update runs.",
        ),
        (lr, "That is the base rate. LambdaLR multiplies it by the lambda at the scheduler's count."),
        (s(2), "That is s(2): the scheduler has stepped only once before the first update."),
    ]
    return number_verdict(
        answer, s(1), rtol=1e-6, atol=1e-12, what="your rate of the first update", mistakes=mistakes, hint=hint
    )


@exercise_check
def check_keras_boundary(
    answer: Any,
    boundary: int = 30,
    hint: str = "Keras uses values[i] for boundaries[i-1] < t <= boundaries[i]: which interval holds "
    "t = boundary itself?",
) -> CheckResult:
    """The first step using the second value of ``PiecewiseConstantDecay(boundaries=[boundary])`` (notebook 10)."""
    with check_setup():
        boundary = check_int("boundary", boundary, minimum=1)
    mistakes = [
        (boundary, "That is torch's and optax's convention (switch at t = b); Keras switches one step later."),
        (boundary - 1, "That is timm's MultiStep convention (switch at t = b - 1)."),
    ]
    return number_verdict(
        answer, boundary + 1, what="your first step at the second value", mistakes=mistakes, hint=hint
    )
