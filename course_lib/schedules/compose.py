"""Composition: new schedules from old ones, optax-style.

Two primitives and two combinators build every composite of the catalog:

* :func:`ramp` - a straight line from one rate to another over some steps, then flat
  (optax's ``linear_schedule``, a polynomial of power 1);
* :func:`join` - schedule i from boundaries[i-1] on, each piece with its clock restarted
  at its boundary (optax ``join_schedules``);
* :func:`scaled` - factor * schedule; :func:`rescaled` - a shape on [0, 1] stretched
  between two rates (fastai's shape x range).

:func:`warmup`, :func:`warmup_stable_decay` and :func:`noam` are such compositions: each
is a frozen dataclass with its own readable fields (its repr is what plot titles and
History configs show) whose ``parts`` are the join it evaluates.

>>> s = warmup(cosine_decay(0.1, 90), 10)
>>> s.parts
Join(schedules=(Ramp(start_lr=0.0, end_lr=0.1, total_steps=10), CosineDecay(lr=0.1, total_steps=90, min_lr=0.0)), boundaries=(10,))
>>> s(5), s(10)
(0.05, 0.1)
>>> noam(1.0, 100).parts.schedules[1]
InverseSqrtDecay(lr=1.0, decay_rate=1.0, decay_steps=100)
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

from course_lib.schedules.base import (
    Schedule,
    check_increasing,
    check_lr,
    check_min_lr,
    check_schedule,
    factory,
    int_if_whole,
)
from course_lib.schedules.decay import (
    constant,
    cosine_decay,
    inverse_sqrt_decay,
    linear_decay,
    one_minus_sqrt_decay,
)
from course_lib.validation import check_in, check_int, check_non_negative, check_positive

__all__ = [
    "Ramp",
    "Join",
    "Scaled",
    "Rescaled",
    "Composite",
    "Warmup",
    "WarmupStableDecay",
    "Noam",
    "KDecay",
    "Noisy",
    "ramp",
    "join",
    "scaled",
    "rescaled",
    "warmup",
    "warmup_stable_decay",
    "noam",
    "k_decay",
    "noisy",
    "WSD_DECAYS",
    "NOISE_TYPES",
]


# ---------------------------------------------------------------------------
# Primitives and combinators
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Ramp(Schedule):
    """lr(t) = start_lr + (end_lr - start_lr) * min(t, T) / T,  T = total_steps

    A straight line from start_lr to end_lr over T steps, then flat at end_lr: optax's
    ``linear_schedule`` (a polynomial of power 1). It goes up (a warm-up) or down.
    Evaluated as (end_lr - start_lr) * t first, then / T, the order torch and Hugging
    Face's warm-ups use (or, where that product overflows near 1e308, (t / T) first).
    """

    start_lr: float
    end_lr: float
    total_steps: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "start_lr", check_non_negative("start_lr", self.start_lr))
        object.__setattr__(self, "end_lr", check_non_negative("end_lr", self.end_lr))
        object.__setattr__(self, "total_steps", check_int("total_steps", self.total_steps, minimum=1))

    @property
    def horizon(self) -> None:
        """None: a ramp reaches end_lr after total_steps and holds it, fine in any longer run."""
        return None

    def _value(self, t: np.ndarray) -> np.ndarray:
        w, height = self.total_steps, self.end_lr - self.start_lr
        t = np.minimum(t, w)
        with np.errstate(over="ignore"):
            rise = height * t / w
        big = np.isinf(rise)
        if big.any():
            rise[big] = height * (t[big] / w)
        return self.start_lr + rise


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
            check_schedule(f"schedules[{i}]", s)
        boundaries = check_increasing("boundaries", self.boundaries, strictly_above=True)
        if len(schedules) != len(boundaries) + 1:
            raise ValueError(
                f"schedules must have one more entry than boundaries: got {len(schedules)} schedules "
                f"for {len(boundaries)} boundaries (boundaries={list(boundaries)})"
            )
        object.__setattr__(self, "schedules", schedules)
        object.__setattr__(self, "boundaries", boundaries)

    @property
    def horizon(self) -> int | None:
        """The last boundary + the last piece's horizon; None if the last piece has none."""
        last = self.schedules[-1].horizon
        start = self.boundaries[-1] if self.boundaries else 0
        return None if last is None else int(start + last)

    def _value(self, t: np.ndarray) -> np.ndarray:
        starts = (0.0,) + tuple(float(b) for b in self.boundaries)
        index = np.searchsorted(np.asarray(self.boundaries, dtype=np.float64), t, side="right")
        out = np.zeros_like(t)
        for i, (piece, start) in enumerate(zip(self.schedules, starts)):
            out = np.where(index == i, piece(np.maximum(t - start, 0.0)), out)
        return out


