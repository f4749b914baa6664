"""The editions a class needs, built from the notebooks (the one source of truth).

    python scripts/editions.py --out build/editions notebooks/*.ipynb      (make editions)

* **student**: outputs and execution counts cleared, every exercise blank (its placeholder
  ``answer = None  # your answer here`` / ``return None  # your code here``), so a class
  predicts before it runs. Its code is the notebooks' code, cell for cell; no cell carries an
  answer or points to the solutions (``tests/test_editions.py`` scans them).
* **instructor**: every exercise solved with the reference solution from
  ``course_lib/exercises/solutions.py`` (the one home of the solutions, which the unit tests run
  through every check), copied into the cell as readable code, executed top to bottom in a
  fresh kernel, every check printing "Correct!". An experiment's empty cell
  (``# your experiment: ...``) gets the experiment's code.

An exercise is a code cell that calls a check ``exercises.check_<name>(answer, ...)`` and holds one
placeholder line. Its solution is the reference solution of that check (``solutions.SOLUTION_OF``),
defined in the cell as ``reference_<name>`` and called with the check's own arguments
(``answer = reference_total_steps(n_examples=1348, batch_size=128, epochs=8)``); a constant
solution is written in place of the placeholder. Both editions are generated into a git-ignored
folder: never edit them.
"""

from __future__ import annotations

import argparse
import ast
import copy
import inspect
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import nbformat

from course_lib.exercises import CHECKS, solutions

sys.path.insert(0, str(Path(__file__).resolve().parent))
from execute_notebooks import execute  # noqa: E402

#: check name (its key in CHECKS) -> name of its solution in course_lib.exercises.solutions (one home)
SOLUTION_OF = solutions.SOLUTION_OF

_CHECK_CALL = re.compile(r"\bexercises\.check_(\w+)\s*\(")
_VALUE_PLACEHOLDER = re.compile(r"^(?P<indent>\s*)(?P<name>\w+) = None  #.*$", re.M)
_CODE_PLACEHOLDER = re.compile(r"^(?P<indent>\s+)return None  # your code here.*$", re.M)
_EXPERIMENT_PLACEHOLDER = re.compile(r"^# your experiment\b.*$", re.M)
CORRECT, NOT_YET = "Correct!", "Not yet."
#: the prefix of a solution's name in the instructor edition (not to shadow a notebook's own names)
PREFIX = "reference_"


@dataclass(frozen=True)
class Exercise:
    """One exercise cell: where it is, which check grades it, and its placeholder line."""

    index: int  # cell index in the notebook (changes when cells move: for messages only)
    check: str  # key in CHECKS
    placeholder: str  # the line the learner replaces
    kind: str  # "value" (answer = None) or "function" (return None inside a def)


def check_cells(nb: Any) -> dict[int, str]:
    """Cell index -> name of the check it calls, for every code cell of ``nb`` that calls one."""
    found = {}
    for i, cell in enumerate(nb.cells):
        checks = _CHECK_CALL.findall(cell.source) if cell.cell_type == "code" else []
        if not checks:
            continue
        if len(checks) != 1 or checks[0] not in CHECKS:
            raise ValueError(f"cell {i}: expected one call of a registered check, found {checks}")
        found[i] = checks[0]
    return found


def exercises(nb: Any) -> list[Exercise]:
    """The (blank) exercise cells of ``nb``; a cell that calls a check without one placeholder raises ValueError."""
    found = []
    for i, check in check_cells(nb).items():
        cell = nb.cells[i]
        value, code = _VALUE_PLACEHOLDER.findall(cell.source), _CODE_PLACEHOLDER.findall(cell.source)
        if len(value) + len(code) != 1:
            raise ValueError(
                f"cell {i}: an exercise needs exactly one placeholder line "
                f"('x = None  # your answer here' or 'return None  # your code here'): {cell.source!r}"
            )
        match = (_VALUE_PLACEHOLDER if value else _CODE_PLACEHOLDER).search(cell.source)
        found.append(Exercise(i, check, match.group(0), "value" if value else "function"))
    return found


