"""A run's plan: examples, batch size and epochs -> updates per epoch and the horizon T.

The one home of ``steps_per_epoch = ceil(n_examples / batch_size)`` and of
``total_steps = epochs * steps_per_epoch`` (T, counted in optimizer updates, not epochs).
The trainers check a schedule's own horizon against T (:func:`check_horizon`): a schedule
built for T steps used for a different number of steps (epochs passed where steps were
meant, or examples where steps were meant) is the mistake notebook 10 teaches. The rates and
momenta a run uses, step by step (:func:`rates`, :func:`momenta`), are computed here too: the
NumPy descent and the torch loop ask the same functions.

>>> plan = RunPlan(n_examples=1000, batch_size=10, epochs=5)
>>> plan.steps_per_epoch, plan.total_steps
(100, 500)
>>> RunPlan(1797, 64, 8).steps_per_epoch   # the last batch of an epoch is smaller
29
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np

from course_lib import schedules as S
from course_lib.training.plateau import ReduceLROnPlateau
from course_lib.validation import MAX_MAGNITUDE, check_int, check_range
from course_lib.warn import CourseWarning, warn

__all__ = [
    "RunPlan",
    "steps_per_epoch",
    "schedule_horizon",
    "check_horizon",
    "HorizonWarning",
    "rates",
    "momenta",
    "describe",
]


def steps_per_epoch(n_examples: int, batch_size: int) -> int:
    """Updates per pass over ``n_examples`` in batches of ``batch_size``: ceil(n_examples / batch_size).

    >>> steps_per_epoch(1000, 64)
    16
    """
    n_examples = check_int("n_examples", n_examples, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    return math.ceil(n_examples / batch_size)


@dataclass(frozen=True)
class RunPlan:
    """What a run will do: ``epochs`` passes over ``n_examples`` in batches of ``batch_size``.

    Attributes:
        n_examples: training examples one epoch visits (>= 1; a worker's share in a
            data-parallel run).
        batch_size: examples per update (>= 1).
        epochs: passes over the examples (>= 1).
    """

    n_examples: int
    batch_size: int
    epochs: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "n_examples", check_int("n_examples", self.n_examples, minimum=1))
        object.__setattr__(self, "batch_size", check_int("batch_size", self.batch_size, minimum=1))
        object.__setattr__(self, "epochs", check_int("epochs", self.epochs, minimum=1))

    @property
    def steps_per_epoch(self) -> int:
        """Updates per epoch: ceil(n_examples / batch_size)."""
        return steps_per_epoch(self.n_examples, self.batch_size)

    @property
    def total_steps(self) -> int:
        """T, the updates of the whole run: epochs * steps_per_epoch."""
        return self.epochs * self.steps_per_epoch


class HorizonWarning(CourseWarning):
    """A schedule's horizon differs from the number of steps the run makes."""


