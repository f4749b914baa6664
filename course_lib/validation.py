"""Argument checks shared by every module (the lowest layer: it imports numpy only).

Each check returns the value converted (a float, an int) or raises an error that names the
argument, the value given and what is allowed, so a learner reading the message knows what
to change. A wrong *type* raises TypeError, a wrong *value* ValueError.

>>> check_positive("lr", 0.1)
0.1
>>> check_int("total_steps", 100.0, minimum=1)
100
>>> check_range("pct_start", 1.5, 0.0, 1.0, low_open=True, high_open=True)
Traceback (most recent call last):
    ...
ValueError: pct_start must be in (0.0, 1.0), got pct_start=1.5
>>> check_in("mode", "max", ("min", "max"))
'max'
>>> check_real("lr", "0.1")
Traceback (most recent call last):
    ...
TypeError: lr must be a real number, got lr='0.1' (str)
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any, Iterable

import numpy as np


def check_real(name: str, value: Any) -> float:
    """Return ``value`` as a finite float, or raise TypeError/ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {name}={value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {name}={value!r}")
    return value


def check_positive(name: str, value: Any) -> float:
    """A finite float > 0."""
    value = check_real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {name}={value!r}")
    return value


def check_non_negative(name: str, value: Any) -> float:
    """A finite float >= 0."""
    value = check_real(name, value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {name}={value!r}")
    return value


def check_at_least(name: str, value: Any, low: float) -> float:
    """A finite float >= ``low``."""
    value = check_real(name, value)
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {name}={value!r}")
    return value


def check_int(name: str, value: Any, minimum: int | None = None) -> int:
    """An integer (bools refused), optionally >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise TypeError(f"{name} must be an integer, got {name}={value!r} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {name}={value!r}")
    return value


def check_range(
    name: str, value: Any, low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> float:
    """A finite float in the interval low..high (ends open or closed as asked)."""
    value = check_real(name, value)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        interval = f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be in {interval}, got {name}={value!r}")
    return value


def _equals(value: Any, option: Any) -> bool:
    """``value == option`` as a plain bool; an array compares elementwise, so it is equal to no option."""
    result = value == option
    return isinstance(result, (bool, np.bool_)) and bool(result)


def check_in(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """``value`` must be one of ``allowed``."""
    allowed = tuple(allowed)
    if not any(value is option or _equals(value, option) for option in allowed):
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}; got {name}={value!r}")
    return value
