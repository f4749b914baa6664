"""Run a room's doctests: each room's tests/<room>/test_doctests.py parametrizes over room_modules()."""
from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType


def room_modules(package: ModuleType) -> list[str]:
    """The package itself and every module in it, by dotted name."""
    return [package.__name__] + [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]


def assert_doctests_pass(name: str) -> None:
    """Run the doctests of module ``name``: at least one example, none failing."""
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0, f"{name}: {result}"
