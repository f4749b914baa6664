"""Every module of course_lib.schedules runs its doctests."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import course_lib.schedules

MODULES = ["course_lib.schedules"] + [f"course_lib.schedules.{m.name}"
                                     for m in pkgutil.iter_modules(course_lib.schedules.__path__)]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_every_module_has_doctests():
    for name in MODULES:
        assert doctest.DocTestFinder().find(importlib.import_module(name)), name


def test_importing_schedules_leaves_torch_out():
    import subprocess
    import sys
    code = ("import sys, course_lib.schedules as S; S.REGISTRY; S.gallery(); S.param_specs('cyclic'); "
            "assert 'torch' not in sys.modules, 'torch imported'; S.as_torch_scheduler; "
            "assert 'torch' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
