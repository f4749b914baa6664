"""Momentum schedules: the same protocol, but the values are momenta (or Adam's beta1).

The cycles run opposite to the rate's: low momentum while the rate is high. They reuse
the phase arithmetic of :mod:`course_lib.schedules.cycles`, so they equal torch's
OneCycleLR / CyclicLR momentum (cycle_momentum=True).

>>> m = one_cycle_momentum(100)
>>> m(0), round(m(29), 6), m(99)
(0.95, 0.85, 0.95)

With heavy-ball momentum beta a steady gradient g ends up moving w by lr * g / (1 - beta) per
step: :func:`effective_lr` gives lr(t) / (1 - beta(t)) for a rate and a momentum schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from course_lib.schedules.base import Schedule, check_decay_gamma, evaluate, factory
from course_lib.schedules.cycles import (
    CYCLIC_MODES,
    check_one_cycle_phases,
    cyclic_scale,
    cyclic_shape,
    eval_phases,
    one_cycle_phases,
)
from course_lib.validation import check_in, check_int, check_range

__all__ = [
    "ConstantMomentum",
    "OneCycleMomentum",
    "CyclicMomentum",
    "constant_momentum",
    "one_cycle_momentum",
    "cyclic_momentum",
    "check_momentum_pair",
    "effective_lr",
]


def check_momentum_pair(base: Any, peak: Any, base_name: str, peak_name: str) -> tuple[float, float]:
    """Two momenta in [0, 1), the first <= the second."""
    base = check_range(base_name, base, 0.0, 1.0, high_open=True)
    peak = check_range(peak_name, peak, 0.0, 1.0, high_open=True)
    if base > peak:
        raise ValueError(f"{base_name} must be <= {peak_name} ({peak!r}), got {base_name}={base!r}")
    return base, peak


@dataclass(frozen=True)
class ConstantMomentum(Schedule):
    """m(t) = momentum"""

    momentum: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "momentum", check_range("momentum", self.momentum, 0.0, 1.0, high_open=True))

    @property
    def horizon(self) -> None:
        """None: a constant momentum has no end."""
        return None

    def _value(self, t: np.ndarray) -> np.ndarray:
        return np.full_like(t, self.momentum)


@dataclass(frozen=True)
class OneCycleMomentum(Schedule):
    """Momentum runs opposite to the 1cycle rate: max_momentum -> base_momentum while the rate rises, then back

    Exactly torch ``OneCycleLR``'s momentum (cycle_momentum=True), and the shape
    of fastai's fit_one_cycle moms=(0.95, 0.85, 0.95). Use the same
    total_steps, pct_start, anneal and three_phase as the :class:`OneCycle` it pairs with.
    """

    total_steps: int
    pct_start: float = 0.3
    base_momentum: float = 0.85
    max_momentum: float = 0.95
    anneal: str = "cos"
    three_phase: bool = False

    def __post_init__(self) -> None:
        check_one_cycle_phases(self)
        base, peak = check_momentum_pair(self.base_momentum, self.max_momentum, "base_momentum", "max_momentum")
        object.__setattr__(self, "base_momentum", base)
        object.__setattr__(self, "max_momentum", peak)

    @property
    def horizon(self) -> int:
        """total_steps, like the :class:`OneCycle` it pairs with."""
        return self.total_steps

    def _value(self, t: np.ndarray) -> np.ndarray:
        hi, lo = self.max_momentum, self.base_momentum
        phases = one_cycle_phases(self.total_steps, self.pct_start, self.three_phase, (hi, lo, hi, hi))
        return eval_phases(t, phases, self.anneal)


@dataclass(frozen=True)
class CyclicMomentum(Schedule):
    """m(t) = max_momentum - (max_momentum - base_momentum) * h(t) * scale(t)

    The inverse of :class:`Cyclic` with the same step sizes and mode: torch
    ``CyclicLR(cycle_momentum=True)``.
    """

    step_size_up: int
    step_size_down: int | None = None
    base_momentum: float = 0.8
    max_momentum: float = 0.9
    mode: str = "triangular"
    gamma: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "step_size_up", check_int("step_size_up", self.step_size_up, minimum=1))
        if self.step_size_down is not None:
            object.__setattr__(self, "step_size_down", check_int("step_size_down", self.step_size_down, minimum=1))
        base, peak = check_momentum_pair(self.base_momentum, self.max_momentum, "base_momentum", "max_momentum")
        object.__setattr__(self, "base_momentum", base)
        object.__setattr__(self, "max_momentum", peak)
        check_in("mode", self.mode, CYCLIC_MODES)
        object.__setattr__(self, "gamma", check_decay_gamma("gamma", self.gamma))

    @property
    def horizon(self) -> None:
        """None: the cycles repeat without an end."""
        return None

    def _value(self, t: np.ndarray) -> np.ndarray:
        down = self.step_size_up if self.step_size_down is None else self.step_size_down
        cycle, height = cyclic_shape(t, float(self.step_size_up), float(down))
        scale = cyclic_scale(t, cycle, self.mode, self.gamma)
        return self.max_momentum - (self.max_momentum - self.base_momentum) * height * scale


# ---------------------------------------------------------------------------
# Factories: the public names (each is its class, plus other libraries' names for its parameters)
# ---------------------------------------------------------------------------

constant_momentum = factory(ConstantMomentum, "constant_momentum")
one_cycle_momentum = factory(OneCycleMomentum, "one_cycle_momentum")
cyclic_momentum = factory(CyclicMomentum, "cyclic_momentum")


def effective_lr(lr: Any, momentum: Any, n_steps: int) -> np.ndarray:
    """lr(t) / (1 - beta(t)) for t = 0 .. n_steps-1: the step per unit of a steady gradient.

    With heavy-ball momentum in torch's form (v = beta v + g; w = w - lr v) and a constant
    gradient g, v tends to g / (1 - beta), so the step tends to lr * g / (1 - beta): beta = 0.9
    makes the rate ten times larger in effect. ``lr`` and ``momentum`` are numbers or schedules
    (functions of the step); the momentum must stay in [0, 1).

    Args:
        lr: a rate schedule or a rate (>= 0).
        momentum: a momentum schedule or a number in [0, 1).
        n_steps: number of steps (>= 1).

    Returns:
        a float64 array of length n_steps (rate units: per unit of gradient).

    Raises:
        ValueError: n_steps < 1, a negative rate, a momentum outside [0, 1).

    >>> effective_lr(0.1, 0.9, 3).round(6).tolist()
    [1.0, 1.0, 1.0]
    >>> from course_lib.schedules.cycles import one_cycle
    >>> n = 100
    >>> e = effective_lr(one_cycle(0.3, n), one_cycle_momentum(n), n)
    >>> round(float(e[0]), 4), round(float(e[29]), 4)    # 0.012 / 0.05 and 0.3 / 0.15
    (0.24, 2.0)
    """
    n_steps = check_int("n_steps", n_steps, minimum=1)
    rates = np.full(n_steps, float(lr)) if isinstance(lr, (int, float)) else evaluate(lr, n_steps)
    betas = np.full(n_steps, float(momentum)) if isinstance(momentum, (int, float)) else evaluate(momentum, n_steps)
    bad = np.flatnonzero(~(np.isfinite(rates) & (rates >= 0)))
    if bad.size:
        raise ValueError(f"lr must give finite rates >= 0; got {rates[bad[0]]!r} at step {int(bad[0])} from lr={lr!r}")
    bad = np.flatnonzero(~((betas >= 0) & (betas < 1)))
    if bad.size:
        raise ValueError(
            f"momentum must stay in [0, 1); got {betas[bad[0]]!r} at step {int(bad[0])} from momentum={momentum!r}"
        )
    return rates / (1.0 - betas)
