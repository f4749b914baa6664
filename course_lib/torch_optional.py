"""The NumPy lessons without PyTorch: a torch cell says in one line what it needs, and Run All goes on.

Where torch is not installed (Intel Macs, Windows on ARM, a learner who chose the NumPy lessons
only), the schedules, problems, plotting, explorers and every NumPy cell still run. A cell that
needs torch (``import torch``, or reading a torch-backed name such as ``training.train_torch``,
which :mod:`course_lib.lazy` imports on first read) would end Run All with a traceback. Inside
IPython this module rewrites each cell so that:

* a cell that fails because torch is missing prints :data:`MESSAGE` (one line) and ends quietly;
  the names it would have assigned are remembered;
* a later cell that fails on one of those names (``NameError``) prints that it needs the results
  of a torch cell above, and ends quietly too;
* any other error is raised as usual, and a cell's last expression is still displayed.

It is switched on by :func:`enable` (``import course_lib`` calls it inside IPython when torch is
not importable) or as an IPython extension (``%load_ext course_lib.torch_optional``; the course's
set-up, ``python course.py``, writes a kernel config that loads it, so that notebook 00's
environment check, which runs before ``course_lib`` is imported, is covered too). With torch
installed it does nothing.

>>> _is_torch_error(ModuleNotFoundError("No module named 'torch'", name="torch"))
True
>>> _is_torch_error(ModuleNotFoundError("No module named 'pandas'", name="pandas"))
False
>>> sorted(assigned_names(ast.parse("import torch.nn as nn\\nx, y = 1, 2\\ndef f(): z = 3")))
['f', 'nn', 'x', 'y']
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from typing import Any, Callable

__all__ = [
    "MESSAGE",
    "NEEDS_RESULTS",
    "torch_available",
    "enable",
    "assigned_names",
    "TorchCells",
    "load_ipython_extension",
]

#: What a skipped torch cell prints (one line).
MESSAGE = (
    "[skipped] this cell needs PyTorch, which is not installed here: "
    "run `python course.py lab` on a machine with a PyTorch wheel, or `pip install torch`, "
    "then restart the kernel"
)
#: What a cell prints that needs a name only a skipped torch cell would have set.
NEEDS_RESULTS = (
    "[skipped] this cell needs the results of a torch cell above ({name!r} was never set: PyTorch is not installed)"
)

_TORCH_MODULES = ("torch", "torchvision")
#: Names the skipped cells would have assigned (one kernel, one course_lib: module state is right).
_SKIPPED_NAMES: set[str] = set()
_GUARD = "__course_torch_optional__"


def torch_available() -> bool:
    """True if ``import torch`` would find a module (nothing is imported)."""
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


def _is_torch_error(exc: BaseException) -> bool:
    """True for an ImportError about torch: ``import torch``, a torch-backed name, or torch's metadata."""
    if not isinstance(exc, ImportError):
        return False
    name = (getattr(exc, "name", None) or "").split(".")[0]
    return name in _TORCH_MODULES


def assigned_names(tree: ast.AST) -> set[str]:
    """The names a cell binds at its top level (assignments, imports, defs, loop targets)."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(child.name)
                continue  # names inside a def are its own
            if isinstance(child, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                continue
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.add(child.id)
            elif isinstance(child, ast.alias):
                names.add((child.asname or child.name).split(".")[0])
            elif isinstance(child, ast.NamedExpr) and isinstance(child.target, ast.Name):
                names.add(child.target.id)
            visit(child)

    visit(tree)
    return names


def _handle(exc: BaseException, names: tuple[str, ...]) -> None:
    """Print the one line for a torch error or a missing torch result; re-raise anything else."""
    if _is_torch_error(exc):
        _SKIPPED_NAMES.update(names)
        print(MESSAGE)
        return
    if isinstance(exc, NameError) and getattr(exc, "name", None) in _SKIPPED_NAMES:
        _SKIPPED_NAMES.update(names)
        print(NEEDS_RESULTS.format(name=exc.name))
        return
    raise exc


def _last(skipped: bool, expression: Callable[[], Any], names: tuple[str, ...]) -> Any:
    """Evaluate a cell's last expression unless the cell was skipped; its value is displayed."""
    if skipped:
        return None
    try:
        return expression()
    except (ImportError, NameError) as exc:
        _handle(exc, names)
        return None


class TorchCells(ast.NodeTransformer):
    """IPython AST transformer: a cell's body runs in ``try``; torch errors end it with one line.

    The cell ``s1; ...; sn`` becomes::

        try:
            s1; ...; s(n-1)          # all of them if sn is not an expression
        except (ImportError, NameError) as e:
            skipped = _handle(e, names) or True
        else:
            skipped = False
        _last(skipped, lambda: sn, names)   # displayed as the cell's value

    Cells with ``await`` or ``from __future__`` are left as they are.
    """

    def visit_Module(self, node: ast.Module) -> ast.Module:  # noqa: N802 (ast's naming)
        if not node.body or any(isinstance(n, (ast.Await, ast.AsyncFor, ast.AsyncWith)) for n in ast.walk(node)):
            return node
        if any(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in node.body):
            return node
        names = tuple(sorted(assigned_names(node)))
        body, last = list(node.body), None
        if isinstance(body[-1], ast.Expr):
            last = body.pop()
        flag = f"{_GUARD}skipped"
        module = ast.parse(
            f"import course_lib.torch_optional as {_GUARD}\n"
            f"try:\n    pass\n"
            f"except (ImportError, NameError) as {_GUARD}e:\n"
            f"    {_GUARD}.{_handle.__name__}({_GUARD}e, {names!r})\n    {flag} = True\n"
            f"else:\n    {flag} = False\n"
        )
        module.body[1].body = body or [ast.Pass()]
        if last is not None:
            call = ast.parse(f"{_GUARD}._last({flag}, lambda: None, {names!r})", mode="eval").body
            call.args[1].body = last.value
            module.body.append(ast.Expr(call))
        return ast.fix_missing_locations(ast.copy_location(module, node))


def enable(shell: Any = None) -> bool:
    """Register :class:`TorchCells` on the IPython shell if torch is missing; True if it is on."""
    if shell is None and "IPython" not in sys.modules:
        return False  # not inside IPython: nothing to rewrite
    if torch_available():
        return False
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "ast_transformers"):
        return False
    if not any(isinstance(t, TorchCells) for t in shell.ast_transformers):
        shell.ast_transformers.append(TorchCells())
    return True


def load_ipython_extension(shell: Any) -> None:
    """``%load_ext course_lib.torch_optional`` (the course's kernel config loads it at start)."""
    enable(shell)
