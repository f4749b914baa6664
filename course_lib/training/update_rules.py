"""The NumPy update rules: pure functions, state in, state out, each the formula in its docstring.

Elementwise operations; t counts updates from 1 where a rule needs it:

* SGD:       w = w - lr * g                                       (:func:`sgd_step`)
* momentum:  v = m v + g;  w = w - lr * v   (Nesterov: lr * (g + m v))   (:func:`momentum_step`)
* AdaGrad:   G = G + g^2;                      w = w - lr * g / (sqrt(G) + eps)
* RMSProp:   v = alpha v + (1 - alpha) g^2;    w = w - lr * g / (sqrt(v) + eps)
* Adam:      m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
             w = w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)

Formulas and default ``eps`` are PyTorch's (``torch.optim.SGD``, ``Adagrad``, ``RMSprop``,
``Adam``). Gradient clipping (:func:`clip_gradient`) acts on g before the rule sees it, as
``torch.nn.utils.clip_grad_value_`` and ``clip_grad_norm_`` do before ``optimizer.step()``.
:mod:`course_lib.training.gd` drives these rules at the rates of a schedule.

>>> w, m, v = adam_step(np.zeros(2), np.array([250.0, 0.004]), np.zeros(2), np.zeros(2), t=1, lr=0.01)
>>> np.round(w, 6).tolist()   # the first Adam step is lr * sign(g), whatever the gradient's size
[-0.01, -0.01]
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from course_lib.validation import check_positive

__all__ = [
    "clip_gradient",
    "sgd_step",
    "momentum_step",
    "adagrad_step",
    "rmsprop_step",
    "adam_step",
    "METHODS",
    "DEFAULT_EPS",
]

#: The methods :func:`run_adaptive` knows.
METHODS = ("adagrad", "rmsprop", "adam")

#: torch's default eps of each method (added to the square root, in the denominator).
DEFAULT_EPS = {"adagrad": 1e-10, "rmsprop": 1e-8, "adam": 1e-8}


# ---------------------------------------------------------------------------
# The update rules (pure functions)
# ---------------------------------------------------------------------------


def clip_gradient(g: np.ndarray, clip_norm: float | None = None, clip_value: float | None = None) -> np.ndarray:
    """The gradient after clipping: by value (each g_i into [-clip_value, clip_value]), then by norm.

    By norm: g <- g * min(1, clip_norm / |g|) (|.| the Euclidean norm of the whole vector), so the
    direction is kept and the length is at most clip_norm: one SGD step moves w by at most
    lr * clip_norm. By value: g_i <- min(max(g_i, -clip_value), clip_value), which can turn the
    direction. torch's ``clip_grad_norm_`` divides by ``|g| + 1e-6``; this is the exact rescaling
    (the two differ by about 1e-6 relative). None leaves the gradient as it is.

    >>> clip_gradient(np.array([30.0, -40.0]), clip_norm=1.0).tolist()     # length 50 -> 1
    [0.6, -0.8]
    >>> clip_gradient(np.array([3.0, -0.5]), clip_value=1.0).tolist()      # each coordinate into [-1, 1]
    [1.0, -0.5]
    """
    if clip_value is not None:
        g = np.clip(g, -clip_value, clip_value)
    if clip_norm is not None:
        norm = math.sqrt(float(np.dot(g, g)))
        if norm > clip_norm:
            g = g * (clip_norm / norm)
    return g


def clipped(
    grad: Callable[[np.ndarray], np.ndarray], clip_norm: Any, clip_value: Any
) -> Callable[[np.ndarray], np.ndarray]:
    """``grad`` followed by :func:`clip_gradient` (``grad`` itself when neither option is set)."""
    clip_norm = None if clip_norm is None else check_positive("clip_norm", clip_norm)
    clip_value = None if clip_value is None else check_positive("clip_value", clip_value)
    if clip_norm is None and clip_value is None:
        return grad
    return lambda w: clip_gradient(grad(w), clip_norm, clip_value)


def sgd_step(w: np.ndarray, g: np.ndarray, lr: float) -> np.ndarray:
    """One gradient-descent update: w = w - lr * g."""
    return w - lr * g


def momentum_step(
    w: np.ndarray, g: np.ndarray, velocity: np.ndarray, lr: float, momentum: float, nesterov: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """One heavy-ball update in torch's convention: v = m v + g; w = w - lr * v.

    Nesterov: w = w - lr * (g + m v). Returns (new w, new v).
    """
    velocity = momentum * velocity + g
    return w - lr * (g + momentum * velocity if nesterov else velocity), velocity


def adagrad_step(
    w: np.ndarray, g: np.ndarray, sum_sq: np.ndarray, lr: float, eps: float = 1e-10
) -> tuple[np.ndarray, np.ndarray]:
    """One AdaGrad update: G = G + g^2; w = w - lr * g / (sqrt(G) + eps).

    G only grows, so each parameter's effective rate lr / sqrt(G) only shrinks:
    AdaGrad has a built-in decay (like lr / sqrt(t) for steady gradients).

    Args:
        w: parameters.
        g: gradient at w.
        sum_sq: G, the running sum of squared gradients (zeros at the start).
        lr: the global learning rate.
        eps: added to sqrt(G) to avoid a division by zero.

    Returns:
        (new w, new G).
    """
    sum_sq = sum_sq + g * g
    return w - lr * g / (np.sqrt(sum_sq) + eps), sum_sq


def rmsprop_step(
    w: np.ndarray, g: np.ndarray, sq_avg: np.ndarray, lr: float, alpha: float = 0.99, eps: float = 1e-8
) -> tuple[np.ndarray, np.ndarray]:
    """One RMSProp update: v = alpha v + (1 - alpha) g^2; w = w - lr * g / (sqrt(v) + eps).

    v is an exponential moving average of g^2 (it forgets, unlike AdaGrad's sum), so
    the effective rate lr / sqrt(v) does not decay by itself. No bias correction
    (torch's convention): with v = 0 at the start, the first steps are larger than lr.

    Args:
        w: parameters.
        g: gradient at w.
        sq_avg: v, the moving average of squared gradients (zeros at the start).
        lr: the global learning rate.
        alpha: the averaging constant in [0, 1).
        eps: added to sqrt(v).

    Returns:
        (new w, new v).
    """
    sq_avg = alpha * sq_avg + (1 - alpha) * g * g
    return w - lr * g / (np.sqrt(sq_avg) + eps), sq_avg


def adam_step(
    w: np.ndarray,
    g: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One Adam update (Kingma & Ba 2015), step number t = 1, 2, ...

    m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;
    m_hat = m / (1 - beta1^t);  v_hat = v / (1 - beta2^t);
    w = w - lr * m_hat / (sqrt(v_hat) + eps).

    The step of parameter i is lr * m_hat_i / (sqrt(v_hat_i) + eps): about lr when the
    gradient's sign is steady, whatever its size (at t = 1 it is lr * g / (|g| + eps)).

    Args:
        w: parameters.
        g: gradient at w.
        m: first-moment average (zeros at the start).
        v: second-moment average (zeros at the start).
        t: the number of this update, counting from 1 (for the bias correction).
        lr: the global learning rate.
        beta1, beta2: averaging constants in [0, 1).
        eps: added to sqrt(v_hat).

    Returns:
        (new w, new m, new v).
    """
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
