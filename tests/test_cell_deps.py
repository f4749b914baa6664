"""scripts/cell_deps.py: which cells a few cells of a notebook need (the instructor check and the
browser run execute those; nbval runs every cell)."""

from __future__ import annotations

import cell_deps  # scripts/cell_deps.py (tests/conftest.py puts scripts/ on the path)
import nbformat


def _nb(*sources):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in sources])


def _picture(cell):
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "AA==", "text/plain": "<Figure>"})]


def test_an_explorer_needs_what_it_reads_not_the_studies_and_plots_around_it():
    nb = _nb(
        "from course_lib import explorers, studies\nimport matplotlib.pyplot as plt",  # 0
        "bowl = studies.bowl()",  # 1: read by the explorer
        "runs = studies.claim('x').run([0, 1, 2])",  # 2: a study nobody below reads
        "plt.plot(runs)\nplt.show()",  # 3: a plot (binds nothing, shows a picture)
        "explorers.explore_gd(bowl)",  # 4: the explorer
        "print(runs)",  # 5: reads the study, not the explorer
        "%matplotlib inline",  # 6: magics only: binds nothing, kept (cheap)
    )
    _picture(nb.cells[3])
    nb.cells[5].outputs = [nbformat.v4.new_output("stream", name="stdout", text="[...]")]
    assert cell_deps.cells_needed(nb, {4}) == [0, 1, 4, 6]


def test_names_local_to_a_function_or_a_comprehension_are_not_read_from_outside():
    bound, read, imported = cell_deps.cell_names(
        "import numpy as np\ndef f(a, *, b=scale):\n    c = a + offset\n    return [c * k for k in range(b)]\ny = f(1)"
    )
    assert read == {"scale", "offset", "range"} and bound == {"np", "f", "y"} and imported == {"np"}


def test_a_change_in_place_binds_and_reads_its_object():
    bound, read, _ = cell_deps.cell_names("runs.append(1)\nbox.value = 3\ntable['a'] = 2\nn += 1")
    assert {"runs", "box", "table", "n"} <= bound and {"runs", "box", "table", "n"} <= read
    assert cell_deps.cell_names("x = (") is None  # does not parse: the caller keeps the cell
