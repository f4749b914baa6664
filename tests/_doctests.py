"""Run a room's doctests: each room's tests/<room>/test_doctests.py parametrizes over room_modules()."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
from types import ModuleType

import pytest


def room_modules(package: ModuleType) -> list[str]:
    """The package itself and every module in it, by dotted name."""
    return [package.__name__] + [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]


def assert_doctests_pass(name: str) -> None:
    """Run the doctests of module ``name``: at least one example, none failing."""
    module = importlib.import_module(name)
    if importlib.util.find_spec("torch") is None and "torch" in (module.__doc__ or "") + "".join(
        getattr(v, "__doc__", "") or "" for v in vars(module).values()
    ):
        # without torch (course.py test-notorch) a docstring that shows torch cannot run; the
        # module's own tests still do
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=False)
        if result.failed:
            pytest.skip(f"{name}: its doctests need PyTorch, which is not installed")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0, f"{name}: {result}"
