"""What plotting reads from a run: Histories checked, labelled, and their divergence described."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from course_lib.plotting.style import check_nonempty
from course_lib.training.history import History
from course_lib.validation import MAX_MAGNITUDE

#: The History fields plotting draws.
_DRAWN = ("lr", "loss", "val_loss", "val_acc", "momentum", "params")

__all__ = ['as_histories', 'drawable', 'run_label', 'diverged_text']


def as_histories(value: Any, argname: str) -> list[History]:
    if isinstance(value, History):
        return [drawable(value)]
    if not isinstance(value, (list, tuple)):
        raise TypeError(
            f"{argname} must be a History or a list of them, got {argname}={value!r} ({type(value).__name__})"
        )
    check_nonempty(argname, value)
    for i, h in enumerate(value):
        if not isinstance(h, History):
            raise TypeError(f"{argname}[{i}] must be a History, got {h!r} ({type(h).__name__})")
    return [drawable(h) for h in value]


def drawable(h: History) -> History:
    """``h``, or a copy whose values past :data:`~course_lib.validation.MAX_MAGNITUDE` are nan: drawn
    as gaps, since a value near the float limit 1.8e308 overflows matplotlib's axis margins."""
    changes = {}
    for name in _DRAWN:
        values = getattr(h, name)
        if values is None:
            continue
        values = np.asarray(values, dtype=np.float64)
        huge = np.isfinite(values) & (np.abs(values) > MAX_MAGNITUDE)
        if huge.any():
            changes[name] = np.where(huge, np.nan, values)
    return dataclasses.replace(h, **changes) if changes else h


def run_label(h: History, i: int) -> str:
    return h.label or (f"run {i}" if i else "run")


def diverged_text(h: History) -> str:
    lr = f", lr={h.diverged_lr:.3g}" if h.diverged_lr is not None else ""
    return f"diverged at step {h.diverged_step}{lr}"
