"""The editions a class needs, built from the notebooks (the one source of truth).

    python scripts/editions.py --out build/editions notebooks/*.ipynb      (make editions)
    python scripts/editions.py --lang zh       # the Chinese notebooks (notebooks/zh_CN) into build/editions/zh_CN

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

**The Chinese editions** (``--lang zh``, ``make editions LANG=zh``) are made the same way from
notebooks/zh_CN (the same code cells, Chinese prose). Their first cell selects Chinese for
course_lib, so the instructor edition's checks print the translated verdict ("正确！", the Chinese of
"Correct! {message}" in course_lib.po): :func:`verdicts` recognises a verdict in every language
course_lib speaks, and the instructor check keeps the language cell so it answers in Chinese too.
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

from course_lib import i18n
from course_lib.exercises import CHECKS, solutions

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cell_deps import cells_needed  # noqa: E402
from execute_notebooks import execute  # noqa: E402

#: check name (its key in CHECKS) -> name of its solution in course_lib.exercises.solutions (one home)
SOLUTION_OF = solutions.SOLUTION_OF

_CHECK_CALL = re.compile(r"\bexercises\.check_(\w+)\s*\(")
_VALUE_PLACEHOLDER = re.compile(r"^(?P<indent>\s*)(?P<name>\w+) = None  #.*$", re.M)
_CODE_PLACEHOLDER = re.compile(r"^(?P<indent>\s+)return None  # your code here.*$", re.M)
_EXPERIMENT_PLACEHOLDER = re.compile(r"^# your experiment\b.*$", re.M)
CORRECT, NOT_YET = "Correct!", "Not yet."
#: A verdict as the checks print it in each language course_lib speaks (course_lib.po): "Correct!", "正确！".
CORRECT_IN = tuple(i18n.tr_in(lang, "Correct! {message}", message="").strip() for lang in i18n.LANGUAGES)
NOT_YET_IN = tuple(i18n.tr_in(lang, "Not yet. {message}", message="").strip() for lang in i18n.LANGUAGES)
#: The generated first cell of a translated notebook (scripts/translate.py: course_lib's language).
LANGUAGE_TAG = "language"
ROOT = Path(__file__).resolve().parent.parent
#: Where each edition's notebooks are and where its editions go (under --out).
LANG_FOLDERS = {"en": "", "zh": "zh_CN", "zh_CN": "zh_CN"}
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
    found = exercises(nb)
    changed = {ex.index for ex in found} | {
        e for ex in found if (e := experiment_cell(nb, ex)) is not None and solution_code(ex.check)
    }
    language = [i for i, c in enumerate(nb.cells) if LANGUAGE_TAG in c.get("metadata", {}).get("tags", [])]
    return sorted(set(cells_needed(instructor_source(nb), changed, shown=nb)) | set(language))


def instructor_check(nb: Any) -> Any:
    """The instructor edition of ``nb`` cut to :func:`instructor_cells` (what the suite executes)."""
    out = instructor_source(nb)
    keep = set(instructor_cells(nb))
    out.cells = [c for i, c in enumerate(out.cells) if i in keep]
    return out


def verdicts(nb: Any) -> dict[int, str]:
    """Cell index -> "Correct!" / "Not yet." / "none" for each check cell of an executed ``nb`` (either edition),
    whatever the language the check printed it in (:data:`CORRECT_IN`, :data:`NOT_YET_IN`)."""
    found = {}
    for i in check_cells(nb):
        text = "".join(o.get("text", "") for o in nb.cells[i].get("outputs", []) if o.output_type == "stream")
        correct, not_yet = any(c in text for c in CORRECT_IN), any(n in text for n in NOT_YET_IN)
        found[i] = CORRECT if correct else NOT_YET if not_yet else "none"
    return found


def build(
    notebooks: Iterable[Path],
    out: Path,
    execute_instructor: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, list[Path]]:
    """Write ``out/student/*.ipynb`` and ``out/instructor/*.ipynb`` (executed unless told not to).

    ``progress`` (e.g. ``print``) gets one line per notebook before its instructor edition runs
    ("[3/9] 04_decay.ipynb: executing the instructor edition ...") and one when it is done, with
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
    parser.add_argument(
        "--lang", default="en", choices=sorted(LANG_FOLDERS), help="zh: the Chinese notebooks, into OUT/zh_CN"
    )
    parser.add_argument("notebooks", nargs="*", help="default: every notebook of the language")
    args = parser.parse_args(argv)
    folder = LANG_FOLDERS[args.lang]
    notebooks = args.notebooks or sorted(map(str, (ROOT / "notebooks" / folder).glob("*.ipynb")))
    if not notebooks:
        parser.error(f"no notebooks in notebooks/{folder}: run python scripts/translate.py build")
    out = Path(args.out) / folder
    start = time.perf_counter()
    say = lambda line: print(line, flush=True)  # noqa: E731
    written = build(notebooks, out, execute_instructor=not args.no_execute, progress=say)
    status = 0
    for path in written["instructor"]:
        wrong = {i: v for i, v in verdicts(nbformat.read(path, as_version=4)).items() if v != CORRECT}
        if wrong and not args.no_execute:
            print(f"{path}: exercises not answered correctly: {wrong}")
            status = 1
    print(f"student edition: {len(written['student'])} notebooks in {out / 'student'}")
    print(f"instructor edition: {len(written['instructor'])} notebooks in {out / 'instructor'}")
    print(f"editions built in {time.perf_counter() - start:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