def schedule_horizon(schedule: Any) -> int | None:
    """The number of steps a schedule was built for (its ``horizon``), or None if it has none.

    Every course_lib schedule knows its own horizon (:attr:`Schedule.horizon
    <course_lib.schedules.base.Schedule.horizon>`): a decay's total_steps, a warm-up's steps
    plus its schedule's, a join's last boundary plus its last piece's. A constant rate, a ramp
    that holds its end value, an exponential decay or restarts without an end have none. So
    does anything without a ``horizon`` attribute (a number, a plain function of the step).

    >>> from course_lib import schedules
    >>> schedule_horizon(schedules.cosine_decay(0.1, 100)), schedule_horizon(schedules.constant(0.1))
    (100, None)
    >>> schedule_horizon(schedules.warmup(schedules.cosine_decay(0.1, 90), 10))
    100
    >>> schedule_horizon(lambda t: 0.1 / (1 + t)) is None
    True
    """
    value = getattr(schedule, "horizon", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return int(value)
    return None


def check_horizon(schedule: Any, total_steps: int) -> bool:
    """Warn (:class:`HorizonWarning`) when the schedule's horizon differs from the run's ``total_steps``.

    Returns True when they agree or the schedule has no horizon. The warning names both
    numbers and the fix: build the schedule for ``total_steps`` updates (steps, not epochs
    or examples), or pass ``check_horizon=False`` when the cut is deliberate. It points at
    the first line outside course_lib (the learner's call), however deep the check runs.

    Raises:
        ValueError: ``total_steps`` < 1 (a run makes at least one update).

    >>> import warnings
    >>> from course_lib import schedules
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     check_horizon(schedules.linear_decay(0.2, 1000), 500)
    False
    >>> print(caught[0].message)  # doctest: +ELLIPSIS
    the schedule was built for T = 1000 steps but this run makes 500 updates...
    >>> check_horizon(schedules.ramp(0.0, 0.1, 100), 1000)   # a ramp holds its end: no horizon
    True
    """
    total_steps = check_int("total_steps", total_steps, minimum=1)
    horizon = schedule_horizon(schedule)
    if horizon is None or horizon == total_steps:
        return True
    hint = (
        " (it ends early: were epochs or examples passed where steps were meant?)"
        if horizon < total_steps
        else " (it is cut before its end)"
    )
    warn(
        f"the schedule was built for T = {horizon} steps but this run makes {total_steps} updates"
        f"{hint}. Build the schedule for total_steps={total_steps} (optimizer updates = epochs x "
        f"steps per epoch), or pass check_horizon=False if the difference is deliberate.",
        HorizonWarning,
    )
    return False


# ---------------------------------------------------------------------------
# A run's rates and momenta, step by step (run_gd, run_adaptive and the torch loop)
# ---------------------------------------------------------------------------


def rates(schedule: Any, n_steps: int, plateau: ReduceLROnPlateau | None = None) -> np.ndarray:
    """Learning rates schedule(0..n_steps-1); with a plateau policy, the factors schedule(t) / schedule(0).

    ``schedule`` is a course_lib schedule, a function of the step or a number (a constant
    rate); None only with a plateau policy (factors 1).
    """
    if plateau is not None and not isinstance(plateau, ReduceLROnPlateau):
        raise TypeError(f"plateau must be a ReduceLROnPlateau or None, got plateau={plateau!r}")
    if schedule is None:
        if plateau is None:
            raise TypeError(
                "schedule must be a course_lib schedule or a learning rate > 0; "
                "schedule=None is allowed only with a plateau policy"
            )
        return np.ones(n_steps)
    if isinstance(schedule, bool) or not (isinstance(schedule, Real) or callable(schedule)):
        raise TypeError(
            f"schedule must be a course_lib schedule, a function of the step or a "
            f"learning rate > 0, got schedule={schedule!r} ({type(schedule).__name__})"
        )
    if isinstance(schedule, Real):
        value = float(schedule) if abs(schedule) <= MAX_MAGNITUDE else math.inf  # 10**400: no OverflowError
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"schedule (a constant lr) must be a finite number > 0, got schedule={schedule!r}")
        values = np.full(n_steps, value)
    else:
        values = S.evaluate(schedule, n_steps)
    bad = np.flatnonzero(~((values >= 0) & (values <= MAX_MAGNITUDE)))  # nan fails both
    if bad.size:
        t = int(bad[0])
        raise ValueError(
            f"schedule must give finite rates >= 0 (at most {MAX_MAGNITUDE:g}); got lr={values[t]!r} at step {t} "
            f"from schedule={schedule!r}"
        )
    if plateau is None:
        return values
    if not values[0] > 0:
        raise ValueError(f"schedule(0) must be > 0 to scale a plateau policy, got schedule(0)={values[0]!r}")
    return values / values[0]


def momenta(momentum: Any, n_steps: int, name: str = "momentum") -> np.ndarray:
    """Momentum at steps 0..n_steps-1 from a number in [0, 1) or a momentum schedule."""
    if isinstance(momentum, bool) or not (isinstance(momentum, Real) or callable(momentum)):
        raise TypeError(f"{name} must be a number in [0, 1) or a momentum schedule, got {name}={momentum!r}")
    if isinstance(momentum, Real):
        return np.full(n_steps, check_range(name, momentum, 0.0, 1.0, high_open=True))
    try:
        values = S.evaluate(momentum, n_steps)
    except TypeError as err:  # a function returning no number: said of the momentum, not of "schedule"
        raise TypeError(f"{name} must be a number in [0, 1) or a momentum schedule: {err}") from None
    bad = np.flatnonzero(~(np.isfinite(values) & (values >= 0) & (values < 1)))
    if bad.size:
        t = int(bad[0])
        raise ValueError(f"{name} must stay in [0, 1); got {values[t]!r} at step {t} from {name}={momentum!r}")
    return values


def describe(value: Any) -> Any:
    """A plain, printable description of a setting for ``History.config`` (repr of objects)."""
    return value if value is None or isinstance(value, (bool, int, float, str)) else repr(value)
