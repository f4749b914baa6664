"""Averaging the iterates instead of (or with) annealing the rate, and schedule-free SGD.

A constant rate leaves SGD bouncing around the minimum at a noise floor (notebook 02 §1). Two ways
down: shrink the steps (a decaying schedule, notebook 04), or keep the steps and *average* the points
they visit. Each averager below maps a parameter path ``w_0..w_n`` (time on axis 0; any further axes,
e.g. (steps, runs, dim)) to the path of the averaged point, the same shape: entry ``t`` is what you
would deploy if you stopped after ``t`` updates.

* :func:`tail_average` (Polyak–Ruppert): the uniform mean of ``w_start..w_t``;
  ``w_bar_t = (w_start + ... + w_t) / (t - start + 1)``.
* :func:`ema` (exponential moving average of weights): ``w_bar_0 = w_0``,
  ``w_bar_t = decay * w_bar_{t-1} + (1 - decay) * w_t`` (torch's ``AveragedModel`` with
  ``get_ema_multi_avg_fn(decay)``: its first update copies the weights). Its memory is about
  ``1 / (1 - decay)`` steps.
* :func:`swa` (stochastic weight averaging, Izmailov et al. 2018): the uniform mean of
  ``w_start, w_{start+every}, ...`` up to t, as ``AveragedModel.update_parameters`` called every
  ``every`` steps from ``start`` (with torch's ``SWALR`` the rate is constant or cyclic meanwhile).

Schedule-free SGD (Defazio et al. 2024, "The Road Less Scheduled"; ``schedulefree.SGDScheduleFree``,
optax ``contrib.schedule_free``) folds the averaging into the optimizer. Three sequences:

    y_t = beta * x_t + (1 - beta) * z_t          (the gradient is taken here)
    z_{t+1} = z_t - lr_t * g(y_t)                (a plain SGD sequence)
    x_{t+1} = (1 - c_{t+1}) * x_t + c_{t+1} * z_{t+1},   c_{t+1} = w_t / (w_0 + ... + w_t)

with weights ``w_t = (t + 1)^r * max(lr_0..lr_t)^weight_lr_power`` (defaults r = 0, power 2: with a
constant rate x is the uniform average of the z's). ``x`` is the point to evaluate and deploy;
``lr_t`` is the base rate times a linear warm-up ``(t + 1) / warmup_steps`` over ``warmup_steps``.
Formulas and defaults are those of ``schedulefree``'s reference optimizer (``SGDScheduleFreeReference``,
checked in tests/training/test_averaging.py against values it computed).

Units: a path is in parameter units; ``decay`` and ``beta`` are fractions per step; ``start``,
``every`` and ``warmup_steps`` count optimizer updates. NumPy only (the torch twins are in
``training.averaging_torch``).

>>> import numpy as np
>>> path = np.array([[0.0], [2.0], [4.0], [6.0]])
>>> tail_average(path, start=1)[:, 0].tolist()
[0.0, 2.0, 3.0, 4.0]
>>> ema(path, 0.5)[:, 0].tolist()
[0.0, 1.0, 2.5, 4.25]
>>> swa(path, start=1, every=2)[:, 0].tolist()
[0.0, 2.0, 2.0, 4.0]
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from course_lib.training.history import History, schedule_config
from course_lib.training.plan import rates
from course_lib.validation import check_int

__all__ = [
    "tail_average",
    "ema",
    "swa",
    "ema_memory",
    "schedule_free_path",
    "run_schedule_free",
]


def _as_path(path: Any) -> np.ndarray:
    p = np.asarray(path, dtype=np.float64)
    if p.ndim < 1 or p.shape[0] < 1:
        raise ValueError(f"path must have the steps on axis 0 (at least w_0), got shape {p.shape}")
    return p


def _check_start(path: np.ndarray, start: Any) -> int:
    start = check_int("start", start, minimum=0)
    if start >= path.shape[0]:
        raise ValueError(f"start must be at most the last step {path.shape[0] - 1}, got start={start}")
    return start


def tail_average(path: Any, start: int = 0) -> np.ndarray:
    """Polyak–Ruppert averaging: out[t] = mean(path[start..t]) for t >= start; out[t] = path[t] before.

    Args:
        path: iterates w_0..w_n, steps on axis 0 (parameter units).
        start: the first iterate averaged (an update count, 0 <= start <= n); a burn-in that skips
            the transient from w_0 ("tail" averaging).

    Returns:
        the averaged path, the shape of ``path``.
    """
    p = _as_path(path)
    start = _check_start(p, start)
    out = p.copy()
    count = np.arange(1, p.shape[0] - start + 1).reshape((-1,) + (1,) * (p.ndim - 1))
    out[start:] = np.cumsum(p[start:], axis=0) / count
    return out


def ema(path: Any, decay: float) -> np.ndarray:
    """Exponential moving average of the iterates: out[0] = path[0], out[t] = decay out[t-1] + (1-decay) path[t].

    Args:
        path: iterates w_0..w_n, steps on axis 0.
        decay: the fraction kept per step, 0 <= decay < 1 (0.999 remembers about 1000 steps:
            :func:`ema_memory`).

    Returns:
        the averaged path, the shape of ``path`` (torch ``AveragedModel(model,
        multi_avg_fn=get_ema_multi_avg_fn(decay))`` updated after every step, starting from w_0).
    """
    p = _as_path(path)
    decay = float(decay)
    if not (0.0 <= decay < 1.0) or isinstance(decay, bool):
        raise ValueError(f"decay must be in [0, 1), got decay={decay!r}")
    out = np.empty_like(p)
    out[0] = p[0]
    for t in range(1, p.shape[0]):
        out[t] = decay * out[t - 1] + (1.0 - decay) * p[t]
    return out


def ema_memory(decay: float) -> float:
    """The EMA's memory in steps, 1 / (1 - decay): the weights of the last that many steps sum to 1 - 1/e.

    >>> round(ema_memory(0.999))
    1000
    """
    decay = float(decay)
    if not (0.0 <= decay < 1.0):
        raise ValueError(f"decay must be in [0, 1), got decay={decay!r}")
    return 1.0 / (1.0 - decay)


def swa(path: Any, start: int, every: int = 1) -> np.ndarray:
    """Stochastic weight averaging: out[t] = mean of path[start], path[start + every], ... up to t.

    Before ``start`` the averaged model is the model itself (out[t] = path[t]); between two samples it
    holds the last average. With ``every = 1`` this is :func:`tail_average`.

    Args:
        path: iterates w_0..w_n, steps on axis 0.
        start: the first iterate averaged (``swa_start``, in updates).
        every: updates between two samples (torch: ``update_parameters`` once per epoch, or at the end
            of each cycle of a cyclic rate).
    """
    p = _as_path(path)
    start = _check_start(p, start)
    every = check_int("every", every, minimum=1)
    out = p.copy()
    samples = p[start::every]
    means = np.cumsum(samples, axis=0) / np.arange(1, len(samples) + 1).reshape((-1,) + (1,) * (p.ndim - 1))
    index = (np.arange(start, p.shape[0]) - start) // every  # the last sample taken at each step
    out[start:] = means[index]
    return out


def schedule_free_path(
    grad: Callable[[np.ndarray, int], np.ndarray],
    w0: Any,
    lr: Any,
    n_steps: int,
    *,
    beta: float = 0.9,
    warmup_steps: int = 0,
    r: float = 0.0,
    weight_lr_power: float = 2.0,
    weight_decay: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Schedule-free SGD (module docstring): the paths of x (evaluate here), y (gradients here) and z.

    Vectorised over the leading axes of ``w0``: every run steps together.

    Args:
        grad: ``grad(y, t)`` -> the (stochastic) gradient at y for update t, the shape of y.
        w0: the start x_0 = y_0 = z_0 (any shape; e.g. (runs, dim)).
        lr: the base rate: a number or a schedule of the step (before the warm-up factor).
        n_steps: updates (>= 1).
        beta: the interpolation y = beta x + (1 - beta) z, in (0, 1) (``momentum`` in ``schedulefree``).
        warmup_steps: a linear warm-up of the rate, (t + 1) / warmup_steps while t < warmup_steps.
        r: the power of (t + 1) in the averaging weight.
        weight_lr_power: the power of the largest rate so far in the averaging weight.
        weight_decay: L2 decay added to the gradient at y (``grad + weight_decay * y``).

    Returns:
        (x, y, z), each of shape (n_steps + 1,) + w0.shape; y[n] is the point after the last update.
    """
    n_steps = check_int("n_steps", n_steps, minimum=1)
    warmup_steps = check_int("warmup_steps", warmup_steps, minimum=0)
    beta = float(beta)
    if not (0.0 < beta < 1.0):
        raise ValueError(f"beta must be in (0, 1) (schedulefree's momentum), got beta={beta!r}")
    if float(weight_decay) < 0:
        raise ValueError(f"weight_decay must be >= 0, got weight_decay={weight_decay!r}")
    base = rates(lr, n_steps)
    t = np.arange(n_steps)
    lrs = base * np.where(t < warmup_steps, (t + 1) / max(warmup_steps, 1), 1.0)
    weights = (t + 1.0) ** r * np.maximum.accumulate(lrs) ** weight_lr_power
    totals = np.cumsum(weights)
    c = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
    x = np.array(w0, dtype=np.float64)
    z = x.copy()
    y = x.copy()
    xs, ys, zs = (np.empty((n_steps + 1,) + x.shape) for _ in range(3))
    xs[0], ys[0], zs[0] = x, y, z
    with np.errstate(all="ignore"):
        for k in range(n_steps):
            g = np.asarray(grad(y, k), dtype=np.float64)
            if weight_decay:
                g = g + weight_decay * y
            z = z - lrs[k] * g
            x = (1.0 - c[k]) * x + c[k] * z
            y = beta * x + (1.0 - beta) * z
            xs[k + 1], ys[k + 1], zs[k + 1] = x, y, z
    return xs, ys, zs


