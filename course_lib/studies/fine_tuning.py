"""Fine-tuning with a rate per parameter group: discriminative rates against one rate for all (notebook 13 §5).

The problem is :func:`course_lib.problems.transfer_tasks`: a pre-training task (4000 examples, 8 targets of a
tanh teacher) and a fine-tuning task (50 examples of a new target, on features shifted by 0.2), drawn per seed.

* **Pre-training** (:func:`pretrained_student`): ``training.mlp(20, 8, hidden=(64, 64))``, Adam on a cosine from 3e-3
  to 0 over 20 epochs of batch 64, with ``training.train_torch`` (cached per seed).
* **Fine-tuning** (:func:`fine_tune`): the pre-trained network with its last layer replaced by a fresh
  ``Linear(64, 1)`` (the new head), trained on the 50 examples, full batch, 200 Adam updates. Each layer is a
  param group (``training.layer_groups``) on its own cosine from its peak to 0, set by
  ``schedules.as_torch_scheduler(opt, [one schedule per group])``; a peak of 0 freezes the layer (it is left
  out of the optimizer).

The seed draws the examples and the shift (``transfer_tasks``), the pre-training's initialisation and batch
order, and the new head's initialisation. One seed costs about 2 s of pre-training and 0.2 s per fine-tuning.

>>> setup = FineTuneSetup(pretrain_epochs=1, steps=5, n_finetune=8)
>>> body, data = pretrained_student(0, setup), fine_tune_tasks(0, setup)[1]
>>> run = fine_tune(body, data, (0.0, 1e-3, 1e-2), steps=setup.steps, seed=0)
>>> len(run.train_loss), run.rates
(5, (0.0, 0.001, 0.01))
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from typing import NamedTuple, Sequence

import numpy as np
import torch
from torch import nn

from course_lib import problems, schedules
from course_lib.problems.datasets import Dataset
from course_lib.training.models import mlp
from course_lib.training.param_groups import layer_groups
from course_lib.training.torch_loop import seeded_one_thread, train_torch
from course_lib.validation import check_int, check_non_negative

__all__ = [
    "FineTuneSetup",
    "FineTuneRun",
    "FINE_TUNE_ARMS",
    "fine_tune_tasks",
    "pretrained_student",
    "fine_tune",
    "fine_tune_arms",
]

#: The new head's rate and the input layer's under ``slice(BODY_RATE, HEAD_RATE)``.
HEAD_RATE, BODY_RATE = 3e-2, 3e-4
#: The one-rate-for-all arms: half decades from the head's rate down to the body's.
ONE_RATES = (3e-2, 1e-2, 3e-3, 1e-3, 3e-4)
#: label -> peak rate per group (input layer, hidden layer, new head): notebook 13 §5's fine-tunings.
FINE_TUNE_ARMS: dict[str, tuple[float, ...]] = {
    **{f"one rate {r:g}": (r, r, r) for r in ONE_RATES},
    f"slice({BODY_RATE:g}, {HEAD_RATE:g})": tuple(
        float(r) for r in schedules.discriminative_rates(BODY_RATE, HEAD_RATE, 3)
    ),
    f"body frozen, head {HEAD_RATE:g}": (0.0, 0.0, HEAD_RATE),
}


@dataclass(frozen=True)
class FineTuneSetup:
    """Everything but the seed and the rates.

    Attributes:
        pretrain_epochs, pretrain_lr, batch_size: pre-training (Adam, a cosine from ``pretrain_lr`` to 0).
        hidden: the student's hidden widths.
        steps: fine-tuning updates (full batch).
        n_finetune: fine-tuning examples; shift: how far the fine-tuning task's features moved.
    """

    pretrain_epochs: int = 20
    pretrain_lr: float = 3e-3
    batch_size: int = 64
    hidden: tuple[int, ...] = (64, 64)
    steps: int = 200
    n_finetune: int = 50
    shift: float = 0.2


class FineTuneRun(NamedTuple):
    """One fine-tuning: the peak rate per group (input layer first, head last), the training loss before each
    update, and the validation loss at the end (mean squared error on the 1000 validation examples)."""

    rates: tuple[float, ...]
    train_loss: np.ndarray
    final_val_loss: float


@functools.lru_cache(maxsize=64)
def fine_tune_tasks(seed: int, setup: FineTuneSetup = FineTuneSetup()) -> tuple[Dataset, Dataset]:
    """The seed's (pre-training, fine-tuning) datasets (cached)."""
    return problems.transfer_tasks(n_finetune=setup.n_finetune, shift=setup.shift, seed=seed)


