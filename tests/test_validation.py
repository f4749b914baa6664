"""The shared argument checks: values converted, errors naming the argument, the value and what is allowed."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from course_lib import validation
from course_lib.validation import (
    check_at_least,
    check_in,
    check_int,
    check_non_negative,
    check_positive,
    check_range,
    check_real,
)


def test_doctests():
    result = doctest.testmod(validation)
    assert result.failed == 0 and result.attempted > 0


def test_values_are_converted():
    assert check_real("x", np.float32(0.5)) == 0.5 and type(check_real("x", 3)) is float
    assert check_positive("x", 2) == 2.0
    assert check_non_negative("x", 0) == 0.0
    assert check_at_least("x", 1.0, 1.0) == 1.0
    assert check_int("n", np.int64(3)) == 3 and type(check_int("n", np.int64(3))) is int
    assert check_int("n", 4.0, minimum=4) == 4
    assert check_range("p", 0.0, 0.0, 1.0) == 0.0 and check_range("p", 1.0, 0.0, 1.0) == 1.0


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: check_real("lr", True), TypeError, "lr must be a real number, got lr=True (bool)"),
        (lambda: check_real("lr", None), TypeError, "lr=None"),
        (lambda: check_real("lr", math.nan), ValueError, "lr must be finite, got lr=nan"),
        (lambda: check_real("lr", -math.inf), ValueError, "lr must be finite"),
        (lambda: check_positive("lr", 0.0), ValueError, "lr must be > 0, got lr=0.0"),
        (lambda: check_non_negative("min_lr", -1e-9), ValueError, "min_lr must be >= 0"),
        (
            lambda: check_at_least("condition_number", 0.5, 1.0),
            ValueError,
            "condition_number must be >= 1.0, got condition_number=0.5",
        ),
        (lambda: check_int("total_steps", 10.5), TypeError, "total_steps must be an integer, got total_steps=10.5"),
        (lambda: check_int("total_steps", True), TypeError, "total_steps must be an integer"),
        (lambda: check_int("total_steps", "10"), TypeError, "(str)"),
        (
            lambda: check_int("total_steps", 0, minimum=1),
            ValueError,
            "total_steps must be an integer >= 1, got total_steps=0",
        ),
        (lambda: check_range("gamma", 1.0, 0.0, 1.0, high_open=True), ValueError, "gamma must be in [0.0, 1.0)"),
        (lambda: check_range("gamma", 0.0, 0.0, 1.0, low_open=True), ValueError, "gamma must be in (0.0, 1.0]"),
        (
            lambda: check_in("mode", "mean", ("min", "max")),
            ValueError,
            "mode must be one of 'min', 'max'; got mode='mean'",
        ),
    ],
)
def test_errors_name_the_argument_the_value_and_what_is_allowed(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_check_in_compares_arrays_to_no_option():
    with pytest.raises(ValueError, match="anneal"):
        check_in("anneal", np.array(["cos", "linear"]), ("cos", "linear"))
    assert check_in("anneal", "cos", ("cos", "linear")) == "cos"
    assert check_in("n", 2.0, (1, 2)) == 2.0
