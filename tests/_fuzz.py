"""Shared pieces of the fuzz tests (tests/test_fuzz_*.py): the hypothesis profile, the
strategies for a learner's inputs, and the one rule every public entry point must follow.

The rule (issue 11): a call returns a result, reports divergence, or raises ValueError /
TypeError naming the argument. Never another exception, a numpy internal message, a
RuntimeWarning (overflow encountered ...), a figure of nothing but NaNs, or a hang.

Case counts: each test asks for ``examples(n)`` cases, n chosen so the whole fuzz suite runs
in well under a minute on a loaded 2-core machine; the "quick" profile of ``course.py unit``
runs a fifth of them, the "thorough" one of ``course.py test`` all (``scaled``).
``FUZZ_EXAMPLES=10`` multiplies every count by 10 for a long local run. The profile is
deterministic (``derandomize=True``): CI draws the same cases on every machine.
"""

from __future__ import annotations

import math
import os
import warnings
from typing import Any, Callable, Iterable

import numpy as np
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

from course_lib.training.history import History
from course_lib.training.plan import HorizonWarning

settings.register_profile(
    "fuzz",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

#: Multiplier of every case count (environment variable FUZZ_EXAMPLES, default 1).
SCALE = float(os.environ.get("FUZZ_EXAMPLES", "1"))
#: hypothesis's own default count: a profile that asks for fewer scales every explicit count down.
FULL_EXAMPLES = 100


def scaled(n: int) -> int:
    """``n`` cases times FUZZ_EXAMPLES, times the loaded profile's share of a full run.

    tests/conftest.py's "thorough" profile (``course.py test``, CI) keeps every case; "quick"
    (the default, ``course.py unit``) asks for 20 of hypothesis's 100, so a fifth of ``n``, at
    least 1. Called when a test module is collected, after pytest's ``--hypothesis-profile``.
    """
    share = min(1.0, settings.default.max_examples / FULL_EXAMPLES)
    return max(1, int(round(n * SCALE * share)))


def examples(n: int) -> settings:
    """The fuzz profile with ``scaled(n)`` cases."""
    return settings(settings.get_profile("fuzz"), max_examples=scaled(n))


# ---------------------------------------------------------------------------
# Strategies: what a learner can type
# ---------------------------------------------------------------------------


def mostly(plain: st.SearchStrategy, bad: st.SearchStrategy, one_in: int = 8) -> st.SearchStrategy:
    """``plain``, but ``bad`` once in ``one_in`` draws: with several arguments per call, most
    calls still get past the argument checks and exercise the run itself."""
    return st.integers(0, one_in - 1).flatmap(lambda i: bad if i == 0 else plain)


#: Any float, nan and +-inf included, with the extremes that break formulas.
any_float = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 1e-300, 5e-324, 1e300, 1.7976931348623157e308, -1e300]),
)

#: Plausible-to-wild positive rates (and, now and then, one that is not positive).
rates = mostly(
    st.one_of(st.floats(min_value=1e-12, max_value=1e6), st.sampled_from([1e-300, 1e300])),
    st.sampled_from([0.0, -0.1, math.inf, math.nan]),
    one_in=6,
)

#: Step counts, from nonsense to large (schedule parameters only: a run of 10**9 steps is
#: a legitimate request that would take minutes and gigabytes, not a bug).
step_counts = st.one_of(st.integers(-3, 2_000), st.sampled_from([10**6, 10**9, 2**62]), st.floats(-1, 1e4))

#: Values that are not what anyone meant: the junk a text box or a notebook cell can hold.
junk = st.one_of(
    st.none(),
    st.just(Ellipsis),
    st.booleans(),
    st.text(max_size=8),
    st.binary(max_size=4),
    st.complex_numbers(max_magnitude=1e3, allow_nan=False),
    st.lists(st.one_of(st.integers(-5, 5), st.floats(allow_nan=True)), max_size=4),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.just(np.zeros((2, 2))),
    st.just(np.array([])),
    st.just(np.array(["a"])),
    st.just(np.array([True, False])),  # an array where a flag was meant (issue 21 §2)
    st.just(np.array([1 + 2j])),  # complex numbers: numpy drops the imaginary part with a warning
    st.sampled_from([10**400, -(10**400)]),  # Python ints past float range: float() overflows
    st.just(object()),
    st.just(lambda *a: None),
    st.just(lambda *a: 1 / 0),
    st.just(lambda *a: "x"),
    st.just(lambda *a: math.nan),
    st.just(lambda *a: [1.0, 2.0]),
)

