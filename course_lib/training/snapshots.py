"""Snapshot ensembles (Huang et al. 2017): one training run, several models, for free.

Train with cosine restarts (SGDR); at the end of every cycle the rate is at its
minimum and the model has settled, so save it. Averaging the saved models'
predicted probabilities gives an ensemble that cost one training run.

* :func:`train_snapshots` -- :func:`course_lib.training.torch_loop.train_torch` that also keeps a
  copy of the model after chosen epochs (by default the epochs at which the
  schedule's restart cycles end) and returns a :class:`SnapshotRun`;
* :func:`predict_proba` / :func:`ensemble_proba` -- softmax probabilities of one model,
  or their mean over models;
* :func:`score_snapshots` -- accuracy and negative log-likelihood of every snapshot and
  of the ensemble on the validation split, as :class:`EnsembleScores`.

>>> from course_lib import problems as P, schedules as S
>>> from course_lib.training import models as M
>>> data = P.load_digits()
>>> run = train_snapshots(lambda: M.mlp(64, 10, hidden=(16,), seed=None), data,
...                       S.cosine_restarts(0.1, 22), epochs=3)
>>> run.epochs, run.steps
([1, 2, 3], [22, 44, 66])
>>> scores = score_snapshots(run.models, data)
>>> bool(scores.ensemble_nll <= scores.snapshot_nll.mean())
True
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
import torch
from torch import nn

from course_lib.training.history import History
from course_lib.training.torch_loop import TrainConfig, as_config, train_torch
from course_lib.validation import check_int

__all__ = [
    "SnapshotRun",
    "EnsembleScores",
    "snapshot_epochs_of",
    "train_snapshots",
    "predict_proba",
    "ensemble_proba",
    "score_snapshots",
]


@dataclass(eq=False)
class SnapshotRun:
    """A training run and the models saved along the way.

    Attributes:
        history: the run's :class:`~course_lib.training.history.History`.
        models: copies of the model, one per snapshot, in eval mode.
        epochs: the epoch (1-based) after which each snapshot was taken.
        steps: the number of updates completed at each snapshot (t of the next update).
    """

    history: History
    models: list[nn.Module] = field(default_factory=list)
    epochs: list[int] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)


@dataclass(eq=False)
class EnsembleScores:
    """How each snapshot and their average do on a validation split.

    Attributes:
        snapshot_acc: accuracy of each snapshot, shape (k,).
        snapshot_nll: mean negative log-likelihood (cross-entropy) of each snapshot, shape (k,).
        ensemble_acc: accuracy of the averaged probabilities.
        ensemble_nll: cross-entropy of the averaged probabilities. By Jensen's inequality
            (-log is convex) it is never above ``snapshot_nll.mean()``.
        disagreement: mean over pairs of snapshots of the fraction of examples on which
            their predicted classes differ (0 for a single snapshot): how diverse they are.
    """

    snapshot_acc: np.ndarray
    snapshot_nll: np.ndarray
    ensemble_acc: float
    ensemble_nll: float
    disagreement: float

    def summary(self) -> str:
        """A few lines: every snapshot, the mean snapshot, the ensemble, the disagreement."""
        lines = [
            f"snapshot {i + 1}: val acc {a:.4f}, val NLL {n:.4f}"
            for i, (a, n) in enumerate(zip(self.snapshot_acc, self.snapshot_nll))
        ]
        lines.append(f"mean snapshot: val acc {self.snapshot_acc.mean():.4f}, val NLL {self.snapshot_nll.mean():.4f}")
        lines.append(f"ensemble: val acc {self.ensemble_acc:.4f}, val NLL {self.ensemble_nll:.4f}")
        lines.append(f"pairwise disagreement: {self.disagreement:.4f}")
        return "\n".join(lines)


def snapshot_epochs_of(schedule: Any, epochs: int, steps_per_epoch: int) -> list[int]:
    """The epochs (1-based) at whose end a restart cycle of ``schedule`` ends.

    A cycle whose last step is t ends with update t, i.e. after t + 1 updates; that is the
    end of epoch (t + 1) / steps_per_epoch, which must be a whole number.

    Args:
        schedule: a schedule with ``cycle_ends(n_steps)`` (e.g. ``S.cosine_restarts``).
        config: a :class:`~course_lib.training.torch_loop.TrainConfig` (``**options``, its field
            names, build or override it: epochs, batch_size, momentum, seed...; not callback).
        steps_per_epoch: updates per epoch (>= 1).

    Returns:
        The epochs, increasing.

    Raises:
        TypeError: the schedule has no ``cycle_ends``.
        ValueError: a cycle ends in the middle of an epoch, or no cycle ends within the run.

    >>> from course_lib import schedules as S
    >>> snapshot_epochs_of(S.cosine_restarts(0.1, 50, cycle_mult=2), epochs=7, steps_per_epoch=50)
    [1, 3, 7]
    """
    epochs = check_int("epochs", epochs, minimum=1)
    steps_per_epoch = check_int("steps_per_epoch", steps_per_epoch, minimum=1)
    if not callable(getattr(schedule, "cycle_ends", None)):
        raise TypeError(
            f"schedule must have cycle_ends(n_steps) (e.g. S.cosine_restarts), got "
            f"schedule={schedule!r}; pass snapshot_epochs=[...] instead"
        )
    ends = schedule.cycle_ends(epochs * steps_per_epoch)
    if not ends:
        raise ValueError(
            f"no restart cycle of {schedule!r} ends within {epochs} epochs "
            f"({epochs * steps_per_epoch} steps): train longer or shorten the cycles"
        )
    out = []
    for t in ends:
        if (t + 1) % steps_per_epoch:
            raise ValueError(
                f"the cycle ending at step {t} ends in the middle of an epoch "
                f"({steps_per_epoch} steps per epoch): make cycle_steps a multiple of "
                f"steps_per_epoch, or pass snapshot_epochs=[...]"
            )
        out.append((t + 1) // steps_per_epoch)
    return out


def train_snapshots(
    model: nn.Module | Callable[[], nn.Module],
    data: Any,
    schedule: Any,
    config: TrainConfig | None = None,
    *,
    snapshot_epochs: Sequence[int] | None = None,
    **options: Any,
) -> SnapshotRun:
    """Train with :func:`~course_lib.training.torch_loop.train_torch` and keep a copy of the model after some epochs.

    Args:
        model: an ``nn.Module`` or a function building one (as for train_torch).
        data: a Dataset.
        schedule: the learning-rate schedule (usually ``S.cosine_restarts``).
        config: a :class:`~course_lib.training.torch_loop.TrainConfig` (``**options``, its field
            names, build or override it: epochs, batch_size, momentum, seed...; not callback).
        snapshot_epochs: the epochs (1-based, increasing, <= epochs) after which to save
            the model; None: the ends of the schedule's restart cycles
            (:func:`snapshot_epochs_of`), which must fall at epoch ends.

    Returns:
        A :class:`SnapshotRun`. A diverged run keeps only the snapshots taken before it stopped.

    Raises:
        ValueError, TypeError: a bad argument, naming it.
    """
    config = as_config(config, options)
    if config.callback is not None:
        raise TypeError("train_snapshots uses train_torch's callback itself; do not pass callback=")
    n = len(getattr(data, "X_train", ()))
    if n == 0:
        raise ValueError(f"data must be a Dataset with training examples, got data={data!r}")
    epochs, per_epoch = config.epochs, config.plan(n).steps_per_epoch
    if snapshot_epochs is None:
        wanted = snapshot_epochs_of(schedule, epochs, per_epoch)
    else:
        if isinstance(snapshot_epochs, (str, bytes)) or not isinstance(snapshot_epochs, Sequence):
            raise TypeError(f"snapshot_epochs must be a list of epochs, got snapshot_epochs={snapshot_epochs!r}")
        wanted = [check_int(f"snapshot_epochs[{i}]", e, minimum=1) for i, e in enumerate(snapshot_epochs)]
        if not wanted or any(b <= a for a, b in zip(wanted, wanted[1:])) or wanted[-1] > epochs:
            raise ValueError(
                f"snapshot_epochs must be increasing epochs in 1..{epochs} (epochs), got "
                f"snapshot_epochs={list(snapshot_epochs)}"
            )
    keep = set(wanted)
    run = SnapshotRun(history=History())

    def save(epoch: int, net: nn.Module, metrics: dict) -> None:
        if epoch in keep:
            run.models.append(copy.deepcopy(net).eval())
            run.epochs.append(epoch)
            run.steps.append(int(metrics["step"]))

    run.history = train_torch(model, data, schedule, dataclasses.replace(config, callback=save))
    return run


def predict_proba(model: nn.Module, X: Any) -> np.ndarray:
    """Softmax class probabilities of a classifier, shape (n, classes), computed in eval mode without gradients."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got model={model!r}")
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            logits = model(torch.as_tensor(np.asarray(X), dtype=torch.float32))
            return torch.softmax(logits, dim=1).double().numpy()
    finally:
        model.train(was_training)


