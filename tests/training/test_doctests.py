"""Every module of course_lib.training runs its doctests (one example at least)."""

from __future__ import annotations

import pytest
from _doctests import assert_doctests_pass, room_modules

import course_lib.training


@pytest.mark.parametrize("name", room_modules(course_lib.training))
def test_doctests(name):
    assert_doctests_pass(name)
