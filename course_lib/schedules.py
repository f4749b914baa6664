"""The schedule catalog: learning rate as a function of the step.

A schedule ``s`` is a small immutable callable. ``s(t)`` is the learning rate
for the update that follows ``t`` completed optimizer updates
(``t = 0, 1, 2, ...``), the convention of PyTorch, Keras and optax. ``t`` may be

* an int or a float (fractional steps, as SGDR allows): returns a ``float``;
* a numpy array of any shape: returns a float64 array of the same shape.

Every schedule is a frozen dataclass: it has a readable ``repr`` (handy for plot
titles), compares equal to an identical schedule, pickles, and exposes its
parameters as fields (widgets read them). Change one with
``dataclasses.replace(s, lr=0.2)``, never by mutation.

Composition builds new schedules from old ones: :func:`warmup`, :func:`join`,
:func:`scaled`. Bad arguments raise ``ValueError``/``TypeError`` naming the
argument, the value and what is allowed.

>>> from course_lib import schedules as S
>>> s = S.step_decay(0.1, step_size=30)
>>> s
StepDecay(lr=0.1, step_size=30, gamma=0.1)
>>> s(29), round(s(30), 12)
(0.1, 0.01)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Any, Callable, Sequence

import numpy as np

from course_lib.validation import (
    check_in,
    check_int,
    check_non_negative,
    check_positive,
    check_range,
    check_real,
)

__all__ = [
    "Schedule", "CATALOG", "MOMENTUM_CATALOG",
    "constant", "step_decay", "multistep_decay", "exponential_decay",
    "inverse_time_decay", "inverse_sqrt_decay", "polynomial_decay", "linear_decay",
    "cosine_decay", "cosine_restarts", "cyclic", "one_cycle", "noam",
    "piecewise_constant", "warmup", "join", "warmup_stable_decay", "scaled",
    "one_cycle_momentum", "cyclic_momentum", "constant_momentum", "evaluate",
    "as_steps", "shaped_like",
]


# ---------------------------------------------------------------------------
# The base class
# ---------------------------------------------------------------------------

def as_steps(t: Any) -> np.ndarray:
    """Validate ``t`` (steps completed) and return it as a flat, contiguous float64 array.

    A scalar becomes a 1-element array, so a schedule evaluates ``s(k)`` with the
    very numpy loops it uses for ``s(array)[k]``: numpy computes a 0-d power or
    cosine with the C library but an array with SIMD kernels that differ from it
    in the last bits on some CPUs (AVX-512). One code path makes
    ``s(k) == s(array)[k]`` hold exactly on every machine. Lists and tuples of
    steps are accepted like arrays. Pair with :func:`shaped_like`.
    """
    if isinstance(t, (bool, str, bytes)):
        raise TypeError(f"t must be a number or an array of steps, got t={t!r}")
    try:
        arr = np.asarray(t, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"t must be a number or an array of steps, got t={t!r} ({type(t).__name__})"
        ) from None
    if arr.size:
        low, high = arr.min(), arr.max()  # nan in t makes both nan: two passes, no temporary array
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError("t must be finite (a step count >= 0); got a nan or inf in t")
        if low < 0:
            raise ValueError(f"t must be >= 0 (steps completed so far); got t={float(low)!r}")
    return np.ascontiguousarray(arr).reshape(-1)


def shaped_like(t: Any, values: Any) -> float | np.ndarray:
    """Values computed on ``as_steps(t)``, returned as ``t`` came: a float for a scalar
    step, a float64 array of ``t``'s shape for an array, list or tuple of steps."""
    shape = np.shape(t)
    values = np.asarray(values, dtype=np.float64)
    size = math.prod(shape)
    if values.size != size:  # constant-like formulas broadcast
        values = np.broadcast_to(values, (size,)).copy()
    if not shape:
        return float(values.reshape(-1)[0])
    return values.reshape(shape)


@dataclass(frozen=True)
class Schedule:
    """Base class: subclasses implement ``_value(t)`` for a 1-d float64 array ``t >= 0``."""

    def __call__(self, t: float | int | Sequence[float] | np.ndarray) -> float | np.ndarray:
        """The learning rate for the update after ``t`` completed updates."""
        return shaped_like(t, self._value(as_steps(t)))

    def _value(self, t: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def formula(self) -> str:
        """The plain-text formula from the class docstring (its first paragraph)."""
        doc = (type(self).__doc__ or "").strip()
        return doc.split("\n\n")[0].replace("\n", " ")


def evaluate(schedule: Callable[[Any], Any], n_steps: int) -> np.ndarray:
    """Values of ``schedule`` at steps ``0 .. n_steps-1`` as a float64 array.

    Works for course_lib schedules (one vectorised call) and for any plain
    Python function of the step (called once per step), e.g. the broken
    formulas the pitfalls notebook reproduces.
    """
    n_steps = check_int("n_steps", n_steps, minimum=0)
    steps = np.arange(n_steps, dtype=np.float64)
    if isinstance(schedule, Schedule):
        return schedule(steps)
    return np.array([_rate_at(schedule, int(k)) for k in steps], dtype=np.float64)


def _rate_at(schedule: Callable[[Any], Any], t: int) -> float:
    """``schedule(t)`` as a float; a function returning something else (None, text, a list) is named."""
    value = schedule(t)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"schedule must return a number at every step, but schedule({t}) returned "
                        f"{value!r} ({type(value).__name__}); schedule={schedule!r}") from None