@dataclass(frozen=True)
class Scaled(Schedule):
    """lr(t) = factor * schedule(t)

    E.g. the linear scaling rule: k times the batch, k times the rate.
    """

    schedule: Schedule
    factor: float

    def __post_init__(self) -> None:
        check_schedule("schedule", self.schedule)
        object.__setattr__(self, "factor", check_positive("factor", self.factor))
        start = self.factor * float(self.schedule(0))  # Python floats: inf, no warning
        if not math.isfinite(start):
            raise ValueError(
                f"factor * schedule(0) must be finite, got factor={self.factor!r} for a schedule "
                f"starting at {float(self.schedule(0))!r} (schedule={self.schedule!r})"
            )

    @property
    def horizon(self) -> int | None:
        """The schedule's horizon (scaling the rate does not move its end)."""
        return self.schedule.horizon

    def _value(self, t: np.ndarray) -> np.ndarray:
        return self.factor * self.schedule(t)


@dataclass(frozen=True)
class Rescaled(Schedule):
    """lr(t) = low + (high - low) * clip(shape(t), 0, 1)

    A shape that runs on [0, 1] (1 = the peak) stretched to run between the rates low
    and high: fastai's shape x range. WSD is one: a join of unit pieces, rescaled to
    [min_lr, lr]. Shape values outside [0, 1] are clipped (the rate stays in [low, high]).
    """

    shape: Schedule
    low: float
    high: float

    def __post_init__(self) -> None:
        check_schedule("shape", self.shape)
        object.__setattr__(self, "high", check_lr("high", self.high))
        object.__setattr__(self, "low", check_min_lr("low", self.low, self.high, "high"))

    @property
    def horizon(self) -> int | None:
        """The shape's horizon (stretching the rates does not move its end)."""
        return self.shape.horizon

    def _value(self, t: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * np.clip(self.shape(t), 0.0, 1.0)


@dataclass(frozen=True)
class Composite(Schedule):
    """Base of the schedules defined as a composition of simpler ones.

    A subclass keeps its own fields (its repr, equality and the explorers' controls read
    them) and says in :meth:`compose` which join of primitives it is; ``parts`` holds that
    composition, built once on first use.
    """

    def compose(self) -> Schedule:  # pragma: no cover - abstract
        """The composition of primitives this schedule is."""
        raise NotImplementedError

    @functools.cached_property
    def parts(self) -> Schedule:
        """The composition (``compose()``), built on first use and kept."""
        return self.compose()

    @property
    def horizon(self) -> int | None:
        """The horizon of the composition it is (``parts.horizon``)."""
        return self.parts.horizon

    def _value(self, t: np.ndarray) -> np.ndarray:
        return self.parts(t)


# ---------------------------------------------------------------------------
# The composites of the catalog
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Warmup(Composite):
    """lr(t) = start_lr + (schedule(0) - start_lr) * t / W for t < W, then schedule(t - W)

    Linear warm-up in front of any schedule, which starts its own clock at the
    end of the warm-up: ``join([ramp(start_lr, schedule(0), W), schedule], [W])``.
    No jump: at t = W the rate is exactly schedule(0)
    (article 002's warm-up holds a flat rate, then jumps). With start_lr = 0,
    ``warmup(cosine_decay(lr, T - W), W)`` is Hugging Face's
    ``get_cosine_schedule_with_warmup(W, T)`` and ``warmup(linear_decay(lr, T - W), W)``
    its ``get_linear_schedule_with_warmup``.
    """

    schedule: Schedule
    warmup_steps: int
    start_lr: float = 0.0

    def __post_init__(self) -> None:
        check_schedule("schedule", self.schedule)
        object.__setattr__(self, "warmup_steps", check_int("warmup_steps", self.warmup_steps, minimum=0))
        object.__setattr__(self, "start_lr", check_non_negative("start_lr", self.start_lr))

    def compose(self) -> Schedule:
        if self.warmup_steps == 0:
            return self.schedule
        up = ramp(self.start_lr, float(self.schedule(0)), self.warmup_steps)
        return join([up, self.schedule], [self.warmup_steps])


#: The decay shapes of :func:`warmup_stable_decay` (Hugging Face's decay_type).
WSD_DECAYS = ("linear", "cosine", "1-sqrt")
_UNIT_COOLDOWNS = {"linear": linear_decay, "cosine": cosine_decay, "1-sqrt": one_minus_sqrt_decay}


@dataclass(frozen=True)
class WarmupStableDecay(Composite):
    """Warm up linearly from min_lr to lr over W steps, hold lr, decay to min_lr over the last D of T steps

    lr(t) = min_lr + (lr - min_lr) * f(t), with f = t / W during warm-up, 1 while
    stable, and over the decay p = (t - (T - D)) / D goes 1 - p ("linear"),
    (1 + cos(pi p)) / 2 ("cosine") or 1 - sqrt(p) ("1-sqrt"); min_lr from T on.
    f is ``join([ramp(0, 1, W), constant(1), <decay>(1, D)], [W, T - D])``, rescaled
    to [min_lr, lr]. Hugging Face ``get_wsd_schedule(W, D, T, decay_type=decay)`` with
    min_lr_ratio = min_lr / lr (a LambdaLR: step t = 0 is the first update); MiniCPM's
    WSD. Unlike cosine, the stable branch does not need to know T in advance:
    you can decay from any point of it. Here decay_steps is the length D of the
    decay phase (Hugging Face's num_decay_steps), not a time constant as in
    :func:`exponential_decay`.

    The default decay differs from Hugging Face's on purpose: ours is "linear", theirs
    is "cosine" (pytorch_optimizer's and timm's is "1-sqrt"). The linear cool-down is the
    trapezoid that Hägele et al. (2024) start from and compare 1-sqrt against, and the course's
    WSD recipe (:func:`~course_lib.schedules.recipes.wsd_schedule`), its studies' claims and
    the stored notebooks are measured with it. Pass ``decay="cosine"`` (or its alias
    ``decay_type="cosine"``) for Hugging Face's default curve.
    """

    lr: float
    total_steps: int
    warmup_steps: int
    decay_steps: int
    min_lr: float = 0.0
    decay: str = "linear"

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_lr("lr", self.lr))
        object.__setattr__(self, "total_steps", check_int("total_steps", self.total_steps, minimum=1))
        object.__setattr__(self, "warmup_steps", check_int("warmup_steps", self.warmup_steps, minimum=0))
        object.__setattr__(self, "decay_steps", check_int("decay_steps", self.decay_steps, minimum=1))
        if self.warmup_steps + self.decay_steps > self.total_steps:
            raise ValueError(
                f"warmup_steps + decay_steps must be <= total_steps ({self.total_steps}); got "
                f"warmup_steps={self.warmup_steps}, decay_steps={self.decay_steps}"
            )
        object.__setattr__(self, "min_lr", check_min_lr("min_lr", self.min_lr, self.lr))
        check_in("decay", self.decay, WSD_DECAYS)

    def compose(self) -> Schedule:
        w, decay_start = self.warmup_steps, self.total_steps - self.decay_steps
        pieces = []  # (first step, unit-height piece); empty phases left out
        if w > 0:
            pieces.append((0, ramp(0.0, 1.0, w)))
        if decay_start > w:
            pieces.append((w, constant(1.0)))
        pieces.append((decay_start, _UNIT_COOLDOWNS[self.decay](1.0, self.decay_steps)))
        shape = join([piece for _, piece in pieces], [start for start, _ in pieces[1:]])
        return rescaled(shape, self.min_lr, self.lr)


