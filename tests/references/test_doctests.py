"""Every module of course_lib.references runs its doctests."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import course_lib.references

MODULES = ["course_lib.references"] + [f"course_lib.references.{m.name}"
                                       for m in pkgutil.iter_modules(course_lib.references.__path__)]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0, result
