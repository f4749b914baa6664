"""The schedule protocol: steps in, rates out; and the argument checks every schedule shares.

A schedule ``s`` is a frozen dataclass deriving from :class:`Schedule`. ``s(t)`` is the
rate for the update that follows ``t`` completed updates; ``t`` is a number (returns a
float) or an array of any shape (returns a float64 array of that shape). Subclasses
implement ``_value(t)`` for a flat float64 array of validated steps.

>>> from course_lib.schedules.decay import constant
>>> s = constant(0.1)
>>> s(3), s([0, 1]).tolist()
(0.1, [0.1, 0.1])
>>> evaluate(lambda t: 0.1 / (1 + t), 3).round(3).tolist()
[0.1, 0.05, 0.033]
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from dataclasses import dataclass
from numbers import Real
from typing import Any, Callable, Sequence

import numpy as np

from course_lib.validation import (
    MAX_MAGNITUDE,
    check_flag,
    check_int,
    check_non_negative,
    check_positive,
    check_range,
    check_real,
    check_real_array,
)

__all__ = [
    "Schedule",
    "as_steps",
    "shaped_like",
    "evaluate",
    "check_lr",
    "check_decay_gamma",
    "check_min_lr",
    "check_increasing",
    "check_schedule",
    "check_sequence",
    "check_bool",
    "int_if_whole",
    "accepts_aliases",
    "factory",
]


def as_steps(t: Any) -> np.ndarray:
    """Validate ``t`` (steps completed) and return it as a flat, contiguous float64 array.

    A scalar becomes a 1-element array, so a schedule evaluates ``s(k)`` with the
    very numpy loops it uses for ``s(array)[k]``: numpy computes a 0-d power or
    cosine with the C library but an array with SIMD kernels that differ from it
    in the last bits on some CPUs (AVX-512). One code path makes
    ``s(k) == s(array)[k]`` hold exactly on every machine. Lists and tuples of
    steps are accepted like arrays. Pair with :func:`shaped_like`.

    >>> as_steps(3).tolist(), as_steps([[0, 1.5]]).tolist()
    ([3.0], [0.0, 1.5])
    """
    if isinstance(t, (bool, np.bool_, str, bytes)):
        raise TypeError(f"t must be a number or an array of steps, got t={t!r}")
    arr = check_real_array("t", t)  # complex steps, text, tensors that require grad: refused by name
    if arr.size:
        low, high = arr.min(), arr.max()  # nan in t makes both nan: two passes, no temporary array
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError("t must be finite (a step count >= 0); got a nan or inf in t")
        if low < 0:
            raise ValueError(f"t must be >= 0 (steps completed so far); got t={float(low)!r}")
        if high > MAX_MAGNITUDE:
            raise ValueError(f"t must be at most {MAX_MAGNITUDE:g} steps; got t={float(high)!r}")
    return np.ascontiguousarray(arr).reshape(-1)


def shaped_like(t: Any, values: Any) -> float | np.ndarray:
    """Values computed on ``as_steps(t)``, returned as ``t`` came: a float for a scalar
    step, a float64 array of ``t``'s shape for an array, list or tuple of steps.

    >>> shaped_like(2, [0.5]), shaped_like([[1, 2]], [0.5, 0.25]).shape
    (0.5, (1, 2))
    """
    shape = np.shape(t)
    values = np.asarray(values, dtype=np.float64)
    size = math.prod(shape)
    if values.size != size:  # constant-like formulas broadcast
        if values.size != 1:
            raise ValueError(
                f"a schedule must give one rate per step: its _value gave {values.size} rates for {size} steps"
            )
        values = np.broadcast_to(values, (size,)).copy()
    if not shape:
        return float(values.reshape(-1)[0])
    return values.reshape(shape)


@dataclass(frozen=True)
class Schedule:
    """Base class: subclasses implement ``_value(t)`` for a 1-d float64 array ``t >= 0``.

    Every schedule also says its ``horizon``: the number of steps (optimizer updates) it was
    built for, the step where its planned decay ends, or None when it has none. The trainers
    warn when a run's length differs from it (``training.plan.check_horizon``). A decay built
    for T steps (linear, cosine, polynomial, 1-sqrt, one-cycle, WSD) has horizon T; a
    composition asks its parts (a warm-up of W steps in front of a schedule: W + the
    schedule's; a join: its last boundary + its last piece's; scaled and rescaled: their
    schedule's). None: a constant, a ramp (it reaches its end value and holds it, fine in any
    longer run), the decays without an end (step, multistep, piecewise constant, exponential,
    inverse time, inverse sqrt, noam) and the repeating cycles (cyclic, cosine restarts: every
    restart is an end, none is *the* end). Subclasses override the property.
    """

    def __call__(self, t: float | int | Sequence[float] | np.ndarray) -> float | np.ndarray:
        """The learning rate for the update after ``t`` completed updates."""
        return shaped_like(t, self._value(as_steps(t)))

    def _value(self, t: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def horizon(self) -> int | None:
        """Steps this schedule was built for (its planned end), or None: it has no end."""
        return None

    @property
    def formula(self) -> str:
        """The plain-text formula from the class docstring (its first paragraph)."""
        doc = (type(self).__doc__ or "").strip()
        return doc.split("\n\n")[0].replace("\n", " ")


def evaluate(schedule: Callable[[Any], Any], n_steps: int) -> np.ndarray:
    """Values of ``schedule`` at steps ``0 .. n_steps-1`` as a float64 array.

    Works for course_lib schedules (one vectorised call) and for any plain
    Python function of the step (called once per step), e.g. the broken
    formulas the pitfalls notebook reproduces.
    """
    n_steps = check_int("n_steps", n_steps, minimum=0)
    steps = np.arange(n_steps, dtype=np.float64)
    if isinstance(schedule, Schedule):
        return schedule(steps)
    return np.array([_rate_at(schedule, int(k)) for k in steps], dtype=np.float64)


def _rate_at(schedule: Callable[[Any], Any], t: int) -> float:
    """``schedule(t)`` as a float; a function returning something else (None, text, a list) is named."""
    value = schedule(t)
    if np.ndim(value) == 0 and hasattr(value, "item") and not getattr(value, "requires_grad", False):
        value = value.item()  # a numpy or torch scalar (a 0-d array)
    if isinstance(value, Real) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:  # a Python int past 1.8e308: reported as inf, refused by the caller
            return math.inf
    raise TypeError(
        f"schedule must return a number at every step, but schedule({t}) returned "
        f"{value!r} ({type(value).__name__}, not a real number); schedule={schedule!r}"
    )


# ---------------------------------------------------------------------------
# Argument checks every family uses (errors name the argument, the value, what is allowed)
# ---------------------------------------------------------------------------


def check_lr(name: str, value: Any) -> float:
    """A learning rate: a finite float > 0."""
    return check_positive(name, value)


def check_decay_gamma(name: str, value: Any) -> float:
    """A decay factor in (0, 1]."""
    return check_range(name, value, 0.0, 1.0, low_open=True)


def check_min_lr(name: str, value: Any, lr: float, lr_name: str = "lr") -> float:
    """A floor (min_lr, end_lr): >= 0 and <= the peak rate ``lr``."""
    value = check_non_negative(name, value)
    if value > lr:
        raise ValueError(f"{name} must be <= {lr_name} ({lr!r}), got {name}={value!r}")
    return value


def check_bool(name: str, value: Any) -> None:
    """``value`` must be True or False (a flag such as staircase)."""
    check_flag(name, value)


def check_sequence(name: str, values: Any, what: str = "steps") -> None:
    """``values`` must be a sequence (list, tuple, array), not a number or a string."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence | np.ndarray):
        raise TypeError(f"{name} must be a sequence of {what}, got {name}={values!r}")


