"""The torch twins: for a course_lib schedule, the torch scheduler that gives the same rates.

A twin is torch's own scheduler (``StepLR``, ``CosineAnnealingLR``...), or a ``LambdaLR``
written as Hugging Face writes it, set up so that its rates equal ours (to 1e-12,
tests/schedules/test_torch_twins.py). They show that our schedules are the ones the
libraries use; to drive an optimizer with any course schedule, use
:func:`~course_lib.schedules.torch_bridge.as_torch_scheduler`. Imports torch.

>>> import torch
>>> from course_lib import schedules as S
>>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
>>> type(torch_twin(opt, S.step_decay(0.1, step_size=30))).__name__
'StepLR'
>>> torch_twin(opt, S.inverse_sqrt_decay(0.1, 0.5))
Traceback (most recent call last):
course_lib.schedules.torch_twins.NoTorchTwin: InverseSqrtDecay has no torch twin
"""

from __future__ import annotations

import math
from typing import Any, Callable

import torch
from torch.optim import lr_scheduler as L

from course_lib.schedules.base import Schedule, check_schedule
from course_lib.schedules.compose import Noam, WarmupStableDecay
from course_lib.schedules.cycles import CosineRestarts, Cyclic, OneCycle
from course_lib.schedules.decay import (
    Constant,
    CosineDecay,
    ExponentialDecay,
    LinearDecay,
    MultiStepDecay,
    PiecewiseConstant,
    PolynomialDecay,
    StepDecay,
)

__all__ = ["NoTorchTwin", "TWINS", "torch_twin", "with_lr"]

#: A twin: (optimizer, schedule, **options) -> torch scheduler.
Twin = Callable[..., L.LRScheduler]


class NoTorchTwin(ValueError):
    """This schedule (or these parameters of it) has no torch scheduler giving the same rates."""


def with_lr(optimizer: torch.optim.Optimizer, lr: float) -> torch.optim.Optimizer:
    """Set every param group's lr (the base rate torch's schedulers multiply) and return the optimizer."""
    for group in optimizer.param_groups:
        group["lr"] = lr
    return optimizer


def _require(ok: bool, schedule: Schedule, why: str) -> None:
    if not ok:
        raise NoTorchTwin(f"no torch scheduler gives the rates of {schedule!r}: {why}")


def _exponential(opt: Any, s: ExponentialDecay) -> L.LRScheduler:
    _require(s.decay_steps == 1 and not s.staircase, s, "torch ExponentialLR decays every step")
    _require(s.transition_begin == 0 and s.end_lr == 0, s, "torch ExponentialLR has no delay and no floor")
    return L.ExponentialLR(with_lr(opt, s.lr), s.gamma)


def _polynomial(opt: Any, s: PolynomialDecay) -> L.LRScheduler:
    _require(s.end_lr == 0, s, "torch PolynomialLR always ends at 0")
    return L.PolynomialLR(with_lr(opt, s.lr), total_iters=s.total_steps, power=s.power)


def _linear(opt: Any, s: LinearDecay) -> L.LRScheduler:
    _require(s.end_lr == 0, s, "the twin is LinearLR(start_factor=1, end_factor=0)")
    return L.LinearLR(with_lr(opt, s.lr), start_factor=1.0, end_factor=0.0, total_iters=s.total_steps)


def _restarts(opt: Any, s: CosineRestarts) -> L.LRScheduler:
    _require(float(s.cycle_mult).is_integer() and s.cycle_decay == 1, s, "torch needs an integer T_mult, no decay")
    return L.CosineAnnealingWarmRestarts(
        with_lr(opt, s.lr), T_0=s.cycle_steps, T_mult=int(s.cycle_mult), eta_min=s.min_lr
    )


def _piecewise(opt: Any, s: PiecewiseConstant) -> L.LRScheduler:
    ratios = [b / a for a, b in zip(s.values, s.values[1:])]
    gamma = ratios[0] if ratios else 1.0
    _require(
        all(math.isclose(r, gamma, rel_tol=1e-12) for r in ratios),
        s,
        "MultiStepLR multiplies by one gamma at every milestone",
    )
    return L.MultiStepLR(with_lr(opt, s.values[0]), list(s.boundaries), gamma)