# ---------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------

def _check_lr(name: str, value: Any) -> float:
    return check_positive(name, value)


def _check_decay_gamma(name: str, value: Any) -> float:
    return check_range(name, value, 0.0, 1.0, low_open=True)


def _check_min_lr(name: str, value: Any, lr: float, lr_name: str = "lr") -> float:
    value = check_non_negative(name, value)
    if value > lr:
        raise ValueError(f"{name} must be <= {lr_name} ({lr!r}), got {name}={value!r}")
    return value


def _check_increasing(name: str, values: Any, *, minimum: float = 0.0,
                      strictly_above: bool = False) -> tuple[float, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence | np.ndarray):
        raise TypeError(f"{name} must be a sequence of steps, got {name}={values!r}")
    out = tuple(check_real(f"{name}[{i}]", v) for i, v in enumerate(values))
    for i, v in enumerate(out):
        if (v <= minimum) if strictly_above else (v < minimum):
            op = ">" if strictly_above else ">="
            raise ValueError(f"{name} must all be {op} {minimum}; got {name}[{i}]={v!r} in {name}={list(out)}")
    for i in range(1, len(out)):
        if out[i] <= out[i - 1]:
            raise ValueError(
                f"{name} must be strictly increasing; got {name}={list(out)} "
                f"({out[i]!r} follows {out[i - 1]!r})")
    return tuple(int(v) if float(v).is_integer() else v for v in out)


def _anneal(start: np.ndarray | float, end: np.ndarray | float, pct: np.ndarray,
            how: str) -> np.ndarray:
    """Go from ``start`` (pct=0) to ``end`` (pct=1): 'cos' or 'linear' (torch OneCycleLR's forms)."""
    if how == "cos":
        return end + (start - end) / 2.0 * (np.cos(math.pi * pct) + 1)
    return (end - start) * pct + start


def _one_cycle_phases(total_steps: int, pct_start: float, three_phase: bool,
                      values: tuple[float, ...]) -> list[tuple[float, float, float]]:
    """Phase (end_step, start_value, end_value) exactly as torch's OneCycleLR builds them.

    ``values`` is (initial, peak, final) for two phases and
    (initial, peak, middle, final) for three.
    """
    if three_phase:
        v0, v1, v2, v3 = values
        return [
            (float(pct_start * total_steps) - 1, v0, v1),
            (float(2 * pct_start * total_steps) - 2, v1, v2),
            (total_steps - 1.0, v2, v3),
        ]
    v0, v1, v3 = values[0], values[1], values[-1]
    return [
        (float(pct_start * total_steps) - 1, v0, v1),
        (total_steps - 1.0, v1, v3),
    ]


def _eval_phases(t: np.ndarray, phases: list[tuple[float, float, float]], anneal: str) -> np.ndarray:
    """Piecewise annealing, torch OneCycleLR's loop, vectorised; clamped past the last phase.

    Step t belongs to the first phase whose end_step is >= t (the last phase takes the rest),
    and each step's value is computed once, in its own phase.
    """
    t = np.minimum(t, phases[-1][0])
    out = np.empty_like(t)
    which = np.full(t.shape, len(phases) - 1)  # phase index of every step
    for i in reversed(range(len(phases) - 1)):
        which[t <= phases[i][0]] = i
    start_step = 0.0
    for i, (end_step, start_value, end_value) in enumerate(phases):
        here = which == i
        span = end_step - start_step
        pct = (t[here] - start_step) / span if span != 0 else np.ones(np.count_nonzero(here))
        out[here] = _anneal(start_value, end_value, pct, anneal)
        start_step = end_step
    return out


def _cyclic_shape(t: np.ndarray, step_size_up: float, step_size_down: float) -> tuple[np.ndarray, np.ndarray]:
    """torch CyclicLR's triangle: returns (cycle number from 1, height in [0, 1])."""
    total = step_size_up + step_size_down
    ratio = step_size_up / total
    cycle = np.floor(1 + t / total)
    x = 1.0 + t / total - cycle
    height = np.where(x <= ratio, x / ratio, (x - 1) / (ratio - 1))
    return cycle, height


def _ramp(height: float, t: np.ndarray, w: float) -> np.ndarray:
    """height * t / w for steps t < w (values at t >= w are meaningless: callers discard them).

    Computed in that order, as torch/Hugging Face do, except where height * t
    overflows (a rate near 1e300): there as height * (t / w), which is at most
    height and so finite.
    """
    t = np.minimum(t, w)
    with np.errstate(over="ignore"):
        out = height * t / w
    big = np.isinf(out)
    if big.any():
        out[big] = height * (t[big] / w)
    return out


def _cyclic_scale(t: np.ndarray, cycle: np.ndarray, mode: str, gamma: float) -> np.ndarray:
    if mode == "triangular":
        return np.ones_like(t)
    if mode == "triangular2":
        return np.exp2(-(cycle - 1))  # = 1 / 2 ** (cycle - 1), but underflows quietly to 0 for huge cycles
    return gamma ** t  # exp_range


_CYCLIC_MODES = ("triangular", "triangular2", "exp_range")