def check_increasing(
    name: str, values: Any, *, minimum: float = 0.0, strictly_above: bool = False
) -> tuple[float, ...]:
    """Strictly increasing steps, all >= minimum (> minimum if strictly_above); whole ones as ints."""
    check_sequence(name, values)
    out = tuple(check_real(f"{name}[{i}]", v) for i, v in enumerate(values))
    for i, v in enumerate(out):
        if (v <= minimum) if strictly_above else (v < minimum):
            op = ">" if strictly_above else ">="
            raise ValueError(f"{name} must all be {op} {minimum}; got {name}[{i}]={v!r} in {name}={list(out)}")
    for i in range(1, len(out)):
        if out[i] <= out[i - 1]:
            raise ValueError(
                f"{name} must be strictly increasing; got {name}={list(out)} ({out[i]!r} follows {out[i - 1]!r})"
            )
    return tuple(int(v) if float(v).is_integer() else v for v in out)


def check_schedule(name: str, value: Any) -> None:
    """``value`` must be a course_lib schedule."""
    if not isinstance(value, Schedule):
        raise TypeError(
            f"{name} must be a course_lib schedule (e.g. S.cosine_decay(0.1, 1000)), "
            f"got {name}={value!r} ({type(value).__name__})"
        )


def int_if_whole(x: float) -> float | int:
    """3.0 -> 3 (so reprs read as steps), 2.5 stays 2.5."""
    return int(x) if float(x).is_integer() else x


