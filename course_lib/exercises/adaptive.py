"""Checks on rates that adapt to the run: reduce-on-plateau's cuts, Adam's first step, RAdam's built-in warm-up.

>>> from course_lib import exercises
>>> exercises.check_adam_first_step(1e-3, quiet=True).passed
True
>>> exercises.check_adam_floor_batch(0.68, quiet=True).passed
True
>>> exercises.check_radam_warmup_length(556, quiet=True).passed
True
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from course_lib.exercises.framework import (
    CheckResult,
    Wrong,
    as_number,
    check_setup,
    exercise_check,
    format_number,
    interval_verdict,
    number_verdict,
    passed,
    sequence_verdict,
)
from course_lib.exercises.generic import choice_verdict
from course_lib.validation import check_int, check_non_negative, check_positive, check_range, check_real

__all__ = [
    "check_plateau_lrs",
    "PLATEAU_METRICS",
    "check_adam_first_step",
    "check_adam_schedule",
    "ADAM_SCHEDULE_OPTIONS",
    "check_adam_floor_batch",
    "check_radam_warmup_length",
]


#: The validation losses of :func:`check_plateau_lrs` (small gains below 1%, a cut, a new best, a rise).
PLATEAU_METRICS = (1.0, 0.9, 0.898, 0.896, 0.894, 0.895, 0.893, 0.891, 0.8, 0.81, 0.82, 0.83)


@exercise_check
def check_plateau_lrs(
    answer: Any,
    metrics: Sequence[float] = PLATEAU_METRICS,
    lr: float = 0.1,
    factor: float = 0.5,
    patience: int = 2,
    threshold: float = 0.01,
    threshold_mode: str = "rel",
    cooldown: int = 1,
    hint: str = "Walk through the list keeping best, the count of bad evaluations and the "
    "cooldown counter: an evaluation is 'better' only if metric < best * "
    "(1 - threshold); the rate is cut when the count exceeds patience, then the "
    "count restarts and the next `cooldown` evaluations do not count.",
) -> CheckResult:
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
        settings = dict(
            factor=factor, patience=patience, threshold=threshold, threshold_mode=threshold_mode, cooldown=cooldown
        )
        ReduceLROnPlateau(lr, **settings)

    def rates(**changes: Any) -> list[float]:
        policy = ReduceLROnPlateau(lr, **{**settings, **changes})
        return [policy.step(m) for m in metrics]

    expected = rates()
    slips = [
        (
            dict(patience=max(patience - 1, 0)),
            f"Your rate drops one evaluation too early: the cut comes when the count of bad evaluations "
            f"*exceeds* patience, at the {patience + 1}th bad one in a row, not the {patience}th.",
        ),
        (
            dict(patience=patience + 1),
            f"Your rate drops one evaluation too late: with patience={patience} the cut comes at the "
            f"{patience + 1}th bad evaluation in a row.",
        ),
        (
            dict(threshold=0.0),
            f"You counted every decrease as an improvement; with threshold={threshold} "
            f"({threshold_mode}) a metric must beat best * (1 - {threshold}) to count.",
        ),
        (
            dict(cooldown=0),
            f"You forgot the cooldown: for {cooldown} evaluation(s) after a cut, bad evaluations are not counted.",
        ),
    ]
    mistakes = [(rates(**change), message) for change, message in slips if rates(**change) != expected]
    cuts = [i for i in range(len(expected)) if expected[i] < (expected[i - 1] if i else lr)]
    return sequence_verdict(
        answer,
        expected,
        rtol=1e-6,
        mistakes=mistakes,
        what="your list of rates",
        detail=f"The rate is cut after evaluations {[i + 1 for i in cuts]} (counting from 1).",
        hint=hint,
    )


@exercise_check
def check_adam_first_step(
    answer: Any,
    lr: float = 1e-3,
    grad: float = 250.0,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    hint: str = "At t = 1, m = (1 - beta1) g and v = (1 - beta2) g^2; divide each by its "
    "bias correction (1 - beta^1) and compute lr * m_hat / (sqrt(v_hat) + eps).",
) -> CheckResult:
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
    mistakes = [
        (
            -expected,
            "That is the signed update (Adam moves against the gradient); the question asks for its size |w_1 - w_0|.",
        ),
        (lr * g, f"That is plain SGD's step lr * |g|. Adam divides by the gradient's own size, so the {g:g} cancels."),
        (
            lr * (1 - beta1) * g / (math.sqrt(1 - beta2) * g + eps),
            "You left out the bias correction: m and v start at 0, so without dividing by "
            "(1 - beta^t) the first step is lr * (1 - beta1) / sqrt(1 - beta2), about 3.16 lr.",
        ),
        (lr * (1 - beta1) * g / (g + eps), "You corrected v but not m (divide m by 1 - beta1 too)."),
        (lr * g / (math.sqrt(1 - beta2) * g + eps), "You corrected m but not v (divide v by 1 - beta2 too)."),
    ]
    return number_verdict(
        answer,
        expected,
        rtol=1e-3,
        mistakes=mistakes,
        detail=f"lr * |g| / (|g| + eps) = {format_number(expected)}: about lr = {lr:g}, whatever the "
        f"gradient's size. Adam's steps are set by lr, not by the gradient scale.",
        hint=hint,
    )


@exercise_check
def check_adam_floor_batch(
    answer: Any,
    batch_size: int = 1,
    lr: float = 0.01,
    hint: str = "Run training.run_adaptive(nls, lr, 3000, batch_size=B, seed=s) for B and "
    "2B and 3 seeds, average studies.late_excess_loss(h, nls, window=1500) "
    "per B, and divide the floor at 2B by the floor at B.",
) -> CheckResult:
    """A measured ratio: Adam's noise floor at batch 2B divided by its floor at batch B (notebook 08).

    Adam divides each step by sqrt(v), about the gradient noise's size sigma / sqrt(B): the
    effective SGD rate lr * sqrt(B) / sigma grows with B while the noise variance sigma^2 / B
    shrinks, so the floor goes like lr / sqrt(B) and the expected ratio is 1/sqrt(2) = 0.71
    (SGD's is 1/2). Measured on ``noisy_least_squares`` at lr = 0.01, B = 1 vs 2, 3 seeds,
    3000 steps, the last 1500 averaged: 0.67 (B = 2 vs 4: 0.76). Accepted: 0.58 to 0.85.
    """
    with check_setup():
        batch_size = check_int("batch_size", batch_size, minimum=1)
        lr = check_positive("lr", lr)
    mistakes = [
        (
            0.4,
            0.58,
            "About 1/2: that is plain SGD's answer (notebook 02). Did you run training.run_gd instead "
            "of training.run_adaptive? Adam's floor falls more slowly with B.",
        ),
        (
            0.85,
            1.2,
            "About 1: the floor did not move. Did both runs use different batch sizes (batch_size=B)? "
            "Average only the last steps, once the loss has stopped falling.",
        ),
        (
            1.2,
            3.0,
            "Above 1: you divided the floor at B by the floor at 2B. The question asks for floor(2B) / floor(B).",
        ),
        (
            -1e300,
            0.0,
            "A noise floor is an excess loss above the minimum: positive, and so is the ratio of "
            "two of them. Use studies.late_excess_loss, which subtracts f*.",
        ),
    ]
    return interval_verdict(
        answer,
        0.58,
        0.85,
        what="your ratio",
        mistakes=mistakes,
        hint=hint,
        detail="About 1/sqrt(2): Adam's floor goes like lr / sqrt(B), not lr / B, because it normalises the "
        "gradient noise. So with Adam a batch k times larger allows a rate only about sqrt(k) times "
        "larger for the same floor: the square-root scaling rule (Malladi et al. 2022).",
    )


#: Statements about Adam and a learning-rate schedule: the options of :func:`check_adam_schedule`.
ADAM_SCHEDULE_OPTIONS = (
    "Adam picks the learning rate itself, so a schedule on top has no effect",
    "Adam rescales each parameter's step; the global rate still sets the step size and decaying it still helps",
    "Adam only works with a constant learning rate",
)


@exercise_check
def check_adam_schedule(
    answer: Any,
    hint: str = "Look at Adam's step size: about lr, whatever the gradient. What lowered the noise floor in section 4?",
) -> CheckResult:
    """Whether a schedule still matters with Adam (notebook 08): one of :data:`ADAM_SCHEDULE_OPTIONS`, or its letter."""
    mistakes = {
        ADAM_SCHEDULE_OPTIONS[0]: "Adam does not pick a rate: it divides each gradient by its own running size. "
        "Change lr and watch what happens to the size of the first step (section 1).",
        ADAM_SCHEDULE_OPTIONS[2]: "Nothing in Adam's update needs lr to stay fixed: torch's schedulers drive "
        "Adam like any other optimizer, and this notebook runs it with schedules.",
    }
    return choice_verdict(answer, ADAM_SCHEDULE_OPTIONS[1], ADAM_SCHEDULE_OPTIONS, hint, mistakes)


#: Section 6's runs (notebook 06): 15 epochs of 24 updates.
RADAM_RUN_UPDATES = 360


def _radam_half_from(beta2: float) -> tuple[int, int, np.ndarray]:
    """(first update from which r_t >= 1/2, the same for 0.9, r_t for t = 1..) of torch's RAdam at ``beta2``."""
    from course_lib.references.libraries import torch_radam_rectification

    rect = torch_radam_rectification(np.arange(1, int(50 / (1 - beta2)) + 100), beta2)
    return int(np.flatnonzero(rect < 0.5)[-1]) + 2, int(np.flatnonzero(rect < 0.9)[-1]) + 2, rect


@exercise_check
def check_radam_warmup_length(
    answer: Any,
    beta2: float = 0.999,
    hint: str = "Reuse section 2's step_sizes: run it for torch.optim.RAdam and torch.optim.Adam (lr=0.01, "
    "betas=(0.9, beta2)) with grad=0.01 and n=3000, divide RAdam's steps by Adam's, and find the update "
    "(counting from 1) after which the ratio never drops below 0.5 again.",
) -> CheckResult:
    """A measured update number: from which update on torch's RAdam steps at least half as far as Adam (notebook 06).

    Under a constant gradient Adam steps lr at every update. RAdam's first 5 updates are momentum steps
    lr * m_hat (as long as Adam's only if |g| = 1), then Adam's step times the rectification r_t
    (``references.torch_radam_rectification``), which starts at 0.026 and rises towards 1. The answer is
    the first update with r_t >= 1/2 after them: 556 at beta2 = 0.999, 16 at 0.95. Accepted: within one
    update (a count from 0 gives 555). A wrong number is told RAdam's ratio at that update, not the answer.
    """
    with check_setup():
        beta2 = check_range("beta2", beta2, 0.0, 1.0, low_open=True, high_open=True)
    expected, ninety, rect = _radam_half_from(beta2)
    rule = 2 / (1 - beta2)
    value = as_number(answer, "your update number")
    if abs(value - expected) <= 1:
        run = RADAM_RUN_UPDATES
        if expected > run:
            section_6 = (
                f"Section 6's runs had {run} updates, so at this beta2 RAdam's step stayed below half of Adam's for "
                f"the whole run at the same peak ({float(rect[run - 1]):.2f} of it at the last update): its lower "
                "final loss there comes with a lower effective rate, not only a safer start. Compare it with Adam at "
                "a lower peak before crediting the rectification alone."
            )
        else:
            section_6 = f"Section 6's runs had {run} updates: at this beta2 the built-in warm-up is over early in them."
        return passed(
            f"From update {expected} on (beta2 = {beta2:g}) RAdam steps at least half as far as Adam, and 90 % only "
            f"from update {ninety}: RAdam is Adam behind a built-in warm-up whose length beta2 sets, of the order of "
            f"2 / (1 - beta2) = {rule:.0f} updates (at beta2 = 0.95: half from update 16). " + section_6
        )
    if value < 1 or not float(value).is_integer():
        raise Wrong(f"{format_number(value)} is no update number: updates are counted 1, 2, 3, ...", hint)
    t = int(value)
    if t <= 6:
        raise Wrong(
            "RAdam's first 5 updates are plain momentum steps lr * m_hat, not divided by sqrt(v_hat): with a gradient "
            "of 1 they are as long as Adam's, with a gradient of 0.01 a hundred times shorter. The rectified step "
            f"starts at update 6 at {float(rect[5]):.3f} of Adam's. Look for the update after which RAdam's step "
            "stays at least half of Adam's.",
            hint,
        )
    for other in (0.95, 0.98, 0.9, 0.99):
        if other != beta2 and t == _radam_half_from(other)[0]:
            raise Wrong(
                f"That is the answer for beta2 = {other:g}. Run both optimizers with betas=(0.9, {beta2:g}).", hint
            )
    if 0.8 * rule <= t <= 1.2 * rule:
        raise Wrong(
            f"About 2 / (1 - beta2) = {rule:.0f}: that is Ma & Yarats' rule for a warm-up like RAdam's, a length you "
            "did not measure. Measure the ratio of the two steps: RAdam's passes half of Adam's earlier.",
            hint,
        )
    if abs(t - ninety) <= 0.05 * ninety:
        raise Wrong("That is about where RAdam's step reaches 90 % of Adam's. The question asks for half.", hint)
    at = float(rect[t - 1]) if t <= len(rect) else 1.0
    side = (
        "still below half: the update you want comes later"
        if t < expected
        else "already above half: it got there earlier"
    )
    raise Wrong(
        f"At update {t} RAdam's step is {at:.2f} of Adam's ({side}). Check that both runs see the same constant "
        "gradient and betas, and that you count updates from 1.",
        hint,
    )