# ---------------------------------------------------------------------------
# Learning-rate schedules
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Constant(Schedule):
    """lr(t) = lr"""

    lr: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check_lr("lr", self.lr))

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
        object.__setattr__(self, "lr", _check_lr("lr", self.lr))
        object.__setattr__(self, "step_size", check_int("step_size", self.step_size, minimum=1))
        object.__setattr__(self, "gamma", _check_decay_gamma("gamma", self.gamma))

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
        object.__setattr__(self, "lr", _check_lr("lr", self.lr))
        object.__setattr__(self, "milestones", _check_increasing("milestones", self.milestones))
        object.__setattr__(self, "gamma", _check_decay_gamma("gamma", self.gamma))

    def _value(self, t: np.ndarray) -> np.ndarray:
        passed = np.searchsorted(np.asarray(self.milestones, dtype=np.float64), t, side="right")
        return self.lr * self.gamma ** passed


@dataclass(frozen=True)
class ExponentialDecay(Schedule):
    """lr(t) = lr * gamma ** (t / decay_steps); the exponent is floored if staircase

    With decay_steps=1 this is torch ``ExponentialLR(gamma)``; in general Keras
    ``ExponentialDecay(lr, decay_steps, decay_rate=gamma, staircase)``. Its
    half-life is decay_steps * ln(2) / ln(1/gamma) steps.
    """

    lr: float
    gamma: float
    decay_steps: float = 1
    staircase: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check_lr("lr", self.lr))
        object.__setattr__(self, "gamma", _check_decay_gamma("gamma", self.gamma))
        object.__setattr__(self, "decay_steps", _int_if_whole(check_positive("decay_steps", self.decay_steps)))
        if not isinstance(self.staircase, (bool, np.bool_)):
            raise TypeError(f"staircase must be True or False, got staircase={self.staircase!r}")

    def _value(self, t: np.ndarray) -> np.ndarray:
        p = t / self.decay_steps
        if self.staircase:
            p = np.floor(p)
        return self.lr * self.gamma ** p


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
        object.__setattr__(self, "lr", _check_lr("lr", self.lr))
        object.__setattr__(self, "decay_rate", check_non_negative("decay_rate", self.decay_rate))
        object.__setattr__(self, "decay_steps", _int_if_whole(check_positive("decay_steps", self.decay_steps)))
        if not isinstance(self.staircase, (bool, np.bool_)):
            raise TypeError(f"staircase must be True or False, got staircase={self.staircase!r}")

    def _value(self, t: np.ndarray) -> np.ndarray:
        p = t / self.decay_steps
        if self.staircase:
            p = np.floor(p)
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
        object.__setattr__(self, "lr", _check_lr("lr", self.lr))
        object.__setattr__(self, "decay_rate", check_non_negative("decay_rate", self.decay_rate))
        object.__setattr__(self, "decay_steps", _int_if_whole(check_positive("decay_steps", self.decay_steps)))

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
        object.__setattr__(self, "lr", _check_lr("lr", self.lr))
        object.__setattr__(self, "total_steps", check_int("total_steps", self.total_steps, minimum=1))
        object.__setattr__(self, "end_lr", _check_min_lr("end_lr", self.end_lr, self.lr))
        object.__setattr__(self, "power", check_positive("power", self.power))

    def _value(self, t: np.ndarray) -> np.ndarray:
        frac = 1 - np.minimum(t, self.total_steps) / self.total_steps
        if self.power == 1:  # x ** 1.0 is a costly no-op on a large array
            return (self.lr - self.end_lr) * frac + self.end_lr
        return (self.lr - self.end_lr) * frac ** self.power + self.end_lr


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
        object.__setattr__(self, "lr", _check_lr("lr", self.lr))
        object.__setattr__(self, "total_steps", check_int("total_steps", self.total_steps, minimum=1))
        object.__setattr__(self, "end_lr", _check_min_lr("end_lr", self.end_lr, self.lr))

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
        object.__setattr__(self, "lr", _check_lr("lr", self.lr))
        object.__setattr__(self, "total_steps", check_int("total_steps", self.total_steps, minimum=1))
        object.__setattr__(self, "min_lr", _check_min_lr("min_lr", self.min_lr, self.lr))

    def _value(self, t: np.ndarray) -> np.ndarray:
        progress = np.minimum(t, self.total_steps) / self.total_steps
        return self.min_lr + (self.lr - self.min_lr) * (1 + np.cos(math.pi * progress)) / 2


