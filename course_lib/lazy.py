"""Lazy re-exports for the rooms of ``course_lib``.

A room's ``__init__`` names what it offers; the module that defines a name is imported the
first time the name is read. So ``import course_lib.training`` does not import torch: only
reading a torch-backed name (``training.train_torch``) does.

>>> import types
>>> getattr_, dir_ = lazy_exports("math", {"pi": ""})
>>> round(getattr_("pi"), 3)
3.142
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Mapping

__all__ = ["lazy_exports"]


def lazy_exports(package: str, table: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: name -> submodule ("" = the package itself).

    ``table`` maps each exported name to the submodule of ``package`` that defines it.
    """

    def __getattr__(name: str) -> Any:
        if name not in table:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(f"{package}.{table[name]}" if table[name] else package)
        return getattr(module, name)

    def __dir__() -> list[str]:
        return sorted(set(table) | set(vars(importlib.import_module(package))))

    return __getattr__, __dir__
