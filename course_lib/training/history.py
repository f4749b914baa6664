"""The record every trainer returns: what happened at each step.

Trainers never draw; plotting functions take a :class:`History`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


def _empty() -> np.ndarray:
    return np.zeros(0)


@dataclass(eq=False)
class History:
    """Per-step record of one training run.

    Attributes:
        steps: step index t = 0, 1, ..., n-1 (updates completed before this one).
        lr: learning rate used by the update at each step.
        loss: training loss at each step, measured *before* that step's update
            (mini-batch loss for stochastic trainers).
        momentum: momentum (or Adam beta1) used at each step, or None.
        params: for 2-D/NumPy problems, the parameter path, shape (n+1, dim),
            including the start point; None for torch models.
        val_epochs, val_loss, val_acc: per-epoch validation metrics (empty if none).
        diverged: True if the run was stopped because the loss became non-finite
            or exceeded the divergence threshold.
        diverged_step: the step at which divergence was detected, else None.
        diverged_lr: the learning rate in force at that step, else None.
        label: a short name for legends.
        config: the settings of the run (schedule repr, optimizer, seed...).
    """

    steps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    lr: np.ndarray = field(default_factory=_empty)
    loss: np.ndarray = field(default_factory=_empty)
    momentum: np.ndarray | None = None
    params: np.ndarray | None = None
    val_epochs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    val_loss: np.ndarray = field(default_factory=_empty)
    val_acc: np.ndarray = field(default_factory=_empty)
    diverged: bool = False
    diverged_step: int | None = None
    diverged_lr: float | None = None
    label: str = ""
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def n_steps(self) -> int:
        """Number of recorded steps."""
        return int(len(self.steps))

    @property
    def final_loss(self) -> float:
        """The last finite training loss (nan if there is none)."""
        finite = np.asarray(self.loss)[np.isfinite(self.loss)]
        return float(finite[-1]) if finite.size else float("nan")

    @property
    def final_val_loss(self) -> float:
        """The last validation loss (nan if there is none)."""
        return float(self.val_loss[-1]) if len(self.val_loss) else float("nan")

    @property
    def final_val_acc(self) -> float:
        """The last validation accuracy (nan if there is none)."""
        return float(self.val_acc[-1]) if len(self.val_acc) else float("nan")

    def summary(self) -> str:
        """One line: label, steps, final loss, and divergence if any."""
        name = self.label or "run"
        if self.diverged:
            lr = "?" if self.diverged_lr is None else f"{self.diverged_lr:.3g}"
            return (f"{name}: DIVERGED at step {self.diverged_step} "
                    f"(lr={lr}); last finite loss {self.final_loss:.4g}")
        text = f"{name}: {self.n_steps} steps, final loss {self.final_loss:.4g}"
        if len(self.val_loss):
            text += f", val loss {self.final_val_loss:.4g}"
        if len(self.val_acc):
            text += f", val acc {self.final_val_acc:.3f}"
        return text
