"""The table every check is tested against: its reference solution, its other arguments, wrong answers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from course_lib import schedules as S
from course_lib.exercises import solutions as sol


class Quadratic:
    """f(w) = 0.5 * sum(h_i w_i^2), a stand-in for course_lib.problems' quadratic (L = max h)."""

    def __init__(self, h=(1.0, 10.0)):
        self.h = np.asarray(h, dtype=float)
        self.dim = self.h.size
        self.w0 = np.ones(self.dim)

    def loss(self, w):
        return 0.5 * np.sum(self.h * np.asarray(w) ** 2, axis=-1)

    def grad(self, w):
        return self.h * w


class RotatedQuadratic(Quadratic):
    """0.5 w^T A w with a non-diagonal A (eigenvalues 1 and 25) and a hessian attribute."""

    def __init__(self):
        q, _ = np.linalg.qr(np.array([[1.0, 2.0], [3.0, 4.0]]))
        self.hessian = q @ np.diag([1.0, 25.0]) @ q.T
        self.dim, self.w0 = 2, np.array([1.0, -2.0])

    def loss(self, w):
        return 0.5 * np.einsum("...i,ij,...j->...", w, self.hessian, w)

    def grad(self, w):
        return self.hessian @ w


QUAD = Quadratic()


@dataclass
class Case:
    """How to call one check: the solution, the other arguments, and wrong answers (each must get a hint)."""

    solution: Any
    kwargs: dict[str, Any] = field(default_factory=dict)
    wrong: list[Any] = field(default_factory=list)


