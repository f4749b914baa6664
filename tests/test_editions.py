"""The student and instructor editions (scripts/editions.py, ``make editions``).

The student edition is the notebooks' own code with outputs cleared: the stored notebooks are
executed top to bottom in a fresh kernel (tests/test_notebook_hygiene.py) and re-run by nbval in
``make test``, so their stored verdicts are what a class sees: every check "Not yet.", no error.
The instructor edition is built and executed here: every check must answer "Correct!".
"""

from __future__ import annotations

import time
from pathlib import Path

import editions  # scripts/editions.py (tests/conftest.py puts scripts/ on the path)
import nbformat
import pytest

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


@pytest.mark.integration  # executes every notebook of the instructor edition
def test_instructor_edition_executes_with_every_check_correct(tmp_path):
    start = time.perf_counter()
    written = editions.build(NOTEBOOKS, tmp_path)
    wrong = {}
    for path in written["instructor"]:
        nb = nbformat.read(path, as_version=4)
        errors = [o.get("ename") for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert not errors, f"{path.name}: errors {errors}"
        bad = {i: v for i, v in editions.verdicts(nb).items() if v != editions.CORRECT}
        if bad:
            wrong[path.name] = bad
    assert not wrong, f"exercises not answered correctly by the instructor edition: {wrong}"
    print(f"instructor edition built and executed in {time.perf_counter() - start:.0f} s")
