"""Generic checks a notebook can use for any question: a value, a schedule function, a choice.

>>> from course_lib import exercises
>>> exercises.check_value(0.5, expected=0.5).passed
Correct!
True
>>> exercises.check_choice("b", correct="cosine", options=["step", "cosine"], quiet=True).passed
True
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

import numpy as np

from course_lib.exercises.framework import (
    LETTERS,
    CheckResult,
    Mistakes,
    Wrong,
    check_setup,
    check_steps,
    exercise_check,
    normalise_text,
    not_an_option,
    not_answered,
    number_verdict,
    option_listing,
    passed,
    schedule_verdict,
    sequence_verdict,
    short_repr,
)
from course_lib.exercises.grading import WORKED
from course_lib.validation import check_non_negative

__all__ = ["check_value", "check_schedule_function", "check_choice", "choice_verdict"]


@exercise_check
def check_value(
    answer: Any,
    expected: Any,
    *,
    rtol: float = 1e-6,
    atol: float = 0.0,
    name: str = "",
    hint: str = "",
    mistakes: Mistakes = (),
) -> CheckResult:
    """A number (or a list/array of numbers) equal to ``expected`` within rtol/atol.

    Args:
        answer: the learner's value.
        expected: the right number, or a sequence of numbers.
        rtol, atol: relative and absolute tolerance (np.isclose's rule).
        name: what the answer is, for the message (e.g. "the half-life").
        hint: shown when the answer is wrong.
        mistakes: (known wrong value, message) pairs.

    Returns:
        a :class:`CheckResult`.
    """
    with check_setup():
        rtol = check_non_negative("rtol", rtol)
        atol = check_non_negative("atol", atol)
        expected_arr = np.asarray(expected, dtype=np.float64)
        if not np.all(np.isfinite(expected_arr)):
            raise ValueError(f"expected must be finite, got expected={expected!r}")
    what = f"your {name}" if name else "your answer"
    if expected_arr.ndim == 0:
        return number_verdict(
            answer, float(expected_arr), rtol=rtol, atol=atol, what=what, mistakes=mistakes, hint=hint
        )
    return sequence_verdict(
        answer, expected_arr.reshape(-1), rtol=rtol, atol=atol, what=what, mistakes=mistakes, hint=hint
    )


@exercise_check
def check_schedule_function(
    fn: Any,
    reference_schedule: Callable[[Any], Any],
    steps: int | Iterable[int] = 100,
    *,
    name: str = "",
    hint: str = "",
    rtol: float = 1e-6,
    atol: float = 1e-12,
    mistakes: Mistakes = (),
) -> CheckResult:
    """A learner function of the step t that must equal ``reference_schedule`` at every step.

    The learner's function is called as fn(t) with t = each of ``steps`` (a
    Python int). A negative rate and a one-step shift get specific messages.

    Args:
        fn: the learner's function of t.
        reference_schedule: a course_lib schedule (or any function of t).
        steps: a number n (checks t = 0 .. n-1) or a list of steps.
        name: what the function computes, for the message.
        hint: shown when the function is wrong.
        rtol, atol: tolerance.
        mistakes: (known wrong function of t, message) pairs.
    """
    with check_setup():
        if not callable(reference_schedule):
            raise TypeError(
                f"reference_schedule must be a schedule or a function of t, "
                f"got reference_schedule={reference_schedule!r}"
            )
        steps = check_steps(steps)
    detail = (
        f"{name} matches the reference at all {len(steps)} steps checked."
        if name
        else f"It matches the reference at all {len(steps)} steps checked."
    )
    return schedule_verdict(
        fn, reference_schedule, steps, rtol=rtol, atol=atol, mistakes=mistakes, detail=detail, hint=hint
    )


def _matches(answer: Any, option: Any) -> bool:
    """Is the answer this option? Text ignores case, spaces and "()"; anything else uses ==."""
    if isinstance(option, str) or isinstance(answer, str):
        return isinstance(option, str) and isinstance(answer, str) and normalise_text(answer) == normalise_text(option)
    try:
        return bool(answer == option)
    except Exception:  # noqa: BLE001 - e.g. an array compared with a number
        return False


def choice_verdict(
    answer: Any, correct: Any, options: Sequence[Any], hint: str = "", mistakes: dict[Any, str] | None = None
) -> CheckResult:
    """Pass the option ``correct``, given as the option itself or its letter ("a", "b", ... in order).

    ``mistakes`` maps a wrong option to its own message (what that choice gets wrong).
    Text options are compared ignoring case, extra spaces and "()".
    """
    not_answered(answer, "your answer")
    letters = LETTERS[: len(options)]
    listing = option_listing(options)
    chosen = next((option for option in options if _matches(answer, option)), None)
    letter = normalise_text(answer).strip(" )") if isinstance(answer, str) else ""
    if chosen is None and len(letter) == 1 and letter in letters:
        chosen = options[letters.index(letter)]
    if chosen is None:
        raise not_an_option(answer, listing)
    if chosen != correct:
        raise Wrong((mistakes or {}).get(chosen) or f"{short_repr(chosen)} is not the right choice.", hint)
    return passed()


@exercise_check
def check_choice(answer: Any, correct: Any, options: Sequence[Any], hint: str = "") -> CheckResult:
    """One of ``options``: given as the option itself, or its letter ("a", "b", ... in order).

    Text options are compared ignoring case, extra spaces and "()". The right option is an
    argument here: a notebook uses a question's own check instead (``tests/test_editions.py``
    keeps answers out of the notebooks), this one is for quick questions outside the course.
    """
    with check_setup():
        if isinstance(options, (str, bytes)) or not isinstance(options, Sequence) or len(options) < 2:
            raise TypeError(f"options must be a list of at least two choices, got options={options!r}")
        if correct not in options:
            raise ValueError(f"correct must be one of options, got correct={correct!r}")
    return choice_verdict(answer, correct, options, hint)


# the generic checks carry their answer as an argument: that is their worked answer
WORKED["value"] = lambda arguments: short_repr(arguments["expected"])
WORKED["choice"] = lambda arguments: short_repr(arguments["correct"])
WORKED["schedule_function"] = lambda arguments: f"the reference schedule {short_repr(arguments['reference_schedule'])}"