def _noam(opt: Any, s: Noam) -> L.LRScheduler:
    w = s.warmup_steps  # Hugging Face get_inverse_sqrt_schedule(num_warmup_steps=w), timescale = w

    def multiplier(step: int) -> float:
        return step / max(1, w) if step < w else 1.0 / math.sqrt((step + w - w) / w)

    return L.LambdaLR(with_lr(opt, s.lr), multiplier)


def _wsd(opt: Any, s: WarmupStableDecay) -> L.LRScheduler:
    w, d, r = s.warmup_steps, s.decay_steps, s.min_lr / s.lr  # Hugging Face get_wsd_schedule
    stable = s.total_steps - w - d

    def multiplier(step: int) -> float:
        if step < w:
            return step / max(1, w) * (1 - r) + r
        if step < w + stable:
            return 1.0
        if step < w + stable + d:
            p = (step - w - stable) / max(1, d)
            v = {"linear": 1.0 - p, "cosine": 0.5 * (1.0 + math.cos(math.pi * p)), "1-sqrt": 1.0 - math.sqrt(p)}
            return v[s.decay] * (1 - r) + r
        return r

    return L.LambdaLR(with_lr(opt, s.lr), multiplier)


def _cyclic(opt: Any, s: Cyclic, **options: Any) -> L.LRScheduler:
    return L.CyclicLR(
        with_lr(opt, s.base_lr),
        s.base_lr,
        s.max_lr,
        s.step_size_up,
        s.step_size_down,
        s.mode,
        s.gamma,
        **{"cycle_momentum": False, **options},
    )


def _one_cycle(opt: Any, s: OneCycle, **options: Any) -> L.LRScheduler:
    # torch raises past total_steps; we hold the final rate
    return L.OneCycleLR(
        opt,
        s.max_lr,
        total_steps=s.total_steps,
        pct_start=s.pct_start,
        anneal_strategy=s.anneal,
        div_factor=s.div_factor,
        final_div_factor=s.final_div_factor,
        three_phase=s.three_phase,
        **{"cycle_momentum": False, **options},
    )


#: schedule class -> its twin: (optimizer, schedule, **options) -> torch scheduler.
TWINS: dict[type[Schedule], Twin] = {
    Constant: lambda opt, s: L.LambdaLR(with_lr(opt, s.lr), lambda step: 1.0),
    StepDecay: lambda opt, s: L.StepLR(with_lr(opt, s.lr), s.step_size, s.gamma),
    MultiStepDecay: lambda opt, s: L.MultiStepLR(with_lr(opt, s.lr), list(s.milestones), s.gamma),
    ExponentialDecay: _exponential,
    PolynomialDecay: _polynomial,
    LinearDecay: _linear,
    # torch rises again past T; equal for t <= T
    CosineDecay: lambda opt, s: L.CosineAnnealingLR(with_lr(opt, s.lr), s.total_steps, s.min_lr),
    CosineRestarts: _restarts,
    Cyclic: _cyclic,
    OneCycle: _one_cycle,
    Noam: _noam,
    PiecewiseConstant: _piecewise,
    WarmupStableDecay: _wsd,
}


def torch_twin(optimizer: torch.optim.Optimizer, schedule: Schedule, **options: Any) -> L.LRScheduler:
    """The torch scheduler twin of ``schedule`` on ``optimizer`` (it sets the optimizer's base lr).

    Args:
        optimizer: a torch optimizer.
        schedule: a course_lib schedule whose class has a twin (a key of :data:`TWINS`).
        **options: passed to torch's scheduler (cyclic and one_cycle: ``cycle_momentum=True``...).

    Raises:
        TypeError: ``schedule`` is not a course_lib schedule.
        NoTorchTwin: no torch scheduler gives the rates of this schedule (or of these parameters).
    """
    check_schedule("schedule", schedule)
    twin = TWINS.get(type(schedule))
    if twin is None:
        raise NoTorchTwin(f"{type(schedule).__name__} has no torch twin")
    return twin(optimizer, schedule, **options)
