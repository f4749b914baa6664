"""Width transfer: the best rate of a width the lesson did not run, under the µP-style parameterisation.

>>> from course_lib import exercises
>>> exercises.check_mup_wide_rate(2**-6, quiet=True).passed
True
"""

from __future__ import annotations

from typing import Any

from course_lib.exercises.framework import CheckResult, exercise_check, interval_verdict

__all__ = ["check_mup_wide_rate"]


@exercise_check
def check_mup_wide_rate(
    answer: Any,
    hint: str = "sweep = studies.width_sweep([128], WT_LRS, 'muP', seeds=[0, 1], n_steps=120, batch_size=32), "
    "with WT_LRS the lesson's grid 2**-11 ... 2**-3; then sweep.best_lr(128).",
) -> CheckResult:
    """The best base rate (Adam units) of the µP-style MLP at width 128 (notebook 15's setting, seeds 0-1).

    Measured on the grid 2^-11 ... 2^-3: 2^-6 = 0.0156 at seeds 0-1 and on 3 of 4 other pairs of
    seeds (2^-7 on the fourth); the lesson's widths 16, 64 and 256 all chose 2^-6 under µP. Under SP
    width 128 chooses 2^-8 = 0.0039 on every pair. Accepted: one grid step either side of 2^-6.
    """
    mistakes = [
        (
            0.0029,
            0.0055,
            "That is the standard parameterisation's best rate at width 128 (about 2^-8 = 0.0039): did you "
            "sweep with 'SP'? Under 'muP' the hidden layer's rate is already divided by m = 128 / 16 = 8 inside "
            "width_sweep, so the base rate you tune should not move.",
        ),
        (
            0.0,
            0.0029,
            "Far too small: that would be the rate tuned at width 16 divided by the width ratio, a correction "
            "µP has already made for you (per layer, only where the fan-in grows).",
        ),
        (
            0.04,
            1e300,
            "Too large: at that rate the losses after 120 updates are several times the best. Take the grid rate "
            "with the lowest *mean* final loss over the two seeds (sweep.best_lr(128)).",
        ),
        (-1e300, 0.0, "A learning rate is positive: pick one of the grid's rates 2**-11 ... 2**-3."),
    ]
    return interval_verdict(
        answer,
        2.0**-7 * 0.99,
        2.0**-5 * 1.01,
        what="your rate",
        mistakes=mistakes,
        hint=hint,
        detail="Under µP the rate tuned at width 16 (2^-6) was still the best at 128: you could have skipped "
        "the sweep. Under SP the same sweep lands two grid steps lower (2^-8), and would keep moving with width.",
    )
