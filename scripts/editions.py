"""The editions a class needs, built from the notebooks (the one source of truth).

    python scripts/editions.py --out build/editions notebooks/*.ipynb      (make editions)

* **student**: outputs and execution counts cleared, every exercise blank (its placeholder
  ``answer = None  # your answer here`` / ``return None  # your code here``), so a class
  predicts before it runs. Its code is the notebooks' code, cell for cell.
* **instructor**: every exercise solved from ``course_lib.exercises.solutions`` (the reference solutions
  the unit tests run through every check), executed top to bottom in a fresh kernel, every
  check printing "Correct!".

An exercise is a code cell that calls a check ``exercises.check_<name>(answer, ...)`` and holds one
placeholder line. Its solution is the reference solution of that check called with the
check's own arguments (``solutions.total_steps(n_examples=1348, batch_size=128, epochs=8)``); the
generic checks ``check_value`` and ``check_choice`` carry their answer as their ``expected``
and ``correct`` argument. Both editions are generated into a git-ignored folder: never edit them.
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

#: check name (its key in CHECKS) -> name in course_lib.exercises.solutions; absent for the generic checks
SOLUTION_OF = {
    "stability_limit": "stability_limit",
    "half_life": "half_life",
    "exponential_value": "EXPONENTIAL_VALUE",
    "linear_decay": "linear_decay_fn",
    "warmup": "warmup_cosine_fn",
    "sgdr_cycle_ends": "sgdr_cycle_ends",
    "one_cycle_peak_step": "one_cycle_peak_step",
    "scaled_lr": "scaled_lr",
    "scheduler_order": "SCHEDULER_ORDER",
    "total_steps": "total_steps",
    "gd_regime": "gd_regime",
    "plateau_lrs": "plateau_lrs",
    "adam_first_step": "adam_first_step",
    "schedule_choice": "schedule_choice",
    "ddp_lr": "ddp_lr",
    "noise_floor_batch": "noise_floor_batch",
    "adam_floor_batch": "adam_floor_batch",
    "tuned_peak": "tuned_peak",
    "shortest_warmup": "shortest_warmup",
    "sgdr_escape_peak": "sgdr_escape_peak",
    "loop_rates": "loop_rates",
}
#: generic checks: the argument that holds the right answer
ANSWER_ARGUMENT = {"value": "expected", "choice": "correct"}

_CHECK_CALL = re.compile(r"\bexercises\.check_(\w+)\s*\(")
_VALUE_PLACEHOLDER = re.compile(r"^(?P<indent>\s*)(?P<name>\w+) = None  #.*$", re.M)
_CODE_PLACEHOLDER = re.compile(r"^(?P<indent>\s+)return None  # your code here.*$", re.M)
CORRECT, NOT_YET = "Correct!", "Not yet."
#: the line an instructor edition adds at the top of each solved cell
IMPORT_SOLUTIONS = "from course_lib.exercises import solutions"


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


def solution_expression(source: str, exercise: Exercise, first_arg: str = "") -> str:
    """Python source of the reference answer of ``exercise`` (``first_arg``: the step ``t`` of a function)."""
    args = _check_arguments(source, exercise.check)
    if exercise.check in ANSWER_ARGUMENT:
        return args[ANSWER_ARGUMENT[exercise.check]]
    name = SOLUTION_OF.get(exercise.check)
    if name is None:
        raise KeyError(
            f"check {exercise.check!r} has no reference solution: add it to SOLUTION_OF "
            "and course_lib/exercises/solutions.py"
        )
    target = getattr(solutions, name)
    if not callable(target):
        return f"solutions.{name}"
    accepted = inspect.signature(target).parameters
    passed = [first_arg] if first_arg else []
    passed += [f"{k}={v}" for k, v in args.items() if k in accepted and k != "answer"]
    return f"solutions.{name}({', '.join(passed)})"


def solved_source(source: str, exercise: Exercise) -> str:
    """``source`` with its placeholder replaced by the reference solution (and ``solutions`` imported)."""
    if exercise.kind == "value":
        m = _VALUE_PLACEHOLDER.search(source)
        line = f"{m['indent']}{m['name']} = {solution_expression(source, exercise)}  # reference solution"
    else:
        m = _CODE_PLACEHOLDER.search(source)
        func = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef))
        line = (
            f"{m['indent']}return {solution_expression(source, exercise, func.args.args[0].arg)}  # reference solution"
        )
    return IMPORT_SOLUTIONS + "\n" + source.replace(m.group(0), line, 1)


def student_edition(nb: Any) -> Any:
    """A copy of ``nb`` with every output and execution count cleared (exercises stay blank)."""
    out = copy.deepcopy(nb)
    exercises(out)  # raises if an exercise lost its placeholder
    for cell in out.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return out


def instructor_source(nb: Any) -> Any:
    """A copy of ``nb`` (not executed) with every exercise solved from ``course_lib.exercises.solutions``."""
    out = student_edition(nb)
    for ex in exercises(out):
        out.cells[ex.index].source = solved_source(out.cells[ex.index].source, ex)
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
