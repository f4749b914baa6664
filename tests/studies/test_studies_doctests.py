"""Every module of course_lib.studies runs its doctests."""
import doctest
import importlib
import pkgutil

import pytest

import course_lib.studies

MODULES = sorted(m.name for m in pkgutil.iter_modules(course_lib.studies.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(f"course_lib.studies.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
