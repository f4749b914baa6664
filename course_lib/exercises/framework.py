"""The apparatus every check is built on: results, the Wrong signal, answer readers, verdicts.

* :class:`CheckResult` is a check's verdict (truthy when the answer is right); :class:`Wrong`
  is raised inside a check to fail it with a message and a hint.
* :func:`exercise_check` turns a function into a learner-safe check registered in :data:`CHECKS`;
  :func:`check_setup` marks the block where the *author's* arguments are validated (errors raise).
* Answer readers (:func:`as_number`, :func:`as_int`, :func:`as_numbers`, :func:`as_function`,
  :func:`call_learner`) turn whatever a learner hands in into a value, or raise :class:`Wrong`.
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
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from course_lib.exercises import grading
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
            text = f"Correct! {message}".rstrip()
        else:
            text = f"Not yet. {message}".rstrip()
            if self.hint:
                text += f"\nHint: {self.hint}"
        if self.worked:
            text += f"\nWorked answer: {self.worked}"
        elif self.offer and not self.passed:
            text += f"\n{grading.OFFER}"
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


class Wrong(Exception):
    """Raise inside a check to fail it with ``message`` (and an optional ``hint``).

    ``counts=False`` for a try that is no answer (the placeholder): it does not count
    towards the worked answer.
    """

    def __init__(self, message: str, hint: str = "", *, counts: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.counts = counts


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
            result = CheckResult(False, f"Your answer could not be checked: {_describe_error(err)}.", hint)
        if isinstance(result, (bool, np.bool_)):
            result = CheckResult(
                bool(result), "" if result else "That is not the expected answer.", "" if result else hint
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
# Reading the learner's answer safely
# ---------------------------------------------------------------------------


def _describe_error(err: BaseException) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def not_answered(value: Any, what: str) -> None:
    """Raise :class:`Wrong` if ``value`` is still the ``...`` placeholder or None (``what`` names it)."""
    if value is Ellipsis:
        raise Wrong(
            f"not answered yet: {what} is still the placeholder `...`.",
            "Replace the ... with your answer and run the cell.",
            counts=False,
        )
    if value is None:
        raise Wrong(
            f"not answered yet: {what} is None.",
            "Assign your answer to the variable (or, in a function, did you forget `return`?).",
            counts=False,
        )


def format_number(x: float) -> str:
    """``x`` with 6 significant digits, as messages quote numbers.

    ``format_number(0.1 * 0.95 ** 10)`` is '0.0598737'.
    """
    return f"{x:.6g}"


def as_number(answer: Any, what: str = "your answer") -> float:
    """The answer as a finite float, or raise :class:`Wrong` saying what is wrong with it.

    Accepts Python and NumPy numbers, 0-d and one-element arrays and tensors.
    """
    not_answered(answer, what)
    if isinstance(answer, (bool, np.bool_)):
        raise Wrong(f"{what} is {answer}, a True/False value, but a number is expected.")
    if isinstance(answer, str):
        raise Wrong(
            f"{what} is the text {answer!r}, but a number is expected.",
            "Write the number (or the expression) without quotes.",
        )
    if isinstance(answer, (complex, np.complexfloating)):
        raise Wrong(f"{what} is a complex number ({answer}); a real number is expected.")
    if callable(answer) and not hasattr(answer, "__array__"):
        raise Wrong(
            f"{what} is a function ({getattr(answer, '__name__', 'callable')}); a number is expected.",
            "Call the function, or compute the value itself.",
        )
    if hasattr(answer, "detach"):  # a torch tensor
        answer = answer.detach().cpu()
    if isinstance(answer, Real):
        try:
            value = float(answer)
        except OverflowError:  # a Python int past 1.8e308
            raise Wrong(
                f"{what} is an integer of {len(str(abs(int(answer))))} digits: too large for any computation.",
                "Check the formula for a power or a product that grew without bound.",
            ) from None
    else:
        try:
            arr = np.asarray(answer, dtype=np.float64)
        except Exception:  # noqa: BLE001 - anything that is not numeric
            raise Wrong(
                f"{what} is a {type(answer).__name__} ({short_repr(answer)}), but a number is expected."
            ) from None
        if arr.size != 1:
            raise Wrong(f"{what} has {arr.size} values (shape {arr.shape}), but a single number is expected.")
        value = float(arr.reshape(-1)[0])
    if math.isnan(value):
        raise Wrong(
            f"{what} is nan (not a number).",
            "A nan usually comes from 0/0, inf - inf or a diverging computation; check the formula.",
        )
    if math.isinf(value):
        raise Wrong(f"{what} is {value}: infinite.", "Check for a division by zero or an overflow.")
    return value


def as_int(answer: Any, what: str = "your answer") -> int:
    """The answer as an int (a float equal to an integer is accepted), or raise :class:`Wrong`."""
    value = as_number(answer, what)
    if not float(value).is_integer():
        raise Wrong(f"{what} is {format_number(value)}, but a whole number of steps is expected.")
    return int(value)


def as_numbers(answer: Any, what: str = "your answer", length: int | None = None) -> np.ndarray:
    """The answer as a 1-D float array of finite numbers (optionally of a given length)."""
    not_answered(answer, what)
    if isinstance(answer, (str, bytes)) or isinstance(answer, Real) or callable(answer):
        raise Wrong(
            f"{what} is {short_repr(answer)}, but a list of numbers is expected.",
            "Write the values in a list, e.g. [9, 29, 69].",
        )
    try:
        arr = np.asarray(list(answer) if not hasattr(answer, "__array__") else answer, dtype=np.float64)
    except Exception:  # noqa: BLE001
        raise Wrong(f"{what} ({short_repr(answer)}) is not a list of numbers.") from None
    arr = arr.reshape(-1) if arr.ndim <= 1 else arr
    if arr.ndim != 1:
        raise Wrong(f"{what} has shape {arr.shape}; a flat list of numbers is expected.")
    if length is not None and arr.size != length:
        raise Wrong(f"{what} has {arr.size} values, but {length} are expected.")
    if not np.all(np.isfinite(arr)):
        raise Wrong(f"{what} contains nan or inf.")
    return arr


def as_function(answer: Any, what: str = "your function") -> Callable[..., Any]:
    """The answer if it is callable, else raise :class:`Wrong`."""
    not_answered(answer, what)
    if not callable(answer):
        raise Wrong(
            f"{what} should be a function of the step t, but it is {short_repr(answer)}.",
            "Define it with `def f(t): ...` and pass the function itself, without calling it: f, not f(0).",
        )
    return answer


def call_learner(fn: Callable[..., Any], *args: Any, what: str | None = None) -> Any:
    """Call learner code; if it raises, raise :class:`Wrong` explaining where and what."""
    name = getattr(fn, "__name__", "your function")
    call = what or f"{name}({', '.join(repr(a) for a in args)})"
    try:
        with np.errstate(all="ignore"):
            return fn(*args)
    except Exception as err:  # noqa: BLE001 - any error in learner code is feedback
        raise Wrong(
            f"{call} raised {_describe_error(err)}.",
            "The check calls your function with one argument, the step t = 0, 1, 2, ... "
            "(an int); make it work for every such t.",
        ) from None


def short_repr(x: Any) -> str:
    """``repr(x)`` cut to 60 characters, to quote an answer in a message."""
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def normalise_text(text: str) -> str:
    """A text answer compared loosely: lower case, single spaces, "()" dropped."""
    return " ".join(str(text).lower().replace("()", "").split())


#: The letters a learner may answer a multiple-choice question with, in order.
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def option_listing(options: Sequence[Any], sep: str = "; ") -> str:
    """The options as a learner reads them, each with its letter: 'a) step; b) cosine'."""
    return sep.join(f"{LETTERS[i]}) {o}" for i, o in enumerate(options))


def as_text(answer: Any, listing: str, what: str, example: str) -> str:
    """The answer if it is text, else raise :class:`Wrong` asking for ``what`` as text or its letter."""
    not_answered(answer, "your answer")
    if not isinstance(answer, str):
        raise Wrong(
            f"your answer is {short_repr(answer)}; answer with {what} as text, or its letter: {listing}.", example
        )
    return answer


def not_an_option(answer: Any, listing: str) -> Wrong:
    """The :class:`Wrong` for an answer that names none of the options (raise it)."""
    return Wrong(
        f"{short_repr(answer)} is not one of the options: {listing}.", "Copy one option exactly, or give its letter."
    )


# ---------------------------------------------------------------------------
# Verdicts: compare, explain, suggest
# ---------------------------------------------------------------------------

Mistakes = Iterable[tuple[Any, str]]


def _close(a: Any, b: Any, rtol: float, atol: float) -> bool:
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=False))


def _direction(value: float, expected: float) -> str:
    """How a wrong number is off, in words too coarse to give the right value back (a first try gets no answer)."""
    if expected != 0 and value != 0 and np.sign(value) != np.sign(expected):
        return "has the wrong sign"
    if expected == 0 or value == 0:
        return "is not right"
    ratio = value / expected
    if 0.9 < ratio < 1.1:
        return "is close but not close enough (within 10%)"
    if ratio > 1:
        return "is too large (more than 10 times the right value)" if ratio > 10 else "is too large"
    return "is too small (less than a tenth of the right value)" if ratio < 0.1 else "is too small"


def number_verdict(
    answer: Any,
    expected: float,
    *,
    rtol: float = 1e-6,
    atol: float = 0.0,
    what: str = "your answer",
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
    raise Wrong(f"{what}, {format_number(value)}, {_direction(value, expected)}.", hint)


def interval_verdict(
    answer: Any,
    low: float,
    high: float,
    *,
    what: str = "your answer",
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
    side = "below" if value < low else "above"
    raise Wrong(
        f"{what}, {format_number(value)}, is {side} what this experiment gives "
        f"({format_number(low)} to {format_number(high)}).",
        hint,
    )


def sequence_verdict(
    answer: Any,
    expected: Sequence[float],
    *,
    rtol: float = 1e-6,
    atol: float = 0.0,
    what: str = "your answer",
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
    raise Wrong(
        f"entry {i} of {what} ({format_number(values[i])}) is not right{' (the entries before it are)' if i else ''}.",
        hint,
    )


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
            raise Wrong(f"{name}({t}) returned None.", "Did you forget the `return` statement?", counts=False)
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
            f"{name}({t}) = {format_number(values[values < 0][0])} is negative: a learning rate must be >= 0 "
            f"(a negative rate climbs the loss).",
            hint or "Stop the decay where it should end.",
        )
    if steps == list(range(len(steps))) and len(steps) > 2:
        ahead = np.array([float(reference(t + 1)) for t in steps])
        if _close(values, ahead, rtol, atol):
            raise Wrong(
                f"{name} is one step ahead: {name}(t) equals the reference at t + 1.",
                "t counts the updates already done, so the first update uses t = 0.",
            )
        if _close(values[1:], ref[:-1], rtol, atol):
            raise Wrong(
                f"{name} is one step behind: {name}(t) equals the reference at t - 1.",
                "t counts the updates already done, so the first update uses t = 0.",
            )
    i = int(np.flatnonzero(~np.isclose(values, ref, rtol=rtol, atol=atol))[0])
    before = " (all earlier steps match)" if i else ""
    raise Wrong(
        f"at t = {steps[i]} {name} gives {format_number(values[i])}, but it should give "
        f"{format_number(ref[i])}{before}.",
        hint,
    )