def _as_typed(message: str, typed: dict[str, str]) -> str:
    """``message`` with each of our parameter names replaced by the alias the learner typed.

    >>> _as_typed("total_steps must be an integer >= 1, got total_steps=0", {"total_steps": "T_max"})
    'T_max must be an integer >= 1, got T_max=0'
    """
    pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, typed)) + r")(?![\w(])")
    return pattern.sub(lambda m: typed[m.group(1)], message)


def accepts_aliases(**aliases: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let a factory also take other libraries' names for its parameters (alias=our_name).

    The signature (what ``?``, the explorers and the fuzz tests read) keeps our names;
    the aliases are listed at the end of the docstring.

    >>> @accepts_aliases(T_max="total_steps")
    ... def f(total_steps):
    ...     return total_steps
    >>> f(T_max=5)
    5
    """

    def wrap(factory: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(factory)
        def call(*args: Any, **kwargs: Any) -> Any:
            typed: dict[str, str] = {}  # our name -> the alias the learner typed
            for alias, ours in aliases.items():
                if alias in kwargs:
                    if ours in kwargs:
                        raise TypeError(
                            f"{factory.__name__}() got both {ours}= and its alias {alias}=; give one of them"
                        )
                    kwargs[ours] = kwargs.pop(alias)
                    typed[ours] = alias
            try:
                return factory(*args, **kwargs)
            except (TypeError, ValueError) as err:
                if typed and err.args and isinstance(err.args[0], str):  # name them as the learner typed them
                    err.args = (_as_typed(err.args[0], typed), *err.args[1:])
                raise

        listed = ", ".join(f"{alias} -> {ours}" for alias, ours in aliases.items())
        call.__doc__ = f"{factory.__doc__ or ''}\n\nAlso accepts other libraries' names: {listed}."
        call.aliases = dict(aliases)  # type: ignore[attr-defined]
        return call

    return wrap


def factory(cls: type[Schedule], name: str, /, **aliases: str) -> Callable[..., Schedule]:
    """The public function ``name`` that builds ``cls``: the class's parameters, checks and docstring.

    The signature and the validation live once, in the class (its fields and
    ``__post_init__``); the factory only adds the other libraries' names for its parameters
    (``aliases``, alias=our_name, see :func:`accepts_aliases`) and names itself in errors.

    >>> from course_lib.schedules.decay import CosineDecay
    >>> cosine = factory(CosineDecay, "cosine", T_max="total_steps")
    >>> cosine(0.1, T_max=100)
    CosineDecay(lr=0.1, total_steps=100, min_lr=0.0)
    >>> cosine(0.1)
    Traceback (most recent call last):
    TypeError: cosine() missing a required argument: 'total_steps'
    """
    signature = inspect.signature(cls).replace(return_annotation=cls.__name__)

    def build(*args: Any, **kwargs: Any) -> Schedule:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as err:
            raise TypeError(f"{name}() {err}") from None
        return cls(*bound.args, **bound.kwargs)

    build.__name__ = build.__qualname__ = name
    build.__module__ = cls.__module__
    build.__doc__ = cls.__doc__
    build.__signature__ = signature  # type: ignore[attr-defined]
    build.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    build.__annotations__["return"] = cls  # the class itself: typing.get_type_hints resolves it
    return accepts_aliases(**aliases)(build) if aliases else build