#: One row per registered check. Adding a check to course_lib.exercises means adding a row here.
CASES: dict[str, Case] = {
    "value": Case(0.5, dict(expected=0.5, hint="Halve it."), [0.4, -0.5, 5.0]),
    "schedule_function": Case(
        lambda t: 0.1 * 0.9**t,
        dict(reference_schedule=S.exponential_decay(0.1, 0.9), steps=30, hint="Use gamma ** t."),
        [lambda t: 0.1 * 0.9 ** (t + 1), lambda t: 0.1 - 0.01 * t, lambda t: 0.1],
    ),
    "choice": Case(
        "cosine",
        dict(correct="cosine", options=["step", "cosine", "constant"], hint="Which one is smooth?"),
        ["step", "c", "linear"],
    ),
    "stability_limit": Case(sol.stability_limit(QUAD), dict(problem=QUAD), [1 / 10, 1.0, 5.0, 20.0]),
    "half_life": Case(sol.half_life(0.95), dict(gamma=0.95), [math.log(2) / 0.05, 10, 0.05]),
    "exponential_value": Case(sol.EXPONENTIAL_VALUE, {}, [0.003, 0.1 * 0.95**9, 0.95]),
    "linear_decay": Case(
        sol.linear_decay_fn,
        {},
        [
            lambda t: 0.1 * (1 - 0.01 * t),  # article 000: goes negative
            lambda t: 0.1 + (0.01 - 0.1) * t / 100,  # forgets to stop at end_lr
            lambda t: 0.1 * (1 - min(t, 100) / 100),  # decays to 0, not end_lr
            lambda t: sol.linear_decay_fn(t + 1),
        ],
    ),  # one step ahead
    "warmup": Case(
        sol.warmup_cosine_fn,
        {},
        [
            lambda t: 0.01 if t < 10 else sol.warmup_cosine_fn(t),  # article 002: flat, then jump
            lambda t: sol.warmup_cosine_fn(t, total_steps=110) if t >= 10 else sol.warmup_cosine_fn(t),
            lambda t: sol.warmup_cosine_fn(t + 1) if t < 10 else sol.warmup_cosine_fn(t),
            sol.linear_decay_fn,
        ],
    ),
    "sgdr_cycle_ends": Case(sol.sgdr_cycle_ends(), {}, [[10, 30, 70, 150], [9, 19, 29, 39], [9, 29]]),
    "one_cycle_peak_step": Case(sol.one_cycle_peak_step(), {}, [300, 0.3, 999]),
    "scaled_lr": Case(sol.scaled_lr(), {}, [0.2, 0.025, 0.1]),
    "scheduler_order": Case(sol.SCHEDULER_ORDER, {}, ["scheduler.step() then optimizer.step()", "b", "zero_grad"]),
    "total_steps": Case(sol.total_steps(), {}, [1797, 1797 * 10, 29, 280]),
    "gd_regime": Case(sol.gd_regime(), {}, ["diverges", "a", "converges without oscillating", "converges"]),
    "plateau_lrs": Case(
        sol.plateau_lrs(),
        {},
        [
            sol.plateau_lrs(patience=1),  # cuts one evaluation too early
            sol.plateau_lrs(threshold=0.0),  # every decrease counted as a gain
            sol.plateau_lrs(cooldown=0),  # no cooldown
            [0.1] * 12,
            [0.1] * 11,
        ],
    ),
    "adam_first_step": Case(
        sol.adam_first_step(),
        {},
        [
            1e-3 * 250.0,  # SGD's step
            1e-3 * 0.1 / 0.001**0.5,  # no bias correction (~3.16 lr)
            -1e-3,
            0.0,
        ],
    ),
    "schedule_choice": Case(sol.schedule_choice(), {}, ["cosine", "constant", "a", "warmup cosine"]),
    "ddp_lr": Case(sol.ddp_lr(), {}, [0.04, 0.01, 0.02, 0.02 * 2**0.5]),
    "lr_init": Case(sol.LR_INIT, {}, ["a", "c", "setting an initial value for every weight of the network"]),
    "adam_schedule": Case(sol.ADAM_SCHEDULE, {}, ["a", "c", "Adam only works with a constant learning rate"]),
    "cosine_rate": Case(sol.cosine_rate(lr=0.0155), dict(lr=0.0155), [0.0155, 0.0, 0.02, -0.01]),
    "wrong_order_first_rate": Case(sol.wrong_order_first_rate(), {}, [0.0, 0.1, 0.02, 0.5]),
    "keras_boundary": Case(sol.keras_boundary(), {}, [30, 29, 32, 3.5]),
    # experiments: the solution is what the reference run measures (tests/exercises/test_experiments.py
    # runs the reference solutions themselves); wrong answers are the typical wrong measurements
    "noise_floor_batch": Case(0.45, {}, [1.0, 2.2, 0.24, -0.5, 0.0]),
    "adam_floor_batch": Case(0.67, {}, [0.5, 1.0, 1.5, -0.7]),
    "critical_batch": Case(46.0, {}, [0.02, 23.0, 104.0, 115.0, -5.0, 500.0]),
    "tuned_peak": Case(0.03, {}, [0.01, 0.3, 1.0, -0.1, 0.0]),
    "tail_average_gain": Case(18.0, {}, [1.0, 0.05, -3.0, 0.0, 200.0]),
    "mup_wide_rate": Case(2.0**-6, {}, [2.0**-8, 2.0**-10, 2.0**-3, 0.5, -0.01, 0.0]),
    "shortest_warmup": Case(20, {}, [0, 2, 5, 10, 15, 50, -20]),
    "sgdr_escape_peak": Case(0.3, {}, [0.1, 0.2, 0.25, 0.4, 0.5, -0.3]),
    "adamw_matching_decay": Case(3.8, {}, [0.2, 1.0, 10.0, -1.0, 0.0]),
    "radam_warmup_length": Case(556, {}, [1, 6, 16, 100, 2000, 2737, 5000, 0, 12.5, -3]),
    "loop_rates": Case(
        sol.loop_rates(),
        {},
        [
            [0.1 * (1 + math.cos(math.pi * t / 4)) / 2 for t in range(32)],  # T_max = epochs: rises again
            [0.1 * (1 + math.cos(math.pi * (t // 8) / 4)) / 2 for t in range(32)],  # stepped once per epoch
            [0.1 * (1 + math.cos(math.pi * (t + 1) / 32)) / 2 for t in range(32)],  # scheduler before optimizer
            [0.1 * (1 + math.cos(math.pi * t / 256)) / 2 for t in range(32)],  # T_max = examples
            [0.1] * 32,
            [0.1] * 4,
        ],
    ),
}

#: Answers of every wrong kind; none may raise, none may pass.
WEIRD = [
    None,
    ...,
    "abc",
    "0.06",
    "",
    True,
    False,
    float("nan"),
    float("inf"),
    -float("inf"),
    -1e308,
    complex(1, 2),
    [1, 2, 3],
    [],
    np.array([[1.0, 2.0], [3.0, 4.0]]),
    np.array([np.nan]),
    {},
    {"a": 1},
    object(),
    int,
    lambda: 0,
    lambda t: 1 / 0,
    lambda t: "x",
    lambda t: None,
    lambda t: float("nan"),
    lambda t: [1, 2],
    lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")),
    torch.tensor([1.0, 2.0]),
    torch.tensor(-3.0, requires_grad=True),
]
