"""The student and instructor editions (scripts/editions.py, ``make editions``).

The student edition is the notebooks' own code with outputs cleared: the stored notebooks are
executed top to bottom in a fresh kernel (tests/test_notebook_hygiene.py) and re-run by nbval in
``make test``, so their stored verdicts are what a class sees: every check "Not yet.", no error.
The instructor edition is built and executed here: every check must answer "Correct!" (as far as
it differs from the notebook nbval runs: ``editions.instructor_cells``).
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
    # nor a traceback printed on stderr (the browser run checks only the cells its explorers need)
    stderr = [o.text for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stderr"]
    assert not [t for t in stderr if "Traceback" in t], f"{path.name}: a traceback on stderr"


def test_every_check_the_notebooks_use_has_a_reference_solution():
    used = {ex.check for p in NOTEBOOKS for ex in editions.exercises(nbformat.read(p, as_version=4))}
    assert used <= set(editions.SOLUTION_OF)
    assert set(editions.SOLUTION_OF) <= set(exercises.CHECKS)


# ---------------------------------------------------------------------------------------------
# No student-facing cell carries its answer (issue 20, section 3)
# ---------------------------------------------------------------------------------------------

#: checks that take the right answer as an argument: fine outside the course, never in a notebook
GENERIC_CHECKS = {"value", "choice", "schedule_function"}
#: keyword arguments that carry an answer, or a diagnosis / hint written in the cell (they live in course_lib)
ANSWER_KEYWORDS = {"expected", "correct", "mistakes", "reference_schedule", "hint"}


def _plain(node: ast.AST) -> bool:
    """A literal, a name or an attribute (``quiz_bowl.L``): an argument that computes nothing."""
    if isinstance(node, (ast.Constant, ast.Name)):
        return True
    if isinstance(node, ast.Attribute):
        return _plain(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _plain(node.operand)
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(_plain(e) for e in node.elts)
    return False


def answer_leaks(source: str) -> list[str]:
    """What in a cell's ``exercises.check_...(...)`` calls carries the answer (empty: nothing).

    A generic check (its answer is an argument), an answer-carrying keyword, or an argument that
    computes something in the cell (a call, a formula, an item of a list of options).
    """
    leaks = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "exercises"):
            continue
        name = node.func.attr.removeprefix("check_")
        if not node.func.attr.startswith("check_"):
            continue
        if name in GENERIC_CHECKS:
            leaks.append(f"check_{name} takes its answer as an argument")
        arguments = [*node.args[1:], *(kw.value for kw in node.keywords)]
        leaks += [f"{kw.arg}= in the cell" for kw in node.keywords if kw.arg in ANSWER_KEYWORDS]
        leaks += [f"computes {ast.unparse(a)!r} in the cell" for a in arguments if not _plain(a)]
    return leaks


#: the exercise cells as they were before issue 20 (01, 05, 06, 07 twice): each carried its answer
BEFORE = [
    'answer_lr_init = None  # your answer here\nexercises.check_choice(answer_lr_init, '
    'correct=lr_init_options[1], options=lr_init_options, hint="How many numbers...")',
    'answer = None  # copy one option\nexercises.check_choice(answer, correct=ADAM_OPTIONS[1], '
    'options=ADAM_OPTIONS, hint="Look at Adam\'s step size")',
    'answer_rate_at_cut = None  # your answer here\nexercises.check_value(answer_rate_at_cut, '
    'schedules.cosine_schedule(lr, 88)(44), rtol=1e-3, name="rate at t = 44", hint="Evaluate ...")',
    'answer = None  # your answer here\nexercises.check_value(answer, expected=0.01, '
    'name="rate of the first update", mistakes=[(0.0, "That is s(0)")], hint="...")',
    'answer = None  # your answer here\nexercises.check_value(answer, expected=31, name="first step at 0.01")',
]


@pytest.mark.parametrize("source", BEFORE, ids=["01", "05", "06", "07a", "07b"])
def test_the_scan_finds_the_answers_the_cells_carried_before(source):
    assert answer_leaks(source)


def test_the_scan_passes_a_check_that_gets_its_answer_from_course_lib():
    source = "answer_regime = None  # your answer\nexercises.check_gd_regime(answer_regime, lr=0.3, L=quiz_bowl.L)"
    assert answer_leaks(source) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_exercise_cell_carries_its_answer(path):
    nb = nbformat.read(path, as_version=4)
    for edition, book in (("notebook", nb), ("student edition", editions.student_edition(nb))):
        leaks = {i: answer_leaks(book.cells[i].source) for i in editions.check_cells(book)}
        assert not {i: v for i, v in leaks.items() if v}, f"{path.name} ({edition}): {leaks}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_student_edition_does_not_point_to_the_solutions(path):
    student = editions.student_edition(nbformat.read(path, as_version=4))
    for i, cell in enumerate(student.cells):
        assert not re.search(r"solutions\b|solutions\.py|\bsolution\(", cell.source), f"{path.name} cell {i}"
        if cell.cell_type == "code":
            assert "show_answer" not in cell.source, f"{path.name} cell {i} asks for the worked answer"


# ---------------------------------------------------------------------------------------------
# The instructor edition: each solution as readable code in the cell (not executed here)
# ---------------------------------------------------------------------------------------------


def test_solved_source_defines_the_reference_and_calls_it_with_the_checks_arguments(capsys):
    source = (
        "answer = None  # your answer here\n"
        "exercises.check_total_steps(answer, n_examples=1348, batch_size=128, epochs=8)"
    )
    ex = editions.exercises(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]))[0]
    solved = editions.solved_source(source, ex)
    assert "solutions" not in solved, "the code itself, not an opaque call"
    assert solved.startswith("import math\n") and "def reference_total_steps(" in solved
    assert "per_epoch = n_examples // batch_size if drop_last else math.ceil(n_examples / batch_size)" in solved
    assert "answer = reference_total_steps(n_examples=1348, batch_size=128, epochs=8)" in solved
    exec(solved, {"exercises": exercises})
    assert capsys.readouterr().out.startswith(editions.CORRECT)


def test_the_instructor_edition_shows_every_solution_as_code_and_does_the_experiments():
    nb = nbformat.read(ROOT / "notebooks" / "01_gradient_descent.ipynb", as_version=4)
    solved = editions.instructor_source(nb)
    text = "\n".join(c.source for c in solved.cells if c.cell_type == "code")
    assert "solutions" not in text
    cells = {ex.check: ex.index for ex in editions.exercises(nb)}
    assert "def reference_stability_limit(problem" in solved.cells[cells["stability_limit"]].source
    assert (
        "answer_limit = reference_stability_limit(problem=quiz_bowl)" in solved.cells[cells["stability_limit"]].source
    )
    # the second half of the fixed rate (notebook 02): a choice, and an experiment
    nb = nbformat.read(ROOT / "notebooks" / "02_stochastic_gradients.ipynb", as_version=4)
    solved = editions.instructor_source(nb)
    cells = {ex.check: ex.index for ex in editions.exercises(nb)}
    assert "answer_lr_init = \"choosing the optimizer's step size" in solved.cells[cells["lr_init"]].source
    # the experiment's empty cell gets the experiment, the exercise cell its call
    experiment = editions.experiment_cell(nb, next(e for e in editions.exercises(nb) if e.check == "noise_floor_batch"))
    assert nb.cells[experiment].source.startswith("# your experiment")
    code = solved.cells[experiment].source
    assert "def reference_noise_floor_batch(" in code and "def _floor_ratio(" in code and "late_excess_loss" in code
    ast.parse(code)
    assert "reference_noise_floor_batch(batch_size=1, lr=0.03)" in solved.cells[cells["noise_floor_batch"]].source


def test_every_experiment_cell_is_filled_in_the_instructor_edition():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        solved = editions.instructor_source(nb)
        blank = [
            i
            for i, c in enumerate(solved.cells)
            if c.cell_type == "code"
            and c.source.strip().startswith("#")
            and all(line.startswith("#") for line in c.source.strip().splitlines())
            and "your experiment" in c.source
        ]
        assert not blank, f"{path.name}: experiment cells left blank in the instructor edition: {blank}"


def test_an_exercise_without_its_placeholder_is_reported():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("exercises.check_total_steps(42)")])
    with pytest.raises(ValueError, match="placeholder"):
        editions.exercises(nb)


def _nb(*sources):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in sources])


EXERCISE = (
    "answer = None  # your answer here\nexercises.check_total_steps(answer, n_examples=10, batch_size=5, epochs=1)"
)


def test_the_instructor_check_keeps_what_an_answer_reaches_and_what_it_reads():
    nb = _nb(
        "from course_lib import exercises\nimport numpy as np",  # 0: read by the exercise (exercises)
        "x = 1",  # 1: nothing kept reads it
        "plot(x)",  # 2: shows a picture (below), reads no answer
        EXERCISE,  # 3
        "y = answer + 1",  # 4: reads the answer
        "print(y)",  # 5: reads what the answer reached
        "np.random.seed(0)",  # 6: binds nothing, no output: kept
    )
    nb.cells[2].outputs = [nbformat.v4.new_output("display_data", data={"image/png": "AA==", "text/plain": "F"})]
    assert editions.instructor_cells(nb) == [0, 3, 4, 5, 6]
    assert [c.source for c in editions.instructor_check(nb).cells] == [
        nb.cells[0].source,
        editions.instructor_source(nb).cells[3].source,
        *(nb.cells[i].source for i in (4, 5, 6)),
    ]


def test_the_instructor_check_follows_names_back_through_changes_in_place_and_functions():
    nb = _nb(
        "from course_lib import exercises",
        "runs = []",  # 1: bound, then changed in place by 2
        "runs.append(3)",  # 2
        "def total(n):\n    return n * len(runs)",  # 3: reads runs from outside
        "z = 5",  # 4: only a local of the function below uses the name
        "def other(z):\n    z = 2\n    return z",  # 5
        "answer = None  # your answer here\n"
        "exercises.check_total_steps(answer, n_examples=total(10), batch_size=5, epochs=1)",
        "k = 0",  # 7
        "k += answer",  # 8: reads k and the answer
    )
    assert editions.instructor_cells(nb) == [0, 1, 2, 3, 6, 7, 8]


def test_a_cell_that_does_not_parse_is_kept():
    assert editions.instructor_cells(_nb("from course_lib import exercises", "x = (", EXERCISE)) == [0, 1, 2]


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


@pytest.mark.integration  # executes the instructor edition's cells that can differ (editions.instructor_cells)
@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_instructor_edition_executes_with_every_check_correct(path, tmp_path):
    start = time.perf_counter()
    target = tmp_path / path.name
    nbformat.write(editions.instructor_check(nbformat.read(path, as_version=4)), target)
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


@pytest.mark.integration  # executes a notebook in a kernel, as make editions does
def test_the_editions_build_prints_no_kernel_transport_warning(tmp_path):
    """``make editions`` printed ipykernel's "Kernel is running over TCP without encryption ..." once per notebook
    (the kernel's own log on its stderr, nothing a class can act on); execute_notebooks drops that line, only it."""
    import subprocess
    import sys

    nb = ROOT / "notebooks" / "00_start_here.ipynb"
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "editions.py"), "--out", str(tmp_path), str(nb)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "instructor edition executed" in run.stdout  # the notebook did run in a kernel
    output = run.stdout + run.stderr
    assert "over TCP" not in output, [line for line in output.splitlines() if "over TCP" in line]


