"""Per-parameter learning rates in NumPy: AdaGrad, RMSProp and Adam, small enough to read.

Plain gradient descent moves every parameter by ``lr * g_i``: a parameter whose
gradient is 100 times smaller moves 100 times less. The adaptive methods divide
each gradient component by a running size of *that* component's gradients, so
every parameter moves by roughly ``lr``, whatever its gradient scale:

* AdaGrad:  G = G + g^2;                      w = w - lr * g / (sqrt(G) + eps)
* RMSProp:  v = alpha v + (1 - alpha) g^2;    w = w - lr * g / (sqrt(v) + eps)
* Adam:     m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
            m_hat = m / (1 - b1^t);  v_hat = v / (1 - b2^t)       (t = 1, 2, ...)
            w = w - lr * m_hat / (sqrt(v_hat) + eps)

(all operations elementwise). The global rate ``lr`` is still there: it sets the
step size, and a schedule still chooses it step by step. The update functions
are pure (state in, state out); :func:`run_adaptive` runs one of them on a
:mod:`course_lib.problems` problem with a schedule and returns a
:class:`~course_lib.training.history.History`, like :func:`course_lib.training.trainers.run_gd`.
The formulas and default ``eps`` are PyTorch's (``torch.optim.Adagrad``,
``RMSprop``, ``Adam``); the tests check the paths against torch step for step.

>>> import numpy as np
>>> w, m, v = adam_step(np.zeros(2), np.array([250.0, 0.004]), np.zeros(2), np.zeros(2), t=1, lr=0.01)
>>> np.round(w, 6).tolist()   # the first Adam step is lr * sign(g), whatever the gradient's size
[-0.01, -0.01]
"""
from __future__ import annotations

from typing import Any

import numpy as np

from course_lib.validation import check_in, check_int, check_non_negative, check_positive, check_range
from course_lib.training.history import History
from course_lib.training.trainers import _check_problem, _path_losses, _rates, _start_and_grad  # run_gd's argument handling

__all__ = ["METHODS", "DEFAULT_EPS", "adagrad_step", "rmsprop_step", "adam_step", "run_adaptive"]

#: The methods :func:`run_adaptive` knows.
METHODS = ("adagrad", "rmsprop", "adam")

#: torch's default eps of each method (added to the square root, in the denominator).
DEFAULT_EPS = {"adagrad": 1e-10, "rmsprop": 1e-8, "adam": 1e-8}


# ---------------------------------------------------------------------------
# The update rules (pure functions)
# ---------------------------------------------------------------------------

