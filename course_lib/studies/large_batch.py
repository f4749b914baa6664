"""Large batches (notebook 11): the linear scaling rule and warm-up, k workers simulated in one process.

Pure functions (no widgets): :func:`run_large_batch_experiment` and :func:`describe_large_batch`;
the large-batch explorer (``course_lib.explorers.large_batch``) draws them.
"""

from __future__ import annotations

import functools
from typing import Callable, Mapping

from course_lib import problems as P
from course_lib import schedules as S
from course_lib import training as T
from course_lib.training.history import History
from course_lib.validation import check_int, check_positive

__all__ = ["raw_digits", "run_large_batch_experiment", "large_batch_steps", "describe_large_batch"]


@functools.lru_cache(maxsize=1)
def raw_digits() -> P.Dataset:
    """Raw-pixel digits (not standardised), cached: the data of every large-batch run."""
    return P.load_digits(standardize=False)


@functools.lru_cache(maxsize=32)
def _large_batch_base(base_lr: float, base_batch: int, epochs: int, hidden: tuple[int, ...], seed: int) -> History:
    """The small-batch reference run, cached: it does not depend on k or the warm-up."""
    from course_lib.training import distributed as D

    data = raw_digits()
    total = T.RunPlan(data.n_train, base_batch, epochs).total_steps
    return T.train_torch(
        D.mlp_factory(64, 10, hidden=hidden),
        data,
        S.scaled_schedule(base_lr, 1, total),
        epochs=epochs,
        batch_size=base_batch,
        seed=seed,
        label=f"(a) batch {base_batch}, lr {base_lr:.3g}",
    )


def run_large_batch_experiment(
    k: int = 4,
    warmup_epochs: float = 5.0,
    *,
    base_lr: float = 0.02,
    base_batch: int = 32,
    epochs: int = 15,
    hidden: tuple[int, ...] = (64,),
    seed: int = 0,
) -> dict[str, History]:
    """The four runs of notebook 11 for a batch multiplier k, simulated in one process.

    Raw-pixel digits, ``mlp(64, 10, hidden)``, plain SGD, a cosine decay to 0 over ``epochs``:

    (a) batch ``base_batch`` at ``base_lr`` (the reference; cached);
    (b) batch k * base_batch at base_lr;
    (c) batch k * base_batch at k * base_lr from the first step (linear scaling, no warm-up);
    (d) the same with a linear warm-up from base_lr over ``warmup_epochs``
        (:func:`course_lib.schedules.scaled_schedule`).

    A batch of k * base_batch in one process is the same computation as k DDP workers with
    base_batch each (:func:`course_lib.training.distributed.train_simulated`), so this is what the
    distributed runs would give, in a fraction of the time.

    Args:
        k: batch multiplier (>= 1).
        warmup_epochs: warm-up length of (d) in epochs (>= 0; rounded to whole steps).
        base_lr: rate of the small batch (> 0).
        base_batch: the small batch (>= 1).
        epochs: epochs of every run (>= 1).
        hidden: hidden-layer widths of the MLP.
        seed: seed of the initialisation and the batch order.

    Returns:
        label -> History, in the order (a), (b), (c), (d).

    Raises:
        ValueError, TypeError: a bad setting, naming it.

    >>> runs = run_large_batch_experiment(k=2, warmup_epochs=1, epochs=2)
    >>> [h.config["batch_size"] for h in runs.values()]
    [32, 64, 64, 64]
    """

    return {
        h.label: h
        for h in (
            train()
            for train in large_batch_steps(
                k, warmup_epochs, base_lr=base_lr, base_batch=base_batch, epochs=epochs, hidden=hidden, seed=seed
            )
        )
    }


def large_batch_steps(
    k: int = 4,
    warmup_epochs: float = 5.0,
    *,
    base_lr: float = 0.02,
    base_batch: int = 32,
    epochs: int = 15,
    hidden: tuple[int, ...] = (64,),
    seed: int = 0,
) -> list[Callable[[], History]]:
    """The runs of :func:`run_large_batch_experiment` (same arguments), one call each, not run yet.

    Each call trains its run, or takes it from the cache: (a), (b), (c), (d) in order. An explorer
    warming its cache runs them one per turn of the kernel's loop, so a learner's move waits for
    one run at most, not four.

    Raises:
        ValueError, TypeError: a bad setting, naming it (now, before any training).
    """
    k = check_int("k", k, minimum=1)
    base_batch = check_int("base_batch", base_batch, minimum=1)
    epochs = check_int("epochs", epochs, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    base_lr = float(f"{check_positive('base_lr', base_lr):.6g}")  # a log slider's 0.020000000000000004 is 0.02
    if not (isinstance(warmup_epochs, (int, float)) and 0 <= warmup_epochs < epochs):
        raise ValueError(f"warmup_epochs must be a number in [0, epochs={epochs}), got warmup_epochs={warmup_epochs!r}")
    hidden = tuple(hidden)
    data = raw_digits()
    per_epoch = T.steps_per_epoch(data.n_train, k * base_batch)
    total, warm = epochs * per_epoch, int(round(warmup_epochs * per_epoch))
    big = k * base_batch
    configs = {
        f"(b) batch {big}, lr {base_lr:.3g}": S.scaled_schedule(base_lr, 1, total),
        f"(c) batch {big}, lr {k * base_lr:.3g}, no warm-up": S.scaled_schedule(base_lr, k, total),
        f"(d) batch {big}, lr {k * base_lr:.3g}, warm-up {warmup_epochs:g} epochs": S.scaled_schedule(
            base_lr, k, total, min(warm, total - 1)
        ),
    }
    return [functools.partial(_large_batch_base, base_lr, base_batch, epochs, hidden, seed)] + [
        functools.partial(_large_batch_run, label, schedule, k, base_batch, epochs, hidden, seed)
        for label, schedule in configs.items()
    ]


@functools.lru_cache(maxsize=256)
def _large_batch_run(
    label: str, schedule: S.Schedule, k: int, base_batch: int, epochs: int, hidden: tuple[int, ...], seed: int
) -> History:
    """One simulated large-batch run, cached: an explorer's control moved back redraws at once."""
    from course_lib.training import distributed as D

    return D.train_simulated(
        D.mlp_factory(64, 10, hidden=hidden),
        raw_digits(),
        schedule,
        world_size=k,
        batch_size=base_batch,
        epochs=epochs,
        seed=seed,
        label=label,
    )


def describe_large_batch(runs: Mapping[str, History]) -> str:
    """One line per run: final validation loss and accuracy, and the early spike of the training loss."""
    from course_lib.studies.measures import early_spike

    lines = []
    for label, h in runs.items():
        if h.diverged:
            lines.append(h.summary())
            continue
        lines.append(
            f"{label}: final val loss {h.final_val_loss:.4f}, val acc {h.final_val_acc:.3f}; "
            f"worst training loss in epoch 1 = {early_spike(h):.2f} x the first"
        )
    return "\n".join(lines)
