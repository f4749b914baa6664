"""Checks on rates that adapt to the run: reduce-on-plateau's cuts and Adam's first step.

>>> from course_lib import exercises
>>> exercises.check_adam_first_step(1e-3, quiet=True).passed
True
"""
from __future__ import annotations

import math
from typing import Any, Sequence

from course_lib.exercises.framework import (
    CheckResult, check_setup, exercise_check, format_number, number_verdict, sequence_verdict,
)
from course_lib.validation import check_non_negative, check_positive, check_range, check_real

__all__ = ["check_plateau_lrs", "PLATEAU_METRICS", "check_adam_first_step"]


#: The validation losses of :func:`check_plateau_lrs` (small gains below 1%, a cut, a new best, a rise).
PLATEAU_METRICS = (1.0, 0.9, 0.898, 0.896, 0.894, 0.895, 0.893, 0.891, 0.8, 0.81, 0.82, 0.83)


@exercise_check
def check_plateau_lrs(answer: Any, metrics: Sequence[float] = PLATEAU_METRICS, lr: float = 0.1,
                      factor: float = 0.5, patience: int = 2, threshold: float = 0.01,
                      threshold_mode: str = "rel", cooldown: int = 1,
                      hint: str = "Walk through the list keeping best, the count of bad evaluations and the "
                                  "cooldown counter: an evaluation is 'better' only if metric < best * "
                                  "(1 - threshold); the rate is cut when the count exceeds patience, then the "
                                  "count restarts and the next `cooldown` evaluations do not count.") -> CheckResult:
    """The rate after each evaluation of ReduceLROnPlateau (torch's rules, mode="min") on ``metrics``.

    The answer is a list with one rate per metric. Known slips (cutting after
    ``patience`` bad evaluations instead of ``patience + 1``, ignoring the threshold or
    the cooldown) get their own message.
    """
    from course_lib.training.plateau import ReduceLROnPlateau

    with check_setup():
        metrics = [check_real(f"metrics[{i}]", m) for i, m in enumerate(metrics)]
        if not metrics:
            raise ValueError("metrics must not be empty")
        settings = dict(factor=factor, patience=patience, threshold=threshold,
                        threshold_mode=threshold_mode, cooldown=cooldown)
        ReduceLROnPlateau(lr, **settings)

    def rates(**changes: Any) -> list[float]:
        policy = ReduceLROnPlateau(lr, **{**settings, **changes})
        return [policy.step(m) for m in metrics]

    expected = rates()
    slips = [(dict(patience=max(patience - 1, 0)),
              f"Your rate drops one evaluation too early: the cut comes when the count of bad evaluations "
              f"*exceeds* patience, at the {patience + 1}th bad one in a row, not the {patience}th."),
             (dict(patience=patience + 1),
              f"Your rate drops one evaluation too late: with patience={patience} the cut comes at the "
              f"{patience + 1}th bad evaluation in a row."),
             (dict(threshold=0.0),
              f"You counted every decrease as an improvement; with threshold={threshold} "
              f"({threshold_mode}) a metric must beat best * (1 - {threshold}) to count."),
             (dict(cooldown=0),
              f"You forgot the cooldown: for {cooldown} evaluation(s) after a cut, bad evaluations "
              f"are not counted.")]
    mistakes = [(rates(**change), message) for change, message in slips if rates(**change) != expected]
    cuts = [i for i in range(len(expected)) if expected[i] < (expected[i - 1] if i else lr)]
    return sequence_verdict(answer, expected, rtol=1e-6, mistakes=mistakes, what="your list of rates",
                            detail=f"The rate is cut after evaluations {[i + 1 for i in cuts]} (counting from 1).",
                            hint=hint)


@exercise_check
def check_adam_first_step(answer: Any, lr: float = 1e-3, grad: float = 250.0,
                          betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                          hint: str = "At t = 1, m = (1 - beta1) g and v = (1 - beta2) g^2; divide each by its "
                                      "bias correction (1 - beta^1) and compute lr * m_hat / (sqrt(v_hat) + eps).") -> CheckResult:
    """The size |w_1 - w_0| of Adam's first update for a parameter with gradient ``grad``: lr |g| / (|g| + eps).

    About lr, whatever the gradient's scale. Tolerance 0.1%.
    """
    with check_setup():
        lr = check_positive("lr", lr)
        grad = check_real("grad", grad)
        if grad == 0:
            raise ValueError("grad must be non-zero, got grad=0")
        beta1 = check_range("betas[0]", betas[0], 0.0, 1.0, high_open=True)
        beta2 = check_range("betas[1]", betas[1], 0.0, 1.0, high_open=True)
        eps = check_non_negative("eps", eps)
    g = abs(grad)
    expected = lr * g / (g + eps)
    mistakes = [(-expected, "That is the signed update (Adam moves against the gradient); the question asks "
                            "for its size |w_1 - w_0|."),
                (lr * g, f"That is plain SGD's step lr * |g|. Adam divides by the gradient's own size, "
                         f"so the {g:g} cancels."),
                (lr * (1 - beta1) * g / (math.sqrt(1 - beta2) * g + eps),
                 "You left out the bias correction: m and v start at 0, so without dividing by "
                 "(1 - beta^t) the first step is lr * (1 - beta1) / sqrt(1 - beta2), about 3.16 lr."),
                (lr * (1 - beta1) * g / (g + eps), "You corrected v but not m (divide m by 1 - beta1 too)."),
                (lr * g / (math.sqrt(1 - beta2) * g + eps), "You corrected m but not v (divide v by 1 - beta2 too).")]
    return number_verdict(answer, expected, rtol=1e-3, mistakes=mistakes,
                          detail=f"lr * |g| / (|g| + eps) = {format_number(expected)}: about lr = {lr:g}, whatever the "
                                 f"gradient's size. Adam's steps are set by lr, not by the gradient scale.",
                          hint=hint)