def ensemble_proba(models: Sequence[nn.Module], X: Any) -> np.ndarray:
    """The mean of the models' softmax probabilities: p(y | x) = (1/k) sum_i p_i(y | x)."""
    if isinstance(models, nn.Module) or not isinstance(models, Sequence) or len(models) == 0:
        raise ValueError(f"models must be a non-empty list of models, got models={models!r}")
    return np.mean([predict_proba(m, X) for m in models], axis=0)


def _nll(proba: np.ndarray, y: np.ndarray) -> float:
    return float(-np.mean(np.log(np.maximum(proba[np.arange(len(y)), y], 1e-300))))


def score_snapshots(models: Sequence[nn.Module], data: Any) -> EnsembleScores:
    """Accuracy and cross-entropy on ``data``'s validation split: each model, and their average.

    Args:
        models: the snapshots (e.g. ``SnapshotRun.models``), a non-empty list.
        data: a Dataset with X_val and integer labels y_val.

    Returns:
        :class:`EnsembleScores`.

    Raises:
        ValueError: no models or no validation examples.
    """
    if isinstance(models, nn.Module) or not isinstance(models, Sequence) or len(models) == 0:
        raise ValueError(f"models must be a non-empty list of models, got models={models!r}")
    y = np.asarray(getattr(data, "y_val", []))
    if y.size == 0 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"data must have validation examples with integer labels, got data={data!r}")
    probas = [predict_proba(m, data.X_val) for m in models]
    mean = np.mean(probas, axis=0)
    preds = [p.argmax(axis=1) for p in probas]
    pairs = [(i, j) for i in range(len(preds)) for j in range(i + 1, len(preds))]
    disagreement = float(np.mean([np.mean(preds[i] != preds[j]) for i, j in pairs])) if pairs else 0.0
    return EnsembleScores(
        snapshot_acc=np.array([np.mean(p == y) for p in preds]),
        snapshot_nll=np.array([_nll(p, y) for p in probas]),
        ensemble_acc=float(np.mean(mean.argmax(axis=1) == y)),
        ensemble_nll=_nll(mean, y),
        disagreement=disagreement,
    )
