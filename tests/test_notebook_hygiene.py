"""Stored notebooks are clean: executed top to bottom in a fresh kernel, small, no errors.

Run ``make execute-notebooks`` to refresh them after editing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
MAX_BYTES = 2 * 1024 * 1024


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb"
    assert NOTEBOOKS[0].name == "00_start_here.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean(path):
    raw = path.read_bytes()
    assert len(raw) < MAX_BYTES, f"{path.name} is {len(raw) / 1e6:.1f} MB (limit 2 MB): shrink its figures/outputs"
    nb = json.loads(raw)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb["metadata"], "widget state stored: run make execute-notebooks"
    counts = [c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name} was not executed top to bottom in a fresh kernel (counts {counts[:12]}...): "
        "run make execute-notebooks"
    )
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name} cell {i} stored an error: {out.get('ename')}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_a_cell_shows_is_stored(path):
    """A cell that shows a figure stores it: the website, the decks and a reader of the stored notebook see it.

    A notebook executed with MPLBACKEND=Agg (as the test commands set it) stores no figure at all; 02, 04,
    05 and 08 were once committed so. scripts/execute_notebooks.py uses the inline backend whatever the
    shell says. A cell nbval compares (nbval-check-output) must not draw: nbval runs under Agg.
    """
    nb = json.loads(path.read_text())
    missing, checked = [], []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or "plt.show()" not in "".join(cell["source"]):
            continue
        if not any("image/png" in out.get("data", {}) for out in cell.get("outputs", [])):
            missing.append(i)
        if "nbval-check-output" in cell["metadata"].get("tags", []):
            checked.append(i)
    assert not missing, f"{path.name}: cells {missing} show a figure but store none: run make execute-notebooks"
    assert not checked, f"{path.name}: cells {checked} draw a figure and are compared by nbval: split them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_checks_its_numbers(path):
    """At least one cell's printed, seeded numbers are compared by nbval (lax mode): its tag says so."""
    nb = json.loads(path.read_text())
    marked = [c for c in nb["cells"] if "nbval-check-output" in c["metadata"].get("tags", [])]
    assert marked, f"{path.name}: tag at least one cell nbval-check-output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_test_plumbing_is_out_of_the_learners_sight(path):
    """nbval's markers and the "last digits vary between CPUs" note are tags, not comments in the code,
    and assert-only cells are collapsed in the lab (scripts/plumbing_to_tags.py does all three)."""
    nb = json.loads(path.read_text())
    shown = [
        (i, line.strip())
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code"
        for line in "".join(c["source"]).splitlines()
        if line.strip().startswith("#") and ("NBVAL_" in line or "last digits vary" in line)
    ]
    assert not shown, f"{path.name}: plumbing in the code (run scripts/plumbing_to_tags.py): {shown[:3]}"
    sys.path.insert(0, str(path.parent.parent / "scripts"))
    try:
        from plumbing_to_tags import is_assert_only
    finally:
        sys.path.pop(0)
    open_asserts = [
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code"
        and is_assert_only("".join(c["source"]))
        and not c["metadata"].get("jupyter", {}).get("source_hidden")
    ]
    assert not open_asserts, f"{path.name}: assert-only cells not collapsed: {open_asserts}"


MAX_MARKDOWN_WORDS = 300


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_cells_are_short_enough_to_read(path):
    """A markdown cell over 300 words is a wall of text: split it at a paragraph break."""
    nb = json.loads(path.read_text())
    long = {i: len("".join(c["source"]).split()) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"}
    long = {i: n for i, n in long.items() if n > MAX_MARKDOWN_WORDS}
    assert not long, f"{path.name}: markdown cells over {MAX_MARKDOWN_WORDS} words (cell: words) {long}"
