"""Tiny torch models for the experiments, initialised deterministically from a seed.

>>> net = mlp(64, 10, hidden=(32,), seed=0)
>>> net
Sequential(
  (0): Linear(in_features=64, out_features=32, bias=True)
  (1): ReLU()
  (2): Linear(in_features=32, out_features=10, bias=True)
)
>>> bool((mlp(64, 10, hidden=(32,), seed=0)[0].weight == net[0].weight).all())
True
"""

from __future__ import annotations

from typing import Callable, Sequence

import torch
from torch import nn

from course_lib.training.torch_loop import seeded
from course_lib.validation import check_in, check_int, check_non_negative

__all__ = ["ACTIVATIONS", "INIT_SCHEMES", "mlp", "linear", "n_params", "initialize", "build_seeded"]

#: activation name -> module class
ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "sigmoid": nn.Sigmoid,
    "leaky_relu": nn.LeakyReLU,
}


def build_seeded(make: Callable[[], nn.Module], seed: int | None) -> nn.Module:
    """Call ``make()`` with torch's global RNG seeded by ``seed``, then restore the RNG.

    Layers get PyTorch's default initialisation, exactly as after
    ``torch.manual_seed(seed)``; the caller's random stream is left untouched.
    With ``seed=None`` the global RNG is used as is (and advanced).
    """
    if seed is None:
        return make()
    seed = check_int("seed", seed, minimum=0)
    with seeded(seed):
        return make()


def mlp(
    n_in: int, n_out: int, hidden: Sequence[int] = (64,), activation: str = "relu", seed: int | None = 0
) -> nn.Sequential:
    """A multilayer perceptron: Linear -> activation -> ... -> Linear (no final activation).

    Args:
        n_in: number of input features.
        n_out: number of outputs (classes for a classifier: it returns logits).
        hidden: width of each hidden layer; ``()`` gives a single linear layer.
        activation: one of ``ACTIVATIONS`` ("relu", "tanh", "gelu", "silu", "sigmoid", "leaky_relu").
        seed: the same seed gives the same weights (PyTorch's default init after
            ``torch.manual_seed(seed)``), without touching the global RNG; None draws
            from the global RNG like plain torch code.

    Returns:
        A ``torch.nn.Sequential``.

    Raises:
        ValueError, TypeError: for a bad argument, naming it.
    """
    n_in = check_int("n_in", n_in, minimum=1)
    n_out = check_int("n_out", n_out, minimum=1)
    if isinstance(hidden, (int, str, bytes)) or not isinstance(hidden, Sequence):
        raise TypeError(f"hidden must be a sequence of layer widths such as (64,), got hidden={hidden!r}")
    widths = [check_int(f"hidden[{i}]", h, minimum=1) for i, h in enumerate(hidden)]
    act = ACTIVATIONS[check_in("activation", activation, ACTIVATIONS)]

    def make() -> nn.Sequential:
        layers: list[nn.Module] = []
        sizes = [n_in, *widths]
        for a, b in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(a, b), act()]
        layers.append(nn.Linear(sizes[-1], n_out))
        return nn.Sequential(*layers)

    return build_seeded(make, seed)


def linear(n_in: int, n_out: int, seed: int | None = 0) -> nn.Sequential:
    """One linear layer (logistic/softmax regression with cross-entropy): ``mlp(n_in, n_out, hidden=())``."""
    return mlp(n_in, n_out, hidden=(), seed=seed)


def n_params(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


#: Weight-initialisation schemes of :func:`initialize` -> how each Linear layer is set.
INIT_SCHEMES: dict[str, str] = {
    "default": "PyTorch's default (Linear.reset_parameters): w, b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))",
    "kaiming": "He et al. 2015 (kaiming_normal_, ReLU): w ~ N(0, 2 / fan_in), b = 0",
    "xavier": "Glorot & Bengio 2010 (xavier_normal_): w ~ N(0, 2 / (fan_in + fan_out)), b = 0",
    "zeros": "every weight and bias 0 (a classic mistake: all hidden units stay identical)",
}


def initialize(model: nn.Module, scheme: str = "kaiming", *, scale: float = 1.0, seed: int | None = None) -> nn.Module:
    """Set the initial value of every weight of every Linear layer: weight initialisation.

    This is what a network's starting point is made of: thousands of numbers, one per
    weight, drawn once before training. It is *not* the learning rate, which is one
    number of the optimizer (article 000 calls choosing the starting rate
    "learning-rate initialization" and describes it as this).

    Each ``nn.Linear`` gets the scheme (see :data:`INIT_SCHEMES`), then its weight matrix
    is multiplied by ``scale`` (biases are not scaled). Other layers are left alone.

    Args:
        model: the network, changed in place.
        scheme: "default", "kaiming", "xavier" or "zeros".
        scale: factor on every weight after the scheme (>= 0); 1 keeps the scheme.
        seed: None draws from torch's global RNG (inside ``torch_loop.train_torch`` that is
            the run's seed); an int draws from ``torch.manual_seed(seed)`` and leaves the
            global RNG untouched.

    Returns:
        the same model (so a builder can be ``lambda: initialize(mlp(64, 10, seed=None), "zeros")``).

    Raises:
        TypeError: model is not an nn.Module.
        ValueError: unknown scheme, scale < 0 or seed < 0.

    >>> net = initialize(mlp(4, 2, hidden=(3,)), "zeros")
    >>> sum(int(torch.count_nonzero(p)) for p in net.parameters())
    0
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch nn.Module, got model={model!r} ({type(model).__name__})")
    check_in("scheme", scheme, INIT_SCHEMES)
    scale = check_non_negative("scale", scale)

    def apply() -> nn.Module:
        with torch.no_grad():
            for layer in model.modules():
                if not isinstance(layer, nn.Linear):
                    continue
                if scheme == "default":
                    layer.reset_parameters()
                elif scheme == "kaiming":
                    nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
                elif scheme == "xavier":
                    nn.init.xavier_normal_(layer.weight)
                else:
                    nn.init.zeros_(layer.weight)
                if scheme != "default" and layer.bias is not None:
                    nn.init.zeros_(layer.bias)
                layer.weight.mul_(scale)
        return model

    return build_seeded(apply, seed)