@dataclass(frozen=True)
class Noam(Composite):
    """lr(t) = lr * t / W for t < W, then lr * sqrt(W / t),  W = warmup_steps

    The Transformer schedule (Vaswani et al. 2017) normalised so that its peak
    is lr at t = W: Hugging Face ``get_inverse_sqrt_schedule`` with warm-up.
    It is ``join([ramp(0, lr, W), inverse_sqrt_decay(lr, 1, W)], [W])``.
    The paper counts steps from 1 (its step = our t + 1) and scales by
    d_model ** -0.5, i.e. lr = (d_model * W) ** -0.5 at the peak. Starts at 0.
    """

    lr: float
    warmup_steps: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_lr("lr", self.lr))
        object.__setattr__(self, "warmup_steps", check_int("warmup_steps", self.warmup_steps, minimum=1))

    def compose(self) -> Schedule:
        w = self.warmup_steps
        return join([ramp(0.0, self.lr, w), inverse_sqrt_decay(self.lr, 1.0, w)], [w])


@dataclass(frozen=True)
class KDecay(Schedule):
    """lr(t) = schedule(T * (t / T) ** k) for t < T, then schedule(t),  T = schedule.horizon

    k-decay (Zhang & Li 2020), timm's ``k_decay`` argument: the decay's clock warped by the
    power k (dimensionless, > 0). Units: t and T are optimizer steps (t = 0 the first
    update), the rate is the schedule's. ``k_decay(cosine_decay(lr, T, min_lr), k)`` is
    timm ``CosineLRScheduler(t_initial=T, lr_min=min_lr, k_decay=k)``:
    min_lr + (lr - min_lr) * (1 + cos(pi * t**k / T**k)) / 2, and
    ``k_decay(polynomial_decay(lr, T, end_lr, power), k)`` is timm ``PolyLRScheduler``:
    end_lr + (lr - end_lr) * (1 - t**k / T**k) ** power (timm's t is what the loop passes
    to ``step_update(t)``; its ``_get_lr(0)`` is applied at construction, so the first
    update uses t = 0 as here). k > 1 keeps the rate high longer and decays it sharply
    at the end; k < 1 decays early; k = 1 is the schedule itself. Works on any schedule
    with a horizon (the decay it warps).
    """

    schedule: Schedule
    k: float

    def __post_init__(self) -> None:
        check_schedule("schedule", self.schedule)
        object.__setattr__(self, "k", int_if_whole(check_positive("k", self.k)))
        if self.schedule.horizon is None:
            raise ValueError(
                f"schedule must have a horizon (a decay that ends, e.g. S.cosine_decay(0.1, 1000)) for k-decay "
                f"to warp its clock, got schedule={self.schedule!r}"
            )

    @property
    def horizon(self) -> int | None:
        """The schedule's horizon (the warp keeps both ends of the decay)."""
        return self.schedule.horizon

    def _value(self, t: np.ndarray) -> np.ndarray:
        T = float(self.schedule.horizon)
        warped = T * (np.clip(t, 0.0, T) / T) ** self.k
        return np.where(t < T, self.schedule(warped), self.schedule(t))


