"""Every module of course_lib.exercises runs its doctests."""

from __future__ import annotations

import pytest
from _doctests import assert_doctests_pass, room_modules

import course_lib.exercises


@pytest.mark.parametrize("name", room_modules(course_lib.exercises))
def test_doctests(name):
    assert_doctests_pass(name)
