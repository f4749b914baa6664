"""Reading a learner's answer safely: whatever is handed in becomes a value, or :class:`Wrong` says why not.

* :class:`Wrong` is raised inside a check to fail it with a message and a hint.
* The readers (:func:`as_number`, :func:`as_int`, :func:`as_numbers`, :func:`as_function`,
  :func:`call_learner`, :func:`as_text`) turn an answer into a value, or raise :class:`Wrong`
  naming what is wrong with it: the placeholder, None, text, nan, a function, the wrong length.
* Quoting an answer in a message: :func:`format_number`, :func:`short_repr`, :func:`option_listing`.

Every message a learner reads goes through :func:`course_lib.i18n.tr` (Chinese in a Chinese
kernel); a ``what`` that is a marked phrase ("your answer", "your function") is translated too.

>>> as_number("0.5")
Traceback (most recent call last):
    ...
course_lib.exercises.answers.Wrong: your answer is the text '0.5', but a number is expected.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any, Callable, Sequence

import numpy as np

from course_lib.i18n import mark, tr

__all__ = [
    "Wrong",
    "YOUR_ANSWER",
    "YOUR_FUNCTION",
    "describe_error",
    "not_answered",
    "format_number",
    "as_number",
    "as_int",
    "as_numbers",
    "as_function",
    "call_learner",
    "short_repr",
    "normalise_text",
    "LETTERS",
    "option_listing",
    "as_text",
    "not_an_option",
]

#: The default ``what`` of the readers: marked, so a message shows it in the learner's language.
YOUR_ANSWER = mark("your answer")
YOUR_FUNCTION = mark("your function")


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


def describe_error(err: BaseException) -> str:
    """``TypeName: first line of the message`` (the type alone when the message is empty)."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def not_answered(value: Any, what: str) -> None:
    """Raise :class:`Wrong` if ``value`` is still the ``...`` placeholder or None (``what`` names it)."""
    if value is Ellipsis:
        raise Wrong(
            tr("not answered yet: {what} is still the placeholder `...`.", what=tr(what)),
            tr("Replace the ... with your answer and run the cell."),
            counts=False,
        )
    if value is None:
        raise Wrong(
            tr("not answered yet: {what} is None.", what=tr(what)),
            tr("Assign your answer to the variable (or, in a function, did you forget `return`?)."),
            counts=False,
        )


def format_number(x: float) -> str:
    """``x`` with 6 significant digits, as messages quote numbers.

    ``format_number(0.1 * 0.95 ** 10)`` is '0.0598737'.
    """
    return f"{x:.6g}"


def as_number(answer: Any, what: str = YOUR_ANSWER) -> float:
    """The answer as a finite float, or raise :class:`Wrong` saying what is wrong with it.

    Accepts Python and NumPy numbers, 0-d and one-element arrays and tensors.
    """
    not_answered(answer, what)
    shown = tr(what)
    if isinstance(answer, (bool, np.bool_)):
        raise Wrong(tr("{what} is {value}, a True/False value, but a number is expected.", what=shown, value=answer))
    if isinstance(answer, str):
        raise Wrong(
            tr("{what} is the text {value}, but a number is expected.", what=shown, value=repr(answer)),
            tr("Write the number (or the expression) without quotes."),
        )
    if isinstance(answer, (complex, np.complexfloating)):
        raise Wrong(tr("{what} is a complex number ({value}); a real number is expected.", what=shown, value=answer))
    if callable(answer) and not hasattr(answer, "__array__"):
        raise Wrong(
            tr(
                "{what} is a function ({function}); a number is expected.",
                what=shown,
                function=getattr(answer, "__name__", "callable"),
            ),
            tr("Call the function, or compute the value itself."),
        )
    if hasattr(answer, "detach"):  # a torch tensor
        answer = answer.detach().cpu()
    if isinstance(answer, Real):
        try:
            value = float(answer)
        except OverflowError:  # a Python int past 1.8e308
            raise Wrong(
                tr(
                    "{what} is an integer of {digits} digits: too large for any computation.",
                    what=shown,
                    digits=len(str(abs(int(answer)))),
                ),
                tr("Check the formula for a power or a product that grew without bound."),
            ) from None
    else:
        try:
            arr = np.asarray(answer, dtype=np.float64)
        except Exception:  # noqa: BLE001 - anything that is not numeric
            raise Wrong(
                tr(
                    "{what} is a {type} ({value}), but a number is expected.",
                    what=shown,
                    type=type(answer).__name__,
                    value=short_repr(answer),
                )
            ) from None
        if arr.size != 1:
            raise Wrong(
                tr(
                    "{what} has {size} values (shape {shape}), but a single number is expected.",
                    what=shown,
                    size=arr.size,
                    shape=arr.shape,
                )
            )
        value = float(arr.reshape(-1)[0])
    if math.isnan(value):
        raise Wrong(
            tr("{what} is nan (not a number).", what=shown),
            tr("A nan usually comes from 0/0, inf - inf or a diverging computation; check the formula."),
        )
    if math.isinf(value):
        raise Wrong(
            tr("{what} is {value}: infinite.", what=shown, value=value),
            tr("Check for a division by zero or an overflow."),
        )
    return value


