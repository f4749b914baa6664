"""The learning-rate range test (Leslie Smith, 2015/2017; fastai's ``lr_find``): the runs.

One mini-batch per rate of :func:`~course_lib.training.suggest.lr_sweep`, on a torch model
(:func:`lr_range_test`) or a NumPy problem (:func:`lr_range_test_numpy`, one momentum update
of :mod:`course_lib.training.gd` per rate); the rules of :mod:`course_lib.training.suggest`
read the curve. The model is put back as it was afterwards: a measurement, not training.

>>> from course_lib import problems as P
>>> result = lr_range_test_numpy(P.quadratic_bowl(), start_lr=1e-3, end_lr=10.0, num_steps=50)
>>> result.n_steps > 0
True
"""

from __future__ import annotations

import contextlib
import copy
import math
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Callable, Iterator

import numpy as np

from course_lib.training.gd import momentum_step
from course_lib.training.suggest import (
    RANGE_TEST_RULES,
    SUGGESTERS,
    check_sweep,
    lr_sweep,
    smooth_losses,
)
from course_lib.validation import (
    check_in,
    check_int,
    check_non_negative,
    check_positive,
    check_range,
)

__all__ = ["RangeTestResult", "StopOnDivergence", "lr_range_test", "lr_range_test_numpy", "RANGE_TEST_RULES"]

# ---------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------


