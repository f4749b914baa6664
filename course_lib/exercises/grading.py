"""Graded feedback: a first wrong try gets a hint, the second (or ``show_answer=True``) the worked answer.

The state is per exercise (a check and its arguments other than the answer) and per kernel:
:func:`grade` counts the wrong tries and adds the worked answer to a :class:`CheckResult` when
it is due; a right answer starts the count again. The worked answer comes from
``solutions.py`` (:func:`worked_answer`), or from :data:`WORKED` for a check that carries its
answer as an argument (the generic ones).

>>> from course_lib import exercises
>>> exercises.reset_tries()
>>> first = exercises.check_scaled_lr(0.2, quiet=True)
>>> bool(first.worked), first.offer
(False, True)
>>> second = exercises.check_scaled_lr(0.3, quiet=True)
>>> second.worked.splitlines()[0]
'scaled_lr() = 0.4, computed by'
>>> exercises.reset_tries()
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any, Callable

from course_lib.i18n import mark

__all__ = ["WORKED", "WORKED_AFTER", "OFFER", "grade", "reset_tries", "worked_answer", "has_worked_answer"]

#: name -> a function of the check's arguments (by parameter name) giving the worked answer; a check
#: absent here gets its worked answer from ``solutions.py`` (:func:`worked_answer`).
WORKED: dict[str, Callable[[dict[str, Any]], str]] = {}

#: the wrong try (1st, 2nd, ...) of an exercise that shows its worked answer
WORKED_AFTER = 2

#: what a first wrong try adds (when the check has a worked answer; shown through ``i18n.tr``)
OFFER = mark("Try again: a second wrong try, or show_answer=True in the check, shows the worked answer.")

#: (check name, its other arguments) -> wrong tries so far in this kernel; a right answer resets it
_WRONG_TRIES: dict[tuple[str, str], int] = {}


def reset_tries() -> None:
    """Forget every exercise's wrong tries (as a fresh kernel does)."""
    _WRONG_TRIES.clear()


def _stable(value: Any) -> str:
    """A text for an argument that is the same each time the cell runs (objects by type, not by id)."""
    if value is None or isinstance(value, (bool, Integral, Real, str)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_stable(v) for v in value) + "]"
    return type(value).__name__


def _exercise_key(name: str, arguments: dict[str, Any], answer_parameter: str) -> tuple[str, str]:
    """Which exercise a call is: the check and its arguments other than the answer and the hint."""
    rest = ", ".join(f"{k}={_stable(v)}" for k, v in arguments.items() if k not in (answer_parameter, "hint"))
    return name, rest


def worked_answer(name: str, arguments: dict[str, Any]) -> str:
    """The worked answer of check ``name`` called with ``arguments`` (by parameter name); '' if it has none."""
    try:
        if name in WORKED:
            return WORKED[name](arguments)
        from course_lib.exercises import solutions

        return solutions.worked_answer(name, arguments)
    except Exception:  # noqa: BLE001 - feedback never raises; without a worked answer the hint stays
        return ""


def has_worked_answer(name: str) -> bool:
    from course_lib.exercises import solutions

    return name in WORKED or name in solutions.SOLUTION_OF


def grade(result: Any, arguments: dict[str, Any], answer_parameter: str, *, counts: bool, show_answer: bool) -> None:
    """Count this try of ``result.name``'s exercise and add the worked answer to ``result`` when it is due.

    ``counts``: the try was an answer (not the placeholder). The worked answer is due with
    ``show_answer``, or from the :data:`WORKED_AFTER`-th wrong try on; before that a counted wrong
    try says how to get it (``result.offer``).
    """
    key = _exercise_key(result.name, arguments, answer_parameter)
    if result.passed:
        _WRONG_TRIES.pop(key, None)
    elif counts:
        _WRONG_TRIES[key] = _WRONG_TRIES.get(key, 0) + 1
    if show_answer or (not result.passed and _WRONG_TRIES.get(key, 0) >= WORKED_AFTER):
        result.worked = worked_answer(result.name, arguments)
    elif not result.passed and counts:
        result.offer = has_worked_answer(result.name)