#: A number, or junk.
number_or_junk = st.one_of(any_float, st.integers(-(2**70), 2**70), junk)


def or_junk(plain: st.SearchStrategy) -> st.SearchStrategy:
    """``plain``, now and then junk."""
    return mostly(plain, junk)


#: Steps a schedule may be called with (scalars, lists and arrays, big and fractional).
steps = st.one_of(
    st.integers(0, 10**7),
    st.floats(0, 1e7),
    st.sampled_from([1e15, 1e300, 2**62]),
    st.lists(st.integers(0, 10**6), max_size=5),
    st.lists(st.floats(0, 1e6), min_size=1, max_size=5).map(np.array),
    st.integers(0, 300).map(lambda n: np.arange(n, dtype=float)),
)


# ---------------------------------------------------------------------------
# The rule
# ---------------------------------------------------------------------------

_INTERNAL = (
    "need at least one array",
    "only 0-dimensional",
    "could not broadcast",
    "operands could not",
    "object of type",
    "unsupported operand",
    "not supported between",
    "math domain error",
    "division by zero",
    "index",
    "out of bounds",
    "truth value of an array",
    "has no attribute",
    "takes no arguments",
    "positional argument",
    "'NoneType'",
    "float() argument",
    "int() argument",
    "cannot convert float",
    "invalid literal",
    "setting an array element",
)


def call(fn: Callable[..., Any], *args: Any, names: Iterable[str] = (), **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` under the rule; the result, or None if it refused the input properly.

    A ValueError/TypeError must name one of ``names`` (default: the keyword arguments given)
    and carry no numpy/Python internal message. Every warning numpy or Python raises is an
    error here, so an "overflow encountered" the learner would see fails the test.
    """
    names = tuple(names) or tuple(kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", HorizonWarning)  # random schedules and run lengths disagree on purpose
        try:
            result = fn(*args, **kwargs)
        except Exception as err:
            if _raised_by_learner_code(err):
                event("learner code raised")
                return None  # the learner's own function raised: their traceback, shown as is
            if not isinstance(err, (ValueError, TypeError)):
                raise
            assert_names_argument(err, names)
            event("refused")
            return None
    event("returned")
    return result


def _raised_by_learner_code(err: BaseException) -> bool:
    """True if the innermost frame of ``err`` is a function the test passed in (learner code)."""
    tb = err.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_code.co_name == "<lambda>" and "tests" in tb.tb_frame.f_code.co_filename


def assert_names_argument(err: BaseException, names: Iterable[str]) -> None:
    """The error message names one of the arguments and is not an internal message."""
    text = str(err)
    names = tuple(names)
    assert not any(bad in text for bad in _INTERNAL) or any(f"{n}=" in text for n in names), (
        f"internal message: {type(err).__name__}: {text}"
    )
    if names:
        assert any(n in text for n in names), f"{type(err).__name__} names none of {names}: {text}"


def assert_history(h: Any) -> None:
    """A History that is either a finished run or a reported divergence, never a NaN record."""
    assert isinstance(h, History), h
    assert len(h.steps) == len(h.lr) == len(h.loss), h
    assert np.all(np.isfinite(h.lr)) and np.all(np.isfinite(h.loss)), h.summary()
    if h.params is not None:
        assert len(h.params) == len(h.steps) + 1 and np.all(np.isfinite(h.params)), h.summary()
    event("diverged" if h.diverged else "finished")
    if h.diverged:
        assert isinstance(h.diverged_step, int) and h.diverged_step >= 0, h
        assert h.diverged_lr is not None and math.isfinite(h.diverged_lr), h
    else:
        assert h.diverged_step is None, h
    assert isinstance(h.summary(), str)


def assert_no_nan_plot(fig: Any) -> None:
    """No line of the figure is all NaN, and an axes that has lines has a finite point."""
    for ax in fig.axes:
        lines = [ln for ln in ax.get_lines() if np.size(ln.get_ydata())]
        for line in lines:
            y = np.asarray(line.get_ydata(), dtype=float)
            assert not np.all(np.isnan(y)), f"all-NaN line {line.get_label()!r} in {ax.get_title()!r}"
