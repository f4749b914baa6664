"""The apparatus every check is built on: results, the Wrong signal, answer readers, verdicts.

* :class:`CheckResult` is a check's verdict (truthy when the answer is right); :class:`Wrong`
  is raised inside a check to fail it with a message and a hint.
* :func:`exercise_check` turns a function into a learner-safe check registered in :data:`CHECKS`;
  :func:`check_setup` marks the block where the *author's* arguments are validated (errors raise).
* Answer readers (:func:`as_number`, :func:`as_int`, :func:`as_numbers`, :func:`as_function`,
  :func:`call_learner`) turn whatever a learner hands in into a value, or raise :class:`Wrong`
  (they live in ``answers``; this module re-exports them, the one import a check needs).
* Verdicts (:func:`number_verdict`, :func:`sequence_verdict`, :func:`schedule_verdict`) compare,
  recognise known mistakes, and explain.

>>> @exercise_check
... def check_double(answer, x=2.0):
...     '''Twice x.'''
...     return number_verdict(answer, 2 * x, mistakes=[(x, "That is x itself.")], hint="Multiply by 2.")
>>> check_double(4.0).passed
Correct!
True
>>> print(check_double(2.0, quiet=True))
Not yet. That is x itself.
Hint: Multiply by 2.
>>> _ = CHECKS.pop("double")

Feedback is graded per exercise and kernel (``grading``): a first wrong answer gets a hint, the
second (or ``show_answer=True``) the worked answer from ``solutions.py``.

Every text a learner reads is a :func:`course_lib.i18n.tr` template (Chinese in a Chinese kernel).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from course_lib.exercises import grading
from course_lib.exercises.answers import (
    LETTERS,
    YOUR_ANSWER,
    Wrong,
    as_function,
    as_int,
    as_number,
    as_numbers,
    as_text,
    call_learner,
    describe_error,
    format_number,
    normalise_text,
    not_an_option,
    not_answered,
    option_listing,
    short_repr,
)
from course_lib.i18n import mark, tr
from course_lib.validation import check_int

__all__ = [
    "CheckResult",
    "Wrong",
    "CheckSetupError",
    "CHECKS",
    "exercise_check",
    "check_setup",
    "passed",
    "as_number",
    "as_int",
    "as_numbers",
    "as_function",
    "call_learner",
    "not_answered",
    "format_number",
    "short_repr",
    "normalise_text",
    "check_steps",
    "LETTERS",
    "option_listing",
    "as_text",
    "not_an_option",
    "Mistakes",
    "number_verdict",
    "sequence_verdict",
    "schedule_verdict",
    "interval_verdict",
]


@dataclass
class CheckResult:
    """The verdict of a check. Truthy iff the answer is right.

    Attributes:
        passed: True for a right answer.
        message: what was right or wrong, in one or two sentences.
        hint: a nudge towards the answer (empty when passed).
        name: the check's name (its key in :data:`CHECKS`).
        worked: the worked answer, shown after the second wrong try or with ``show_answer=True``
            (empty before).
        offer: a wrong try that does not show the worked answer yet says how to get it.
    """

    passed: bool
    message: str
    hint: str = ""
    name: str = ""
    worked: str = ""
    offer: bool = False
    _printed: bool = field(default=False, repr=False, compare=False)

    def __bool__(self) -> bool:
        return self.passed

    @property
    def text(self) -> str:
        """The full verdict as printed: 'Correct! ...' or 'Not yet. ...' plus the hint."""
        message = self.message[:1].upper() + self.message[1:]
        if self.passed:
            text = tr("Correct! {message}", message=message).rstrip()
        else:
            text = tr("Not yet. {message}", message=message).rstrip()
            if self.hint:
                text += "\n" + tr("Hint: {hint}", hint=self.hint)
        if self.worked:
            text += "\n" + tr("Worked answer: {worked}", worked=self.worked)
        elif self.offer and not self.passed:
            text += "\n" + tr(grading.OFFER)
        return text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        verdict = "passed" if self.passed else "failed"
        name = f" {self.name}" if self.name else ""
        return f"<check{name} {verdict}: {self.text}>"

    def _ipython_display_(self) -> None:
        # The check already printed its verdict; do not show it a second time
        # when the check is the last line of a cell.
        if not self._printed:
            print(self.text)


class CheckSetupError(ValueError):
    """A bad argument given to a check by the notebook author (not a wrong answer)."""


@contextlib.contextmanager
def check_setup() -> Iterator[None]:
    """Validate the check's own parameters inside this block: their errors do raise.

    ValueError/TypeError raised inside become :class:`CheckSetupError`, which
    :func:`exercise_check` lets through (the author must fix the notebook).
    """
    try:
        yield
    except CheckSetupError:
        raise
    except (ValueError, TypeError) as err:
        raise CheckSetupError(str(err)) from None


def passed(message: str = "") -> CheckResult:
    """A right answer, with an optional remark shown after 'Correct!'."""
    return CheckResult(True, message)


#: name -> check, for every check defined with :func:`exercise_check`.
CHECKS: dict[str, Callable[..., CheckResult]] = {}


def exercise_check(fn: Callable[..., Any]) -> Callable[..., CheckResult]:
    """Decorator: make ``fn`` a learner-safe check and register it in :data:`CHECKS`.

    ``fn(answer, ...)`` returns a :class:`CheckResult` (or a bool) and may raise :class:`Wrong`.
    The wrapped check prints the verdict (unless ``quiet=True``) and returns the result, graded
    (:mod:`course_lib.exercises.grading`: the worked answer from the second wrong try, or with
    ``show_answer=True``). Any error coming from the answer becomes a failed result; wrong
    *check* arguments (a :class:`CheckSetupError`, or a call that does not match the signature) raise.
    """
    name = fn.__name__.removeprefix("check_")
    signature = inspect.signature(fn)
    default_hint = ""
    if "hint" in signature.parameters and signature.parameters["hint"].default is not inspect.Parameter.empty:
        default_hint = signature.parameters["hint"].default or ""

    answer_parameter = next(iter(signature.parameters))

    @functools.wraps(fn)
    def check(*args: Any, quiet: bool = False, show_answer: bool = False, **kwargs: Any) -> CheckResult:
        bound = signature.bind(*args, **kwargs)  # a wrong call raises TypeError: the author's bug
        hint = bound.arguments.get("hint", default_hint) or ""
        counts = True
        try:
            result = fn(*bound.args, **bound.kwargs)
        except CheckSetupError:
            raise
        except Wrong as wrong:
            result = CheckResult(False, wrong.message, wrong.hint or hint)
            counts = wrong.counts
        except Exception as err:  # noqa: BLE001 - a learner never sees a traceback
            result = CheckResult(
                False, tr("Your answer could not be checked: {error}.", error=describe_error(err)), hint
            )
        if isinstance(result, (bool, np.bool_)):
            result = CheckResult(
                bool(result), "" if result else tr("That is not the expected answer."), "" if result else hint
            )
        if not isinstance(result, CheckResult):  # pragma: no cover - a badly written check
            raise TypeError(f"check {name} must return a CheckResult or a bool, got {result!r}")
        result.name = name
        try:
            grading.grade(result, dict(bound.arguments), answer_parameter, counts=counts, show_answer=show_answer)
        except CheckSetupError:
            raise
        except Exception:  # noqa: BLE001 - feedback never raises; without a worked answer the hint stays
            pass
        if not quiet:
            print(result.text)
            result._printed = True
        return result

    check.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[
            *signature.parameters.values(),
            inspect.Parameter("quiet", inspect.Parameter.KEYWORD_ONLY, default=False),
            inspect.Parameter("show_answer", inspect.Parameter.KEYWORD_ONLY, default=False),
        ]
    )
    CHECKS[name] = check
    return check


# ---------------------------------------------------------------------------
# Verdicts: compare, explain, suggest
# ---------------------------------------------------------------------------

Mistakes = Iterable[tuple[Any, str]]

#: The hint for a function of t one step ahead or behind.
STEP_COUNT_HINT = mark("t counts the updates already done, so the first update uses t = 0.")


def _close(a: Any, b: Any, rtol: float, atol: float) -> bool:
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=False))


def _direction(value: float, expected: float) -> str:
    """How a wrong number is off, in words too coarse to give the right value back (a first try gets no
    answer): a :func:`tr` template of ``what`` and ``value``."""
    if expected != 0 and value != 0 and np.sign(value) != np.sign(expected):
        return mark("{what}, {value}, has the wrong sign.")
    if expected == 0 or value == 0:
        return mark("{what}, {value}, is not right.")
    ratio = value / expected
    if 0.9 < ratio < 1.1:
        return mark("{what}, {value}, is close but not close enough (within 10%).")
    if ratio > 1:
        if ratio > 10:
            return mark("{what}, {value}, is too large (more than 10 times the right value).")
        return mark("{what}, {value}, is too large.")
    if ratio < 0.1:
        return mark("{what}, {value}, is too small (less than a tenth of the right value).")
    return mark("{what}, {value}, is too small.")


def number_verdict(
    answer: Any,
    expected: float,
    *,
    rtol: float = 1e-6,
    atol: float = 0.0,
    what: str = YOUR_ANSWER,
    mistakes: Mistakes = (),
    detail: str = "",
    hint: str = "",
) -> CheckResult:
    """Compare a number with ``expected``; known wrong values get their own message.

    ``mistakes`` is a list of (wrong value, message) pairs: an answer close to
    a wrong value is told that message instead of the generic one.
    """
    value = as_number(answer, what)
    if math.isclose(value, expected, rel_tol=rtol, abs_tol=atol):
        return passed(detail)
    for wrong_value, message in mistakes:
        if math.isclose(value, float(wrong_value), rel_tol=max(rtol, 1e-9), abs_tol=atol):
            raise Wrong(message, hint)
    raise Wrong(tr(_direction(value, expected), what=tr(what), value=format_number(value)), hint)


def interval_verdict(
    answer: Any,
    low: float,
    high: float,
    *,
    what: str = YOUR_ANSWER,
    mistakes: Sequence[tuple[float, float, str]] = (),
    detail: str = "",
    hint: str = "",
) -> CheckResult:
    """Pass a measured number in [low, high] (the spread an experiment's noise allows).

    ``mistakes`` is a list of (from, to, message): an answer in [from, to] (outside the
    accepted interval) is told that message, e.g. what the value means and what to try.
    """
    value = as_number(answer, what)
    if low <= value <= high:
        return passed(detail)
    for start, stop, message in mistakes:
        if start <= value <= stop:
            raise Wrong(message, hint)
    if value < low:
        message = mark("{what}, {value}, is below what this experiment gives ({low} to {high}).")
    else:
        message = mark("{what}, {value}, is above what this experiment gives ({low} to {high}).")
    shown = {"low": format_number(low), "high": format_number(high), "value": format_number(value)}
    raise Wrong(tr(message, what=tr(what), **shown), hint)


def sequence_verdict(
    answer: Any,
    expected: Sequence[float],
    *,
    rtol: float = 1e-6,
    atol: float = 0.0,
    what: str = YOUR_ANSWER,
    mistakes: Mistakes = (),
    detail: str = "",
    hint: str = "",
) -> CheckResult:
    """Compare a list of numbers with ``expected`` (same length, element by element)."""
    expected = np.asarray(expected, dtype=np.float64).reshape(-1)
    values = as_numbers(answer, what, length=expected.size)
    if _close(values, expected, rtol, atol):
        return passed(detail)
    for wrong_values, message in mistakes:
        wrong_values = np.asarray(wrong_values, dtype=np.float64).reshape(-1)
        if wrong_values.shape == values.shape and _close(values, wrong_values, max(rtol, 1e-9), atol):
            raise Wrong(message, hint)
    i = int(np.flatnonzero(~np.isclose(values, expected, rtol=rtol, atol=atol))[0])
    if i:
        message = mark("entry {i} of {what} ({value}) is not right (the entries before it are).")
    else:
        message = mark("entry {i} of {what} ({value}) is not right.")
    raise Wrong(tr(message, i=i, what=tr(what), value=format_number(values[i])), hint)


def check_steps(steps: int | Iterable[int]) -> list[int]:
    """The steps a check evaluates a function at: n gives 0 .. n-1, a list is checked (author argument)."""
    if isinstance(steps, Integral) and not isinstance(steps, bool):
        return list(range(check_int("steps", steps, minimum=1)))
    try:
        out = [check_int(f"steps[{i}]", t, minimum=0) for i, t in enumerate(steps)]  # type: ignore[union-attr]
    except TypeError:
        raise TypeError(f"steps must be a number of steps or a list of steps, got steps={steps!r}") from None
    if not out:
        raise ValueError("steps must not be empty")
    return out


def _values_of(fn: Callable[[int], Any], steps: list[int], name: str) -> np.ndarray:
    values = np.empty(len(steps))
    for i, t in enumerate(steps):
        out = call_learner(fn, t, what=f"{name}({t})")
        if out is None:
            # the placeholder of a function exercise is `return None`: not answered yet, not a wrong try
            raise Wrong(
                tr("{call} returned None.", call=f"{name}({t})"),
                tr("Did you forget the `return` statement?"),
                counts=False,
            )
        values[i] = as_number(out, what=f"{name}({t})")
    return values


def schedule_verdict(
    fn: Any,
    reference: Callable[[int], Any],
    steps: int | Iterable[int] = 100,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-12,
    mistakes: Mistakes = (),
    detail: str = "",
    hint: str = "",
    allow_negative: bool = False,
    diagnose: Callable[[np.ndarray, np.ndarray], str | None] | None = None,
) -> CheckResult:
    """Compare a learner function of t with ``reference`` at every step in ``steps``.

    ``mistakes`` is a list of (wrong function of t, message): if the learner's
    values match a known wrong version, the learner is told that message.
    ``diagnose(values, reference_values)`` may return a message for a wrong
    answer it recognises (or None). A negative rate, or a rate one step
    ahead/behind, gets its own message.
    """
    steps = check_steps(steps)
    fn = as_function(fn)
    name = getattr(fn, "__name__", "f")
    name = "f" if name == "<lambda>" else name
    ref = np.array([float(reference(t)) for t in steps])
    values = _values_of(fn, steps, name)
    if _close(values, ref, rtol, atol):
        return passed(detail)
    for wrong_fn, message in mistakes:
        wrong = np.array([float(wrong_fn(t)) for t in steps])
        if _close(values, wrong, rtol, atol):
            raise Wrong(message, hint)
    if diagnose is not None:
        message = diagnose(values, ref)
        if message:
            raise Wrong(message, hint)
    if not allow_negative and values.min() < 0:
        t = steps[int(np.argmax(values < 0))]
        raise Wrong(
            tr(
                "{call} = {value} is negative: a learning rate must be >= 0 (a negative rate climbs the loss).",
                call=f"{name}({t})",
                value=format_number(values[values < 0][0]),
            ),
            hint or tr("Stop the decay where it should end."),
        )
    if steps == list(range(len(steps))) and len(steps) > 2:
        ahead = np.array([float(reference(t + 1)) for t in steps])
        if _close(values, ahead, rtol, atol):
            raise Wrong(
                tr("{name} is one step ahead: {name}(t) equals the reference at t + 1.", name=name),
                tr(STEP_COUNT_HINT),
            )
        if _close(values[1:], ref[:-1], rtol, atol):
            raise Wrong(
                tr("{name} is one step behind: {name}(t) equals the reference at t - 1.", name=name),
                tr(STEP_COUNT_HINT),
            )
    i = int(np.flatnonzero(~np.isclose(values, ref, rtol=rtol, atol=atol))[0])
    if i:
        message = mark("at t = {t} {name} gives {value}, but it should give {expected} (all earlier steps match).")
    else:
        message = mark("at t = {t} {name} gives {value}, but it should give {expected}.")
    shown = {"value": format_number(values[i]), "expected": format_number(ref[i])}
    raise Wrong(tr(message, t=steps[i], name=name, **shown), hint)
