"""Every module of course_lib.problems runs its doctests."""

from __future__ import annotations

import pytest
from _doctests import assert_doctests_pass, room_modules

import course_lib.problems


@pytest.mark.parametrize("name", room_modules(course_lib.problems))
def test_doctests(name):
    assert_doctests_pass(name)