def _check_arguments(source: str, check: str) -> dict[str, str]:
    """The arguments of the ``exercises.check_<check>(...)`` call in ``source``, as source text by parameter name."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == f"check_{check}":
            params = [p for p in inspect.signature(CHECKS[check]).parameters]
            args = {params[k]: ast.get_source_segment(source, a) for k, a in enumerate(node.args)}
            args.update({kw.arg: ast.get_source_segment(source, kw.value) for kw in node.keywords if kw.arg})
            return args
    raise ValueError(f"no call of exercises.check_{check} in {source!r}")


def solution_code(check: str) -> str:
    """The reference solution of ``check`` as code for a cell: its imports, then the function as ``reference_...``.

    Empty for a solution that is a constant (:func:`solution_expression` writes its value in place).
    """
    name = SOLUTION_OF.get(check)
    if name is None:
        raise KeyError(
            f"check {check!r} has no reference solution: add it to SOLUTION_OF in course_lib/exercises/solutions.py"
        )
    if not callable(getattr(solutions, name)):
        return ""
    code = solutions.solution_source(check)
    code = re.sub(rf"^def {name}\(", f"def {PREFIX}{name}(", code, count=1, flags=re.M)
    imports = solutions.solution_imports(code)
    return "\n".join(imports) + ("\n\n\n" if imports else "") + code


def solution_expression(source: str, exercise: Exercise, first_arg: str = "") -> str:
    """Python source of the reference answer of ``exercise`` (``first_arg``: the step ``t`` of a function).

    A call of the cell's ``reference_...`` function with the check's own arguments, as written in the
    cell; a constant solution is its expression.
    """
    name = SOLUTION_OF.get(exercise.check)
    if name is None:
        solution_code(exercise.check)  # raises KeyError, naming what to add
    target = getattr(solutions, name)
    if not callable(target):
        return solutions.solution_source(exercise.check).split(" = ", 1)[1]
    args = _check_arguments(source, exercise.check)
    accepted = inspect.signature(target).parameters
    passed = [first_arg] if first_arg else []
    passed += [f"{k}={v}" for k, v in args.items() if k in accepted and k != "answer"]
    return f"{PREFIX}{name}({', '.join(passed)})"


def solved_source(source: str, exercise: Exercise, with_code: bool = True) -> str:
    """``source`` with its placeholder replaced by the reference solution.

    ``with_code``: the solution's code comes first in the cell (False when an experiment cell before
    it holds the code, see :func:`instructor_source`).
    """
    if exercise.kind == "value":
        m = _VALUE_PLACEHOLDER.search(source)
        line = f"{m['indent']}{m['name']} = {solution_expression(source, exercise)}  # reference solution"
    else:
        m = _CODE_PLACEHOLDER.search(source)
        func = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef))
        line = (
            f"{m['indent']}return {solution_expression(source, exercise, func.args.args[0].arg)}  # reference solution"
        )
    solved = source.replace(m.group(0), line, 1)
    code = solution_code(exercise.check) if with_code else ""
    return f"{code}\n\n\n{solved}" if code else solved


def experiment_cell(nb: Any, exercise: Exercise) -> int | None:
    """The index of the empty experiment cell (``# your experiment: ...``, comments only) just before ``exercise``."""
    i = exercise.index - 1
    while i >= 0 and nb.cells[i].cell_type != "code":
        i -= 1
    if i < 0:
        return None
    source = nb.cells[i].source.strip()
    lines = source.splitlines()
    if lines and _EXPERIMENT_PLACEHOLDER.match(lines[0]) and all(line.startswith("#") for line in lines):
        return i
    return None


def student_edition(nb: Any) -> Any:
    """A copy of ``nb`` with every output and execution count cleared (exercises stay blank)."""
    out = copy.deepcopy(nb)
    exercises(out)  # raises if an exercise lost its placeholder
    for cell in out.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return out


def instructor_source(nb: Any) -> Any:
    """A copy of ``nb`` (not executed) with every exercise solved from ``course_lib.exercises.solutions``.

    The solution's code goes into the experiment cell before the exercise if there is one (the
    experiment, done), else at the top of the exercise cell.
    """
    out = student_edition(nb)
    for ex in exercises(out):
        experiment = experiment_cell(out, ex)
        if experiment is not None and solution_code(ex.check):
            out.cells[experiment].source = out.cells[experiment].source.rstrip() + "\n" + solution_code(ex.check)
        out.cells[ex.index].source = solved_source(out.cells[ex.index].source, ex, with_code=experiment is None)
    return out


# ---------------------------------------------------------------------------------------------
# The instructor edition's check: only the cells that can answer differently from the notebook
# ---------------------------------------------------------------------------------------------

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


def _shows_something(cell: Any) -> bool:
    """The stored cell displays a picture, a widget or HTML (more than plain text)."""
    return any(
        o.output_type in ("display_data", "execute_result") and set(o.get("data", {})) - {"text/plain"}
        for o in cell.get("outputs", [])
    )


def instructor_cells(nb: Any) -> list[int]:
    """The code cells of the instructor edition of ``nb`` that can answer differently from ``nb`` itself.

    The instructor edition is ``nb`` with its exercise (and experiment) cells solved; nbval runs ``nb``
    top to bottom. So its check needs: the solved cells; every cell that reads a name they bind (its
    answer, its function), and so on forward; cells that bind nothing and show nothing (a seed, a
    style: cheap, kept); a cell that does not parse; and, backward, for every name a kept cell reads,
    the last cell before it that binds it (assigns, defines, imports or changes it in place). The
    other cells (a plot, an explorer, a study no solution reads) run as in ``nb``, where nbval runs them.
    Cell indices, in order.
    """
    solved = instructor_source(nb)
    found = exercises(nb)
    changed = {ex.index for ex in found} | {
        e for ex in found if (e := experiment_cell(nb, ex)) is not None and solution_code(ex.check)
    }
    code = [i for i, c in enumerate(solved.cells) if c.cell_type == "code" and c.source.strip()]
    names = {i: cell_names(solved.cells[i].source) for i in code}
    modules = set().union(*(v[2] for v in names.values() if v))
    bound = {i: v[0] - modules if v else None for i, v in names.items()}
    needed = set(changed)
    tainted: set[str] = set()
    for i in code:
        if i in needed or names[i] is None or names[i][1] & tainted:
            needed.add(i)
            tainted |= bound[i] or set()
        elif not bound[i] and not _shows_something(nb.cells[i]):
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


def instructor_check(nb: Any) -> Any:
    """The instructor edition of ``nb`` cut to :func:`instructor_cells` (what the suite executes)."""
    out = instructor_source(nb)
    keep = set(instructor_cells(nb))
    out.cells = [c for i, c in enumerate(out.cells) if i in keep]
    return out


def verdicts(nb: Any) -> dict[int, str]:
    """Cell index -> "Correct!" / "Not yet." / "none" for each check cell of an executed ``nb`` (either edition)."""
    found = {}
    for i in check_cells(nb):
        text = "".join(o.get("text", "") for o in nb.cells[i].get("outputs", []) if o.output_type == "stream")
        found[i] = CORRECT if CORRECT in text else NOT_YET if NOT_YET in text else "none"
    return found


def build(
    notebooks: Iterable[Path],
    out: Path,
    execute_instructor: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, list[Path]]:
    """Write ``out/student/*.ipynb`` and ``out/instructor/*.ipynb`` (executed unless told not to).

    ``progress`` (e.g. ``print``) gets one line per notebook before its instructor edition runs
    ("[3/9] 02_decay.ipynb: executing the instructor edition ...") and one when it is done, with
    its time in seconds: executing every notebook takes minutes.
    """
    written: dict[str, list[Path]] = {"student": [], "instructor": []}
    paths = list(map(Path, notebooks))
    say = progress or (lambda line: None)
    for number, path in enumerate(paths, 1):
        nb = nbformat.read(path, as_version=4)
        counter = f"[{number}/{len(paths)}] {path.name}"
        for edition, make in (("student", student_edition), ("instructor", instructor_source)):
            target = Path(out) / edition / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(make(nb), target)
            written[edition].append(target)
            if edition == "instructor" and execute_instructor:
                say(f"{counter}: student edition written; executing the instructor edition ...")
                say(f"{counter}: instructor edition executed in {execute(target, cwd=path.parent):.0f} s")
            elif edition == "instructor":
                say(f"{counter}: both editions written")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="build/editions", help="folder for student/ and instructor/")
    parser.add_argument("--no-execute", action="store_true", help="do not execute the instructor edition")
    parser.add_argument("notebooks", nargs="+")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    say = lambda line: print(line, flush=True)  # noqa: E731
    written = build(args.notebooks, Path(args.out), execute_instructor=not args.no_execute, progress=say)
    status = 0
    for path in written["instructor"]:
        wrong = {i: v for i, v in verdicts(nbformat.read(path, as_version=4)).items() if v != CORRECT}
        if wrong and not args.no_execute:
            print(f"{path}: exercises not answered correctly: {wrong}")
            status = 1
    print(f"student edition: {len(written['student'])} notebooks in {Path(args.out) / 'student'}")
    print(f"instructor edition: {len(written['instructor'])} notebooks in {Path(args.out) / 'instructor'}")
    print(f"editions built in {time.perf_counter() - start:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
