"""Parameter groups for torch optimizers: no decay on biases and norms, one group per layer.

A torch optimizer takes a list of dicts, one per *param group*; every key but ``params`` overrides the
optimizer's default for that group (``lr``, ``weight_decay``, ``betas``...), and other keys (``name``)
are kept as they are. A scheduler then sets each group's ``lr``: ``LambdaLR`` multiplies each group's own
initial rate by its lambda (one lambda, or one per group), ``schedules.as_torch_scheduler`` sets each
group's rate to its own schedule's value.

>>> import torch
>>> from course_lib.training.models import mlp
>>> groups = decay_groups(mlp(4, 2, (8,)), weight_decay=0.1)
>>> [(g["name"], len(g["params"]), g["weight_decay"]) for g in groups]
[('decay', 2, 0.1), ('no_decay', 2, 0.0)]
>>> opt = torch.optim.AdamW(groups, lr=1e-3)
>>> [g["weight_decay"] for g in opt.param_groups]
[0.1, 0.0]
"""

from __future__ import annotations

from typing import Any, Sequence

from torch import nn

from course_lib.validation import check_non_negative, check_positive

__all__ = ["decay_groups", "layer_groups"]


def decay_groups(model: nn.Module, weight_decay: float) -> list[dict[str, Any]]:
    """Two groups: matrices (and conv kernels) decayed by ``weight_decay``; biases and norm scales not.

    The rule is nanoGPT's (``configure_optimizers``): a parameter with 2 or more dimensions is decayed,
    one with fewer (a bias, a LayerNorm/BatchNorm weight or bias) is not. Decaying a norm's scale or a
    bias only pulls it towards 0, which constrains the model without reducing its capacity to overfit.

    Args:
        model: the module whose trainable parameters to split.
        weight_decay: lambda for the decayed group (>= 0).

    Returns:
        ``[{"name": "decay", "params": [...], "weight_decay": wd}, {"name": "no_decay", "params": [...],
        "weight_decay": 0.0}]``, each parameter in exactly one group; an empty group is left out.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got model={model!r}")
    weight_decay = check_non_negative("weight_decay", weight_decay)
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"name": "decay", "params": [p for p in params if p.ndim >= 2], "weight_decay": weight_decay},
        {"name": "no_decay", "params": [p for p in params if p.ndim < 2], "weight_decay": 0.0},
    ]
    return [g for g in groups if g["params"]]


def layer_groups(model: nn.Module, rates: Sequence[float] | None = None) -> list[dict[str, Any]]:
    """One group per child module that has trainable parameters, in order from the input to the output.

    Args:
        model: a module whose children are its layers (an ``nn.Sequential``: the course's ``mlp``).
        rates: one rate per group (e.g. ``schedules.discriminative_rates(...)``), or None (no ``lr`` key:
            the optimizer's default).

    Returns:
        ``[{"name": "<child name>", "params": [...], ("lr": rate)}, ...]``.

    Raises:
        ValueError: if ``rates`` does not have one rate per group.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got model={model!r}")
    groups = []
    for name, child in model.named_children():
        params = [p for p in child.parameters() if p.requires_grad]
        if params:
            groups.append({"name": name, "params": params})
    if rates is not None:
        rates = list(rates)
        if len(rates) != len(groups):
            raise ValueError(
                f"rates must give one rate per layer with parameters: {len(groups)} layers "
                f"({[g['name'] for g in groups]}), got {len(rates)} rates"
            )
        for g, r in zip(groups, rates):
            g["lr"] = check_positive("rates[i]", float(r))
    return groups