#: The noise draws of :func:`noisy` (timm's noise_type).
NOISE_TYPES = ("normal", "uniform")


_MT19937 = np.random.RandomState(0)  # reseeded by each draw; RandomState.seed(int) is init_genrand, as torch's


def _mt19937_words(seed: int) -> Iterator[int]:
    """The 32-bit outputs of MT19937 seeded as torch's ``Generator.manual_seed(seed)`` (init_genrand).

    Reseeds one shared RandomState (58 us, where a new RandomState costs 0.7 ms): read it at once,
    as :func:`timm_noise` does, before the next call reseeds it.
    """
    _MT19937.seed(seed & 0xFFFFFFFF)
    while True:
        yield from (int(w) for w in _MT19937.randint(0, 2**32, size=8, dtype=np.uint32))


@functools.lru_cache(maxsize=65536)
def timm_noise(seed: int, noise_type: str = "normal", noise_pct: float = 0.67, noise_std: float = 1.0) -> float:
    """timm's relative noise n for one step, seeded with ``seed`` (timm's noise_seed + t), in NumPy.

    timm ``Scheduler._calculate_noise``: a fresh ``torch.Generator`` seeded with seed;
    "normal" redraws ``torch.randn(1) * noise_std`` until ``|n| < noise_pct``; "uniform" is
    ``(2 * torch.rand(1) - 1) * noise_pct``. This replays torch's CPU draws bit for bit
    (a double u = 53 bits of two 32-bit words; randn = Box-Muller, cos then the cached sin;
    rand = 24 bits; both rounded to float32), so no torch is needed.
    """
    words = _mt19937_words(seed)
    if noise_type == "uniform":
        u = np.float32((next(words) & 0xFFFFFF) * 2.0**-24)
        return 2 * (float(u) - 0.5) * noise_pct

    def double() -> float:
        high, low = next(words), next(words)
        return (((high << 32) | low) & ((1 << 53) - 1)) * 2.0**-53

    while True:
        u1, u2 = double(), double()
        r, theta = math.sqrt(-2.0 * math.log1p(-u2)), 2.0 * math.pi * u1
        for z in (r * math.cos(theta), r * math.sin(theta)):
            noise = float(np.float32(z)) * noise_std
            if abs(noise) < noise_pct:
                return noise


