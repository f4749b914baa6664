"""Does a tuned rate transfer to a wider model? The standard parameterisation against a µP-style one.

The model is an MLP with two hidden layers of width n on ``problems.load_digits()`` (64 inputs, 10
classes), ReLU, trained with Adam (torch's update, betas (0.9, 0.999), eps 1e-8) on mini-batches for
a fixed number of updates, and scored by its cross-entropy on the whole training set after the last
update (nats). Two ways to make the same architecture wider, at a base width n0 and width multiplier
m = n / n0:

``"SP"`` (standard parameterisation)
    torch's default ``nn.Linear`` init for every layer (weights and biases U(-1/sqrt(fan_in),
    1/sqrt(fan_in))) and one Adam rate lr for every parameter.

``"muP"`` (the maximal-update parameterisation, as the ``mup`` package implements it for Adam)
    Yang et al. 2022, "Tensor Programs V", Table 3 (Adam column), in the ``mup`` package's form
    (``MuReadout`` + ``MuAdam``, github.com/microsoft/mup):

    * input layer (64 -> n) and every bias: torch's default init, rate lr (fan_in does not grow);
    * hidden layer (n -> n, "matrix-like": both dimensions grow): torch's default init
      (variance ~ 1/fan_in), rate lr / m;
    * readout (n -> 10): zero init (mup's ``readout_zero_init=True``) and its output multiplied by
      1 / m (``MuReadout``'s ``output_mult / width_mult``), rate lr.

    At n = n0 (m = 1) the two differ only in the zero readout. The readout's 1/m multiplier with rate
    lr is Table 3's readout rule (init variance 1/fan_in^2, Adam rate 1/fan_in) written as a multiplier.

Many models train at once: one stacked tensor per layer over (seed, rate) pairs and batched matrix
products, with Adam's update written out (:func:`adam_step`; tests check it against
``torch.optim.Adam`` with one param group per layer, as :func:`width_param_groups` builds for a real
``nn.Sequential``). Each seed draws its own init and its own mini-batch order; all rates of a seed see
the same batches.

>>> sweep = width_sweep([32], [1e-3, 1e-2], "muP", seeds=[0], n_steps=20)
>>> sweep.final_loss.shape, sweep.best_lr(32) in (1e-3, 1e-2)
((1, 1, 2), True)
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Sequence

import numpy as np

from course_lib.validation import check_int, check_positive

__all__ = [
    "PARAMETERISATIONS",
    "BASE_WIDTH",
    "layer_rates",
    "width_param_groups",
    "adam_step",
    "WidthSweep",
    "width_sweep",
    "best_lr_drift",
    "transfer_losses",
]

#: The two parameterisations compared.
PARAMETERISATIONS = ("SP", "muP")
#: The width at which the two use the same rates (m = 1).
BASE_WIDTH = 16
#: Adam's constants (torch's defaults).
BETAS, EPS = (0.9, 0.999), 1e-8


def _check_param(parameterisation: str) -> str:
    if parameterisation not in PARAMETERISATIONS:
        raise ValueError(f"parameterisation must be one of {PARAMETERISATIONS}, got {parameterisation!r}")
    return parameterisation


def layer_rates(lr: float, width: int, parameterisation: str, base_width: int = BASE_WIDTH) -> dict[str, float]:
    """The Adam rate of each layer's weight (biases keep ``lr``), and the readout's output multiplier.

    SP: every rate lr, multiplier 1. muP with m = width / base_width: input lr, hidden lr / m,
    readout lr with multiplier 1 / m (rates in the optimizer's units; the multiplier has none).

    >>> layer_rates(0.01, 128, "muP")
    {'input': 0.01, 'hidden': 0.00125, 'readout': 0.01, 'readout_multiplier': 0.125}
    >>> layer_rates(0.01, 128, "SP")["hidden"]
    0.01
    """
    lr = check_positive("lr", lr)
    width, base_width = check_int("width", width, minimum=1), check_int("base_width", base_width, minimum=1)
    if _check_param(parameterisation) == "SP":
        return {"input": lr, "hidden": lr, "readout": lr, "readout_multiplier": 1.0}
    m = width / base_width
    return {"input": lr, "hidden": lr / m, "readout": lr, "readout_multiplier": 1.0 / m}


def width_param_groups(
    model: Any, lr: float, parameterisation: str, base_width: int = BASE_WIDTH
) -> list[dict[str, Any]]:
    """torch param groups for ``nn.Sequential(Linear(d, n), ReLU(), Linear(n, n), ReLU(), Linear(n, k))``.

    One group per weight (``name`` "input", "hidden", "readout", rate from :func:`layer_rates`) and one
    group of the biases at ``lr``: pass them to ``torch.optim.Adam``. Under "muP" this also zeroes the
    readout weight (its 1/m output multiplier is the caller's: multiply the last layer's input by
    ``layer_rates(...)["readout_multiplier"]``, as :func:`width_sweep`'s model does).
    """
    import torch

    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    if len(linears) != 3:
        raise ValueError(f"model must have 3 nn.Linear layers (input, hidden, readout), got {len(linears)}")
    rates = layer_rates(lr, linears[1].in_features, parameterisation, base_width)
    if parameterisation == "muP":
        with torch.no_grad():
            linears[2].weight.zero_()
    groups = [
        {"params": [layer.weight], "lr": rates[name], "name": name}
        for name, layer in zip(("input", "hidden", "readout"), linears)
    ]
    groups.append({"params": [layer.bias for layer in linears], "lr": lr, "name": "biases"})
    return groups


def adam_step(p: Any, g: Any, m: Any, v: Any, lr: Any, t: int, betas=BETAS, eps: float = EPS) -> None:
    """One Adam update in place, torch's form, with a rate per stacked model (``lr`` broadcasts against p).

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
    p <- p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps),   t = 1, 2, ...
    """
    b1, b2 = betas
    m.mul_(b1).add_(g, alpha=1 - b1)
    v.mul_(b2).addcmul_(g, g, value=1 - b2)
    denom = (v / (1 - b2**t)).sqrt_().add_(eps)
    p.sub_(lr * (m / (1 - b1**t)) / denom)


@dataclasses.dataclass(frozen=True)
class WidthSweep:
    """The final training losses of a rate sweep at several widths.

    Attributes:
        parameterisation: "SP" or "muP".
        widths: the hidden widths n.
        lrs: the base rates lr on the grid (Adam units).
        seeds: the seeds (init and batch order).
        final_loss: cross-entropy on the training set after the last update (nats), shape
            (len(widths), len(seeds), len(lrs)); inf where a run diverged (non-finite loss).
        n_steps, batch_size: the budget (updates) and the mini-batch size.
    """

    parameterisation: str
    widths: tuple[int, ...]
    lrs: tuple[float, ...]
    seeds: tuple[int, ...]
    final_loss: np.ndarray = dataclasses.field(repr=False)
    n_steps: int = 0
    batch_size: int = 0

    def mean_loss(self) -> np.ndarray:
        """Mean final loss over seeds, shape (len(widths), len(lrs)) (nats)."""
        return self.final_loss.mean(axis=1)

    def best_lr(self, width: int) -> float:
        """The grid rate with the lowest mean final loss at ``width``."""
        i = self.widths.index(int(width))
        return float(self.lrs[int(np.argmin(self.mean_loss()[i]))])

    def best_lrs(self) -> dict[int, float]:
        """width -> best grid rate."""
        return {n: self.best_lr(n) for n in self.widths}


def _init_linear(gen: Any, n_models: int, fan_in: int, fan_out: int) -> tuple[Any, Any]:
    import torch

    bound = 1.0 / math.sqrt(fan_in)
    w = (torch.rand(n_models, fan_in, fan_out, generator=gen) * 2 - 1) * bound
    b = (torch.rand(n_models, 1, fan_out, generator=gen) * 2 - 1) * bound
    return w, b


def _train_width(data, width: int, lrs, parameterisation: str, seeds, n_steps: int, batch_size: int) -> np.ndarray:
    """Final training losses (seeds x lrs) at one width: all (seed, rate) models stepped together."""
    import torch
    import torch.nn.functional as F

    n_seeds, n_lrs = len(seeds), len(lrs)
    n_models = n_seeds * n_lrs
    d, k = data.n_features, data.n_classes
    X = torch.as_tensor(data.X_train)
    y = torch.as_tensor(data.y_train)
    params = [[], [], [], [], [], []]  # W1 b1 W2 b2 W3 b3, each a list over seeds
    batches = []
    for s in seeds:
        gen = torch.Generator().manual_seed(int(s))
        for j, (fi, fo) in enumerate(((d, width), (width, width), (width, k))):
            w, b = _init_linear(gen, 1, fi, fo)
            params[2 * j].append(w.expand(n_lrs, -1, -1))
            params[2 * j + 1].append(b.expand(n_lrs, -1, -1))
        batches.append(torch.randint(0, len(X), (n_steps, batch_size), generator=gen))
    W1, b1, W2, b2, W3, b3 = (torch.cat(p).clone() for p in params)
    rates = [layer_rates(lr, width, parameterisation) for lr in lrs]
    mult = rates[0]["readout_multiplier"]
    if parameterisation == "muP":
        W3.zero_()

    def col(key):
        return torch.tensor([r[key] for r in rates] * n_seeds, dtype=torch.float32).view(-1, 1, 1)

    lr_of = {"W1": col("input"), "W2": col("hidden"), "W3": col("readout"), "b": col("input")}
    tensors = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}
    for p in tensors.values():
        p.requires_grad_(True)
    state = {name: (torch.zeros_like(p), torch.zeros_like(p)) for name, p in tensors.items()}
    order = torch.stack(batches)  # (n_seeds, n_steps, batch)

    def logits(xb):
        h = torch.relu(torch.baddbmm(b1, xb, W1))
        h = torch.relu(torch.baddbmm(b2, h, W2))
        return torch.baddbmm(b3, h * mult, W3)

    with torch.enable_grad():
        for t in range(n_steps):
            idx = order[:, t].repeat_interleave(n_lrs, dim=0)  # (n_models, batch)
            out = logits(X[idx])
            loss = F.cross_entropy(out.reshape(-1, k), y[idx].reshape(-1), reduction="sum") / batch_size
            grads = torch.autograd.grad(loss, list(tensors.values()))
            with torch.no_grad():
                for (name, p), g in zip(tensors.items(), grads):
                    lr = lr_of.get(name, lr_of["b"])
                    adam_step(p, torch.nan_to_num(g), *state[name], lr, t + 1)
    with torch.no_grad():
        out = logits(X.expand(n_models, -1, -1))
        per_model = F.cross_entropy(out.transpose(1, 2), y.expand(n_models, -1), reduction="none").mean(dim=1)
    final = per_model.double().numpy().reshape(n_seeds, n_lrs)
    return np.where(np.isfinite(final), final, np.inf)


def width_sweep(
    widths: Sequence[int],
    lrs: Sequence[float],
    parameterisation: str,
    seeds: Sequence[int] = (0,),
    n_steps: int = 150,
    batch_size: int = 32,
    data: Any = None,
) -> WidthSweep:
    """Train the MLP at every (width, rate, seed) for ``n_steps`` Adam updates; final training losses.

    Args:
        widths: hidden widths n (both hidden layers).
        lrs: base rates lr (Adam units); the per-layer rates follow :func:`layer_rates`.
        parameterisation: "SP" or "muP".
        seeds: one init and batch order per seed.
        n_steps: updates per run.
        batch_size: examples per update.
        data: a ``problems.Dataset`` with classes (default ``problems.load_digits()``).

    Returns:
        a :class:`WidthSweep`.
    """
    from course_lib import problems
    from course_lib.training.torch_loop import one_thread

    _check_param(parameterisation)
    widths = tuple(check_int("width", n, minimum=1) for n in widths)
    lrs = tuple(check_positive("lr", lr) for lr in lrs)
    seeds = tuple(int(s) for s in seeds)
    n_steps = check_int("n_steps", n_steps, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    data = problems.load_digits() if data is None else data
    with one_thread():  # small batched products: one thread is faster than two fighting (as train_torch)
        final = np.stack([_train_width(data, n, lrs, parameterisation, seeds, n_steps, batch_size) for n in widths])
    return WidthSweep(parameterisation, widths, lrs, seeds, final, n_steps, batch_size)


def transfer_losses(final_loss: Any) -> tuple[np.ndarray, np.ndarray]:
    """The widest model's final loss at the rate tuned at the narrowest width, and at its own best rate.

    Args:
        final_loss: final losses (nats), shape (seeds, widths, rates), widths narrowest first (one
            parameterisation of a :class:`WidthSweep`'s ``final_loss`` with its first two axes swapped).

    Returns:
        two arrays with one loss per seed (nats), paired by seed: both rates are chosen on the mean over seeds.

    >>> moved, own = transfer_losses(np.array([[[2.0, 1.0], [1.0, 3.0]]]))
    >>> float(moved[0]), float(own[0])
    (3.0, 1.0)
    """
    losses = np.asarray(final_loss, dtype=np.float64)
    mean = losses.mean(axis=0)
    transferred, own = int(np.argmin(mean[0])), int(np.argmin(mean[-1]))
    return losses[:, -1, transferred], losses[:, -1, own]


def best_lr_drift(sweep: WidthSweep) -> float:
    """How far the best rate moves from the narrowest to the widest model: best(widest) / best(narrowest).

    1 means the tuned rate transfers; 1/8 means the widest model wants an 8 times smaller rate.
    """
    best = sweep.best_lrs()
    return best[max(sweep.widths)] / best[min(sweep.widths)]
