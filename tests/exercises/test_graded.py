"""Graded feedback (issue 20, section 3): wrong -> a hint that names the mistake; wrong again -> the
worked answer; right -> "Correct!". The worked answer also comes with ``show_answer=True``; the
count is per exercise (a check and its other arguments) per kernel."""

from __future__ import annotations

import pytest

from course_lib import exercises as E
from course_lib.exercises import solutions as sol
from course_lib.exercises.framework import format_number

from .cases import CASES

#: the checks whose answer is a fixed value at the arguments of CASES (not a function, not a measurement)
VALUE_CHECKS = sorted(
    name
    for name in CASES
    if name in sol.SOLUTION_OF and name not in sol.MEASURED and name not in ("linear_decay", "warmup", "loop_rates")
)


#: the options of the multiple-choice checks: a message listing all of them gives nothing away
OPTIONS = {
    "gd_regime": E.GD_REGIME_OPTIONS,
    "scheduler_order": E.SCHEDULER_ORDER_OPTIONS,
    "schedule_choice": E.SCHEDULE_CHOICES,
    "lr_init": E.LR_INIT_OPTIONS,
    "adam_schedule": E.ADAM_SCHEDULE_OPTIONS,
}


def _gives_away(name: str, text: str, answers: list[str]) -> bool:
    """Does ``text`` give the answer (other than in a listing of every option)?"""
    if name in OPTIONS and all(o in text for o in OPTIONS[name]):
        return False
    return any(t in text for t in answers)


def _answer_texts(value) -> list[str]:
    """How the right answer would read in a message."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [", ".join(format_number(v) for v in value[:3])]
    return [format_number(value)]


def test_wrong_then_wrong_again_then_right(capsys):
    first = E.check_total_steps(1000, n_examples=1000, batch_size=10, epochs=5)
    assert not first and "size of the training set" in first.message  # today's targeted diagnosis
    assert first.hint and not first.worked and "500" not in first.text
    assert "show_answer=True" in first.text  # says how to get the worked answer
    second = E.check_total_steps(100, n_examples=1000, batch_size=10, epochs=5)
    assert not second and "one epoch" in second.message
    assert "Worked answer: total_steps(n_examples=1000, batch_size=10, epochs=5) = 500" in second.text
    assert "math.ceil(n_examples / batch_size)" in second.worked  # the code, not only the number
    right = E.check_total_steps(500, n_examples=1000, batch_size=10, epochs=5)
    assert right and right.text.startswith("Correct!") and not right.worked
    out = capsys.readouterr().out
    assert out.count("Not yet.") == 2 and out.count("Worked answer:") == 1 and out.count("Correct!") == 1


def test_a_right_answer_starts_the_count_again():
    E.check_scaled_lr(0.2, quiet=True)
    E.check_scaled_lr(0.4, quiet=True)
    assert not E.check_scaled_lr(0.2, quiet=True).worked


def test_show_answer_gives_the_worked_answer_at_once_even_unanswered():
    result = E.check_half_life(None, gamma=0.9, decay_steps=10, quiet=True, show_answer=True)
    assert not result and "not answered yet" in result.message.lower()
    assert "half_life(gamma=0.9, decay_steps=10) = 65.7881" in result.worked
    assert "Worked answer:" in result.text


def test_the_placeholder_is_no_wrong_try():
    for _ in range(3):
        result = E.check_half_life(None, quiet=True)
        assert not result.worked and not result.offer and "Worked" not in result.text
    for _ in range(3):  # a function exercise's placeholder: `return None`
        assert not E.check_linear_decay(lambda t: None, quiet=True).worked
    assert not E.check_half_life(3.0, quiet=True).worked  # the first real try


def test_the_count_is_per_exercise():
    """The same check with other arguments is another exercise (06 asks schedule_choice twice)."""
    E.check_schedule_choice("constant", scenario="unknown_budget", quiet=True)
    other = E.check_schedule_choice("constant", scenario="adam_transformer", quiet=True)
    assert not other.worked
    again = E.check_schedule_choice("step", scenario="unknown_budget", quiet=True)
    assert "'WSD'" in again.worked


def test_rerunning_a_cell_that_builds_its_problem_is_the_same_exercise():
    """Objects are told apart by type, not identity: a cell that makes a new problem each run is one exercise."""
    from .cases import Quadratic

    E.check_stability_limit(1.0, Quadratic(), quiet=True)
    assert "stability_limit(problem=problem) = 0.2" in E.check_stability_limit(1.0, Quadratic(), quiet=True).worked


@pytest.mark.parametrize("name", VALUE_CHECKS)
def test_a_first_wrong_try_does_not_give_the_answer_and_a_second_does(name):
    case = CASES[name]
    texts = _answer_texts(case.solution)
    for wrong in case.wrong:
        E.reset_tries()
        first = E.CHECKS[name](wrong, **case.kwargs, quiet=True)
        assert not first and first.hint, first.text
        assert not _gives_away(name, first.text, texts), f"{name}: {wrong!r} -> {first.text!r}"
        second = E.CHECKS[name](wrong, **case.kwargs, quiet=True)
        assert any(t in second.worked for t in texts), f"{name}: {second.text!r}"


@pytest.mark.parametrize("name", sorted(sol.MEASURED))
def test_an_experiment_s_worked_answer_quotes_the_measurement_and_the_code(name):
    result = E.CHECKS[name](-1.0, quiet=True, show_answer=True)
    assert sol.MEASURED[name] in result.worked and f"def {sol.SOLUTION_OF[name]}(" in result.worked


def test_gd_regime_names_the_mistake_without_the_regime():
    result = E.check_gd_regime("diverges", lr=0.3, L=4.0, mu=0.8, quiet=True)
    assert "no direction grows" in result.message
    assert "shrinks" not in result.text and "< lr <" not in result.text and "oscillat" not in result.message


def test_the_loop_exercise_s_hint_does_not_hand_out_the_fix():
    result = E.check_loop_rates([0.1] * 32, quiet=True)
    assert "T_max = the number of updates" not in result.text and "CosineAnnealingLR" not in result.hint
