"""Decay schedules: a rate that starts at ``lr`` and only goes down.

One file per family (as optax does): here the monotone decays and the piecewise constant
rate; cycles.py holds restarts, cyclic and one-cycle; compose.py the ramp, join, warm-up,
WSD, noam and scaled. Every formula is in its class docstring (``s.formula``).

>>> s = step_decay(0.1, step_size=30)
>>> s
StepDecay(lr=0.1, step_size=30, gamma=0.1)
>>> s(29), round(s(30), 12)
(0.1, 0.01)
>>> cosine_decay(0.1, T_max=100) == cosine_decay(0.1, 100)   # torch's name, accepted as an alias
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from course_lib.schedules.base import (
    Schedule,
    check_bool,
    check_decay_gamma,
    check_increasing,
    check_lr,
    check_min_lr,
    check_sequence,
    factory,
    int_if_whole,
)
from course_lib.validation import check_int, check_non_negative, check_positive

__all__ = [
    "Constant",
    "StepDecay",
    "MultiStepDecay",
    "ExponentialDecay",
    "InverseTimeDecay",
    "InverseSqrtDecay",
    "PolynomialDecay",
    "LinearDecay",
    "CosineDecay",
    "OneMinusSqrtDecay",
    "PiecewiseConstant",
    "constant",
    "step_decay",
    "multistep_decay",
    "exponential_decay",
    "inverse_time_decay",
    "inverse_sqrt_decay",
    "polynomial_decay",
    "linear_decay",
    "cosine_decay",
    "one_minus_sqrt_decay",
    "piecewise_constant",
]


@dataclass(frozen=True)
class Constant(Schedule):
    """lr(t) = lr"""

    lr: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_lr("lr", self.lr))

    @property
    def horizon(self) -> None:
        """None: a constant rate has no end."""
        return None

    def _value(self, t: np.ndarray) -> np.ndarray:
        return np.full_like(t, self.lr)


@dataclass(frozen=True)
class StepDecay(Schedule):
    """lr(t) = lr * gamma ** floor(t / step_size)

    Same as torch ``StepLR(step_size, gamma)`` stepped once per update.
    """

    lr: float
    step_size: int
    gamma: float = 0.1

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_lr("lr", self.lr))
        object.__setattr__(self, "step_size", check_int("step_size", self.step_size, minimum=1))
        object.__setattr__(self, "gamma", check_decay_gamma("gamma", self.gamma))

    @property
    def horizon(self) -> None:
        """None: it decays every step_size steps without an end."""
        return None

    def _value(self, t: np.ndarray) -> np.ndarray:
        return self.lr * self.gamma ** np.floor(t / self.step_size)


@dataclass(frozen=True)
class MultiStepDecay(Schedule):
    """lr(t) = lr * gamma ** (number of milestones <= t)

    Decays *at* each milestone, like torch ``MultiStepLR`` and optax. Keras'
    PiecewiseConstantDecay switches one step later, timm's MultiStep one step
    earlier.
    """

    lr: float
    milestones: tuple[int, ...]
    gamma: float = 0.1

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_lr("lr", self.lr))
        object.__setattr__(self, "milestones", check_increasing("milestones", self.milestones))
        object.__setattr__(self, "gamma", check_decay_gamma("gamma", self.gamma))

    @property
    def horizon(self) -> None:
        """None: it holds its last rate after the last milestone, fine in any longer run."""
        return None

    def _value(self, t: np.ndarray) -> np.ndarray:
        passed = np.searchsorted(np.asarray(self.milestones, dtype=np.float64), t, side="right")
        return self.lr * self.gamma**passed


@dataclass(frozen=True)
class ExponentialDecay(Schedule):
    """lr(t) = max(lr * gamma ** (max(t - B, 0) / decay_steps), end_lr); the exponent floored if staircase

    B = transition_begin (optax's name): the steps held at lr before the decay starts.

    Units: lr and end_lr are rates; t, B = transition_begin and decay_steps are optimizer
    steps (t = 0 is the first update, as optax's ``count`` read before its increment).
    With decay_steps=1 this is torch ``ExponentialLR(gamma)``; in general Keras
    ``ExponentialDecay(lr, decay_steps, decay_rate=gamma, staircase)`` and optax
    ``exponential_decay(init_value=lr, transition_steps=decay_steps, decay_rate=gamma,
    transition_begin=B, staircase, end_value=end_lr)``: it holds lr for t <= B, then decays,
    and never goes below the floor end_lr (optax's end_value; 0, the default, is no floor).
    Its half-life is decay_steps * ln(2) / ln(1/gamma) steps, and it reaches the floor after
    B + decay_steps * ln(lr / end_lr) / ln(1/gamma) steps.
    """

    lr: float
    gamma: float
    decay_steps: float = 1
    staircase: bool = False
    transition_begin: int = 0
    end_lr: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_lr("lr", self.lr))
        object.__setattr__(self, "gamma", check_decay_gamma("gamma", self.gamma))
        object.__setattr__(self, "decay_steps", int_if_whole(check_positive("decay_steps", self.decay_steps)))
        check_bool("staircase", self.staircase)
        object.__setattr__(self, "transition_begin", check_int("transition_begin", self.transition_begin, minimum=0))
        object.__setattr__(self, "end_lr", check_min_lr("end_lr", self.end_lr, self.lr))

    @property
    def horizon(self) -> None:
        """None: it decays without an end (or holds its floor end_lr, fine in any longer run)."""
        return None

    def _value(self, t: np.ndarray) -> np.ndarray:
        p = np.maximum(t - self.transition_begin, 0.0) / self.decay_steps
        if self.staircase:
            p = np.floor(p)
        rate = self.lr * self.gamma**p
        return np.maximum(rate, self.end_lr) if self.end_lr > 0 else rate


@dataclass(frozen=True)
class InverseTimeDecay(Schedule):
    """lr(t) = lr / (1 + decay_rate * t / decay_steps); t / decay_steps floored if staircase

    Keras ``InverseTimeDecay``. Decays like 1/t: slow enough that the sum of
    rates diverges while the sum of squares converges (Robbins-Monro).
    """

    lr: float
    decay_rate: float
    decay_steps: float = 1
    staircase: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_lr("lr", self.lr))
        object.__setattr__(self, "decay_rate", check_non_negative("decay_rate", self.decay_rate))
        object.__setattr__(self, "decay_steps", int_if_whole(check_positive("decay_steps", self.decay_steps)))
        check_bool("staircase", self.staircase)

    @property
    def horizon(self) -> None:
        """None: it decays without an end."""
        return None

    def _value(self, t: np.ndarray) -> np.ndarray:
        p = np.floor(t / self.decay_steps) if self.staircase else t / self.decay_steps
        with np.errstate(over="ignore"):  # decay_rate * p past 1e308 is inf, and lr / inf = 0 is the limit
            return self.lr / (1 + self.decay_rate * p)


@dataclass(frozen=True)
class InverseSqrtDecay(Schedule):
    """lr(t) = lr / sqrt(1 + decay_rate * t / decay_steps)

    Not exponential decay (article 001 calls it that): it falls like 1/sqrt(t).
    """

    lr: float
    decay_rate: float
    decay_steps: float = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_lr("lr", self.lr))
        object.__setattr__(self, "decay_rate", check_non_negative("decay_rate", self.decay_rate))
        object.__setattr__(self, "decay_steps", int_if_whole(check_positive("decay_steps", self.decay_steps)))

    @property
    def horizon(self) -> None:
        """None: it decays without an end."""
        return None

    def _value(self, t: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):  # decay_rate * t past 1e308 is inf, and lr / inf = 0 is the limit
            return self.lr / np.sqrt(1 + self.decay_rate * t / self.decay_steps)


@dataclass(frozen=True)
class PolynomialDecay(Schedule):
    """lr(t) = (lr - end_lr) * (1 - min(t, T) / T) ** power + end_lr,  T = total_steps

    torch ``PolynomialLR(total_iters=T, power)`` (which always ends at 0) and
    Keras ``PolynomialDecay(cycle=False)``. Holds end_lr after T steps.
    """

    lr: float
    total_steps: int
    end_lr: float = 0.0
    power: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_lr("lr", self.lr))
        object.__setattr__(self, "total_steps", check_int("total_steps", self.total_steps, minimum=1))
        object.__setattr__(self, "end_lr", check_min_lr("end_lr", self.end_lr, self.lr))
        object.__setattr__(self, "power", check_positive("power", self.power))

    @property
    def horizon(self) -> int:
        """total_steps: the step where the decay ends."""
        return self.total_steps

    def _value(self, t: np.ndarray) -> np.ndarray:
        frac = 1 - np.minimum(t, self.total_steps) / self.total_steps
        if self.power == 1:  # x ** 1.0 is a costly no-op on a large array
            return (self.lr - self.end_lr) * frac + self.end_lr
        return (self.lr - self.end_lr) * frac**self.power + self.end_lr


@dataclass(frozen=True)
class LinearDecay(Schedule):
    """lr(t) = lr + (end_lr - lr) * min(t, T) / T,  T = total_steps

    A straight line from lr to end_lr, then flat: polynomial decay with power 1.
    T counts optimizer steps (article 001 wrongly calls it the training-set size),
    and the rate never goes below end_lr (article 000's ``lr0 * (1 - a t)``
    goes negative).
    """

    lr: float
    total_steps: int
    end_lr: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_lr("lr", self.lr))
        object.__setattr__(self, "total_steps", check_int("total_steps", self.total_steps, minimum=1))
        object.__setattr__(self, "end_lr", check_min_lr("end_lr", self.end_lr, self.lr))

    @property
    def horizon(self) -> int:
        """total_steps: the step where the decay ends."""
        return self.total_steps

    def _value(self, t: np.ndarray) -> np.ndarray:
        frac = 1 - np.minimum(t, self.total_steps) / self.total_steps
        return (self.lr - self.end_lr) * frac + self.end_lr


@dataclass(frozen=True)
class CosineDecay(Schedule):
    """lr(t) = min_lr + (lr - min_lr) * (1 + cos(pi * min(t, T) / T)) / 2,  T = total_steps

    Equals torch ``CosineAnnealingLR(T_max=T, eta_min=min_lr)`` for t <= T and
    Keras ``CosineDecay``. Differs on purpose past T: we stay at min_lr, where
    torch's CosineAnnealingLR (and Hugging Face's cosine) rise again.
    """

    lr: float
    total_steps: int
    min_lr: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_lr("lr", self.lr))
        object.__setattr__(self, "total_steps", check_int("total_steps", self.total_steps, minimum=1))
        object.__setattr__(self, "min_lr", check_min_lr("min_lr", self.min_lr, self.lr))

    @property
    def horizon(self) -> int:
        """total_steps: the step where the decay ends."""
        return self.total_steps

    def _value(self, t: np.ndarray) -> np.ndarray:
        progress = np.minimum(t, self.total_steps) / self.total_steps
        return self.min_lr + (self.lr - self.min_lr) * (1 + np.cos(math.pi * progress)) / 2


@dataclass(frozen=True)
class OneMinusSqrtDecay(Schedule):
    """lr(t) = end_lr + (lr - end_lr) * (1 - sqrt(min(t, T) / T)),  T = total_steps

    The "1-sqrt" cooldown (Hägele et al. 2024) that ends a WSD run: it drops fast at
    first, then flattens into end_lr. The decay phase of Hugging Face
    ``get_wsd_schedule(decay_type="1-sqrt")`` (its default decay_type is "cosine"); the
    default cool-down of pytorch_optimizer's ``get_wsd_schedule`` (cooldown_type="1-sqrt",
    which ignores min_lr_ratio until the cool-down ends) and of timm's ``WSDLRScheduler``
    (decay_fn="1-sqrt"; timm 1.0.31 ships it). Holds end_lr after T steps.
    """

    lr: float
    total_steps: int
    end_lr: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_lr("lr", self.lr))
        object.__setattr__(self, "total_steps", check_int("total_steps", self.total_steps, minimum=1))
        object.__setattr__(self, "end_lr", check_min_lr("end_lr", self.end_lr, self.lr))

    @property
    def horizon(self) -> int:
        """total_steps: the step where the decay ends."""
        return self.total_steps

    def _value(self, t: np.ndarray) -> np.ndarray:
        p = np.minimum(t, self.total_steps) / self.total_steps
        return self.end_lr + (self.lr - self.end_lr) * (1 - np.sqrt(p))


@dataclass(frozen=True)
class PiecewiseConstant(Schedule):
    """lr(t) = values[i],  i = number of boundaries <= t

    Switches *at* each boundary (torch/optax convention; Keras'
    PiecewiseConstantDecay switches at boundary + 1).
    """

    boundaries: tuple[int, ...]
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        boundaries = check_increasing("boundaries", self.boundaries)
        check_sequence("values", self.values, "rates")
        values = tuple(check_lr(f"values[{i}]", v) for i, v in enumerate(self.values))
        if len(values) != len(boundaries) + 1:
            raise ValueError(
                f"values must have one more entry than boundaries: got {len(values)} values "
                f"for {len(boundaries)} boundaries (values={list(values)}, boundaries={list(boundaries)})"
            )
        object.__setattr__(self, "boundaries", boundaries)
        object.__setattr__(self, "values", values)

    @property
    def horizon(self) -> None:
        """None: it holds its last value after the last boundary, fine in any longer run."""
        return None

    def _value(self, t: np.ndarray) -> np.ndarray:
        index = np.searchsorted(np.asarray(self.boundaries, dtype=np.float64), t, side="right")
        return np.asarray(self.values)[index]


# ---------------------------------------------------------------------------
# Factories: the public names (each is its class, plus other libraries' names for its parameters)
# ---------------------------------------------------------------------------

constant = factory(Constant, "constant")
step_decay = factory(StepDecay, "step_decay", initial_learning_rate="lr", init_value="lr")
multistep_decay = factory(MultiStepDecay, "multistep_decay", initial_learning_rate="lr", init_value="lr")
exponential_decay = factory(
    ExponentialDecay,
    "exponential_decay",
    initial_learning_rate="lr",
    init_value="lr",
    decay_rate="gamma",
    transition_steps="decay_steps",
    end_value="end_lr",
    min_lr="end_lr",
)
inverse_time_decay = factory(InverseTimeDecay, "inverse_time_decay", initial_learning_rate="lr")
inverse_sqrt_decay = factory(InverseSqrtDecay, "inverse_sqrt_decay")
polynomial_decay = factory(
    PolynomialDecay,
    "polynomial_decay",
    min_lr="end_lr",
    total_iters="total_steps",
    end_learning_rate="end_lr",
    lr_end="end_lr",
    end_value="end_lr",
    init_value="lr",
    initial_learning_rate="lr",
)
linear_decay = factory(
    LinearDecay,
    "linear_decay",
    min_lr="end_lr",
    total_iters="total_steps",
    end_value="end_lr",
    init_value="lr",
    transition_steps="total_steps",
)
cosine_decay = factory(
    CosineDecay,
    "cosine_decay",
    end_lr="min_lr",
    eta_min="min_lr",
    T_max="total_steps",
    init_value="lr",
    initial_learning_rate="lr",
)
one_minus_sqrt_decay = factory(
    OneMinusSqrtDecay, "one_minus_sqrt_decay", min_lr="end_lr", num_decay_steps="total_steps"
)
piecewise_constant = factory(PiecewiseConstant, "piecewise_constant")
