"""The torch twins of ``training.averaging``: schedule-free SGD as a torch optimizer, and torch's own averagers.

* :class:`ScheduleFreeSGD`: the update of :func:`course_lib.training.averaging.schedule_free_path`
  (Defazio et al. 2024), the algorithm of ``schedulefree.SGDScheduleFreeReference`` (the ``schedulefree``
  package, which this module does not need): the parameters hold y (where gradients are taken) in
  train mode and x (what you evaluate and deploy) after ``optimizer.eval()``; call ``optimizer.train()``
  before training again. tests/training/test_averaging_torch.py checks it against values the package
  computed and against the NumPy path.
* :func:`averaged_model`: ``torch.optim.swa_utils.AveragedModel`` for ``"swa"`` (uniform mean of the
  models passed to ``update_parameters``: :func:`~course_lib.training.averaging.swa`) or ``"ema"``
  (``get_ema_multi_avg_fn(decay)``: :func:`~course_lib.training.averaging.ema`, whose first update
  copies the weights). Pair SWA with ``torch.optim.swa_utils.SWALR`` for the rate.
"""

from __future__ import annotations

from typing import Any, Iterable

import torch
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

__all__ = ["ScheduleFreeSGD", "averaged_model"]


class ScheduleFreeSGD(torch.optim.Optimizer):
    """Schedule-free SGD: y = beta x + (1 - beta) z; z -= lr g(y); x = (1 - c) x + c z (module docstring).

    Args:
        params: the parameters (or param groups).
        lr: the base rate (a scheduler may change ``group["lr"]``; the warm-up multiplies it).
        beta: the interpolation, in (0, 1) (``momentum`` in ``schedulefree``).
        weight_decay: L2 decay added to the gradient at y.
        warmup_steps: linear warm-up (t + 1) / warmup_steps of the rate.
        r, weight_lr_power: the averaging weight (t + 1)^r * max_lr^weight_lr_power.

    Train at y, evaluate at x (on w^2, x trails y toward the minimum at 0):

    >>> w = torch.nn.Parameter(torch.tensor([1.0]))
    >>> opt = ScheduleFreeSGD([w], lr=0.1, beta=0.9)
    >>> for _ in range(20):
    ...     opt.zero_grad()
    ...     (w**2).sum().backward()
    ...     _ = opt.step()
    >>> opt.eval()
    >>> 0.0 < w.item() < 1.0
    True
    >>> opt.train()
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        beta: float = 0.9,
        weight_decay: float = 0.0,
        warmup_steps: int = 0,
        r: float = 0.0,
        weight_lr_power: float = 2.0,
    ) -> None:
        if not lr > 0:
            raise ValueError(f"lr must be > 0, got lr={lr!r}")
        if not 0 < beta < 1:
            raise ValueError(f"beta must be in (0, 1), got beta={beta!r}")
        if weight_decay < 0:
            raise ValueError(f"weight_decay must be >= 0, got weight_decay={weight_decay!r}")
        defaults = dict(
            lr=lr,
            beta=beta,
            weight_decay=weight_decay,
            warmup_steps=int(warmup_steps),
            r=r,
            weight_lr_power=weight_lr_power,
            k=0,
            lr_max=0.0,
            weight_sum=0.0,
            train_mode=True,
        )
        super().__init__(params, defaults)

    @torch.no_grad()
    def eval(self) -> None:
        """Put x in the parameters (evaluate or save the model now)."""
        for group in self.param_groups:
            if group["train_mode"]:
                for p in group["params"]:
                    if "x" in self.state[p]:
                        p.copy_(self.state[p]["x"])
                group["train_mode"] = False

    @torch.no_grad()
    def train(self) -> None:
        """Put y back in the parameters (before training on)."""
        for group in self.param_groups:
            if not group["train_mode"]:
                for p in group["params"]:
                    if "y" in self.state[p]:
                        p.copy_(self.state[p]["y"])
                group["train_mode"] = True

    @torch.no_grad()
    def step(self, closure: Any = None) -> Any:
        """One update from the gradients at y (the parameters); refused in eval mode."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            if not group["train_mode"]:
                raise RuntimeError("ScheduleFreeSGD.step in eval mode: call optimizer.train() before training")
            k, warm = group["k"], group["warmup_steps"]
            lr = group["lr"] * ((k + 1) / warm if k < warm else 1.0)
            group["scheduled_lr"] = lr
            group["lr_max"] = lr_max = max(lr, group["lr_max"])
            weight = (k + 1) ** group["r"] * lr_max ** group["weight_lr_power"]
            group["weight_sum"] += weight
            c = weight / group["weight_sum"] if group["weight_sum"] > 0 else 0.0
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "z" not in state:
                    state["z"], state["x"], state["y"] = p.clone(), p.clone(), p.clone()
                g = p.grad
                if group["weight_decay"]:
                    g = g.add(state["y"], alpha=group["weight_decay"])
                state["z"].sub_(g, alpha=lr)
                state["x"].mul_(1 - c).add_(state["z"], alpha=c)
                state["y"].copy_(state["x"].mul(group["beta"]).add_(state["z"], alpha=1 - group["beta"]))
                p.copy_(state["y"])
            group["k"] = k + 1
        return loss


def averaged_model(model: torch.nn.Module, kind: str = "swa", decay: float = 0.999) -> AveragedModel:
    """torch's averaged copy of ``model``: ``"swa"`` (uniform mean) or ``"ema"`` (decay per update).

    Call ``averaged.update_parameters(model)`` after each update (EMA) or at each SWA sample; with
    batch norm, ``torch.optim.swa_utils.update_bn(loader, averaged)`` before evaluating.
    """
    if kind == "swa":
        return AveragedModel(model)
    if kind == "ema":
        if not 0 <= decay < 1:
            raise ValueError(f"decay must be in [0, 1), got decay={decay!r}")
        return AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay))
    raise ValueError(f"kind must be 'swa' or 'ema', got kind={kind!r}")
