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

import copy
import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from course_lib.training.gd import momentum_step
from course_lib.training.suggest import (
    RANGE_TEST_RULES,
    SUGGESTERS,
    check_sweep,
    lr_sweep,
)
from course_lib.validation import (
    check_in,
    check_int,
    check_non_negative,
    check_positive,
    check_range,
)

__all__ = ["RangeTestResult", "lr_range_test", "lr_range_test_numpy", "RANGE_TEST_RULES"]

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


def _run_sweep(
    step: Callable[[float], float], lrs: np.ndarray, beta: float, diverge_factor: float | None
) -> tuple[np.ndarray, np.ndarray, int | None]:
    """Call ``step(lr)`` (returns the loss before its update) for each rate until divergence."""
    losses, smoothed = [], []
    avg, best = 0.0, math.inf
    for k, lr in enumerate(lrs):
        loss = float(step(float(lr)))
        with np.errstate(all="ignore"):
            avg = beta * avg + (1 - beta) * loss
            smooth = avg / (1 - beta ** (k + 1))
        losses.append(loss)
        smoothed.append(smooth)
        if not (math.isfinite(loss) and math.isfinite(smooth)):
            return np.array(losses), np.array(smoothed), k
        best = min(best, smooth)
        if diverge_factor is not None and smooth > diverge_factor * best:
            return np.array(losses), np.array(smoothed), k
    return np.array(losses), np.array(smoothed), None


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


def _result(
    losses: np.ndarray, smoothed: np.ndarray, stop: int | None, lrs: np.ndarray, cfg: dict[str, Any], label: str
) -> RangeTestResult:
    lrs = lrs[: len(losses)].copy()
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
    losses, smoothed, stop = _run_sweep(step, lrs, cfg["smooth"], cfg["diverge_factor"])
    label = "GD range test" if batch_size is None else f"SGD range test (batch {batch_size})"
    return _result(losses, smoothed, stop, lrs, cfg, label)


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


def _optimizer(optimizer: Any, net: Any, lr: float, momentum: float, weight_decay: float) -> Any:
    import torch

    if isinstance(optimizer, torch.optim.Optimizer):
        own = {id(p) for p in net.parameters()}
        if not all(id(p) in own for g in optimizer.param_groups for p in g["params"]):
            raise ValueError(
                "optimizer must hold the parameters of model (pass model as the nn.Module the optimizer was built on)"
            )
        return optimizer
    from course_lib.training.factories import make_optimizer

    return make_optimizer(optimizer, net.parameters(), lr, momentum=momentum, weight_decay=weight_decay)


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
    a loss is nan/inf. The model's state_dict (weights and buffers), its
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
    from course_lib.training.torch_loop import check_model_fits

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
    rng = np.random.default_rng(cfg["seed"])
    n_batches = len(X) // batch_size
    order: list[np.ndarray] = []

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(cfg["seed"])
            net = model if isinstance(model, torch.nn.Module) else model()
            if not isinstance(net, torch.nn.Module):
                raise TypeError(f"model() must return an nn.Module, got {type(net).__name__}")
            check_model_fits(net, [(X, y)], loss_fn, loss == "cross_entropy", data)
            saved_state = copy.deepcopy(net.state_dict())
            saved_grads = [None if p.grad is None else p.grad.detach().clone() for p in net.parameters()]
            was_training = net.training
            opt = _optimizer(optimizer, net, float(lrs[0]), momentum, weight_decay)
            saved_opt = copy.deepcopy(opt.state_dict()) if opt is optimizer else None

            def step(lr: float) -> float:
                if not order:
                    perm = rng.permutation(len(X))
                    order.extend(perm[i * batch_size : (i + 1) * batch_size] for i in range(n_batches))
                idx = torch.as_tensor(order.pop(0))
                for group in opt.param_groups:
                    group["lr"] = lr
                opt.zero_grad(set_to_none=True)
                batch_loss = loss_fn(net(X[idx]), y[idx])
                batch_loss.backward()
                opt.step()
                return float(batch_loss.detach())

            try:
                net.train()
                losses, smoothed, stop = _run_sweep(step, lrs, cfg["smooth"], cfg["diverge_factor"])
            finally:
                net.load_state_dict(saved_state)
                net.train(was_training)
                for p, g in zip(net.parameters(), saved_grads):
                    p.grad = g
                if saved_opt is not None:
                    opt.load_state_dict(saved_opt)
    finally:
        torch.set_num_threads(threads)
    return _result(losses, smoothed, stop, lrs, cfg, f"range test ({cfg['optimizer']})")
