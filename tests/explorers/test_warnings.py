"""Explorers let course_lib's warnings through (in the status line) and silence only named noise."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import warnings  # noqa: E402

import pytest  # noqa: E402

from course_lib import schedules as S  # noqa: E402
from course_lib import training  # noqa: E402
from course_lib.explorers.base import AMBER, QUIET_WARNINGS, Explorer, explorer_warnings  # noqa: E402
from course_lib.explorers.controls import Control  # noqa: E402
from course_lib.warn import CourseWarning  # noqa: E402


class Warns(Explorer):
    """Computes a run whose schedule is cut (a HorizonWarning), draws with matplotlib noise."""

    figure_kind = "schedule"

    def __init__(self) -> None:
        super().__init__([Control("n_steps", "int", 50, 10, 200)])
        self.update()

    def compute(self, v: dict) -> int | str:
        if v["n_steps"] == 13:
            training.check_horizon(S.cosine_decay(0.1, 100), 13)
            return "thirteen steps: refused"
        for _ in range(3):  # the same warning three times: shown once
            training.check_horizon(S.cosine_decay(0.1, 100), v["n_steps"])
        return v["n_steps"]

    def draw(self, n: int, v: dict) -> None:
        ax = self.axes[0]
        ax.set_yscale("log")
        ax.set_ylim(0, 1)  # matplotlib: non-positive ylim on a log axis (named noise)
        ax.set_xlim(n, n)  # matplotlib: identical xlims (named noise)
        ax.set_yscale("linear")

    def describe(self, n: int, v: dict) -> tuple[str, str]:
        return f"{n} steps", "green"


def test_course_warnings_reach_the_status_line_once_and_noise_stays_quiet(shown):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        explorer = Warns()
    assert caught == []  # the HorizonWarnings went to the status line, matplotlib's were silenced
    assert explorer.warnings == [
        "the schedule was built for T = 100 steps but this run makes 50 updates (it is cut before its end)."
    ]
    status = explorer.status.value
    assert "50 steps" in status and status.count("warning: the schedule was built for T = 100") == 1
    assert AMBER in status and "check_horizon=False" not in status  # no argument to pass in an explorer
    explorer.controls["n_steps"].value = 100  # the horizon: no warning
    assert explorer.warnings == [] and "warning" not in explorer.status.value
    explorer.controls["n_steps"].value = 13  # a message and a warning
    assert "refused" in explorer.status.value and "T = 100 steps but this run makes 13" in explorer.status.value


def test_other_warnings_are_warned_again_where_they_were_raised():
    with pytest.warns(RuntimeWarning, match="something a learner should see") as record:
        with explorer_warnings() as said:
            warnings.warn("something a learner should see", RuntimeWarning)  # this line
    assert said == [] and record[0].filename == __file__


@pytest.mark.parametrize("category, pattern", QUIET_WARNINGS)
def test_the_named_noise_is_all_third_party(category, pattern):
    assert not issubclass(category, CourseWarning)  # never a CourseWarning
    assert pattern and not pattern.startswith(".")  # a specific message, not "anything"


def test_the_noise_is_real_and_only_the_named_noise_is_silenced(shown, monkeypatch):
    from course_lib.explorers import base

    monkeypatch.setattr(base, "QUIET_WARNINGS", QUIET_WARNINGS[1:])  # un-name the log-ylim message
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Warns()
    assert [str(w.message)[:40] for w in caught] == ["Attempt to set non-positive ylim on a lo"]
