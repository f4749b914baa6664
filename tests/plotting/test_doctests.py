"""Every module of the plotting room runs its doctests (one runner for the room)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import course_lib.plotting as room

MODULES = ["course_lib.plotting"] + [f"course_lib.plotting.{m.name}" for m in pkgutil.iter_modules(room.__path__)]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    assert doctest.testmod(importlib.import_module(name)).failed == 0
