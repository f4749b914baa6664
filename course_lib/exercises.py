"""Checks for the notebook exercises: "Correct!" or a hint, never a traceback.

In a notebook::

    from course_lib import exercises as E
    E.check_exponential_value(0.1 * 0.95 ** 10)      # prints "Correct! ..."
    E.check_linear_decay(my_linear_decay)             # a function of the step t

Every check prints its verdict and returns a :class:`CheckResult`, which is
truthy when the answer is right (``assert E.check_...(...)`` works in tests).
A wrong answer, an answer of the wrong type, nan, ``None``, the ``...``
placeholder, or a learner function that raises, all give a failed result with
an explanation and a hint; nothing is raised. Only mistakes of the *notebook
author* (a bad parameter of the check itself, e.g. ``gamma=2``) raise a
``ValueError``/``TypeError`` naming the argument. Pass ``quiet=True`` to any
check to return the result without printing.

Generic checks: :func:`check_value` (a number or an array),
:func:`check_schedule_function` (a learner function of t against a reference
schedule, step by step), :func:`check_choice` (one of several options).
Specific checks for notebooks 01-07 are built on them; :data:`CHECKS` lists
them all (name -> check) and ``course_lib.solutions`` holds a reference
solution for each (tests run every solution through its check).

Adding a check (the whole pattern)::

    import math
    from course_lib.validation import check_int
    from course_lib.exercises import exercise_check, check_setup, number_verdict

    @exercise_check
    def check_noam_peak(answer, d_model=512, warmup_steps=4000):
        '''The peak of the Transformer schedule: (d_model * warmup_steps) ** -0.5.'''
        with check_setup():                       # bad *author* arguments raise here
            d_model = check_int("d_model", d_model, minimum=1)
        expected = (d_model * warmup_steps) ** -0.5
        return number_verdict(answer, expected, rtol=1e-3,
                              mistakes=[(1 / math.sqrt(d_model), "that is d_model ** -0.5 alone ...")],
                              hint="Evaluate the formula at step = warmup_steps.")

* ``@exercise_check`` registers the function in :data:`CHECKS` under its name
  without the ``check_`` prefix, adds the ``quiet`` keyword, prints the verdict
  and turns any problem with the answer into a failed result.
* Inside, convert the learner's answer with :func:`as_number`, :func:`as_int`,
  :func:`as_numbers`, :func:`as_function` and call learner code through
  :func:`call_learner`: they raise :class:`Wrong` with a friendly message.
  ``raise Wrong(message, hint)`` yourself for any other wrong answer, and
  ``return passed(detail)`` for a right one (or reuse :func:`number_verdict`,
  :func:`sequence_verdict` and :func:`schedule_verdict`, which do both).
* Then add the solution to ``course_lib/solutions.py`` and a row (solution,
  one wrong answer) to the table in ``tests/test_exercises.py``; a test fails
  until every registered check has one.
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

from course_lib import schedules as S
from course_lib.validation import (
    check_int,
    check_non_negative,
    check_positive,
    check_range,
    check_real,
)

__all__ = [
    "CheckResult", "Wrong", "CheckSetupError", "CHECKS", "exercise_check", "check_setup", "passed",
    "as_number", "as_int", "as_numbers", "as_function", "call_learner",
    "number_verdict", "sequence_verdict", "schedule_verdict",
    "check_value", "check_schedule_function", "check_choice",
    "check_stability_limit", "check_half_life", "check_exponential_value", "check_linear_decay",
    "check_warmup", "check_sgdr_cycle_ends", "check_one_cycle_peak_step", "check_scaled_lr",
    "check_scheduler_order", "check_total_steps", "SCHEDULER_ORDER_OPTIONS",
    "check_gd_regime", "GD_REGIME_OPTIONS",
    "check_plateau_lrs", "PLATEAU_METRICS", "check_adam_first_step",
    "check_schedule_choice", "SCHEDULE_CHOICES", "SCHEDULE_SCENARIOS",
    "check_ddp_lr",
]


# ---------------------------------------------------------------------------
# The core: results, the Wrong signal, the decorator
# ---------------------------------------------------------------------------

@dataclass
class CheckResult:
    """The verdict of a check. Truthy iff the answer is right.

    Attributes:
        passed: True for a right answer.
        message: what was right or wrong, in one or two sentences.
        hint: a nudge towards the answer (empty when passed).
        name: the check's name (its key in :data:`CHECKS`).
    """

    passed: bool
    message: str
    hint: str = ""
    name: str = ""
    _printed: bool = field(default=False, repr=False, compare=False)

    def __bool__(self) -> bool:
        return self.passed

    @property
    def text(self) -> str:
        """The full verdict as printed: 'Correct! ...' or 'Not yet. ...' plus the hint."""
        message = self.message[:1].upper() + self.message[1:]
        if self.passed:
            return f"Correct! {message}".rstrip()
        text = f"Not yet. {message}".rstrip()
        if self.hint:
            text += f"\nHint: {self.hint}"
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
    """Raise inside a check to fail it with ``message`` (and an optional ``hint``)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


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

    ``fn(answer, ...)`` returns a :class:`CheckResult` (or a bool) and may
    raise :class:`Wrong`. The wrapped check prints the verdict (unless
    ``quiet=True``) and returns the result. Any error coming from the answer
    becomes a failed result; wrong *check* arguments (a :class:`CheckSetupError`,
    or a call that does not match the signature) raise.
    """
    name = fn.__name__.removeprefix("check_")
    signature = inspect.signature(fn)
    default_hint = ""
    if "hint" in signature.parameters and signature.parameters["hint"].default is not inspect.Parameter.empty:
        default_hint = signature.parameters["hint"].default or ""

    @functools.wraps(fn)
    def check(*args: Any, quiet: bool = False, **kwargs: Any) -> CheckResult:
        bound = signature.bind(*args, **kwargs)  # a wrong call raises TypeError: the author's bug
        hint = bound.arguments.get("hint", default_hint) or ""
        try:
            result = fn(*bound.args, **bound.kwargs)
        except CheckSetupError:
            raise
        except Wrong as wrong:
            result = CheckResult(False, wrong.message, wrong.hint or hint)
        except Exception as err:  # noqa: BLE001 - a learner never sees a traceback
            result = CheckResult(False, f"Your answer could not be checked: {_describe_error(err)}.", hint)
        if isinstance(result, (bool, np.bool_)):
            result = CheckResult(bool(result), "" if result else "That is not the expected answer.",
                                 "" if result else hint)
        if not isinstance(result, CheckResult):  # pragma: no cover - a badly written check
            raise TypeError(f"check {name} must return a CheckResult or a bool, got {result!r}")
        result.name = name
        if not quiet:
            print(result.text)
            result._printed = True
        return result

    check.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(),
                    inspect.Parameter("quiet", inspect.Parameter.KEYWORD_ONLY, default=False)])
    CHECKS[name] = check
    return check


# ---------------------------------------------------------------------------
# Reading the learner's answer safely
# ---------------------------------------------------------------------------

def _describe_error(err: BaseException) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _not_answered(value: Any, what: str) -> None:
    if value is Ellipsis:
        raise Wrong(f"{what} is still the placeholder `...`.", "Replace the ... with your answer and run the cell.")
    if value is None:
        raise Wrong(f"{what} is None.",
                    "Assign your answer to the variable (or, in a function, did you forget `return`?).")


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def as_number(answer: Any, what: str = "your answer") -> float:
    """The answer as a finite float, or raise :class:`Wrong` saying what is wrong with it.

    Accepts Python and NumPy numbers, 0-d and one-element arrays and tensors.
    """
    _not_answered(answer, what)
    if isinstance(answer, (bool, np.bool_)):
        raise Wrong(f"{what} is {answer}, a True/False value, but a number is expected.")
    if isinstance(answer, str):
        raise Wrong(f"{what} is the text {answer!r}, but a number is expected.",
                    "Write the number (or the expression) without quotes.")
    if isinstance(answer, (complex, np.complexfloating)):
        raise Wrong(f"{what} is a complex number ({answer}); a real number is expected.")
    if callable(answer) and not hasattr(answer, "__array__"):
        raise Wrong(f"{what} is a function ({getattr(answer, '__name__', 'callable')}); a number is expected.",
                    "Call the function, or compute the value itself.")
    if hasattr(answer, "detach"):  # a torch tensor
        answer = answer.detach().cpu()
    if isinstance(answer, Real):
        value = float(answer)
    else:
        try:
            arr = np.asarray(answer, dtype=np.float64)
        except Exception:  # noqa: BLE001 - anything that is not numeric
            raise Wrong(f"{what} is a {type(answer).__name__} ({_short(answer)}), but a number is expected.") from None
        if arr.size != 1:
            raise Wrong(f"{what} has {arr.size} values (shape {arr.shape}), but a single number is expected.")
        value = float(arr.reshape(-1)[0])
    if math.isnan(value):
        raise Wrong(f"{what} is nan (not a number).",
                    "A nan usually comes from 0/0, inf - inf or a diverging computation; check the formula.")
    if math.isinf(value):
        raise Wrong(f"{what} is {value}: infinite.", "Check for a division by zero or an overflow.")
    return value


def as_int(answer: Any, what: str = "your answer") -> int:
    """The answer as an int (a float equal to an integer is accepted), or raise :class:`Wrong`."""
    value = as_number(answer, what)
    if not float(value).is_integer():
        raise Wrong(f"{what} is {_fmt(value)}, but a whole number of steps is expected.")
    return int(value)


def as_numbers(answer: Any, what: str = "your answer", length: int | None = None) -> np.ndarray:
    """The answer as a 1-D float array of finite numbers (optionally of a given length)."""
    _not_answered(answer, what)
    if isinstance(answer, (str, bytes)) or isinstance(answer, Real) or callable(answer):
        raise Wrong(f"{what} is {_short(answer)}, but a list of numbers is expected.",
                    "Write the values in a list, e.g. [9, 29, 69].")
    try:
        arr = np.asarray(list(answer) if not hasattr(answer, "__array__") else answer, dtype=np.float64)
    except Exception:  # noqa: BLE001
        raise Wrong(f"{what} ({_short(answer)}) is not a list of numbers.") from None
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
    _not_answered(answer, what)
    if not callable(answer):
        raise Wrong(f"{what} should be a function of the step t, but it is {_short(answer)}.",
                    "Define it with `def f(t): ...` and pass the function itself, without calling it: f, not f(0).")
    return answer


def call_learner(fn: Callable[..., Any], *args: Any, what: str | None = None) -> Any:
    """Call learner code; if it raises, raise :class:`Wrong` explaining where and what."""
    name = getattr(fn, "__name__", "your function")
    call = what or f"{name}({', '.join(repr(a) for a in args)})"
    try:
        with np.errstate(all="ignore"):
            return fn(*args)
    except Exception as err:  # noqa: BLE001 - any error in learner code is feedback
        raise Wrong(f"{call} raised {_describe_error(err)}.",
                    "The check calls your function with one argument, the step t = 0, 1, 2, ... "
                    "(an int); make it work for every such t.") from None


def _short(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


# ---------------------------------------------------------------------------
# Verdicts: compare, explain, suggest
# ---------------------------------------------------------------------------

Mistakes = Iterable[tuple[Any, str]]


def _close(a: Any, b: Any, rtol: float, atol: float) -> bool:
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=False))


def _direction(value: float, expected: float) -> str:
    if expected != 0 and value != 0 and np.sign(value) != np.sign(expected):
        return "has the wrong sign"
    if expected == 0 or value == 0:
        return "is not right"
    ratio = value / expected
    if 0.9 < ratio < 1.1:
        return f"is close but not close enough (off by {abs(ratio - 1):.1%})"
    if ratio > 1:
        times = f"about {ratio:.3g} times" if math.isfinite(ratio) else "hundreds of orders of magnitude above"
        return f"is too large ({times} the right value)"
    inverse = expected / value  # not 1 / ratio: the ratio of a tiny answer underflows to 0
    part = f"about 1/{inverse:.3g} of" if math.isfinite(inverse) else "hundreds of orders of magnitude below"
    return f"is too small ({part} the right value)"


def number_verdict(answer: Any, expected: float, *, rtol: float = 1e-6, atol: float = 0.0,
                   what: str = "your answer", mistakes: Mistakes = (), detail: str = "",
                   hint: str = "") -> CheckResult:
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
    raise Wrong(f"{what}, {_fmt(value)}, {_direction(value, expected)}.", hint)


def sequence_verdict(answer: Any, expected: Sequence[float], *, rtol: float = 1e-6, atol: float = 0.0,
                     what: str = "your answer", mistakes: Mistakes = (), detail: str = "",
                     hint: str = "") -> CheckResult:
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
    raise Wrong(f"entry {i} of {what} ({_fmt(values[i])}) is not right"
                f"{' (the entries before it are)' if i else ''}.", hint)


def _steps(steps: int | Iterable[int]) -> list[int]:
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
            raise Wrong(f"{name}({t}) returned None.", "Did you forget the `return` statement?")
        values[i] = as_number(out, what=f"{name}({t})")
    return values


def schedule_verdict(fn: Any, reference: Callable[[int], Any], steps: int | Iterable[int] = 100, *,
                     rtol: float = 1e-6, atol: float = 1e-12, mistakes: Mistakes = (),
                     detail: str = "", hint: str = "", allow_negative: bool = False,
                     diagnose: Callable[[np.ndarray, np.ndarray], str | None] | None = None) -> CheckResult:
    """Compare a learner function of t with ``reference`` at every step in ``steps``.

    ``mistakes`` is a list of (wrong function of t, message): if the learner's
    values match a known wrong version, the learner is told that message.
    ``diagnose(values, reference_values)`` may return a message for a wrong
    answer it recognises (or None). A negative rate, or a rate one step
    ahead/behind, gets its own message.
    """
    steps = _steps(steps)
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
        raise Wrong(f"{name}({t}) = {_fmt(values[values < 0][0])} is negative: a learning rate must be >= 0 "
                    f"(a negative rate climbs the loss).", hint or "Stop the decay where it should end.")
    if steps == list(range(len(steps))) and len(steps) > 2:
        ahead = np.array([float(reference(t + 1)) for t in steps])
        if _close(values, ahead, rtol, atol):
            raise Wrong(f"{name} is one step ahead: {name}(t) equals the reference at t + 1.",
                        "t counts the updates already done, so the first update uses t = 0.")
        if _close(values[1:], ref[:-1], rtol, atol):
            raise Wrong(f"{name} is one step behind: {name}(t) equals the reference at t - 1.",
                        "t counts the updates already done, so the first update uses t = 0.")
    i = int(np.flatnonzero(~np.isclose(values, ref, rtol=rtol, atol=atol))[0])
    before = " (all earlier steps match)" if i else ""
    raise Wrong(f"at t = {steps[i]} {name} gives {_fmt(values[i])}, but it should give "
                f"{_fmt(ref[i])}{before}.", hint)


# ---------------------------------------------------------------------------
# Generic checks
# ---------------------------------------------------------------------------

@exercise_check
def check_value(answer: Any, expected: Any, *, rtol: float = 1e-6, atol: float = 0.0, name: str = "",
                hint: str = "", mistakes: Mistakes = ()) -> CheckResult:
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
        return number_verdict(answer, float(expected_arr), rtol=rtol, atol=atol, what=what,
                              mistakes=mistakes, hint=hint)
    return sequence_verdict(answer, expected_arr.reshape(-1), rtol=rtol, atol=atol, what=what,
                            mistakes=mistakes, hint=hint)


@exercise_check
def check_schedule_function(fn: Any, reference_schedule: Callable[[Any], Any],
                            steps: int | Iterable[int] = 100, *, name: str = "", hint: str = "",
                            rtol: float = 1e-6, atol: float = 1e-12,
                            mistakes: Mistakes = ()) -> CheckResult:
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
            raise TypeError(f"reference_schedule must be a schedule or a function of t, "
                            f"got reference_schedule={reference_schedule!r}")
        steps = _steps(steps)
    detail = f"{name} matches the reference at all {len(steps)} steps checked." if name else \
        f"It matches the reference at all {len(steps)} steps checked."
    return schedule_verdict(fn, reference_schedule, steps, rtol=rtol, atol=atol, mistakes=mistakes,
                            detail=detail, hint=hint)


def _normalise(text: str) -> str:
    return " ".join(str(text).lower().replace("()", "").split())


def _matches(answer: Any, option: Any) -> bool:
    """Is the answer this option? Text ignores case, spaces and "()"; anything else uses ==."""
    if isinstance(option, str) or isinstance(answer, str):
        return isinstance(option, str) and isinstance(answer, str) and _normalise(answer) == _normalise(option)
    try:
        return bool(answer == option)
    except Exception:  # noqa: BLE001 - e.g. an array compared with a number
        return False


@exercise_check
def check_choice(answer: Any, correct: Any, options: Sequence[Any], hint: str = "") -> CheckResult:
    """One of ``options``: given as the option itself, or its letter ("a", "b", ... in order).

    Text options are compared ignoring case, extra spaces and "()".
    """
    with check_setup():
        if isinstance(options, (str, bytes)) or not isinstance(options, Sequence) or len(options) < 2:
            raise TypeError(f"options must be a list of at least two choices, got options={options!r}")
        if correct not in options:
            raise ValueError(f"correct must be one of options, got correct={correct!r}")
    _not_answered(answer, "your answer")
    letters = "abcdefghijklmnopqrstuvwxyz"[: len(options)]
    listing = "; ".join(f"{letters[i]}) {o}" for i, o in enumerate(options))
    chosen = next((option for option in options if _matches(answer, option)), None)
    letter = _normalise(answer).strip(" )") if isinstance(answer, str) else ""
    if chosen is None and len(letter) == 1 and letter in letters:
        chosen = options[letters.index(letter)]
    if chosen is None:
        raise Wrong(f"{_short(answer)} is not one of the options: {listing}.",
                    "Copy one option exactly, or give its letter.")
    if chosen != correct:
        raise Wrong(f"{_short(chosen)} is not the right choice.", hint)
    return passed()


# ---------------------------------------------------------------------------
# Specific checks, notebook by notebook
# ---------------------------------------------------------------------------

def _curvature(problem: Any) -> float:
    """L, the largest curvature (Hessian eigenvalue) of a problem, for the stability limit 2/L.

    Taken from ``problem.L`` if the problem states it, else from
    ``problem.hessian`` (a matrix, or a method of w evaluated at w0), else
    estimated at ``problem.w0`` by power iteration on finite-difference
    Hessian-vector products of ``problem.grad`` (exact for quadratics).
    """
    for attr in ("L", "smoothness", "lipschitz"):
        value = getattr(problem, attr, None)
        if isinstance(value, Real) and not isinstance(value, bool):
            return check_positive(f"problem.{attr}", value)
    hessian = getattr(problem, "hessian", None)
    if hessian is not None:
        H = hessian(np.asarray(problem.w0, dtype=float)) if callable(hessian) else hessian
        H = np.atleast_2d(np.asarray(H, dtype=float))
        return check_positive("the largest Hessian eigenvalue", float(np.linalg.eigvalsh((H + H.T) / 2).max()))
    if not (hasattr(problem, "w0") and callable(getattr(problem, "grad", None))):
        raise TypeError(f"problem must have w0 and grad(w) (or L, or hessian), got {type(problem).__name__}")
    w0 = np.asarray(problem.w0, dtype=float)
    g0 = np.asarray(problem.grad(w0), dtype=float)
    v = np.random.default_rng(0).normal(size=w0.shape)
    v /= np.linalg.norm(v)
    eps, lam = 1e-4 * max(1.0, float(np.linalg.norm(w0))), 0.0
    for _ in range(500):
        hv = (np.asarray(problem.grad(w0 + eps * v), dtype=float) - g0) / eps
        new = float(np.linalg.norm(hv))
        if new == 0:
            break
        v = hv / new
        if abs(new - lam) <= 1e-10 * new:
            lam = new
            break
        lam = new
    return check_positive("the estimated curvature L", lam)


@exercise_check
def check_stability_limit(answer: Any, problem: Any = None, *, L: float | None = None,
                          hint: str = "Gradient descent on a quadratic multiplies each eigen-direction "
                                      "by (1 - lr * h) every step; find where |1 - lr * L| = 1.") -> CheckResult:
    """The largest stable gradient-descent rate, 2 / L (L = the largest curvature).

    Give ``problem`` (L from problem.L, problem.hessian, or estimated at w0)
    or ``L`` directly. Tolerance 0.1%.
    """
    with check_setup():
        if L is not None:
            L = check_positive("L", L)
        elif problem is None:
            raise TypeError("check_stability_limit needs problem=... or L=...")
        else:
            L = _curvature(problem)
    return number_verdict(
        answer, 2 / L, rtol=1e-3,
        mistakes=[(1 / L, "That is 1/L, the rate that is best for the stiffest direction; gradient "
                          "descent still converges above it. Where does it start to diverge?"),
                  (L / 2, "That is L/2: the limit is a rate, so L belongs in the denominator."),
                  (2 * L, "That is 2L: the limit is a rate, so L belongs in the denominator.")],
        detail=f"Above 2/L = {_fmt(2 / L)} the stiffest direction grows every step and the loss diverges.",
        hint=hint)


@exercise_check
def check_half_life(answer: Any, gamma: float = 0.95, decay_steps: float = 1,
                    hint: str = "Solve gamma ** (t / decay_steps) = 1/2 for t: take logarithms.") -> CheckResult:
    """Steps for exponential decay lr * gamma ** (t / decay_steps) to halve: decay_steps * ln 2 / ln(1/gamma).

    Accepts the exact value (0.1% tolerance) and the first whole step at which
    the rate is at most half (its ceiling).
    """
    with check_setup():
        gamma = check_range("gamma", gamma, 0.0, 1.0, low_open=True, high_open=True)
        decay_steps = check_positive("decay_steps", decay_steps)
    exact = decay_steps * math.log(2) / math.log(1 / gamma)
    value = as_number(answer)
    detail = (f"The rate halves every {_fmt(exact)} steps (first at or below half at step "
              f"{math.ceil(exact - 1e-9)}), wherever you start.")
    if math.isclose(value, math.ceil(exact - 1e-9)) and not math.isclose(value, exact, rel_tol=1e-3):
        return passed(detail)
    return number_verdict(
        value, exact, rtol=1e-3,
        mistakes=[(decay_steps * math.log(2) / (1 - gamma),
                   "Close: that is the approximation ln 2 / (1 - gamma), good only when gamma is near 1. "
                   "Give the exact value."),
                  (decay_steps * 0.5 / (1 - gamma), "Halving is not the same as losing 0.5 per step: "
                                                    "the decay is multiplicative.")],
        detail=detail, hint=hint)


@exercise_check
def check_exponential_value(answer: Any, lr: float = 0.1, gamma: float = 0.95, t: int = 10,
                            hint: str = "Evaluate lr * gamma ** t directly, e.g. in a code cell.") -> CheckResult:
    """The rate of exponential decay after t steps: lr * gamma ** t (0.1 * 0.95 ** 10 ≈ 0.0599). Tolerance 0.5%."""
    with check_setup():
        lr = check_positive("lr", lr)
        gamma = check_range("gamma", gamma, 0.0, 1.0, low_open=True)
        t = check_int("t", t, minimum=0)
    expected = lr * gamma ** t
    mistakes = [(lr * gamma ** (t - 1), f"That is lr * gamma ** {t - 1}: one step too few "
                                        f"(t = {t} updates have been done)."),
                (lr * gamma ** (t + 1), f"That is lr * gamma ** {t + 1}: one step too many."),
                (lr * gamma * t, "That multiplies by gamma * t; the decay raises gamma to the power t."),
                (lr * (1 - gamma) ** t, "That uses (1 - gamma) ** t; the rate keeps the fraction gamma each step.")]
    if (lr, gamma, t) == (0.1, 0.95, 10):
        mistakes.insert(0, (0.003, "0.003 is what article 003 claims, but it is wrong: compute 0.1 * 0.95 ** 10 "
                                   "yourself. (Keeping 95% per step for 10 steps keeps about 60%.)"))
    return number_verdict(answer, expected, rtol=5e-3, mistakes=mistakes,
                          detail=f"{lr} * {gamma} ** {t} = {_fmt(expected)}.", hint=hint)


@exercise_check
def check_linear_decay(fn: Any, lr: float = 0.1, total_steps: int = 100, end_lr: float = 0.01,
                       hint: str = "Interpolate from lr to end_lr over total_steps, using min(t, total_steps) "
                                   "so the rate stays at end_lr afterwards.") -> CheckResult:
    """fn(t) = lr + (end_lr - lr) * min(t, T) / T: a straight line to end_lr, then flat (checked to t = 1.5 T)."""
    with check_setup():
        reference = S.linear_decay(lr, total_steps, end_lr)
    T, lr, end_lr = reference.total_steps, reference.lr, reference.end_lr
    steps = range(int(1.5 * T) + 1)
    no_clamp = lambda t: lr + (end_lr - lr) * t / T  # noqa: E731
    return schedule_verdict(
        fn, reference, list(steps),
        mistakes=[(no_clamp, f"Right until t = {T}, but the rate keeps falling after total_steps: "
                             f"it must stay at end_lr = {end_lr} (article 000's lr0 * (1 - a t) even goes negative)."),
                  (lambda t: lr * (1 - min(t, T) / T), "Your rate decays to 0, not to end_lr."),
                  (lambda t: lr * (1 - t / T), "Your rate decays past 0: it goes negative after total_steps.")],
        detail=f"A straight line from {lr} to {end_lr} over {T} steps, then flat.", hint=hint)


@exercise_check
def check_warmup(fn: Any, lr: float = 0.1, warmup_steps: int = 10, total_steps: int = 100,
                 start_lr: float = 0.0,
                 hint: str = "Ramp linearly from start_lr to lr during the first warmup_steps steps, then "
                             "run a cosine decay over the remaining total_steps - warmup_steps steps, with its "
                             "own clock t - warmup_steps.") -> CheckResult:
    """Linear warm-up into cosine decay: S.warmup(S.cosine_decay(lr, total_steps - warmup_steps), warmup_steps, start_lr).

    total_steps counts the whole run, warm-up included (Hugging Face's
    get_cosine_schedule_with_warmup). Checked for t = 0 .. total_steps + 10.
    """
    with check_setup():
        warmup_steps = check_int("warmup_steps", warmup_steps, minimum=1)
        total_steps = check_int("total_steps", total_steps, minimum=2)
        if warmup_steps >= total_steps:
            raise ValueError(f"warmup_steps must be < total_steps ({total_steps}), got warmup_steps={warmup_steps}")
        decay = S.cosine_decay(lr, total_steps - warmup_steps)
        reference = S.warmup(decay, warmup_steps, start_lr)
    W, T = warmup_steps, total_steps
    steps = list(range(T + 11))
    flat_then_jump = S.join([S.constant(start_lr if start_lr > 0 else lr / W), decay], [W])
    mistakes = [
        (flat_then_jump, "Your warm-up holds a flat rate and then jumps (article 002's version): "
                         "ramp it linearly instead."),
        (S.warmup(S.cosine_decay(lr, T), W, start_lr),
         "The cosine lasts total_steps; it should last total_steps - warmup_steps, so the run ends at 0."),
        (lambda t: reference(t) if t < W else decay(t),
         "After the warm-up your cosine uses t instead of t - warmup_steps: it starts part-way down."),
        (lambda t: reference(t + 1) if t < W else reference(t),
         "Your ramp is one step ahead (it reaches lr at t = warmup_steps - 1): at t = 0 the rate "
         "should be start_lr."),
    ]
    def flat_warmup(values: np.ndarray, ref: np.ndarray) -> str | None:
        if W > 1 and np.allclose(values[:W], values[0]) and not np.isclose(values[W - 1], ref[W - 1]):
            return ("Your rate is flat during the warm-up (article 002's version, which then jumps): "
                    "it should rise linearly from start_lr to lr.")
        return None

    return schedule_verdict(fn, reference, steps, mistakes=mistakes, diagnose=flat_warmup,
                            detail=f"Warm-up over {W} steps, then cosine to 0 at step {T}.", hint=hint)


@exercise_check
def check_sgdr_cycle_ends(answer: Any, cycle_steps: int = 10, cycle_mult: float = 2, n: int = 4,
                          hint: str = "Cycle i lasts cycle_steps * cycle_mult ** i steps; add the lengths "
                                      "up and remember that steps are counted from 0.") -> CheckResult:
    """The last step of each of the first n SGDR cycles (cycle i lasts cycle_steps * cycle_mult ** i steps)."""
    with check_setup():
        schedule = S.cosine_restarts(1.0, cycle_steps, cycle_mult)
        n = check_int("n", n, minimum=1)
    lengths = [schedule.cycle_steps * schedule.cycle_mult ** i for i in range(n)]
    total = sum(lengths)
    expected = schedule.cycle_ends(int(math.ceil(total)))[:n]
    restarts = np.cumsum(lengths)
    return sequence_verdict(
        answer, expected,
        mistakes=[(restarts, "Those are the steps at which the *next* cycle starts (the restarts); the "
                             "question asks for the last step of each cycle, one earlier."),
                  (np.arange(1, n + 1) * cycle_steps - 1, "Your cycles all have the same length; they "
                                                          "grow by cycle_mult each time."),
                  (np.array(lengths) - 1,
                   "Those are the cycle lengths minus one; the ends are cumulative: add the lengths up.")],
        what="your list", detail=f"The cycles end at steps {list(map(int, expected))}; the rate restarts "
                                 f"at the next step.", hint=hint)


@exercise_check
def check_one_cycle_peak_step(answer: Any, total_steps: int = 1000, pct_start: float = 0.3,
                              hint: str = "In torch's OneCycleLR the first phase ends at step "
                                          "pct_start * total_steps - 1 (steps count from 0).") -> CheckResult:
    """The step at which the 1cycle rate peaks (torch OneCycleLR): float(pct_start * total_steps) - 1, at whole steps."""
    with check_setup():
        schedule = S.one_cycle(1.0, total_steps, pct_start)
    values = schedule(np.arange(schedule.total_steps))
    expected = int(np.argmax(values))
    value = as_number(answer)
    return number_verdict(
        value, expected, atol=1e-9,
        mistakes=[(expected + 1, f"One too late: the warm-up phase ends at pct_start * total_steps - 1 = "
                                 f"{_fmt(pct_start * total_steps - 1)}, because step 0 is the first update."),
                  (pct_start, "That is the fraction pct_start; the question asks for a step number.")],
        detail=f"The rate peaks at step {expected} of 0..{total_steps - 1}.", hint=hint)


@exercise_check
def check_scaled_lr(answer: Any, base_lr: float = 0.1, base_batch: int = 256, batch: int = 1024,
                    hint: str = "Linear scaling rule (Goyal et al. 2017): k times the batch, k times the rate.") -> CheckResult:
    """The linear scaling rule: base_lr * batch / base_batch. Tolerance 0.1%."""
    with check_setup():
        base_lr = check_positive("base_lr", base_lr)
        base_batch = check_int("base_batch", base_batch, minimum=1)
        batch = check_int("batch", batch, minimum=1)
    k = batch / base_batch
    mistakes = [(base_lr / k, "That divides by k: a bigger batch gives a less noisy gradient, so the rule "
                              "takes *bigger* steps.")]
    if k != 1:
        mistakes.append((base_lr * math.sqrt(k), "That is the square-root rule; the question asks for the "
                                                 "linear scaling rule."))
    return number_verdict(answer, base_lr * k, rtol=1e-3, mistakes=mistakes,
                          detail=f"{base_lr} * {batch} / {base_batch} = {_fmt(base_lr * k)}; in practice "
                                 f"pair it with a warm-up.", hint=hint)


#: The two orders offered by :func:`check_scheduler_order` (the first is right).
SCHEDULER_ORDER_OPTIONS = ("optimizer.step() then scheduler.step()",
                           "scheduler.step() then optimizer.step()")


@exercise_check
def check_scheduler_order(answer: Any,
                          hint: str = "Since PyTorch 1.1 the scheduler steps after the optimizer: the first "
                                      "update must use the initial rate, schedule(0).") -> CheckResult:
    """Which call comes first in a torch training step: "optimizer.step then scheduler.step".

    Accepts any text naming both in order ("optimizer.step() -> scheduler.step()",
    "opt.step, sched.step"), or the letter of :data:`SCHEDULER_ORDER_OPTIONS`.
    """
    _not_answered(answer, "your answer")
    if not isinstance(answer, str):
        raise Wrong(f"your answer is {_short(answer)}; write the order as text naming "
                    f"optimizer.step() and scheduler.step(), e.g. 'X.step() then Y.step()'.")
    text = _normalise(answer)
    if text.strip(" )") in ("a", "b"):
        text = _normalise(SCHEDULER_ORDER_OPTIONS["ab".index(text.strip(" )"))])
    opt = min((i for i in (text.find("optim"), text.find("opt.")) if i >= 0), default=-1)
    sched = min((i for i in (text.find("sched"), text.find("lr_scheduler")) if i >= 0), default=-1)
    if opt < 0 or sched < 0:
        raise Wrong(f"{_short(answer)} does not name both optimizer.step and scheduler.step.",
                    "Answer with one of: " + " / ".join(f"'{o}'" for o in SCHEDULER_ORDER_OPTIONS))
    if sched < opt:
        raise Wrong("With the scheduler first, the first update already uses schedule(1): the initial "
                    "rate is skipped (and PyTorch warns about it).", hint)
    return passed("Update with the current rate, then move the schedule on: the update at step t uses schedule(t).")


@exercise_check
def check_total_steps(answer: Any, n_examples: int = 1797, batch_size: int = 64, epochs: int = 10,
                      drop_last: bool = False,
                      hint: str = "Count optimizer updates: steps per epoch = ceil(n_examples / batch_size) "
                                  "(floor with drop_last), times the epochs.") -> CheckResult:
    """Total optimizer steps of a run, the T of a schedule: epochs * ceil(n / batch) (floor if drop_last).

    Article 001 calls T "the size of the training set": it counts steps.
    """
    with check_setup():
        n_examples = check_int("n_examples", n_examples, minimum=1)
        batch_size = check_int("batch_size", batch_size, minimum=1)
        epochs = check_int("epochs", epochs, minimum=1)
    per_epoch = n_examples // batch_size if drop_last else -(-n_examples // batch_size)
    other = -(-n_examples // batch_size) if drop_last else n_examples // batch_size
    mistakes = [(n_examples, "That is the size of the training set (article 001's mistake); a schedule's "
                             "T counts optimizer steps."),
                (n_examples * epochs, "That counts examples seen, not optimizer steps: each step uses a "
                                      "whole mini-batch."),
                (per_epoch, "That is one epoch's steps; multiply by the number of epochs.")]
    if other != per_epoch:
        mistakes.append((other * epochs, "Close: check how the last, incomplete batch is counted "
                                         f"(drop_last={drop_last})."))
    return number_verdict(as_int(answer), per_epoch * epochs, atol=1e-9, mistakes=mistakes,
                          detail=f"{per_epoch} steps per epoch * {epochs} epochs = {per_epoch * epochs} steps.",
                          hint=hint)


#: The three behaviours of fixed-rate GD on a quadratic, for :func:`check_gd_regime` (in order a, b, c).
GD_REGIME_OPTIONS = ("converges without oscillating", "oscillates but converges", "diverges")


def _regime_of(text: str) -> str | None:
    """Which of GD_REGIME_OPTIONS a free-text answer names (letter, option, or key word), else None."""
    t = _normalise(text).strip(" .)")
    if t in ("a", "b", "c"):
        return GD_REGIME_OPTIONS["abc".index(t)]
    if any(w in t for w in ("without oscill", "no oscill", "not oscill", "monoton", "smooth")):
        return GD_REGIME_OPTIONS[0]
    if "diverg" in t or "blow" in t or "explod" in t:
        return GD_REGIME_OPTIONS[2]
    if "oscill" in t or "zig" in t or "bounc" in t:
        return GD_REGIME_OPTIONS[1]
    return None


@exercise_check
def check_gd_regime(answer: Any, lr: float = 1.5, L: float = 1.0, mu: float = 0.1,
                    hint: str = "Compute 1 - lr * L and 1 - lr * mu. A negative factor flips the sign of that "
                                "direction every step; a factor of size above 1 makes it grow.") -> CheckResult:
    """What fixed-rate GD does on a quadratic with curvatures L >= mu: one of :data:`GD_REGIME_OPTIONS`.

    lr <= 1/L: converges without oscillating; 1/L < lr < 2/L: oscillates (the steep
    direction changes sign each step) but converges; lr > 2/L: diverges. Accepts the
    option text, its letter, or a key word ("monotone", "oscillates", "diverges").
    """
    with check_setup():
        lr = check_positive("lr", lr)
        L = check_positive("L", L)
        mu = check_non_negative("mu", mu)
        if mu > L:
            raise ValueError(f"mu must be <= L ({L}), got mu={mu}")
        if math.isclose(lr * L, 2.0, rel_tol=1e-9):
            raise ValueError(f"lr must not be exactly 2/L = {_fmt(2 / L)} (GD neither converges nor "
                             f"diverges there), got lr={lr}")
    _not_answered(answer, "your answer")
    listing = "; ".join(f"{'abc'[i]}) {o}" for i, o in enumerate(GD_REGIME_OPTIONS))
    if not isinstance(answer, str):
        raise Wrong(f"your answer is {_short(answer)}; answer with one of the options as text, or its letter: "
                    f"{listing}.", "e.g. answer = \"b\"")
    chosen = _regime_of(answer)
    if chosen is None:
        if "converg" in _normalise(answer):
            raise Wrong("Converging is only half the answer: say also whether it oscillates on the way. "
                        "Options: " + listing + ".", hint)
        raise Wrong(f"{_short(answer)} is not one of the options: {listing}.",
                    "Copy one option exactly, or give its letter.")
    steep, flat = 1 - lr * L, 1 - lr * mu
    factors = f"1 - lr*L = {_fmt(steep)} and 1 - lr*mu = {_fmt(flat)}"
    if lr * L > 2:
        expected = GD_REGIME_OPTIONS[2]
        why = (f"{factors}: |1 - lr*L| = {_fmt(abs(steep))} > 1, so the steep direction grows by that factor "
               f"every step (flipping sign as it goes): lr is above the stability limit 2/L = {_fmt(2 / L)}.")
    elif lr * L > 1:
        expected = GD_REGIME_OPTIONS[1]
        why = (f"{factors}: the steep factor is negative, so that coordinate changes sign every step "
               f"(a zig-zag across the valley), but both have size < 1, so the error still shrinks: "
               f"1/L = {_fmt(1 / L)} < lr < 2/L = {_fmt(2 / L)}.")
    else:
        expected = GD_REGIME_OPTIONS[0]
        why = (f"{factors}: both are between 0 and 1, so every direction shrinks without changing sign: "
               f"lr <= 1/L = {_fmt(1 / L)}.")
    if chosen != expected:
        raise Wrong(f"{chosen!r} is not what happens: {why}", hint)
    return passed(why)


# ---------------------------------------------------------------------------
# Notebook 05: reduce-on-plateau and adaptive methods
# ---------------------------------------------------------------------------

#: The validation losses of :func:`check_plateau_lrs` (small gains below 1%, a cut, a new best, a rise).
PLATEAU_METRICS = (1.0, 0.9, 0.898, 0.896, 0.894, 0.895, 0.893, 0.891, 0.8, 0.81, 0.82, 0.83)


@exercise_check
def check_plateau_lrs(answer: Any, metrics: Sequence[float] = PLATEAU_METRICS, lr: float = 0.1,
                      factor: float = 0.5, patience: int = 2, threshold: float = 0.01,
                      threshold_mode: str = "rel", cooldown: int = 1,
                      hint: str = "Walk through the list keeping best, the count of bad evaluations and the "
                                  "cooldown counter: an evaluation is 'better' only if metric < best * "
                                  "(1 - threshold); the rate is cut when the count exceeds patience, then the "
                                  "count restarts and the next `cooldown` evaluations do not count.") -> CheckResult:
    """The rate after each evaluation of ReduceLROnPlateau (torch's rules, mode="min") on ``metrics``.

    The answer is a list with one rate per metric. Known slips (cutting after
    ``patience`` bad evaluations instead of ``patience + 1``, ignoring the threshold or
    the cooldown) get their own message.
    """
    from course_lib.training.plateau import ReduceLROnPlateau

    with check_setup():
        metrics = [check_real(f"metrics[{i}]", m) for i, m in enumerate(metrics)]
        if not metrics:
            raise ValueError("metrics must not be empty")
        settings = dict(factor=factor, patience=patience, threshold=threshold,
                        threshold_mode=threshold_mode, cooldown=cooldown)
        ReduceLROnPlateau(lr, **settings)

    def rates(**changes: Any) -> list[float]:
        policy = ReduceLROnPlateau(lr, **{**settings, **changes})
        return [policy.step(m) for m in metrics]

    expected = rates()
    slips = [(dict(patience=max(patience - 1, 0)),
              f"Your rate drops one evaluation too early: the cut comes when the count of bad evaluations "
              f"*exceeds* patience, at the {patience + 1}th bad one in a row, not the {patience}th."),
             (dict(patience=patience + 1),
              f"Your rate drops one evaluation too late: with patience={patience} the cut comes at the "
              f"{patience + 1}th bad evaluation in a row."),
             (dict(threshold=0.0),
              f"You counted every decrease as an improvement; with threshold={threshold} "
              f"({threshold_mode}) a metric must beat best * (1 - {threshold}) to count."),
             (dict(cooldown=0),
              f"You forgot the cooldown: for {cooldown} evaluation(s) after a cut, bad evaluations "
              f"are not counted.")]
    mistakes = [(rates(**change), message) for change, message in slips if rates(**change) != expected]
    cuts = [i for i in range(len(expected)) if expected[i] < (expected[i - 1] if i else lr)]
    return sequence_verdict(answer, expected, rtol=1e-6, mistakes=mistakes, what="your list of rates",
                            detail=f"The rate is cut after evaluations {[i + 1 for i in cuts]} (counting from 1).",
                            hint=hint)


@exercise_check
def check_adam_first_step(answer: Any, lr: float = 1e-3, grad: float = 250.0,
                          betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                          hint: str = "At t = 1, m = (1 - beta1) g and v = (1 - beta2) g^2; divide each by its "
                                      "bias correction (1 - beta^1) and compute lr * m_hat / (sqrt(v_hat) + eps).") -> CheckResult:
    """The size |w_1 - w_0| of Adam's first update for a parameter with gradient ``grad``: lr |g| / (|g| + eps).

    About lr, whatever the gradient's scale. Tolerance 0.1%.
    """
    with check_setup():
        lr = check_positive("lr", lr)
        grad = check_real("grad", grad)
        if grad == 0:
            raise ValueError("grad must be non-zero, got grad=0")
        beta1 = check_range("betas[0]", betas[0], 0.0, 1.0, high_open=True)
        beta2 = check_range("betas[1]", betas[1], 0.0, 1.0, high_open=True)
        eps = check_non_negative("eps", eps)
    g = abs(grad)
    expected = lr * g / (g + eps)
    mistakes = [(-expected, "That is the signed update (Adam moves against the gradient); the question asks "
                            "for its size |w_1 - w_0|."),
                (lr * g, f"That is plain SGD's step lr * |g|. Adam divides by the gradient's own size, "
                         f"so the {g:g} cancels."),
                (lr * (1 - beta1) * g / (math.sqrt(1 - beta2) * g + eps),
                 "You left out the bias correction: m and v start at 0, so without dividing by "
                 "(1 - beta^t) the first step is lr * (1 - beta1) / sqrt(1 - beta2), about 3.16 lr."),
                (lr * (1 - beta1) * g / (g + eps), "You corrected v but not m (divide m by 1 - beta1 too)."),
                (lr * g / (math.sqrt(1 - beta2) * g + eps), "You corrected m but not v (divide v by 1 - beta2 too).")]
    return number_verdict(answer, expected, rtol=1e-3, mistakes=mistakes,
                          detail=f"lr * |g| / (|g| + eps) = {_fmt(expected)}: about lr = {lr:g}, whatever the "
                                 f"gradient's size. Adam's steps are set by lr, not by the gradient scale.",
                          hint=hint)


# ---------------------------------------------------------------------------
# Notebook 06: choosing a schedule
# ---------------------------------------------------------------------------

#: The schedules of notebook 06's decision guide, in order a, b, c, ...
SCHEDULE_CHOICES = ("constant", "step", "linear", "cosine", "warmup+cosine", "one-cycle", "SGDR", "WSD",
                    "reduce-on-plateau")

_CHOICE_ALIASES = {
    "constant": ("constant", "fixed", "constantlr"),
    "step": ("step", "stepdecay", "multistep", "multistepdecay", "steplr"),
    "linear": ("linear", "lineardecay", "linearwithwarmup", "warmuplinear", "linearlr"),
    "cosine": ("cosine", "cosinedecay", "cosineannealing", "cosineannealinglr"),
    "warmup+cosine": ("warmupcosine", "cosinewithwarmup", "warmupandcosine", "warmupthencosine",
                      "linearwarmupcosine", "cosinewarmup"),
    "one-cycle": ("onecycle", "1cycle", "onecyclelr", "onecyclepolicy"),
    "SGDR": ("sgdr", "cosinerestarts", "warmrestarts", "cosineannealingwarmrestarts", "cosinewithrestarts"),
    "WSD": ("wsd", "warmupstabledecay", "trapezoidal", "constantthendecay", "constantdecay",
            "constantwithdecay", "constantplusdecay"),
    "reduce-on-plateau": ("reduceonplateau", "plateau", "reducelronplateau", "reducelrplateau"),
}

#: Notebook 06's scenarios: key -> (situation, right choices, why, {wrong choice: why not}).
SCHEDULE_SCENARIOS: dict[str, tuple[str, tuple[str, ...], str, dict[str, str]]] = {
    "unknown_budget": (
        "You pre-train a model without knowing how long you will train: you may have to stop early, "
        "or want to continue later.",
        ("WSD",),
        "WSD's stable phase does not depend on the total length T: decay any checkpoint of it when you "
        "stop, or keep going from it.",
        {"cosine": "A cosine is planned for one T: stopped early it is still at a high rate (lr/2 at T/2), "
                   "and continuing it means restarting the curve.",
         "warmup+cosine": "A cosine is planned for one T: stopped early it is still at a high rate, and it "
                          "cannot be extended without changing the curve already run.",
         "linear": "Linear decay is planned for one T too: its rate at any step depends on T.",
         "one-cycle": "One-cycle is planned for one T: its peak and its annealing are placed by T.",
         "constant": "Close: a constant rate can be stopped anywhere, but it ends at a high rate. Add a short "
                     "decay at the end: that is WSD.",
         "reduce-on-plateau": "Possible, but its cuts depend on noisy validation checks and it never gives a "
                              "clean final anneal; a branch you can decay at any step is simpler."}),
    "known_budget": (
        "You train a CNN with SGD and momentum for exactly 90 epochs, a budget fixed in advance.",
        ("cosine", "warmup+cosine", "linear", "step"),
        "With a known T, a schedule planned for T (cosine or linear decay, possibly a short warm-up; the "
        "older step decay also works) anneals exactly at the end.",
        {"constant": "A constant rate never anneals: the run ends at its noise floor.",
         "WSD": "Fine, but it buys flexibility you do not need here; cosine or linear is the standard.",
         "SGDR": "Restarts put the rate back up; with one fixed budget a single decay is simpler and at "
                 "least as good.",
         "reduce-on-plateau": "You know the budget: plan the decay instead of waiting for noisy plateaus."}),
    "adam_transformer": (
        "You train a Transformer with AdamW for a fixed number of steps.",
        ("warmup+cosine", "linear"),
        "Adam's first step takes the full rate in every coordinate, whatever the gradient, and its "
        "second-moment estimates are still poor: a warm-up keeps them from wrecking the start, then decay (cosine or linear, with warm-up) to the end of the budget.",
        {"cosine": "Close: but without a warm-up Adam's early updates at the full rate can destabilise a "
                   "Transformer. Add a warm-up.",
         "constant": "No warm-up and no decay: the two things Transformers with Adam need.",
         "one-cycle": "It has a warm-up, but the standard recipe is warm-up then cosine or linear decay.",
         "WSD": "Possible if the budget may change, but for a fixed budget warm-up + cosine or linear is "
                "the standard."}),
    "small_fast": (
        "A few epochs on a small dataset (like notebook 06's digits, 88 updates): you want a good model fast, "
        "and you can afford a short grid over the peak rate.",
        ("cosine", "warmup+cosine", "linear", "WSD"),
        "With a known, short budget, a planned decay at a tuned peak is the simple standard. In notebook 06's "
        "fair comparison all seven tuned schedules ended within seed noise of each other: on a budget this "
        "small, tuning the peak rate matters far more than the shape.",
        {"one-cycle": "The course's data do not support it: in notebook 06's fair comparison one-cycle did not "
                      "beat a plain cosine (it ranked last, within seed noise), and in notebook 04 a constant "
                      "rate at a good peak did as well. Its strength there was tolerating a too-large peak, "
                      "not a better model. Tune the peak of a plain decay instead.",
         "constant": "In notebook 06 a tuned constant did as well over 88 updates, because the run was still "
                     "improving when it ended. But a constant rate never anneals: once a run reaches its noise "
                     "floor, that costs you (notebook 06, section 4). Add a decay.",
         "reduce-on-plateau": "With a few epochs there are too few validation checks for it to react."}),
    "no_budget": (
        "You have no step budget: you train until the validation loss stops improving.",
        ("reduce-on-plateau",),
        "Without a T to plan for, let the validation loss decide: cut the rate when it stalls.",
        {"cosine": "A cosine needs T, which you do not have.",
         "linear": "Linear decay needs T, which you do not have.",
         "one-cycle": "One-cycle needs T, which you do not have."}),
}


def _schedule_choice_of(answer: str) -> str | None:
    """Which of SCHEDULE_CHOICES a text names (option, letter or a usual alias), else None."""
    t = "".join(ch for ch in answer.lower() if ch.isalnum())
    letters = "abcdefghijklmnopqrstuvwxyz"[: len(SCHEDULE_CHOICES)]
    if len(t) == 1 and t in letters:
        return SCHEDULE_CHOICES[letters.index(t)]
    for choice, aliases in _CHOICE_ALIASES.items():
        if t in aliases:
            return choice
    return None


@exercise_check
def check_schedule_choice(answer: Any, scenario: str = "unknown_budget", hint: str = "") -> CheckResult:
    """Which schedule fits a scenario of :data:`SCHEDULE_SCENARIOS`: one of :data:`SCHEDULE_CHOICES`.

    Accepts the option's name (case, spaces, "-", "+" and "_" ignored), its letter, or a
    usual alias ("warmup_stable_decay", "1cycle", "cosine_restarts", "ReduceLROnPlateau").
    """
    with check_setup():
        if scenario not in SCHEDULE_SCENARIOS:
            raise ValueError(f"scenario must be one of {sorted(SCHEDULE_SCENARIOS)}, got scenario={scenario!r}")
    situation, right, why, wrong_why = SCHEDULE_SCENARIOS[scenario]
    hint = hint or "Ask two questions: do you know the total number of steps T in advance, and what does the " \
                   "optimizer need at the start?"
    _not_answered(answer, "your answer")
    listing = ", ".join(f"{'abcdefghi'[i]}) {o}" for i, o in enumerate(SCHEDULE_CHOICES))
    if not isinstance(answer, str):
        raise Wrong(f"your answer is {_short(answer)}; answer with a schedule's name as text, or its letter: "
                    f"{listing}.", 'e.g. answer = "cosine"')
    chosen = _schedule_choice_of(answer)
    if chosen is None:
        raise Wrong(f"{_short(answer)} is not one of the options: {listing}.",
                    "Copy one option exactly, or give its letter.")
    if chosen not in right:
        raise Wrong(wrong_why.get(chosen, f"{chosen!r} does not fit this situation: {situation}"), hint)
    others = [r for r in right if r != chosen]
    return passed(why + (f" (Also fine: {', '.join(others)}.)" if others else ""))


@exercise_check
def check_ddp_lr(answer: Any, base_lr: float = 0.02, base_batch: int = 32, per_worker_batch: int = 64,
                 world_size: int = 2,
                 hint: str = "One DDP update averages the gradients of all workers: it sees world_size * "
                             "per_worker_batch examples. Apply the linear scaling rule to that global "
                             "batch.") -> CheckResult:
    """The rate for DDP training by the linear scaling rule: base_lr * world_size * per_worker_batch / base_batch.

    DistributedDataParallel averages the workers' gradients, so one update is a step on the
    global batch of world_size * per_worker_batch examples. Tolerance 0.1%.
    """
    with check_setup():
        base_lr = check_positive("base_lr", base_lr)
        base_batch = check_int("base_batch", base_batch, minimum=1)
        per_worker_batch = check_int("per_worker_batch", per_worker_batch, minimum=1)
        world_size = check_int("world_size", world_size, minimum=1)
    k = world_size * per_worker_batch / base_batch
    expected = base_lr * k
    mistakes = [
        (base_lr * per_worker_batch / base_batch,
         "That scales by the per-worker batch only. DDP averages the gradients of all workers, so each "
         "update uses the global batch world_size * per_worker_batch."),
        (base_lr * world_size,
         "That scales by the number of workers only; the per-worker batch also differs from the base batch."),
        (base_lr / world_size,
         "Dividing by the workers would make sense if DDP summed the gradients; it averages them, so the "
         "global batch is larger and the rate should grow."),
        (base_lr, "Unchanged: that is run (b) of the notebook, which learns more slowly per epoch."),
        (base_lr * math.sqrt(k), "That is the square-root rule; the question asks for the linear scaling rule."),
    ]
    mistakes = [(v, m) for v, m in mistakes if not math.isclose(v, expected, rel_tol=1e-9)]
    return number_verdict(answer, expected, rtol=1e-3, mistakes=mistakes,
                          detail=f"global batch {world_size} x {per_worker_batch} = {world_size * per_worker_batch}"
                                 f" = {_fmt(k)} x {base_batch}, so the rate is {_fmt(k)} x {base_lr} = "
                                 f"{_fmt(expected)}; reach it with a warm-up.", hint=hint)
