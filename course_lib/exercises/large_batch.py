"""Large batches: the linear scaling rule, for one machine and for DDP's global batch.

>>> from course_lib import exercises
>>> exercises.check_scaled_lr(0.4, quiet=True).passed
True
>>> exercises.check_ddp_lr(0.08, quiet=True).passed
True
"""
from __future__ import annotations

import math
from typing import Any

from course_lib.exercises.framework import (
    CheckResult, check_setup, exercise_check, format_number, number_verdict,
)
from course_lib.validation import check_int, check_positive

__all__ = ["check_scaled_lr", "check_ddp_lr"]


@exercise_check
def check_scaled_lr(answer: Any, base_lr: float = 0.1, base_batch: int = 256, batch: int = 1024,
                    hint: str = "Linear scaling rule (Goyal et al. 2017): k times the batch, k times the rate.") -> CheckResult:
    """The linear scaling rule: base_lr * batch / base_batch. Tolerance 0.1%."""
    with check_setup():
        base_lr = check_positive("base_lr", base_lr)
        base_batch = check_int("base_batch", base_batch, minimum=1)
        batch = check_int("batch", batch, minimum=1)
    k = batch / base_batch
    mistakes = [(base_lr / k, "That divides by k: a bigger batch gives a less noisy gradient, so the rule "
                              "takes *bigger* steps.")]
    if k != 1:
        mistakes.append((base_lr * math.sqrt(k), "That is the square-root rule; the question asks for the "
                                                 "linear scaling rule."))
    return number_verdict(answer, base_lr * k, rtol=1e-3, mistakes=mistakes,
                          detail=f"{base_lr} * {batch} / {base_batch} = {format_number(base_lr * k)}; in practice "
                                 f"pair it with a warm-up.", hint=hint)



@exercise_check
def check_ddp_lr(answer: Any, base_lr: float = 0.02, base_batch: int = 32, per_worker_batch: int = 64,
                 world_size: int = 2,
                 hint: str = "One DDP update averages the gradients of all workers: it sees world_size * "
                             "per_worker_batch examples. Apply the linear scaling rule to that global "
                             "batch.") -> CheckResult:
    """The rate for DDP training by the linear scaling rule: base_lr * world_size * per_worker_batch / base_batch.

    DistributedDataParallel averages the workers' gradients, so one update is a step on the
    global batch of world_size * per_worker_batch examples. Tolerance 0.1%.
    """
    with check_setup():
        base_lr = check_positive("base_lr", base_lr)
        base_batch = check_int("base_batch", base_batch, minimum=1)
        per_worker_batch = check_int("per_worker_batch", per_worker_batch, minimum=1)
        world_size = check_int("world_size", world_size, minimum=1)
    k = world_size * per_worker_batch / base_batch
    expected = base_lr * k
    mistakes = [
        (base_lr * per_worker_batch / base_batch,
         "That scales by the per-worker batch only. DDP averages the gradients of all workers, so each "
         "update uses the global batch world_size * per_worker_batch."),
        (base_lr * world_size,
         "That scales by the number of workers only; the per-worker batch also differs from the base batch."),
        (base_lr / world_size,
         "Dividing by the workers would make sense if DDP summed the gradients; it averages them, so the "
         "global batch is larger and the rate should grow."),
        (base_lr, "Unchanged: that is run (b) of the notebook, which learns more slowly per epoch."),
        (base_lr * math.sqrt(k), "That is the square-root rule; the question asks for the linear scaling rule."),
    ]
    mistakes = [(v, m) for v, m in mistakes if not math.isclose(v, expected, rel_tol=1e-9)]
    return number_verdict(answer, expected, rtol=1e-3, mistakes=mistakes,
                          detail=f"global batch {world_size} x {per_worker_batch} = {world_size * per_worker_batch}"
                                 f" = {format_number(k)} x {base_batch}, so the rate is {format_number(k)} x {base_lr} = "
                                 f"{format_number(expected)}; reach it with a warm-up.", hint=hint)
