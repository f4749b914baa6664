"""Build a torch optimizer or loss from its name: the one place every trainer asks.

>>> import torch
>>> opt = make_optimizer("adam", [torch.zeros(2, requires_grad=True)], 0.01, momentum=0.8)
>>> opt.param_groups[0]["betas"]
(0.8, 0.999)
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F

from course_lib.validation import check_in

__all__ = ["OPTIMIZERS", "LOSSES", "make_optimizer", "make_loss"]

OPTIMIZERS = ("sgd", "adam", "adamw", "radam")
LOSSES = ("cross_entropy", "mse")


def make_optimizer(
    name: str,
    params: Iterable[torch.Tensor],
    lr: float,
    *,
    momentum: float | None = None,
    nesterov: bool = False,
    weight_decay: float = 0.0,
    betas: tuple[float, float] = (0.9, 0.999),
) -> torch.optim.Optimizer:
    """``torch.optim.SGD`` / ``Adam`` / ``AdamW`` / ``RAdam`` for ``name`` in :data:`OPTIMIZERS`.

    ``momentum`` is SGD's momentum (None = 0), and Adam's beta1 when given (else betas[0]).
    """
    check_in("optimizer", name, OPTIMIZERS)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=momentum or 0.0, nesterov=nesterov, weight_decay=weight_decay)
    beta1 = betas[0] if momentum is None else momentum
    if name == "radam":  # Liu et al. 2020: Adam with its early steps rectified (no warm-up needed, they argue)
        return torch.optim.RAdam(params, lr=lr, betas=(beta1, betas[1]), weight_decay=weight_decay)
    cls = torch.optim.Adam if name == "adam" else torch.optim.AdamW
    return cls(params, lr=lr, betas=(beta1, betas[1]), weight_decay=weight_decay)


def make_loss(name: str, labels: Sequence[torch.Tensor] = ()) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """The loss ``name`` ("cross_entropy" or "mse"), refusing a model whose outputs do not fit
    the targets with a ValueError naming the model (torch would fail deep inside, or broadcast silently).

    ``labels``: every target tensor of the data (class labels are checked to be >= 0 here, once).
    """
    check_in("loss", name, LOSSES)
    if name == "mse":

        def mse(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
            if out.shape != target.shape:
                raise ValueError(
                    f"loss='mse' needs one model output per target: model gives outputs of shape "
                    f"{tuple(out.shape)} for targets of shape {tuple(target.shape)}; "
                    f"for class labels use loss='cross_entropy'"
                )
            return F.mse_loss(out, target)

        return mse
    every = torch.cat([t.reshape(-1) for t in labels]) if labels else torch.zeros(0, dtype=torch.int64)
    low, high = (int(every.min()), int(every.max())) if every.numel() else (0, 0)
    if low < 0:
        raise ValueError(f"loss='cross_entropy' needs class labels 0, 1, 2, ...; the data has the label {low}")

    fits: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()  # (output, target) shapes already checked

    def cross_entropy(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        # one label per example: out (n, C), target (n,); one per position (torch's layout, as a
        # language model's next tokens): out (n, C, L), target (n, L); the loss is the mean over all labels
        if (tuple(out.shape), tuple(target.shape)) in fits:
            return F.cross_entropy(out, target)
        if out.ndim != target.ndim + 1 or out.shape[1] <= high or (out.shape[:1] + out.shape[2:]) != target.shape:
            raise ValueError(
                f"model must give one output per class for loss='cross_entropy': the labels go up "
                f"to {high}, so outputs of shape (batch, >= {high + 1}) for labels of shape (batch,), "
                f"or (batch, >= {high + 1}, L) for labels of shape (batch, L); but model gives shape "
                f"{tuple(out.shape)} for labels of shape {tuple(target.shape)}"
            )
        fits.add((tuple(out.shape), tuple(target.shape)))
        return F.cross_entropy(out, target)

    return cross_entropy
