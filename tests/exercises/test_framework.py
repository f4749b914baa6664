"""The framework's promises, for every check: a verdict for any answer, printed once; author errors raise.

Fuzz the exercise checks with junk answers: every check returns a verdict (a CheckResult),
never a traceback, a RuntimeWarning, or "could not be checked" with an internal error inside."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from _fuzz import call, examples, junk, number_or_junk
from hypothesis import given
from hypothesis import strategies as st

from course_lib import exercises as E
from course_lib import schedules as S
from course_lib.exercises import solutions as sol

from .cases import CASES, WEIRD

#: What a learner may hand in: junk, numbers, lists, and functions of the step that misbehave.
answers = st.one_of(
    junk,
    number_or_junk,
    st.lists(number_or_junk, max_size=6),
    st.lists(st.integers(-5, 10**6), max_size=6).map(np.array),
    st.sampled_from(
        [
            lambda t: 0.1,
            lambda t: 0.1 * 0.5**t,
            lambda t: t,
            lambda t: None,
            lambda t: [t, t],
            lambda t: np.array([t, t]),
            lambda t: 10.0 ** (1000 * t),
            lambda t: float("nan"),
            lambda: 0.1,
            lambda t, u: 0.1,
            S.constant(0.1),
            S.cosine_decay(0.1, 90),
        ]
    ),
    st.sampled_from(["adam", "cosine", "optimizer.step(); scheduler.step()", "a", "B", "1"]),
)
_INTERNAL = (
    "IndexError",
    "ZeroDivisionError",
    "OverflowError",
    "KeyError",
    "AttributeError",
    "RuntimeWarning",
    "UnboundLocalError",
    "NameError",
    "numpy",
)


def _first_arg(check) -> str:
    return next(iter(inspect.signature(check).parameters))


_REQUIRED = {
    "value": dict(expected=0.5),
    "schedule_function": dict(reference_schedule=S.constant(0.1)),
    "choice": dict(correct="b", options=("a", "b", "c")),
    "stability_limit": dict(L=1.0),
}


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


@pytest.mark.parametrize("name", sorted(CASES))
def test_weird_answers_never_raise(name):
    case = CASES[name]
    for answer in WEIRD:
        result = E.CHECKS[name](answer, **case.kwargs, quiet=True)
        assert isinstance(result, E.CheckResult)
        assert not result.passed, f"{name} accepted {answer!r}"
        assert result.message and "Traceback" not in result.text
        assert "could not be checked" not in result.message, (name, answer, result.message)


def test_learner_errors_are_explained():
    result = E.check_linear_decay(lambda t: 1 / 0, quiet=True)
    assert "ZeroDivisionError" in result.message and "f(0)" in result.message
    result = E.check_linear_decay(lambda t, lr: lr * t, quiet=True)
    assert "TypeError" in result.message and "one argument" in result.hint
    assert "forget" in E.check_linear_decay(lambda t: None, quiet=True).hint
    assert "placeholder" in E.check_half_life(..., quiet=True).message
    assert "quotes" in E.check_half_life("13.5", quiet=True).hint
    assert "without calling" in E.check_warmup(0.1, quiet=True).hint


# ---------------------------------------------------------------------------
# The result object, printing, author errors, extending
# ---------------------------------------------------------------------------


def test_result_prints_once_and_reads_well(capsys):
    result = E.check_scaled_lr(0.4)
    out = capsys.readouterr().out
    assert out.strip() == result.text and out.count("Correct!") == 1
    result._ipython_display_()  # already printed: not shown again
    assert capsys.readouterr().out == ""
    quiet = E.check_scaled_lr(0.3, quiet=True)
    assert capsys.readouterr().out == ""
    quiet._ipython_display_()
    assert capsys.readouterr().out.startswith("Not yet.")
    assert repr(quiet).startswith("<check scaled_lr failed: Not yet.")
    assert str(result).startswith("Correct!")


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: E.check_half_life(13.5, gamma=2.0), "gamma"),
        (lambda: E.check_exponential_value(0.06, lr=-1), "lr"),
        (lambda: E.check_value(1.0, float("nan")), "expected"),
        (lambda: E.check_value(1.0, 1.0, rtol=-1), "rtol"),
        (lambda: E.check_schedule_function(lambda t: 0.1, 0.1), "reference_schedule"),
        (lambda: E.check_schedule_function(lambda t: 0.1, S.constant(0.1), steps=0), "steps"),
        (lambda: E.check_choice("a", "z", ["a", "b"]), "correct"),
        (lambda: E.check_choice("a", "a", "ab"), "options"),
        (lambda: E.check_warmup(sol.warmup_cosine_fn, warmup_steps=100, total_steps=100), "warmup_steps"),
        (lambda: E.check_linear_decay(sol.linear_decay_fn, end_lr=1.0), "end_lr"),
        (lambda: E.check_sgdr_cycle_ends([9], cycle_mult=0.5), "cycle_mult"),
        (lambda: E.check_one_cycle_peak_step(299, pct_start=1.5), "pct_start"),
        (lambda: E.check_scaled_lr(0.4, batch=0), "batch"),
        (lambda: E.check_total_steps(290, batch_size=0), "batch_size"),
        (lambda: E.check_stability_limit(0.2), "problem"),
        (lambda: E.check_stability_limit(0.2, L=-1.0), "L"),
    ],
)
def test_author_mistakes_raise_naming_the_argument(call, name):
    with pytest.raises((ValueError, TypeError), match=name):
        call()


def test_missing_answer_argument_is_a_call_error():
    with pytest.raises(TypeError):
        E.check_half_life()


def test_new_checks_follow_the_documented_pattern():
    try:

        @E.exercise_check
        def check_noam_peak(answer, d_model=512, warmup_steps=4000, hint="Evaluate at step = W."):
            with E.check_setup():
                if d_model < 1:
                    raise ValueError(f"d_model must be >= 1, got d_model={d_model}")
            expected = (d_model * warmup_steps) ** -0.5
            return E.number_verdict(
                answer, expected, rtol=1e-3, hint=hint, mistakes=[(d_model**-0.5, "That is d_model ** -0.5 alone.")]
            )

        assert "noam_peak" in E.CHECKS
        assert check_noam_peak((512 * 4000) ** -0.5, quiet=True)
        wrong = check_noam_peak(512**-0.5, quiet=True)
        assert not wrong and "alone" in wrong.message and wrong.hint == "Evaluate at step = W."
        assert not check_noam_peak("x", quiet=True)
        with pytest.raises(ValueError, match="d_model"):
            check_noam_peak(0.1, d_model=0)

        @E.exercise_check
        def check_is_positive(answer):
            raise E.Wrong("negative", "think") if E.as_number(answer) <= 0 else None
            return True  # pragma: no cover

        @E.exercise_check
        def check_bool_style(answer):
            return E.as_number(answer) > 0

        assert check_bool_style(1, quiet=True) and not check_bool_style(-1, quiet=True)
        assert check_is_positive(-1, quiet=True).hint == "think"
    finally:
        for name in ("noam_peak", "is_positive", "bool_style"):
            E.CHECKS.pop(name, None)


def test_checks_keep_their_docs_and_signatures():
    import inspect

    for name, check in E.CHECKS.items():
        assert check.__doc__, name
        assert "quiet" in inspect.signature(check).parameters, name
