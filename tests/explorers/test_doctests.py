"""Every module of the explorers room runs its doctests (one runner for the room)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import course_lib.explorers as room

MODULES = ["course_lib.explorers"] + [f"course_lib.explorers.{m.name}" for m in pkgutil.iter_modules(room.__path__)]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    assert doctest.testmod(importlib.import_module(name)).failed == 0
