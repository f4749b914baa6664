"""Drive any torch optimizer with a course_lib schedule.

>>> import torch
>>> from course_lib import schedules as S
>>> from course_lib.schedules.torch_bridge import as_torch_scheduler
>>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
>>> sched = as_torch_scheduler(opt, S.step_decay(0.1, step_size=2))
>>> [round(g["lr"], 6) for g in opt.param_groups]
[0.1]
>>> opt.step(); sched.step(); opt.step(); sched.step()
>>> round(sched.get_last_lr()[0], 6)
0.01
"""

from __future__ import annotations

from typing import Any, Sequence

import torch

from course_lib.schedules.base import Schedule, check_schedule

__all__ = ["CourseScheduler", "as_torch_scheduler"]


class CourseScheduler(torch.optim.lr_scheduler.LRScheduler):
    """A torch ``LRScheduler`` whose rates are absolute values ``schedule(last_epoch)``.

    Unlike ``LambdaLR`` it does not multiply the optimizer's base rate: the
    schedule *is* the rate. ``last_epoch`` counts ``step()`` calls, i.e.
    optimizer updates when you step once per batch, as you should.

    The schedules are not stored in ``state_dict()``: a checkpoint holds only
    plain numbers and loads with ``torch.load(weights_only=True)``. To resume,
    build the scheduler again from the same schedule, then ``load_state_dict``.
    """

    def __init__(self, optimizer: torch.optim.Optimizer, schedules: Sequence[Schedule]) -> None:
        self.schedules = list(schedules)
        super().__init__(optimizer, last_epoch=-1)

    def get_lr(self) -> list[float]:  # noqa: D102 - torch API
        return [float(s(self.last_epoch)) for s in self.schedules]

    def _get_closed_form_lr(self) -> list[float]:
        return self.get_lr()

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's counters, without the optimizer or the schedule objects."""
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "schedules")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore counters and set every group's rate to ``schedule(last_epoch)``."""
        state = {k: v for k, v in state_dict.items() if k not in ("optimizer", "schedules")}
        self.__dict__.update(state)
        values = self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = values


def as_torch_scheduler(optimizer: torch.optim.Optimizer, schedule: Schedule | Sequence[Schedule]) -> CourseScheduler:
    """Return a torch LR scheduler that sets every param group's lr from a course_lib schedule.

    Args:
        optimizer: any ``torch.optim`` optimizer.
        schedule: one schedule for all param groups, or a sequence with one per group.

    Returns:
        A ``torch.optim.lr_scheduler.LRScheduler``: right after construction each
        group's lr is ``schedule(0)``; after k calls of ``scheduler.step()`` it is
        ``schedule(k)``. Call ``optimizer.step()`` first, then ``scheduler.step()``.

    Raises:
        TypeError: if ``optimizer`` is not a torch optimizer or a schedule is not a course_lib schedule.
        ValueError: if the number of schedules differs from the number of param groups.
    """
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got optimizer={optimizer!r}")
    n_groups = len(optimizer.param_groups)
    if isinstance(schedule, Schedule):
        schedules = [schedule] * n_groups
    elif isinstance(schedule, Sequence) and not isinstance(schedule, (str, bytes)):
        schedules = list(schedule)
        if len(schedules) != n_groups:
            raise ValueError(
                f"schedule must be one schedule or one per param group: got {len(schedules)} "
                f"schedules for {n_groups} param groups"
            )
    else:
        raise TypeError(f"schedule must be a course_lib schedule or a list of them, got schedule={schedule!r}")
    for i, s in enumerate(schedules):
        check_schedule(f"schedule[{i}]" if not isinstance(schedule, Schedule) else "schedule", s)
    return CourseScheduler(optimizer, schedules)
