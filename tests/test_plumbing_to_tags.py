"""scripts/plumbing_to_tags.py moves nbval's comments to tags without changing what nbval does."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import plumbing_to_tags  # noqa: E402

sys.path.pop(0)
nbval_plugin = pytest.importorskip("nbval.plugin")


def _cell(source: str):
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="0.1234\n")]
    return cell


def _nbval_options(cell) -> dict:
    """What nbval decides for ``cell``: its tags and its comments, as nbval.plugin reads them."""
    return {
        **dict(nbval_plugin.find_metadata_tags(cell.metadata)),
        **dict(nbval_plugin.find_comment_markers(cell.source)),
    }


@pytest.mark.parametrize(
    "source",
    [
        "# NBVAL_CHECK_OUTPUT\nprint(0.1234)",
        "# NBVAL_SKIP\nprint(1)",
        "# NBVAL_RAISES_EXCEPTION\nraise ValueError",
        "# NBVAL_IGNORE_OUTPUT\nprint(2)",
        "# trained networks: the last digits vary between CPUs, so nbval does not compare this output\nprint(3)",
        "x = 1\n# NBVAL_CHECK_OUTPUT\nprint(x)",
    ],
)
def test_nbval_decides_the_same_from_the_tag(source):
    cell = _cell(source)
    before = _nbval_options(cell)
    outputs = copy.deepcopy(cell.outputs)
    assert plumbing_to_tags.rewrite_cell(cell)
    assert "NBVAL" not in cell.source and "last digits" not in cell.source
    assert _nbval_options(cell) == (before or {"check": False}), cell.metadata
    assert cell.outputs == outputs and cell.execution_count == 1
    assert not plumbing_to_tags.rewrite_cell(cell), "a second run changes nothing"


def test_assert_only_cells_are_collapsed_and_others_are_not():
    checks = _cell("assert x > 0, 'x'\nassert y < 1")
    assert plumbing_to_tags.rewrite_cell(checks)
    assert checks.metadata["jupyter"]["source_hidden"] is True and "assert-only" in checks.metadata["tags"]
    code = _cell("assert x > 0\nprint(x)")
    assert not plumbing_to_tags.rewrite_cell(code) and "jupyter" not in code.metadata


def test_a_notebook_is_rewritten_once(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[_cell("# NBVAL_CHECK_OUTPUT\nprint(0.1234)"), _cell("assert True")])
    path = tmp_path / "a.ipynb"
    nbformat.write(nb, path)
    assert plumbing_to_tags.main(["--check", str(path)]) == 1
    assert plumbing_to_tags.rewrite(path) == 2
    assert plumbing_to_tags.rewrite(path) == 0
    assert plumbing_to_tags.main(["--check", str(path)]) == 0
