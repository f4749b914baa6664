"""Every module of course_lib.training runs its doctests."""
import doctest
import importlib
import pkgutil

import pytest

import course_lib.training

MODULES = sorted(m.name for m in pkgutil.iter_modules(course_lib.training.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(f"course_lib.training.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
