"""Weight decay on scale-invariant weights: the norm finds a steady state, and the turn per update is sqrt(2 lr wd).

The problem is the smallest one with a normalisation layer's symmetry: a loss of the direction only,
``L(w) = 1 - u . u*`` with ``u = w / |w|`` and ``u* = (1, ..., 1) / sqrt(dim)``, and noisy gradients
``g = (I - u u^T)(-u* + noise * xi) / |w|`` (xi standard normal, one draw per update and seed). The gradient
is orthogonal to w and shrinks as 1/|w|, exactly as for weights feeding a BatchNorm/LayerNorm.

>>> r = run_scale_invariant(0.1, 0.01, 200, seeds=(0, 1))
>>> r.norm.shape, r.turn.shape
((2, 201), (2, 200))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from course_lib.training.weight_decay import adamw_step
from course_lib.validation import check_in, check_int, check_non_negative, check_positive

__all__ = ["ScaleInvariantRun", "run_scale_invariant", "rms_turn", "relaxation_step"]

OPTIMIZERS = ("sgd", "adamw")


@dataclass(frozen=True)
class ScaleInvariantRun:
    """One setting on several seeds: rows are seeds.

    Attributes:
        norm: |w_t| for t = 0 .. T, shape (seeds, T + 1).
        turn: the angle between w_t and w_{t+1} in radians, shape (seeds, T).
        loss: 1 - u_t . u* (the direction's error, without noise), shape (seeds, T + 1).
        lr, weight_decay, optimizer: the setting.
    """

    norm: np.ndarray
    turn: np.ndarray
    loss: np.ndarray
    lr: float
    weight_decay: float
    optimizer: str


def run_scale_invariant(
    lr: float,
    weight_decay: float,
    n_steps: int,
    seeds: Iterable[int] = (0,),
    *,
    optimizer: str = "sgd",
    dim: int = 16,
    noise: float = 1.0,
    w0_norm: float = 1.0,
) -> ScaleInvariantRun:
    """SGD with weight decay (``w <- (1 - lr wd) w - lr g``, torch's SGD) or AdamW on the direction loss.

    Args:
        lr: the rate; weight_decay: lambda (>= 0); n_steps: updates.
        seeds: one independent run per seed (its start direction and its gradient noise).
        optimizer: "sgd" or "adamw" (:func:`~course_lib.training.weight_decay.adamw_step`, torch's defaults).
        dim: the number of weights; noise: the gradient noise's scale (per coordinate, before projection).
        w0_norm: the starting norm |w_0|.

    Returns:
        A :class:`ScaleInvariantRun`; all seeds step together (vectorised), each with its own generator.
    """
    lr, n_steps = check_positive("lr", lr), check_int("n_steps", n_steps, minimum=1)
    weight_decay = check_non_negative("weight_decay", weight_decay)
    optimizer = check_in("optimizer", optimizer, OPTIMIZERS)
    dim = check_int("dim", dim, minimum=2)
    seeds = [int(s) for s in seeds]
    rngs = [np.random.default_rng(s) for s in seeds]
    target = np.full(dim, 1 / np.sqrt(dim))  # no coordinate is special (Adam is not rotation-invariant)
    w = np.stack([r.standard_normal(dim) for r in rngs])
    w *= check_positive("w0_norm", w0_norm) / np.linalg.norm(w, axis=1, keepdims=True)
    m, v = np.zeros_like(w), np.zeros_like(w)
    norms, turns, losses = [np.linalg.norm(w, axis=1)], [], [1 - w @ target / np.linalg.norm(w, axis=1)]
    for t in range(n_steps):
        size = np.linalg.norm(w, axis=1, keepdims=True)
        u = w / size
        xi = np.stack([r.standard_normal(dim) for r in rngs])
        d = -target + noise * xi  # the gradient with respect to the direction u
        g = (d - np.sum(d * u, axis=1, keepdims=True) * u) / size  # orthogonal to w, shrinks as 1/|w|
        if optimizer == "sgd":
            new = (1 - lr * weight_decay) * w - lr * g
        else:
            new, m, v = adamw_step(w, g, m, v, t + 1, lr, weight_decay)
        new_size = np.linalg.norm(new, axis=1)
        cos = np.sum(new * w, axis=1) / (new_size * size[:, 0])
        turns.append(np.arccos(np.clip(cos, -1.0, 1.0)))
        w = new
        norms.append(new_size)
        losses.append(1 - w @ target / new_size)
    return ScaleInvariantRun(
        np.stack(norms, axis=1), np.stack(turns, axis=1), np.stack(losses, axis=1), lr, weight_decay, optimizer
    )


def rms_turn(run: ScaleInvariantRun, window: int) -> np.ndarray:
    """Root-mean-square turn per update (radians) over the last ``window`` updates, one per seed."""
    window = check_int("window", window, minimum=1)
    return np.sqrt(np.mean(run.turn[:, -window:] ** 2, axis=1))


def relaxation_step(run: ScaleInvariantRun, window: int, tolerance: float = 0.1) -> np.ndarray:
    """Per seed, the first update after which |w| stays within ``tolerance`` (relative) of its steady value.

    The steady value is the mean norm over the last ``window`` updates. The step counts from 0.
    """
    window = check_int("window", window, minimum=1)
    steady = run.norm[:, -window:].mean(axis=1, keepdims=True)
    outside = np.abs(run.norm / steady - 1) > check_positive("tolerance", tolerance)
    last_out = np.where(outside.any(axis=1), outside.shape[1] - 1 - np.argmax(outside[:, ::-1], axis=1), -1)
    return last_out + 1
