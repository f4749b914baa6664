"""Warm-up (notebook 05): the curvature at the start, and Adam's first steps.

>>> u = adam_update_sizes(3, n_params=4, signal=0.0, noise=1.0)
>>> bool(np.allclose(np.abs(u[0]), 1.0))   # the first step is lr * sign(g)
True
"""

from __future__ import annotations

import copy
import dataclasses
import math
from numbers import Real
from typing import Any, Callable, Sequence

import numpy as np
import torch

from course_lib import schedules as S
from course_lib.training.factories import LOSSES, OPTIMIZERS, make_optimizer
from course_lib.training.gd import adam_step
from course_lib.training.history import History
from course_lib.training.torch_loop import one_thread, train_torch
from course_lib.validation import check_in, check_int, check_positive

__all__ = ["sharpness", "SharpnessTrace", "sharpness_during_training", "adam_update_sizes", "first_step_ratio"]


def _hessian_inputs(
    model: torch.nn.Module, data: Any, loss: str, n_examples: int
) -> tuple[torch.Tensor, torch.Tensor, Callable[..., torch.Tensor]]:
    """The first n_examples training rows as tensors, and the loss function."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch nn.Module, got model={model!r} ({type(model).__name__})")
    if not hasattr(data, "X_train") or not hasattr(data, "y_train"):
        raise TypeError(f"data must be a Dataset (X_train, y_train, ...), got data={data!r}")
    check_in("loss", loss, LOSSES)
    n_examples = check_int("n_examples", n_examples, minimum=1)
    X = torch.as_tensor(np.asarray(data.X_train)[:n_examples], dtype=torch.float32)
    target = torch.int64 if loss == "cross_entropy" else torch.float32
    y = torch.as_tensor(np.asarray(data.y_train)[:n_examples], dtype=target)
    fn = torch.nn.functional.cross_entropy if loss == "cross_entropy" else torch.nn.functional.mse_loss
    return X, y, fn


def sharpness(
    model: torch.nn.Module,
    data: Any,
    *,
    loss: str = "cross_entropy",
    n_examples: int = 512,
    n_iter: int = 20,
    seed: int = 0,
) -> float:
    """The sharpness: the largest Hessian eigenvalue of the training loss at the model's weights.

    Power iteration with Hessian-vector products (double backpropagation):
    v <- H v / |H v|, n_iter times from a random v; returns the Rayleigh quotient v.Hv.
    The loss is the full-batch loss on the first ``n_examples`` training examples. Power
    iteration finds the eigenvalue of largest magnitude; for these networks at and after
    initialisation that is the top (positive) one.

    Plain gradient descent at rate lr is locally stable only while lr < 2 / sharpness
    (notebook 01's limit 2/L, with L measured where the weights are now).

    Args:
        model: a torch model (not changed; its gradients are not touched).
        data: a Dataset (X_train, y_train).
        loss: "cross_entropy" or "mse".
        n_examples: training examples in the loss (>= 1; all of them if fewer).
        n_iter: power-iteration steps (>= 1).
        seed: seed of the random start vector.

    Returns:
        The eigenvalue, a float (1 / units of the learning rate).

    Raises:
        TypeError, ValueError: bad arguments, naming them.
    """
    X, y, loss_fn = _hessian_inputs(model, data, loss, n_examples)
    n_iter = check_int("n_iter", n_iter, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    params = [p for p in model.parameters() if p.requires_grad]
    generator = torch.Generator().manual_seed(seed)
    v = [torch.randn(p.shape, generator=generator) for p in params]
    with one_thread(), torch.enable_grad():  # one thread: reproducible sums, like the trainers
        grads = torch.autograd.grad(loss_fn(model(X), y), params, create_graph=True)
        value = 0.0
        for _ in range(n_iter):
            norm = torch.sqrt(sum((a * a).sum() for a in v))
            v = [a / norm for a in v]
            hv = torch.autograd.grad(grads, params, grad_outputs=v, retain_graph=True)
            value = float(sum((a * b).sum() for a, b in zip(hv, v)))
            v = [a.detach() for a in hv]
    return value


@dataclasses.dataclass(eq=False)
class SharpnessTrace:
    """Sharpness measured during one run of :func:`sharpness_during_training`.

    Attributes:
        epochs: when it was measured, in epochs (0 = at initialisation).
        sharpness: the top Hessian eigenvalue at those points.
        lr: the rate of the next update at those points, schedule(epoch * steps_per_epoch).
        history: the training run.
        label: name for legends.
    """

    epochs: np.ndarray
    sharpness: np.ndarray
    lr: np.ndarray
    history: History
    label: str = ""

    @property
    def stability_ratio(self) -> np.ndarray:
        """lr * sharpness / 2: above 1, plain GD at that rate is beyond its local stability limit 2/sharpness."""
        return self.lr * self.sharpness / 2


def sharpness_during_training(
    model: torch.nn.Module,
    data: Any,
    schedule: Any,
    *,
    epochs: int,
    measure_epochs: Sequence[int] | None = None,
    loss: str = "cross_entropy",
    n_examples: int = 512,
    n_iter: int = 20,
    label: str = "",
    **train_kwargs: Any,
) -> SharpnessTrace:
    """Train with ``training.train_torch`` and measure the :func:`sharpness` at init and after some epochs.

    Args:
        model: an nn.Module, trained in place (build it with a seed, e.g. ``training.mlp(..., seed=0)``).
        data: a Dataset.
        schedule: the learning-rate schedule (per optimizer step).
        epochs: epochs of training (>= 1).
        measure_epochs: epochs after which to measure (each in 1 .. epochs); default every epoch.
            The sharpness at initialisation (epoch 0) is always measured.
        loss: "cross_entropy" or "mse" (for training and for the sharpness).
        n_examples, n_iter: passed to :func:`sharpness`.
        label: the run's label.
        **train_kwargs: further ``train_torch`` arguments (batch_size, optimizer, momentum, seed...).

    Returns:
        A :class:`SharpnessTrace`. A run that diverges stops early; the trace then ends
        at the last epoch it completed.

    Raises:
        TypeError, ValueError: bad arguments, naming them.
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(
            f"model must be an nn.Module built with a seed (its initial sharpness is measured), got model={model!r}"
        )
    epochs = check_int("epochs", epochs, minimum=1)
    wanted = (
        set(range(1, epochs + 1))
        if measure_epochs is None
        else {check_int(f"measure_epochs[{i}]", e, minimum=1) for i, e in enumerate(measure_epochs)}
    )
    if wanted and max(wanted) > epochs:
        raise ValueError(f"measure_epochs must lie in 1 .. epochs ({epochs}), got measure_epochs={sorted(wanted)}")

    def measure(net: torch.nn.Module) -> float:
        return sharpness(net, data, loss=loss, n_examples=n_examples, n_iter=n_iter)

    points = [(0, measure(model))]

    def callback(epoch: int, net: torch.nn.Module, metrics: dict) -> None:
        if epoch in wanted:
            points.append((epoch, measure(net)))

    history = train_torch(
        model, data, schedule, epochs=epochs, loss=loss, label=label, callback=callback, **train_kwargs
    )
    per_epoch = history.steps_per_epoch
    at = np.array([e for e, _ in points])
    rates = (
        np.asarray(S.evaluate(schedule, epochs * per_epoch + 1), dtype=np.float64)
        if callable(schedule)
        else np.full(epochs * per_epoch + 1, float(schedule))
    )
    return SharpnessTrace(
        epochs=at, sharpness=np.array([v for _, v in points]), lr=rates[at * per_epoch], history=history, label=label
    )


def adam_update_sizes(
    n_steps: int,
    *,
    n_params: int = 2000,
    signal: float = 0.0,
    noise: float = 1.0,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    seed: int = 0,
) -> np.ndarray:
    """Adam's step per unit of lr, m_hat / (sqrt(v_hat) + eps), on a stream of noisy gradients.

    Each of ``n_params`` independent parameters receives gradients g = signal + noise * z,
    z ~ N(0, 1), fresh at every step; the moments follow :func:`course_lib.training.gd.adam_step`
    (with bias correction). The update of a parameter is lr times the returned value.
    At step 1 it is exactly sign(g) (size 1, whatever the gradient); once the averages
    have filled up, it settles near signal / sqrt(signal^2 + noise^2) with a spread set by beta1.

    Args:
        n_steps: Adam steps (>= 1).
        n_params: independent parameters simulated (>= 1).
        signal: the gradient's mean (the same for all parameters).
        noise: the gradient noise's standard deviation (>= 0; signal and noise not both 0).
        beta1, beta2: Adam's averaging constants in [0, 1).
        eps: Adam's eps (> 0).
        seed: seed of the noise.

    Returns:
        A float64 array of shape (n_steps, n_params): row t-1 is the update of step t.

    Raises:
        ValueError: bad arguments, naming them.

    >>> u = adam_update_sizes(3, n_params=4, signal=0.0, noise=1.0)
    >>> bool(np.allclose(np.abs(u[0]), 1.0))   # the first step is lr * sign(g)
    True
    """
    n_steps = check_int("n_steps", n_steps, minimum=1)
    n_params = check_int("n_params", n_params, minimum=1)
    signal = float(signal)
    noise = float(noise)
    if not (math.isfinite(signal) and math.isfinite(noise) and noise >= 0 and (noise > 0 or signal != 0)):
        raise ValueError(f"signal must be finite and noise >= 0, not both 0; got signal={signal!r}, noise={noise!r}")
    for name, value in (("beta1", beta1), ("beta2", beta2)):
        if not (isinstance(value, Real) and 0 <= value < 1):
            raise ValueError(f"{name} must be in [0, 1), got {name}={value!r}")
    eps = check_positive("eps", eps)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    w, m, v = np.zeros(n_params), np.zeros(n_params), np.zeros(n_params)
    out = np.empty((n_steps, n_params))
    for t in range(1, n_steps + 1):
        g = signal + noise * rng.standard_normal(n_params)
        new_w, m, v = adam_step(w, g, m, v, t, lr=1.0, beta1=float(beta1), beta2=float(beta2), eps=eps)
        out[t - 1] = w - new_w
    return out


def first_step_ratio(
    model: torch.nn.Module,
    data: Any,
    lr: float,
    *,
    optimizer: str = "adam",
    loss: str = "cross_entropy",
    batch_size: int = 64,
) -> float:
    """How far the very first update moves the weights, relative to their size: |w_1 - w_0| / |w_0|.

    One update of a copy of ``model`` (the model itself is not changed) on the first
    ``batch_size`` training examples, with a fresh optimizer at rate ``lr`` (SGD without
    momentum, or Adam/AdamW with torch's defaults). Norms are over all parameters.
    SGD moves by lr * |g|, so its first step depends on the gradient's size; Adam's first
    step is lr * sign(g) in every coordinate, so it is lr * sqrt(n_params) whatever the gradient.

    Args:
        model: the torch model at initialisation.
        data: a Dataset (X_train, y_train).
        lr: the rate of the first update (> 0).
        optimizer: "sgd", "adam" or "adamw".
        loss: "cross_entropy" or "mse".
        batch_size: examples in the batch (>= 1).

    Returns:
        The ratio, a float.

    Raises:
        TypeError, ValueError: bad arguments, naming them.
    """
    X, y, loss_fn = _hessian_inputs(model, data, loss, batch_size)
    lr = check_positive("lr", lr)
    check_in("optimizer", optimizer, OPTIMIZERS)
    net = copy.deepcopy(model)
    params = [p for p in net.parameters() if p.requires_grad]
    before = torch.cat([p.detach().reshape(-1).clone() for p in params])
    opt = make_optimizer(optimizer, params, lr, weight_decay=0.01 if optimizer == "adamw" else 0.0)  # torch's defaults
    with torch.enable_grad():
        loss_fn(net(X), y).backward()
    opt.step()
    after = torch.cat([p.detach().reshape(-1) for p in params])
    return float((after - before).norm() / before.norm())
