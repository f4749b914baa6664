"""Fuzz the exercise checks with junk answers: every check returns a verdict (a CheckResult),
never a traceback, a RuntimeWarning, or "could not be checked" with an internal error inside."""
from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _fuzz import call, examples, junk, number_or_junk
from course_lib import exercises as E
from course_lib import schedules as S

#: What a learner may hand in: junk, numbers, lists, and functions of the step that misbehave.
answers = st.one_of(
    junk, number_or_junk,
    st.lists(number_or_junk, max_size=6), st.lists(st.integers(-5, 10**6), max_size=6).map(np.array),
    st.sampled_from([lambda t: 0.1, lambda t: 0.1 * 0.5 ** t, lambda t: t, lambda t: None, lambda t: [t, t],
                     lambda t: np.array([t, t]), lambda t: 10.0 ** (1000 * t), lambda t: float("nan"),
                     lambda: 0.1, lambda t, u: 0.1, S.constant(0.1), S.cosine_decay(0.1, 90)]),
    st.sampled_from(["adam", "cosine", "optimizer.step(); scheduler.step()", "a", "B", "1"]),
)
_INTERNAL = ("IndexError", "ZeroDivisionError", "OverflowError", "KeyError", "AttributeError",
             "RuntimeWarning", "UnboundLocalError", "NameError", "numpy")


def _first_arg(check) -> str:
    return next(iter(inspect.signature(check).parameters))


_REQUIRED = {"value": dict(expected=0.5), "schedule_function": dict(reference_schedule=S.constant(0.1)),
             "choice": dict(correct="b", options=("a", "b", "c")), "stability_limit": dict(L=1.0)}


@pytest.mark.parametrize("name", sorted(E.CHECKS))
@examples(40)
@given(answer=answers)
def test_check_with_any_answer(name, answer):
    check = E.CHECKS[name]
    result = call(check, answer, quiet=True, names=(_first_arg(check),), **_REQUIRED.get(name, {}))
    assert isinstance(result, E.CheckResult), result
    # the learner's own function may raise (the verdict says so); the check itself must not
    internal = "could not be checked" in result.text or "RuntimeWarning" in result.text
    assert not (internal and any(word in result.text for word in _INTERNAL)), result.text


# ---------------------------------------------------------------------------
# Regression tests: one per bug the fuzzing found
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["half_life", "one_cycle_peak_step", "stability_limit"])
@pytest.mark.parametrize("answer", [5e-324, 1e300])
def test_an_answer_many_orders_of_magnitude_off_gets_a_verdict(name, answer):
    # 5e-324 / expected underflowed to 0: "could not be checked: ZeroDivisionError"
    result = E.CHECKS[name](answer, quiet=True, **_REQUIRED.get(name, {}))
    assert not result.passed and result.text.startswith("Not yet")
    assert "could not be checked" not in result.text and "inf" not in result.text, result.text
    assert ("too small" if answer < 1 else "too large") in result.text and result.hint, result.text