def as_int(answer: Any, what: str = YOUR_ANSWER) -> int:
    """The answer as an int (a float equal to an integer is accepted), or raise :class:`Wrong`."""
    value = as_number(answer, what)
    if not float(value).is_integer():
        raise Wrong(
            tr(
                "{what} is {value}, but a whole number of steps is expected.",
                what=tr(what),
                value=format_number(value),
            )
        )
    return int(value)


def as_numbers(answer: Any, what: str = YOUR_ANSWER, length: int | None = None) -> np.ndarray:
    """The answer as a 1-D float array of finite numbers (optionally of a given length)."""
    not_answered(answer, what)
    shown = tr(what)
    if isinstance(answer, (str, bytes)) or isinstance(answer, Real) or callable(answer):
        raise Wrong(
            tr("{what} is {value}, but a list of numbers is expected.", what=shown, value=short_repr(answer)),
            tr("Write the values in a list, e.g. [9, 29, 69]."),
        )
    try:
        arr = np.asarray(list(answer) if not hasattr(answer, "__array__") else answer, dtype=np.float64)
    except Exception:  # noqa: BLE001
        raise Wrong(tr("{what} ({value}) is not a list of numbers.", what=shown, value=short_repr(answer))) from None
    arr = arr.reshape(-1) if arr.ndim <= 1 else arr
    if arr.ndim != 1:
        raise Wrong(tr("{what} has shape {shape}; a flat list of numbers is expected.", what=shown, shape=arr.shape))
    if length is not None and arr.size != length:
        raise Wrong(
            tr("{what} has {size} values, but {length} are expected.", what=shown, size=arr.size, length=length)
        )
    if not np.all(np.isfinite(arr)):
        raise Wrong(tr("{what} contains nan or inf.", what=shown))
    return arr


def as_function(answer: Any, what: str = YOUR_FUNCTION) -> Callable[..., Any]:
    """The answer if it is callable, else raise :class:`Wrong`."""
    not_answered(answer, what)
    if not callable(answer):
        raise Wrong(
            tr(
                "{what} should be a function of the step t, but it is {value}.",
                what=tr(what),
                value=short_repr(answer),
            ),
            tr("Define it with `def f(t): ...` and pass the function itself, without calling it: f, not f(0)."),
        )
    return answer


def call_learner(fn: Callable[..., Any], *args: Any, what: str | None = None) -> Any:
    """Call learner code; if it raises, raise :class:`Wrong` explaining where and what."""
    name = getattr(fn, "__name__", tr(YOUR_FUNCTION))
    call = what or f"{name}({', '.join(repr(a) for a in args)})"
    try:
        with np.errstate(all="ignore"):
            return fn(*args)
    except Exception as err:  # noqa: BLE001 - any error in learner code is feedback
        raise Wrong(
            tr("{call} raised {error}.", call=call, error=describe_error(err)),
            tr(
                "The check calls your function with one argument, the step t = 0, 1, 2, ... "
                "(an int); make it work for every such t."
            ),
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
    not_answered(answer, YOUR_ANSWER)
    if not isinstance(answer, str):
        raise Wrong(
            tr(
                "your answer is {value}; answer with {what} as text, or its letter: {listing}.",
                value=short_repr(answer),
                what=tr(what),
                listing=listing,
            ),
            tr(example),
        )
    return answer


def not_an_option(answer: Any, listing: str) -> Wrong:
    """The :class:`Wrong` for an answer that names none of the options (raise it)."""
    return Wrong(
        tr("{value} is not one of the options: {listing}.", value=short_repr(answer), listing=listing),
        tr("Copy one option exactly, or give its letter."),
    )