def _restart_position(t: np.ndarray, cycle_steps: float, cycle_mult: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cycle index i, steps into the cycle, cycle length) for SGDR with growing cycles."""
    if cycle_mult == 1:
        i = np.floor(t / cycle_steps)
        return i, t - i * cycle_steps, np.full_like(t, float(cycle_steps))
    # The few cycle starts up to max(t), added up as torch does (T_i = cycle_steps * cycle_mult**i),
    # then a table look-up per step: exact at the boundaries, and faster than logs and powers.
    top = float(t.max(initial=0.0))
    starts, lengths = [0.0], [float(cycle_steps)]
    while starts[-1] + lengths[-1] <= top and len(starts) < _MAX_TABLE:
        starts.append(starts[-1] + lengths[-1])
        lengths.append(lengths[-1] * cycle_mult)
    if starts[-1] + lengths[-1] > top:
        i = np.searchsorted(np.array(starts), t, side="right") - 1
        return i.astype(np.float64), t - np.take(starts, i), np.take(lengths, i)
    # cycles that grow very slowly (cycle_mult near 1): closed form with logs
    i = np.floor(np.log1p(t / cycle_steps * (cycle_mult - 1)) / math.log(cycle_mult))
    for _ in range(2):  # repair rounding at exact cycle boundaries
        start = cycle_steps * (cycle_mult ** i - 1) / (cycle_mult - 1)
        length = cycle_steps * cycle_mult ** i
        i = np.where(t - start >= length, i + 1, np.where(t < start, i - 1, i))
    start = cycle_steps * (cycle_mult ** i - 1) / (cycle_mult - 1)
    return i, t - start, cycle_steps * cycle_mult ** i


_MAX_TABLE = 4096  # cycles tabulated by _restart_position before it falls back to logs


@dataclass(frozen=True)
class CosineRestarts(Schedule):
    """lr(t) = min_lr + (peak_i - min_lr) * (1 + cos(pi * t_i / T_i)) / 2,  peak_i = lr * cycle_decay ** i

    SGDR (Loshchilov & Hutter, 2017). Cycle i lasts T_i = cycle_steps *
    cycle_mult ** i steps and t_i counts the steps since it began; at each
    restart the rate jumps back to the (decayed) peak. The cosine is the
    missing half of article 000's "restart" rule, which resets the rate but
    never says what it does in between. Equals torch
    ``CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)`` for cycle_decay=1
    (torch needs an integer T_mult), and Keras ``CosineDecayRestarts`` up to
    how the floor is scaled. A peak that decays below min_lr is held at min_lr.
    """

    lr: float
    cycle_steps: int
    cycle_mult: float = 1
    min_lr: float = 0.0
    cycle_decay: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check_lr("lr", self.lr))
        object.__setattr__(self, "cycle_steps", check_int("cycle_steps", self.cycle_steps, minimum=1))
        mult = check_real("cycle_mult", self.cycle_mult)
        if mult < 1:
            raise ValueError(f"cycle_mult must be >= 1 (cycles may only grow), got cycle_mult={mult!r}")
        object.__setattr__(self, "cycle_mult", _int_if_whole(mult))
        object.__setattr__(self, "min_lr", _check_min_lr("min_lr", self.min_lr, self.lr))
        object.__setattr__(self, "cycle_decay", _check_decay_gamma("cycle_decay", self.cycle_decay))

    def _value(self, t: np.ndarray) -> np.ndarray:
        i, t_cur, length = _restart_position(t, self.cycle_steps, self.cycle_mult)
        peak = self.lr if self.cycle_decay == 1 else np.maximum(self.lr * self.cycle_decay ** i, self.min_lr)
        # min_lr + (peak - min_lr) * (1 + cos(pi * t_cur / length)) / 2, in place in t_cur (a fresh
        # array): this runs over every step of a training, and temporaries cost as much as the cosine
        x = np.asarray(t_cur, dtype=np.float64)
        x /= length
        x *= math.pi
        np.cos(x, out=x)
        x += 1
        x *= (peak - self.min_lr) / 2
        x += self.min_lr
        return x

    def cycle_ends(self, n_steps: int) -> list[int]:
        """The last step of every cycle that ends before ``n_steps`` (for snapshot ensembles)."""
        ends, start, length = [], 0.0, float(self.cycle_steps)
        while start + length <= n_steps:
            ends.append(int(math.ceil(start + length)) - 1)
            start += length
            length *= self.cycle_mult
        return ends


@dataclass(frozen=True)
class Cyclic(Schedule):
    """lr(t) = base_lr + (max_lr - base_lr) * h(t) * scale(t)

    Smith's cyclical learning rates, exactly torch ``CyclicLR``: h rises
    linearly from 0 to 1 over step_size_up steps and falls back over
    step_size_down (default: step_size_up). scale is 1 ("triangular"),
    1 / 2 ** (cycle - 1) ("triangular2", cycle counted from 1) or gamma ** t
    ("exp_range").
    """

    base_lr: float
    max_lr: float
    step_size_up: int
    step_size_down: int | None = None
    mode: str = "triangular"
    gamma: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_lr", _check_lr("base_lr", self.base_lr))
        max_lr = _check_lr("max_lr", self.max_lr)
        if max_lr < self.base_lr:
            raise ValueError(f"max_lr must be >= base_lr ({self.base_lr!r}), got max_lr={max_lr!r}")
        object.__setattr__(self, "max_lr", max_lr)
        object.__setattr__(self, "step_size_up", check_int("step_size_up", self.step_size_up, minimum=1))
        if self.step_size_down is not None:
            object.__setattr__(self, "step_size_down", check_int("step_size_down", self.step_size_down, minimum=1))
        check_in("mode", self.mode, _CYCLIC_MODES)
        object.__setattr__(self, "gamma", _check_decay_gamma("gamma", self.gamma))

    def _value(self, t: np.ndarray) -> np.ndarray:
        down = self.step_size_up if self.step_size_down is None else self.step_size_down
        cycle, height = _cyclic_shape(t, float(self.step_size_up), float(down))
        scale = _cyclic_scale(t, cycle, self.mode, self.gamma)
        return self.base_lr + (self.max_lr - self.base_lr) * height * scale


@dataclass(frozen=True)
class OneCycle(Schedule):
    """Warm up from max_lr/div_factor to max_lr over pct_start of the steps, then anneal to max_lr/(div_factor*final_div_factor)

    Smith & Topin's 1cycle, exactly torch ``OneCycleLR`` for t <= total_steps - 1
    (phase ends at pct_start*T - 1 and T - 1; with three_phase the rate comes
    back down to the initial rate at 2*pct_start*T - 2 before the final
    annihilation). anneal is "cos" or "linear". Differs on purpose past the
    end: we hold the final rate, where torch extrapolates one step then raises.
    Pair it with :func:`one_cycle_momentum` for the inverse momentum cycle.
    """

    max_lr: float
    total_steps: int
    pct_start: float = 0.3
    div_factor: float = 25.0
    final_div_factor: float = 1e4
    anneal: str = "cos"
    three_phase: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "max_lr", _check_lr("max_lr", self.max_lr))
        object.__setattr__(self, "total_steps", check_int("total_steps", self.total_steps, minimum=2))
        object.__setattr__(self, "pct_start", check_range("pct_start", self.pct_start, 0.0, 1.0,
                                                           low_open=True, high_open=True))
        div = check_real("div_factor", self.div_factor)
        if div < 1:
            raise ValueError(f"div_factor must be >= 1 (start at max_lr / div_factor), got div_factor={div!r}")
        final = check_real("final_div_factor", self.final_div_factor)
        if final < 1:
            raise ValueError(f"final_div_factor must be >= 1, got final_div_factor={final!r}")
        check_in("anneal", self.anneal, ("cos", "linear"))
        if self.three_phase and self.pct_start >= 0.5:
            raise ValueError(f"pct_start must be < 0.5 when three_phase=True, got pct_start={self.pct_start!r}")

    @property
    def initial_lr(self) -> float:
        return self.max_lr / self.div_factor

    @property
    def final_lr(self) -> float:
        return self.initial_lr / self.final_div_factor

    def _value(self, t: np.ndarray) -> np.ndarray:
        values = (self.initial_lr, self.max_lr, self.initial_lr, self.final_lr)
        phases = _one_cycle_phases(self.total_steps, self.pct_start, self.three_phase, values)
        return _eval_phases(t, phases, self.anneal)


@dataclass(frozen=True)
class Noam(Schedule):
    """lr(t) = lr * t / W for t < W, then lr * sqrt(W / t),  W = warmup_steps

    The Transformer schedule (Vaswani et al. 2017) normalised so that its peak
    is lr at t = W: Hugging Face ``get_inverse_sqrt_schedule`` with warm-up.
    The paper counts steps from 1 (its step = our t + 1) and scales by
    d_model ** -0.5, i.e. lr = (d_model * W) ** -0.5 at the peak. Starts at 0.
    """

    lr: float
    warmup_steps: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check_lr("lr", self.lr))
        object.__setattr__(self, "warmup_steps", check_int("warmup_steps", self.warmup_steps, minimum=1))

    def _value(self, t: np.ndarray) -> np.ndarray:
        w = self.warmup_steps
        return np.where(t < w, _ramp(self.lr, t, w), self.lr * np.sqrt(w / np.maximum(t, w)))


@dataclass(frozen=True)
class PiecewiseConstant(Schedule):
    """lr(t) = values[i],  i = number of boundaries <= t

    Switches *at* each boundary (torch/optax convention; Keras'
    PiecewiseConstantDecay switches at boundary + 1).
    """

    boundaries: tuple[int, ...]
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        boundaries = _check_increasing("boundaries", self.boundaries)
        if isinstance(self.values, (str, bytes)) or not isinstance(self.values, Sequence | np.ndarray):
            raise TypeError(f"values must be a sequence of rates, got values={self.values!r}")
        values = tuple(_check_lr(f"values[{i}]", v) for i, v in enumerate(self.values))
        if len(values) != len(boundaries) + 1:
            raise ValueError(
                f"values must have one more entry than boundaries: got {len(values)} values "
                f"for {len(boundaries)} boundaries (values={list(values)}, boundaries={list(boundaries)})")
        object.__setattr__(self, "boundaries", boundaries)
        object.__setattr__(self, "values", values)

    def _value(self, t: np.ndarray) -> np.ndarray:
        index = np.searchsorted(np.asarray(self.boundaries, dtype=np.float64), t, side="right")
        return np.asarray(self.values)[index]


@dataclass(frozen=True)
class Warmup(Schedule):
    """lr(t) = start_lr + (schedule(0) - start_lr) * t / W for t < W, then schedule(t - W)

    Linear warm-up in front of any schedule, which starts its own clock at the
    end of the warm-up. No jump: at t = W the rate is exactly schedule(0)
    (article 002's warm-up holds a flat rate, then jumps). With start_lr = 0,
    ``warmup(cosine_decay(lr, T - W), W)`` is Hugging Face's
    ``get_cosine_schedule_with_warmup(W, T)`` and ``warmup(linear_decay(lr, T - W), W)``
    its ``get_linear_schedule_with_warmup``.
    """

    schedule: Schedule
    warmup_steps: int
    start_lr: float = 0.0

    def __post_init__(self) -> None:
        _check_schedule("schedule", self.schedule)
        object.__setattr__(self, "warmup_steps", check_int("warmup_steps", self.warmup_steps, minimum=0))
        object.__setattr__(self, "start_lr", check_non_negative("start_lr", self.start_lr))

    def _value(self, t: np.ndarray) -> np.ndarray:
        w = self.warmup_steps
        after = self.schedule(np.maximum(t - w, 0.0))
        if w == 0:
            return after
        target = self.schedule(0)
        return np.where(t < w, self.start_lr + _ramp(target - self.start_lr, t, w), after)


@dataclass(frozen=True)
class Join(Schedule):
    """lr(t) = schedules[i](t - boundaries[i-1]) for boundaries[i-1] <= t < boundaries[i]

    Each piece restarts its own clock at its boundary (optax ``join_schedules``).
    The result is continuous only if each piece starts where the previous one
    stopped; build pieces that meet (e.g. a warm-up ending at the decay's lr).
    """

    schedules: tuple[Schedule, ...]
    boundaries: tuple[int, ...]

    def __post_init__(self) -> None:
        if isinstance(self.schedules, Schedule) or not isinstance(self.schedules, Sequence):
            raise TypeError(f"schedules must be a sequence of schedules, got schedules={self.schedules!r}")
        schedules = tuple(self.schedules)
        for i, s in enumerate(schedules):
            _check_schedule(f"schedules[{i}]", s)
        boundaries = _check_increasing("boundaries", self.boundaries, strictly_above=True)
        if len(schedules) != len(boundaries) + 1:
            raise ValueError(
                f"schedules must have one more entry than boundaries: got {len(schedules)} schedules "
                f"for {len(boundaries)} boundaries (boundaries={list(boundaries)})")
        object.__setattr__(self, "schedules", schedules)
        object.__setattr__(self, "boundaries", boundaries)

    def _value(self, t: np.ndarray) -> np.ndarray:
        starts = (0.0,) + tuple(float(b) for b in self.boundaries)
        index = np.searchsorted(np.asarray(self.boundaries, dtype=np.float64), t, side="right")
        out = np.zeros_like(t)
        for i, (piece, start) in enumerate(zip(self.schedules, starts)):
            out = np.where(index == i, piece(np.maximum(t - start, 0.0)), out)
        return out


_WSD_DECAYS = ("linear", "cosine", "1-sqrt")


@dataclass(frozen=True)
class WarmupStableDecay(Schedule):
    """Warm up linearly from min_lr to lr over W steps, hold lr, decay to min_lr over the last D of T steps

    lr(t) = min_lr + (lr - min_lr) * f(t), with f = t / W during warm-up, 1 while
    stable, and over the decay p = (t - (T - D)) / D goes 1 - p ("linear"),
    (1 + cos(pi p)) / 2 ("cosine") or 1 - sqrt(p) ("1-sqrt"); min_lr from T on.
    Hugging Face ``get_wsd_schedule`` with min_lr_ratio = min_lr / lr; MiniCPM's
    WSD. Unlike cosine, the stable branch does not need to know T in advance:
    you can decay from any point of it.
    """

    lr: float
    total_steps: int
    warmup_steps: int
    decay_steps: int
    min_lr: float = 0.0
    decay: str = "linear"

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", _check_lr("lr", self.lr))
        object.__setattr__(self, "total_steps", check_int("total_steps", self.total_steps, minimum=1))
        object.__setattr__(self, "warmup_steps", check_int("warmup_steps", self.warmup_steps, minimum=0))
        object.__setattr__(self, "decay_steps", check_int("decay_steps", self.decay_steps, minimum=1))
        if self.warmup_steps + self.decay_steps > self.total_steps:
            raise ValueError(
                f"warmup_steps + decay_steps must be <= total_steps ({self.total_steps}); got "
                f"warmup_steps={self.warmup_steps}, decay_steps={self.decay_steps}")
        object.__setattr__(self, "min_lr", _check_min_lr("min_lr", self.min_lr, self.lr))
        check_in("decay", self.decay, _WSD_DECAYS)

    def _value(self, t: np.ndarray) -> np.ndarray:
        w, d, total = self.warmup_steps, self.decay_steps, self.total_steps
        decay_start = total - d
        p = np.clip((t - decay_start) / d, 0.0, 1.0)
        if self.decay == "linear":
            down = 1 - p
        elif self.decay == "cosine":
            down = (1 + np.cos(math.pi * p)) / 2
        else:
            down = 1 - np.sqrt(p)
        up = t / w if w > 0 else np.ones_like(t)
        factor = np.where(t < w, up, np.where(t < decay_start, 1.0, down))
        return self.min_lr + (self.lr - self.min_lr) * factor


@dataclass(frozen=True)
class Scaled(Schedule):
    """lr(t) = factor * schedule(t)

    E.g. the linear scaling rule: k times the batch, k times the rate.
    """

    schedule: Schedule
    factor: float

    def __post_init__(self) -> None:
        _check_schedule("schedule", self.schedule)
        object.__setattr__(self, "factor", check_positive("factor", self.factor))
        start = self.factor * float(self.schedule(0))  # Python floats: inf, no warning
        if not math.isfinite(start):
            raise ValueError(f"factor * schedule(0) must be finite, got factor={self.factor!r} for a schedule "
                             f"starting at {float(self.schedule(0))!r} (schedule={self.schedule!r})")

    def _value(self, t: np.ndarray) -> np.ndarray:
        return self.factor * self.schedule(t)


# ---------------------------------------------------------------------------
# Momentum schedules (same protocol; the values are momenta, or Adam's beta1)
# ---------------------------------------------------------------------------

def _check_momentum_pair(base: Any, peak: Any, base_name: str, peak_name: str) -> tuple[float, float]:
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
        object.__setattr__(self, "total_steps", check_int("total_steps", self.total_steps, minimum=2))
        object.__setattr__(self, "pct_start", check_range("pct_start", self.pct_start, 0.0, 1.0,
                                                           low_open=True, high_open=True))
        base, peak = _check_momentum_pair(self.base_momentum, self.max_momentum, "base_momentum", "max_momentum")
        object.__setattr__(self, "base_momentum", base)
        object.__setattr__(self, "max_momentum", peak)
        check_in("anneal", self.anneal, ("cos", "linear"))
        if self.three_phase and self.pct_start >= 0.5:
            raise ValueError(f"pct_start must be < 0.5 when three_phase=True, got pct_start={self.pct_start!r}")

    def _value(self, t: np.ndarray) -> np.ndarray:
        hi, lo = self.max_momentum, self.base_momentum
        phases = _one_cycle_phases(self.total_steps, self.pct_start, self.three_phase, (hi, lo, hi, hi))
        return _eval_phases(t, phases, self.anneal)


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
        base, peak = _check_momentum_pair(self.base_momentum, self.max_momentum, "base_momentum", "max_momentum")
        object.__setattr__(self, "base_momentum", base)
        object.__setattr__(self, "max_momentum", peak)
        check_in("mode", self.mode, _CYCLIC_MODES)
        object.__setattr__(self, "gamma", _check_decay_gamma("gamma", self.gamma))

    def _value(self, t: np.ndarray) -> np.ndarray:
        down = self.step_size_up if self.step_size_down is None else self.step_size_down
        cycle, height = _cyclic_shape(t, float(self.step_size_up), float(down))
        scale = _cyclic_scale(t, cycle, self.mode, self.gamma)
        return self.max_momentum - (self.max_momentum - self.base_momentum) * height * scale


def _check_schedule(name: str, value: Any) -> None:
    if not isinstance(value, Schedule):
        raise TypeError(
            f"{name} must be a course_lib schedule (e.g. S.cosine_decay(0.1, 1000)), "
            f"got {name}={value!r} ({type(value).__name__})")


def _int_if_whole(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


# ---------------------------------------------------------------------------
# Factories: the public names
# ---------------------------------------------------------------------------

def constant(lr: float) -> Constant:
    """A fixed rate: lr(t) = lr."""
    return Constant(lr)


def step_decay(lr: float, step_size: int, gamma: float = 0.1) -> StepDecay:
    """lr * gamma ** floor(t / step_size) (torch StepLR). step_size in steps."""
    return StepDecay(lr, step_size, gamma)


def multistep_decay(lr: float, milestones: Sequence[int], gamma: float = 0.1) -> MultiStepDecay:
    """lr * gamma ** (number of milestones <= t) (torch MultiStepLR). Milestones in steps."""
    if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Sequence | np.ndarray):
        raise TypeError(f"milestones must be a sequence of steps, got milestones={milestones!r}")
    return MultiStepDecay(lr, tuple(milestones), gamma)


def exponential_decay(lr: float, gamma: float, decay_steps: float = 1,
                      staircase: bool = False) -> ExponentialDecay:
    """lr * gamma ** (t / decay_steps), floored exponent if staircase (torch ExponentialLR, Keras ExponentialDecay)."""
    return ExponentialDecay(lr, gamma, decay_steps, staircase)


def inverse_time_decay(lr: float, decay_rate: float, decay_steps: float = 1,
                       staircase: bool = False) -> InverseTimeDecay:
    """lr / (1 + decay_rate * t / decay_steps) (Keras InverseTimeDecay)."""
    return InverseTimeDecay(lr, decay_rate, decay_steps, staircase)


def inverse_sqrt_decay(lr: float, decay_rate: float, decay_steps: float = 1) -> InverseSqrtDecay:
    """lr / sqrt(1 + decay_rate * t / decay_steps)."""
    return InverseSqrtDecay(lr, decay_rate, decay_steps)


def polynomial_decay(lr: float, total_steps: int, end_lr: float = 0.0,
                     power: float = 1.0) -> PolynomialDecay:
    """(lr - end_lr) * (1 - min(t, T)/T) ** power + end_lr (torch PolynomialLR, Keras PolynomialDecay)."""
    return PolynomialDecay(lr, total_steps, end_lr, power)


def linear_decay(lr: float, total_steps: int, end_lr: float = 0.0) -> LinearDecay:
    """Straight line from lr to end_lr over total_steps, then flat (polynomial_decay with power 1)."""
    return LinearDecay(lr, total_steps, end_lr)


def cosine_decay(lr: float, total_steps: int, min_lr: float = 0.0) -> CosineDecay:
    """min_lr + (lr - min_lr)(1 + cos(pi min(t,T)/T))/2 (torch CosineAnnealingLR for t <= T, Keras CosineDecay)."""
    return CosineDecay(lr, total_steps, min_lr)


def cosine_restarts(lr: float, cycle_steps: int, cycle_mult: float = 1, min_lr: float = 0.0,
                    cycle_decay: float = 1.0) -> CosineRestarts:
    """SGDR: cosine within each cycle; cycle i lasts cycle_steps * cycle_mult**i, peak lr * cycle_decay**i."""
    return CosineRestarts(lr, cycle_steps, cycle_mult, min_lr, cycle_decay)


def cyclic(base_lr: float, max_lr: float, step_size_up: int, step_size_down: int | None = None,
           mode: str = "triangular", gamma: float = 1.0) -> Cyclic:
    """Smith's cyclical rates: "triangular", "triangular2", "exp_range" (torch CyclicLR)."""
    return Cyclic(base_lr, max_lr, step_size_up, step_size_down, mode, gamma)


def one_cycle(max_lr: float, total_steps: int, pct_start: float = 0.3, div_factor: float = 25.0,
              final_div_factor: float = 1e4, anneal: str = "cos", three_phase: bool = False) -> OneCycle:
    """1cycle policy (torch OneCycleLR), held at its final rate past total_steps."""
    return OneCycle(max_lr, total_steps, pct_start, div_factor, final_div_factor, anneal, three_phase)


def noam(lr: float, warmup_steps: int) -> Noam:
    """lr * t / W for t < W, then lr * sqrt(W / t): the Transformer schedule with peak lr."""
    return Noam(lr, warmup_steps)


def piecewise_constant(boundaries: Sequence[int], values: Sequence[float]) -> PiecewiseConstant:
    """values[i] where i = number of boundaries <= t."""
    if isinstance(boundaries, (str, bytes)) or not isinstance(boundaries, Sequence | np.ndarray):
        raise TypeError(f"boundaries must be a sequence of steps, got boundaries={boundaries!r}")
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence | np.ndarray):
        raise TypeError(f"values must be a sequence of rates, got values={values!r}")
    return PiecewiseConstant(tuple(boundaries), tuple(values))


def warmup(schedule: Schedule, warmup_steps: int, start_lr: float = 0.0) -> Warmup:
    """Linear warm-up from start_lr to schedule(0) over warmup_steps, then schedule(t - warmup_steps)."""
    return Warmup(schedule, warmup_steps, start_lr)


def join(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> Join:
    """Schedule i from boundaries[i-1] on, with its clock restarted there (optax join_schedules)."""
    if isinstance(schedules, Schedule) or not isinstance(schedules, Sequence):
        raise TypeError(f"schedules must be a sequence of schedules, got schedules={schedules!r}")
    if isinstance(boundaries, (str, bytes)) or not isinstance(boundaries, Sequence | np.ndarray):
        raise TypeError(f"boundaries must be a sequence of steps, got boundaries={boundaries!r}")
    return Join(tuple(schedules), tuple(boundaries))


def warmup_stable_decay(lr: float, total_steps: int, warmup_steps: int, decay_steps: int,
                        min_lr: float = 0.0, decay: str = "linear") -> WarmupStableDecay:
    """Warm-up, stable, decay (WSD): Hugging Face get_wsd_schedule with min_lr_ratio = min_lr / lr."""
    return WarmupStableDecay(lr, total_steps, warmup_steps, decay_steps, min_lr, decay)


def scaled(schedule: Schedule, factor: float) -> Scaled:
    """factor * schedule(t)."""
    return Scaled(schedule, factor)


def constant_momentum(momentum: float) -> ConstantMomentum:
    """A fixed momentum."""
    return ConstantMomentum(momentum)


def one_cycle_momentum(total_steps: int, pct_start: float = 0.3, base_momentum: float = 0.85,
                       max_momentum: float = 0.95, anneal: str = "cos",
                       three_phase: bool = False) -> OneCycleMomentum:
    """The inverse momentum cycle that goes with :func:`one_cycle` (torch OneCycleLR's momentum)."""
    return OneCycleMomentum(total_steps, pct_start, base_momentum, max_momentum, anneal, three_phase)


def cyclic_momentum(step_size_up: int, step_size_down: int | None = None, base_momentum: float = 0.8,
                    max_momentum: float = 0.9, mode: str = "triangular",
                    gamma: float = 1.0) -> CyclicMomentum:
    """The inverse momentum cycle that goes with :func:`cyclic` (torch CyclicLR's momentum)."""
    return CyclicMomentum(step_size_up, step_size_down, base_momentum, max_momentum, mode, gamma)


#: name -> factory, for every learning-rate schedule (composition excluded).
CATALOG: dict[str, Callable[..., Schedule]] = {
    "constant": constant,
    "step_decay": step_decay,
    "multistep_decay": multistep_decay,
    "exponential_decay": exponential_decay,
    "inverse_time_decay": inverse_time_decay,
    "inverse_sqrt_decay": inverse_sqrt_decay,
    "polynomial_decay": polynomial_decay,
    "linear_decay": linear_decay,
    "cosine_decay": cosine_decay,
    "cosine_restarts": cosine_restarts,
    "cyclic": cyclic,
    "one_cycle": one_cycle,
    "noam": noam,
    "piecewise_constant": piecewise_constant,
    "warmup_stable_decay": warmup_stable_decay,
}

#: name -> factory for momentum schedules.
MOMENTUM_CATALOG: dict[str, Callable[..., Schedule]] = {
    "constant_momentum": constant_momentum,
    "one_cycle_momentum": one_cycle_momentum,
    "cyclic_momentum": cyclic_momentum,
}


def __getattr__(name: str) -> Any:  # the torch twins load torch: only when asked for
    if name in ("as_torch_scheduler", "CourseScheduler"):
        from course_lib import torch_bridge
        return getattr(torch_bridge, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
