"""Descent on a NumPy problem: the one loop that drives the five update rules.

The update rules (:mod:`course_lib.training.update_rules`) are pure functions (state in, state
out), each the formula in its docstring (elementwise operations; t counts updates from 1 where a rule needs it):

* SGD:       w = w - lr * g                                       (:func:`sgd_step`)
* momentum:  v = m v + g;  w = w - lr * v   (Nesterov: lr * (g + m v))   (:func:`momentum_step`)
* AdaGrad:   G = G + g^2;                      w = w - lr * g / (sqrt(G) + eps)
* RMSProp:   v = alpha v + (1 - alpha) g^2;    w = w - lr * g / (sqrt(v) + eps)
* Adam:      m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
             w = w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)

Gradient clipping (:func:`clip_gradient`, options ``clip_norm`` and ``clip_value`` of both
entry points) acts on g before the rule sees it, as ``torch.nn.utils.clip_grad_value_`` and
``clip_grad_norm_`` do before ``optimizer.step()``.

Plain gradient descent moves every parameter by ``lr * g_i``; the adaptive rules divide
each component by a running size of *its* gradients, so each parameter moves by about lr.
The global rate lr = schedule(t) still sets the step. Formulas and default ``eps`` are
PyTorch's (``torch.optim.SGD``, ``Adagrad``, ``RMSprop``, ``Adam``).

:func:`descend` is the one loop: it applies a rule at the rates of a schedule, optionally
under a plateau policy, and *reports* divergence (parameters not finite or
``|w| > max_norm``, or a non-finite loss) instead of raising. :func:`run_gd` (SGD,
momentum) and :func:`run_adaptive` (AdaGrad, RMSProp, Adam) are its entry points and
return a :class:`~course_lib.training.history.History`. This module does not import torch.

>>> from course_lib import problems as P, schedules as S
>>> h = run_gd(P.quadratic_bowl(), S.constant(0.5), 100)
>>> h.params.shape, h.diverged
((101, 2), False)
>>> run_gd(P.quadratic_bowl(), 2.2, 1000).summary()  # lr above 2 / L
'run: DIVERGED at step 68 (lr=2.2); last finite loss 3.261e+11'
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, fields, replace
from typing import Any, Callable, Mapping

import numpy as np

from course_lib.training.history import History, schedule_config
from course_lib.training.plan import check_horizon as warn_on_horizon
from course_lib.training.plan import describe, momenta, rates
from course_lib.training.plateau import ReduceLROnPlateau
from course_lib.training.problem_checks import check_learner_problem, real_values
from course_lib.training.update_rules import (
    DEFAULT_EPS,
    METHODS,
    adagrad_step,
    adam_step,
    clip_gradient,
    clipped,
    momentum_step,
    rmsprop_step,
    sgd_step,
)
from course_lib.validation import (
    MAX_MAGNITUDE,
    check_flag,
    check_in,
    check_int,
    check_non_negative,
    check_positive,
    check_range,
    check_real_array,
)

__all__ = [
    "clip_gradient",
    "sgd_step",
    "sgd_final_points",
    "momentum_step",
    "adagrad_step",
    "rmsprop_step",
    "adam_step",
    "descend",
    "Descent",
    "GDConfig",
    "gd_config",
    "run_gd",
    "run_adaptive",
    "rates",
    "momenta",
    "describe",
    "METHODS",
    "DEFAULT_EPS",
]


def _path_losses(problem: Any, path: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """problem.loss at every row of path, vectorised in chunks (empty path: no losses)."""
    losses = []
    for i in range(0, len(path), chunk):
        rows = path[i : i + chunk]
        losses.append(real_values("problem.loss(w)", problem.loss(rows), (len(rows),)))
    return np.concatenate(losses) if losses else np.zeros(0)


def _start_and_grad(problem: Any, w0: Any, batch_size: int | None, seed: int) -> tuple[np.ndarray, Callable]:
    """Check the problem and start; return (start, gradient): exact, or mini-batch from a seeded stream.

    For a course_lib problem the exact gradient is its unchecked kernel ``_grad`` (``Problem.grad``
    validates its argument on every call: twice the cost of a 2-D step); the start is checked once
    here instead.
    """
    if not (hasattr(problem, "grad") and hasattr(problem, "loss") and hasattr(problem, "dim")):
        raise TypeError(f"problem must have dim, loss(w) and grad(w), got problem={problem!r}")
    if batch_size is not None and not hasattr(problem, "stochastic_grad"):
        raise TypeError(
            f"batch_size={batch_size} needs a problem with stochastic_grad; "
            f"{problem!r} has only the exact gradient (use batch_size=None)"
        )
    dim = check_int("problem.dim", problem.dim, minimum=1)
    try:  # text, None inside a list, ragged lists, objects, complex numbers, tensors that require grad
        start = np.array(check_real_array("w0", problem.w0 if w0 is None else w0))
    except TypeError:
        raise TypeError(f"w0 must be {dim} finite numbers, got w0={w0!r}") from None
    if start.shape != (dim,) or not np.all(np.abs(start) <= MAX_MAGNITUDE):  # nan fails <= too
        raise ValueError(f"w0 must be {dim} finite numbers, got w0={w0!r}")
    learner = not type(problem).__module__.startswith("course_lib.")
    checked = check_learner_problem(problem, start) if learner else None
    if batch_size is None:
        from course_lib.problems import Problem  # local: problems is only needed here

        fast = isinstance(problem, Problem) and type(problem).grad is Problem.grad and not learner
        grad = problem._grad if fast else problem.grad
    else:
        rng, stochastic_grad = np.random.default_rng(seed), problem.stochastic_grad
        grad = lambda w: stochastic_grad(w, rng, batch_size)  # noqa: E731
    if checked is None:
        return start, grad
    exact = grad
    return start, lambda w: checked(exact(w))  # a learner's gradient: checked at every step


# ---------------------------------------------------------------------------
# The loop
# ---------------------------------------------------------------------------

#: A rule bound to its settings: (w, g, state, t, lr) -> (new w, new state), t = 0, 1, ...
Rule = Callable[[np.ndarray, np.ndarray, Any, int, float], tuple[np.ndarray, Any]]


@dataclass
class Descent:
    """What :func:`descend` returns: the good part of the run.

    Attributes:
        path: parameters w_0..w_n, shape (n + 1, dim) (n = recorded steps).
        lr, loss: rate and loss (before the update) of steps 0..n-1.
        diverged_step: the first step not recorded (its update or loss was bad), else None.
        diverged_lr: that step's rate, else None.
        plateau_lrs: the plateau policy's rate after each evaluation, or None.
    """

    path: np.ndarray
    lr: np.ndarray
    loss: np.ndarray
    diverged_step: int | None
    diverged_lr: float | None
    plateau_lrs: list[float] | None


def descend(
    problem: Any,
    grad: Callable[[np.ndarray], np.ndarray],
    start: np.ndarray,
    rule: Rule,
    base: np.ndarray,
    *,
    state: Any = None,
    max_norm: float = 1e6,
    plateau: ReduceLROnPlateau | None = None,
    plateau_every: int = 100,
    segment: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> Descent:
    """Apply ``rule`` at rates ``base`` from ``start``: w_{t+1}, state = rule(w_t, grad(w_t), state, t, lr_t).

    lr_t = base[t], or plateau.lr * base[t] with a policy (stepped every ``plateau_every``
    steps with the mean loss of that window; a copy is used). Divergence is checked once
    per window of steps (a cheap vectorised test); the run stops at the first bad point.
    ``segment(w, lrs)``, if given, returns the points after each step of a stretch at rates
    ``lrs`` from ``w`` at once (the same run as ``rule`` and ``grad``, which it replaces).
    """
    n_steps = len(base)
    policy = copy.deepcopy(plateau)
    lrs = base.copy() if policy is None else np.empty(n_steps)
    path = np.empty((n_steps + 1, len(start)))
    path[0] = start
    max_sq = max_norm * max_norm  # inf, not OverflowError, past 1e154
    chunk = 1024 if policy is None else plateau_every
    done, bad, known = n_steps, None, [np.zeros(0)]  # known: the losses of the windows the policy saw
    with np.errstate(all="ignore"):
        for begin in range(0, n_steps, chunk):
            end = min(begin + chunk, n_steps)
            if policy is not None:
                lrs[begin:end] = policy.lr * base[begin:end]
            w = path[begin]
            if segment is not None:
                path[begin + 1 : end + 1] = segment(w, lrs[begin:end])
            else:
                for t, lr in enumerate(lrs[begin:end].tolist(), start=begin):
                    w, state = rule(w, grad(w), state, t, lr)
                    path[t + 1] = w
            rows = path[begin + 1 : end + 1]
            worse = np.flatnonzero(~(np.einsum("ij,ij->i", rows, rows) <= max_sq))  # nan fails <= too
            if worse.size:  # update begin + k produced a bad point
                done = bad = begin + int(worse[0])
                break
            if policy is not None:
                known.append(_path_losses(problem, path[begin:end]))
                policy.step(float(np.mean(known[-1])))
        known = np.concatenate(known)[:done]
        losses = np.concatenate([known, _path_losses(problem, path[len(known) : done])])
    nonfinite = np.flatnonzero(~np.isfinite(losses))
    if nonfinite.size:
        done = bad = int(nonfinite[0])
    return Descent(
        path=path[: done + 1].copy(),
        lr=lrs[:done].copy(),
        loss=losses[:done],
        diverged_step=bad,
        diverged_lr=None if bad is None else float(lrs[bad]),
        plateau_lrs=None if policy is None else list(policy.history),
    )


def _sgd_segment(problem: Any, n_steps: int, c: GDConfig) -> Callable[[np.ndarray, np.ndarray], np.ndarray] | None:
    """Plain mini-batch SGD many steps at a time, where the problem has a closed form for it.

    ``problem.sgd_steps`` (course_lib's least squares: the update is linear in w) on a stream of
    seed ``c.seed``, the one the step-by-step mini-batch gradient draws from, so the run is the
    same up to rounding; None (step by step) for an exact gradient, clipping, or a problem
    without one (a learner's problem is checked at every step).
    """
    own = type(problem).__module__.startswith("course_lib.") and hasattr(type(problem), "sgd_steps")
    if not own or c.batch_size is None or c.clip_norm is not None or c.clip_value is not None:
        return None
    return problem.sgd_steps(n_steps, np.random.default_rng(c.seed), c.batch_size)


def _history(run: Descent, schedule: Any, momentum: np.ndarray | None, label: str, config: dict) -> History:
    done = len(run.loss)
    return History(
        steps=np.arange(done),
        lr=run.lr,
        loss=run.loss,
        momentum=momentum,
        params=run.path,
        diverged=run.diverged_step is not None,
        diverged_step=run.diverged_step,
        diverged_lr=run.diverged_lr,
        label=label,
        config=config,
        plateau_lrs=run.plateau_lrs,
        schedule=schedule_config(schedule),
    )


@dataclass(frozen=True)
class GDConfig:
    """How :func:`run_gd` or :func:`run_adaptive` descends (everything but the problem, the
    schedule and n_steps). Frozen: use ``dataclasses.replace(config, seed=1)`` for a variant.
    Keywords build one: ``run_gd(p, s, n, momentum=0.9) == run_gd(p, s, n, GDConfig(momentum=0.9))``.

    Attributes:
        method: "sgd" (:func:`run_gd`), or "adagrad", "rmsprop", "adam" (:func:`run_adaptive`,
            which defaults to "adam").
        w0: start point, shape (dim,); None for ``problem.w0``.
        momentum: SGD's momentum, a number in [0, 1) or a momentum schedule.
        nesterov: Nesterov momentum (needs momentum).
        betas: Adam's (beta1, beta2), each in [0, 1).
        alpha: RMSProp's averaging constant in [0, 1).
        eps: added to the adaptive rules' square root; None for torch's default (:data:`DEFAULT_EPS`).
        batch_size: None for the full gradient, else the mini-batch size (>= 1).
        seed: seed of the mini-batch sampling (>= 0).
        plateau: a :class:`~course_lib.training.plateau.ReduceLROnPlateau` (SGD only), or None.
        plateau_every: steps per plateau evaluation (>= 1).
        clip_norm: clip each gradient to this Euclidean length (> 0), or None.
        clip_value: clip each gradient coordinate into [-clip_value, clip_value] (> 0), or None.
        max_norm: a parameter norm above this counts as divergence (> 0).
        label: name for legends.
        check_horizon: warn when the schedule was built for a number of steps other than n_steps
            (:func:`~course_lib.training.plan.check_horizon`).
    """

    method: str = "sgd"
    w0: Any = None
    momentum: Any = 0.0
    nesterov: bool = False
    betas: tuple[float, float] = (0.9, 0.999)
    alpha: float = 0.99
    eps: float | None = None
    batch_size: int | None = None
    seed: int = 0
    plateau: ReduceLROnPlateau | None = None
    plateau_every: int = 100
    clip_norm: float | None = None
    clip_value: float | None = None
    max_norm: float = 1e6
    label: str = ""
    check_horizon: bool = True

    def __post_init__(self) -> None:
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        set_("method", check_in("method", self.method, ("sgd", *METHODS)))
        for flag in ("nesterov", "check_horizon"):
            set_(flag, check_flag(flag, getattr(self, flag)))
        if not (isinstance(self.betas, (tuple, list)) and len(self.betas) == 2):
            raise TypeError(f"betas must be a pair (beta1, beta2), got betas={self.betas!r}")
        set_("betas", tuple(check_range(f"betas[{i}]", b, 0.0, 1.0, high_open=True) for i, b in enumerate(self.betas)))
        set_("alpha", check_range("alpha", self.alpha, 0.0, 1.0, high_open=True))
        set_("eps", None if self.eps is None else check_non_negative("eps", self.eps))
        set_("batch_size", None if self.batch_size is None else check_int("batch_size", self.batch_size, minimum=1))
        set_("seed", check_int("seed", self.seed, minimum=0))
        if self.plateau is not None and not isinstance(self.plateau, ReduceLROnPlateau):
            raise TypeError(f"plateau must be a ReduceLROnPlateau or None, got plateau={self.plateau!r}")
        set_("plateau_every", check_int("plateau_every", self.plateau_every, minimum=1))
        set_("clip_norm", None if self.clip_norm is None else check_positive("clip_norm", self.clip_norm))
        set_("clip_value", None if self.clip_value is None else check_positive("clip_value", self.clip_value))
        set_("max_norm", check_positive("max_norm", self.max_norm))


_DEFAULTS = GDConfig()


def _check_unused(config: GDConfig, names: tuple[str, ...], whose: str) -> None:
    """Raise if one of ``names`` (options the other entry point reads) differs from its default."""
    set_ = {n: getattr(config, n) for n in names if getattr(config, n) != getattr(_DEFAULTS, n)}
    if set_:
        raise TypeError(f"{', '.join(set_)} are {whose} options, not method={config.method!r}'s; got {set_}")


def gd_config(config: GDConfig | None, options: Mapping[str, Any], method: str) -> GDConfig:
    """``config`` with ``options`` (GDConfig field names) replaced; GDConfig(method=method, **options) without one."""
    names = [f.name for f in fields(GDConfig)]
    unknown = sorted(set(options) - set(names))
    if unknown:
        raise TypeError(f"unknown option(s) {unknown}; allowed: {names}")
    if config is None:
        return GDConfig(**{"method": method, **options})
    if not isinstance(config, GDConfig):
        raise TypeError(f"config must be a GDConfig or None, got config={config!r}")
    return replace(config, **options) if options else config


def run_gd(
    problem: Any,
    schedule: Any,
    n_steps: int,
    config: GDConfig | None = None,
    **options: Any,
) -> History:
    """Gradient descent on a NumPy problem: w_{t+1} = w_t - lr(t) * g_t (:func:`sgd_step`).

    g_t is the exact gradient, or ``problem.stochastic_grad(w, rng, batch_size)`` with
    ``rng = np.random.default_rng(seed)`` when ``batch_size`` is given. With momentum m
    (torch's SGD convention, :func:`momentum_step`): v_{t+1} = m(t) * v_t + g_t,
    w_{t+1} = w_t - lr(t) * v_{t+1}; Nesterov uses g_t + m(t) * v_{t+1} in place of v_{t+1}.
    With ``clip_norm``/``clip_value``, g_t is clipped first (:func:`clip_gradient`): without
    momentum every step is then at most lr(t) * clip_norm long.

    With a plateau policy the rate is plateau.lr * schedule(t) / schedule(0) (plateau.lr if
    schedule is None), and the policy is stepped every ``plateau_every`` steps with the mean
    training loss of that window. A copy of ``plateau`` is used: yours is not changed.

    Divergence (parameters not finite, ``|w| > max_norm``, or a non-finite loss) stops the
    run without raising: ``diverged=True``, ``diverged_step`` is the first step not recorded
    and ``diverged_lr`` its rate; the arrays hold only the good steps (no nan or inf).

    Args:
        problem: has ``dim``, ``w0``, vectorised ``loss(w)`` and ``grad(w)``
            (and ``stochastic_grad`` for mini-batches).
        schedule: a course_lib schedule, any function of the step, or a number (constant
            rate); None only together with ``plateau``.
        n_steps: number of updates (>= 1).
        config: a :class:`GDConfig` (method "sgd"); ``**options`` (its field names: w0, momentum,
            nesterov, batch_size, seed, plateau, plateau_every, clip_norm, clip_value, max_norm,
            label, check_horizon) build or override it.

    Returns:
        A :class:`History` with steps, lr, loss (loss before each update), momentum per step,
        params of shape (n_steps + 1, dim) including the start, and the config.

    Raises:
        ValueError, TypeError: for a bad argument (never for a diverging run).
    """
    c = gd_config(config, options, "sgd")
    if c.method != "sgd":
        raise ValueError(f"run_gd runs method='sgd'; for method={c.method!r} call run_adaptive")
    _check_unused(c, ("betas", "alpha", "eps"), "run_adaptive's")
    momentum, nesterov, plateau = c.momentum, c.nesterov, c.plateau
    n_steps = check_int("n_steps", n_steps, minimum=1)
    start, grad = _start_and_grad(problem, c.w0, c.batch_size, c.seed)
    grad = clipped(grad, c.clip_norm, c.clip_value)
    base = rates(schedule, n_steps, plateau)
    moms = momenta(momentum, n_steps)
    moving = callable(momentum) or moms[0] > 0
    if nesterov and not moving:
        raise ValueError(f"nesterov=True needs momentum > 0, got momentum={momentum!r}")
    if c.check_horizon:
        warn_on_horizon(schedule, n_steps)
    if moving:
        m = moms.tolist()
        rule = lambda w, g, v, t, lr: momentum_step(w, g, v, lr, m[t], nesterov)  # noqa: E731
    else:
        rule = lambda w, g, v, t, lr: (sgd_step(w, g, lr), v)  # noqa: E731
    run = descend(
        problem,
        grad,
        start,
        rule,
        base,
        state=np.zeros(problem.dim),
        max_norm=c.max_norm,
        plateau=plateau,
        plateau_every=c.plateau_every,
        segment=None if moving else _sgd_segment(problem, n_steps, c),
    )
    return _history(
        run,
        schedule,
        moms[: len(run.loss)],
        c.label,
        dict(
            trainer="run_gd",
            problem=repr(problem),
            schedule=describe(schedule),
            n_steps=n_steps,
            w0=start.tolist(),
            momentum=describe(momentum),
            nesterov=nesterov,
            batch_size=c.batch_size,
            seed=c.seed,
            plateau=describe(plateau),
            plateau_every=c.plateau_every,
            clip_norm=c.clip_norm,
            clip_value=c.clip_value,
            max_norm=c.max_norm,
            plateau_lrs=run.plateau_lrs,
        ),
    )


def sgd_final_points(
    problem: Any, schedule: Any, n_steps: int, seeds: Any, *, w0: Any = None, batch_size: int = 1
) -> np.ndarray:
    """Where plain SGD ends, for many seeds at once: ``run_gd(problem, schedule, n_steps, w0=...,
    batch_size=batch_size, seed=s).params[-1]`` for every ``s`` in ``seeds``, as one array.

    For :func:`~course_lib.problems.multi_basin` (its stochastic gradient is the exact gradient plus
    Gaussian noise of std ``noise / sqrt(batch_size)``): the seeds run side by side, each with the
    same noise stream ``run_gd`` draws from ``np.random.default_rng(seed)``, so the points are
    ``run_gd``'s (tests/training/test_gd.py checks it), about a hundred times faster. No momentum,
    no path, no divergence check: a study over hundreds of seeds that only needs the end points.

    Args:
        problem: a ``MultiBasin``.
        schedule: as for :func:`run_gd`.
        n_steps: number of updates (>= 1).
        seeds: the noise seeds (>= 0), one run each.
        w0: one start for every run, or one start per seed (shape (len(seeds), 2)); default ``problem.w0``.
        batch_size: the pretend mini-batch size (>= 1).

    Returns:
        the final points, shape (len(seeds), dim).
    """
    from course_lib.problems.surfaces import MultiBasin  # local: problems is only needed here

    if not isinstance(problem, MultiBasin):
        raise TypeError(
            f"sgd_final_points needs a multi_basin problem (Gaussian gradient noise), got problem={problem!r}"
        )
    n_steps = check_int("n_steps", n_steps, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    seeds = [check_int("seed", s, minimum=0) for s in seeds]
    start = np.array(problem.w0 if w0 is None else w0, dtype=np.float64)
    w = np.array(np.broadcast_to(start, (len(seeds), problem.dim)))
    if not np.all(np.isfinite(w)):
        raise ValueError(f"w0 must be finite, got w0={w0!r}")
    scale = problem.noise / math.sqrt(batch_size)
    noise = np.stack([np.random.default_rng(s).normal(scale=scale, size=(n_steps, problem.dim)) for s in seeds], axis=1)
    with np.errstate(all="ignore"):
        for lr, z in zip(rates(schedule, n_steps).tolist(), noise):
            w = sgd_step(w, problem._grad(w) + z, lr)
    return w


def run_adaptive(
    problem: Any,
    schedule: Any,
    n_steps: int,
    config: GDConfig | None = None,
    **options: Any,
) -> History:
    """AdaGrad, RMSProp or Adam on a NumPy problem, with the global rate lr(t) = schedule(t).

    The update at step t (t = 0, 1, ...) is :func:`adagrad_step`, :func:`rmsprop_step` or
    :func:`adam_step` (with Adam's step number t + 1) at lr = schedule(t), driven by the
    same loop (:func:`descend`) and the same gradients as :func:`run_gd` (seed for seed),
    with the same divergence conventions and the same clipping options.

    Args:
        problem: has ``dim``, ``w0``, vectorised ``loss(w)`` and ``grad(w)``
            (and ``stochastic_grad`` for mini-batches).
        schedule: a course_lib schedule, any function of the step, or a number (constant rate).
        n_steps: number of updates (>= 1).
        config: a :class:`GDConfig` (method "adagrad", "rmsprop" or "adam"); ``**options`` (its
            field names: method (default "adam"), w0, betas, alpha, eps, batch_size, seed,
            clip_norm, clip_value, max_norm, label, check_horizon) build or override it.

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
    c = gd_config(config, options, "adam")
    method = check_in("method", c.method, METHODS)  # "sgd" is run_gd's
    _check_unused(c, ("momentum", "nesterov", "plateau", "plateau_every"), "run_gd's (Adam's momentum is betas[0])")
    (beta1, beta2), alpha = c.betas, c.alpha
    eps = DEFAULT_EPS[method] if c.eps is None else c.eps
    n_steps = check_int("n_steps", n_steps, minimum=1)
    start, grad = _start_and_grad(problem, c.w0, c.batch_size, c.seed)
    grad = clipped(grad, c.clip_norm, c.clip_value)
    lrs = rates(schedule, n_steps, None)
    if c.check_horizon:
        warn_on_horizon(schedule, n_steps)
    zeros = np.zeros(problem.dim)
    if method == "adagrad":
        rule, state = (lambda w, g, s, t, lr: adagrad_step(w, g, s, lr, eps)), zeros  # noqa: E731
    elif method == "rmsprop":
        rule, state = (lambda w, g, s, t, lr: rmsprop_step(w, g, s, lr, alpha, eps)), zeros  # noqa: E731
    else:

        def rule(w, g, s, t, lr):
            w, m, v = adam_step(w, g, s[0], s[1], t + 1, lr, beta1, beta2, eps)
            return w, (m, v)

        state = (zeros, zeros)
    run = descend(problem, grad, start, rule, lrs, state=state, max_norm=c.max_norm)
    done = len(run.loss)
    return _history(
        run,
        schedule,
        np.full(done, beta1) if method == "adam" else None,
        c.label,
        dict(
            trainer="run_adaptive",
            method=method,
            problem=repr(problem),
            schedule=describe(schedule),
            n_steps=n_steps,
            w0=start.tolist(),
            betas=(beta1, beta2),
            alpha=alpha,
            eps=eps,
            batch_size=c.batch_size,
            seed=c.seed,
            clip_norm=c.clip_norm,
            clip_value=c.clip_value,
            max_norm=c.max_norm,
        ),
    )