@functools.lru_cache(maxsize=128)
def pretrained_student(seed: int, setup: FineTuneSetup = FineTuneSetup()) -> nn.Module:
    """The student pre-trained on the seed's pre-training task (cached: copy it before changing it)."""
    pre = fine_tune_tasks(seed, setup)[0]
    net = mlp(pre.n_features, pre.y_train.shape[1], hidden=setup.hidden, seed=seed)
    steps = setup.pretrain_epochs * -(-pre.n_train // setup.batch_size)
    train_torch(
        net,
        pre,
        schedules.cosine_decay(setup.pretrain_lr, steps),
        epochs=setup.pretrain_epochs,
        batch_size=setup.batch_size,
        optimizer="adam",
        loss="mse",
        seed=seed,
    )
    return net


def fine_tune(
    body: nn.Module, data: Dataset, rates: Sequence[float], *, steps: int = 200, seed: int = 0
) -> FineTuneRun:
    """Fine-tune a copy of ``body`` with a new head, one param group per layer, each on its own cosine.

    Args:
        body: a pre-trained ``nn.Sequential`` (the course's ``mlp``); it is not changed.
        data: the fine-tuning Dataset (trained on full batch, validated at the end).
        rates: one peak rate per layer with parameters, input layer first, new head last; 0 freezes a layer.
        steps: Adam updates; each group's rate is a cosine from its peak to 0 over them.
        seed: seed of the new head's initialisation (a stream of its own, not the pre-training's).
    """
    steps = check_int("steps", steps, minimum=1)
    rates = tuple(check_non_negative("rates[i]", float(r)) for r in rates)
    net = copy.deepcopy(body)
    X, y = torch.as_tensor(data.X_train), torch.as_tensor(data.y_train)
    head_seed = int(np.random.SeedSequence([seed, 2]).generate_state(1)[0])  # not the stream of mlp(seed)'s init
    with seeded_one_thread(head_seed):
        net[-1] = nn.Linear(net[-1].in_features, y.shape[1])  # the new head
        groups = layer_groups(net)
        if len(rates) != len(groups):
            raise ValueError(f"rates must give one rate per layer ({len(groups)}), got {len(rates)} rates={rates}")
        for group, rate in zip(groups, rates):
            for p in group["params"]:
                p.requires_grad_(rate > 0)  # a frozen layer: no gradient, not in the optimizer
        trained = [(g, r) for g, r in zip(groups, rates) if r > 0]
        opt = torch.optim.Adam([g for g, _ in trained])
        scheduler = schedules.as_torch_scheduler(opt, [schedules.cosine_decay(r, steps) for _, r in trained])
        losses = []
        for _ in range(steps):
            loss = nn.functional.mse_loss(net(X), y)
            losses.append(loss.item())
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            scheduler.step()  # after the update: each group's rate moves on to its schedule's next value
        with torch.no_grad():
            val = nn.functional.mse_loss(net(torch.as_tensor(data.X_val)), torch.as_tensor(data.y_val)).item()
    return FineTuneRun(rates, np.array(losses), float(val))


@functools.lru_cache(maxsize=128)
def fine_tune_arms(seed: int, setup: FineTuneSetup = FineTuneSetup()) -> dict[str, FineTuneRun]:
    """Every arm of :data:`FINE_TUNE_ARMS` on the seed: one pre-training, then one fine-tuning per arm (cached:
    notebook 13's two claims read the same runs)."""
    body, fine = pretrained_student(seed, setup), fine_tune_tasks(seed, setup)[1]
    return {
        label: fine_tune(body, fine, rates, steps=setup.steps, seed=seed) for label, rates in FINE_TUNE_ARMS.items()
    }
