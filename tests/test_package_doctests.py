"""The doctests of course_lib's top-level modules (each room runs its own in tests/<room>/test_doctests.py)."""

from __future__ import annotations

import pytest
from _doctests import assert_doctests_pass


@pytest.mark.parametrize("name", ["course_lib.i18n", "course_lib.lazy", "course_lib.validation", "course_lib.warn"])
def test_doctests(name):
    assert_doctests_pass(name)
