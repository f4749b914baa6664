"""Every registered check has a reference solution that passes it, and wrong answers that do not."""

from __future__ import annotations

import math

import pytest

from course_lib import exercises as E
from course_lib.exercises import solutions as sol

from .cases import CASES


def test_every_registered_check_has_a_case():
    assert set(E.CHECKS) == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_solution_is_accepted(name, capsys):
    case = CASES[name]
    result = E.CHECKS[name](case.solution, **case.kwargs)
    assert result.passed, result.text
    assert bool(result) is True and result.name == name
    assert capsys.readouterr().out.startswith("Correct!")


@pytest.mark.parametrize("name", sorted(CASES))
def test_wrong_answers_are_rejected_with_a_hint(name):
    case = CASES[name]
    assert case.wrong, "each check needs at least one wrong answer"
    for answer in case.wrong:
        result = E.CHECKS[name](answer, **case.kwargs, quiet=True)
        assert not result, f"{name} accepted {answer!r}"
        assert result.message and result.hint, f"{name}: {result.text!r}"
        assert result.text.startswith("Not yet.") and "Hint:" in result.text


@pytest.mark.parametrize(
    "name, answer, words",
    [
        ("exponential_value", 0.003, "article 003"),
        ("linear_decay", lambda t: 0.1 * (1 - 0.01 * t), "negative"),
        ("linear_decay", lambda t: 0.1 + (0.01 - 0.1) * t / 100, "keeps falling"),
        ("linear_decay", lambda t: sol.linear_decay_fn(t + 1), "one step ahead"),
        ("warmup", lambda t: 0.01 if t < 10 else sol.warmup_cosine_fn(t), "flat"),
        ("sgdr_cycle_ends", [10, 30, 70, 150], "next"),
        ("stability_limit", 0.1, "1/L"),
        ("half_life", math.log(2) / 0.05, "approximation"),
        ("scheduler_order", "lr_scheduler.step(); optimizer.step()", "schedule(1)"),
        ("total_steps", 1797, "training set"),
        ("scaled_lr", 0.2, "square-root"),
        ("one_cycle_peak_step", 300, "Off by one"),
        ("plateau_lrs", sol.plateau_lrs(patience=1), "too early"),
        ("plateau_lrs", sol.plateau_lrs(patience=3), "too late"),
        ("plateau_lrs", sol.plateau_lrs(threshold=0.0), "threshold"),
        ("plateau_lrs", sol.plateau_lrs(cooldown=0), "cooldown"),
        ("adam_first_step", 1e-3 * 250.0, "SGD"),
        ("adam_first_step", 1e-3 * 0.1 / 0.001**0.5, "bias correction"),
        ("adam_first_step", -1e-3, "signed"),
        ("ddp_lr", 0.04, "global batch"),
        ("ddp_lr", 0.01, "averages"),
    ],
)
def test_known_mistakes_get_their_own_message(name, answer, words):
    case = CASES[name]
    result = E.CHECKS[name](answer, **case.kwargs, quiet=True)
    assert not result and words in result.message, result.text