@dataclass(repr=False)
class RangeTestResult:
    """What a range test recorded, and the rates its rules suggest.

    Attributes:
        lrs: rate used at each recorded step (float64, length = steps actually run).
        losses: raw loss at each step, measured before that step's update
            (mini-batch loss for the torch test; full loss for the NumPy test).
        smoothed: bias-corrected moving average of ``losses`` (see :func:`smooth_losses`).
        stopped_early: True if the sweep stopped before num_steps because the loss diverged.
        stop_step: index of the step at which it stopped (the last recorded one), else None.
        suggestions: rule name -> suggested rate, computed on the smoothed curve
            ``smoothed[skip_start : len - skip_end]`` cut at its first nan/inf; a rule
            the curve is too short for is left out and ``note`` says why.
        skip_start, skip_end: how many recorded points the rules ignored at each end.
        note: empty, or why some suggestions are missing.
        label: a short name for legends.
        config: the settings of the test.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    stopped_early: bool
    stop_step: int | None
    suggestions: dict[str, float]
    skip_start: int = 0
    skip_end: int = 0
    note: str = ""
    label: str = ""
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def n_steps(self) -> int:
        """Number of recorded steps."""
        return int(len(self.lrs))

    @property
    def used(self) -> slice:
        """The slice of the recorded curve the rules looked at (before the nan/inf cut)."""
        return slice(self.skip_start, max(self.n_steps - self.skip_end, self.skip_start))

    @property
    def used_lrs(self) -> np.ndarray:
        """Rates of the part of the curve the rules saw (cut at the first nan/inf)."""
        return self._used()[0]

    @property
    def used_losses(self) -> np.ndarray:
        """Smoothed losses of the part of the curve the rules saw (cut at the first nan/inf)."""
        return self._used()[1]

    def _used(self) -> tuple[np.ndarray, np.ndarray]:
        lrs, smoothed = self.lrs[self.used], self.smoothed[self.used]
        bad = np.flatnonzero(~np.isfinite(smoothed))
        stop = bad[0] if bad.size else smoothed.size
        return lrs[:stop], smoothed[:stop]

    def loss_at(self, lr: float) -> float:
        """Smoothed loss at ``lr``, interpolated in log(lr) on the used curve (for plot markers)."""
        lrs, losses = self._used()
        if not lrs.size:
            return float("nan")
        return float(np.interp(np.log10(lr), np.log10(lrs), losses))

    def summary(self) -> str:
        """One line: steps run, how it ended, and the suggestions."""
        name = self.label or "range test"
        text = (
            f"{name}: {self.n_steps} steps, lr {self.lrs[0]:.3g} -> {self.lrs[-1]:.3g}"
            if self.n_steps
            else f"{name}: no steps"
        )
        if self.stopped_early:
            text += f", stopped at step {self.stop_step} (loss diverged)"
        if self.suggestions:
            text += "; suggestions: " + ", ".join(f"{k}={v:.3g}" for k, v in self.suggestions.items())
        if self.note:
            text += f"; note: {self.note}"
        return text

    def __repr__(self) -> str:
        return f"RangeTestResult({self.summary()})"


def _suggest_all(lrs: np.ndarray, smoothed: np.ndarray, skip_start: int, skip_end: int) -> tuple[dict[str, float], str]:
    """Run every rule on the trimmed smoothed curve; rules that cannot run are reported in the note."""
    stop = max(len(lrs) - skip_end, skip_start)
    lrs, smoothed = lrs[skip_start:stop], smoothed[skip_start:stop]
    suggestions, problems = {}, []
    for name, rule in SUGGESTERS.items():
        try:
            value = rule(lrs, smoothed)
        except ValueError as err:
            problems.append(f"{name}: {err}")
            continue
        suggestions[name] = value
    note = ""
    if problems:
        note = (
            f"the rules saw points {skip_start}..{stop - 1} of {len(lrs) + skip_start + skip_end} "
            f"recorded ones; " + "; ".join(problems)
        )
    return suggestions, note


# ---------------------------------------------------------------------------
# The sweep loop, shared by the torch and NumPy tests
# ---------------------------------------------------------------------------


@dataclass
class StopOnDivergence:
    """A stop rule (``TrainConfig.stop_when``): stop once the smoothed loss diverges, fastai's ``stop_div``.

    Called as ``rule(step, lr, loss)`` after each update, it keeps the bias-corrected moving
    average of :func:`~course_lib.training.suggest.smooth_losses`,
    avg_k = beta * avg_{k-1} + (1 - beta) * loss_k and smoothed_k = avg_k / (1 - beta ** (k + 1)),
    and says stop (True) at the first k where smoothed_k is not finite or exceeds
    ``factor`` times its best so far (factor None: only a non-finite one stops). It counts the
    calls itself, so one rule serves one run (train_torch copies it for each run).

    >>> rule = StopOnDivergence(factor=4.0, beta=0.0)
    >>> [rule(k, 0.1, loss) for k, loss in enumerate([2.0, 1.0, 3.0, 5.0])]
    [False, False, False, True]
    """

    factor: float | None = 4.0
    beta: float = 0.98
    avg: float = field(default=0.0, init=False, repr=False)
    best: float = field(default=math.inf, init=False, repr=False)
    calls: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        self.beta = check_range("beta", self.beta, 0.0, 1.0, high_open=True)
        if self.factor is not None and not check_positive("factor", self.factor) > 1:
            raise ValueError(f"factor must be > 1 (or None to stop only on nan/inf), got factor={self.factor!r}")

    def __call__(self, step: int, lr: float, loss: float) -> bool:
        with np.errstate(all="ignore"):
            self.avg = self.beta * self.avg + (1 - self.beta) * loss
            smooth = self.avg / (1 - self.beta ** (self.calls + 1))
        self.calls += 1
        if not (math.isfinite(loss) and math.isfinite(smooth)):
            return True
        self.best = min(self.best, smooth)
        return self.factor is not None and smooth > self.factor * self.best


def _check_common(
    start_lr: Any,
    end_lr: Any,
    num_steps: Any,
    smooth: Any,
    diverge_factor: Any,
    skip_start: Any,
    skip_end: Any,
    seed: Any,
) -> dict[str, Any]:
    start_lr, end_lr, num_steps = check_sweep(start_lr, end_lr, num_steps)
    smooth = check_range("smooth", smooth, 0.0, 1.0, high_open=True)
    if diverge_factor is not None:
        diverge_factor = check_positive("diverge_factor", diverge_factor)
        if diverge_factor <= 1:
            raise ValueError(
                f"diverge_factor must be > 1 (or None to never stop early), got diverge_factor={diverge_factor!r}"
            )
    skip_start = num_steps // 10 if skip_start is None else check_int("skip_start", skip_start, minimum=0)
    skip_end = check_int("skip_end", skip_end, minimum=0)
    seed = check_int("seed", seed, minimum=0)
    return dict(
        start_lr=start_lr,
        end_lr=end_lr,
        num_steps=num_steps,
        smooth=smooth,
        diverge_factor=diverge_factor,
        skip_start=skip_start,
        skip_end=skip_end,
        seed=seed,
    )


def _result(losses: np.ndarray, lrs: np.ndarray, cfg: dict[str, Any], label: str) -> RangeTestResult:
    """The result of a sweep that recorded ``losses``; where its stop rule fired is found by replaying it."""
    lrs, losses = lrs[: len(losses)].copy(), np.asarray(losses, dtype=np.float64)
    smoothed = smooth_losses(losses, cfg["smooth"])
    rule = StopOnDivergence(cfg["diverge_factor"], cfg["smooth"])
    stop = next((k for k, loss in enumerate(losses) if rule(k, lrs[k], loss)), None)
    stopped_early = stop is not None
    suggestions, note = _suggest_all(lrs, smoothed, cfg["skip_start"], cfg["skip_end"])
    return RangeTestResult(
        lrs=lrs,
        losses=losses,
        smoothed=smoothed,
        stopped_early=stopped_early,
        stop_step=stop,
        suggestions=suggestions,
        skip_start=cfg["skip_start"],
        skip_end=cfg["skip_end"],
        note=note,
        label=label,
        config=cfg,
    )


# ---------------------------------------------------------------------------
# NumPy problems
# ---------------------------------------------------------------------------


def lr_range_test_numpy(
    problem: Any,
    *,
    start_lr: float = 1e-7,
    end_lr: float = 10.0,
    num_steps: int = 100,
    batch_size: int | None = None,
    momentum: float = 0.0,
    smooth: float = 0.98,
    diverge_factor: float | None = 4.0,
    skip_start: int | None = None,
    skip_end: int = 5,
    seed: int = 0,
) -> RangeTestResult:
    """Range test with plain gradient descent (or SGD) on a NumPy problem, from ``problem.w0``.

    Update: v = momentum * v + g;  w = w - lr_k * v, with g = problem.grad(w)
    (batch_size None) or problem.stochastic_grad(w, rng, batch_size). The loss
    recorded at step k is the full loss problem.loss(w_k) before the update.
    The problem is not modified.

    Args:
        problem: has ``w0``, ``loss(w)``, ``grad(w)`` (and ``stochastic_grad`` if batch_size is set).
        start_lr, end_lr, num_steps: the sweep (see :func:`lr_sweep`).
        batch_size: None for full-batch gradients, else the mini-batch size (>= 1).
        momentum: heavy-ball momentum in [0, 1); 0 is plain (S)GD.
        smooth: beta of the loss smoothing, in [0, 1).
        diverge_factor: stop when the smoothed loss exceeds this times its best (> 1), or None.
        skip_start: points ignored at the start by the rules (default num_steps // 10).
        skip_end: points ignored at the end by the rules (default 5).
        seed: seed of the mini-batch sampling.

    Returns:
        a :class:`RangeTestResult`.

    Raises:
        ValueError/TypeError naming a bad argument.
    """
    cfg = _check_common(start_lr, end_lr, num_steps, smooth, diverge_factor, skip_start, skip_end, seed)
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size, minimum=1)
        if not callable(getattr(problem, "stochastic_grad", None)):
            raise TypeError(
                f"batch_size={batch_size} needs a stochastic problem (with stochastic_grad); "
                f"{type(problem).__name__} has none: use batch_size=None"
            )
    for attr in ("w0", "loss", "grad"):
        if not hasattr(problem, attr):
            raise TypeError(f"problem must have w0, loss(w) and grad(w); {type(problem).__name__} has no {attr!r}")
    momentum = check_range("momentum", momentum, 0.0, 1.0, high_open=True)
    cfg.update(batch_size=batch_size, momentum=momentum, problem=type(problem).__name__)

    rng = np.random.default_rng(cfg["seed"])
    w = np.array(problem.w0, dtype=np.float64, copy=True)
    velocity = np.zeros_like(w)

    def step(lr: float) -> float:
        nonlocal w, velocity
        with np.errstate(all="ignore"):
            loss = float(problem.loss(w))
            g = problem.grad(w) if batch_size is None else problem.stochastic_grad(w, rng, batch_size)
            w, velocity = momentum_step(w, np.asarray(g, dtype=np.float64), velocity, lr, momentum)
        return loss

    lrs = lr_sweep(cfg["start_lr"], cfg["end_lr"], cfg["num_steps"])
    rule, losses = StopOnDivergence(cfg["diverge_factor"], cfg["smooth"]), []
    for k, lr in enumerate(lrs):  # the torch test's loop is train_torch's; this one is a NumPy update
        losses.append(step(float(lr)))
        if rule(k, lr, losses[-1]):
            break
    label = "GD range test" if batch_size is None else f"SGD range test (batch {batch_size})"
    return _result(np.array(losses), lrs, cfg, label)


# ---------------------------------------------------------------------------
# Torch models
# ---------------------------------------------------------------------------


def _training_tensors(data: Any) -> tuple[Any, Any]:
    import torch

    if isinstance(data, (tuple, list)) and len(data) == 2:
        X, y = data
    elif hasattr(data, "X_train") and hasattr(data, "y_train"):
        X, y = data.X_train, data.y_train
    else:
        raise TypeError(
            f"data must be a Dataset (with X_train, y_train) or a pair (X, y); got data={type(data).__name__}"
        )
    X = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    y = torch.as_tensor(np.asarray(y))
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(f"data must hold as many targets as inputs (> 0); got {len(X)} inputs, {len(y)} targets")
    return X, y


def _loss_function(loss: Any, y: Any) -> Callable[[Any, Any], Any]:
    """A callable loss as it is; "cross_entropy"/"mse" checked against the targets ``y`` and the model's outputs."""
    from course_lib.training.factories import make_loss

    if callable(loss):
        return loss
    if loss == "cross_entropy":
        cross_entropy = make_loss("cross_entropy", (y.long(),))
        return lambda out, target: cross_entropy(out, target.long())
    mse_loss = make_loss(loss, ())

    def mse(out: Any, target: Any) -> Any:
        target = target.float()
        if out.ndim == 2 and out.shape[1] == 1 and target.ndim == 1:
            target = target[:, None]
        return mse_loss(out, target)

    return mse


def _sweep_data(X: Any, y: Any, batch_size: int, num_steps: int, seed: int, name: Any) -> SimpleNamespace:
    """The sweep's batches laid end to end, for train_torch to visit in order (``shuffle=False``).

    Passes over the data in orders from ``np.random.default_rng(seed)``, each cut into
    ``len(X) // batch_size`` full batches (the incomplete last one dropped, as fastai does),
    until ``num_steps`` batches; no validation split.
    """
    rng, per_pass = np.random.default_rng(seed), len(X) // batch_size * batch_size
    passes = -(-num_steps * batch_size // per_pass)
    order = np.concatenate([rng.permutation(len(X))[:per_pass] for _ in range(passes)])[: num_steps * batch_size]
    X, y = X.numpy(), y.numpy()  # NumPy's gather: several times faster than torch's here
    return SimpleNamespace(X_train=X[order], y_train=y[order], X_val=X[:0], y_val=y[:0], name=name)


def lr_range_test(
    model: Any,
    data: Any,
    *,
    start_lr: float = 1e-7,
    end_lr: float = 10.0,
    num_steps: int = 100,
    batch_size: int = 64,
    optimizer: Any = "sgd",
    momentum: float = 0.9,
    weight_decay: float = 0.0,
    loss: Any = "cross_entropy",
    smooth: float = 0.98,
    diverge_factor: float | None = 4.0,
    skip_start: int | None = None,
    skip_end: int = 5,
    seed: int = 0,
) -> RangeTestResult:
    """Smith's range test on a torch model, fastai's ``lr_find`` step for step.

    One mini-batch per rate lr_k = start_lr * (end_lr / start_lr) ** (k / num_steps);
    stop early when the smoothed loss exceeds diverge_factor times its best or
    a loss is nan/inf. It is a :func:`~course_lib.training.torch_loop.train_torch` run (one
    epoch over the sweep's batches, the rising rates as its schedule, a
    :class:`StopOnDivergence` rule as ``stop_when``), as fastai's LRFinder is a callback on
    ``fit``. The model's state_dict (weights and buffers), its
    train/eval mode and gradients, and the optimizer's state (if you pass an
    optimizer instance) are restored afterwards. Runs on one CPU thread and
    leaves torch's global random state untouched; same seed, same result.

    Args:
        model: an ``nn.Module``, or a zero-argument callable building one (built under ``seed``).
        data: a Dataset with X_train (float) and y_train, or a pair (X, y).
        start_lr, end_lr, num_steps: the sweep (see :func:`lr_sweep`); steps are mini-batches.
        batch_size: mini-batch size (>= 1, at most the number of examples); batches are drawn
            without replacement, reshuffled each pass, incomplete last batch dropped.
        optimizer: "sgd", "adam", "adamw", or a torch optimizer built on ``model``'s parameters.
        momentum: SGD momentum, or Adam's beta1, in [0, 1) (ignored for an optimizer instance).
        weight_decay: L2 / decoupled weight decay (>= 0; ignored for an optimizer instance).
        loss: "cross_entropy", "mse", or a callable (output, target) -> scalar tensor.
        smooth: beta of the loss smoothing, in [0, 1).
        diverge_factor: stop when the smoothed loss exceeds this times its best (> 1), or None.
        skip_start: points ignored at the start by the rules (default num_steps // 10, fastai's).
        skip_end: points ignored at the end by the rules (default 5, fastai's).
        seed: seeds the batch order, the model built from a callable and dropout.

    Returns:
        a :class:`RangeTestResult`.

    Raises:
        ValueError/TypeError naming a bad argument. A diverging sweep is not an error.
    """
    import torch

    from course_lib.training.factories import LOSSES, OPTIMIZERS
    from course_lib.training.torch_loop import TrainConfig, train_torch

    cfg = _check_common(start_lr, end_lr, num_steps, smooth, diverge_factor, skip_start, skip_end, seed)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    momentum = check_range("momentum", momentum, 0.0, 1.0, high_open=True)
    weight_decay = check_non_negative("weight_decay", weight_decay)
    if not isinstance(optimizer, torch.optim.Optimizer):
        check_in("optimizer", optimizer, OPTIMIZERS)
    if not callable(loss):
        check_in("loss", loss, LOSSES)
    X, y = _training_tensors(data)
    loss_fn = _loss_function(loss, y)
    if batch_size > len(X):
        raise ValueError(
            f"batch_size must be <= the number of training examples ({len(X)}), got batch_size={batch_size}"
        )
    if not isinstance(model, torch.nn.Module) and not callable(model):
        raise TypeError(f"model must be an nn.Module or a callable building one, got model={model!r}")
    if isinstance(optimizer, torch.optim.Optimizer) and not isinstance(model, torch.nn.Module):
        raise TypeError("an optimizer instance needs model to be the nn.Module it was built on, not a callable")
    cfg.update(
        batch_size=batch_size,
        optimizer=optimizer if isinstance(optimizer, str) else type(optimizer).__name__,
        momentum=momentum,
        weight_decay=weight_decay,
        loss=loss if isinstance(loss, str) else getattr(loss, "__name__", "custom"),
    )

    lrs = lr_sweep(cfg["start_lr"], cfg["end_lr"], cfg["num_steps"])
    instance = isinstance(optimizer, torch.optim.Optimizer)
    config = TrainConfig(
        epochs=1,  # one pass over the sweep's batches, in their order
        batch_size=batch_size,
        optimizer=optimizer,
        momentum=momentum if optimizer == "sgd" else 0.0,
        betas=(momentum, 0.999) if optimizer in ("adam", "adamw") else (0.9, 0.999),
        weight_decay=0.0 if instance else weight_decay,
        loss=loss_fn,
        seed=cfg["seed"],
        max_loss=math.inf,  # every loss is recorded: the stop rule reads nan/inf and explosions
        stop_when=StopOnDivergence(cfg["diverge_factor"], cfg["smooth"]),
        shuffle=False,
        check_horizon=False,
    )
    sweep = _sweep_data(X, y, batch_size, cfg["num_steps"], cfg["seed"], getattr(data, "name", None))

    def build() -> torch.nn.Module:  # a model built by the run, in training mode
        net = model()
        if not isinstance(net, torch.nn.Module):
            raise TypeError(f"model() must return an nn.Module, got {type(net).__name__}")
        return net.train()

    given = isinstance(model, torch.nn.Module)
    with _put_back(model, optimizer if instance else None) if given else contextlib.nullcontext():
        history = train_torch(model if given else build, sweep, lrs.__getitem__, config)  # lr_k = lrs[k]
    losses = history.loss
    if history.diverged and history.diverged_step < cfg["num_steps"]:  # a nan loss (not applied): the end
        losses = np.append(losses, math.nan)
    return _result(losses, lrs, cfg, f"range test ({cfg['optimizer']})")


@contextlib.contextmanager
def _put_back(net: Any, optimizer: Any) -> Iterator[None]:
    """Train ``net`` in the block, then put back its weights, buffers, mode and gradients (and the
    state of ``optimizer``, if one is given): the range test is a measurement, not training."""
    state = copy.deepcopy(net.state_dict())
    grads = [None if p.grad is None else p.grad.detach().clone() for p in net.parameters()]
    training = net.training
    opt_state = None if optimizer is None else copy.deepcopy(optimizer.state_dict())
    net.train()
    try:
        yield
    finally:
        net.load_state_dict(state)
        net.train(training)
        for p, g in zip(net.parameters(), grads):
            p.grad = g
        if opt_state is not None:
            optimizer.load_state_dict(opt_state)
