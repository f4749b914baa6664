"""Reduce the learning rate when a metric stops improving: a plain, stateful policy.

Unlike a schedule, the rate here depends on what training does, so it cannot be
a pure function of the step. :class:`ReduceLROnPlateau` follows exactly the
rules of ``torch.optim.lr_scheduler.ReduceLROnPlateau``, without an optimizer:
call ``step(metric)`` once per evaluation (an epoch, or a window of steps) and
read ``lr``.

>>> p = ReduceLROnPlateau(0.1, factor=0.5, patience=1)
>>> [p.step(m) for m in [1.0, 1.0, 1.0, 0.5, 0.6, 0.7]]
[0.1, 0.1, 0.05, 0.05, 0.05, 0.025]
"""

from __future__ import annotations

import math
from typing import Any, SupportsFloat

from course_lib.validation import check_in, check_int, check_non_negative, check_positive, check_range

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau:
    """Multiply the rate by ``factor`` after more than ``patience`` evaluations without improvement.

    The rules, step for step those of torch's ``ReduceLROnPlateau``:

    * improvement ("better") means, with ``best`` the best metric so far (inf at the start):
      mode="min": metric < best * (1 - threshold) (rel) or metric < best - threshold (abs);
      mode="max": metric > best * (1 + threshold) (rel) or metric > best + threshold (abs).
    * better: best = metric, num_bad_epochs = 0; otherwise num_bad_epochs += 1.
    * during a cooldown (cooldown_counter > 0): cooldown_counter -= 1 and num_bad_epochs = 0.
    * if num_bad_epochs > patience: new_lr = max(lr * factor, min_lr), applied only if
      lr - new_lr > eps; then cooldown_counter = cooldown, num_bad_epochs = 0.

    So with patience=p the rate drops at the (p+1)-th evaluation in a row without improvement.
    A nan metric never counts as an improvement.

    Args:
        lr: the starting learning rate (> 0).
        mode: "min" (a loss) or "max" (an accuracy).
        factor: multiplier applied at each reduction, in (0, 1).
        patience: evaluations without improvement tolerated before reducing (integer >= 0).
        threshold: how much better the metric must be to count as an improvement (>= 0).
        threshold_mode: "rel" (fraction of best) or "abs" (metric units).
        cooldown: evaluations to wait after a reduction before counting bad ones again (integer >= 0).
        min_lr: the rate never goes below this (>= 0).
        eps: reductions smaller than eps are skipped (>= 0).

    Attributes:
        lr: the current learning rate.
        best, num_bad_epochs, cooldown_counter, last_epoch: torch's counters.
        history: the rate returned by each call of :meth:`step`.

    Raises:
        ValueError, TypeError: for a bad argument, naming it.
    """

    def __init__(
        self,
        lr: float,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float = 0.0,
        eps: float = 1e-8,
    ) -> None:
        self.lr = check_positive("lr", lr)
        self.mode = check_in("mode", mode, ("min", "max"))
        self.factor = check_range("factor", factor, 0.0, 1.0, low_open=True, high_open=True)
        self.patience = check_int("patience", patience, minimum=0)
        self.threshold = check_non_negative("threshold", threshold)
        self.threshold_mode = check_in("threshold_mode", threshold_mode, ("rel", "abs"))
        self.cooldown = check_int("cooldown", cooldown, minimum=0)
        self.min_lr = check_non_negative("min_lr", min_lr)
        self.eps = check_non_negative("eps", eps)
        self.initial_lr = self.lr
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self.history: list[float] = []

    def __repr__(self) -> str:
        return (
            f"ReduceLROnPlateau(lr={self.initial_lr!r}, mode={self.mode!r}, factor={self.factor!r}, "
            f"patience={self.patience!r}, threshold={self.threshold!r}, "
            f"threshold_mode={self.threshold_mode!r}, cooldown={self.cooldown!r}, "
            f"min_lr={self.min_lr!r}, eps={self.eps!r})"
        )

    def is_better(self, metric: float, best: float) -> bool:
        """True if ``metric`` improves on ``best`` by more than the threshold."""
        if self.mode == "min":
            bar = best * (1.0 - self.threshold) if self.threshold_mode == "rel" else best - self.threshold
            return metric < bar
        bar = best * (self.threshold + 1.0) if self.threshold_mode == "rel" else best + self.threshold
        return metric > bar

    def step(self, metric: SupportsFloat) -> float:
        """Record one evaluation of the monitored metric; return the (possibly reduced) rate.

        Args:
            metric: the monitored value (a float, numpy scalar or 0-d tensor), e.g. a validation loss.

        Returns:
            The learning rate to use from now on.
        """
        try:
            current = float(metric)
        except (TypeError, ValueError):
            raise TypeError(f"metric must be a number, got metric={metric!r}") from None
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad evaluations during a cooldown do not count
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.lr * self.factor, self.min_lr)
            if self.lr - new_lr > self.eps:
                self.lr = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self.history.append(self.lr)
        return self.lr

    def state_dict(self) -> dict[str, Any]:
        """Every setting and counter, as plain numbers and strings (a copy)."""
        state = dict(self.__dict__)
        state["history"] = list(self.history)
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the settings and counters saved by :meth:`state_dict`.

        Raises:
            ValueError: if ``state_dict`` has keys this class does not know.
        """
        unknown = set(state_dict) - set(self.__dict__)
        if unknown:
            raise ValueError(
                f"state_dict has unknown keys {sorted(unknown)}; expected keys from {sorted(self.__dict__)}"
            )
        self.__dict__.update(state_dict)
        self.history = list(self.history)
