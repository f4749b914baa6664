"""Schedules: course_lib's vectorised evaluation vs stepping the torch twin vs a plain numpy expression.

For every factory with a torch twin, three timings of the rates at steps 0 .. N-1:

* ``course_lib``: ``S.evaluate(schedule, N)`` (one vectorised call, argument checks included);
* ``numpy``: the same formula written as a plain numpy expression (``t = np.arange(N)`` included);
* ``torch``: the torch scheduler stepped N_TORCH times, reading the rate before each step
  (``scale`` = N / N_TORCH: run.py multiplies by it; torch's cost per step does not depend on t).

Before timing, the course_lib variant of each case checks that the three agree on the steps they share, so the
comparison is between the same numbers.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
import torch
from bench_config import N_SCHEDULE, N_TORCH, TORCH_ROUNDS, WARMUP_ROUNDS, pedantic
from torch.optim import lr_scheduler as L

from course_lib import schedules as S

N = N_SCHEDULE
LR = 0.1


@dataclass(frozen=True)
class Case:
    name: str  # the torch class
    course: S.Schedule
    make_torch: Callable[[torch.optim.Optimizer], L.LRScheduler]
    numpy: Callable[[int], np.ndarray]


def _steps(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.float64)


def _np_step(n):
    t = _steps(n)
    return LR * 0.5 ** np.floor(t / (N // 10))


_MILESTONES = np.array([0.3 * N, 0.6 * N, 0.9 * N])


def _np_multistep(n):
    t = _steps(n)
    return LR * 0.1 ** np.searchsorted(_MILESTONES, t, side="right")


_GAMMA = 0.01 ** (1 / N)


def _np_exponential(n):
    return LR * _GAMMA ** _steps(n)


def _np_polynomial(n):
    t = _steps(n)
    return LR * (1 - np.minimum(t, N) / N) ** 2.0


def _np_linear(n):
    t = _steps(n)
    return LR * (1 - np.minimum(t, N) / N)


def _np_cosine(n):
    t = _steps(n)
    return 1e-4 + (LR - 1e-4) * (1 + np.cos(np.pi * np.minimum(t, N) / N)) / 2


_T0 = max(N // 1000, 1)


def _np_restarts(n):
    t = _steps(n)
    i = np.floor(np.log2(1 + t / _T0))  # cycle i starts at T0 (2^i - 1) and lasts T0 2^i
    length = _T0 * 2.0**i
    return LR * (1 + np.cos(np.pi * (t - (length - _T0)) / length)) / 2


_UP = max(N // 500, 1)


def _np_cyclic(n):
    t = _steps(n)
    cycle = np.floor(1 + t / (2 * _UP))
    x = np.abs(t / _UP - 2 * cycle + 1)
    return 0.01 + (LR - 0.01) * np.maximum(0, 1 - x) / 2.0 ** (cycle - 1)


def _np_one_cycle(n):
    t = np.minimum(_steps(n), N - 1.0)
    peak = 0.3 * N - 1
    start, end = LR / 25, LR / 25 / 1e4
    up = LR + (start - LR) / 2 * (np.cos(np.pi * t / peak) + 1)
    down = end + (LR - end) / 2 * (np.cos(np.pi * (t - peak) / (N - 1 - peak)) + 1)
    return np.where(t <= peak, up, down)


CASES = [
    Case("StepLR", S.step_decay(LR, N // 10, 0.5), lambda o: L.StepLR(o, N // 10, 0.5), _np_step),
    Case(
        "MultiStepLR",
        S.multistep_decay(LR, [int(m) for m in _MILESTONES], 0.1),
        lambda o: L.MultiStepLR(o, [int(m) for m in _MILESTONES], 0.1),
        _np_multistep,
    ),
    Case("ExponentialLR", S.exponential_decay(LR, _GAMMA), lambda o: L.ExponentialLR(o, _GAMMA), _np_exponential),
    Case(
        "PolynomialLR",
        S.polynomial_decay(LR, N, power=2.0),
        lambda o: L.PolynomialLR(o, total_iters=N, power=2.0),
        _np_polynomial,
    ),
    Case(
        "LinearLR",
        S.linear_decay(LR, N),
        lambda o: L.LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=N),
        _np_linear,
    ),
    Case(
        "CosineAnnealingLR",
        S.cosine_decay(LR, N, 1e-4),
        lambda o: L.CosineAnnealingLR(o, T_max=N, eta_min=1e-4),
        _np_cosine,
    ),
    Case(
        "CosineAnnealingWarmRestarts",
        S.cosine_restarts(LR, _T0, 2),
        lambda o: L.CosineAnnealingWarmRestarts(o, T_0=_T0, T_mult=2),
        _np_restarts,
    ),
    Case(
        "CyclicLR",
        S.cyclic(0.01, LR, _UP, mode="triangular2"),
        lambda o: L.CyclicLR(o, 0.01, LR, step_size_up=_UP, mode="triangular2", cycle_momentum=False),
        _np_cyclic,
    ),
    Case(
        "OneCycleLR",
        S.one_cycle(LR, N),
        lambda o: L.OneCycleLR(o, max_lr=LR, total_steps=N, cycle_momentum=False),
        _np_one_cycle,
    ),
]
IDS = [c.name for c in CASES]


def _torch_setup(case: Case):
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=LR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = case.make_torch(opt)
    opt.step()  # no gradient: a no-op that keeps torch from warning about the call order
    return (sched, opt.param_groups[0], N_TORCH), {}


def _step_torch(sched, group, n):
    """The rate of each of n updates, stepping the scheduler after each (as a training loop does)."""
    rates = [0.0] * n
    for k in range(n):
        rates[k] = group["lr"]
        sched.step()
    return rates


def _check_agree(case: Case) -> None:
    """The three implementations give the same rates (so the timings compare like with like)."""
    ours = S.evaluate(case.course, N)
    np.testing.assert_allclose(case.numpy(N), ours, rtol=1e-9, atol=1e-12)
    (sched, group, _), _ = _torch_setup(case)
    k = min(N_TORCH, 2000)
    np.testing.assert_allclose(_step_torch(sched, group, k), ours[:k], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("impl", ["course_lib", "numpy", "torch"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_schedule(benchmark, case, impl):
    benchmark.group = f"schedule {case.name}"
    benchmark.extra_info.update(
        kind="schedule",
        case=case.name,
        impl=impl,
        steps=N,
        timed_steps=N_TORCH if impl == "torch" else N,
        scale=N / N_TORCH if impl == "torch" else 1.0,
    )
    if impl == "course_lib":
        _check_agree(case)
        benchmark(S.evaluate, case.course, N)
    elif impl == "numpy":
        benchmark(case.numpy, N)
    else:
        pedantic(
            benchmark, _step_torch, setup=lambda: _torch_setup(case), rounds=TORCH_ROUNDS, warmup_rounds=WARMUP_ROUNDS
        )
