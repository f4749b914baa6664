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
>>> check_real("lr", 10**400)
Traceback (most recent call last):
    ...
ValueError: lr must be finite and at most 1e+307 in size, got lr=an integer of 401 digits
>>> check_flag("staircase", np.array([True, False]))
Traceback (most recent call last):
    ...
TypeError: staircase must be True or False, got staircase=array([ True, False]) (ndarray)

Numbers are refused past :data:`MAX_MAGNITUDE` (1e307): a finite rate near the float limit
(1.8e308) overflows to inf in the first formula or in matplotlib's axis margins.

The messages are :func:`course_lib.i18n.tr` templates: in a Chinese kernel (``COURSE_LANG=zh_CN``)
they come out in Chinese, naming the same argument and value.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any, Iterable

import numpy as np

from course_lib.i18n import tr

__all__ = [
    "MAX_MAGNITUDE",
    "check_real",
    "check_positive",
    "check_non_negative",
    "check_at_least",
    "check_int",
    "check_range",
    "check_in",
    "check_flag",
    "check_real_array",
]

#: The largest size a number may have: formulas (lr * factor, margins of a plot axis) need
#: headroom below the float limit 1.8e308, past which they overflow to inf.
MAX_MAGNITUDE = 1e307


def _shown(value: Any) -> str:
    """``repr(value)``, but a huge integer as its number of digits (10**400 has 401)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**30:
        return tr("an integer of {digits} digits", digits=len(str(abs(value))))
    return repr(value)


def _type(value: Any) -> str:
    return type(value).__name__


def check_real(name: str, value: Any) -> float:
    """Return ``value`` as a finite float of size at most :data:`MAX_MAGNITUDE`, or raise
    TypeError/ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            tr(
                "{name} must be a real number, got {name}={value} ({type})",
                name=name,
                value=repr(value),
                type=_type(value),
            )
        )
    try:
        number = float(value)
    except OverflowError:  # a Python int past 1.8e308
        number = MAX_MAGNITUDE * 10
    if not math.isfinite(number):
        raise ValueError(tr("{name} must be finite, got {name}={value}", name=name, value=_shown(value)))
    if abs(number) > MAX_MAGNITUDE:
        raise ValueError(
            tr(
                "{name} must be finite and at most {limit} in size, got {name}={value}",
                name=name,
                limit=f"{MAX_MAGNITUDE:g}",
                value=_shown(value),
            )
        )
    return number


def check_positive(name: str, value: Any) -> float:
    """A finite float > 0."""
    value = check_real(name, value)
    if value <= 0:
        raise ValueError(tr("{name} must be > 0, got {name}={value}", name=name, value=repr(value)))
    return value


def check_non_negative(name: str, value: Any) -> float:
    """A finite float >= 0."""
    value = check_real(name, value)
    if value < 0:
        raise ValueError(tr("{name} must be >= 0, got {name}={value}", name=name, value=repr(value)))
    return value


def check_at_least(name: str, value: Any, low: float) -> float:
    """A finite float >= ``low``."""
    value = check_real(name, value)
    if value < low:
        raise ValueError(tr("{name} must be >= {low}, got {name}={value}", name=name, low=low, value=repr(value)))
    return value


def check_int(name: str, value: Any, minimum: int | None = None) -> int:
    """An integer (bools refused), optionally >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise TypeError(
                tr(
                    "{name} must be an integer, got {name}={value} ({type})",
                    name=name,
                    value=repr(value),
                    type=_type(value),
                )
            )
    value = int(value)
    if abs(value) > MAX_MAGNITUDE:
        raise ValueError(
            tr(
                "{name} must be an integer of at most {limit}, got {name}={value}",
                name=name,
                limit=f"{MAX_MAGNITUDE:g}",
                value=_shown(value),
            )
        )
    if minimum is not None and value < minimum:
        raise ValueError(
            tr(
                "{name} must be an integer >= {minimum}, got {name}={value}",
                name=name,
                minimum=minimum,
                value=repr(value),
            )
        )
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
        raise ValueError(
            tr("{name} must be in {interval}, got {name}={value}", name=name, interval=interval, value=repr(value))
        )
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
        raise ValueError(
            tr("{name} must be one of {options}; got {name}={value}", name=name, options=options, value=repr(value))
        )
    return value


def check_flag(name: str, value: Any) -> bool:
    """True or False (numpy's bools too); an array, a number or text is refused, never truth-tested."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            tr(
                "{name} must be True or False, got {name}={value} ({type})",
                name=name,
                value=repr(value),
                type=_type(value),
            )
        )
    return bool(value)


def check_real_array(name: str, value: Any) -> np.ndarray:
    """``value`` (a number, list or array) as a float64 array; complex numbers, text, objects and
    torch tensors that require grad are refused naming ``name`` (numpy would drop an imaginary
    part with a ComplexWarning, or fail with its own message). Values are not checked."""
    not_numbers = tr(
        "{name} must be a number or an array of numbers, got {name}={value} ({type})",
        name=name,
        value=repr(value),
        type=_type(value),
    )
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(not_numbers)
    if getattr(value, "requires_grad", False):
        raise TypeError(
            tr(
                "{name} is a torch tensor that requires grad: pass {name}.detach() (a plain tensor or array), "
                "got {name} of shape {shape}",
                name=name,
                shape=tuple(value.shape),
            )
        )
    try:
        is_complex = bool(np.iscomplexobj(value))
        array = None if is_complex else np.asarray(value, dtype=np.float64)
    except OverflowError:  # a Python int past 1.8e308
        raise ValueError(
            tr("{name} must be finite numbers of at most {limit} in size", name=name, limit=f"{MAX_MAGNITUDE:g}")
        ) from None
    except (TypeError, ValueError):
        raise TypeError(not_numbers) from None
    if is_complex:
        raise TypeError(
            tr("{name} must be real numbers, got complex numbers in {name}={value}", name=name, value=repr(value))
        )
    return array