def adagrad_step(w: np.ndarray, g: np.ndarray, sum_sq: np.ndarray, lr: float,
                 eps: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
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


def rmsprop_step(w: np.ndarray, g: np.ndarray, sq_avg: np.ndarray, lr: float, alpha: float = 0.99,
                 eps: float = 1e-8) -> tuple[np.ndarray, np.ndarray]:
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


def adam_step(w: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, t: int, lr: float,
              beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


# ---------------------------------------------------------------------------
# A run on a NumPy problem
# ---------------------------------------------------------------------------

def _check_method_args(method: Any, betas: Any, alpha: Any, eps: Any) -> tuple[str, float, float, float, float]:
    method = check_in("method", method, METHODS)
    if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
        raise TypeError(f"betas must be a pair (beta1, beta2), got betas={betas!r}")
    beta1 = check_range("betas[0]", betas[0], 0.0, 1.0, high_open=True)
    beta2 = check_range("betas[1]", betas[1], 0.0, 1.0, high_open=True)
    alpha = check_range("alpha", alpha, 0.0, 1.0, high_open=True)
    eps = DEFAULT_EPS[method] if eps is None else check_non_negative("eps", eps)
    return method, beta1, beta2, alpha, eps


def run_adaptive(problem: Any, schedule: Any, n_steps: int, *, method: str = "adam", w0: Any = None,
                 betas: tuple[float, float] = (0.9, 0.999), alpha: float = 0.99, eps: float | None = None,
                 batch_size: int | None = None, seed: int = 0, max_norm: float = 1e6,
                 label: str = "") -> History:
    """AdaGrad, RMSProp or Adam on a NumPy problem, with the global rate lr(t) = schedule(t).

    The update at step t (t = 0, 1, ...) is :func:`adagrad_step`, :func:`rmsprop_step` or
    :func:`adam_step` (with Adam's step number t + 1) at lr = schedule(t). The gradient
    is exact, or ``problem.stochastic_grad(w, rng, batch_size)`` with
    ``rng = np.random.default_rng(seed)`` when ``batch_size`` is given, exactly as in
    :func:`course_lib.training.trainers.run_gd`, so the two can be compared seed for seed.
    Divergence (parameters not finite or ``|w| > max_norm``) stops the run without
    raising, with the same conventions as run_gd.

    Args:
        problem: has ``dim``, ``w0``, vectorised ``loss(w)`` and ``grad(w)``
            (and ``stochastic_grad`` for mini-batches).
        schedule: a course_lib schedule, any function of the step, or a number (constant rate).
        n_steps: number of updates (>= 1).
        method: "adagrad", "rmsprop" or "adam".
        w0: start point, shape (dim,); default ``problem.w0``.
        betas: Adam's (beta1, beta2), each in [0, 1).
        alpha: RMSProp's averaging constant in [0, 1).
        eps: added to the square root; None for torch's default (:data:`DEFAULT_EPS`).
        batch_size: None for the full gradient, else the mini-batch size (>= 1).
        seed: seed of the mini-batch sampling.
        max_norm: a parameter norm above this counts as divergence (> 0).
        label: name for legends.

    Returns:
        A :class:`History` with steps, lr, loss (before each update), params of shape
        (n_steps + 1, dim) including the start, momentum (beta1 for Adam, else None)
        and the config. The step each parameter took is ``np.diff(history.params, axis=0)``.

    Raises:
        ValueError, TypeError: for a bad argument (never for a diverging run).

    >>> from course_lib import problems as P
    >>> h = run_adaptive(P.quadratic_bowl(condition_number=100.0), 0.1, 200, method="adam")
    >>> h.params.shape, h.diverged
    ((201, 2), False)
    """
    method, beta1, beta2, alpha, eps = _check_method_args(method, betas, alpha, eps)
    n_steps = check_int("n_steps", n_steps, minimum=1)
    batch_size = _check_problem(problem, batch_size)
    seed = check_int("seed", seed, minimum=0)
    max_norm = check_positive("max_norm", max_norm)
    max_sq = max_norm * max_norm  # inf, not OverflowError, past 1e154
    lrs = _rates(schedule, n_steps, None)
    start, grad = _start_and_grad(problem, w0, batch_size, seed)

    path = np.empty((n_steps + 1, problem.dim))
    path[0] = w = start
    s1, s2 = np.zeros(problem.dim), np.zeros(problem.dim)  # G | v | (m, v)
    done, bad = n_steps, None
    with np.errstate(all="ignore"):
        for t, lr in enumerate(lrs.tolist()):
            g = grad(w)
            if method == "adagrad":
                w, s1 = adagrad_step(w, g, s1, lr, eps)
            elif method == "rmsprop":
                w, s1 = rmsprop_step(w, g, s1, lr, alpha, eps)
            else:
                w, s1, s2 = adam_step(w, g, s1, s2, t + 1, lr, beta1, beta2, eps)
            if not float(w @ w) <= max_sq:  # nan fails too
                done = bad = t
                break
            path[t + 1] = w
        losses = _path_losses(problem, path[:done]) if done else np.zeros(0)
    nonfinite = np.flatnonzero(~np.isfinite(losses))
    if nonfinite.size:
        done = bad = int(nonfinite[0])
    return History(
        steps=np.arange(done), lr=lrs[:done].copy(), loss=losses[:done],
        momentum=np.full(done, beta1) if method == "adam" else None,
        params=path[:done + 1].copy(), diverged=bad is not None, diverged_step=bad,
        diverged_lr=None if bad is None else float(lrs[bad]), label=label,
        config=dict(trainer="run_adaptive", method=method, problem=repr(problem),
                    schedule=schedule if isinstance(schedule, (int, float)) else repr(schedule),
                    n_steps=n_steps, w0=start.tolist(), betas=(beta1, beta2), alpha=alpha, eps=eps,
                    batch_size=batch_size, seed=seed, max_norm=float(max_norm)))