@pytest.mark.integration  # starts a kernel
def test_executing_drops_only_the_named_kernel_noise(tmp_path, capfd):
    """The kernel's other stderr lines (a crash, a library's warning at start-up) still reach the terminal."""
    import execute_notebooks

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os\nos.write(2, b'kernel says hello\\n')")])
    path = tmp_path / "hello.ipynb"
    nbformat.write(nb, path)
    execute(path)
    err = capfd.readouterr().err
    assert "kernel says hello" in err and "over TCP" not in err
    assert execute_notebooks.is_kernel_noise("[IPKernelApp] WARNING | Kernel is running over TCP without encryption.")
    assert not execute_notebooks.is_kernel_noise("[IPKernelApp] WARNING | something else")


def _translated(path: Path) -> nbformat.NotebookNode:
    """The Chinese twin of an English notebook: notebooks/zh_CN's when built, else made now from its catalog
    (scripts/translate.py; untranslated prose stays English, the language cell is first either way)."""
    import json

    import translate  # scripts/translate.py

    twin = ROOT / "notebooks" / "zh_CN" / path.name
    if twin.is_file():
        return nbformat.read(twin, as_version=4)
    table = translate.translations(translate.Source(f"notebooks/{path.name}"))
    nb = translate.translated_notebook(json.loads(path.read_text(encoding="utf-8")), table.get)
    return nbformat.reads(json.dumps(nb), as_version=4)  # sources as strings, as nbformat.read gives them


