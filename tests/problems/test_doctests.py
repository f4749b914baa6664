"""Every module of course_lib.problems runs its doctests."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import course_lib.problems

MODULES = ["course_lib.problems"] + [f"course_lib.problems.{m.name}"
                                     for m in pkgutil.iter_modules(course_lib.problems.__path__)]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0, result