@dataclass(frozen=True)
class Noisy(Schedule):
    """lr(t) = schedule(t) * (1 + n_t) for t in noise_range, else schedule(t); |n_t| < noise_pct

    timm's learning-rate noise (``noise_range_t``, ``noise_pct``, ``noise_std``, ``noise_seed``
    of every timm scheduler; ``noise_type`` of its base class): a deterministic, multiplicative
    jitter, re-drawn at each step from a generator seeded with noise_seed + t, so a rerun (or a
    resumed run) gets the same rates. n_t is dimensionless: "normal" draws N(0, noise_std**2)
    and redraws until |n_t| < noise_pct (a truncated normal); "uniform" draws
    U(-noise_pct, noise_pct). noise_range is a step (noise from it on) or a pair
    (start, end): start <= t < end. Units: t, start and end are optimizer steps, timm's
    t of ``step_update(t)`` (t = 0 the first update; a fractional t uses floor(t)); timm's
    default ``t_in_epochs=True`` draws once per epoch instead, its t being the epoch.
    The draws replay torch's generator (:func:`timm_noise`), so the rates equal timm's.
    """

    schedule: Schedule
    noise_range: int | tuple[int, int]
    noise_pct: float = 0.67
    noise_std: float = 1.0
    noise_type: str = "normal"
    noise_seed: int = 42

    def __post_init__(self) -> None:
        check_schedule("schedule", self.schedule)
        if isinstance(self.noise_range, Sequence) and not isinstance(self.noise_range, str):
            if len(self.noise_range) != 2:
                raise ValueError(
                    f"noise_range must be a step or a pair (start, end), got noise_range={self.noise_range!r}"
                )
            start = check_int("noise_range[0]", self.noise_range[0], minimum=0)
            end = check_int("noise_range[1]", self.noise_range[1], minimum=start + 1)
            object.__setattr__(self, "noise_range", (start, end))
        else:
            object.__setattr__(self, "noise_range", check_int("noise_range", self.noise_range, minimum=0))
        object.__setattr__(self, "noise_pct", check_positive("noise_pct", self.noise_pct))
        object.__setattr__(self, "noise_std", check_positive("noise_std", self.noise_std))
        check_in("noise_type", self.noise_type, NOISE_TYPES)
        object.__setattr__(self, "noise_seed", check_int("noise_seed", self.noise_seed, minimum=0))

    @property
    def horizon(self) -> int | None:
        """The schedule's horizon (the noise does not move its end)."""
        return self.schedule.horizon

    def noise(self, t: np.ndarray) -> np.ndarray:
        """n_t at each step of t (0 outside noise_range): the relative change of the rate."""
        steps = np.floor(np.asarray(t, dtype=np.float64))
        if isinstance(self.noise_range, tuple):
            inside = (steps >= self.noise_range[0]) & (steps < self.noise_range[1])
        else:
            inside = steps >= self.noise_range
        out = np.zeros_like(steps)
        unique, index = np.unique(steps[inside], return_inverse=True)
        draws = [timm_noise(self.noise_seed + int(u), self.noise_type, self.noise_pct, self.noise_std) for u in unique]
        out[inside] = np.asarray(draws, dtype=np.float64)[index]
        return out

    def _value(self, t: np.ndarray) -> np.ndarray:
        rate = self.schedule(t)
        return rate + rate * self.noise(t)  # timm's v + v * noise, rounding as timm does


# ---------------------------------------------------------------------------
# Factories: the public names (each is its class, plus other libraries' names for its parameters)
# ---------------------------------------------------------------------------

ramp = factory(Ramp, "ramp", init_value="start_lr", end_value="end_lr", transition_steps="total_steps")
join = factory(Join, "join")
scaled = factory(Scaled, "scaled")
rescaled = factory(Rescaled, "rescaled")
warmup = factory(Warmup, "warmup", num_warmup_steps="warmup_steps")
warmup_stable_decay = factory(
    WarmupStableDecay,
    "warmup_stable_decay",
    num_training_steps="total_steps",
    num_warmup_steps="warmup_steps",
    num_decay_steps="decay_steps",
    end_lr="min_lr",
    decay_type="decay",
)
noam = factory(Noam, "noam", num_warmup_steps="warmup_steps")
k_decay = factory(KDecay, "k_decay", k_decay="k")
noisy = factory(Noisy, "noisy", noise_range_t="noise_range")
