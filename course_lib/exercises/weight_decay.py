"""Weight decay and the rate: an experiment on scale-invariant weights (notebook 13).

>>> from course_lib import exercises
>>> exercises.check_adamw_matching_decay(3.8, quiet=True).passed
True
"""

from __future__ import annotations

from typing import Any

from course_lib.exercises.framework import CheckResult, check_setup, exercise_check, format_number, interval_verdict
from course_lib.validation import check_positive

__all__ = ["check_adamw_matching_decay"]

BETA1 = 0.9


@exercise_check
def check_adamw_matching_decay(
    answer: Any,
    lr: float = 0.005,
    target_lr: float = 0.1,
    target_wd: float = 0.01,
    hint: str = "Run studies.run_scale_invariant(lr, wd, 4000, seeds=range(3), optimizer='adamw') for a few wd "
    "(a log grid from 0.1 to 10), measure studies.rms_turn(run, 2000) and keep the wd whose turn is closest "
    "to SGD's (run it too, or use training.equilibrium_angular_update).",
) -> CheckResult:
    """A measured weight decay: the AdamW (beta1 0.9) decay at rate ``lr`` whose steady turn per update equals SGD's
    at (``target_lr``, ``target_wd``) on the scale-invariant problem.

    SGD turns sqrt(2 lr wd) per update; AdamW sqrt(2 lr wd (1 - b1) / (1 + b1)), so the answer is
    ``target_lr * target_wd * (1 + b1) / ((1 - b1) * lr)``: 3.8 at the defaults (measured turns 0.0451 against
    SGD's 0.0447). Accepted: within about 8 % of the turn, a decay from 0.84 to 1.18 times that value.
    """
    with check_setup():
        lr = check_positive("lr", lr)
        product = check_positive("target_lr", target_lr) * check_positive("target_wd", target_wd)
    expected = product * (1 + BETA1) / ((1 - BETA1) * lr)
    same_product = product / lr
    mistakes = [
        (
            0.7 * same_product,
            1.4 * same_product,
            f"About {format_number(same_product)}: that gives AdamW the same lr * wd as SGD. Measure the turn: it is "
            "about 4 times smaller, because AdamW's momentum (beta1 = 0.9) correlates its steps, so they grow the norm "
            "faster than independent steps and the steady norm is larger.",
        ),
        (
            0.0,
            0.5 * expected,
            "Too small: the steady turn grows like sqrt(wd), so with this decay AdamW turns its weights more slowly "
            "than SGD. Measure the turn of your answer and compare.",
        ),
        (
            2.0 * expected,
            1e300,
            "Too large: the steady turn grows like sqrt(wd); this decay turns AdamW's weights faster than SGD's. "
            "Measure the turn of your answer and compare.",
        ),
    ]
    return interval_verdict(
        answer,
        0.84 * expected,
        1.18 * expected,
        what="your weight decay",
        mistakes=mistakes,
        hint=hint,
        detail=f"The decay is {format_number(expected)}: the turn per update is sqrt(2 lr wd (1 - b1) / (1 + b1)) "
        "for AdamW and sqrt(2 lr wd) for SGD, so it is the product lr * wd (and the momentum) that sets how fast "
        "normalised weights move, not the rate alone.",
    )
