"""Which cells of a notebook a few of its cells need: names bound and read, cell by cell (static, by ``ast``).

The suite executes a notebook whole once (nbval). Other runs that only differ in a few cells (the
instructor edition's solved exercises) or only check a few (the explorers in the browser) execute
those cells, what their names reach, and what they read back to where it is bound
(:func:`cells_needed`); the rest runs as in the notebook, where nbval runs it.
"""

from __future__ import annotations

import ast
from typing import Any

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _root(node: ast.AST) -> str | None:
    """The name at the root of ``x.a[i].f(...)`` (x), or None."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call, ast.Starred)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def free_names(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> set[str]:
    """The names a function (or lambda) reads from outside: used in it, not its parameters or locals."""
    args = function.args
    loads: set[str] = set()
    local = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg] if a}
    for node in ast.walk(function):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else local).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not function:
            local.add(node.name)
        elif isinstance(node, ast.arg):
            local.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            local.update((a.asname or a.name).split(".")[0] for a in node.names)
    defaults = {n.id for d in [*args.defaults, *args.kw_defaults] if d for n in ast.walk(d) if isinstance(n, ast.Name)}
    return (loads - local) | defaults


def statement_names(node: ast.AST) -> tuple[set[str], set[str], set[str]]:
    """(bound, read, imported) names of one top-level statement.

    bound: assigned, defined, imported, or changed in place (``x.append(...)``, ``x[i] = ...``,
    ``x.a = ...``, ``x += ...``); read: used from before the statement (a changed object is read too,
    a function reads its free names).
    """
    stored: set[str] = set()
    loaded: set[str] = set()
    changed: set[str | None] = set()
    imported: set[str] = set()

    def visit(n: ast.AST, top: bool) -> None:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            loaded.update(free_names(n))
            if top and not isinstance(n, ast.Lambda):
                stored.add(n.name)
            return
        if isinstance(n, (ast.Import, ast.ImportFrom)):
            imported.update((a.asname or a.name).split(".")[0] for a in n.names)
        if top and isinstance(n, ast.ClassDef):
            stored.add(n.name)
        if isinstance(n, ast.Name):
            (stored if isinstance(n.ctx, (ast.Store, ast.Del)) and top else loaded).add(n.id)
        if top and isinstance(n, (ast.Attribute, ast.Subscript)) and isinstance(n.ctx, (ast.Store, ast.Del)):
            changed.add(_root(n))
        if top and isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
            changed.add(_root(n.func))
        if isinstance(n, ast.AugAssign):
            changed.add(_root(n.target))
        for child in ast.iter_child_nodes(n):
            visit(child, top and not isinstance(n, _SCOPES))

    visit(node, True)
    changed.discard(None)
    if isinstance(node, ast.Assign):  # x = f(x): the value is read before the targets are bound
        read = statement_names(ast.Expr(node.value))[1] | (changed - stored)
    else:
        read = (loaded - stored) | changed
    return stored | changed | imported, read, imported


def cell_names(source: str) -> tuple[set[str], set[str], set[str]] | None:
    """(bound, read, imported) names of a code cell, statement by statement; None if it does not parse."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return None
    bound: set[str] = set()
    read: set[str] = set()
    imported: set[str] = set()
    for node in tree.body:
        b, r, i = statement_names(node)
        read |= r - bound
        bound |= b
        imported |= i
    return bound, read, imported


def _quiet(cell: Any) -> bool:
    """The stored cell has no output (a seed, a style, a setting; a print or a plot shows something)."""
    return not cell.get("outputs")


def cells_needed(nb: Any, start: set[int], shown: Any = None) -> list[int]:
    """The code cells of ``nb`` to execute so that the cells ``start`` run as they do in the whole notebook.

    Kept: ``start``; every later cell that reads a name they bind, and so on forward; cells that bind
    nothing and have no output in ``shown`` (the stored notebook, default ``nb``: a seed, a style, cheap);
    a cell that does not parse; and, backward, for every name a kept cell reads, the last cell before
    it that binds it (assigns, defines, imports or changes it in place). Cell indices, in order.
    """
    shown = nb if shown is None else shown
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    names = {i: cell_names(nb.cells[i].source) for i in code}
    modules = set().union(*(v[2] for v in names.values() if v))
    bound = {i: v[0] - modules if v else None for i, v in names.items()}
    needed = set(start)
    tainted: set[str] = set()
    for i in code:
        if i in needed or names[i] is None or names[i][1] & tainted:
            needed.add(i)
            tainted |= bound[i] or set()
        elif not bound[i] and _quiet(shown.cells[i]):
            needed.add(i)
    todo = sorted(needed)
    while todo:
        n = todo.pop()
        for name in names[n][1] if names[n] else set():
            binds = (lambda j: name in names[j][0]) if name in modules else (lambda j: name in bound[j])
            earlier = [j for j in code if j < n and (names[j] is None or binds(j))]
            if earlier and earlier[-1] not in needed:
                needed.add(earlier[-1])
                todo.append(earlier[-1])
    return sorted(needed)
