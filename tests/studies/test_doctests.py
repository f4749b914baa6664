"""Every module of course_lib.studies runs its doctests (one example at least)."""

from __future__ import annotations

import pytest
from _doctests import assert_doctests_pass, room_modules

import course_lib.studies


@pytest.mark.parametrize("name", room_modules(course_lib.studies))
def test_doctests(name):
    assert_doctests_pass(name)