def run_schedule_free(
    problem: Any,
    lr: Any,
    n_steps: int,
    *,
    beta: float = 0.9,
    warmup_steps: int = 0,
    batch_size: int | None = None,
    seed: int = 0,
    w0: Any = None,
    label: str | None = None,
) -> History:
    """Schedule-free SGD on a NumPy problem; a :class:`History` whose ``params`` is the x path.

    The gradient is exact, or ``problem.stochastic_grad(y, rng, batch_size)`` with
    ``rng = np.random.default_rng(seed)`` (the mini-batches of ``run_gd`` with the same seed).
    ``loss`` is the full loss at x_t before update t; ``lr`` the rate used (warm-up included).

    >>> from course_lib import problems
    >>> nls = problems.noisy_least_squares()
    >>> h = run_schedule_free(nls, 0.1, 2000, batch_size=1, seed=0)
    >>> h.params.shape, bool(nls.loss(h.params[-1]) - nls.min_loss < 0.01)
    ((2001, 10), True)
    """
    n_steps = check_int("n_steps", n_steps, minimum=1)
    start = np.array(problem.w0 if w0 is None else w0, dtype=np.float64)
    if batch_size is None:
        grad = lambda y, t: problem.grad(y)  # noqa: E731
    else:
        batch_size = check_int("batch_size", batch_size, minimum=1)
        rng = np.random.default_rng(check_int("seed", seed, minimum=0))
        grad = lambda y, t: problem.stochastic_grad(y, rng, batch_size)  # noqa: E731
    xs, _, _ = schedule_free_path(grad, start, lr, n_steps, beta=beta, warmup_steps=warmup_steps)
    base = rates(lr, n_steps)
    t = np.arange(n_steps)
    used = base * np.where(t < warmup_steps, (t + 1) / max(warmup_steps, 1), 1.0)
    return History(
        steps=t,
        lr=used,
        loss=np.asarray(problem.loss(xs[:-1]), dtype=np.float64),
        params=xs,
        label=label or f"schedule-free SGD (beta={beta})",
        config=dict(
            optimizer="schedule-free SGD", beta=beta, warmup_steps=warmup_steps, batch_size=batch_size, seed=seed
        ),
        schedule=schedule_config(lr),
    )
