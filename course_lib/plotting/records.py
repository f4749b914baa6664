"""What plotting reads from a run: Histories checked, labelled, and their divergence described."""

from __future__ import annotations

from typing import Any

from course_lib.plotting.style import check_nonempty
from course_lib.training.history import History

__all__ = ['as_histories', 'run_label', 'diverged_text']


def as_histories(value: Any, argname: str) -> list[History]:
    if isinstance(value, History):
        return [value]
    if not isinstance(value, (list, tuple)):
        raise TypeError(
            f"{argname} must be a History or a list of them, got {argname}={value!r} ({type(value).__name__})"
        )
    check_nonempty(argname, value)
    for i, h in enumerate(value):
        if not isinstance(h, History):
            raise TypeError(f"{argname}[{i}] must be a History, got {h!r} ({type(h).__name__})")
    return list(value)


def run_label(h: History, i: int) -> str:
    return h.label or (f"run {i}" if i else "run")


def diverged_text(h: History) -> str:
    lr = f", lr={h.diverged_lr:.3g}" if h.diverged_lr is not None else ""
    return f"diverged at step {h.diverged_step}{lr}"
