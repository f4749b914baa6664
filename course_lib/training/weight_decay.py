"""Decoupled weight decay and the rate: the formulas, and the NumPy twin of torch's AdamW step.

torch's ``AdamW`` (``torch/optim/adamw.py`` builds ``Adam`` with ``decoupled_weight_decay=True``;
``torch/optim/adam.py``, ``_single_tensor_adam``: ``param.mul_(1 - lr * weight_decay)``) shrinks every
weight by ``1 - lr_t * weight_decay`` before the Adam step, with ``lr_t`` the group's *current* rate.
So a rate schedule schedules the regularisation too. Plain SGD's ``weight_decay`` adds ``wd * w`` to the
gradient, which for SGD without momentum is the same shrink ``w <- (1 - lr * wd) w - lr * g``.

Units: ``lr`` is the rate (per update), ``weight_decay`` (lambda) is per unit of rate, so the product
``lr * weight_decay`` is the fraction of a weight removed per update, and ``1 / (lr * weight_decay)``
is a number of updates.

>>> float(decay_factors([0.1, 0.1], 0.5)[-1])           # two updates at lr 0.1, wd 0.5: 0.95 ** 2
0.9025
>>> decay_timescale(1e-3, 0.1)                           # updates
10000.0
>>> round(equilibrium_angular_update(0.1, 0.01), 5)      # radians per update
0.04471
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from course_lib.validation import check_non_negative, check_positive, check_range

__all__ = [
    "decay_factors",
    "decay_timescale",
    "timescale_weight_decay",
    "equilibrium_angular_update",
    "equilibrium_norm",
    "adamw_step",
]


def decay_factors(lrs: Any, weight_decay: float) -> np.ndarray:
    """What decoupled weight decay alone leaves of a weight: ``prod_{s < t} (1 - lr_s * weight_decay)``.

    Args:
        lrs: the rates of updates 0 .. T-1 (e.g. ``schedule(np.arange(T))``).
        weight_decay: lambda (>= 0), torch's ``weight_decay`` of ``AdamW``.

    Returns:
        T + 1 factors (dimensionless): entry t multiplies the weights after t updates when the
        gradient is zero. For small ``lr * wd`` it is about ``exp(-weight_decay * sum_{s<t} lr_s)``:
        the shrinkage follows the *area* under the schedule, so a cosine to 0 (area about lr0 T / 2)
        decays half as much as the constant lr0 over the same T.

    >>> decay_factors([0.1, 0.2], 1.0).round(3).tolist()
    [1.0, 0.9, 0.72]
    """
    lrs = np.asarray(lrs, dtype=float).ravel()
    weight_decay = check_non_negative("weight_decay", weight_decay)
    if np.any(lrs < 0) or not np.all(np.isfinite(lrs)):
        raise ValueError(f"lrs must be finite rates >= 0, got min {lrs.min() if lrs.size else None}")
    return np.concatenate([[1.0], np.cumprod(1.0 - lrs * weight_decay)])


def decay_timescale(lr: float, weight_decay: float) -> float:
    """The memory of decoupled weight decay, ``1 / (lr * weight_decay)`` updates (Wang & Aitchison 2024).

    With ``w_{t+1} = (1 - lr wd) w_t + update_t`` the weights are an exponential moving average of the
    recent updates with this time constant: an update made tau updates ago counts ``(1 - lr wd)^tau``,
    about ``1/e`` of a fresh one.
    """
    return 1.0 / (check_positive("lr", lr) * check_positive("weight_decay", weight_decay))


def timescale_weight_decay(lr: float, tau_epochs: float, steps_per_epoch: int) -> float:
    """The weight decay that keeps the AdamW timescale at ``tau_epochs`` epochs (Wang & Aitchison 2024):
    ``weight_decay = 1 / (lr * tau_epochs * steps_per_epoch)``.

    Their rule for scaling: keep the timescale *in epochs* fixed, so a data set with twice the updates per
    epoch (or a rate twice as large) needs half the weight decay.

    >>> timescale_weight_decay(1e-3, 10, 100)
    1.0
    """
    return 1.0 / (
        check_positive("lr", lr)
        * check_positive("tau_epochs", tau_epochs)
        * check_positive("steps_per_epoch", steps_per_epoch)
    )


def equilibrium_angular_update(lr: float, weight_decay: float, momentum: float = 0.0) -> float:
    """The RMS angle (radians) a scale-invariant weight vector turns per update once its norm is steady.

    ``sqrt((2 lr wd - (lr wd)^2) * (1 - momentum) / (1 + momentum))``, about ``sqrt(2 lr wd)`` without momentum.

    For weights w feeding a normalisation layer the loss does not depend on ``|w|``, so the gradient is
    orthogonal to w. The steps grow the norm, ``|w'|^2 = (1 - lr wd)^2 |w|^2 + |step|^2``; the decay shrinks
    it. At the steady state ``|step|^2 = (1 - (1 - lr wd)^2) |w|^2``: the turn ``|step| / |w|`` is
    ``sqrt(2 lr wd - (lr wd)^2)`` whatever the gradients' size (van Laarhoven 2017; Wan et al. 2021). The
    rate and the decay act only through their product (the *intrinsic* rate of Li, Lyu & Arora 2020). With
    momentum and a *decoupled* decay (AdamW's beta1 = momentum) the noisy steps are correlated over about
    1/(1 - momentum) updates, so they grow the norm (1 + m)/(1 - m) times faster than independent steps of the
    same size, and the steady turn per update is that much smaller (measured in notebook 13 to within 10 %).
    torch's ``SGD(momentum=m, weight_decay=wd)`` puts the decay *into* the momentum buffer, which multiplies it
    by 1/(1 - m) too: there the turn is ``sqrt(2 lr wd / (1 + m))`` (Wan et al. 2021), i.e. this function
    with ``weight_decay / (1 - m)``.

    Args:
        lr: the rate (> 0); weight_decay: lambda (> 0), with lr * weight_decay < 1.
        momentum: the momentum of a decoupled decay (AdamW's beta1), in [0, 1).

    >>> round(equilibrium_angular_update(0.01, 0.1, momentum=0.9), 4)
    0.0103
    """
    x = check_positive("lr", lr) * check_positive("weight_decay", weight_decay)
    if x >= 1:
        raise ValueError(f"lr * weight_decay must be < 1, got {x}")
    momentum = check_range("momentum", momentum, 0.0, 1.0, high_open=True)
    return math.sqrt((2 * x - x * x) * (1 - momentum) / (1 + momentum))


def equilibrium_norm(lr: float, weight_decay: float, grad_scale: float) -> float:
    """SGD's steady weight norm for scale-invariant weights: ``(lr * c^2 / (2 wd)) ** 0.25``.

    ``grad_scale`` c = ``|w| * |grad|`` (constant for a scale-invariant loss: the gradient shrinks as 1/|w|).
    The balance ``2 lr wd |w|^2 = lr^2 c^2 / |w|^2`` gives it; the norm grows with lr/wd, but the turn per
    update (:func:`equilibrium_angular_update`) does not (Li & Arora 2019: a rate and a decay with the same
    product train a normalised network alike).

    >>> round(equilibrium_norm(0.1, 0.01, 2.0), 4)
    2.1147
    """
    lr, wd = check_positive("lr", lr), check_positive("weight_decay", weight_decay)
    return (lr * check_positive("grad_scale", grad_scale) ** 2 / (2 * wd)) ** 0.25


def adamw_step(
    w: np.ndarray,
    g: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    lr: float,
    weight_decay: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One torch ``AdamW`` update, step number t = 1, 2, ... (the NumPy twin; arrays of any shape).

    ``w <- (1 - lr wd) w`` first, then Adam: ``m = b1 m + (1-b1) g``, ``v = b2 v + (1-b2) g^2``,
    ``w <- w - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)``. Returns (w, m, v).
    """
    w = w * (1.0 - lr * weight_decay)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    step = (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return w - lr * step, m, v
