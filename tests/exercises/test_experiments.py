"""The experiment exercises: the reference runs pass their checks, and each typical wrong result is explained."""

from __future__ import annotations

import math

import pytest

from course_lib import exercises as E
from course_lib.exercises import solutions as sol

from .cases import CASES

EXPERIMENTS = [
    "noise_floor_batch",
    "adam_floor_batch",
    "critical_batch",
    "tuned_peak",
    "shortest_warmup",
    "sgdr_escape_peak",
    "loop_rates",
    "adamw_matching_decay",
    "mup_wide_rate",
    "radam_warmup_length",
]


# each runs a reference experiment (up to seconds of training); the instructor editions run them
# again, inside their notebooks (tests/test_editions.py): course.py test, not course.py unit
@pytest.mark.integration
@pytest.mark.parametrize(
    "name",
    [
        "noise_floor_batch",
        "adam_floor_batch",
        "critical_batch",
        "tuned_peak",
        "sgdr_escape_peak",
        "loop_rates",
        "adamw_matching_decay",
        "radam_warmup_length",
    ],
)
def test_the_reference_experiment_passes_its_check(name):
    assert E.CHECKS[name](getattr(sol, name)(), quiet=True)


@pytest.mark.integration  # about 5 s of torch training
def test_the_mup_wide_rate_experiment_passes_its_check():
    assert sol.mup_wide_rate() == 2.0**-6
    assert E.check_mup_wide_rate(sol.mup_wide_rate(), quiet=True)


@pytest.mark.integration  # a few seconds of torch training
def test_the_shortest_warmup_experiment_passes_its_check():
    assert sol.shortest_warmup() == 20
    assert E.check_shortest_warmup(sol.shortest_warmup(), quiet=True)


def test_the_tables_in_the_checks_are_what_the_numpy_runs_measure():
    """The counts check_sgdr_escape_peak quotes, recomputed (deterministic NumPy)."""
    assert sol.sgdr_escape_peak(grid=(0.2,), needed=1) == 0.2
    assert sol.sgdr_escape_peak(grid=(0.2, 0.3), needed=15) == 0.3
    assert sol.tuned_peak(peaks=(0.01, 0.03, 0.3)) == 0.03


@pytest.mark.parametrize("name", EXPERIMENTS)
@pytest.mark.parametrize("placeholder", [None, ...])
def test_a_placeholder_is_not_answered_yet(name, placeholder):
    result = E.CHECKS[name](placeholder, quiet=True)
    assert not result and "not answered yet" in result.message.lower(), result.text


@pytest.mark.parametrize("name", EXPERIMENTS)
@pytest.mark.parametrize("nonsense", ["twenty", [1, "a"], {}, float("nan"), lambda: 0, object()])
def test_nonsense_is_rejected_without_a_traceback(name, nonsense):
    result = E.CHECKS[name](nonsense, quiet=True)
    assert not result and result.text.startswith("Not yet.")


@pytest.mark.parametrize(
    "name, answer, words",
    [
        ("noise_floor_batch", 1.0, "did not move"),
        ("noise_floor_batch", 2.1, "divided the floor at B"),
        ("noise_floor_batch", 0.25, "halving the rate"),
        ("noise_floor_batch", -0.5, "positive"),
        ("adam_floor_batch", 0.5, "run_gd"),
        ("adam_floor_batch", 1.0, "did not move"),
        ("critical_batch", 0.02, "inverse"),
        ("critical_batch", 23, "target 0.1"),
        ("critical_batch", 104, "noise scale B_simple"),
        ("critical_batch", -3, "positive"),
        ("tuned_peak", 0.01, "too small"),
        ("tuned_peak", 0.3, "too large"),
        ("tuned_peak", 1.0, "diverge"),
        ("shortest_warmup", 0, "hundreds"),
        ("shortest_warmup", 10, "every seed"),
        ("shortest_warmup", 15, "not on the grid"),
        ("shortest_warmup", 50, "shortest"),
        ("radam_warmup_length", 1, "momentum steps"),
        ("radam_warmup_length", 2000, "Ma & Yarats"),
        ("radam_warmup_length", 2737, "90 %"),
        ("radam_warmup_length", 16, "beta2 = 0.95"),
        ("radam_warmup_length", 100, "still below half"),
        ("radam_warmup_length", 1500, "already above half"),
        ("sgdr_escape_peak", 0.2, "6 of 20"),
        ("sgdr_escape_peak", 0.5, "smallest"),
        ("loop_rates", CASES["loop_rates"].wrong[0], "goes back up"),
        ("loop_rates", CASES["loop_rates"].wrong[1], "once per epoch"),
        ("loop_rates", CASES["loop_rates"].wrong[2], "one step ahead"),
        ("loop_rates", CASES["loop_rates"].wrong[3], "longer than the run"),
        ("loop_rates", CASES["loop_rates"].wrong[5], "32 updates"),
    ],
)
def test_a_wrong_result_is_explained(name, answer, words):
    result = E.CHECKS[name](answer, quiet=True)
    assert not result and words in result.message, result.text


def test_a_right_result_says_what_it_means():
    assert "linear scaling rule" in E.check_noise_floor_batch(0.5, quiet=True).message
    assert "square-root" in E.check_adam_floor_batch(0.7, quiet=True).message
    assert math.isclose(sol.noise_floor_batch(), 0.45, abs_tol=0.1)


def test_the_critical_batch_reference_is_what_its_check_quotes():
    """check_critical_batch's docstring: B_crit = 46 on seeds 0-3 (deterministic NumPy, about 3 s)."""
    assert 44 < sol.critical_batch() < 48
    assert "half of B_simple" in E.check_critical_batch(104, quiet=True).message


def test_the_adamw_decay_check_explains_the_same_product_mistake():
    # lr * wd equal to SGD's (0.1 * 0.01 / 0.005 = 0.2): the momentum factor forgotten
    message = E.check_adamw_matching_decay(0.2, quiet=True).message
    assert "same lr * wd" in message and "momentum" in message


def test_the_radam_reference_measures_what_the_check_computes_from_torch_rule():
    """The check's answer comes from references.torch_radam_rectification; the solution measures torch's RAdam."""
    assert sol.radam_warmup_length() == 556
    assert sol.radam_warmup_length(beta2=0.95, n_updates=200) == 16
    assert E.check_radam_warmup_length(16, beta2=0.95, quiet=True)
    message = E.check_radam_warmup_length(556, quiet=True).message
    assert "0.41 of it" in message and "lower effective rate" in message


def test_a_wrong_radam_answer_never_gives_the_answer_away():
    for wrong in CASES["radam_warmup_length"].wrong:
        assert "556" not in E.check_radam_warmup_length(wrong, quiet=True).message
