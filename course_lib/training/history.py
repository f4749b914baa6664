"""The record every trainer returns: what happened at each step.

Trainers never draw; plotting functions take a :class:`History`. What a reader needs
later has a typed field (the plan and its steps per epoch, the plateau policy's rates,
the schedule as a config that rebuilds it); ``config`` keeps the other settings for
display only: nothing in course_lib reads its keys back.

>>> from course_lib import schedules
>>> config = schedule_config(schedules.cosine_decay(0.1, 100))
>>> config
{'class': 'CosineDecay', 'lr': 0.1, 'total_steps': 100, 'min_lr': 0.0}
>>> schedule_from_config(config) == schedules.cosine_decay(0.1, 100)
True
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

import numpy as np

from course_lib.training.plan import RunPlan

__all__ = ["History", "schedule_config", "schedule_from_config"]


def schedule_config(schedule: Any) -> Any:
    """The schedule as plain data (Keras' ``get_config``): {"class": name, field: value, ...}.

    A number stays a number; schedules nested in fields become configs too; a function
    that is not a course_lib schedule (no dataclass fields) gives None (nothing rebuilds it).
    """
    if schedule is None or (isinstance(schedule, Real) and not isinstance(schedule, bool)):
        return None if schedule is None else float(schedule)
    if isinstance(schedule, (list, tuple)):
        return [schedule_config(s) if dataclasses.is_dataclass(s) else s for s in schedule]
    if not (dataclasses.is_dataclass(schedule) and not isinstance(schedule, type)):
        return None
    config = {"class": type(schedule).__name__}
    for f in dataclasses.fields(schedule):
        value = getattr(schedule, f.name)
        config[f.name] = (
            schedule_config(value) if dataclasses.is_dataclass(value) or isinstance(value, (list, tuple)) else value
        )
    return config


def schedule_from_config(config: Any) -> Any:
    """Rebuild a schedule from :func:`schedule_config` (Keras' ``from_config``); None stays None."""
    if config is None or isinstance(config, Real):
        return config
    if isinstance(config, list):
        return [schedule_from_config(c) for c in config]
    if not (isinstance(config, dict) and "class" in config):
        raise TypeError(f"config must be a dict from schedule_config (with a 'class' key), got config={config!r}")
    cls = _schedule_class(config["class"])
    kwargs = {
        k: schedule_from_config(v) if isinstance(v, (dict, list)) else v for k, v in config.items() if k != "class"
    }
    fields = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(kwargs) - set(fields), key=str)
    missing = [f.name for f in dataclasses.fields(cls) if f.name not in kwargs and _required(f)]
    if unknown or missing:
        raise ValueError(
            f"config must hold the fields of {cls.__name__} ({', '.join(fields)}): "
            f"{'unknown ' + repr(unknown) if unknown else ''}{' and ' if unknown and missing else ''}"
            f"{'missing ' + repr(missing) if missing else ''}; got config={config!r}"
        )
    return cls(**kwargs)


def _required(f: dataclasses.Field) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _schedule_classes() -> dict[str, type]:
    """The classes :func:`schedule_from_config` rebuilds, by name: every registry row's class
    (no re-export needed), and the other schedule classes of ``course_lib.schedules`` that compute
    rates (the primitives ramp, join, scaled..., the momentum schedules; not the bases
    ``Schedule`` and ``Composite``)."""
    from course_lib import schedules
    from course_lib.schedules.registry import REGISTRY

    base = schedules.Schedule
    classes = {}
    for cls in vars(schedules).values():
        if not (isinstance(cls, type) and issubclass(cls, base) and dataclasses.is_dataclass(cls)):
            continue
        if cls._value is base._value or getattr(cls, "compose", None) is getattr(schedules.Composite, "compose"):
            continue  # abstract: no formula of its own
        classes[cls.__name__] = cls
    classes.update({row.schedule_class.__name__: row.schedule_class for row in REGISTRY.values()})
    return classes


def _schedule_class(name: Any) -> type:
    classes = _schedule_classes()
    if not isinstance(name, str) or name not in classes:
        raise ValueError(
            f"config['class'] must name a schedule class of course_lib.schedules "
            f"({', '.join(sorted(classes))}), got {name!r}"
        )
    return classes[name]


def _empty() -> np.ndarray:
    return np.zeros(0)


@dataclass(eq=False)
class History:
    """Per-step record of one training run.

    Attributes:
        steps: step index t = 0, 1, ..., n-1 (updates completed before this one).
        lr: learning rate used by the update at each step.
        loss: training loss at each step, measured *before* that step's update
            (mini-batch loss for stochastic trainers).
        momentum: momentum (or Adam beta1) used at each step, or None.
        params: for 2-D/NumPy problems, the parameter path, shape (n+1, dim),
            including the start point; None for torch models.
        val_epochs, val_loss, val_acc: per-epoch validation metrics (empty if none).
        diverged: True if the run was stopped because the loss became non-finite
            or exceeded the divergence threshold.
        diverged_step: the step at which divergence was detected, else None.
        diverged_lr: the learning rate in force at that step, else None.
        label: a short name for legends.
        config: the settings of the run for display (optimizer, seed...); not read back.
        plan: the run's :class:`~course_lib.training.plan.RunPlan` (torch trainers), else None.
        plateau_lrs: the plateau policy's rate after each evaluation, or None without a policy.
        schedule: the schedule as :func:`schedule_config` (rebuild it with
            :func:`schedule_from_config`); None for a function that is not a course_lib schedule.
    """

    steps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    lr: np.ndarray = field(default_factory=_empty)
    loss: np.ndarray = field(default_factory=_empty)
    momentum: np.ndarray | None = None
    params: np.ndarray | None = None
    val_epochs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    val_loss: np.ndarray = field(default_factory=_empty)
    val_acc: np.ndarray = field(default_factory=_empty)
    diverged: bool = False
    diverged_step: int | None = None
    diverged_lr: float | None = None
    label: str = ""
    config: dict[str, Any] = field(default_factory=dict)
    plan: RunPlan | None = None
    plateau_lrs: list[float] | None = None
    schedule: Any = None

    @property
    def steps_per_epoch(self) -> int:
        """Updates per epoch: the plan's; for a History built without one, len(lr) // len(val_loss) (>= 1)."""
        if self.plan is not None:
            return self.plan.steps_per_epoch
        return max(len(self.lr) // max(len(self.val_loss), 1), 1)

    @property
    def n_steps(self) -> int:
        """Number of recorded steps."""
        return int(len(self.steps))

    @property
    def final_loss(self) -> float:
        """The last finite training loss (nan if there is none)."""
        finite = np.asarray(self.loss)[np.isfinite(self.loss)]
        return float(finite[-1]) if finite.size else float("nan")

    @property
    def final_val_loss(self) -> float:
        """The last validation loss (nan if there is none)."""
        return float(self.val_loss[-1]) if len(self.val_loss) else float("nan")

    @property
    def final_val_acc(self) -> float:
        """The last validation accuracy (nan if there is none)."""
        return float(self.val_acc[-1]) if len(self.val_acc) else float("nan")

    def summary(self) -> str:
        """One line: label, steps, final loss, and divergence if any."""
        name = self.label or "run"
        if self.diverged:
            lr = "?" if self.diverged_lr is None else f"{self.diverged_lr:.3g}"
            return f"{name}: DIVERGED at step {self.diverged_step} (lr={lr}); last finite loss {self.final_loss:.4g}"
        text = f"{name}: {self.n_steps} steps, final loss {self.final_loss:.4g}"
        if len(self.val_loss):
            text += f", val loss {self.final_val_loss:.4g}"
        if len(self.val_acc):
            text += f", val acc {self.final_val_acc:.3f}"
        return text
