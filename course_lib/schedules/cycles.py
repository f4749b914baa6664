"""Schedules that come back up: cosine restarts (SGDR), cyclical rates, the 1cycle policy.

The phase arithmetic is torch's (CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR), so
the values equal torch's to the last bits (tests/schedules/test_torch_twins.py);
:mod:`course_lib.schedules.momentum` reuses it for the inverse momentum cycles.

>>> cyclic(1, 5, 4)(np.arange(11)).tolist()
[1.0, 2.0, 3.0, 4.0, 5.0, 4.0, 3.0, 2.0, 1.0, 2.0, 3.0]
>>> cosine_restarts(0.1, 10, cycle_mult=2).cycle_ends(75)
[9, 29, 69]
>>> round(one_cycle(0.1, 100)(29), 6), round(one_cycle(0.1, 100).final_lr, 9)
(0.1, 4e-07)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_lib.schedules.base import (
    Schedule,
    check_decay_gamma,
    check_lr,
    check_min_lr,
    factory,
    int_if_whole,
)
from course_lib.validation import check_flag, check_in, check_int, check_range, check_real

__all__ = [
    "CosineRestarts",
    "Cyclic",
    "OneCycle",
    "cosine_restarts",
    "cyclic",
    "one_cycle",
    "CYCLIC_MODES",
    "anneal",
    "one_cycle_phases",
    "check_one_cycle_phases",
    "eval_phases",
    "cyclic_shape",
    "cyclic_scale",
    "restart_position",
    "MAX_TABLE",
]


def anneal(start: np.ndarray | float, end: np.ndarray | float, pct: np.ndarray, how: str) -> np.ndarray:
    """Go from ``start`` (pct=0) to ``end`` (pct=1): 'cos' or 'linear' (torch OneCycleLR's forms).

    >>> anneal(1.0, 0.0, np.array([0.0, 0.5, 1.0]), "linear").tolist()
    [1.0, 0.5, 0.0]
    """
    if how == "cos":
        return end + (start - end) / 2.0 * (np.cos(math.pi * pct) + 1)
    return (end - start) * pct + start


def one_cycle_phases(
    total_steps: int, pct_start: float, three_phase: bool, values: tuple[float, ...]
) -> list[tuple[float, float, float]]:
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


def check_one_cycle_phases(schedule: Any) -> None:
    """Check and normalise a one-cycle's total_steps, pct_start, anneal and three_phase (rate or momentum)."""
    object.__setattr__(schedule, "total_steps", check_int("total_steps", schedule.total_steps, minimum=2))
    object.__setattr__(
        schedule, "pct_start", check_range("pct_start", schedule.pct_start, 0.0, 1.0, low_open=True, high_open=True)
    )
    check_in("anneal", schedule.anneal, ("cos", "linear"))
    object.__setattr__(schedule, "three_phase", check_flag("three_phase", schedule.three_phase))
    if schedule.three_phase and schedule.pct_start >= 0.5:
        raise ValueError(f"pct_start must be < 0.5 when three_phase=True, got pct_start={schedule.pct_start!r}")


def eval_phases(t: np.ndarray, phases: list[tuple[float, float, float]], how: str) -> np.ndarray:
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
        out[here] = anneal(start_value, end_value, pct, how)
        start_step = end_step
    return out


def cyclic_shape(t: np.ndarray, step_size_up: float, step_size_down: float) -> tuple[np.ndarray, np.ndarray]:
    """torch CyclicLR's triangle: returns (cycle number from 1, height in [0, 1])."""
    total = step_size_up + step_size_down
    ratio = step_size_up / total
    cycle = np.floor(1 + t / total)
    x = 1.0 + t / total - cycle
    height = np.where(x <= ratio, x / ratio, (x - 1) / (ratio - 1))
    return cycle, height


def cyclic_scale(t: np.ndarray, cycle: np.ndarray, mode: str, gamma: float) -> np.ndarray:
    """The amplitude of torch CyclicLR's cycle: 1, halved every cycle, or gamma ** t."""
    if mode == "triangular":
        return np.ones_like(t)
    if mode == "triangular2":
        return np.exp2(-(cycle - 1))  # = 1 / 2 ** (cycle - 1), but underflows quietly to 0 for huge cycles
    return gamma**t  # exp_range


#: The modes of :func:`cyclic` (torch CyclicLR's).
#: The modes of :func:`cyclic` (torch CyclicLR's).
CYCLIC_MODES = ("triangular", "triangular2", "exp_range")


def restart_position(t: np.ndarray, cycle_steps: float, cycle_mult: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cycle index i, steps into the cycle, cycle length) for SGDR with growing cycles."""
    if cycle_mult == 1:
        i = np.floor(t / cycle_steps)
        return i, t - i * cycle_steps, np.full_like(t, float(cycle_steps))
    # The few cycle starts up to max(t), added up as torch does (T_i = cycle_steps * cycle_mult**i),
    # then a table look-up per step: exact at the boundaries, and faster than logs and powers.
    top = float(t.max(initial=0.0))
    starts, lengths = [0.0], [float(cycle_steps)]
    while starts[-1] + lengths[-1] <= top and len(starts) < MAX_TABLE:
        starts.append(starts[-1] + lengths[-1])
        lengths.append(lengths[-1] * cycle_mult)
    if starts[-1] + lengths[-1] > top:
        i = np.searchsorted(np.array(starts), t, side="right") - 1
        return i.astype(np.float64), t - np.take(starts, i), np.take(lengths, i)
    # cycles that grow very slowly (cycle_mult near 1): closed form with logs
    i = np.floor(np.log1p(t / cycle_steps * (cycle_mult - 1)) / math.log(cycle_mult))
    for _ in range(2):  # repair rounding at exact cycle boundaries
        start = cycle_steps * (cycle_mult**i - 1) / (cycle_mult - 1)
        length = cycle_steps * cycle_mult**i
        i = np.where(t - start >= length, i + 1, np.where(t < start, i - 1, i))
    start = cycle_steps * (cycle_mult**i - 1) / (cycle_mult - 1)
    return i, t - start, cycle_steps * cycle_mult**i


MAX_TABLE = 4096  # cycles tabulated by _restart_position before it falls back to logs


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
        object.__setattr__(self, "lr", check_lr("lr", self.lr))
        object.__setattr__(self, "cycle_steps", check_int("cycle_steps", self.cycle_steps, minimum=1))
        mult = check_real("cycle_mult", self.cycle_mult)
        if mult < 1:
            raise ValueError(f"cycle_mult must be >= 1 (cycles may only grow), got cycle_mult={mult!r}")
        object.__setattr__(self, "cycle_mult", int_if_whole(mult))
        object.__setattr__(self, "min_lr", check_min_lr("min_lr", self.min_lr, self.lr))
        object.__setattr__(self, "cycle_decay", check_decay_gamma("cycle_decay", self.cycle_decay))

    @property
    def horizon(self) -> None:
        """None: the cycles repeat without an end (every restart ends one; see cycle_ends)."""
        return None

    def _value(self, t: np.ndarray) -> np.ndarray:
        i, t_cur, length = restart_position(t, self.cycle_steps, self.cycle_mult)
        peak = self.lr if self.cycle_decay == 1 else np.maximum(self.lr * self.cycle_decay**i, self.min_lr)
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
        object.__setattr__(self, "base_lr", check_lr("base_lr", self.base_lr))
        max_lr = check_lr("max_lr", self.max_lr)
        if max_lr < self.base_lr:
            raise ValueError(f"max_lr must be >= base_lr ({self.base_lr!r}), got max_lr={max_lr!r}")
        object.__setattr__(self, "max_lr", max_lr)
        object.__setattr__(self, "step_size_up", check_int("step_size_up", self.step_size_up, minimum=1))
        if self.step_size_down is not None:
            object.__setattr__(self, "step_size_down", check_int("step_size_down", self.step_size_down, minimum=1))
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
        return self.base_lr + (self.max_lr - self.base_lr) * height * scale


@dataclass(frozen=True)
class OneCycle(Schedule):
    """Warm up from max_lr/div_factor to max_lr over pct_start of the steps,
    then anneal to max_lr/(div_factor*final_div_factor)

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
        object.__setattr__(self, "max_lr", check_lr("max_lr", self.max_lr))
        check_one_cycle_phases(self)
        div = check_real("div_factor", self.div_factor)
        if div < 1:
            raise ValueError(f"div_factor must be >= 1 (start at max_lr / div_factor), got div_factor={div!r}")
        final = check_real("final_div_factor", self.final_div_factor)
        if final < 1:
            raise ValueError(f"final_div_factor must be >= 1, got final_div_factor={final!r}")

    @property
    def initial_lr(self) -> float:
        return self.max_lr / self.div_factor

    @property
    def final_lr(self) -> float:
        return self.initial_lr / self.final_div_factor

    @property
    def horizon(self) -> int:
        """total_steps: the step where the cycle ends (it holds its final rate after)."""
        return self.total_steps

    def _value(self, t: np.ndarray) -> np.ndarray:
        values = (self.initial_lr, self.max_lr, self.initial_lr, self.final_lr)
        phases = one_cycle_phases(self.total_steps, self.pct_start, self.three_phase, values)
        return eval_phases(t, phases, self.anneal)


# ---------------------------------------------------------------------------
# Factories: the public names (each is its class, plus other libraries' names for its parameters)
# ---------------------------------------------------------------------------

cosine_restarts = factory(
    CosineRestarts,
    "cosine_restarts",
    T_0="cycle_steps",
    T_mult="cycle_mult",
    eta_min="min_lr",
    end_lr="min_lr",
    first_decay_steps="cycle_steps",
    t_mul="cycle_mult",
    m_mul="cycle_decay",
)
cyclic = factory(Cyclic, "cyclic")
one_cycle = factory(OneCycle, "one_cycle", anneal_strategy="anneal", lr="max_lr")
