"""Each test starts with no wrong tries counted (as a fresh kernel does): feedback is graded per kernel."""

from __future__ import annotations

import pytest

from course_lib import exercises


@pytest.fixture(autouse=True)
def fresh_tries():
    exercises.reset_tries()
    yield
    exercises.reset_tries()
