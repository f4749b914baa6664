"""In the lab, a wrong answer to an exercise gets a hint, not the answer (issue 20, section 3).

Notebook 01's exercise 2 (the regime of GD on ``quiz_bowl``), its own cells taken from
notebooks/01_gradient_descent.ipynb, run in a real JupyterLab in Chromium as a learner would: a first
wrong answer, a second wrong answer, then the right one, in one kernel. The page must show:

1. first wrong try: "Not yet.", the diagnosis and a hint, and a line saying how to get the worked
   answer, but neither the regime's factors and interval (``1/L = ... < lr < 2/L = ...``, what the
   check printed before) nor a worked answer;
2. second wrong try: the worked answer, with the reference code;
3. right answer: "Correct!".

Screenshots: tests/e2e/screenshots/exercise-feedback-*.png. Written next to the course copy on the
server (never in the repository).
"""

from __future__ import annotations

import json

import nbformat
import pytest
from labserver import REPO
from test_notebooks_in_browser import JS_CELLS, check_cells, new_page, open_and_run

pytestmark = pytest.mark.e2e

NOTEBOOK = REPO / "notebooks" / "01_gradient_descent.ipynb"
#: the cells of notebook 01: the one that builds quiz_bowl (exercise 1) and exercise 2
BOWL_CELL, REGIME_CELL = "1c06db87", "47cd6a34"
PLACEHOLDER = 'answer_regime = None  # your answer here, e.g. "a"'


def feedback_notebook() -> dict:
    """The exercise three times (wrong, wrong again, right), after the cells it needs, as nbformat JSON."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    by_id = {c.get("id"): c.source for c in nb.cells}
    imports = next(c.source for c in nb.cells if c.cell_type == "code" and "from course_lib import" in c.source)
    regime = by_id[REGIME_CELL]
    assert PLACEHOLDER in regime, "notebook 01's exercise 2 changed: update this test"
    tries = [regime.replace(PLACEHOLDER, f'answer_regime = "{answer}"') for answer in ("diverges", "a", "b")]
    cells = [imports, by_id[BOWL_CELL], *tries]
    # notebook 01's metadata: its kernelspec, so the lab starts the kernel without asking
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells], metadata=nb.metadata)


def _text(cell: dict) -> str:
    return "".join(o["text"] or "" for o in cell["outputs"] if o["type"] == "stream")


def test_a_wrong_answer_shows_a_hint_and_not_the_answer(browser, lab, screenshot_dir):
    (lab.root / "e2e_exercise_feedback.ipynb").write_text(json.dumps(feedback_notebook()))
    page, _ = new_page(browser)
    try:
        open_and_run(page, lab, "e2e_exercise_feedback.ipynb")
        cells = page.evaluate(JS_CELLS)
        check_cells(cells, "exercise feedback")  # ran, no error
        first, second, right = (_text(c) for c in cells[2:5])
        nodes = page.locator(".jp-Notebook .jp-Cell")
        nodes.nth(2).scroll_into_view_if_needed()
        nodes.nth(2).screenshot(path=str(screenshot_dir / "exercise-feedback-1-first-wrong.png"))
        nodes.nth(3).screenshot(path=str(screenshot_dir / "exercise-feedback-2-second-wrong.png"))
        nodes.nth(4).screenshot(path=str(screenshot_dir / "exercise-feedback-3-right.png"))
        # 1. a hint that names the mistake, and not the answer
        assert "Not yet. 'diverges' is not what happens" in first and "Hint:" in first, first
        assert "show_answer=True" in first, first
        verdict = first[first.index("Not yet.") :]  # the cell prints the options first, then the verdict
        for answer_text in ("< lr <", "1/L =", "shrinks", "Worked answer", "oscillates but converges"):
            assert answer_text not in verdict, f"the first wrong try shows {answer_text!r}: {verdict}"
        # the page shows what the model holds (the learner sees the same)
        shown = nodes.nth(2).locator(".jp-OutputArea").inner_text()
        assert "Hint:" in shown and "Worked answer" not in shown and "< lr <" not in shown, shown
        # 2. the second wrong try: the worked answer, as code
        assert "Worked answer: gd_regime(lr=0.3, L=4.0, mu=0.8) = 'oscillates but converges'" in second, second
        assert "def gd_regime(" in second, second
        # 3. right
        assert "Correct!" in right and "Worked answer" not in right, right
    finally:
        lab.shutdown_kernels()
        page.close()
        lab.forget_workspaces()