def test_a_verdict_counts_in_either_language():
    nb = _nb("exercises.check_total_steps(answer)", "exercises.check_total_steps(answer)", "x = 1")
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="正确！ 每个 epoch 有 11 步。\n")]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="还不对。 提示：...\n")]
    assert editions.verdicts(nb) == {0: editions.CORRECT, 1: editions.NOT_YET}


@pytest.mark.integration  # executes the instructor check of one Chinese notebook
def test_the_chinese_instructor_edition_answers_correct_in_chinese(tmp_path):
    """make editions LANG=zh: the Chinese notebooks' first cell selects Chinese, and the instructor check keeps
    it, so every check prints the translated "Correct!" (course_lib.po), which the build counts as correct."""
    path = WITH_EXERCISES[0]
    nb = _translated(path)
    check = editions.instructor_check(nb)
    assert "language" in check.cells[0].metadata.get("tags", [])
    target = tmp_path / path.name
    nbformat.write(check, target)
    execute(target, cwd=path.parent)
    done = nbformat.read(target, as_version=4)
    found = editions.verdicts(done)
    assert found and set(found.values()) == {editions.CORRECT}, found
    correct_zh = _chinese_correct()
    for i in found:
        text = "".join(o.get("text", "") for o in done.cells[i].get("outputs", []) if o.output_type == "stream")
        assert correct_zh in text, f"cell {i} did not answer in Chinese: {text[:200]!r}"


def _chinese_correct() -> str:
    from course_lib import i18n

    return i18n.tr_in("zh_CN", "Correct! {message}", message="").strip()
