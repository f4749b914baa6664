"""check_schedule_choice (notebook 09): every scenario, aliases, the reasons given for wrong choices."""

from __future__ import annotations

import pytest

from course_lib import exercises as E
from course_lib.exercises import solutions as sol


@pytest.mark.parametrize("scenario", sorted(E.SCHEDULE_SCENARIOS))
def test_every_scenario_accepts_its_solution_and_rejects_the_rest(scenario):
    assert E.check_schedule_choice(sol.schedule_choice(scenario), scenario, quiet=True)
    _, right, _, wrong_why = E.SCHEDULE_SCENARIOS[scenario]
    assert set(right) <= set(E.SCHEDULE_CHOICES) and set(wrong_why) <= set(E.SCHEDULE_CHOICES)
    assert not set(right) & set(wrong_why)
    for choice in E.SCHEDULE_CHOICES:
        result = E.check_schedule_choice(choice, scenario, quiet=True)
        assert bool(result) == (choice in right), (scenario, choice)
        if choice in wrong_why:
            assert result.message.rstrip(".") in wrong_why[choice] or wrong_why[choice][:20] in result.message


@pytest.mark.parametrize(
    "answer, scenario",
    [
        ("warmup_stable_decay", "unknown_budget"),
        (" WSD ", "unknown_budget"),
        ("h", "unknown_budget"),
        ("CosineAnnealingLR", "known_budget"),
        ("Step decay", "known_budget"),
        ("warm-up + cosine", "adam_transformer"),
        ("CosineAnnealingLR", "small_fast"),
        ("warmup_stable_decay", "small_fast"),
        ("ReduceLROnPlateau", "no_budget"),
        ("i", "no_budget"),
    ],
)
def test_aliases_and_letters(answer, scenario):
    assert E.check_schedule_choice(answer, scenario, quiet=True)


@pytest.mark.parametrize("answer", ["one-cycle", "1cycle", "OneCycleLR"])
def test_small_fast_follows_the_course_data_not_one_cycle_lore(answer):
    result = E.check_schedule_choice(answer, "small_fast", quiet=True)
    assert not result and "did not beat a plain cosine" in result.message


def test_messages():
    result = E.check_schedule_choice("cosine", "unknown_budget", quiet=True)
    assert "lr/2" in result.message and result.hint
    assert "Also fine" in E.check_schedule_choice("cosine", "known_budget", quiet=True).message
    assert "not one of the options" in E.check_schedule_choice("adamw", quiet=True).message
    assert "letter" in E.check_schedule_choice(3, quiet=True).message


def test_unknown_scenario_is_an_author_error():
    with pytest.raises(ValueError, match="scenario"):
        E.check_schedule_choice("WSD", scenario="budgetless")
