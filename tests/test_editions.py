"""The student and instructor editions (scripts/editions.py, ``make editions``).

The student edition is the notebooks' own code with outputs cleared: the stored notebooks are
executed top to bottom in a fresh kernel (tests/test_notebook_hygiene.py) and re-run by nbval in
``make test``, so their stored verdicts are what a class sees: every check "Not yet.", no error.
The instructor edition is built and executed here: every check must answer "Correct!" (as far as
it differs from the notebook nbval runs: ``instructor_to_execute``).
"""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

import editions  # scripts/editions.py (tests/conftest.py puts scripts/ on the path)
import nbformat
import pytest
from execute_notebooks import execute  # scripts/execute_notebooks.py

from course_lib import exercises

ROOT = Path(__file__).resolve().parent.parent

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_edition_is_the_notebook_blank_and_cleared(path):
    nb = nbformat.read(path, as_version=4)
    student = editions.student_edition(nb)
    assert [c.source for c in student.cells] == [c.source for c in nb.cells]
    assert all(
        not c.get("outputs") and c.get("execution_count") is None for c in student.cells if c.cell_type == "code"
    )
    found = editions.exercises(nb)
    if path.name != "00_start_here.ipynb":
        assert found, f"{path.name}: no exercise found"
    # what the class sees when it runs the student edition (stored from a fresh kernel)
    assert set(editions.verdicts(nb).values()) <= {editions.NOT_YET}, f"{path.name}: {editions.verdicts(nb)}"
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]


def test_every_check_the_notebooks_use_has_a_reference_solution():
    used = {ex.check for p in NOTEBOOKS for ex in editions.exercises(nbformat.read(p, as_version=4))}
    assert used <= set(editions.SOLUTION_OF) | set(editions.ANSWER_ARGUMENT)
    assert set(editions.SOLUTION_OF) <= set(exercises.CHECKS)


def test_solved_source_calls_the_reference_with_the_checks_arguments(capsys):
    source = (
        "answer = None  # your answer here\n"
        "exercises.check_total_steps(answer, n_examples=1348, batch_size=128, epochs=8)"
    )
    ex = editions.exercises(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]))[0]
    solved = editions.solved_source(source, ex)
    assert solved.splitlines()[0] == "from course_lib.exercises import solutions"
    assert "answer = solutions.total_steps(n_examples=1348, batch_size=128, epochs=8)" in solved
    exec(solved, {"exercises": exercises})
    assert capsys.readouterr().out.startswith(editions.CORRECT)


def test_an_exercise_without_its_placeholder_is_reported():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("exercises.check_total_steps(42)")])
    with pytest.raises(ValueError, match="placeholder"):
        editions.exercises(nb)


def bound_names(source: str) -> set[str]:
    """The names a cell assigns or defines at its top level (an exercise's answer or function)."""
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        for target in node.targets if isinstance(node, ast.Assign) else []:
            names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def instructor_to_execute(nb):
    """The instructor edition of ``nb`` as far as it differs from what nbval already runs.

    The instructor edition is the notebook with its exercise cells solved; nbval executes the
    notebook itself in ``make test``. After the last exercise the cells are the same and see the
    same state, unless they use a name an exercise binds (its answer or function): then the whole
    edition is kept. So the cells after the last exercise are cut when none of them uses such a
    name: they are executed once, by nbval, not twice.
    """
    solved = editions.instructor_source(nb)
    found = editions.exercises(nb)
    last = max(ex.index for ex in found)
    names = set().union(*(bound_names(nb.cells[ex.index].source) for ex in found))
    later = "\n".join(c.source for c in nb.cells[last + 1 :] if c.cell_type == "code")
    if not any(re.search(rf"\b{re.escape(name)}\b", later) for name in names):
        solved.cells = solved.cells[: last + 1]
    return solved


def test_the_instructor_edition_is_cut_only_where_nothing_later_uses_an_answer():
    cells = [
        "x = 1",
        "answer = None  # your answer here\nexercises.check_total_steps(answer, n_examples=10, batch_size=5, epochs=1)",
        "y = x + 1",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    assert len(instructor_to_execute(nb).cells) == 2
    nb.cells.append(nbformat.v4.new_code_cell("print(answer)"))
    assert len(instructor_to_execute(nb).cells) == 4


def test_build_writes_both_editions(tmp_path):
    written = editions.build(NOTEBOOKS[:2], tmp_path, execute_instructor=False)
    assert (
        [p.name for p in written["student"]]
        == [p.name for p in written["instructor"]]
        == [p.name for p in NOTEBOOKS[:2]]
    )
    for path in written["instructor"]:
        assert (
            nbformat.read(path, as_version=4).cells[0].source
            == nbformat.read(ROOT / "notebooks" / path.name, as_version=4).cells[0].source
        )


#: 00_start_here has no exercise: its instructor edition is the notebook, which nbval executes.
WITH_EXERCISES = [p for p in NOTEBOOKS if editions.exercises(nbformat.read(p, as_version=4))]


@pytest.mark.integration  # executes the instructor edition (up to its last exercise, see instructor_to_execute)
@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_instructor_edition_executes_with_every_check_correct(path, tmp_path):
    start = time.perf_counter()
    target = tmp_path / path.name
    nbformat.write(instructor_to_execute(nbformat.read(path, as_version=4)), target)
    execute(target, cwd=path.parent)  # the way editions.build executes it
    nb = nbformat.read(target, as_version=4)
    errors = [o.get("ename") for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, f"{path.name}: errors {errors}"
    wrong = {i: v for i, v in editions.verdicts(nb).items() if v != editions.CORRECT}
    assert not wrong, f"{path.name}: exercises not answered correctly by the instructor edition: {wrong}"
    print(f"{path.name}: instructor edition ({len(nb.cells)} cells) executed in {time.perf_counter() - start:.0f} s")


def test_build_reports_progress_per_notebook(tmp_path, monkeypatch):
    """`make editions` runs minutes: each notebook says which of how many it is and how long it took."""
    monkeypatch.setattr(editions, "execute", lambda path, cwd=None: 12.3)  # no kernel: only the messages
    lines: list[str] = []
    editions.build(NOTEBOOKS[:2], tmp_path, progress=lines.append)
    n = len(NOTEBOOKS[:2])
    assert lines == [
        line
        for i, nb in enumerate(NOTEBOOKS[:2], 1)
        for line in (
            f"[{i}/{n}] {nb.name}: student edition written; executing the instructor edition ...",
            f"[{i}/{n}] {nb.name}: instructor edition executed in 12 s",
        )
    ]
